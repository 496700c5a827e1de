//! Shared test helpers: fonts, sample data, and the poppler/zbar tools (a missing tool fails
//! the test with a message; nothing is skipped).
#![allow(dead_code, reason = "each test file uses a part")]

pub mod sample;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use cme_documents::Fonts;

/// The system fonts, loaded once per test binary.
pub fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        Fonts::system().unwrap_or_else(|e| panic!("{e}: install {:?} (`make fonts`)", cme_documents::FONT_PACKAGES))
    })
}

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cme-documents").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// Runs a poppler/zbar tool and returns its stdout; fails clearly if the tool is missing or
/// fails.
pub fn run(tool: &str, args: &[&str]) -> String {
    let output = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{tool}` ({e}): install poppler-utils and zbar-tools (`make browser`)"));
    assert!(output.status.success(), "`{tool} {}` failed: {}", args.join(" "), String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("tool output is UTF-8")
}

/// Writes `pdf` to `dir/name` and returns its path as a string.
pub fn write_pdf(dir: &Path, name: &str, pdf: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, pdf).expect("write pdf");
    path.to_str().expect("utf-8 path").to_owned()
}

/// `pdftotext` of the file (UTF-8, layout mode off).
pub fn pdftotext(pdf: &str) -> String {
    run("pdftotext", &["-enc", "UTF-8", pdf, "-"])
}

/// The page count reported by `pdfinfo`.
pub fn page_count(pdf: &str) -> usize {
    let info = run("pdfinfo", &[pdf]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo prints Pages:")
}

/// One font of `pdffonts`' table.
#[derive(Debug)]
pub struct PdfFont {
    pub name: String,
    pub kind: String,
    pub embedded: bool,
    pub subset: bool,
}

/// The fonts `pdffonts` lists. Rows are read from the right (emb, sub, uni, object ID are
/// single words; a long name may push the fixed-width columns out of line).
pub fn pdffonts(pdf: &str) -> Vec<PdfFont> {
    let out = run("pdffonts", &[pdf]);
    let mut lines = out.lines();
    let header = lines.next().expect("pdffonts header");
    assert!(header.contains("emb") && header.contains("sub"), "unexpected pdffonts output:\n{out}");
    lines
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            assert!(words.len() >= 8, "unexpected pdffonts row: {line}");
            let n = words.len();
            PdfFont {
                name: words[0].to_owned(),
                kind: words[1..n - 6].join(" "),
                embedded: words[n - 5] == "yes",
                subset: words[n - 4] == "yes",
            }
        })
        .collect()
}

/// Renders every page with `pdftoppm -r <dpi> -png` and returns the PNG files, in page order.
pub fn pdftoppm(pdf: &str, dir: &Path, dpi: u32) -> Vec<PathBuf> {
    let prefix = dir.join("page");
    run("pdftoppm", &["-r", &dpi.to_string(), "-png", pdf, prefix.to_str().expect("utf-8 path")]);
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read scratch dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    pages.sort();
    pages
}

/// The share of dark pixels (luma < 128) of a PNG file, and its size in pixels.
pub fn dark_share(png_path: &Path) -> (f64, u32, u32) {
    let file = std::fs::File::open(png_path).expect("open png");
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("png buffer size")];
    let info = reader.next_frame(&mut buf).expect("png frame");
    let channels = info.color_type.samples();
    let pixels = &buf[..info.buffer_size()];
    let total = (info.width * info.height) as usize;
    let dark = pixels
        .chunks(channels)
        .filter(|px| {
            let luma = if channels >= 3 {
                (u32::from(px[0]) * 299 + u32::from(px[1]) * 587 + u32::from(px[2]) * 114) / 1000
            } else {
                u32::from(px[0])
            };
            luma < 128
        })
        .count();
    (dark as f64 / total as f64, info.width, info.height)
}

/// The pixels of a PNG file as RGB triples, with its width and height.
pub fn read_rgb(png_path: &Path) -> (Vec<[u8; 3]>, u32, u32) {
    let file = std::fs::File::open(png_path).expect("open png");
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("png buffer size")];
    let info = reader.next_frame(&mut buf).expect("png frame");
    let channels = info.color_type.samples();
    let pixels = buf[..info.buffer_size()]
        .chunks(channels)
        .map(|px| if channels >= 3 { [px[0], px[1], px[2]] } else { [px[0]; 3] })
        .collect();
    (pixels, info.width, info.height)
}

/// What `zbarimg` reads from a picture: one line per code found (`--raw`, no type prefix);
/// none when it finds no code (its exit status 4).
pub fn zbarimg(png_path: &Path) -> Vec<String> {
    let output = Command::new("zbarimg")
        .args(["--raw", "-q", png_path.to_str().expect("utf-8 path")])
        .output()
        .unwrap_or_else(|e| panic!("cannot run `zbarimg` ({e}): install zbar-tools (`make browser`)"));
    match output.status.code() {
        Some(0) => {}
        Some(4) => return Vec::new(),
        _ => panic!("`zbarimg {png_path:?}` failed: {}", String::from_utf8_lossy(&output.stderr)),
    }
    let out = String::from_utf8(output.stdout).expect("zbarimg output is UTF-8");
    out.lines().map(str::to_owned).filter(|l| !l.is_empty()).collect()
}
