//! The certificate PDFs, checked with poppler and zbar: text, embedded subset fonts, the page
//! rendered, the QR code read back from the picture, the seal printed with its paper removed.

use crate::common::sample::{certificate, red_ring_png, verify_url};
use crate::common::{fonts, page_count, pdffonts, pdftoppm, pdftotext, read_rgb, scratch, write_pdf, zbarimg};
use cme_documents::{
    BatchCover, Certificate, CertificateBatch, DocumentError, LeftOut, ProofHolder, QR_CAPTION, SEAL_AREA,
    STAMP_REQUIRED, Seal, certificate_pdf, multi_year_proof_pdf,
};

/// Text without the blanks and line breaks pdftotext puts between and inside lines.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Checks that every font is an embedded CID subset of Noto Serif CJK; returns how many.
fn assert_fonts_subset(pdf: &str) -> usize {
    let fonts = pdffonts(pdf);
    assert!(fonts.len() >= 2, "expected regular and bold: {fonts:?}");
    for f in &fonts {
        assert!(f.embedded, "font {f:?} is not embedded");
        assert!(f.subset, "font {f:?} is not a subset");
        let (tag, rest) = f.name.split_once('+').unwrap_or_else(|| panic!("font {f:?} has no subset tag"));
        assert!(tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()), "bad subset tag in {f:?}");
        assert!(rest.starts_with("NotoSerifCJK"), "unexpected font {f:?}");
        assert!(f.kind.contains("CID"), "not a CID font: {f:?}");
    }
    fonts.len()
}

fn seal() -> Seal {
    Seal::from_scan(&red_ring_png(400)).unwrap()
}

/// Points to pixels at `dpi`.
fn px(points: f32, dpi: u32) -> f32 {
    points * dpi as f32 / 72.0
}

