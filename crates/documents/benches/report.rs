//! Printed reports: time, size and peak heap of a province-wide report.
//!
//! `CARGO_TARGET_DIR=… cargo bench -p cme-documents --bench report`
//!
//! Prints, for the statistics by unit of a whole province (25,000 units, 10 columns) and for
//! a printed compliance list at its cap (10,000 people, 12 columns with reasons), the pages,
//! the bytes written, the seconds and the peak heap above what was allocated before (a
//! counting global allocator; the rows themselves are allocated before and not counted). The
//! layout runs twice (counted, then streamed), so the peak is one page's drawing, the fonts'
//! subsetting state and the PDF written so far, not every page's display list.
#![expect(clippy::expect_used, reason = "a bench that cannot start must stop")]

use std::time::Instant;

use cme_documents::layout::Rgb;
use cme_documents::{Bar, BarChart, BarGroup, Fonts, ReportColumn, ReportHead, Series, report_pdf};
use criterion::{Criterion, criterion_group, criterion_main};
use peak_alloc::PeakAlloc;

#[global_allocator]
static PEAK: PeakAlloc = PeakAlloc;

fn measure<T>(f: impl FnOnce() -> T) -> (T, f64, usize) {
    let base = PEAK.current_usage();
    PEAK.reset_peak_usage();
    let started = Instant::now();
    let out = f();
    (out, started.elapsed().as_secs_f64(), PEAK.peak_usage().saturating_sub(base))
}

fn head() -> ReportHead {
    ReportHead {
        title: "2026年度学分验证统计（按单位，全部专业）".to_owned(),
        office: "云南省继续医学教育委员会办公室（科教处）".to_owned(),
        filters: vec![("年度".to_owned(), "2026年".to_owned()), ("统计口径".to_owned(), "按单位".to_owned())],
        printed_on: "2026年12月7日".to_owned(),
        note: None,
    }
}

fn chart(n: usize) -> BarChart {
    BarChart {
        title: "达标率与审核通过率".to_owned(),
        series: vec![
            Series { name: "达标率".to_owned(), colour: Rgb(22, 119, 255) },
            Series { name: "审核通过率".to_owned(), colour: Rgb(56, 158, 13) },
        ],
        groups: (0..n)
            .map(|i| BarGroup {
                label: format!("第{i}号卫生院"),
                bars: vec![
                    Bar { value: Some(800 + i as u64), text: "80.0%".to_owned() },
                    Bar { value: Some(900), text: "90.0%".to_owned() },
                ],
            })
            .collect(),
        max: 1000,
        ticks: (0..=5).map(|i| (i * 200, format!("{}%", i * 20))).collect(),
        marker: Some((950, "95% 合格线".to_owned())),
        note: None,
    }
}

/// A unit's name from a pool of characters, so that many distinct characters are printed.
fn name(i: usize) -> String {
    let pool: Vec<char> =
        "昆明曲靖玉溪保山昭通丽江普洱临沧楚雄红河文山西双版纳大理德宏怒江迪庆县乡镇村社区卫生院中心医院妇幼保健站所"
            .chars()
            .collect();
    let mut s: String = (0..4).map(|k| pool[(i * 7 + k * 13) % pool.len()]).collect();
    s.push_str(&format!("第{i}卫生院"));
    s
}

fn report(c: &mut Criterion) {
    let fonts = Fonts::system().expect("fonts-noto-cjk and fonts-hanazono installed (make fonts)");

    let units: Vec<usize> = (0..25_000).collect();
    let mut columns = vec![ReportColumn::text("单位", "name", 150.0)];
    for t in ["应验证人数", "达标人数", "达标率", "已上报", "退回待改", "审核通过", "审核通过率", "已发证书", "未上报"]
    {
        columns.push(ReportColumn::figure(t, "n", 48.0));
    }
    let stats_cells = |_: usize, i: &usize| {
        let mut v = vec![name(*i)];
        v.extend((0..9).map(|k| (i * 3 + k).to_string()));
        v
    };
    let (bytes, secs, peak) = measure(|| {
        report_pdf(&fonts, &head(), Some(&chart(20)), &columns, &units, stats_cells, None).expect("render").len()
    });
    eprintln!(
        "statistics by unit, 25,000 units: {:.2} s, {:.1} MB written, peak heap {:.1} MB",
        secs,
        bytes as f64 / 1e6,
        peak as f64 / 1e6
    );

    let people: Vec<usize> = (0..10_000).collect();
    let list_columns = vec![
        ReportColumn::text("姓名", "name", 46.0),
        ReportColumn::centred("身份证号", "id_number", 82.0),
        ReportColumn::text("单位", "unit", 100.0),
        ReportColumn::text("科室", "department", 52.0),
        ReportColumn::text("专业类别", "discipline", 52.0),
        ReportColumn::centred("职称级别", "title_level", 32.0),
        ReportColumn::figure("I类", "class1", 28.0),
        ReportColumn::figure("II类", "class2", 28.0),
        ReportColumn::figure("自管", "self_managed", 28.0),
        ReportColumn::figure("总学分", "total", 32.0),
        ReportColumn::centred("结果", "outcome", 36.0),
        ReportColumn::text("不达标原因", "shortfalls", 150.0),
    ];
    let list_cells = |_: usize, i: &usize| {
        vec![
            name(*i).chars().take(3).collect(),
            "530102********1234".to_owned(),
            name(i / 40),
            "内科".to_owned(),
            "临床、检验、放射等类".to_owned(),
            "中级".to_owned(),
            "8.5".to_owned(),
            "20.0".to_owned(),
            "5.0".to_owned(),
            "33.5".to_owned(),
            "不达标".to_owned(),
            if i.is_multiple_of(3) {
                "I类学分不足：已获8.5分，还需1.5分；总学分不足：已获33.5分，还需1.5分".to_owned()
            } else {
                String::new()
            },
        ]
    };
    let (bytes, secs, peak) = measure(|| {
        report_pdf(&fonts, &head(), Some(&chart(4)), &list_columns, &people, list_cells, None).expect("render").len()
    });
    eprintln!(
        "compliance list, 10,000 people: {:.2} s, {:.1} MB written, peak heap {:.1} MB",
        secs,
        bytes as f64 / 1e6,
        peak as f64 / 1e6
    );

    let prefectures: Vec<usize> = (0..17).collect();
    let mut group = c.benchmark_group("report_pdf");
    group.sample_size(10);
    group.bench_function("by prefecture (17 rows)", |b| {
        b.iter(|| {
            report_pdf(&fonts, &head(), Some(&chart(17)), &columns, &prefectures, stats_cells, None).expect("render")
        })
    });
    group.finish();
}

criterion_group!(benches, report);
criterion_main!(benches);
