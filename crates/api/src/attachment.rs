//! File answers: the one place a `Content-Disposition` is built, in RFC
//! 6266/5987 form so that Chinese file names survive (`filename*`), with an
//! ASCII fallback for old clients.

use actix_web::HttpResponse;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType, ExtendedValue};

/// `attachment` (download) or `inline` (shown in the browser).
pub fn disposition(kind: DispositionType, filename: &str, ascii_fallback: &str) -> ContentDisposition {
    ContentDisposition {
        disposition: kind,
        parameters: vec![
            DispositionParam::Filename(ascii_fallback.to_owned()),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: header::Charset::Ext("UTF-8".to_owned()),
                language_tag: None,
                value: filename.as_bytes().to_vec(),
            }),
        ],
    }
}

/// A whole file to download. Exports name people, so no cache keeps them.
pub fn attachment(bytes: Vec<u8>, content_type: &str, filename: &str, ascii_fallback: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(disposition(DispositionType::Attachment, filename, ascii_fallback))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(bytes)
}

/// The media type of XLSX workbooks.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
