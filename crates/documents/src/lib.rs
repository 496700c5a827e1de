//! Documents of the CME credit system: PDFs (Chinese, A4, fonts subset) and XLSX exports.
//!
//! Plain data in, bytes out: no HTTP, no database, no dependency on the other crates of the
//! workspace. Callers prepare every string (masking ID numbers, formatting dates) and render
//! off the async workers (`web::block` / `spawn_blocking`): a one-page form takes a few
//! milliseconds of CPU.
//!
//! - [`Fonts`]: Noto Serif CJK SC with a fallback chain (HanaMin A and B, for the rare
//!   characters of names that Noto lacks), loaded once at start-up ([`Fonts::system`]) and
//!   shared; [`FONT_PACKAGES`] names the Debian packages that provide them.
//! - [`registration_form_pdf`] / [`registration_form_xlsx`]: the 学分登记表 of one person and year.
//! - [`certificate_pdf`] / [`CertificateBatch`] / [`multi_year_proof_pdf`]: the 学分验证合格证书,
//!   one, many streamed into one PDF with flat memory, or several years for a promotion file;
//!   [`Seal`] turns a scanned stamp into the transparent image printed over the issuer.
//! - [`report_xlsx`] / [`report_pdf`]: the statistics reports (SPEC §10), as XLSX and as A4
//!   PDF with the office, the filters, the date, a [`BarChart`] drawn as vector shapes and the
//!   table (laid out twice, counted then streamed, so that a long report keeps one page in memory).
//! - [`ComplianceListXlsx`] (streaming) / [`compliance_list_xlsx`]: the 人员达标情况 list.
//! - [`table`]: reads uploaded staff/roster tables (XLSX, CSV in UTF-8 or GBK) and writes
//!   simple text-typed tables (templates, error reports).
//! - [`layout`]: the small page-layout toolkit the PDFs are drawn with (fixed positions, a CJK
//!   line wrapper, tables that flow over pages, page numbers, vector QR codes, PNG images).
//!   Certificates use its shaper and line wrapper, and are written by a streaming PDF writer of
//!   their own (`pdf.rs`, on pdf-writer and subsetter) so that a batch keeps a flat memory.
//!
//! Every string a PDF prints is checked against the fonts' character maps first: a character
//! no face of the chain has is refused with [`DocumentError::MissingGlyph`] instead of printing an
//! empty box.

mod certificate;
mod chart;
mod error;
/// Hostile and hand-made files for tests (feature `fixtures`).
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
mod fonts;
pub mod layout;
mod pdf;
mod qr;
mod registration;
mod report;
mod report_pdf;
mod seal;
pub mod table;
mod text;
mod xlsx;

pub use certificate::{
    BatchCover, CERTIFICATE_TITLE, Certificate, CertificateBatch, LeftOut, PROOF_MAX_YEARS, ProofHolder, QR_AREA,
    QR_CAPTION, SEAL_AREA, STAMP_REQUIRED, certificate_pdf, format_credit, multi_year_proof_pdf,
};
pub use chart::{Bar, BarChart, BarGroup, Series};
pub use error::DocumentError;
pub use fonts::{FACE_INDEX, FAMILY, FONT_PACKAGES, Fonts, SYSTEM_BOLD, SYSTEM_FALLBACKS, SYSTEM_REGULAR, Weight};
pub use registration::{CreditLine, PersonInfo, RegistrationForm, Total, format_tenths, registration_form_pdf};
pub use report::{ReportRow, report_xlsx};
pub use report_pdf::{ReportColumn, ReportHead, report_pdf};
pub use seal::{SCAN_MAX_BYTES, SCAN_MAX_PIXELS, SCAN_MAX_SIDE, SEAL_MAX_SIDE, Seal};
pub use xlsx::{ComplianceList, ComplianceListXlsx, ComplianceRow, compliance_list_xlsx, registration_form_xlsx};