fn luma(p: [u8; 3]) -> u32 {
    (u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000
}

fn is_red(p: [u8; 3]) -> bool {
    p[0] > 150 && p[1] < 110 && p[2] < 110
}

#[test]
fn certificate_without_seal() {
    let dir = scratch("certificate_without_seal");
    let cert = certificate(0);
    let bytes = certificate_pdf(fonts(), &cert, None).unwrap();
    eprintln!("certificate without seal: {} bytes", bytes.len());
    let pdf = write_pdf(&dir, "cert.pdf", &bytes);
    assert_eq!(page_count(&pdf), 1);

    let text = pdftotext(&pdf);
    let flat = squeeze(&text);
    for expected in [
        "继续医学教育学分验证合格证书",
        "（2021年度）",
        &cert.name,
        "男",
        &cert.id_number,
        &cert.unit,
        "主治医师",
        "12.5",
        "25",
        "42.5",
        "自管",
        "验证结论：合格",
        &cert.number,
        &cert.check_code,
        "发证机关：云南省继续医学教育委员会",
        "发证日期：二〇二二年三月十五日",
        QR_CAPTION,
        &cert.verify_page,
        STAMP_REQUIRED,
    ] {
        assert!(flat.contains(&squeeze(expected)), "pdftotext lacks {expected:?}:\n{text}");
    }
    assert!(!flat.contains("第1版"), "the first issue prints no version:\n{text}");
    assert!(!flat.contains("科室："), "no department line for a person without one:\n{text}");
    assert_eq!(assert_fonts_subset(&pdf), 2);

    let pages = pdftoppm(&pdf, &dir, 200);
    assert_eq!(pages.len(), 1);
    assert_eq!(zbarimg(&pages[0]), vec![cert.verify_url.clone()]);
}

#[test]
fn certificate_with_seal() {
    let dir = scratch("certificate_with_seal");
    let cert = Certificate { version: 2, ..certificate(1) };
    let seal = seal();
    let bytes = certificate_pdf(fonts(), &cert, Some(&seal)).unwrap();
    eprintln!("certificate with seal: {} bytes (seal PNG {} bytes)", bytes.len(), seal.png().len());
    assert!(bytes.len() <= 100 * 1024, "a certificate with a seal is {} bytes", bytes.len());
    let with_seal = write_pdf(&dir, "sealed.pdf", &bytes);
    let text = squeeze(&pdftotext(&with_seal));
    assert!(!text.contains(STAMP_REQUIRED), "a sealed certificate asks for a stamp:\n{text}");
    assert!(text.contains(&squeeze(&format!("{}（第2版）", cert.number))), "no version printed:\n{text}");
    assert!(text.contains(&cert.name) && text.contains("云南省继续医学教育委员会"), "{text}");
    assert!(text.contains("科室：心血管内科"), "the department is printed:\n{text}");
    assert_fonts_subset(&with_seal);

    let without = write_pdf(&dir, "unsealed.pdf", &certificate_pdf(fonts(), &cert, None).unwrap());
    let dpi = 100;
    let sealed_dir = dir.join("sealed");
    let unsealed_dir = dir.join("unsealed");
    std::fs::create_dir_all(&sealed_dir).unwrap();
    std::fs::create_dir_all(&unsealed_dir).unwrap();
    let sealed_png = pdftoppm(&with_seal, &sealed_dir, dpi).remove(0);
    let unsealed_png = pdftoppm(&without, &unsealed_dir, dpi).remove(0);
    let (sealed, w, h) = read_rgb(&sealed_png);
    let (unsealed, w2, h2) = read_rgb(&unsealed_png);
    assert_eq!((w, h), (w2, h2));
    let at = |pixels: &[[u8; 3]], x: f32, y: f32| pixels[(y as u32 * w + x as u32) as usize];

    // The ring (between 0.39 and 0.49 of the seal's side from its centre) prints red; where
    // it crosses text, the text shows through (the seal multiplies like ink on paper).
    let (cx, cy, d) = SEAL_AREA;
    let (cx, cy, d) = (px(cx, dpi), px(cy, dpi), px(d, dpi));
    let mut red_samples = 0;
    for k in 0..32 {
        let angle = k as f32 * std::f32::consts::PI / 16.0;
        let (x, y) = (cx + 0.44 * d * angle.cos(), cy + 0.44 * d * angle.sin());
        let p = at(&sealed, x, y);
        assert!(is_red(p) || luma(p) < 80, "the seal's ring is neither red nor text at angle {k}/32: {p:?}");
        red_samples += usize::from(is_red(p));
    }
    assert!(red_samples >= 24, "the seal's ring is red at only {red_samples} of 32 points");

    // In the corners of the seal's square (outside the ring, and outside the dashed circle
    // of the unsealed page) the issuer's name prints as well with the seal as without: the
    // seal's paper is transparent.
    let (mut dark_sealed, mut dark_unsealed) = (0, 0);
    let half = d / 2.0;
    for y in (cy - half) as u32..(cy + half) as u32 {
        for x in (cx - half) as u32..(cx + half) as u32 {
            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
            if (dx * dx + dy * dy).sqrt() < 0.53 * d {
                continue;
            }
            let i = (y * w + x) as usize;
            dark_sealed += usize::from(luma(sealed[i]) < 110);
            dark_unsealed += usize::from(luma(unsealed[i]) < 110);
        }
    }
    eprintln!("dark pixels in the seal's corners: {dark_sealed} sealed, {dark_unsealed} unsealed");
    assert!(dark_unsealed > 30, "the issuer's name should reach into the seal's corners: {dark_unsealed}");
    assert!(
        dark_sealed * 10 >= dark_unsealed * 9,
        "the seal hides text: {dark_sealed} dark pixels with it, {dark_unsealed} without"
    );
    // The reddish share of the seal's square.
    let mut red = 0;
    let mut total = 0;
    for y in (cy - half) as u32..(cy + half) as u32 {
        for x in (cx - half) as u32..(cx + half) as u32 {
            total += 1;
            red += usize::from(is_red(sealed[(y * w + x) as usize]));
        }
    }
    assert!(red * 5 > total, "the seal's area should be reddish: {red} of {total} pixels red");

    let pages = pdftoppm(&with_seal, &dir, 200);
    assert_eq!(zbarimg(&pages[0]), vec![cert.verify_url.clone()]);
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let seal = seal();
    let a = certificate_pdf(fonts(), &certificate(3), Some(&seal)).unwrap();
    let b = certificate_pdf(fonts(), &certificate(3), Some(&Seal::from_png(seal.png().to_vec()).unwrap())).unwrap();
    assert!(a == b, "two renderings differ");
    let c = certificate_pdf(fonts(), &certificate(4), Some(&seal)).unwrap();
    assert!(a != c);
}

#[test]
fn batch_of_three() {
    let dir = scratch("batch_of_three");
    let seal = seal();
    let mut batch = CertificateBatch::new(fonts(), Vec::new()).unwrap();
    for i in 0..3 {
        batch.push(&certificate(i), if i == 1 { None } else { Some(&seal) }).unwrap();
        assert_eq!(batch.pages(), i + 1);
    }
    // A refused certificate adds no page and leaves the batch usable.
    let bad = Certificate { name: "王\u{13000}".to_owned(), ..certificate(9) };
    assert!(matches!(batch.push(&bad, None), Err(DocumentError::MissingGlyph { .. })));
    assert_eq!(batch.pages(), 3);
    let bytes = batch.finish().unwrap();
    eprintln!("batch of 3: {} bytes", bytes.len());
    // The seal is embedded once: two image objects (colour and mask) for two sealed pages.
    let images = bytes.windows(b"/Subtype /Image".len()).filter(|w| w == b"/Subtype /Image").count();
    assert_eq!(images, 2, "the seal should be embedded once");

    let pdf = write_pdf(&dir, "batch.pdf", &bytes);
    assert_eq!(page_count(&pdf), 3);
    assert_fonts_subset(&pdf);
    let text = squeeze(&pdftotext(&pdf));
    for i in 0..3 {
        assert!(text.contains(&certificate(i).number), "{text}");
    }
    assert_eq!(text.matches(STAMP_REQUIRED).count(), 1, "only the unsealed page asks for a stamp");
    let pages = pdftoppm(&pdf, &dir, 200);
    assert_eq!(pages.len(), 3);
    for (i, page) in pages.iter().enumerate() {
        assert_eq!(zbarimg(page), vec![verify_url(i)], "page {}", i + 1);
    }
}

#[test]
fn batch_with_many_characters_continues_in_new_fonts() {
    let dir = scratch("batch_with_many_characters");
    let mut batch = CertificateBatch::new(fonts(), Vec::new()).unwrap();
    let mut names = Vec::new();
    let mut units = Vec::new();
    for i in 0..60u32 {
        let chars = |from: u32, n: u32| (from..from + n).filter_map(char::from_u32).collect::<String>();
        let name = chars(0x4E00 + 0x100 + 3 * i, 3);
        let unit = format!("{}医院", chars(0x6000 + 10 * i, 10));
        batch.push(&Certificate { name: name.clone(), unit: unit.clone(), ..certificate(i as usize) }, None).unwrap();
        names.push(name);
        units.push(unit);
    }
    let pdf = write_pdf(&dir, "many.pdf", &batch.finish().unwrap());
    assert_eq!(page_count(&pdf), 60);
    // 780 characters of names and units: the regular face continues in a second font.
    assert!(assert_fonts_subset(&pdf) >= 3);
    let text = squeeze(&pdftotext(&pdf));
    for (name, unit) in names.iter().zip(&units) {
        assert!(text.contains(name) && text.contains(unit), "pdftotext lacks {name} / {unit}");
    }
}

#[test]
fn missing_glyph_is_refused() {
    let cert = Certificate { name: "王\u{13000}".to_owned(), ..certificate(0) };
    match certificate_pdf(fonts(), &cert, None) {
        Err(DocumentError::MissingGlyph { field, character }) => {
            assert_eq!(field, "name");
            assert_eq!(character, '\u{13000}');
        }
        other => panic!("expected MissingGlyph, got {other:?}"),
    }
    let cert = Certificate { unit: "医院\u{E000}".to_owned(), ..certificate(0) };
    assert!(matches!(
        certificate_pdf(fonts(), &cert, None),
        Err(DocumentError::MissingGlyph { field, .. }) if field == "unit"
    ));
    // Rare characters of names that the font has print.
    assert!(certificate_pdf(fonts(), &Certificate { name: "王䶮𫖯".to_owned(), ..certificate(0) }, None).is_ok());
}

fn holder() -> ProofHolder {
    let c = certificate(0);
    ProofHolder { name: c.name, gender: c.gender, id_number: c.id_number, unit: c.unit }
}

#[test]
fn multi_year_proof() {
    let dir = scratch("multi_year_proof");
    let seal = seal();
    let years: Vec<(Certificate, Option<&Seal>, String)> = (0..3)
        .map(|i| {
            let cert =
                Certificate { year: 2019 + i, number: format!("{}-530000-{:06}", 2019 + i, 77 + i), ..certificate(0) };
            (cert, if i == 2 { None } else { Some(&seal) }, if i == 0 { "已撤销" } else { "有效" }.to_owned())
        })
        .collect();
    let bytes = multi_year_proof_pdf(fonts(), &holder(), &years).unwrap();
    eprintln!("proof of 3 years: {} bytes", bytes.len());
    let pdf = write_pdf(&dir, "proof.pdf", &bytes);
    assert_eq!(page_count(&pdf), 4);
    let text = squeeze(&pdftotext(&pdf));
    for expected in ["继续医学教育学分验证证明", "2019-530000-000077", "2021-530000-000079", "已撤销", "有效"]
    {
        assert!(text.contains(expected), "lacks {expected}: {text}");
    }
    assert_fonts_subset(&pdf);
    let pages = pdftoppm(&pdf, &dir, 200);
    assert_eq!(pages.len(), 4);
    assert!(zbarimg(&pages[0]).is_empty(), "the summary page has no QR code");
    for page in &pages[1..] {
        assert_eq!(zbarimg(page), vec![verify_url(0)]);
    }

    let six: Vec<(Certificate, Option<&Seal>, String)> =
        (0..6).map(|i| (Certificate { year: 2015 + i, ..certificate(0) }, None, "有效".to_owned())).collect();
    assert!(matches!(
        multi_year_proof_pdf(fonts(), &holder(), &six),
        Err(DocumentError::InvalidInput { field, .. }) if field == "years"
    ));
    assert!(multi_year_proof_pdf(fonts(), &holder(), &six[..5]).is_ok());
    assert!(multi_year_proof_pdf(fonts(), &holder(), &[]).is_err());

    let bad = vec![(certificate(0), None, "有效\u{E000}".to_owned())];
    assert!(matches!(
        multi_year_proof_pdf(fonts(), &holder(), &bad),
        Err(DocumentError::MissingGlyph { field, .. }) if field == "years[0].status"
    ));
}

#[test]
fn seal_from_scan_refuses_garbage_and_blank_paper() {
    for garbage in [&b""[..], b"not an image at all", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDRgarbage"] {
        let err = Seal::from_scan(garbage).unwrap_err();
        assert!(matches!(err, DocumentError::InvalidInput { ref field, .. } if field == "seal"), "{err:?}");
        assert!(err.to_string().contains("PNG"), "{err}");
    }
    // White paper with a little noise: no ink.
    let mut white = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut white, 300, 200);
        encoder.set_color(png::ColorType::Rgb);
        let mut writer = encoder.write_header().unwrap();
        let data: Vec<u8> = (0..300 * 200 * 3).map(|i| 250 - (i % 7) as u8).collect();
        writer.write_image_data(&data).unwrap();
    }
    let err = Seal::from_scan(&white).unwrap_err();
    assert!(err.to_string().contains("没有检测到印迹"), "{err}");
    // Too large.
    assert!(Seal::from_scan(&vec![0u8; 11 * 1024 * 1024]).unwrap_err().to_string().contains("过大"));
    // An image a processed seal never is: a PNG stored by mistake.
    assert!(Seal::from_png(b"garbage".to_vec()).is_err());
}

