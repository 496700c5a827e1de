//! Uploaded tables (rosters, imports): the body as JSON, or as the records
//! of a CSV file or an XLSX workbook's first sheet. Parsing a format ends
//! here; the routes turn records into rows and process rows without knowing
//! the format. Files are read by the one table reader
//! (`cme_documents::table`: CSV in UTF-8 or GBK, XLSX by its zip magic,
//! within the upload budget) on the blocking pool.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use futures_util::StreamExt as _;

use cme_documents::table;

use crate::attachment::XLSX;
use crate::error::ApiError;

/// The largest upload accepted.
const MAX_UPLOAD: usize = 4 << 20;

/// A request body that is JSON or a table file.
pub enum Upload {
    /// `application/json`: the raw bytes, for the route's own type.
    Json(web::Bytes),
    /// `text/csv` (UTF-8, with or without BOM, or GBK) or an XLSX workbook
    /// (its first sheet): its non-blank records. The bytes decide which
    /// (`table::kind`), so a workbook sent as `text/csv` is still read right.
    Table(Vec<Record>),
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
            let table = content_type == "text/csv" || content_type == XLSX;
            if !json && !table {
                return Err(ApiError::UnsupportedMediaType(format!(
                    "请求须为 application/json、text/csv 或 {XLSX}（XLSX 工作簿）"
                ))
                .into());
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| malformed(crate::wording::payload_message(&e.to_string())))?;
                if body.len() + chunk.len() > MAX_UPLOAD {
                    return Err(ApiError::PayloadTooLarge(format!("文件不能超过 {} MB", MAX_UPLOAD >> 20)).into());
                }
                body.extend_from_slice(&chunk);
            }
            if json {
                return Ok(Upload::Json(body.freeze()));
            }
            Ok(Upload::Table(table_records(body.freeze()).await?))
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

/// Reads a CSV file or an XLSX workbook (told apart by its first bytes)
/// into records within the upload budget, checked before expansion, off the
/// async workers; a file that cannot be read is refused naming `file`.
pub async fn table_records(bytes: web::Bytes) -> Result<Vec<Record>, ApiError> {
    let rows = web::block(move || table::read_within(&bytes, &table::Budget::UPLOAD))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|e| ApiError::field("file", e.to_string()))?;
    Ok(rows.into_iter().map(|r| Record { line: r.number, fields: r.cells }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(records: &[Record]) -> Vec<(usize, Vec<&str>)> {
        records.iter().map(|r| (r.line, r.fields.iter().map(String::as_str).collect())).collect()
    }

    async fn records(text: &[u8]) -> Vec<Record> {
        table_records(web::Bytes::copy_from_slice(text)).await.unwrap_or_default()
    }

    #[actix_web::test]
    async fn splits_lines_and_fields() {
        let r = records("身份证号,年度\r\n 11010519491231002X , 2021\n\n530125198506120113,2021".as_bytes()).await;
        assert_eq!(
            fields(&r),
            vec![
                (1, vec!["身份证号", "年度"]),
                (2, vec!["11010519491231002X", "2021"]),
                (4, vec!["530125198506120113", "2021"])
            ]
        );
    }

    #[actix_web::test]
    async fn honours_quotes_and_reads_gbk() {
        let r = records(b"\"a,b\",\"say \"\"hi\"\"\"\n\"two\nlines\",x\nlast").await;
        assert_eq!(fields(&r), vec![(1, vec!["a,b", "say \"hi\""]), (2, vec!["two\nlines", "x"]), (4, vec!["last"])]);
        let (gbk, _, _) = encoding_rs::GBK.encode("身份证号\r\n11010519491231002X\r\n");
        assert_eq!(fields(&records(&gbk).await), vec![(1, vec!["身份证号"]), (2, vec!["11010519491231002X"])]);
    }

    #[actix_web::test]
    async fn reads_a_workbook_by_its_magic() {
        let rows = vec![vec!["11010519491231002X".to_owned(), "2021".to_owned()]];
        let xlsx =
            table::write_xlsx(&[table::Sheet { name: "表", headers: &["身份证号", "年度"], rows: &rows }])
                .unwrap_or_default();
        assert_eq!(
            fields(&records(&xlsx).await),
            vec![(1, vec!["身份证号", "年度"]), (2, vec!["11010519491231002X", "2021"])]
        );
    }

    #[actix_web::test]
    async fn empty_text_has_no_records() {
        assert!(records(b"").await.is_empty());
        assert!(records(b"\n\r\n").await.is_empty());
    }
}
