//! The printed statistics report: the head (office, filters, date), the chart drawn as
//! vector shapes with its Chinese labels, the table over pages with its header repeated,
//! the orientation, page numbers, the same bytes for the same input, and a province-wide
//! report laid out page by page.

use crate::common::{dark_share, fonts, page_count, pdftoppm, pdftotext, read_rgb, run, scratch, write_pdf};
use cme_documents::layout::{Align, Rgb};
use cme_documents::{Bar, BarChart, BarGroup, DocumentError, ReportColumn, ReportHead, Series, report_pdf};

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

const BLUE: Rgb = Rgb(22, 119, 255);
const GREEN: Rgb = Rgb(56, 158, 13);

fn head() -> ReportHead {
    ReportHead {
        title: "2026年度学分验证统计（按州市，全部专业）".to_owned(),
        office: "云南省继续医学教育委员会办公室（科教处）".to_owned(),
        filters: vec![
            ("年度".to_owned(), "2026年".to_owned()),
            ("统计口径".to_owned(), "按州市".to_owned()),
            ("专业类别".to_owned(), "全部专业".to_owned()),
        ],
        printed_on: "2026年12月7日".to_owned(),
        note: None,
    }
}

/// A row of figures: name, people to verify, compliant, the rate.
struct Row {
    name: String,
    to_verify: u64,
    compliant: u64,
}

fn rate(r: &Row) -> Option<u32> {
    (r.to_verify > 0).then(|| u32::try_from(r.compliant * 1000 / r.to_verify).unwrap_or(0))
}

fn rate_text(pm: Option<u32>) -> String {
    pm.map_or_else(|| "—".to_owned(), |pm| format!("{}.{}%", pm / 10, pm % 10))
}

fn prefectures() -> Vec<Row> {
    [
        "昆明市",
        "曲靖市",
        "玉溪市",
        "保山市",
        "昭通市",
        "丽江市",
        "普洱市",
        "临沧市",
        "楚雄州",
        "红河州",
        "文山州",
        "西双版纳州",
        "大理州",
        "德宏州",
        "怒江州",
        "迪庆州",
        "直属单位",
    ]
    .iter()
    .enumerate()
    .map(|(i, n)| Row { name: (*n).to_owned(), to_verify: 1000 + 37 * i as u64, compliant: 800 + 23 * i as u64 })
    .collect()
}

fn chart(rows: &[Row]) -> BarChart {
    let bar = |pm: Option<u32>| Bar { value: pm.map(u64::from), text: rate_text(pm) };
    BarChart {
        title: "达标率与审核通过率".to_owned(),
        series: vec![
            Series { name: "达标率".to_owned(), colour: BLUE },
            Series { name: "审核通过率".to_owned(), colour: GREEN },
        ],
        groups: rows
            .iter()
            .map(|r| BarGroup {
                label: r.name.clone(),
                bars: vec![bar(rate(r)), bar(rate(r).map(|p| p.min(990) + 10))],
            })
            .collect(),
        max: 1000,
        ticks: (0..=5).map(|i| (i * 200, format!("{}%", i * 20))).collect(),
        marker: Some((950, "95% 合格线".to_owned())),
        note: None,
    }
}

/// Ten columns: wider than a portrait page.
fn wide_columns() -> Vec<ReportColumn> {
    let mut columns = vec![ReportColumn::text("州市", "name", 150.0)];
    for (title, key) in [
        ("应验证人数", "to_verify"),
        ("达标人数", "compliant"),
        ("达标率", "rate"),
        ("已上报", "submitted"),
        ("退回待改", "returned"),
        ("审核通过", "approved"),
        ("审核通过率", "pass_rate"),
        ("已发证书", "certified"),
        ("未上报", "missing"),
    ] {
        columns.push(ReportColumn::figure(title, key, 48.0));
    }
    columns
}

