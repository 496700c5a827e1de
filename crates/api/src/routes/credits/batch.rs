//! Paper certificates by the pile (纸质学分批量录入): a department or a unit
//! types them into a grid, or imports a file made from the template, and
//! saves them all in one transaction or none.
//!
//! Every row is checked by the wizard's rules ([`super::entry::check_entry`], the
//! request's own `validate`, the person in the caller's jurisdiction and
//! owned by him, the certificate not entered twice, the person-year open),
//! and every problem is named `rows[i].field`, in Chinese. A dry run
//! (`dry_run=true`) answers as a save would, writing nothing: the grid asks
//! it while rows are typed.

use std::collections::{BTreeSet, HashMap};

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDate;
use cme_documents::table;
use cme_domain::IdCardNumber;
use cme_domain::audit::AuditAction;
use cme_domain::auth::{Actor, Object, Operation, Owner};
use cme_domain::credit::{CreditKind, CreditSource};
use cme_domain::ids::PersonId;
use cme_domain::person::Person;
use cme_domain::roster::id_number_reason;
use cme_store::StoreError;
use cme_store::repo::credit::{CreditEntry, NewCredit};
use cme_store::repo::{audit, compliance, credit, id_lookup, person};
use sea_orm::{ConnectionTrait, TransactionTrait as _};
use serde_json::json;
use validator::Validate as _;

use super::entry::{check_entry, entered, paper_credit, refuse_duplicate_certificate};
use crate::AppState;
use crate::attachment::{XLSX, attachment};
use crate::auth::{Caller, client_ip, may_act_on};
use crate::clock::today;
use crate::dto::credits::{
    CreditBatchCells, CreditBatchQuery, CreditBatchRequest, CreditBatchResult, CreditBatchRow, CreditDto,
    MAX_BATCH_ROWS,
};
use crate::error::{ApiError, FieldError, Problem};
use crate::extract::{ValidJson, field_errors, parse_value};
use crate::upload::{Record, Upload};

/// A column of the template and of an imported file: its field (as in
/// [`CreditBatchRow`], `category` for kind and source together), its header
/// and whether it is required.
struct Column {
    field: &'static str,
    label: &'static str,
    required: bool,
}

const COLUMNS: [Column; 9] = [
    Column { field: "id_number", label: "身份证号", required: true },
    Column { field: "name", label: "姓名", required: false },
    Column { field: "activity_name", label: "项目/活动名称", required: true },
    Column { field: "category", label: "学分类别", required: true },
    Column { field: "amount", label: "学分", required: true },
    Column { field: "earned_on", label: "获得日期", required: true },
    Column { field: "certificate_no", label: "证书编号", required: true },
    Column { field: "organiser", label: "主办单位", required: false },
    Column { field: "note", label: "备注", required: false },
];

/// The template's example row, in [`COLUMNS`]' order; an imported row equal
/// to it is refused.
const EXAMPLE: [&str; 9] = [
    "530102197001010012",
    "张三",
    "基层医疗机构合理用药培训班",
    "省级",
    "2.5",
    "2021-05-12",
    "YN2021-000123",
    "云南省卫生健康委",
    "",
];

/// The 学分类别 a cell may name, and what each is.
const CATEGORIES: [(&str, CreditKind, Option<CreditSource>); 6] = [
    ("国家级", CreditKind::Project, Some(CreditSource::National)),
    ("省级", CreditKind::Project, Some(CreditSource::Provincial)),
    ("远程I类", CreditKind::Project, Some(CreditSource::DistanceI)),
    ("州市级", CreditKind::Project, Some(CreditSource::Prefecture)),
    ("远程II类", CreditKind::Project, Some(CreditSource::DistanceIi)),
    ("自管学分", CreditKind::SelfManaged, None),
];

