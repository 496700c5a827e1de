//! Bulk import of staff from XLSX or CSV (人员批量导入), with its template
//! and its error report.
//!
//! Every row is checked (ID check digit, duplicates inside the file and
//! against the database, required cells, known titles, the unit's
//! departments by name) and every bad cell reported by row and column.
//! `check` writes nothing; `all` writes only a file without errors;
//! `valid_only` writes the good rows. A write is one transaction, people in
//! multi-row statements.

use cme_domain::audit::{AuditAction, AuditTarget};
use std::collections::HashMap;

use actix_multipart::{Multipart, MultipartError};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDate;
use cme_documents::table;
use cme_domain::IdCardNumber;
use cme_domain::auth::{Actor, Operation, Scope};
use cme_domain::ids::{PersonId, UnitId};
use cme_domain::org::Department;
use cme_domain::person::{Person, PersonStatus};
use cme_domain::roster::{self, Column, TEMPLATE_EXAMPLE, TEMPLATE_NOTES};
use cme_domain::titles::CATALOGUE;
use cme_store::Constraint;
use cme_store::repo::{audit, department, person};
use futures_util::StreamExt as _;
use sea_orm::TransactionTrait as _;
use serde_json::json;

use super::keep::{may_keep_in, target_unit};
use crate::AppState;
use crate::attachment::{XLSX, attachment};
use crate::auth::{Caller, client_ip};
use crate::clock::today;
use crate::dto::people::{ImportError, ImportMode, ImportQuery, ImportReport, ImportUpload, TemplateQuery};
use crate::error::{ApiError, ErrorCode, Problem};
use crate::printable::NameCheck;

/// The largest file accepted.
pub const MAX_FILE_BYTES: usize = 5 << 20;
/// The most data rows one file may hold.
pub const MAX_ROWS: usize = 10_000;

/// The headers as the template writes them: required columns starred.
fn template_headers() -> Vec<String> {
    Column::ALL.iter().map(|c| if c.required() { format!("*{}", c.label()) } else { c.label().to_owned() }).collect()
}