#[test]
fn seal_from_scan_removes_the_paper() {
    let seal = seal();
    // Cropped to the ring (0.95 of 400 pixels, plus a little margin).
    assert!((378..=390).contains(&seal.width()) && seal.width() == seal.height(), "{seal:?}");
    let image = image::load_from_memory(seal.png()).unwrap().to_rgba8();
    let (w, h) = image.dimensions();
    // Corners transparent, the ring opaque red.
    for (x, y) in [(0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1), (w / 2, h / 2 - h / 4)] {
        assert_eq!(image.get_pixel(x, y)[3], 0, "paper at ({x}, {y}) is not transparent");
    }
    let ring = image.get_pixel(w / 2, h / 2 - (0.44 * h as f32) as u32);
    assert!(ring[3] == 255 && ring[0] > 150 && ring[1] < 60 && ring[2] < 60, "ring pixel {ring:?}");
    // The stored PNG gives the same seal.
    let again = Seal::from_png(seal.png().to_vec()).unwrap();
    assert_eq!(again.png(), seal.png());

    // A large JPEG photo of the stamp is downscaled and works as well.
    let big = image::load_from_memory(&red_ring_png(1500)).unwrap();
    let mut jpeg = Vec::new();
    big.write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg).unwrap();
    let from_jpeg = Seal::from_scan(&jpeg).unwrap();
    assert!(from_jpeg.width().max(from_jpeg.height()) <= 600, "{from_jpeg:?}");
    assert!(from_jpeg.width() > 500, "{from_jpeg:?}");
}

