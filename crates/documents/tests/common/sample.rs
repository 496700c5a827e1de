//! Sample registration forms and certificates, shared by the tests and the benches.
#![allow(dead_code, reason = "each test file and bench uses a part")]

use cme_documents::{Certificate, CreditLine, PersonInfo, RegistrationForm, Total};

/// An activity name long enough to wrap over several lines of its cell.
pub const LONG_ACTIVITY: &str = "云南省医学会第十二届全国基层医疗卫生机构慢性病综合防治能力提升培训班暨2021年度心脑血管疾病规范化诊疗新进展学术研讨会（第二期，线上线下同步）";

/// A registration form with `credits` credit rows (the second one has [`LONG_ACTIVITY`]).
pub fn form(credits: usize) -> RegistrationForm {
    let sources = ["国家级", "省级", "州市级", "县级"];
    let methods = ["向导录入", "科室上报", "扫码签到", "名单导入"];
    let lines = (0..credits)
        .map(|i| {
            let category = ["I类", "II类", "自管"][i % 3];
            let tenths = [20, 5, 10, 30, 15][i % 5];
            CreditLine {
                date: format!("2021-{:02}-{:02}", i % 12 + 1, i % 28 + 1),
                activity: match i {
                    1 => LONG_ACTIVITY.to_owned(),
                    _ if i % 5 == 3 => format!("基层医疗卫生机构临床合理用药专题讲座（第{}讲）", i + 1),
                    _ => format!("临床合理用药讲座{}", i + 1),
                },
                organiser: if i % 4 == 0 {
                    "昆明医科大学第一附属医院".to_owned()
                } else {
                    "云南省医学会".to_owned()
                },
                category: category.to_owned(),
                source_level: sources[i % 4].to_owned(),
                tenths,
                certificate_no: format!("YN2021-CME-{:06}", 1000 + i),
                entry_method: methods[i % 4].to_owned(),
                status: "有效".to_owned(),
                counted: if i % 7 == 6 {
                    "未计入: 超出上限".to_owned()
                } else {
                    format!("{category} {}.{}", tenths / 10, tenths % 10)
                },
            }
        })
        .collect();
    RegistrationForm {
        title: "2021年度继续医学教育学分登记表".to_owned(),
        person: PersonInfo {
            name: "王䶮".to_owned(),
            gender: "男".to_owned(),
            id_number: "530102********1234".to_owned(),
            unit: "昆明市第一人民医院".to_owned(),
            department: "心血管内科（𫖯组）".to_owned(),
            discipline: "临床医学".to_owned(),
            title: "主治医师".to_owned(),
            title_level: "中级".to_owned(),
            unit_level: "三级甲等".to_owned(),
        },
        standard: "中级职称：年度总学分不少于25分，其中I类学分不少于10分（国家级I类不少于5分），II类学分不少于15分；自管学分计入II类，最多5分".to_owned(),
        credits: lines,
        totals: vec![
            Total { label: "I类学分".to_owned(), tenths: 85 },
            Total { label: "II类学分".to_owned(), tenths: 120 },
            Total { label: "自管学分".to_owned(), tenths: 30 },
            Total { label: "总学分".to_owned(), tenths: 235 },
        ],
        compliant: false,
        shortfalls: vec![
            "I类学分不足：已获8.5分，还需1.5分".to_owned(),
            "总学分不足：已获23.5分，还需1.5分".to_owned(),
        ],
        generated_at: "2022-01-05 10:30".to_owned(),
    }
}

/// The verification URL of sample certificate `i` (~60 characters, like the API's).
pub fn verify_url(i: usize) -> String {
    format!("http://127.0.0.1:8080/v/ABCDEFGHJKMNPQRSTVWX{:05}", i)
}

/// Sample certificate `i` (names and numbers differ by `i`).
pub fn certificate(i: usize) -> Certificate {
    let surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];
    let given = ["䶮", "明", "丽华", "建国", "𫖯", "晓燕", "志强", "秀英"];
    Certificate {
        name: format!("{}{}", surnames[i % surnames.len()], given[i % given.len()]),
        gender: if i.is_multiple_of(2) { "男" } else { "女" }.to_owned(),
        id_number: format!("530102********{:03}X", i % 1000),
        unit: if i.is_multiple_of(3) {
            "昆明医科大学第一附属医院心血管内科".to_owned()
        } else {
            "昆明市第一人民医院".to_owned()
        },
        department: if i.is_multiple_of(4) { String::new() } else { "心血管内科".to_owned() },
        title: "主治医师".to_owned(),
        year: 2021,
        class1_tenths: 125,
        class2_tenths: 250,
        self_managed_tenths: 50,
        total_tenths: 425,
        verdict: if i % 5 == 4 { "视为合格" } else { "合格" }.to_owned(),
        number: format!("2021-530000-{:06}", 123 + i),
        check_code: format!("K7Q{:05}", 40_000 + i),
        version: 1,
        issuer: "云南省继续医学教育委员会".to_owned(),
        issued_on: "二〇二二年三月十五日".to_owned(),
        verify_url: verify_url(i),
        verify_page: "127.0.0.1:8080/verify".to_owned(),
        path_label: None,
    }
}

/// A synthetic stamp: a red ring with a red star-like cross in the middle, on white paper,
/// `side` pixels square, as an RGB PNG (no alpha: the white has to be removed).
pub fn red_ring_png(side: u32) -> Vec<u8> {
    let mut pixels = Vec::with_capacity((side * side * 3) as usize);
    let c = side as f32 / 2.0;
    let (outer, inner) = (side as f32 * 0.475, side as f32 * 0.375);
    for y in 0..side {
        for x in 0..side {
            let (dx, dy) = (x as f32 + 0.5 - c, y as f32 + 0.5 - c);
            let r = (dx * dx + dy * dy).sqrt();
            let ring = r <= outer && r >= inner;
            let cross = (dx.abs() < side as f32 * 0.03 || dy.abs() < side as f32 * 0.03) && r < side as f32 * 0.15;
            if ring || cross {
                pixels.extend_from_slice(&[205, 32, 40]);
            } else {
                pixels.extend_from_slice(&[252, 251, 249]);
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, side, side);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("png header");
        writer.write_image_data(&pixels).expect("png data");
    }
    out
}