/// The import template (人员导入模板) with Chinese headers, one example row
/// and notes: XLSX (default; the notes and the title catalogue on a second
/// sheet, every column text) or CSV (UTF-8 with BOM; notes as `#` lines,
/// which the import skips).
#[utoipa::path(
    tag = "people",
    security(("bearer" = []), ("client" = [])),
    params(TemplateQuery),
    responses(
        (status = 200, description = "The template file", content(
            (inline(crate::dto::FileBytes) = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (inline(crate::dto::FileBytes) = "text/csv"))),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/people/import-template")]
pub async fn import_template(caller: Caller, query: web::Query<TemplateQuery>) -> Result<HttpResponse, ApiError> {
    caller.require(Operation::ManagePeople)?;
    let headers = template_headers();
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let example = vec![TEMPLATE_EXAMPLE.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()];
    match query.format.as_deref().unwrap_or("xlsx") {
        "xlsx" => {
            let mut notes: Vec<Vec<String>> = TEMPLATE_NOTES.iter().map(|n| vec![(*n).to_owned()]).collect();
            notes.push(Vec::new());
            notes.push(vec!["职称目录（职称 → 级别）".to_owned()]);
            notes.extend(CATALOGUE.iter().map(|t| vec![t.name.to_owned(), t.level.label().to_owned()]));
            let bytes = table::write_xlsx(&[
                table::Sheet { name: "人员名册", headers: &headers, rows: &example },
                table::Sheet { name: "填写说明", headers: &["填写说明"], rows: &notes },
            ])
            .map_err(|e| ApiError::Internal(e.to_string()))?;
            Ok(attachment(bytes, XLSX, "人员导入模板.xlsx", "people-template.xlsx"))
        }
        "csv" => {
            let mut rows = example;
            rows.extend(TEMPLATE_NOTES.iter().map(|n| vec![format!("# {n}")]));
            let bytes = table::write_csv(&headers, &rows).map_err(|e| ApiError::Internal(e.to_string()))?;
            Ok(attachment(bytes, "text/csv; charset=utf-8", "人员导入模板.csv", "people-template.csv"))
        }
        _ => Err(ApiError::field("format", "须为 xlsx 或 csv")),
    }
}

/// The `file` part of a multipart upload, at most [`MAX_FILE_BYTES`].
async fn upload(mut multipart: Multipart) -> Result<Vec<u8>, ApiError> {
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(|e| match e {
            MultipartError::ContentTypeMissing
            | MultipartError::ContentTypeParse
            | MultipartError::ContentTypeIncompatible => {
                ApiError::UnsupportedMediaType("请求须为 multipart/form-data".to_owned())
            }
            other => ApiError::Malformed {
                detail: crate::wording::payload_message(&other.to_string()).to_owned(),
                errors: Vec::new(),
            },
        })?;
        if field.name() != Some("file") {
            // Drain other parts.
            while let Some(chunk) = field.next().await {
                chunk.map_err(|e| ApiError::Malformed {
                    detail: crate::wording::payload_message(&e.to_string()).to_owned(),
                    errors: Vec::new(),
                })?;
            }
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| ApiError::Malformed {
                detail: crate::wording::payload_message(&e.to_string()).to_owned(),
                errors: Vec::new(),
            })?;
            if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                return Err(ApiError::PayloadTooLarge(format!("文件不能超过 {} MB", MAX_FILE_BYTES >> 20)));
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(bytes);
    }
    Err(ApiError::field("file", "请选择要导入的文件"))
}

/// A checked file: the rows read, the new people of its valid rows, and the
/// bad cells.
struct Checked {
    rows: usize,
    valid: Vec<person::NewPerson>,
    errors: Vec<ImportError>,
}

fn error(row: usize, column: Option<Column>, reason: impl Into<String>) -> ImportError {
    ImportError {
        row,
        column: column.map_or_else(String::new, |c| c.label().to_owned()),
        field: column.map_or_else(String::new, |c| c.as_str().to_owned()),
        reason: reason.into(),
    }
}

/// Reads and checks a file for `unit`.
async fn check(state: &AppState, actor: &Actor, unit: UnitId, bytes: Vec<u8>) -> Result<Checked, ApiError> {
    let HeadedRows { header, columns, data } = split_header(read_rows(bytes).await?)?;
    let mut errors = missing_columns(&header, &columns);
    if data.len() > MAX_ROWS {
        return Err(ApiError::field("file", format!("一次最多导入 {MAX_ROWS} 行")));
    }
    if !errors.is_empty() {
        return Ok(Checked { rows: data.len(), valid: Vec::new(), errors });
    }
    let departments = department::list_by_unit(&state.db, unit).await?;
    let row_check = RowCheck {
        unit,
        own_department: match actor.scope {
            Scope::Department(_, d) => departments.iter().find(|x| x.id == d),
            _ => None,
        },
        departments: &departments,
        today: today(),
        names: NameCheck::new(state.fonts.as_ref()),
    };
    let mut parsed: Vec<(usize, Option<Person>, Option<String>)> = Vec::with_capacity(data.len());
    let mut ids: Vec<(usize, IdCardNumber)> = Vec::new();
    for (i, row) in data.iter().enumerate() {
        let cells: HashMap<Column, String> =
            columns.iter().map(|(idx, c)| (*c, row.cells.get(*idx).cloned().unwrap_or_default())).collect();
        // The number alone, to find duplicates among rows with other errors too.
        if let Some(Ok(id)) = cells.get(&Column::IdNumber).map(|t| IdCardNumber::parse(t, row_check.today)) {
            ids.push((i, id));
        }
        match row_check.person(row.number, &cells) {
            Ok((person, phone)) => parsed.push((i, Some(person), phone)),
            Err(row_errors) => {
                errors.extend(row_errors);
                parsed.push((i, None, None));
            }
        }
    }
    let bad = taken_rows(state, &data, &ids, &mut errors).await?;
    errors.sort_by_key(|e| (e.row, Column::ALL.iter().position(|c| c.label() == e.column)));
    errors.dedup_by(|a, b| a.row == b.row && a.column == b.column && a.reason == b.reason);
    let valid = parsed
        .into_iter()
        .filter(|(i, _, _)| !bad.contains(i))
        .filter_map(|(_, p, phone)| p.map(|person| person::NewPerson { person, phone }))
        .collect();
    Ok(Checked { rows: data.len(), valid, errors })
}

/// The rows of a file, notes left out.
async fn read_rows(bytes: Vec<u8>) -> Result<Vec<table::Row>, ApiError> {
    // Parsing an untrusted file is CPU-bound (a 10,000-row sheet takes tens of
    // milliseconds, the worst file within the budget about a second): off the
    // async workers, within the upload budget.
    let rows = web::block(move || table::read(&bytes))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|e| ApiError::field("file", e.to_string()))?;
    // Rows whose first cell starts with `#` are notes.
    Ok(rows.into_iter().filter(|r| !r.cells.first().is_some_and(|c| c.starts_with('#'))).collect())
}

/// A file's rows under its header.
struct HeadedRows {
    header: table::Row,
    /// The column of each known header (the first of a repeated one).
    columns: HashMap<usize, Column>,
    /// The rows below the header.
    data: Vec<table::Row>,
}

