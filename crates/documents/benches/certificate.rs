//! Certificates: size and render time of one, time and peak heap of batches.
//!
//! `CARGO_TARGET_DIR=… cargo bench -p cme-documents --bench certificate`
//!
//! Before the criterion runs it prints: the size of one certificate with and without a seal,
//! the CPU and wall time per certificate, and for batches of 100, 500 and 2,000 pages the time,
//! the output size and the peak heap above what was allocated before the batch (a counting
//! global allocator), for the streaming [`CertificateBatch`] (the same names recurring, and
//! every person with a name of new characters) and, for comparison, for a [`Composer`]
//! document of similar pages (the Composer keeps every page's display list until it finishes:
//! it numbers the pages "第 n 页 / 共 m 页").
#![expect(clippy::expect_used, reason = "a bench that cannot start must stop")]

#[path = "../tests/common/sample.rs"]
mod sample;

use std::hint::black_box;
use std::io::Write;
use std::time::Instant;

use cme_documents::layout::{Align, Composer, TextStyle, mm};
use cme_documents::{Certificate, CertificateBatch, Fonts, Seal, certificate_pdf};
use criterion::{Criterion, criterion_group, criterion_main};
use peak_alloc::PeakAlloc;

#[global_allocator]
static PEAK: PeakAlloc = PeakAlloc;

/// A writer that only counts (the batch's output is not what is measured).
#[derive(Default)]
struct Count(u64);

impl Write for Count {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Sample certificate `i` with a name of three characters no other person has (up to ~6,600
/// people): the worst case for the font subset.
fn distinct(i: usize) -> Certificate {
    let name: String = (0..3).map(|k| char::from_u32(0x4E00 + (3 * i + k) as u32 % 0x5000).unwrap_or('王')).collect();
    Certificate { name, ..sample::certificate(i) }
}

/// Runs `f`, returning its result, the seconds it took and the peak heap above the heap in
/// use when it started.
fn measure<T>(f: impl FnOnce() -> T) -> (T, f64, usize) {
    let base = PEAK.current_usage();
    PEAK.reset_peak_usage();
    let started = Instant::now();
    let out = f();
    (out, started.elapsed().as_secs_f64(), PEAK.peak_usage().saturating_sub(base))
}

fn streaming_batch(fonts: &Fonts, seal: &Seal, n: usize, make: fn(usize) -> Certificate) -> u64 {
    let mut batch = CertificateBatch::new(fonts, Count::default()).expect("batch");
    for i in 0..n {
        batch.push(&make(i), Some(seal)).expect("push");
    }
    batch.finish().expect("finish").0
}

/// Pages like a certificate's (about the same text and a QR code) in one composed document.
fn composer_batch(fonts: &Fonts, n: usize) -> usize {
    let mut doc = Composer::a4_portrait(fonts).expect("composer");
    doc.set_page_numbers(None);
    for i in 0..n {
        if i > 0 {
            doc.new_page();
        }
        let c = sample::certificate(i);
        let mut y = mm(48.0);
        let lines = [
            "继续医学教育学分验证合格证书".to_owned(),
            format!("（{}年度）", c.year),
            format!("姓名：{}　性别：{}", c.name, c.gender),
            format!("身份证号：{}", c.id_number),
            format!("工作单位：{}", c.unit),
            format!("职称：{}", c.title),
            format!("经审核，该同志{}年度继续医学教育学分情况如下：", c.year),
            "学分类别　I类　II类　自管　合计".to_owned(),
            "学分　12.5　25　5　42.5".to_owned(),
            format!("验证结论：{}", c.verdict),
            format!("证书编号：{}", c.number),
            format!("验证码：{}", c.check_code),
            c.issuer.clone(),
            c.issued_on.clone(),
        ];
        for line in &lines {
            doc.text_at("line", line, TextStyle::regular(13.0), mm(30.0), y, Align::Left).expect("text");
            y += mm(11.0);
        }
        doc.qr_code("qr", &c.verify_url, mm(30.0), mm(217.0), mm(30.0)).expect("qr");
    }
    doc.finish().expect("composer").len()
}

fn certificates(c: &mut Criterion) {
    let fonts = Fonts::system().expect("fonts-noto-cjk and fonts-hanazono installed (make fonts)");
    let seal = Seal::from_scan(&sample::red_ring_png(400)).expect("seal");
    let cert = sample::certificate(0);

    let with_seal = certificate_pdf(&fonts, &cert, Some(&seal)).expect("render");
    let without = certificate_pdf(&fonts, &cert, None).expect("render");
    eprintln!("one certificate: {} bytes with a seal, {} bytes without", with_seal.len(), without.len());

    let n = 100;
    let (cpu, wall) = (thread_cpu_ns(), Instant::now());
    for _ in 0..n {
        black_box(certificate_pdf(&fonts, black_box(&cert), Some(&seal)).expect("render"));
    }
    eprintln!(
        "certificate_pdf with a seal: {:.2} ms CPU, {:.2} ms wall per certificate",
        (thread_cpu_ns() - cpu) as f64 / 1e6 / f64::from(n),
        wall.elapsed().as_secs_f64() * 1e3 / f64::from(n)
    );

    for n in [100, 500, 2000] {
        let (bytes, secs, peak) = measure(|| streaming_batch(&fonts, &seal, n, sample::certificate));
        eprintln!(
            "CertificateBatch, {n} pages (names recur): {:.2} s, {:.1} MB written, peak heap {:.2} MB",
            secs,
            bytes as f64 / 1e6,
            peak as f64 / 1e6
        );
    }
    for n in [100, 500, 2000] {
        let (bytes, secs, peak) = measure(|| streaming_batch(&fonts, &seal, n, distinct));
        eprintln!(
            "CertificateBatch, {n} pages (every name new): {:.2} s, {:.1} MB written, peak heap {:.2} MB",
            secs,
            bytes as f64 / 1e6,
            peak as f64 / 1e6
        );
    }
    for n in [100, 500, 2000] {
        let (bytes, secs, peak) = measure(|| composer_batch(&fonts, n));
        eprintln!(
            "Composer, {n} similar pages: {:.2} s, {:.1} MB, peak heap {:.2} MB",
            secs,
            bytes as f64 / 1e6,
            peak as f64 / 1e6
        );
    }

    c.bench_function("certificate_pdf, with seal", |b| {
        b.iter(|| certificate_pdf(&fonts, black_box(&cert), Some(&seal)).expect("render"))
    });
    c.bench_function("certificate_pdf, without seal", |b| {
        b.iter(|| certificate_pdf(&fonts, black_box(&cert), None).expect("render"))
    });
    let mut group = c.benchmark_group("CertificateBatch");
    group.sample_size(10);
    group.bench_function("500 pages", |b| b.iter(|| streaming_batch(&fonts, &seal, 500, sample::certificate)));
    group.finish();
}

/// Nanoseconds this thread has run on a CPU (Linux `/proc/thread-self/schedstat`).
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

criterion_group!(benches, certificates);
criterion_main!(benches);
