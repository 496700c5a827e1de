//! Completions of the year's mandatory all-staff course (公需科目), singly
//! and by import. A year without one completed is not compliant in a year
//! whose standard names a course (SPEC §3, §4 rule 4).

use cme_domain::audit::{AuditAction, AuditTarget};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use utoipa_actix_web::service_config::ServiceConfig;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{Datelike as _, NaiveDate, Utc};
use cme_domain::IdCardNumber;
use cme_domain::auth::{Operation, Role, Scope};
use cme_domain::ids::PersonId;
use cme_domain::roster::id_number_reason;
use cme_domain::standard::MandatoryCourse;
use cme_store::StoreError;
use cme_store::repo::{audit, course, credit, id_lookup, person, standard};
use sea_orm::{ConnectionTrait, TransactionTrait as _};
use serde_json::json;
use uuid::Uuid;
use validator::Validate as _;

use crate::AppState;
use crate::auth::{Caller, client_ip};
use crate::dto::courses::{
    CompletionDto, CompletionImportRequest, ImportErrorDto, ImportMode, ImportQuery, ImportReport, NewCompletionRequest,
};
use crate::error::{ApiError, ErrorCode, Problem};
use crate::extract::{ValidJson, parse, validation_problem};
use crate::upload::{Record, Upload};

/// Registers this resource's routes (the route table and the OpenAPI
/// document are built from the same calls).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(record_completion).service(list_completions).service(import_completions);
}

/// The most rows one import may have.
const MAX_ROWS: usize = 10_000;

/// The mandatory course a year's published standard names, or why there is
/// none (a message for the `year` field).
async fn course_of(db: &impl ConnectionTrait, year: i32) -> Result<Result<MandatoryCourse, String>, ApiError> {
    Ok(match standard::get_published(db, year).await? {
        None => Err(format!("{year} 年度没有已发布的学分验证标准")),
        Some(s) => s.mandatory_course.ok_or_else(|| format!("{year} 年度未规定公需科目")),
    })
}

/// Why a completion date cannot stand (a message for `completed_on`).
fn check_date(course: &MandatoryCourse, year: i32, completed_on: NaiveDate, today: NaiveDate) -> Result<(), String> {
    if completed_on > course.deadline {
        return Err(format!("完成日期晚于公需科目“{}”的截止日期 {}", course.name, course.deadline));
    }
    if completed_on > today {
        return Err("完成日期不能晚于今天".to_owned());
    }
    if completed_on.year() < year {
        return Err(format!("完成日期早于 {year} 年"));
    }
    Ok(())
}

/// Record that a person completed the year's mandatory course.
///
/// The year's published standard must name a course, and the date must be
/// on or before its deadline (the message names the deadline), not in the
/// future and not before the year. The person must be in the caller's
/// jurisdiction (else 404). A second record of the same person-year is 409
/// `already_recorded`; a person-year whose verification was submitted is
/// 409 `person_year_locked`.
#[utoipa::path(
    tag = "courses",
    security(("bearer" = []), ("client" = [])),
    params(("id" = Uuid, Path)),
    request_body = NewCompletionRequest,
    responses(
        (status = 201, body = CompletionDto),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/people/{id}/course-completions")]
pub async fn record_completion(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    id: web::Path<Uuid>,
    body: ValidJson<NewCompletionRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::RecordCourse)?;
    let p = person::get_scoped(&state.db, &state.pii, &actor.scope, PersonId(id.into_inner())).await?;
    let NewCompletionRequest { year, completed_on } = body.0;
    let course = course_of(&state.db, year).await?.map_err(|m| ApiError::field("year", m))?;
    let today = crate::clock::today();
    check_date(&course, year, completed_on, today).map_err(|m| ApiError::field("completed_on", m))?;
    let ip = client_ip(&req);
    let txn = state.db.begin().await?;
    credit::ensure_open(&txn, p.id, year).await?;
    if !course::record_completion(&txn, p.id, year, completed_on, "manual").await? {
        return Err(ApiError::Conflict {
            code: ErrorCode::AlreadyRecorded,
            detail: format!("{} 的 {year} 年度公需科目已登记", p.name),
        });
    }
    let e = audit::AuditEntry::by(actor, AuditAction::CourseCompletionRecord)
        .ip(Some(&ip))
        .target(AuditTarget::Person, p.id)
        .place(None, Some(p.unit_id))
        .detail(json!({"year": year, "completed_on": completed_on}));
    audit::append(&txn, &e).await?;
    let stored = course::list_for_person(&txn, p.id).await?.into_iter().find(|c| c.completion.year == year);
    txn.commit().await?;
    Ok(HttpResponse::Created().json(CompletionDto {
        person_id: p.id.0,
        year,
        completed_on,
        course_name: Some(course.name),
        deadline: Some(course.deadline),
        source: "manual".to_owned(),
        recorded_at: stored.map_or_else(Utc::now, |c| c.created_at),
    }))
}