#[test]
fn seal_from_a_noisy_photo_keeps_the_certificate_small() {
    // A phone photo: greyish, uneven paper with noise, ink with noise, JPEG compressed.
    let side = 1200u32;
    let mut rng = 12345u32;
    let mut noise = move || {
        rng = rng.wrapping_mul(1_103_515_245).wrapping_add(12345);
        ((rng >> 16) % 21) as i32 - 10
    };
    let c = side as f32 / 2.0;
    let photo = image::RgbImage::from_fn(side, side, |x, y| {
        let (dx, dy) = (x as f32 - c, y as f32 - c);
        let r = (dx * dx + dy * dy).sqrt();
        let shade = (x + y) as i32 / 160; // lighting falls off across the sheet
        let base: [i32; 3] = if r <= side as f32 * 0.45 && r >= side as f32 * 0.36 || (dx.abs() < 30.0 && r < 200.0) {
            [190, 45, 55]
        } else {
            [226 - shade, 222 - shade, 214 - shade]
        };
        let n = noise();
        image::Rgb(base.map(|v| (v + n).clamp(0, 255) as u8))
    });
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(photo)
        .write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .unwrap();
    let seal = Seal::from_scan(&jpeg).unwrap();
    let image = image::load_from_memory(seal.png()).unwrap().to_rgba8();
    let (w, h) = image.dimensions();
    assert!(w.max(h) <= 600 && w > 500, "{seal:?}");
    for (x, y) in [(2, 2), (w - 3, 2), (2, h - 3), (w - 3, h - 3)] {
        assert_eq!(image.get_pixel(x, y)[3], 0, "paper at ({x}, {y}) is not transparent");
    }
    let ring = image.get_pixel(w / 2, h / 2 - (0.45 * h as f32) as u32);
    assert!(ring[3] > 200 && ring[0] > 120 && ring[1] < 60, "ring pixel {ring:?}");
    let bytes = certificate_pdf(fonts(), &certificate(0), Some(&seal)).unwrap();
    let dir = scratch("seal_from_a_noisy_photo");
    std::fs::write(dir.join("seal.png"), seal.png()).unwrap();
    write_pdf(&dir, "sealed.pdf", &bytes);
    eprintln!(
        "noisy photo {} bytes → seal PNG {} bytes → certificate {} bytes",
        jpeg.len(),
        seal.png().len(),
        bytes.len()
    );
    assert!(bytes.len() <= 100 * 1024, "certificate with a photographed seal is {} bytes", bytes.len());
}

