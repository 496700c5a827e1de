//! The CME certificate (继续医学教育学分验证合格证书): one A4 page per person and year, alone
//! ([`certificate_pdf`]), in batches streamed to a writer ([`CertificateBatch`]), or as a
//! multi-year proof for a promotion file ([`multi_year_proof_pdf`]).
//!
//! All three draw pages with the same code and write them with the streaming writer of
//! [`crate::pdf`], so a certificate looks the same (byte for byte in its page) wherever it is
//! printed, and the output is deterministic: the same input gives the same bytes.

use std::io::Write;

use crate::error::DocumentError;
use crate::fonts::Fonts;
use crate::layout::{A4_HEIGHT, A4_WIDTH, Align, mm};
use crate::pdf::{Colour, Op, PdfStream, circle_path, rect_path};
use crate::seal::Seal;
use crate::text::{Shaper, TextStyle};

/// Everything printed on one certificate, prepared by the caller (ID number already masked,
/// date formatted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Certificate {
    /// 姓名.
    pub name: String,
    /// 性别.
    pub gender: String,
    /// 身份证号, masked as it should print (e.g. "530102********123X").
    pub id_number: String,
    /// 工作单位.
    pub unit: String,
    /// 科室, or empty where the unit has none (a village clinic): the line is left out.
    pub department: String,
    /// 职称.
    pub title: String,
    /// The year the credits were earned.
    pub year: i32,
    /// I类学分 in tenths (125 = 12.5).
    pub class1_tenths: i64,
    /// II类学分 in tenths.
    pub class2_tenths: i64,
    /// 自管学分 in tenths.
    pub self_managed_tenths: i64,
    /// 合计 in tenths.
    pub total_tenths: i64,
    /// "合格", or "视为合格" with the special-list reason (e.g. "视为合格（特殊人员：进修）").
    pub verdict: String,
    /// Certificate number, e.g. "2021-530000-000123".
    pub number: String,
    /// The verification code printed for manual lookup (8 characters).
    pub check_code: String,
    /// 1 for the first issue; "（第N版）" is printed from 2 on.
    pub version: u32,
    /// The issuing committee, e.g. "云南省继续医学教育委员会".
    pub issuer: String,
    /// Issue date in the official form, e.g. "二〇二二年三月十五日" (`domain::time::official_date`).
    pub issued_on: String,
    /// What the QR code holds: the public verification page of this certificate.
    pub verify_url: String,
    /// The address of the public verification page where the number and check code are typed,
    /// printed under the QR code for a reader without a phone (e.g. "cme.example.cn/verify").
    pub verify_page: String,
    /// How the year was verified, printed beside the verdict when set ("纸质验证").
    pub path_label: Option<String>,
}

/// Whose multi-year proof it is (the first page of [`multi_year_proof_pdf`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProofHolder {
    /// 姓名.
    pub name: String,
    /// 性别.
    pub gender: String,
    /// 身份证号, masked.
    pub id_number: String,
    /// 工作单位.
    pub unit: String,
}

/// The most years a multi-year proof holds.
pub const PROOF_MAX_YEARS: usize = 5;

/// The title printed on every certificate.
pub const CERTIFICATE_TITLE: &str = "继续医学教育学分验证合格证书";

/// What the seal area says on a certificate printed without an electronic seal.
pub const STAMP_REQUIRED: &str = "须加盖印章";

/// The caption under the QR code, above the verification page's address.
pub const QR_CAPTION: &str = "扫码核验，或在以下网址输入证书编号和验证码核验：";

/// The label before the issuing committee's name.
pub const ISSUER_LABEL: &str = "发证机关：";

/// The label before the issue date.
pub const DATE_LABEL: &str = "发证日期：";

/// The seal area of a certificate page: centre x, centre y (points from the top-left corner)
/// and diameter. A seal is drawn scaled into this square (keeping its proportions) over the
/// issuer's name and the date; without a seal a dashed circle marks where to stamp.
pub const SEAL_AREA: (f32, f32, f32) = (SEAL_CX, SEAL_CY, SEAL_D);

/// The QR code's square: left, top, side (points from the top-left corner, quiet zone
/// included).
pub const QR_AREA: (f32, f32, f32) = (LEFT, QR_TOP, QR_SIDE);

