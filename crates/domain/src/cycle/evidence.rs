//! Evidence files (证明材料): the scans and photos a unit uploads for a
//! special-personnel claim or a title correction, checked by their content.

/// The largest evidence file accepted: 10 MiB.
pub const MAX_EVIDENCE_BYTES: usize = 10 * 1024 * 1024;

string_enum! {
    /// The kinds of evidence file accepted: scans and photos of documents.
    pub enum EvidenceKind {
        Pdf => ("pdf", "PDF 文件"),
        Png => ("png", "PNG 图片"),
        Jpeg => ("jpeg", "JPEG 图片"),
    }
}

impl EvidenceKind {
    /// Recognises a file by its first bytes (its magic number).
    pub fn sniff(bytes: &[u8]) -> Option<EvidenceKind> {
        if bytes.starts_with(b"%PDF-") {
            Some(EvidenceKind::Pdf)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(EvidenceKind::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(EvidenceKind::Jpeg)
        } else {
            None
        }
    }

    /// The media type to serve the file with.
    pub fn content_type(self) -> &'static str {
        match self {
            EvidenceKind::Pdf => "application/pdf",
            EvidenceKind::Png => "image/png",
            EvidenceKind::Jpeg => "image/jpeg",
        }
    }

    /// The kind a declared media type names, ignoring case and parameters
    /// (`image/JPEG; charset=binary`); also the common non-standard
    /// `image/jpg` and `image/pjpeg`.
    pub fn from_content_type(declared: &str) -> Option<EvidenceKind> {
        let essence = declared.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        match essence.as_str() {
            "application/pdf" => Some(EvidenceKind::Pdf),
            "image/png" => Some(EvidenceKind::Png),
            "image/jpeg" | "image/jpg" | "image/pjpeg" => Some(EvidenceKind::Jpeg),
            _ => None,
        }
    }
}

/// Why an evidence file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvidenceError {
    #[error("证明材料文件为空")]
    Empty,
    #[error("证明材料文件大小为 {}，超过 10 MB 的上限", mebibytes(*.size))]
    TooLarge { size: usize },
    #[error("证明材料须为 PDF、PNG 或 JPEG 文件，所传文件的内容不是其中任何一种")]
    UnknownType,
    #[error("不接受的文件类型“{declared}”，证明材料须为 PDF、PNG 或 JPEG 文件")]
    UnsupportedDeclaredType { declared: String },
    #[error("文件声明为{}，内容却是{}，请检查文件后重新上传", .declared.label(), .actual.label())]
    Mismatch { declared: EvidenceKind, actual: EvidenceKind },
}

/// `10.1 MB`: mebibytes, rounded up to a tenth, so a file over the limit
/// never reads as exactly at it.
fn mebibytes(size: usize) -> String {
    const MIB: u128 = 1024 * 1024;
    let tenths = (size as u128 * 10).div_ceil(MIB);
    format!("{}.{} MB", tenths / 10, tenths % 10)
}

/// Checks an uploaded evidence file: not empty, at most
/// [`MAX_EVIDENCE_BYTES`], a PDF, PNG or JPEG by its content, and declared
/// as what it is (a misnamed file is refused rather than stored under the
/// wrong type).
pub fn check_evidence(declared_content_type: &str, bytes: &[u8]) -> Result<EvidenceKind, EvidenceError> {
    if bytes.is_empty() {
        return Err(EvidenceError::Empty);
    }
    if bytes.len() > MAX_EVIDENCE_BYTES {
        return Err(EvidenceError::TooLarge { size: bytes.len() });
    }
    let actual = EvidenceKind::sniff(bytes).ok_or(EvidenceError::UnknownType)?;
    let declared = EvidenceKind::from_content_type(declared_content_type).ok_or_else(|| {
        // Echo at most a short prefix of what the client sent.
        EvidenceError::UnsupportedDeclaredType { declared: declared_content_type.trim().chars().take(64).collect() }
    })?;
    if declared != actual {
        return Err(EvidenceError::Mismatch { declared, actual });
    }
    Ok(actual)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const JPEG: &[u8] = b"\xff\xd8\xff\xe0\0\x10JFIF\0";

    #[test]
    fn evidence_is_sniffed_by_its_magic_bytes() {
        let table: [(&[u8], Option<EvidenceKind>); 8] = [
            (PDF, Some(EvidenceKind::Pdf)),
            (PNG, Some(EvidenceKind::Png)),
            (JPEG, Some(EvidenceKind::Jpeg)),
            (b"%PDF", None),
            (b"\x89PNG", None),
            (b"\xff\xd8", None),
            (b"GIF89a", None),
            (b"", None),
        ];
        for (bytes, want) in table {
            assert_eq!(EvidenceKind::sniff(bytes), want, "{bytes:?}");
        }
    }

    #[test]
    fn evidence_checks() {
        use EvidenceKind::*;
        let big = vec![0u8; MAX_EVIDENCE_BYTES + 1];
        let mut at_limit = vec![0u8; MAX_EVIDENCE_BYTES];
        at_limit[..PDF.len()].copy_from_slice(PDF);
        let table: [(&str, &[u8], Result<EvidenceKind, EvidenceError>); 10] = [
            ("application/pdf", PDF, Ok(Pdf)),
            ("image/png", PNG, Ok(Png)),
            ("image/jpeg", JPEG, Ok(Jpeg)),
            ("IMAGE/JPG ; name=x", JPEG, Ok(Jpeg)),
            ("application/pdf", &at_limit, Ok(Pdf)),
            ("application/pdf", b"", Err(EvidenceError::Empty)),
            ("application/pdf", &big, Err(EvidenceError::TooLarge { size: MAX_EVIDENCE_BYTES + 1 })),
            ("text/plain", b"hello", Err(EvidenceError::UnknownType)),
            (
                "application/octet-stream",
                PDF,
                Err(EvidenceError::UnsupportedDeclaredType { declared: "application/octet-stream".into() }),
            ),
            ("image/png", JPEG, Err(EvidenceError::Mismatch { declared: Png, actual: Jpeg })),
        ];
        for (declared, bytes, want) in table {
            assert_eq!(check_evidence(declared, bytes), want, "{declared}");
        }
        let msg = |declared: &str, bytes: &[u8]| check_evidence(declared, bytes).map_err(|e| e.to_string());
        assert_eq!(msg("application/pdf", &big), Err("证明材料文件大小为 10.1 MB，超过 10 MB 的上限".to_owned()));
        assert_eq!(
            msg("image/png", JPEG),
            Err("文件声明为PNG 图片，内容却是JPEG 图片，请检查文件后重新上传".to_owned())
        );
        assert_eq!(msg("x".repeat(500).as_str(), PDF).map_err(|e| e.chars().count() < 120), Err(true));
        for kind in EvidenceKind::ALL {
            assert_eq!(EvidenceKind::from_content_type(kind.content_type()), Some(*kind));
        }
    }
}