/// A name with a character of CJK Extension B that Noto Serif CJK SC lacks (𪛖 U+2A6D6) prints
/// from the fallback face, in a font of its own; the text extracts as the name.
#[test]
fn a_name_noto_lacks_prints_from_the_fallback() {
    let dir = scratch("fallback_name");
    let plain = certificate_pdf(fonts(), &Certificate { name: "王伟".to_owned(), ..certificate(0) }, None).unwrap();
    let cert = Certificate { name: "王𪛖".to_owned(), ..certificate(0) };
    let bytes = certificate_pdf(fonts(), &cert, None).unwrap();
    eprintln!(
        "certificate for 王伟: {} bytes; with one fallback glyph (王𪛖): {} bytes (+{})",
        plain.len(),
        bytes.len(),
        bytes.len() as i64 - plain.len() as i64
    );
    let pdf = write_pdf(&dir, "fallback.pdf", &bytes);
    let text = squeeze(&pdftotext(&pdf));
    assert!(text.contains("王𪛖"), "pdftotext lacks 王𪛖:\n{text}");
    let names: Vec<String> = pdffonts(&pdf)
        .into_iter()
        .map(|f| {
            assert!(f.embedded && f.subset, "{f:?}");
            f.name
        })
        .collect();
    assert!(names.iter().any(|n| n.ends_with("+HanaMinB")), "no HanaMinB subset: {names:?}");
    // The name's other character and everything else stay in Noto.
    assert!(names.iter().filter(|n| n.contains("NotoSerifCJK")).count() >= 2, "{names:?}");
    // One glyph of the fallback costs a few kilobytes, not the 30 MB font.
    assert!(bytes.len() < plain.len() + 20_000, "{} vs {}", bytes.len(), plain.len());

    // In a batch too, next to pages that do not need the fallback.
    let mut batch = CertificateBatch::new(fonts(), Vec::new()).unwrap();
    batch.push(&certificate(1), None).unwrap();
    batch.push(&cert, None).unwrap();
    batch.push(&Certificate { name: "李𫖯".to_owned(), ..certificate(2) }, None).unwrap();
    let pdf = write_pdf(&dir, "batch.pdf", &batch.finish().unwrap());
    let text = squeeze(&pdftotext(&pdf));
    assert!(text.contains("王𪛖") && text.contains("李𫖯"), "{text}");
    assert_eq!(page_count(&pdf), 3);

    // In a bold line (the verdict) the fallback glyph is stroked, and still extracts.
    let bold = Certificate { verdict: "合格𪛖".to_owned(), ..cert };
    let pdf = write_pdf(&dir, "bold.pdf", &certificate_pdf(fonts(), &bold, None).unwrap());
    assert!(squeeze(&pdftotext(&pdf)).contains("合格𪛖"));
}