/// Formats tenths of a credit without a needless decimal: 125 → "12.5", 250 → "25".
pub fn format_credit(tenths: i64) -> String {
    let sign = if tenths < 0 { "-" } else { "" };
    let abs = tenths.unsigned_abs();
    if abs.is_multiple_of(10) { format!("{sign}{}", abs / 10) } else { format!("{sign}{}.{}", abs / 10, abs % 10) }
}

// Page geometry, in points from the top-left corner.
const LEFT: f32 = 85.039_37; // 30 mm
const RIGHT: f32 = A4_WIDTH - LEFT;
const CONTENT_WIDTH: f32 = RIGHT - LEFT;
const QR_TOP: f32 = 615.118_1; // 217 mm
const QR_SIDE: f32 = 85.039_37; // 30 mm
const ISSUER_BASELINE: f32 = 666.141_7; // 235 mm
const DATE_BASELINE: f32 = 691.653_5; // 244 mm
const SEAL_CY: f32 = 637.795_3; // 225 mm
const SEAL_D: f32 = 113.385_83; // 40 mm
/// The seal's centre x: the middle of the widest issuer line we expect (12 characters of
/// 14 pt, right-aligned at the right margin).
const SEAL_CX: f32 = RIGHT - 6.0 * 14.0;
/// The flowing part (particulars, credits, verdict, number) must end above this.
const FLOW_LIMIT: f32 = 598.0;

const TITLE: TextStyle = TextStyle::bold(26.0);
const YEAR: TextStyle = TextStyle::regular(15.0);
const LABEL: TextStyle = TextStyle::bold(13.0);
const VALUE: TextStyle = TextStyle::regular(13.0);
const CELL: TextStyle = TextStyle::regular(12.0);
const VERDICT: TextStyle = TextStyle::bold(15.0);
const ISSUER: TextStyle = TextStyle::regular(14.0);
const DATE: TextStyle = TextStyle::regular(13.0);
const CAPTION: TextStyle = TextStyle::regular(9.0);
const ADDRESS: TextStyle = TextStyle::regular(10.5);
const CODE: TextStyle = TextStyle::bold(14.0);
const PLACEHOLDER: TextStyle = TextStyle::regular(12.0);

const FRAME: Colour = Colour::Rgb(0.55, 0.12, 0.10);
const SHADE: Colour = Colour::Gray(0.91);
const GREY: Colour = Colour::Gray(0.45);

/// One page's drawing operations, with the shaper that resolves its text.
struct Page<'s, 'f> {
    shaper: &'s Shaper<'f>,
    ops: Vec<Op>,
}

impl Page<'_, '_> {
    /// One line of text aligned at `x`; returns its width.
    #[expect(clippy::too_many_arguments, reason = "a drawing primitive")]
    fn text(
        &mut self,
        field: &str,
        text: &str,
        style: TextStyle,
        x: f32,
        baseline: f32,
        align: Align,
        colour: Colour,
    ) -> Result<f32, DocumentError> {
        let line = self.shaper.shape(field, text, style)?;
        let width = line.width();
        let x = match align {
            Align::Left => x,
            Align::Center => x - width / 2.0,
            Align::Right => x - width,
        };
        self.ops.push(Op::Text { line, x, baseline, colour });
        Ok(width)
    }

    /// `text` wrapped to `width` from `x`, first baseline at `baseline`, lines `step` apart;
    /// returns the baseline of the last line.
    #[expect(clippy::too_many_arguments, reason = "a drawing primitive")]
    fn wrapped(
        &mut self,
        field: &str,
        text: &str,
        style: TextStyle,
        x: f32,
        baseline: f32,
        width: f32,
        step: f32,
        align: Align,
    ) -> Result<f32, DocumentError> {
        let lines = self.shaper.wrap(field, text, style, width)?;
        let mut y = baseline;
        for (i, line) in lines.into_iter().enumerate() {
            y = baseline + i as f32 * step;
            let lx = match align {
                Align::Left => x,
                Align::Center => x + (width - line.width()) / 2.0,
                Align::Right => x + width - line.width(),
            };
            self.ops.push(Op::Text { line, x: lx, baseline: y, colour: Colour::BLACK });
        }
        Ok(y)
    }

    fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32, colour: Colour) {
        self.ops.push(Op::Stroke { path: rect_path(x, y, w, h), width, colour, dash: None });
    }

    fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Colour) {
        self.ops.push(Op::Rects { rects: vec![(x, y, w, h)], colour });
    }

    /// A QR code of `data` (level M) as vector rectangles with its 4-module quiet zone,
    /// filling the square at (`x`, `y`) of side `side`.
    fn qr(&mut self, field: &str, data: &str, x: f32, y: f32, side: f32) -> Result<(), DocumentError> {
        let rects = crate::qr::modules(field, data, x, y, side)?;
        self.ops.push(Op::Rects { rects, colour: Colour::BLACK });
        Ok(())
    }

    /// A table of fixed column widths at (`x`, `top`): every cell wraps and is centred; the
    /// first row is a shaded header in bold when `header`. Returns the bottom.
    #[expect(clippy::too_many_arguments, reason = "a drawing primitive")]
    fn table(
        &mut self,
        field: &str,
        x: f32,
        top: f32,
        widths: &[f32],
        rows: &[Vec<String>],
        style: TextStyle,
        header: bool,
    ) -> Result<f32, DocumentError> {
        let pad = 4.0;
        let mut y = top;
        for (r, row) in rows.iter().enumerate() {
            let is_header = header && r == 0;
            let style = if is_header { TextStyle { weight: crate::Weight::Bold, ..style } } else { style };
            let mut cells = Vec::with_capacity(row.len());
            for (c, (text, w)) in row.iter().zip(widths).enumerate() {
                cells.push(self.shaper.wrap(&format!("{field}[{r}][{c}]"), text, style, w - 2.0 * pad)?);
            }
            let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let height = lines as f32 * style.line_height() + 2.0 * pad + 2.0;
            let mut cx = x;
            for (cell, &w) in cells.into_iter().zip(widths) {
                if is_header {
                    self.fill_rect(cx, y, w, height, SHADE);
                }
                let offset = (height - cell.len() as f32 * style.line_height()) / 2.0;
                for (k, line) in cell.into_iter().enumerate() {
                    let baseline = y + offset + k as f32 * style.line_height() + style.baseline_offset();
                    let lx = cx + (w - line.width()) / 2.0;
                    self.ops.push(Op::Text { line, x: lx, baseline, colour: Colour::BLACK });
                }
                self.stroke_rect(cx, y, w, height, 0.7, Colour::BLACK);
                cx += w;
            }
            y += height;
        }
        Ok(y)
    }

    /// The decorated double frame of the page.
    fn frame(&mut self) {
        let outer = mm(12.0);
        let inner = mm(14.5);
        self.stroke_rect(outer, outer, A4_WIDTH - 2.0 * outer, A4_HEIGHT - 2.0 * outer, 2.8, FRAME);
        self.stroke_rect(inner, inner, A4_WIDTH - 2.0 * inner, A4_HEIGHT - 2.0 * inner, 0.8, FRAME);
    }

    /// A labelled particular ("姓　　名：王䶮") at `x`; the value wraps within `width`.
    /// Returns the baseline of its last line.
    fn particular(
        &mut self,
        field: &str,
        label: &str,
        value: &str,
        x: f32,
        baseline: f32,
        width: f32,
    ) -> Result<f32, DocumentError> {
        let label_width = self.text("label", label, LABEL, x, baseline, Align::Left, Colour::BLACK)?;
        self.wrapped(field, value, VALUE, x + label_width, baseline, width - label_width, mm(7.0), Align::Left)
    }
}

/// Checks every printed string of `cert` against the font; `prefix` is put before field
/// names (e.g. "years[2].").
fn check_certificate(shaper: &Shaper<'_>, prefix: &str, cert: &Certificate) -> Result<(), DocumentError> {
    for (field, text) in [
        ("name", &cert.name),
        ("gender", &cert.gender),
        ("id_number", &cert.id_number),
        ("unit", &cert.unit),
        ("department", &cert.department),
        ("title", &cert.title),
        ("verdict", &cert.verdict),
        ("number", &cert.number),
        ("check_code", &cert.check_code),
        ("issuer", &cert.issuer),
        ("issued_on", &cert.issued_on),
        ("verify_page", &cert.verify_page),
        ("path_label", cert.path_label.as_ref().unwrap_or(&String::new())),
    ] {
        shaper.check(&format!("{prefix}{field}"), text)?;
    }
    Ok(())
}