const NOTES: [&str; 8] = [
    "每行一张纸质学分证书；带 * 的列必填。第一个工作表的第一行为表头，请勿改动表头文字。",
    "身份证号：18 位，须为本单位（科室账号：本科室）在册人员；姓名可不填，填写时须与身份证号一致。",
    "学分类别：国家级、省级、远程I类（以上为I类学分），州市级、远程II类（II类学分），或 自管学分。",
    "学分：大于 0，最多一位小数，单项不超过 25 分。",
    "获得日期：证书上的日期，如 2021-05-12；学分计入该日期所在年度，不能晚于今天。",
    "证书编号：同一人的同一张证书不能重复录入。",
    "一次最多 2000 行；任何一行有误则整批不保存，错误按行列出。科室录入的学分为草稿，须上报单位审核。",
    "请删除示例行后再导入。",
];

/// One row of a batch: parsed, or the problems of its fields.
type Parsed = Result<CreditBatchRow, Vec<FieldError>>;

/// A row that passed every check, ready to write.
struct Valid {
    credit: NewCredit,
    unit: cme_domain::ids::UnitId,
}

/// Enter a batch of paper certificates (纸质学分批量录入).
///
/// Each row is a certificate for one person, named by `id_number` (in the
/// body, never in a URL) or `person_id`, with the wizard's fields; its year
/// is the certificate date's unless given. Every row is checked by the
/// wizard's rules (`POST /people/{id}/credits`), the person in the caller's
/// jurisdiction and his to enter (else the row says 查无此人或不在本辖区,
/// whether or not the person exists), the same certificate not twice in the
/// batch nor already live, the person-year not submitted. One bad row and
/// nothing is written: 422 whose `errors` name every failing `rows[i].field`.
/// Otherwise all rows are written in one transaction (201), each audited as
/// `credit.enter`: valid at once by a unit, drafts by a department.
/// `dry_run=true` checks the same way and writes nothing (200). At most
/// 2,000 rows and a body of 1 MiB (413 beyond); a larger pile is a file
/// (`/credits/batch/import`, 4 MiB).
#[utoipa::path(
    tag = "credits",
    security(("bearer" = [])),
    params(CreditBatchQuery),
    request_body = CreditBatchRequest,
    responses(
        (status = 200, description = "A dry run: every row passed", body = CreditBatchResult),
        (status = 201, description = "Every row written", body = CreditBatchResult),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/credits/batch")]
pub async fn enter_batch(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    query: web::Query<CreditBatchQuery>,
    body: ValidJson<CreditBatchRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::EnterCredits)?;
    let rows: Vec<Parsed> = body
        .0
        .rows
        .into_iter()
        .enumerate()
        .map(|(i, value)| parse_value::<CreditBatchRow>(value, &format!("rows[{i}]")))
        .collect();
    run(&state, &req, actor, rows, query.dry_run, None).await
}

/// The template for importing paper certificates (纸质学分导入模板): an XLSX
/// workbook with the headers (required ones starred), an example row, and
/// the notes with the list of 学分类别 on a second sheet.
#[utoipa::path(
    tag = "credits",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The template", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = inline(crate::dto::FileBytes)),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/credits/batch/template")]
pub async fn batch_template(caller: Caller) -> Result<HttpResponse, ApiError> {
    caller.require(Operation::EnterCredits)?;
    let headers: Vec<String> =
        COLUMNS.iter().map(|c| if c.required { format!("*{}", c.label) } else { c.label.to_owned() }).collect();
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let example = vec![EXAMPLE.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()];
    let mut notes: Vec<Vec<String>> = NOTES.iter().map(|n| vec![(*n).to_owned()]).collect();
    notes.push(Vec::new());
    notes.push(vec!["学分类别".to_owned()]);
    notes.extend(CATEGORIES.iter().map(|(label, ..)| vec![(*label).to_owned()]));
    let bytes = table::write_xlsx(&[
        table::Sheet { name: "纸质学分", headers: &headers, rows: &example },
        table::Sheet { name: "填写说明", headers: &["填写说明"], rows: &notes },
    ])
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(attachment(bytes, XLSX, "纸质学分导入模板.xlsx", "paper-credits-template.xlsx"))
}