fn cells(_: usize, r: &Row) -> Vec<String> {
    let n = |v: u64| v.to_string();
    vec![
        r.name.clone(),
        n(r.to_verify),
        n(r.compliant),
        rate_text(rate(r)),
        n(r.to_verify - 10),
        n(3),
        n(r.compliant - 5),
        "97.0%".to_owned(),
        n(r.compliant - 9),
        n(10),
    ]
}

fn render(rows: &[Row]) -> Vec<u8> {
    let mut total = vec!["合计".to_owned(), "17629".to_owned()];
    total.extend(std::iter::repeat_n("1".to_owned(), 8));
    report_pdf(fonts(), &head(), Some(&chart(rows)), &wide_columns(), rows, cells, Some(&total)).unwrap()
}

/// The page size in points of page 1 (`pdfinfo`'s "Page size: w x h pts").
fn page_size(pdf: &str) -> (f32, f32) {
    let info = run("pdfinfo", &[pdf]);
    let line = info.lines().find_map(|l| l.strip_prefix("Page size:")).expect("pdfinfo prints Page size:");
    let words: Vec<&str> = line.split_whitespace().collect();
    (words[0].parse().unwrap(), words[2].parse().unwrap())
}

#[test]
fn a_report_by_prefecture_prints_its_head_chart_and_table_on_landscape_a4() {
    let dir = scratch("report_prefectures");
    let rows = prefectures();
    let bytes = render(&rows);
    let pdf = write_pdf(&dir, "report.pdf", &bytes);
    let (w, h) = page_size(&pdf);
    assert!((w - 841.89).abs() < 1.0 && (h - 595.28).abs() < 1.0, "landscape A4, got {w} × {h}");
    let pages = page_count(&pdf);
    assert!(pages >= 1, "{pages} pages");

    let text = pdftotext(&pdf);
    let flat = squeeze(&text);
    for expected in [
        "2026年度学分验证统计（按州市，全部专业）",
        "制表单位：云南省继续医学教育委员会办公室（科教处）",
        "打印日期：2026年12月7日（北京时间）",
        "统计条件：年度：2026年；统计口径：按州市；专业类别：全部专业",
        // The chart's title, legend and labels are text.
        "达标率与审核通过率",
        "95%合格线",
        "审核通过率",
        "100%",
        "西双版纳州",
        // The table and its total.
        "应验证人数",
        "直属单位",
        "合计",
        "17629",
        &format!("第1页/共{pages}页"),
    ] {
        assert!(flat.contains(&squeeze(expected)), "pdftotext lacks {expected:?}:\n{text}");
    }

    // The bars are drawn: page 1 holds pixels of both series' colours.
    let pngs = pdftoppm(&pdf, &dir, 40);
    assert_eq!(pngs.len(), pages);
    let (pixels, pw, ph) = read_rgb(&pngs[0]);
    assert!(pw > ph, "a landscape picture: {pw} × {ph}");
    let near = |p: &[u8; 3], c: Rgb| {
        (i32::from(p[0]) - i32::from(c.0)).abs() < 30
            && (i32::from(p[1]) - i32::from(c.1)).abs() < 30
            && (i32::from(p[2]) - i32::from(c.2)).abs() < 30
    };
    let blue = pixels.iter().filter(|p| near(p, BLUE)).count();
    let green = pixels.iter().filter(|p| near(p, GREEN)).count();
    assert!(blue > 500 && green > 500, "bars of both series: {blue} blue, {green} green pixels");
    for png in &pngs {
        assert!(dark_share(png).0 > 0.003, "{png:?} looks blank");
    }
}

#[test]
fn the_same_report_is_the_same_bytes() {
    let rows = prefectures();
    let a = render(&rows);
    let b = render(&rows);
    assert!(a.starts_with(b"%PDF-"));
    assert_eq!(a, b, "two renderings of one report differ");
    // Another date prints other bytes (the date is an input, not the clock).
    let other = ReportHead { printed_on: "2026年12月8日".to_owned(), ..head() };
    let c = report_pdf(fonts(), &other, Some(&chart(&rows)), &wide_columns(), &rows, cells, None).unwrap();
    assert_ne!(a, c);
}