/// Draws one certificate page.
fn certificate_page(shaper: &Shaper<'_>, cert: &Certificate, seal: Option<&Seal>) -> Result<Vec<Op>, DocumentError> {
    check_certificate(shaper, "", cert)?;
    let mut page = Page { shaper, ops: Vec::with_capacity(64) };
    page.frame();
    let centre = A4_WIDTH / 2.0;
    page.text("title", CERTIFICATE_TITLE, TITLE, centre, mm(48.0), Align::Center, Colour::BLACK)?;
    page.text("year", &format!("（{}年度）", cert.year), YEAR, centre, mm(60.0), Align::Center, Colour::BLACK)?;

    // Particulars.
    let step = mm(11.0);
    let mut y = mm(80.0);
    page.particular("name", "姓　　名：", &cert.name, LEFT, y, mm(85.0))?;
    page.particular("gender", "性　　别：", &cert.gender, LEFT + mm(95.0), y, CONTENT_WIDTH - mm(95.0))?;
    y += step;
    y = page.particular("id_number", "身份证号：", &cert.id_number, LEFT, y, CONTENT_WIDTH)? + step;
    y = page.particular("unit", "工作单位：", &cert.unit, LEFT, y, CONTENT_WIDTH)? + step;
    if !cert.department.trim().is_empty() {
        y = page.particular("department", "科　　室：", &cert.department, LEFT, y, CONTENT_WIDTH)? + step;
    }
    y = page.particular("title", "职　　称：", &cert.title, LEFT, y, CONTENT_WIDTH)? + step + mm(2.0);

    let intro = format!("经审核，该同志{}年度继续医学教育学分情况如下：", cert.year);
    y = page.wrapped("intro", &intro, VALUE, LEFT, y, CONTENT_WIDTH, mm(7.0), Align::Left)? + mm(5.0);

    // Credits by class.
    let rows = vec![
        ["学分类别", "I类", "II类", "自管", "合计"].map(str::to_owned).to_vec(),
        vec![
            "学分".to_owned(),
            format_credit(cert.class1_tenths),
            format_credit(cert.class2_tenths),
            format_credit(cert.self_managed_tenths),
            format_credit(cert.total_tenths),
        ],
    ];
    let widths = [CONTENT_WIDTH / 5.0; 5];
    y = page.table("credits", LEFT, y, &widths, &rows, CELL, true)? + mm(11.0);

    let w = page.text("label", "验证结论：", VERDICT, LEFT, y, Align::Left, Colour::BLACK)?;
    page.text("verdict", &cert.verdict, VERDICT, LEFT + w, y, Align::Left, Colour::BLACK)?;
    if let Some(path) = &cert.path_label {
        page.particular("path_label", "验证方式：", path, LEFT + mm(95.0), y, CONTENT_WIDTH - mm(95.0))?;
    }
    y += step;
    let number =
        if cert.version > 1 { format!("{}（第{}版）", cert.number, cert.version) } else { cert.number.clone() };
    // The number and check code in a larger bold face, each on its own line, to be typed
    // on the verification page printed under the QR code.
    let w = page.text("label", "证书编号：", LABEL, LEFT, y, Align::Left, Colour::BLACK)?;
    page.text("number", &number, CODE, LEFT + w, y, Align::Left, Colour::BLACK)?;
    y += step;
    let w = page.text("label", "验 证 码：", LABEL, LEFT, y, Align::Left, Colour::BLACK)?;
    page.text("check_code", &cert.check_code, CODE, LEFT + w, y, Align::Left, Colour::BLACK)?;
    if y > FLOW_LIMIT {
        return Err(DocumentError::InvalidInput {
            field: "unit".to_owned(),
            reason: "证书内容过长，一页放不下（请缩短单位名称等）".to_owned(),
        });
    }

    // The QR code; under it, for a reader without a phone, where to type the number and code.
    page.qr("verify_url", &cert.verify_url, LEFT, QR_TOP, QR_SIDE)?;
    let caption = QR_TOP + QR_SIDE + mm(3.5);
    page.text("caption", QR_CAPTION, CAPTION, LEFT + mm(2.0), caption, Align::Left, GREY)?;
    let address_width = SEAL_CX - SEAL_D / 2.0 - LEFT - mm(2.0);
    page.wrapped(
        "verify_page",
        &cert.verify_page,
        ADDRESS,
        LEFT + mm(2.0),
        caption + mm(5.0),
        address_width,
        mm(4.5),
        Align::Left,
    )?;

    // 发证机关 and 发证日期, right-aligned; the seal is centred over the committee's name
    // (the label stands left of it), or a dashed circle marks where to stamp.
    let issuer_width =
        page.text("issuer", &cert.issuer, ISSUER, RIGHT, ISSUER_BASELINE, Align::Right, Colour::BLACK)?;
    page.text("label", ISSUER_LABEL, ISSUER, RIGHT - issuer_width, ISSUER_BASELINE, Align::Right, Colour::BLACK)?;
    let date_width =
        page.text("issued_on", &cert.issued_on, DATE, RIGHT, DATE_BASELINE, Align::Right, Colour::BLACK)?;
    page.text("label", DATE_LABEL, DATE, RIGHT - date_width, DATE_BASELINE, Align::Right, Colour::BLACK)?;
    match seal {
        Some(seal) => {
            let (w, h) = (seal.width() as f32, seal.height() as f32);
            let scale = SEAL_D / w.max(h);
            let (w, h) = (w * scale, h * scale);
            page.ops.push(Op::Image { seal: seal.clone(), x: SEAL_CX - w / 2.0, y: SEAL_CY - h / 2.0, w, h });
        }
        None => {
            page.ops.push(Op::Stroke {
                path: circle_path(SEAL_CX, SEAL_CY, SEAL_D / 2.0),
                width: 1.0,
                colour: GREY,
                dash: Some((4.0, 3.0)),
            });
            page.text("stamp", STAMP_REQUIRED, PLACEHOLDER, SEAL_CX, SEAL_CY + 4.0, Align::Center, GREY)?;
        }
    }
    Ok(page.ops)
}

