//! The one error type of this crate.

use std::path::PathBuf;

/// Why a document could not be produced.
///
/// Messages are in Simplified Chinese, as they may reach users; `field` names the input
/// field in the caller's terms (e.g. `person.name`, `credits[3].activity`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DocumentError {
    /// A font file could not be read.
    #[error("无法读取字体文件 {path}：{reason}")]
    FontFile {
        /// The file that was tried.
        path: PathBuf,
        /// What went wrong (I/O error text).
        reason: String,
    },
    /// A font file was read but is not the expected font (wrong face, not a font, …).
    #[error("字体文件 {path} 不可用：{reason}")]
    FontInvalid {
        /// The file that was tried.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A string to be printed holds a character the font has no glyph for; the document is
    /// refused rather than printed with an empty box.
    #[error("“{field}”中的字符“{character}”（U+{code:04X}）无法用文档字体显示，请核对该字符", code = u32::from(*character))]
    MissingGlyph {
        /// The input field holding the character.
        field: String,
        /// The character the font lacks.
        character: char,
    },
    /// The input cannot be laid out (e.g. a QR code payload too long, a bad image).
    #[error("文档内容无效（{field}）：{reason}")]
    InvalidInput {
        /// The input field at fault.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The PDF writer failed.
    #[error("生成 PDF 失败：{0}")]
    Pdf(String),
    /// The XLSX writer failed.
    #[error("生成 XLSX 失败：{0}")]
    Xlsx(String),
}

impl From<rust_xlsxwriter::XlsxError> for DocumentError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        DocumentError::Xlsx(e.to_string())
    }
}