#[test]
fn a_narrow_table_prints_portrait_and_an_empty_one_says_so() {
    let dir = scratch("report_narrow");
    let columns = vec![
        ReportColumn::text("单位", "name", 200.0),
        ReportColumn { title: "人数".to_owned(), key: "n", width: 60.0, align: Align::Right },
    ];
    let rows: Vec<Row> = Vec::new();
    let bytes = report_pdf(fonts(), &head(), None, &columns, &rows, |_, r: &Row| vec![r.name.clone()], None).unwrap();
    let pdf = write_pdf(&dir, "narrow.pdf", &bytes);
    let (w, h) = page_size(&pdf);
    assert!(w < h, "portrait A4, got {w} × {h}");
    let flat = squeeze(&pdftotext(&pdf));
    assert!(flat.contains("没有符合条件的记录"), "{flat}");
    assert!(flat.contains("第1页/共1页"), "{flat}");
}

#[test]
fn a_province_wide_report_flows_over_numbered_pages_with_the_header_repeated() {
    let dir = scratch("report_units");
    // 3,000 units (a long name now and then wraps within its cell).
    let rows: Vec<Row> = (0u64..3000)
        .map(|i| Row {
            name: if i.is_multiple_of(97) {
                format!("第{i}号乡镇卫生院（社区卫生服务中心、人口和计划生育服务站合署）")
            } else {
                format!("第{i}号卫生院")
            },
            to_verify: 40 + i % 13,
            compliant: 30 + i % 11,
        })
        .collect();
    let lowest = BarChart {
        note: Some("共 3000 个单位，图中为达标率最低的 20 个".to_owned()), ..chart(&rows[..20])
    };
    let bytes = report_pdf(fonts(), &head(), Some(&lowest), &wide_columns(), &rows, cells, None).unwrap();
    let pdf = write_pdf(&dir, "units.pdf", &bytes);
    let pages = page_count(&pdf);
    assert!(pages > 50, "3,000 rows over many pages: {pages}");
    let last =
        squeeze(&run("pdftotext", &["-enc", "UTF-8", "-f", &pages.to_string(), "-l", &pages.to_string(), &pdf, "-"]));
    assert!(last.contains(&format!("第{pages}页/共{pages}页")), "the last page's number: {last}");
    assert!(last.contains("第2999号卫生院"), "the last row on the last page");
    // Continuation pages carry the running head and the table's header.
    let second = squeeze(&run("pdftotext", &["-enc", "UTF-8", "-f", "2", "-l", "2", &pdf, "-"]));
    assert!(second.contains("云南省继续医学教育委员会办公室（科教处）") && second.contains("应验证人数"), "{second}");
    assert!(second.contains(&format!("第2页/共{pages}页")), "{second}");
    assert!(squeeze(&pdftotext(&pdf)).contains("图中为达标率最低的20个"));
}

#[test]
fn an_unprintable_name_is_refused_naming_its_field() {
    let mut rows = prefectures();
    rows[3].name = "保山\u{E000}市".to_owned();
    let err = report_pdf(fonts(), &head(), None, &wide_columns(), &rows, cells, None).unwrap_err();
    assert!(matches!(&err, DocumentError::MissingGlyph { field, .. } if field == "rows[3].name"), "{err:?}");
    let err =
        report_pdf(fonts(), &head(), Some(&chart(&rows)), &wide_columns(), &prefectures(), cells, None).unwrap_err();
    assert!(matches!(&err, DocumentError::MissingGlyph { field, .. } if field == "chart.groups[3].label"), "{err:?}");
    let bad = ReportHead { office: "\u{E000}".to_owned(), ..head() };
    let err = report_pdf(fonts(), &bad, None, &wide_columns(), &prefectures(), cells, None).unwrap_err();
    assert!(matches!(&err, DocumentError::MissingGlyph { field, .. } if field == "office"), "{err:?}");
}