/// The first page of a multi-year proof: the holder and a table of the years.
fn proof_summary_page(
    shaper: &Shaper<'_>,
    holder: &ProofHolder,
    years: &[(Certificate, Option<&Seal>, String)],
) -> Result<Vec<Op>, DocumentError> {
    for (field, text) in [
        ("holder.name", &holder.name),
        ("holder.gender", &holder.gender),
        ("holder.id_number", &holder.id_number),
        ("holder.unit", &holder.unit),
    ] {
        shaper.check(field, text)?;
    }
    let mut page = Page { shaper, ops: Vec::with_capacity(128) };
    page.frame();
    let centre = A4_WIDTH / 2.0;
    page.text("title", "继续医学教育学分验证证明", TITLE, centre, mm(48.0), Align::Center, Colour::BLACK)?;
    let step = mm(11.0);
    let mut y = mm(72.0);
    page.particular("holder.name", "姓　　名：", &holder.name, LEFT, y, mm(85.0))?;
    page.particular("holder.gender", "性　　别：", &holder.gender, LEFT + mm(95.0), y, CONTENT_WIDTH - mm(95.0))?;
    y += step;
    y = page.particular("holder.id_number", "身份证号：", &holder.id_number, LEFT, y, CONTENT_WIDTH)? + step;
    y = page.particular("holder.unit", "工作单位：", &holder.unit, LEFT, y, CONTENT_WIDTH)? + step + mm(2.0);
    let intro = format!(
        "经核验，该同志以下{}个年度的继续医学教育学分验证情况如下，各年度证书附后（以证书编号和验证码在公众验证页面核验）：",
        years.len()
    );
    y = page.wrapped("intro", &intro, VALUE, LEFT, y, CONTENT_WIDTH, mm(7.0), Align::Left)? + mm(5.0);

    let mut rows =
        vec![["年度", "证书编号", "I类", "II类", "自管", "合计", "结论", "状态"].map(str::to_owned).to_vec()];
    for (cert, _, status) in years {
        rows.push(vec![
            cert.year.to_string(),
            if cert.version > 1 { format!("{}（第{}版）", cert.number, cert.version) } else { cert.number.clone() },
            format_credit(cert.class1_tenths),
            format_credit(cert.class2_tenths),
            format_credit(cert.self_managed_tenths),
            format_credit(cert.total_tenths),
            cert.verdict.clone(),
            status.clone(),
        ]);
    }
    // 425 points: year, number, four amounts, verdict, status.
    let widths = [38.0, 123.0, 36.0, 36.0, 36.0, 36.0, 56.0, 64.0];
    let scale = CONTENT_WIDTH / widths.iter().sum::<f32>();
    let widths = widths.map(|w| w * scale);
    page.table("years", LEFT, y, &widths, &rows, TextStyle::regular(10.5), true)?;
    Ok(page.ops)
}

