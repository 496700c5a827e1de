//! A certificate of a year verified on paper (纸质验证) says so beside its
//! verdict; an electronic one prints no path at all.

use crate::common::sample::certificate;
use crate::common::{fonts, page_count, pdftotext, scratch, write_pdf};
use cme_documents::{Certificate, certificate_pdf};

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn a_paper_certificate_prints_its_path_beside_the_verdict() {
    let dir = scratch("paper_certificate");
    let paper = Certificate { path_label: Some("纸质验证".to_owned()), ..certificate(2) };
    let pdf = write_pdf(&dir, "paper.pdf", &certificate_pdf(fonts(), &paper, None).unwrap());
    assert_eq!(page_count(&pdf), 1);
    let flat = squeeze(&pdftotext(&pdf));
    assert!(flat.contains("验证结论：合格"), "{flat}");
    assert!(flat.contains("验证方式：纸质验证"), "{flat}");

    let electronic = write_pdf(&dir, "electronic.pdf", &certificate_pdf(fonts(), &certificate(2), None).unwrap());
    let flat = squeeze(&pdftotext(&electronic));
    assert!(!flat.contains("验证方式"), "{flat}");
}
