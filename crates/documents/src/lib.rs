//! Documents of the CME credit system: PDFs (Chinese, A4, fonts subset) and XLSX exports.
//!
//! Plain data in, bytes out: no HTTP, no database, no dependency on the other crates of the
//! workspace. Callers prepare every string (masking ID numbers, formatting dates) and render
//! off the async workers (`web::block` / `spawn_blocking`): a one-page form takes a few
//! milliseconds of CPU.
//!
//! - [`Fonts`]: Noto Serif CJK SC, loaded once at start-up ([`Fonts::system`]) and shared.
//! - [`registration_form_pdf`] / [`registration_form_xlsx`]: the 学分登记表 of one person and year.
//! - [`ComplianceListXlsx`] (streaming) / [`compliance_list_xlsx`]: the 人员达标情况 list.
//! - [`table`]: reads uploaded staff/roster tables (XLSX, CSV in UTF-8 or GBK) and writes
//!   simple text-typed tables (templates, error reports).
//! - [`layout`]: the small page-layout toolkit the PDFs are drawn with (fixed positions, a CJK
//!   line wrapper, tables that flow over pages, page numbers, vector QR codes, PNG images), to
//!   be reused for certificates.
//!
//! Every string a PDF prints is checked against the font's character map first: a character
//! the font lacks is refused with [`DocumentError::MissingGlyph`] instead of printing an
//! empty box.

mod error;
mod fonts;
pub mod layout;
mod registration;
pub mod table;
mod xlsx;

pub use error::DocumentError;
pub use fonts::{FACE_INDEX, FAMILY, Fonts, SYSTEM_BOLD, SYSTEM_REGULAR, Weight};
pub use registration::{CreditLine, PersonInfo, RegistrationForm, Total, format_tenths, registration_form_pdf};
pub use xlsx::{ComplianceList, ComplianceListXlsx, ComplianceRow, compliance_list_xlsx, registration_form_xlsx};