/// The cover of a printed batch: what the bundle is and who is not in it,
/// so that the CME office can file the paper and answer for the gaps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchCover {
    pub unit: String,
    /// The department printed, or `None` for the whole unit (or chosen people).
    pub department: Option<String>,
    pub year: i32,
    /// The certificates that follow.
    pub count: usize,
    /// When it was printed, as written on the cover (2026年12月7日).
    pub printed_on: String,
    /// Every chosen person without a page, and why.
    pub left_out: Vec<LeftOut>,
}

/// A chosen person the batch holds no certificate of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    pub name: String,
    pub department: String,
    /// In words: 无证书, 证书已撤销, 证书暂缓（抽验中）…
    pub reason: String,
}

/// The lowest a cover's table may reach before it goes on the next page.
const COVER_BOTTOM: f32 = A4_HEIGHT - 56.692_91; // 20 mm
const COVER_CELL: TextStyle = TextStyle::regular(10.5);

/// The cover's pages: the particulars, a count by reason, then the
/// left-out table over as many pages as it needs (rows measured as the
/// table draws them, so a long name that wraps never runs off the page).
fn cover_pages(shaper: &Shaper<'_>, cover: &BatchCover) -> Result<Vec<Vec<Op>>, DocumentError> {
    let centre = A4_WIDTH / 2.0;
    let mut pages = Vec::new();
    let mut page = Page { shaper, ops: Vec::with_capacity(256) };
    page.text("title", "继续医学教育学分验证合格证书", TITLE, centre, mm(40.0), Align::Center, Colour::BLACK)?;
    page.text("subtitle", "打印清单（封面）", YEAR, centre, mm(52.0), Align::Center, Colour::BLACK)?;
    let step = mm(9.0);
    let mut y = mm(72.0);
    y = page.particular("unit", "单　　位：", &cover.unit, LEFT, y, CONTENT_WIDTH)? + step;
    let department = cover.department.as_deref().unwrap_or("全部科室");
    y = page.particular("department", "科　　室：", department, LEFT, y, CONTENT_WIDTH)? + step;
    y = page.particular("year", "年　　度：", &format!("{}年度", cover.year), LEFT, y, CONTENT_WIDTH)? + step;
    y = page.particular("count", "证书份数：", &format!("{} 份", cover.count), LEFT, y, CONTENT_WIDTH)? + step;
    y = page.particular("printed_on", "打印日期：", &cover.printed_on, LEFT, y, CONTENT_WIDTH)? + step;
    let order = "证书按科室、再按姓名拼音排序。";
    y = page.wrapped("order", order, VALUE, LEFT, y, CONTENT_WIDTH, mm(7.0), Align::Left)? + step;
    if cover.left_out.is_empty() {
        page.wrapped(
            "left_out",
            "所选人员均已打印，无未打印人员。",
            VALUE,
            LEFT,
            y,
            CONTENT_WIDTH,
            mm(7.0),
            Align::Left,
        )?;
        pages.push(page.ops);
        return Ok(pages);
    }
    // How many for each reason, in the order they first appear.
    let mut reasons: Vec<(&str, usize)> = Vec::new();
    for l in &cover.left_out {
        match reasons.iter_mut().find(|(r, _)| *r == l.reason) {
            Some((_, n)) => *n += 1,
            None => reasons.push((&l.reason, 1)),
        }
    }
    let counts: Vec<String> = reasons.iter().map(|(r, n)| format!("{r} {n} 人")).collect();
    let heading = format!("未打印人员（{} 人）：{}。", cover.left_out.len(), counts.join("；"));
    y = page.wrapped("left_out", &heading, VALUE, LEFT, y, CONTENT_WIDTH, mm(7.0), Align::Left)? + mm(4.0);
    // 425 points: number, name, department, reason.
    let widths = [40.0, 110.0, 125.0, 150.0];
    let scale = CONTENT_WIDTH / widths.iter().sum::<f32>();
    let widths = widths.map(|w| w * scale);
    let header = ["序号", "姓名", "科室", "原因"].map(str::to_owned).to_vec();
    let bold = TextStyle { weight: crate::Weight::Bold, ..COVER_CELL };
    let height = |row: &[String], style: TextStyle| -> Result<f32, DocumentError> {
        let mut lines = 1;
        for (c, (text, w)) in row.iter().zip(&widths).enumerate() {
            lines = lines.max(shaper.wrap(&format!("left_out[{c}]"), text, style, w - 8.0)?.len());
        }
        Ok(lines as f32 * style.line_height() + 10.0)
    };
    let header_height = height(&header, bold)?;
    let mut rows = vec![header.clone()];
    let mut bottom = y + header_height;
    for (i, l) in cover.left_out.iter().enumerate() {
        let row = vec![(i + 1).to_string(), l.name.clone(), l.department.clone(), l.reason.clone()];
        let h = height(&row, COVER_CELL)?;
        if bottom + h > COVER_BOTTOM && rows.len() > 1 {
            page.table("left_out", LEFT, y, &widths, &rows, COVER_CELL, true)?;
            pages.push(std::mem::take(&mut page.ops));
            let more = format!("未打印人员（续，自第 {} 人）", i + 1);
            page.text("left_out", &more, VALUE, LEFT, mm(18.0), Align::Left, Colour::BLACK)?;
            y = mm(25.0);
            rows = vec![header.clone()];
            bottom = y + header_height;
        }
        bottom += h;
        rows.push(row);
    }
    page.table("left_out", LEFT, y, &widths, &rows, COVER_CELL, true)?;
    pages.push(page.ops);
    Ok(pages)
}