/// The header row (the first naming the ID column) and the rows below it.
fn split_header(rows: Vec<table::Row>) -> Result<HeadedRows, ApiError> {
    // The header is the first row naming the ID column (a title row above
    // it, as spreadsheets often have, is skipped); else the first row.
    let at = rows
        .iter()
        .take(10)
        .position(|r| r.cells.iter().any(|c| Column::from_header(c) == Some(Column::IdNumber)))
        .unwrap_or(0);
    let mut rows = rows.into_iter().skip(at);
    let header = rows.next().ok_or_else(|| ApiError::field("file", "文件是空的"))?;
    let mut columns: HashMap<usize, Column> = HashMap::new();
    for (i, h) in header.cells.iter().enumerate() {
        if let Some(c) = Column::from_header(h)
            && !columns.values().any(|known| *known == c)
        {
            columns.insert(i, c);
        }
    }
    Ok(HeadedRows { header, columns, data: rows.collect() })
}

/// An error for each required column the header lacks.
fn missing_columns(header: &table::Row, columns: &HashMap<usize, Column>) -> Vec<ImportError> {
    Column::ALL
        .iter()
        .copied()
        .filter(|c| c.required() && !columns.values().any(|known| known == c))
        .map(|c| error(header.number, Some(c), format!("缺少必填列「{}」", c.label())))
        .collect()
}

/// What each data row is checked against: the unit and its departments (a
/// department's account imports into its own only), today, and the fonts
/// a name must print in.
struct RowCheck<'a> {
    unit: UnitId,
    departments: &'a [Department],
    own_department: Option<&'a Department>,
    today: NaiveDate,
    names: NameCheck<'a>,
}

impl RowCheck<'_> {
    /// The new person (and phone) of the data row numbered `number`, or its
    /// errors.
    fn person(
        &self,
        number: usize,
        cells: &HashMap<Column, String>,
    ) -> Result<(Person, Option<String>), Vec<ImportError>> {
        let as_template: Vec<&str> = Column::ALL.iter().map(|c| cells.get(c).map_or("", String::as_str)).collect();
        if as_template == TEMPLATE_EXAMPLE {
            return Err(vec![error(number, None, "这是模板的示例行，请删除后再导入")]);
        }
        // The name must also be printable in the document fonts (the domain checks code
        // points); reported with the row's other errors.
        let unprintable = cells
            .get(&Column::Name)
            .filter(|text| roster::parse_name(text).is_ok())
            .and_then(|text| self.names.parse(text).err())
            .map(|reason| roster::CellError { column: Column::Name, reason });
        let parsed_row = match (roster::parse_row(cells, self.today), unprintable) {
            (Ok(_), Some(e)) => Err(vec![e]),
            (Err(mut cell_errors), Some(e)) => {
                cell_errors.push(e);
                Err(cell_errors)
            }
            (row, None) => row,
        };
        let entry = parsed_row.map_err(|cell_errors| {
            cell_errors.into_iter().map(|e| error(number, Some(e.column), e.reason)).collect::<Vec<_>>()
        })?;
        let department = match (&entry.department, self.own_department) {
            (None, own) => Ok(own.map(|d| d.id)),
            (Some(name), Some(own)) if *name == own.name => Ok(Some(own.id)),
            (Some(_), Some(_)) => Err("科室账号只能导入本科室人员"),
            (Some(name), None) => {
                self.departments.iter().find(|d| d.name == *name).map(|d| Some(d.id)).ok_or("本单位没有该科室")
            }
        };
        let department_id = department.map_err(|reason| vec![error(number, Some(Column::Department), reason)])?;
        let person = Person {
            id: PersonId::new(),
            unit_id: self.unit,
            department_id,
            name: entry.name,
            gender: entry.gender,
            id_number: entry.id_number,
            discipline: entry.discipline,
            status: PersonStatus::Normal,
            titles: entry.title.into_iter().collect(),
        };
        Ok((person, entry.phone))
    }
}

/// The rows whose ID number is taken: by another row of the file (both
/// rows are named) or by a stored person (it exists, not where).
async fn taken_rows(
    state: &AppState,
    data: &[table::Row],
    ids: &[(usize, IdCardNumber)],
    errors: &mut Vec<ImportError>,
) -> Result<std::collections::HashSet<usize>, ApiError> {
    let mut bad: std::collections::HashSet<usize> = std::collections::HashSet::new();
    for (first, later) in roster::duplicates(ids.iter().map(|(i, id)| (*i, id))) {
        let (a, b) = (data[first].number, data[later].number);
        errors.push(error(a, Some(Column::IdNumber), format!("与第 {b} 行的身份证号重复")));
        errors.push(error(b, Some(Column::IdNumber), format!("与第 {a} 行的身份证号重复")));
        bad.extend([first, later]);
    }
    let all_ids: Vec<&IdCardNumber> = ids.iter().map(|(_, id)| id).collect();
    let stored = person::find_many_by_id_number(&state.db, &state.pii, &all_ids).await?;
    for (i, id) in ids {
        if stored.contains_key(id.as_str()) {
            errors.push(error(data[*i].number, Some(Column::IdNumber), "该身份证号已登记"));
            bad.insert(*i);
        }
    }
    Ok(bad)
}

