//! Uploaded tables (rosters, imports): the body as JSON or as CSV text, and
//! CSV split into numbered records. Parsing a format ends here; the routes
//! turn records into rows and process rows without knowing the format (an
//! XLSX reader can produce the same records).

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use futures_util::StreamExt as _;

use crate::error::ApiError;

/// The largest upload accepted.
const MAX_UPLOAD: usize = 4 << 20;

/// A request body that is JSON or CSV.
pub enum Upload {
    /// `application/json`: the raw bytes, for the route's own type.
    Json(web::Bytes),
    /// `text/csv`: UTF-8 text (a byte-order mark removed).
    Csv(String),
}

impl FromRequest for Upload {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
            .unwrap_or_default();
        let mut payload = payload.take();
        Box::pin(async move {
            let json = content_type == "application/json" || content_type.ends_with("+json");
            let csv = content_type == "text/csv";
            if !json && !csv {
                return Err(malformed("Content-Type must be application/json or text/csv").into());
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| malformed(&e.to_string()))?;
                if body.len() + chunk.len() > MAX_UPLOAD {
                    return Err(malformed(&format!("the body is larger than {MAX_UPLOAD} bytes")).into());
                }
                body.extend_from_slice(&chunk);
            }
            if json {
                return Ok(Upload::Json(body.freeze()));
            }
            let text = String::from_utf8(body.to_vec()).map_err(|_| malformed("CSV 文件须为 UTF-8 编码"))?;
            Ok(Upload::Csv(text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text)))
        })
    }
}

fn malformed(detail: &str) -> ApiError {
    ApiError::Malformed { detail: detail.to_owned(), errors: Vec::new() }
}

/// One record of a table: the line (or spreadsheet row) it starts on,
/// 1-based, and its fields, trimmed. A spreadsheet reader yields these too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

/// Splits CSV text (RFC 4180: commas, double quotes, `""` inside quotes,
/// line breaks inside quotes) into records; blank lines are skipped.
pub fn csv_records(text: &str) -> Vec<Record> {
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let (mut line, mut start) = (1, 1);
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut finish = |fields: &mut Vec<String>, field: &mut String, start: usize| {
        fields.push(std::mem::take(field).trim().to_owned());
        let record = std::mem::take(fields);
        if !(record.len() == 1 && record[0].is_empty()) {
            records.push(Record { line: start, fields: record });
        }
    };
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            (false, ',') => fields.push(std::mem::take(&mut field).trim().to_owned()),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n' | '\r') => {
                finish(&mut fields, &mut field, start);
                line += 1;
                start = line;
            }
            (_, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
        }
    }
    if !field.is_empty() || !fields.is_empty() {
        finish(&mut fields, &mut field, start);
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(records: &[Record]) -> Vec<(usize, Vec<&str>)> {
        records.iter().map(|r| (r.line, r.fields.iter().map(String::as_str).collect())).collect()
    }

    #[test]
    fn splits_lines_and_fields() {
        let r = csv_records("身份证号,年度\r\n 11010519491231002X , 2021\n\n530125198506120113,2021");
        assert_eq!(
            fields(&r),
            vec![
                (1, vec!["身份证号", "年度"]),
                (2, vec!["11010519491231002X", "2021"]),
                (4, vec!["530125198506120113", "2021"])
            ]
        );
    }

    #[test]
    fn honours_quotes() {
        let r = csv_records("\"a,b\",\"say \"\"hi\"\"\"\n\"two\nlines\",x\nlast");
        assert_eq!(fields(&r), vec![(1, vec!["a,b", "say \"hi\""]), (2, vec!["two\nlines", "x"]), (4, vec!["last"])]);
    }

    #[test]
    fn empty_text_has_no_records() {
        assert!(csv_records("").is_empty());
        assert!(csv_records("\n\r\n").is_empty());
    }
}
