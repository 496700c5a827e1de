//! Render time and size of registration forms (and the compliance list per 1,000 rows).
//!
//! `CARGO_TARGET_DIR=… cargo bench -p cme-documents --bench form`
#![expect(clippy::expect_used, reason = "a bench that cannot start must stop")]

#[path = "../tests/common/sample.rs"]
mod sample;

use std::hint::black_box;

use cme_documents::{ComplianceListXlsx, ComplianceRow, Fonts, registration_form_pdf, registration_form_xlsx};
use criterion::{Criterion, criterion_group, criterion_main};

fn forms(c: &mut Criterion) {
    let started = std::time::Instant::now();
    let fonts = Fonts::system().expect("fonts-noto-cjk and fonts-hanazono installed (make fonts)");
    eprintln!("Fonts::system(): {:?}", started.elapsed());

    let one_page = sample::form(8);
    let two_pages = sample::form(40);
    for (name, form) in [("one-page form (8 credits)", &one_page), ("two-page form (40 credits)", &two_pages)] {
        let pdf = registration_form_pdf(&fonts, form).expect("render");
        let xlsx = registration_form_xlsx(form).expect("xlsx");
        eprintln!("{name}: PDF {} bytes, XLSX {} bytes", pdf.len(), xlsx.len());
    }

    // Wall time suffers when the machine is busy; the thread's own CPU time does not.
    for (name, form) in [("one page", &one_page), ("two pages", &two_pages)] {
        let n = 50;
        let (cpu, wall) = (thread_cpu_ns(), std::time::Instant::now());
        for _ in 0..n {
            black_box(registration_form_pdf(&fonts, black_box(form)).expect("render"));
        }
        eprintln!(
            "registration_form_pdf, {name}: {:.2} ms CPU, {:.2} ms wall per document",
            (thread_cpu_ns() - cpu) as f64 / 1e6 / f64::from(n),
            wall.elapsed().as_secs_f64() * 1e3 / f64::from(n)
        );
    }

    c.bench_function("registration_form_pdf, one page", |b| {
        b.iter(|| registration_form_pdf(&fonts, black_box(&one_page)).expect("render"))
    });
    c.bench_function("registration_form_pdf, two pages", |b| {
        b.iter(|| registration_form_pdf(&fonts, black_box(&two_pages)).expect("render"))
    });
    c.bench_function("registration_form_xlsx, one page", |b| {
        b.iter(|| registration_form_xlsx(black_box(&one_page)).expect("xlsx"))
    });

    let row = ComplianceRow {
        name: "测试人员".to_owned(),
        id_number: "530102********1234".to_owned(),
        unit: "昆明市第一人民医院".to_owned(),
        department: "心血管内科".to_owned(),
        discipline: "临床医学".to_owned(),
        title_level: "中级".to_owned(),
        class1_tenths: 100,
        class2_tenths: 150,
        self_managed_tenths: 30,
        total_tenths: 280,
        compliant: false,
        shortfalls: vec!["I类学分不足".to_owned()],
    };
    let mut group = c.benchmark_group("compliance_list");
    group.sample_size(10);
    group.bench_function("1,000 rows", |b| {
        b.iter(|| {
            let mut list = ComplianceListXlsx::new("2021年度人员达标情况").expect("xlsx");
            for _ in 0..1000 {
                list.push_row(black_box(&row)).expect("row");
            }
            list.finish().expect("finish")
        })
    });
    group.finish();
}

/// Nanoseconds this thread has run on a CPU (Linux `/proc/thread-self/schedstat`).
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

criterion_group!(benches, forms);
criterion_main!(benches);
