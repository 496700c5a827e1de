//! Vector QR codes and images through the layout toolkit, read back with zbarimg.

use crate::common::{fonts, run, scratch, write_pdf};
use cme_documents::layout::{Align, Composer, TextStyle, mm};

#[test]
fn a_qr_code_drawn_as_rectangles_scans() {
    let dir = scratch("qr");
    let url = "https://cme.example.yn.gov.cn/verify/2021-530102-000123?k=8f3a9c";
    let mut c = Composer::a4_portrait(fonts()).unwrap();
    c.set_page_numbers(None);
    c.text_at("title", "继续医学教育学分证书", TextStyle::bold(20.0), c.page_width() / 2.0, mm(40.0), Align::Center)
        .unwrap();
    c.qr_code("url", url, mm(150.0), mm(240.0), mm(35.0)).unwrap();
    let bytes = c.finish().unwrap();
    eprintln!("certificate-like page with a QR code: {} bytes", bytes.len());
    let pdf = write_pdf(&dir, "qr.pdf", &bytes);
    let prefix = dir.join("page");
    run("pdftoppm", &["-r", "150", "-png", "-singlefile", &pdf, prefix.to_str().unwrap()]);
    let scanned = run("zbarimg", &["--quiet", "--raw", dir.join("page.png").to_str().unwrap()]);
    assert_eq!(scanned.trim(), url);
}