/// Many certificates in one PDF, written to the output page by page: memory does not grow
/// with the number of pages: each page goes to the output as soon as it is pushed, and what is
/// kept for the end (object offsets, page references, the glyphs used) is a few bytes a page.
/// One page per certificate, drawn exactly as
/// [`certificate_pdf`] draws it.
pub struct CertificateBatch<W: Write> {
    stream: PdfStream<W>,
}

impl<W: Write> CertificateBatch<W> {
    /// Starts the PDF (its header is written to `out` at once).
    ///
    /// # Errors
    /// [`DocumentError::Pdf`] if writing fails.
    pub fn new(fonts: &Fonts, out: W) -> Result<Self, DocumentError> {
        Ok(CertificateBatch { stream: PdfStream::new(fonts, out, A4_WIDTH, A4_HEIGHT, CERTIFICATE_TITLE)? })
    }

    /// Adds one certificate's page. A certificate that is refused adds nothing: the batch
    /// stays usable.
    ///
    /// # Errors
    /// [`DocumentError::MissingGlyph`] naming the field, [`DocumentError::InvalidInput`] for a
    /// QR payload too long or a page that cannot hold the text, [`DocumentError::Pdf`] if
    /// writing fails.
    pub fn push(&mut self, cert: &Certificate, seal: Option<&Seal>) -> Result<(), DocumentError> {
        let fonts = self.stream.fonts().clone();
        let shaper = Shaper::new(&fonts)?;
        let ops = certificate_page(&shaper, cert, seal)?;
        self.stream.page(&ops)
    }