#[test]
fn a_batch_cover_names_the_bundle_and_everyone_left_out() {
    let dir = scratch("batch_cover");
    let left_out: Vec<LeftOut> = (0..45)
        .map(|i| LeftOut {
            name: format!("缺证{i}号"),
            department: "内科".to_owned(),
            reason: if i % 2 == 0 { "无证书".to_owned() } else { "证书已撤销".to_owned() },
        })
        .collect();
    let cover = BatchCover {
        unit: "宜良县第一人民医院".to_owned(),
        department: Some("内科".to_owned()),
        year: 2025,
        count: 2,
        printed_on: "2026年12月7日".to_owned(),
        left_out,
    };
    let mut batch = CertificateBatch::new(fonts(), Vec::new()).unwrap();
    batch.cover(&cover).unwrap();
    // 45 rows: 15 under the particulars, 27 on the next page, 3 on a third.
    assert_eq!(batch.pages(), 3);
    batch.push(&certificate(0), None).unwrap();
    batch.push(&certificate(1), None).unwrap();
    let bytes = batch.finish().unwrap();
    let pdf = write_pdf(&dir, "cover.pdf", &bytes);
    assert_eq!(page_count(&pdf), 5);
    let text = squeeze(&pdftotext(&pdf));
    for expected in [
        "打印清单",
        "宜良县第一人民医院",
        "内科",
        "2025年度",
        "2份",
        "未打印人员（45人）",
        "缺证0号",
        "缺证44号",
        "证书已撤销",
    ] {
        assert!(text.contains(expected), "{expected} missing from the cover: {text}");
    }
    // Nobody left out: the cover says so.
    let mut batch = CertificateBatch::new(fonts(), Vec::new()).unwrap();
    batch.cover(&BatchCover { left_out: Vec::new(), department: None, ..cover }).unwrap();
    batch.push(&certificate(0), None).unwrap();
    let pdf = write_pdf(&dir, "cover-none.pdf", &batch.finish().unwrap());
    let text = squeeze(&pdftotext(&pdf));
    assert!(text.contains("全部科室") && text.contains("无未打印人员"), "{text}");
}