/// Read a file of paper certificates into rows for the grid: the data rows
/// of an XLSX workbook (first sheet) or a CSV file (UTF-8 or GBK) made from
/// the template, each cell as text under its field. Nothing is checked
/// against the database and nothing is written; the grid checks the rows
/// with `POST /credits/batch?dry_run=true`. At most 4 MiB and 2,000 rows.
#[utoipa::path(
    tag = "credits",
    security(("bearer" = [])),
    request_body(
        description = "An XLSX or CSV file made from the template",
        content(
            (inline(crate::dto::FileBytes) = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (inline(crate::dto::FileBytes) = "text/csv")
        )
    ),
    responses(
        (status = 200, body = Vec<CreditBatchCells>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/credits/batch/read")]
pub async fn read_batch_file(caller: Caller, upload: Upload) -> Result<web::Json<Vec<CreditBatchCells>>, ApiError> {
    caller.require(Operation::EnterCredits)?;
    Ok(web::Json(file_cells(upload)?))
}

/// Import paper certificates from an XLSX or CSV file (UTF-8 or GBK) made
/// from the template: the same checks and the same answer as
/// `POST /credits/batch` (row `i` is the file's `i`-th data row, and each
/// message names the row as the sheet numbers it), all rows written in one
/// transaction or none. `dry_run=true` writes nothing. At most 4 MiB and
/// 2,000 rows.
#[utoipa::path(
    tag = "credits",
    security(("bearer" = [])),
    params(CreditBatchQuery),
    request_body(
        description = "An XLSX or CSV file made from the template",
        content(
            (inline(crate::dto::FileBytes) = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (inline(crate::dto::FileBytes) = "text/csv")
        )
    ),
    responses(
        (status = 200, description = "A dry run: every row passed", body = CreditBatchResult),
        (status = 201, description = "Every row written", body = CreditBatchResult),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/credits/batch/import")]
pub async fn import_batch(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    query: web::Query<CreditBatchQuery>,
    upload: Upload,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::EnterCredits)?;
    let cells = file_cells(upload)?;
    let lines: Vec<usize> = cells.iter().map(|c| c.row).collect();
    let rows: Vec<Parsed> = cells.iter().enumerate().map(|(i, c)| parse_cells(c, &format!("rows[{i}]"))).collect();
    run(&state, &req, actor, rows, query.dry_run, Some(&lines)).await
}

/// Checks the rows and, unless a dry run, writes them in one transaction
/// (checked again inside it, so that nothing slips in between). `lines`:
/// the sheet's row numbers of a file's rows, named in the messages.
async fn run(
    state: &AppState,
    req: &HttpRequest,
    actor: &Actor,
    rows: Vec<Parsed>,
    dry_run: bool,
    lines: Option<&[usize]>,
) -> Result<HttpResponse, ApiError> {
    let count = rows.len();
    if dry_run {
        let checked = check_rows(&state.db, state, actor, rows).await?;
        refuse_any_failed(checked, lines)?;
        return Ok(HttpResponse::Ok().json(CreditBatchResult { rows: count, saved: false, credits: Vec::new() }));
    }
    let txn = state.db.begin().await?;
    let valid = refuse_any_failed(check_rows(&txn, state, actor, rows).await?, lines)?;
    let credits: Vec<NewCredit> = valid.iter().map(|v| v.credit.clone()).collect();
    credit::insert_many(&txn, &credits).await?;
    let person_years: BTreeSet<(uuid::Uuid, i32)> =
        credits.iter().map(|c| (c.record.person_id.0, c.record.year)).collect();
    for (person, year) in person_years {
        compliance::refresh(&txn, PersonId(person), year).await?;
    }
    let ip = client_ip(req);
    let mut entries: Vec<audit::AuditEntry> =
        valid.iter().map(|v| entered(actor, &ip, &v.credit.record, v.unit)).collect();
    let units: BTreeSet<uuid::Uuid> = valid.iter().map(|v| v.unit.0).collect();
    let batch = audit::AuditEntry::by(actor, AuditAction::CreditEnterBatch)
        .ip(Some(&ip))
        .detail(json!({"rows": count, "source": if lines.is_some() { "file" } else { "grid" }}));
    // A batch within one unit is placed there; a wider one with the actor.
    entries.push(match units.first() {
        Some(unit) if units.len() == 1 => batch.place(None, Some(cme_domain::ids::UnitId(*unit))),
        _ => batch,
    });
    audit::append_many(&txn, &entries).await?;
    txn.commit().await?;
    let credits = valid
        .into_iter()
        .map(|v| {
            CreditDto::from(&CreditEntry {
                department_id: v.credit.department_id,
                created_by: v.credit.created_by,
                record: v.credit.record,
                report_id: None,
                decided_by: None,
                decision_reason: None,
                decided_at: None,
            })
        })
        .collect();
    Ok(HttpResponse::Created().json(CreditBatchResult { rows: count, saved: true, credits }))
}

/// Any failing row: 422 naming every failing row's fields (a file's rows
/// also by the sheet's numbering); else the valid rows.
fn refuse_any_failed(
    checked: Vec<Result<Valid, Vec<FieldError>>>,
    lines: Option<&[usize]>,
) -> Result<Vec<Valid>, ApiError> {
    let failed = checked.iter().filter(|c| c.is_err()).count();
    if failed == 0 {
        return Ok(checked.into_iter().flatten().collect());
    }
    let mut errors = Vec::new();
    for (i, row) in checked.into_iter().enumerate() {
        if let Err(row_errors) = row {
            let line = lines.and_then(|l| l.get(i));
            errors.extend(row_errors.into_iter().map(|e| match line {
                Some(line) => FieldError { message: format!("第 {line} 行：{}", e.message), field: e.field },
                None => e,
            }));
        }
    }
    Err(ApiError::Invalid { detail: format!("{failed} 行有误，整批未保存"), errors })
}

/// Checks every row: the wizard's rules, the person, duplicates within the
/// batch, and what is stored.
async fn check_rows(
    db: &impl ConnectionTrait,
    state: &AppState,
    actor: &Actor,
    rows: Vec<Parsed>,
) -> Result<Vec<Result<Valid, Vec<FieldError>>>, ApiError> {
    let today = today();
    let numbers: Vec<IdCardNumber> = rows
        .iter()
        .filter_map(|r| r.as_ref().ok()?.id_number.as_deref())
        .filter_map(|n| IdCardNumber::parse(n, today).ok())
        .collect();
    let found = id_lookup::find_many(db, &state.pii, &numbers, &actor.scope).await?;
    let mut first_row: HashMap<(PersonId, String), usize> = HashMap::new();
    let mut people: HashMap<PersonId, Result<Person, String>> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.into_iter().enumerate() {
        let prefix = format!("rows[{i}]");
        let row = match row {
            Ok(row) => row,
            Err(errors) => {
                out.push(Err(errors));
                continue;
            }
        };
        let mut errors = Vec::new();
        let entry = row.entry();
        if let Err(e) = entry.validate() {
            errors.extend(field_errors(&e, &prefix));
        }
        let checked_entry = check_entry(&entry).map_err(|e| errors.extend(under(&prefix, e))).ok();
        let who = match person_of(db, state, actor, &row, &found, &mut people, &prefix).await? {
            Ok(p) => Some(p),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let (Some(p), Some((category, certificate_no)), true) = (who, checked_entry, errors.is_empty()) else {
            out.push(Err(errors));
            continue;
        };
        let key = (p.id, certificate_no.clone());
        if let Some(first) = first_row.get(&key) {
            let message = format!("与本批第 {} 条为同一人的同一张证书", first + 1);
            out.push(Err(vec![FieldError { field: format!("{prefix}.certificate_no"), message }]));
            continue;
        }
        first_row.insert(key, i);
        if let Some(e) = refused_by_store(db, &p, &entry, &certificate_no, &prefix).await? {
            out.push(Err(vec![e]));
            continue;
        }
        let credit = paper_credit(actor, p.id, entry, category, certificate_no);
        out.push(Ok(Valid { credit, unit: p.unit_id }));
    }
    Ok(out)
}

/// The field errors of a wizard check, under a row's prefix.
fn under(prefix: &str, e: ApiError) -> Vec<FieldError> {
    match e {
        ApiError::Invalid { errors, .. } => errors
            .into_iter()
            .map(|f| FieldError { field: format!("{prefix}.{}", f.field), message: f.message })
            .collect(),
        other => vec![FieldError { field: prefix.to_owned(), message: other.to_string() }],
    }
}

/// The person a row names, in the caller's jurisdiction and his to enter
/// credits for; else one error, the same whether or not the person exists
/// elsewhere.
async fn person_of(
    db: &impl ConnectionTrait,
    state: &AppState,
    actor: &Actor,
    row: &CreditBatchRow,
    found: &HashMap<String, id_lookup::Found>,
    people: &mut HashMap<PersonId, Result<Person, String>>,
    prefix: &str,
) -> Result<Result<Person, FieldError>, ApiError> {
    let error =
        |field: &str, message: &str| FieldError { field: format!("{prefix}.{field}"), message: message.to_owned() };
    let (id, field) = match (row.person_id, row.id_number.as_deref().map(str::trim).filter(|n| !n.is_empty())) {
        (Some(id), _) => (PersonId(id), "person_id"),
        (None, None) => return Ok(Err(error("id_number", "请填写身份证号"))),
        (None, Some(text)) => match IdCardNumber::parse(text, today()) {
            Err(e) => return Ok(Err(error("id_number", id_number_reason(&e)))),
            Ok(n) => match found.get(n.as_str()) {
                Some(f) if f.in_scope => (f.id, "id_number"),
                _ => return Ok(Err(error("id_number", "查无此人或不在本辖区"))),
            },
        },
    };
    // A pile holds several certificates of one person: read and judge him once.
    let p = match people.get(&id) {
        Some(known) => known.clone(),
        None => {
            let judged = match person::get_scoped(db, &state.pii, &actor.scope, id).await {
                Ok(p) => {
                    let owner = Owner::of_person(p.unit_id, p.department_id);
                    match may_act_on(db, actor, Operation::EnterCredits, Object::owned_by(owner)).await {
                        Ok(()) => Ok(p),
                        Err(ApiError::Forbidden(why)) => Err(why),
                        Err(other) => return Err(other),
                    }
                }
                Err(StoreError::NotFound) => Err("查无此人或不在本辖区".to_owned()),
                Err(e) => return Err(e.into()),
            };
            people.insert(id, judged.clone());
            judged
        }
    };
    let p = match p {
        Ok(p) => p,
        Err(why) => return Ok(Err(error(field, &why))),
    };
    if let Some(name) = row.name.as_deref().map(str::trim).filter(|n| !n.is_empty())
        && name != p.name
    {
        return Ok(Err(error("name", "姓名与身份证号登记的人员不一致")));
    }
    Ok(Ok(p))
}

/// Why what is stored refuses a row: the certificate already live for the
/// person, or the person-year's verification submitted.
async fn refused_by_store(
    db: &impl ConnectionTrait,
    p: &Person,
    entry: &crate::dto::credits::CreditEntryRequest,
    certificate_no: &str,
    prefix: &str,
) -> Result<Option<FieldError>, ApiError> {
    match refuse_duplicate_certificate(db, p.id, certificate_no).await {
        Ok(()) => {}
        Err(ApiError::Conflict { detail, .. }) => {
            return Ok(Some(FieldError { field: format!("{prefix}.certificate_no"), message: detail }));
        }
        Err(e) => return Err(e),
    }
    match credit::ensure_open(db, p.id, entry.year).await {
        Ok(()) => Ok(None),
        Err(StoreError::Locked { .. }) => Ok(Some(FieldError {
            field: format!("{prefix}.year"),
            message: format!("{} 年度的学分验证已上报，已锁定", entry.year),
        })),
        Err(e) => Err(e.into()),
    }
}

/// A file's data rows as text cells under their fields: the header is the
/// first row (of the first ten) naming 身份证号, notes (`#`) and the
/// template's example are left out.
fn file_cells(upload: Upload) -> Result<Vec<CreditBatchCells>, ApiError> {
    let Upload::Table(records) = upload else {
        return Err(ApiError::UnsupportedMediaType(format!("请上传 XLSX（{XLSX}）或 CSV（text/csv）文件")));
    };
    let records: Vec<Record> =
        records.into_iter().filter(|r| !r.fields.first().is_some_and(|c| c.starts_with('#'))).collect();
    let at = records
        .iter()
        .take(10)
        .position(|r| r.fields.iter().any(|c| header_field(c) == Some("id_number")))
        .ok_or_else(|| ApiError::field("file", "找不到表头：请使用导入模板，表头须含“身份证号”"))?;
    let header = &records[at];
    let mut columns: HashMap<&'static str, usize> = HashMap::new();
    for (i, h) in header.fields.iter().enumerate() {
        if let Some(field) = header_field(h) {
            columns.entry(field).or_insert(i);
        }
    }
    let missing: Vec<&str> =
        COLUMNS.iter().filter(|c| c.required && !columns.contains_key(c.field)).map(|c| c.label).collect();
    if !missing.is_empty() {
        return Err(ApiError::field("file", format!("缺少必填列：{}", missing.join("、"))));
    }
    let data = &records[at + 1..];
    if data.len() > MAX_BATCH_ROWS {
        return Err(ApiError::field("file", format!("一次最多导入 {MAX_BATCH_ROWS} 行")));
    }
    let cells: Vec<CreditBatchCells> = data
        .iter()
        .map(|r| {
            let cell = |field: &str| columns.get(field).and_then(|i| r.fields.get(*i)).cloned().unwrap_or_default();
            CreditBatchCells {
                row: r.line,
                id_number: cell("id_number"),
                name: cell("name"),
                activity_name: cell("activity_name"),
                category: cell("category"),
                amount: cell("amount"),
                earned_on: cell("earned_on"),
                certificate_no: cell("certificate_no"),
                organiser: cell("organiser"),
                note: cell("note"),
            }
        })
        .filter(|c| !is_example(c))
        .collect();
    if cells.is_empty() {
        return Err(ApiError::field("file", "文件中没有数据行（示例行不计）"));
    }
    Ok(cells)
}

/// The field a header names (a leading `*` and spaces ignored).
fn header_field(text: &str) -> Option<&'static str> {
    let text: String = text.trim().trim_start_matches(['*', '＊']).chars().filter(|c| !c.is_whitespace()).collect();
    COLUMNS.iter().find(|c| c.label == text || c.field == text).map(|c| c.field)
}

/// Whether a row is the template's example, left in.
fn is_example(c: &CreditBatchCells) -> bool {
    c.id_number == EXAMPLE[0] && c.certificate_no == EXAMPLE[6]
}

/// A file's row parsed into a batch row, or the problems of its cells.
fn parse_cells(c: &CreditBatchCells, prefix: &str) -> Parsed {
    let mut errors = Vec::new();
    let mut error = |field: &str, message: String| {
        errors.push(FieldError { field: format!("{prefix}.{field}"), message });
    };
    let category = parse_category(&c.category);
    if category.is_none() {
        error(
            "category",
            if c.category.trim().is_empty() {
                "请填写学分类别".to_owned()
            } else {
                "学分类别须为 国家级、省级、远程I类、州市级、远程II类 或 自管学分".to_owned()
            },
        );
    }
    let amount = if c.amount.trim().is_empty() {
        error("amount", "请填写学分".to_owned());
        None
    } else {
        cme_domain::Credits::parse_single(c.amount.trim())
            .map_err(|e| error("amount", format!("学分{}", e.message())))
            .ok()
    };
    let earned_on = if c.earned_on.trim().is_empty() {
        error("earned_on", "请填写获得日期".to_owned());
        None
    } else {
        let d = parse_date(&c.earned_on);
        if d.is_none() {
            error("earned_on", "获得日期须为日期，如 2021-05-12".to_owned());
        }
        d
    };
    let (Some((kind, source)), Some(amount), Some(earned_on)) = (category, amount, earned_on) else {
        return Err(errors);
    };
    let text = |t: &str| Some(t.trim().to_owned()).filter(|t| !t.is_empty());
    Ok(CreditBatchRow {
        id_number: text(&c.id_number),
        person_id: None,
        name: text(&c.name),
        year: None,
        kind: kind.into(),
        source: source.map(Into::into),
        amount: crate::dto::RecordAmount(amount),
        activity_name: c.activity_name.trim().to_owned(),
        organiser: text(&c.organiser),
        earned_on,
        certificate_no: c.certificate_no.trim().to_owned(),
        note: text(&c.note),
    })
}

/// A 学分类别 as people write it: 省级, 省级 I类, 远程Ⅱ类, self_managed …
fn parse_category(text: &str) -> Option<(CreditKind, Option<CreditSource>)> {
    let t: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '·' | '・' | '-' | '（' | '）' | '(' | ')'))
        .collect::<String>()
        .replace('Ⅱ', "II")
        .replace(['Ⅰ', 'ｉ', 'Ｉ'], "I");
    if t.is_empty() {
        return None;
    }
    CATEGORIES.iter().find_map(|(label, kind, source)| {
        let wire = source.map_or("self_managed", CreditSource::as_str);
        let with_class = source.map(|s| format!("{label}{}", s.class().label()));
        let matches = t == *label
            || t.eq_ignore_ascii_case(wire)
            || with_class.as_deref() == Some(t.as_str())
            || (kind == &CreditKind::SelfManaged && (t == "自管" || t == "自管类"));
        matches.then_some((*kind, *source))
    })
}

/// `2021-05-12`, `2021/5/12`, `2021.5.12`, `2021年5月12日`.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"].iter().find_map(|f| NaiveDate::parse_from_str(t, f).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_categories_people_write() {
        assert_eq!(parse_category("省级"), Some((CreditKind::Project, Some(CreditSource::Provincial))));
        assert_eq!(parse_category("省级 I类"), Some((CreditKind::Project, Some(CreditSource::Provincial))));
        assert_eq!(parse_category("远程Ⅱ类"), Some((CreditKind::Project, Some(CreditSource::DistanceIi))));
        assert_eq!(parse_category("远程I类"), Some((CreditKind::Project, Some(CreditSource::DistanceI))));
        assert_eq!(parse_category("州市级II类"), Some((CreditKind::Project, Some(CreditSource::Prefecture))));
        assert_eq!(parse_category("自管学分"), Some((CreditKind::SelfManaged, None)));
        assert_eq!(parse_category("national"), Some((CreditKind::Project, Some(CreditSource::National))));
        assert_eq!(parse_category("县级"), None);
        assert_eq!(parse_category(""), None);
    }

    #[test]
    fn reads_dates() {
        let d = NaiveDate::from_ymd_opt(2021, 5, 12);
        for t in ["2021-05-12", "2021/5/12", "2021.5.12", "2021年5月12日"] {
            assert_eq!(parse_date(t), d, "{t}");
        }
        assert_eq!(parse_date("12/05/2021"), None);
    }

    #[test]
    fn a_row_of_text_names_every_bad_cell() {
        let c = CreditBatchCells {
            category: "县级".into(),
            amount: "2.55".into(),
            earned_on: "昨天".into(),
            ..Default::default()
        };
        let errors = parse_cells(&c, "rows[3]").err().unwrap_or_default();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["rows[3].category", "rows[3].amount", "rows[3].earned_on"]);
        assert!(errors.iter().all(|e| !e.message.is_ascii()));
    }

    #[test]
    fn headers_are_read_with_or_without_stars() {
        assert_eq!(header_field("*身份证号"), Some("id_number"));
        assert_eq!(header_field(" 学分类别 "), Some("category"));
        assert_eq!(header_field("项目/活动名称"), Some("activity_name"));
        assert_eq!(header_field("其他"), None);
    }
}