/// The unit of an import: the one named, or the caller's own.
async fn import_unit(state: &AppState, actor: &Actor, query: &ImportQuery) -> Result<UnitId, ApiError> {
    let unit = target_unit(state, actor, query.unit_id).await?.unit.id;
    may_keep_in(state, actor, unit).await?;
    Ok(unit)
}

/// Import staff from an XLSX or CSV file (first sheet; header row first) into
/// a unit. Answers the report of every bad cell (row as the sheet numbers
/// it, column, reason). `mode=check` (default) writes nothing; `all`
/// writes only if every row is valid; `valid_only` writes the valid rows.
/// The file is at most 5 MiB and 10,000 rows.
#[utoipa::path(
    tag = "people",
    security(("bearer" = []), ("client" = [])),
    params(ImportQuery),
    request_body(content = ImportUpload, content_type = "multipart/form-data"),
    responses(
        (status = 200, body = ImportReport),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/people/import")]
pub async fn import_people(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    query: web::Query<ImportQuery>,
    multipart: Multipart,
) -> Result<web::Json<ImportReport>, ApiError> {
    let actor = caller.require(Operation::ManagePeople)?;
    let unit = import_unit(&state, actor, &query).await?;
    let mode = query.mode.unwrap_or(ImportMode::Check);
    let bytes = upload(multipart).await?;
    let checked = check(&state, actor, unit, bytes).await?;
    let write = match mode {
        ImportMode::Check => false,
        ImportMode::All => checked.errors.is_empty() && !checked.valid.is_empty(),
        ImportMode::ValidOnly => !checked.valid.is_empty(),
    };
    let mut created = 0;
    if write {
        let ip = client_ip(&req);
        let mut entries: Vec<audit::AuditEntry> = checked
            .valid
            .iter()
            .map(|n| {
                audit::AuditEntry::by(actor, AuditAction::PersonImport)
                    .ip(Some(&ip))
                    .target(AuditTarget::Person, n.person.id.0)
                    .place(None, Some(unit))
                    .detail(json!({"name": n.person.name, "department_id": n.person.department_id,
                                   "titles": n.person.titles.len(), "source": "file"}))
            })
            .collect();
        entries.push(audit::AuditEntry::by(actor, AuditAction::PersonImportFile).ip(Some(&ip)).place(None, Some(unit)).detail(
            json!({"mode": mode, "rows": checked.rows, "created": checked.valid.len(), "bad_cells": checked.errors.len()}),
        ));
        let txn = state.db.begin().await?;
        match person::create_many(&txn, &state.pii, &checked.valid).await {
            Err(e) if e.constraint() == Some(Constraint::PeopleIdNumber) => {
                return Err(ApiError::Conflict {
                    code: ErrorCode::ConcurrentChange,
                    detail: "其间有人登记了文件中的身份证号，请重新导入".to_owned(),
                });
            }
            other => other?,
        };
        audit::append_many(&txn, &entries).await?;
        txn.commit().await?;
        created = checked.valid.len();
    }
    Ok(web::Json(ImportReport {
        mode,
        rows: checked.rows,
        valid_rows: checked.valid.len(),
        errors: checked.errors,
        created,
        written: write,
    }))
}

/// The error report of a file as XLSX (行号, 列, 原因), for "下载错误报告":
/// the same checks as `/people/import?mode=check`; nothing is written.
#[utoipa::path(
    tag = "people",
    security(("bearer" = []), ("client" = [])),
    params(ImportQuery),
    request_body(content = ImportUpload, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The error report", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = inline(crate::dto::FileBytes)),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/people/import/errors")]
pub async fn import_errors(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ImportQuery>,
    multipart: Multipart,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::ManagePeople)?;
    let unit = import_unit(&state, actor, &query).await?;
    let bytes = upload(multipart).await?;
    let checked = check(&state, actor, unit, bytes).await?;
    let rows: Vec<Vec<String>> =
        checked.errors.into_iter().map(|e| vec![e.row.to_string(), e.column, e.reason]).collect();
    let bytes =
        table::write_xlsx(&[table::Sheet { name: "错误报告", headers: &["行号", "列", "原因"], rows: &rows }])
            .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(attachment(bytes, XLSX, "导入错误报告.xlsx", "import-errors.xlsx"))
}
