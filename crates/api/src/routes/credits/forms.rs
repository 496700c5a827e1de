//! A person-year's registration form (学分登记表) as PDF or XLSX: the
//! person-year of [`super::person_year`] on paper. Rendering runs off the
//! actix workers.

use actix_web::{HttpResponse, get, web};
use chrono::Utc;
use cme_documents::{CreditLine, PersonInfo, RegistrationForm, Total};
use cme_domain::auth::{Operation, Scope};
use cme_domain::compliance::{NotCountedReason, Outcome};
use cme_domain::credit::{CreditClass, CreditSource};
use cme_domain::ids::{DepartmentId, PersonId, UnitId};
use cme_domain::org::UnitLevel;
use cme_domain::person::{Discipline, Gender, TitleLevel};
use cme_store::repo::{department, unit};
use uuid::Uuid;

use super::person_year::person_year;
use crate::AppState;
use crate::attachment::{XLSX, attachment};
use crate::auth::Caller;
use crate::dto::compliance::{AppliedStandard, BucketsDto};
use crate::dto::credits::{FormatQuery, PersonYearDto};
use crate::dto::org::PersonDto;
use crate::error::{ApiError, Problem};

fn label<T: Into<D> + Copy, D: LabelOf>(v: T) -> &'static str {
    v.into().label_of()
}

/// The Chinese label of a domain enum.
trait LabelOf {
    fn label_of(self) -> &'static str;
}