/// A person's recorded completions, newest year first, with the course each
/// year names. Readers of the hierarchy see the people of their
/// jurisdiction; a trainee sees his own.
#[utoipa::path(
    tag = "courses",
    security(("bearer" = []), ("client" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = Vec<CompletionDto>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/people/{id}/course-completions")]
pub async fn list_completions(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<CompletionDto>>, ApiError> {
    let actor = &caller.0;
    let trainee_self = actor.role == Role::Trainee && actor.may(Operation::ReadSelf);
    if !trainee_self {
        caller.require(Operation::ReadHierarchy)?;
    }
    // A trainee's scope is himself: anyone else is 404.
    let p = person::get_scoped(&state.db, &state.pii, &actor.scope, PersonId(id.into_inner())).await?;
    let courses: HashMap<i32, MandatoryCourse> = standard::list_published(&state.db)
        .await?
        .into_iter()
        .filter_map(|s| s.mandatory_course.map(|c| (s.year, c)))
        .collect();
    let completions = course::list_for_person(&state.db, p.id).await?;
    let dto = |c: course::CompletionRecord| {
        let course = courses.get(&c.completion.year);
        CompletionDto::new(c, course)
    };
    Ok(web::Json(completions.into_iter().map(dto).collect()))
}

/// One import row as read, before any check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionLine {
    pub row: usize,
    pub id_number: String,
    pub year: String,
    pub completed_on: String,
}

/// The rows of an import: JSON `{rows}` (numbered from 1) or CSV with the
/// columns 身份证号, 年度, 完成日期 (a header line is recognised and
/// skipped; rows are file lines).
pub fn completion_lines(upload: Upload) -> Result<Vec<CompletionLine>, ApiError> {
    let lines: Vec<CompletionLine> = match upload {
        Upload::Json(bytes) => {
            let body: CompletionImportRequest = parse(&bytes)?;
            body.validate().map_err(|e| validation_problem(&e))?;
            body.rows
                .into_iter()
                .enumerate()
                .map(|(i, r)| CompletionLine {
                    row: i + 1,
                    id_number: r.id_number,
                    year: r.year.to_string(),
                    completed_on: r.completed_on,
                })
                .collect()
        }
        Upload::Table(records) => completions_from_records(records),
    };
    if lines.is_empty() {
        return Err(ApiError::field("rows", "文件中没有数据行"));
    }
    if lines.len() > MAX_ROWS {
        return Err(ApiError::field("rows", format!("最多 {MAX_ROWS} 行")));
    }
    Ok(lines)
}

/// The rows of an import read as a table (CSV, or a spreadsheet's rows):
/// columns 身份证号, 年度, 完成日期; a first row naming 身份证号 skipped.
pub fn completions_from_records(records: Vec<Record>) -> Vec<CompletionLine> {
    let mut records = records.into_iter().peekable();
    if records.peek().is_some_and(|r| r.fields.first().is_some_and(|f| f.contains("身份证"))) {
        records.next();
    }
    records
        .map(|r| {
            let field = |i: usize| r.fields.get(i).cloned().unwrap_or_default();
            CompletionLine { row: r.line, id_number: field(0), year: field(1), completed_on: field(2) }
        })
        .collect()
}

/// `2021-11-20`, `2021/11/20`, `2021.11.20` (month and day may drop the 0).
fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"].iter().find_map(|f| NaiveDate::parse_from_str(text, f).ok())
}

/// A row that passed every check.
struct ValidRow {
    person: PersonId,
    unit: cme_domain::ids::UnitId,
    year: i32,
    completed_on: NaiveDate,
}

/// Checks every row against the ID rules, the caller's jurisdiction, the
/// years' courses and deadlines, the file itself and what is stored.
async fn check_lines(
    db: &impl ConnectionTrait,
    state: &AppState,
    scope: &Scope,
    lines: &[CompletionLine],
) -> Result<(Vec<ValidRow>, Vec<ImportErrorDto>), ApiError> {
    let today = crate::clock::today();
    let numbers: Vec<Option<IdCardNumber>> =
        lines.iter().map(|l| IdCardNumber::parse(&l.id_number, today).ok()).collect();
    let valid_numbers: Vec<IdCardNumber> = numbers.iter().flatten().cloned().collect();
    let found = id_lookup::find_many(db, &state.pii, &valid_numbers, scope).await?;
    let mut courses: HashMap<i32, Result<MandatoryCourse, String>> = HashMap::new();
    let mut first_row: HashMap<(PersonId, i32), usize> = HashMap::new();
    let (mut valid, mut errors) = (Vec::new(), Vec::new());
    for (line, number) in lines.iter().zip(numbers) {
        let before = errors.len();
        let who = person_of(line, number.as_ref(), &found, today).map_err(|e| errors.push(e)).ok();
        let year = year_of(db, &mut courses, line).await?.map_err(|e| errors.push(e)).ok();
        let date = date_of(line, year.as_ref(), today, &mut errors);
        let (Some(who), Some((year, _)), Some(completed_on)) = (who, year, date) else { continue };
        if let Some(row) = first_row.get(&(who.id, year)) {
            errors.push(line_error(line.row, "id_number", format!("与第 {row} 行为同一人同一年度")));
            continue;
        }
        first_row.insert((who.id, year), line.row);
        if errors.len() > before {
            continue;
        }
        if let Some(e) = refused_by_store(db, line, who.id, year).await? {
            errors.push(e);
            continue;
        }
        valid.push(ValidRow { person: who.id, unit: who.unit_id, year, completed_on });
    }
    Ok((valid, errors))
}

/// A problem of an import row, its column named and labelled.
fn line_error(row: usize, column: &str, reason: String) -> ImportErrorDto {
    let label = match column {
        "id_number" => "身份证号",
        "year" => "年度",
        _ => "完成日期",
    };
    ImportErrorDto { row, column: column.to_owned(), column_label: label.to_owned(), reason }
}

/// The person a line names (its ID number parsed as `number`), if he is in
/// the caller's jurisdiction.
fn person_of(
    line: &CompletionLine,
    number: Option<&IdCardNumber>,
    found: &HashMap<String, id_lookup::Found>,
    today: NaiveDate,
) -> Result<id_lookup::Found, ImportErrorDto> {
    match number {
        None if line.id_number.trim().is_empty() => Err(line_error(line.row, "id_number", "请填写身份证号".to_owned())),
        None => {
            let why = IdCardNumber::parse(&line.id_number, today)
                .err()
                .map_or("身份证号无效", |e| id_number_reason(&e));
            Err(line_error(line.row, "id_number", why.to_owned()))
        }
        Some(n) => match found.get(n.as_str()) {
            Some(f) if f.in_scope => Ok(*f),
            _ => Err(line_error(line.row, "id_number", "查无此人或不在本辖区".to_owned())),
        },
    }
}

/// A line's year with its mandatory course (each year's read once into
/// `courses`).
async fn year_of(
    db: &impl ConnectionTrait,
    courses: &mut HashMap<i32, Result<MandatoryCourse, String>>,
    line: &CompletionLine,
) -> Result<Result<(i32, MandatoryCourse), ImportErrorDto>, ApiError> {
    let y = match line.year.trim().parse::<i32>() {
        Ok(y) if (2015..=2100).contains(&y) => y,
        _ => return Ok(Err(line_error(line.row, "year", "年度须为 2015 年及以后的四位数字".to_owned()))),
    };
    let course = match courses.entry(y) {
        Entry::Occupied(known) => known.into_mut(),
        Entry::Vacant(slot) => slot.insert(course_of(db, y).await?),
    };
    Ok(match course {
        Ok(course) => Ok((y, course.clone())),
        Err(m) => Err(line_error(line.row, "year", m.clone())),
    })
}

/// A line's completion date; a date after the course's deadline (or
/// otherwise out of its year) is reported but still read.
fn date_of(
    line: &CompletionLine,
    year: Option<&(i32, MandatoryCourse)>,
    today: NaiveDate,
    errors: &mut Vec<ImportErrorDto>,
) -> Option<NaiveDate> {
    let Some(d) = parse_date(&line.completed_on) else {
        errors.push(line_error(line.row, "completed_on", "完成日期须为 YYYY-MM-DD 格式的日期".to_owned()));
        return None;
    };
    if let Some((y, course)) = year
        && let Err(m) = check_date(course, *y, d, today)
    {
        errors.push(line_error(line.row, "completed_on", m));
    }
    Some(d)
}

/// Why what is stored refuses a line: the person-year's course already
/// recorded, or its verification submitted (locked).
async fn refused_by_store(
    db: &impl ConnectionTrait,
    line: &CompletionLine,
    person: PersonId,
    year: i32,
) -> Result<Option<ImportErrorDto>, ApiError> {
    if course::is_completed(db, person, year).await? {
        return Ok(Some(line_error(line.row, "year", format!("该人员 {year} 年度的公需科目已登记"))));
    }
    match credit::ensure_open(db, person, year).await {
        Err(StoreError::Locked { .. }) => {
            Ok(Some(line_error(line.row, "year", format!("{year} 年度的学分验证已上报，已锁定"))))
        }
        other => other.map(|()| None).map_err(Into::into),
    }
}

/// Import mandatory-course completions: JSON `{"rows": [{id_number, year,
/// completed_on}]}`, or a file with the columns 身份证号, 年度, 完成日期: CSV
/// (`text/csv`, UTF-8 or GBK) or an XLSX workbook (its first sheet), at most
/// 4 MiB, read within the upload budget.
///
/// Every row is checked (ID number and check digit, the person in the
/// caller's jurisdiction, a year whose standard names a course, the date
/// not after its deadline, duplicates in the file, already recorded, a
/// locked person-year) and every problem reported as (row, column,
/// reason). `mode=check` (default) writes nothing; `mode=all` writes only
/// when every row is valid; `mode=valid_only` writes the valid rows. Writes
/// are one transaction. The answer is 200 with the report in every mode:
/// `written` says what was recorded.
#[utoipa::path(
    tag = "courses",
    security(("bearer" = []), ("client" = [])),
    params(ImportQuery),
    request_body(
        description = "JSON, or a CSV or XLSX file with the columns 身份证号, 年度, 完成日期",
        content(
            (CompletionImportRequest = "application/json"),
            (inline(crate::dto::FileBytes) = "text/csv", example = "身份证号,年度,完成日期\n11010519491231002X,2021,2021-11-20\n"),
            (inline(crate::dto::FileBytes) = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        )
    ),
    responses(
        (status = 200, body = ImportReport),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/course-completions/import")]
pub async fn import_completions(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    query: web::Query<ImportQuery>,
    upload: Upload,
) -> Result<web::Json<ImportReport>, ApiError> {
    let actor = caller.require(Operation::RecordCourse)?;
    let mode = query.mode.unwrap_or(ImportMode::Check);
    let lines = completion_lines(upload)?;
    let report = |valid: usize, errors: Vec<ImportErrorDto>, written: usize| ImportReport {
        mode,
        rows: lines.len(),
        valid_rows: valid,
        errors,
        written,
    };
    if mode == ImportMode::Check {
        let (valid, errors) = check_lines(&state.db, &state, &actor.scope, &lines).await?;
        return Ok(web::Json(report(valid.len(), errors, 0)));
    }
    // Checked again inside the transaction that writes, so nothing slips in between.
    let txn = state.db.begin().await?;
    let (valid, errors) = check_lines(&txn, &state, &actor.scope, &lines).await?;
    let write = mode == ImportMode::ValidOnly || errors.is_empty();
    if !write || valid.is_empty() {
        return Ok(web::Json(report(valid.len(), errors, 0)));
    }
    let mut written = 0;
    for row in &valid {
        if course::record_completion(&txn, row.person, row.year, row.completed_on, "import").await? {
            written += 1;
        }
    }
    let units: std::collections::BTreeSet<Uuid> = valid.iter().map(|r| r.unit.0).collect();
    let place = if units.len() == 1 { units.first().copied().map(cme_domain::ids::UnitId) } else { None };
    let e = audit::AuditEntry::by(actor, AuditAction::CourseCompletionImport)
        .ip(Some(&client_ip(&req)))
        .detail(json!({"mode": mode.as_str(), "rows": lines.len(), "written": written,
            "people": valid.iter().map(|r| json!({"person_id": r.person, "year": r.year})).collect::<Vec<_>>()}));
    // An import within one unit is placed there; a wider one with the actor.
    let e = if place.is_some() { e.place(None, place) } else { e };
    audit::append(&txn, &e).await?;
    txn.commit().await?;
    Ok(web::Json(report(valid.len(), errors, written)))
}