    /// Adds the batch's cover (one page, more when many people are left
    /// out); call it before the first certificate.
    ///
    /// # Errors
    /// As [`CertificateBatch::push`].
    pub fn cover(&mut self, cover: &BatchCover) -> Result<(), DocumentError> {
        let fonts = self.stream.fonts().clone();
        let shaper = Shaper::new(&fonts)?;
        for ops in cover_pages(&shaper, cover)? {
            self.stream.page(&ops)?;
        }
        Ok(())
    }

    /// Pages written so far.
    pub fn pages(&self) -> usize {
        self.stream.pages()
    }

    /// Writes the fonts (subsets of the glyphs used), the page tree and the cross-reference
    /// table, and returns the output.
    ///
    /// # Errors
    /// [`DocumentError::InvalidInput`] if no page was added, [`DocumentError::Pdf`] if
    /// subsetting or writing fails.
    pub fn finish(self) -> Result<W, DocumentError> {
        self.stream.finish()
    }
}

/// One certificate as a one-page A4 PDF.
///
/// # Errors
/// As [`CertificateBatch::push`].
pub fn certificate_pdf(fonts: &Fonts, cert: &Certificate, seal: Option<&Seal>) -> Result<Vec<u8>, DocumentError> {
    let mut batch = CertificateBatch::new(fonts, Vec::with_capacity(96 * 1024))?;
    batch.push(cert, seal)?;
    batch.finish()
}

/// A multi-year proof for a promotion file: a first page with the holder and a table of the
/// years (year, number, I类, II类, 自管, 合计, verdict, and the status text given by the
/// caller, e.g. "有效"), then each year's certificate page, in the order given.
///
/// # Errors
/// [`DocumentError::InvalidInput`] (field `years`) for no year or more than
/// [`PROOF_MAX_YEARS`]; otherwise as [`CertificateBatch::push`], with fields named
/// `years[i].…`.
pub fn multi_year_proof_pdf(
    fonts: &Fonts,
    holder: &ProofHolder,
    years: &[(Certificate, Option<&Seal>, String)],
) -> Result<Vec<u8>, DocumentError> {
    if years.is_empty() || years.len() > PROOF_MAX_YEARS {
        return Err(DocumentError::InvalidInput {
            field: "years".to_owned(),
            reason: format!("学分证明须包含 1 至 {PROOF_MAX_YEARS} 个年度，收到 {} 个", years.len()),
        });
    }
    let shaper = Shaper::new(fonts)?;
    for (i, (cert, _, status)) in years.iter().enumerate() {
        check_certificate(&shaper, &format!("years[{i}]."), cert)?;
        shaper.check(&format!("years[{i}].status"), status)?;
    }
    let mut stream =
        PdfStream::new(fonts, Vec::with_capacity(256 * 1024), A4_WIDTH, A4_HEIGHT, "继续医学教育学分验证证明")?;
    stream.page(&proof_summary_page(&shaper, holder, years)?)?;
    for (cert, seal, _) in years {
        stream.page(&certificate_page(&shaper, cert, *seal)?)?;
    }
    stream.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>() {}
    fn assert_send_sync<T: Send + Sync + Clone>() {}

    #[test]
    fn batches_and_seals_can_move_to_a_blocking_thread() {
        assert_send::<CertificateBatch<Vec<u8>>>();
        assert_send_sync::<Seal>();
        assert_send_sync::<Certificate>();
    }

    #[test]
    fn credits_print_without_needless_decimals() {
        assert_eq!(format_credit(125), "12.5");
        assert_eq!(format_credit(250), "25");
        assert_eq!(format_credit(0), "0");
        assert_eq!(format_credit(5), "0.5");
        assert_eq!(format_credit(-15), "-1.5");
    }

    #[test]
    fn geometry_is_in_millimetres() {
        assert!((LEFT - mm(30.0)).abs() < 0.01);
        assert!((QR_TOP - mm(217.0)).abs() < 0.01);
        assert!((QR_SIDE - mm(30.0)).abs() < 0.01);
        assert!((ISSUER_BASELINE - mm(235.0)).abs() < 0.01);
        assert!((DATE_BASELINE - mm(244.0)).abs() < 0.01);
        assert!((SEAL_CY - mm(225.0)).abs() < 0.01);
        assert!((SEAL_D - mm(40.0)).abs() < 0.01);
    }
}