macro_rules! label_of {
    ($($t:ty),*) => {$(impl LabelOf for $t { fn label_of(self) -> &'static str { self.label() } })*};
}
label_of!(Discipline, TitleLevel, UnitLevel, CreditSource, Gender, Outcome, NotCountedReason);
label_of!(cme_domain::credit::EntryPath, cme_domain::credit::CreditState, CreditClass);

/// The form's content from the person-year the compliance page shows.
async fn form_of(state: &AppState, y: &PersonYearDto) -> Result<RegistrationForm, ApiError> {
    let person = person_info(state, &y.person).await?;
    let standard = match &y.standard {
        Some(s) => standard_line(s),
        None => y.undetermined_reason.clone().unwrap_or_else(|| "无适用标准".to_owned()),
    };
    let mut shortfalls: Vec<String> = y.shortfalls.iter().map(|s| s.message.clone()).collect();
    if let Some(why) = &y.undetermined_reason {
        shortfalls.push(format!("无法判定：{why}"));
    }
    Ok(RegistrationForm {
        title: format!("{}年度继续医学教育学分登记表", y.year),
        person,
        standard,
        credits: y.credits.iter().map(credit_line).collect(),
        totals: y.buckets.as_ref().map_or_else(Vec::new, totals),
        compliant: y.outcome == crate::dto::Outcome::Compliant,
        shortfalls,
        generated_at: cme_domain::time::fmt_local(Utc::now()),
    })
}

/// The person's block of the form, with the names of his unit and department.
async fn person_info(state: &AppState, p: &PersonDto) -> Result<PersonInfo, ApiError> {
    let unit = unit::get(&state.db, UnitId(p.unit_id)).await?;
    let department = match p.department_id {
        Some(d) => department::get(&state.db, DepartmentId(d)).await?.name,
        None => String::new(),
    };
    Ok(PersonInfo {
        name: p.name.clone(),
        gender: label::<_, Gender>(p.gender).to_owned(),
        id_number: p.id_number_masked.clone(),
        unit: unit.unit.name,
        department,
        discipline: label::<_, Discipline>(p.discipline).to_owned(),
        title: p.title.as_ref().map(|t| t.name.clone()).unwrap_or_default(),
        title_level: p.title.as_ref().map(|t| label::<_, TitleLevel>(t.level).to_owned()).unwrap_or_default(),
        unit_level: unit.unit.level.label().to_owned(),
    })
}

/// The standard applied, in one line: its row and its minimums.
fn standard_line(s: &AppliedStandard) -> String {
    let r = &s.requirement;
    let mut parts = vec![format!("年度总学分不少于 {} 分", r.total.0)];
    if let Some(i) = r.i_subtotal_min {
        parts.push(format!("I类不少于 {} 分", i.0));
    }
    if let Some(ii) = r.ii_subtotal_min {
        parts.push(format!("II类不少于 {} 分", ii.0));
    }
    if let Some(own) = r.self_managed_min {
        parts.push(format!("自管学分不少于 {} 分", own.0));
    }
    let title = s.title_level.map_or("不限职称", |t| label::<_, TitleLevel>(t));
    format!(
        "{}（{}，{}）：{}",
        label::<_, UnitLevel>(s.unit_level),
        title,
        label::<_, Discipline>(s.discipline),
        parts.join("，")
    )
}

/// One record of the form, with where it counted.
fn credit_line(c: &crate::dto::credits::CreditLine) -> CreditLine {
    let d = &c.credit;
    let category = d.class.map_or("自管", |c| label::<_, CreditClass>(c));
    let mut counted = Vec::new();
    for (name, amount) in [("I类", c.counted_i.0), ("II类", c.counted_ii.0), ("自管", c.counted_self_managed.0)] {
        if !amount.is_zero() {
            counted.push(format!("{name} {amount}"));
        }
    }
    if !c.not_counted.0.is_zero() {
        let why = c.not_counted_reason.map_or("未计入", |r| label::<_, NotCountedReason>(r));
        counted.push(format!("未计入 {}：{why}", c.not_counted.0));
    }
    CreditLine {
        date: d.earned_on.map(|x| x.to_string()).unwrap_or_default(),
        activity: d.activity_name.clone(),
        organiser: d.organiser.clone().unwrap_or_default(),
        category: category.to_owned(),
        source_level: d.source.map_or("—", |s| label::<_, CreditSource>(s)).to_owned(),
        tenths: i64::from(d.amount.0.tenths()),
        certificate_no: d.certificate_no.clone().unwrap_or_default(),
        entry_method: label::<_, cme_domain::credit::EntryPath>(d.entry_path).to_owned(),
        status: label::<_, cme_domain::credit::CreditState>(d.state).to_owned(),
        counted: counted.join("；"),
    }
}

/// The counted buckets' totals.
fn totals(b: &BucketsDto) -> Vec<Total> {
    vec![
        Total { label: "I类（国家级+省级）".to_owned(), tenths: i64::from(b.i_national_provincial.0.tenths()) },
        Total { label: "I类（远程，计入部分）".to_owned(), tenths: i64::from(b.i_distance.0.tenths()) },
        Total { label: "I类合计".to_owned(), tenths: i64::from(b.i_subtotal.0.tenths()) },
        Total { label: "II类合计（含I类超出部分）".to_owned(), tenths: i64::from(b.ii_subtotal.0.tenths()) },
        Total { label: "自管学分".to_owned(), tenths: i64::from(b.self_managed.0.tenths()) },
        Total { label: "总学分".to_owned(), tenths: i64::from(b.total.0.tenths()) },
    ]
}

async fn render_form(state: &AppState, y: PersonYearDto, format: Option<&str>) -> Result<HttpResponse, ApiError> {
    let form = form_of(state, &y).await?;
    let base = format!("{}-{}年度学分登记表", y.person.name, y.year);
    let ascii = format!("registration-form-{}.", y.year);
    match format.unwrap_or("pdf") {
        "pdf" => {
            let fonts = state
                .fonts
                .clone()
                .ok_or_else(|| ApiError::Internal("the document fonts are not installed".to_owned()))?;
            let bytes = web::block(move || cme_documents::registration_form_pdf(&fonts, &form))
                .await
                .map_err(|e| ApiError::Internal(e.to_string()))?
                .map_err(ApiError::from)?;
            Ok(attachment(bytes, "application/pdf", &format!("{base}.pdf"), &format!("{ascii}pdf")))
        }
        "xlsx" => {
            let bytes = web::block(move || cme_documents::registration_form_xlsx(&form))
                .await
                .map_err(|e| ApiError::Internal(e.to_string()))?
                .map_err(ApiError::from)?;
            Ok(attachment(bytes, XLSX, &format!("{base}.xlsx"), &format!("{ascii}xlsx")))
        }
        other => Err(ApiError::field("format", format!("未知的格式: {other}（pdf 或 xlsx）"))),
    }
}

/// A person's registration form (学分登记表) for a year: every credit with
/// where it counted, the totals and the verdict; A4 PDF in Chinese, or XLSX.
/// A name with a character the document font lacks is refused (422) rather
/// than printed as an empty box.
#[utoipa::path(
    tag = "documents",
    security(("bearer" = []), ("client" = [])),
    params(("id" = Uuid, Path), ("year" = i32, Path), FormatQuery),
    responses(
        (status = 200, description = "The form: application/pdf, or XLSX with `format=xlsx`", content(
            (inline(crate::dto::FileBytes) = "application/pdf"),
            (inline(crate::dto::FileBytes) = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/people/{id}/registration-form/{year}")]
pub async fn registration_form(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(Uuid, i32)>,
    query: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::ReadHierarchy)?;
    let (id, year) = path.into_inner();
    let y = person_year(&state, &actor.scope, PersonId(id), year).await?;
    render_form(&state, y, query.format.as_deref()).await
}

/// The trainee's own registration form for a year (PDF or XLSX).
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    params(("year" = i32, Path), FormatQuery),
    responses(
        (status = 200, description = "The form: application/pdf, or XLSX with `format=xlsx`", content(
            (inline(crate::dto::FileBytes) = "application/pdf"),
            (inline(crate::dto::FileBytes) = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such year", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown `format`, or a name the document fonts cannot print", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/registration-form/{year}")]
pub async fn my_registration_form(
    state: web::Data<AppState>,
    caller: Caller,
    year: web::Path<i32>,
    query: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Operation::ReadSelf)?;
    let Scope::Person(_, person) = actor.scope else {
        return Err(ApiError::Forbidden("仅学员本人可下载".to_owned()));
    };
    let y = person_year(&state, &actor.scope, person, year.into_inner()).await?;
    render_form(&state, y, query.format.as_deref()).await
}
