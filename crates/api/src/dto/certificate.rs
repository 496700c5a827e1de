//! Certificates and what follows them: seals, certificates and their
//! printing, public verification, spot checks and on-site inspections,
//! title corrections.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::Outcome;
use super::TitleLevel;
use super::verification::Tier;

wire_enum!(
    /// 证书状态: valid 有效, superseded 已被更正后的新版本取代, revoked 已撤销, held 暂停使用（单位复验中）.
    CertificateStatus => cme_domain::certificate::status::CertificateStatus {
        Valid = "valid", Superseded = "superseded", Revoked = "revoked", Held = "held",
    }
);
wire_enum!(
    /// 抽验方式: sample 抽验 (records finalised below the office, stratified by unit),
    /// on_site 现场抽验 (the province draws institutions).
    SpotCheckKind => cme_domain::spot_check::SpotCheckKind { Sample = "sample", OnSite = "on_site" }
);
wire_enum!(
    /// 抽验结果: pending 待检查, pass 合格, fail 不合格.
    ItemResult => cme_domain::spot_check::ItemResult { Pending = "pending", Pass = "pass", Fail = "fail" }
);
wire_enum!(
    /// 单位抽验结论: passed 通过, sent_back 合格率低于95%，退回单位重新验证.
    InstitutionOutcome => cme_domain::spot_check::InstitutionOutcome { Passed = "passed", SentBack = "sent_back" }
);
wire_enum!(
    /// 职称更正状态: in_review 审核中, approved 已批准, rejected 已驳回.
    CorrectionState => cme_domain::title_correction::CorrectionState {
        InReview = "in_review", Approved = "approved", Rejected = "rejected",
    }
);
wire_enum!(
    /// 职称更正操作: request 提出申请, approve 审核通过, reject 驳回.
    CorrectionEvent => cme_domain::title_correction::CorrectionEvent {
        Request = "request", Approve = "approve", Reject = "reject",
    }
);

/// An office's seal (电子印章) in use.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SealDto {
    pub id: Uuid,
    /// The office it belongs to.
    pub office: Tier,
    pub region_id: Uuid,
    /// Pixels of the processed image (white background removed).
    pub width: i32,
    pub height: i32,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
    /// `GET` this for the processed PNG (a preview).
    pub image_url: String,
}

impl From<&cme_store::repo::certificate::Seal> for SealDto {
    fn from(s: &cme_store::repo::certificate::Seal) -> Self {
        SealDto {
            id: s.id,
            office: s.office.into(),
            region_id: s.region_id.0,
            width: s.width,
            height: s.height,
            uploaded_by: s.uploaded_by.clone(),
            uploaded_at: s.uploaded_at,
            image_url: format!("/api/v1/seals/{}/image", s.id),
        }
    }
}

/// The caller's office and its seal, if any: without one, its certificates
/// print with the seal area marked 须加盖印章.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OfficeSealDto {
    pub office: Tier,
    pub region_id: Uuid,
    /// The committee its certificates name as issuer.
    pub issuer: String,
    pub seal: Option<SealDto>,
}

/// One version of a certificate (学分验证合格证书), as issued.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CertificateDto {
    pub id: Uuid,
    pub verification_id: Uuid,
    pub person_id: Uuid,
    pub unit_id: Uuid,
    pub year: i32,
    /// e.g. `2021-530000-000123`; the same for every version.
    pub number: String,
    /// 1 when first issued; a reissue (title correction) adds one.
    pub version: i32,
    pub name: String,
    pub gender: String,
    /// Masked (e.g. `530102********123X`).
    pub id_number: String,
    pub unit_name: String,
    /// 科室 as printed; absent for a person without one.
    pub department_name: Option<String>,
    pub title: String,
    /// Credits in tenths: class I, class II, self-managed, total.
    pub class1_tenths: i32,
    pub class2_tenths: i32,
    pub self_managed_tenths: i32,
    pub total_tenths: i32,
    /// 合格, or 视为合格 (with the special-list reason for special personnel).
    pub verdict: String,
    /// How the year was verified: electronic, or paper (纸质验证).
    pub path: super::verification::VerificationPath,
    /// 电子验证 or 纸质验证.
    pub path_label: String,
    pub issuer: String,
    pub issued_by_office: Tier,
    /// Printed with the office's seal (false: 须加盖印章).
    pub sealed: bool,
    /// The short code printed for a lookup by number.
    pub check_code: String,
    /// The public verification link its QR code carries.
    pub verify_url: String,
    pub issued_by: String,
    pub issued_at: DateTime<Utc>,
    pub status: CertificateStatus,
    pub status_label: String,
    pub superseded_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<String>,
    pub revoke_reason: Option<String>,
    pub row_version: i32,
}

/// The public verification page of a certificate: always under the
/// configured public URL (`CME_PUBLIC_URL`), never the request's Host.
pub fn verify_url(public_url: &str, token: &str) -> String {
    format!("{public_url}/v/{token}")
}

/// The public page where a certificate's number and check code are typed,
/// as a certificate prints it under its QR code: under the configured public
/// URL, without `https://` (a browser adds it; fewer characters to type).
pub fn verify_page(public_url: &str) -> String {
    let page = format!("{}/verify", public_url.trim_end_matches('/'));
    page.strip_prefix("https://").map_or_else(|| page.clone(), str::to_owned)
}

impl CertificateDto {
    /// A stored version, its verification link under `public_url`.
    pub fn new(c: &cme_store::repo::certificate::Certificate, public_url: &str) -> Self {
        let status = c.status();
        CertificateDto {
            id: c.id,
            verification_id: c.verification_id,
            person_id: c.person_id.0,
            unit_id: c.unit_id.0,
            year: c.year,
            number: c.number.clone(),
            version: c.version,
            name: c.name.clone(),
            gender: c.gender.clone(),
            id_number: c.id_masked.clone(),
            unit_name: c.unit_name.clone(),
            department_name: c.department_name.clone(),
            title: c.title_name.clone(),
            class1_tenths: c.class1_tenths,
            class2_tenths: c.class2_tenths,
            self_managed_tenths: c.self_managed_tenths,
            total_tenths: c.total_tenths,
            verdict: c.verdict.clone(),
            path: c.path.into(),
            path_label: c.path.label().to_owned(),
            issuer: c.issuer.clone(),
            issued_by_office: c.issued_by_office.into(),
            sealed: c.seal_id.is_some(),
            check_code: c.check_code.clone(),
            verify_url: verify_url(public_url, &c.qr_token),
            issued_by: c.issued_by.clone(),
            issued_at: c.issued_at,
            status: status.into(),
            status_label: status.label().to_owned(),
            superseded_at: c.superseded_at,
            revoked_at: c.revoked_at,
            revoked_by: c.revoked_by.clone(),
            revoke_reason: c.revoke_reason.clone(),
            row_version: c.row_version,
        }
    }
}

/// Which certificates to list. An ID number is never taken in a URL: look
/// one up with `POST /certificates/search`.
#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct CertificateQuery {
    pub year: i32,
    /// A unit's department (a department sees only its own).
    pub department_id: Option<Uuid>,
    /// A unit (offices only).
    pub unit_id: Option<Uuid>,
    /// Part of a name.
    pub name: Option<String>,
    /// 1–500, default 50.
    pub limit: Option<u64>,
    /// The `next` cursor of the previous page.
    pub after: Option<String>,
}

/// Which certificates to find: the filters of `GET /certificates`, and a
/// full ID number, which travels in the body so that it reaches no URL and
/// no log.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CertificateSearch {
    pub year: i32,
    /// A unit's department (a department sees only its own).
    pub department_id: Option<Uuid>,
    /// A unit (offices only).
    pub unit_id: Option<Uuid>,
    /// Part of a name.
    #[validate(length(max = 50))]
    pub name: Option<String>,
    /// A full ID number.
    #[validate(length(max = 32))]
    pub id_number: Option<String>,
    /// 1–500, default 50.
    pub limit: Option<u64>,
    /// The `next` cursor of the previous page.
    pub after: Option<String>,
}

impl From<CertificateQuery> for CertificateSearch {
    fn from(q: CertificateQuery) -> Self {
        CertificateSearch {
            year: q.year,
            department_id: q.department_id,
            unit_id: q.unit_id,
            name: q.name,
            id_number: None,
            limit: q.limit,
            after: q.after,
        }
    }
}

/// A page of certificates.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CertificatePage {
    pub items: Vec<CertificateDto>,
    pub next: Option<String>,
}

/// A batch to print as one PDF: a year, then a department or chosen people
/// (or everyone of the unit), or one person by name or ID number.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
pub struct PrintRequest {
    #[validate(range(min = 2015, max = 2100))]
    pub year: i32,
    pub department_id: Option<Uuid>,
    pub unit_id: Option<Uuid>,
    /// Chosen people (at most 5,000).
    #[validate(length(max = 5000))]
    pub person_ids: Option<Vec<Uuid>>,
    pub name: Option<String>,
    pub id_number: Option<String>,
}

/// A revocation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
pub struct RevokeRequest {
    /// The version as seen (`row_version`).
    pub row_version: i32,
    #[validate(length(min = 2, max = 500, message = "请填写撤销原因（2–500 字）"))]
    pub reason: String,
}

/// Years of a multi-year proof.
#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct ProofQuery {
    /// Comma-separated years, at most 5 (e.g. `2019,2020,2021`).
    pub years: String,
}

/// A public lookup by number and printed check code.
#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct PublicLookupQuery {
    pub number: String,
    pub code: String,
}

/// What the public may know of a certificate.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PublicCertificateDto {
    /// Issued by this system (a forged number or code is 404).
    pub genuine: bool,
    pub number: String,
    pub version: i32,
    pub year: i32,
    /// Masked (张*明).
    pub name: String,
    /// Masked.
    pub id_number: String,
    pub unit_name: String,
    pub title: String,
    pub total_tenths: i32,
    pub verdict: String,
    /// How the year was verified: electronic, or paper (纸质验证).
    pub path: super::verification::VerificationPath,
    /// 电子验证 or 纸质验证.
    pub path_label: String,
    pub issuer: String,
    pub issued_at: DateTime<Utc>,
    pub status: CertificateStatus,
    /// In Chinese, e.g. 有效.
    pub status_label: String,
    /// Superseded: the version that replaced it.
    pub current_version: Option<i32>,
    pub revoke_reason: Option<String>,
}

impl PublicCertificateDto {
    /// A genuine certificate as the public sees it (name masked); a
    /// superseded one names the `current_version`.
    pub fn new(c: &cme_store::repo::certificate::Certificate, current_version: Option<i32>) -> Self {
        let status = c.status();
        PublicCertificateDto {
            genuine: true,
            number: c.number.clone(),
            version: c.version,
            year: c.year,
            name: cme_domain::certificate::snapshot::mask_name(&c.name),
            id_number: c.id_masked.clone(),
            unit_name: c.unit_name.clone(),
            title: c.title_name.clone(),
            total_tenths: c.total_tenths,
            verdict: c.verdict.clone(),
            path: c.path.into(),
            path_label: c.path.label().to_owned(),
            issuer: c.issuer.clone(),
            issued_at: c.issued_at,
            status: status.into(),
            status_label: status.label().to_owned(),
            current_version,
            revoke_reason: c.revoke_reason.clone(),
        }
    }
}

/// Draw a spot check or an on-site inspection.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
pub struct DrawRequest {
    pub kind: SpotCheckKind,
    #[validate(range(min = 2000, max = 2100))]
    pub year: i32,
    /// Share of each institution's finalised records, per mille (1–1000).
    #[validate(range(min = 1, max = 1000, message = "抽样比例须在 1‰ 至 1000‰ 之间"))]
    pub rate_permille: u32,
    /// At least this many of each institution (0–1000).
    #[validate(range(max = 1000))]
    #[serde(default)]
    pub per_unit_min: u32,
    /// On-site: institutions to draw (1–500).
    #[validate(range(min = 1, max = 500, message = "抽取单位数须在 1 至 500 之间"))]
    pub institutions: Option<u32>,
    /// On-site: re-inspect this institution instead of drawing.
    pub unit_id: Option<Uuid>,
    /// A seed to reproduce a draw; a fresh random one when absent.
    pub seed: Option<u64>,
    #[validate(length(max = 500))]
    pub note: Option<String>,
}

/// One institution of a check.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CheckUnitDto {
    pub unit_id: Uuid,
    pub unit_name: String,
    /// Its finalised records (the stratum).
    pub finalised: u32,
    pub sampled: u32,
    pub passed: Option<u32>,
    pub failed: Option<u32>,
    /// Per mille, once closed.
    pub pass_permille: Option<u32>,
    pub outcome: Option<InstitutionOutcome>,
}

/// One sampled person.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CheckItemDto {
    pub id: Uuid,
    pub verification_id: Uuid,
    pub unit_id: Uuid,
    pub person_id: Uuid,
    pub name: String,
    pub id_number: String,
    pub result: ItemResult,
    pub note: Option<String>,
    pub recorded_by: Option<String>,
    pub recorded_at: Option<DateTime<Utc>>,
}

/// A check with its institutions and sample.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CheckDto {
    pub id: Uuid,
    pub kind: SpotCheckKind,
    pub year: i32,
    pub office: Tier,
    /// The seed: the same seed over the same records draws the same sample.
    /// A string, as it may exceed what JavaScript numbers hold.
    pub seed: String,
    pub rate_permille: u32,
    pub per_unit_min: u32,
    pub institutions: Option<u32>,
    pub only_unit_id: Option<Uuid>,
    /// Finalised records it was drawn from.
    pub candidates: u32,
    pub closed: bool,
    pub note: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub closed_by: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub row_version: i32,
    pub units: Vec<CheckUnitDto>,
    pub items: Vec<CheckItemDto>,
    /// Whether the caller's office drew it, and so records its results and
    /// closes it (another office that sees it only reads it).
    pub owned: bool,
}

impl CheckDto {
    /// A stored check; `owned`: the caller's office drew it.
    pub fn new(c: &cme_store::repo::spot_check::Check, owned: bool) -> Self {
        CheckDto {
            owned,
            id: c.id,
            kind: c.kind.into(),
            year: c.year,
            office: c.office.into(),
            seed: c.seed.to_string(),
            rate_permille: c.rate_permille,
            per_unit_min: c.per_unit_min,
            institutions: c.institutions,
            only_unit_id: c.only_unit.map(|u| u.0),
            candidates: c.candidates,
            closed: c.closed,
            note: c.note.clone(),
            created_by: c.created_by.clone(),
            created_at: c.created_at,
            closed_by: c.closed_by.clone(),
            closed_at: c.closed_at,
            row_version: c.row_version,
            units: c
                .units
                .iter()
                .map(|u| CheckUnitDto {
                    unit_id: u.unit_id.0,
                    unit_name: u.unit_name.clone(),
                    finalised: u.finalised,
                    sampled: u.sampled,
                    passed: u.passed,
                    failed: u.failed,
                    pass_permille: u.pass_permille,
                    outcome: u.outcome.map(Into::into),
                })
                .collect(),
            items: c
                .items
                .iter()
                .map(|i| CheckItemDto {
                    id: i.id,
                    verification_id: i.verification_id,
                    unit_id: i.unit_id.0,
                    person_id: i.person_id.0,
                    name: i.name.clone(),
                    id_number: i.id_masked.clone(),
                    result: i.result.into(),
                    note: i.note.clone(),
                    recorded_by: i.recorded_by.clone(),
                    recorded_at: i.recorded_at,
                })
                .collect(),
        }
    }
}

/// A check's headline.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CheckSummaryDto {
    pub id: Uuid,
    pub kind: SpotCheckKind,
    pub year: i32,
    pub office: Tier,
    pub seed: String,
    pub candidates: u32,
    pub closed: bool,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl From<cme_store::repo::spot_check::CheckSummary> for CheckSummaryDto {
    fn from(c: cme_store::repo::spot_check::CheckSummary) -> Self {
        CheckSummaryDto {
            id: c.id,
            kind: c.kind.into(),
            year: c.year,
            office: c.office.into(),
            seed: c.seed.to_string(),
            candidates: c.candidates,
            closed: c.closed,
            created_by: c.created_by,
            created_at: c.created_at,
        }
    }
}

/// Checks of a year.
#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct CheckListQuery {
    pub year: Option<i32>,
}

/// One result.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
pub struct ResultInput {
    pub item_id: Uuid,
    pub result: ItemResult,
    /// Required for `fail`.
    #[validate(length(max = 500))]
    pub note: Option<String>,
}

/// Results to record, all or nothing.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
pub struct ResultsRequest {
    #[validate(length(min = 1, max = 5000), nested)]
    pub results: Vec<ResultInput>,
}

/// Close a check as seen.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
pub struct CloseRequest {
    pub row_version: i32,
}

/// What closing did.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CloseResult {
    pub check: CheckDto,
    /// Institutions sent back, with the records re-verified.
    pub sent_back: Vec<SentBackDto>,
    /// Institutions whose hold was released.
    pub released: Vec<Uuid>,
}

/// An institution sent back.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SentBackDto {
    pub unit_id: Uuid,
    pub records: u64,
}

/// A title correction request.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
pub struct CorrectionRequest {
    /// The person (a unit applying for its staff; a trainee applies for himself).
    pub person_id: Option<Uuid>,
    #[validate(range(min = 2015, max = 2100))]
    pub year: i32,
    /// The title actually held (e.g. 主治医师).
    #[validate(length(min = 1, max = 50))]
    pub new_title: String,
    /// Its level, when the title is not in the catalogue.
    pub new_level: Option<TitleLevel>,
    /// When it was obtained.
    pub obtained_on: NaiveDate,
    #[validate(length(min = 2, max = 1000, message = "请说明更正理由（2–1000 字）"))]
    pub reason: String,
    /// Uploaded supporting documents (`POST /evidence`), at least one.
    #[validate(length(min = 1, max = 10, message = "请上传证明材料（1–10 份）"))]
    pub evidence_ids: Vec<Uuid>,
}

/// What the engine says of a year under another title.
#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct CorrectionPreviewQuery {
    pub person_id: Option<Uuid>,
    pub year: i32,
    pub new_title: String,
    pub new_level: Option<TitleLevel>,
}

/// The engine's verdict under the new title.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CorrectionPreviewDto {
    pub year: i32,
    pub new_level: TitleLevel,
    pub outcome: Outcome,
    /// Whether a correction would be allowed.
    pub allowed: bool,
    /// What would be missing (不达标原因).
    pub shortfalls: Vec<String>,
}

/// One log line of a correction.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CorrectionLogDto {
    pub seq: i32,
    pub event: CorrectionEvent,
    pub from: Option<CorrectionState>,
    pub to: CorrectionState,
    pub actor_tier: Tier,
    pub actor_name: String,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// A title correction with its chain and log.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CorrectionDto {
    pub id: Uuid,
    pub person_id: Uuid,
    pub person_name: String,
    pub year: i32,
    pub unit_id: Uuid,
    pub certificate_id: Option<Uuid>,
    pub old_title: String,
    pub new_title: String,
    pub new_level: TitleLevel,
    pub obtained_on: NaiveDate,
    pub reason: String,
    /// The engine's verdict under the new title when requested.
    pub outcome_preview: Outcome,
    pub state: CorrectionState,
    /// Who reviews, in order; the last (the province) decides.
    pub chain: Vec<Tier>,
    /// The tier it waits on.
    pub waiting_on: Option<Tier>,
    pub new_certificate_id: Option<Uuid>,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub row_version: i32,
    pub evidence_ids: Vec<Uuid>,
    pub log: Vec<CorrectionLogDto>,
}

/// Which corrections to list.
#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct CorrectionListQuery {
    /// Only those waiting on the caller's tier.
    pub waiting: Option<bool>,
}

/// A decision on a correction.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
pub struct CorrectionDecision {
    pub row_version: i32,
    /// `approve` or `reject`.
    pub decision: CorrectionEvent,
    #[validate(length(max = 500))]
    pub reason: Option<String>,
}

impl From<&cme_store::repo::title_correction::Correction> for CorrectionDto {
    fn from(c: &cme_store::repo::title_correction::Correction) -> Self {
        Self {
            id: c.id,
            person_id: c.person_id.0,
            person_name: c.person_name.clone(),
            year: c.year,
            unit_id: c.unit_id.0,
            certificate_id: c.certificate_id,
            old_title: c.old_title.clone(),
            new_title: c.new_title.clone(),
            new_level: c.new_level.into(),
            obtained_on: c.obtained_on,
            reason: c.reason.clone(),
            outcome_preview: c.outcome_preview.into(),
            state: c.state.into(),
            chain: c.chain().into_iter().map(Into::into).collect(),
            waiting_on: c.current_tier.map(Into::into),
            new_certificate_id: c.new_certificate_id,
            requested_by: c.requested_by.clone(),
            requested_at: c.requested_at,
            row_version: c.row_version,
            evidence_ids: c.evidence.clone(),
            log: c
                .log
                .iter()
                .map(|l| CorrectionLogDto {
                    seq: l.seq,
                    event: l.event.into(),
                    from: l.from.map(Into::into),
                    to: l.to.into(),
                    actor_tier: l.actor_tier.into(),
                    actor_name: l.actor_name.clone(),
                    reason: l.reason.clone(),
                    at: l.at,
                })
                .collect(),
        }
    }
}

/// Where a batch print stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrintJobState {
    /// Waiting for an instance of the server to take it.
    Queued,
    Running,
    /// The file is ready (kept a day).
    Finished,
    Failed,
    Cancelled,
    /// Finished more than a day ago: the file was removed.
    Expired,
}

/// A batch print run in the background: `done` of `total` certificates
/// printed; when finished, its file is fetched by a download address
/// (`POST /certificates/print-jobs/{id}/download`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PrintJobDto {
    pub id: Uuid,
    pub state: PrintJobState,
    pub year: i32,
    /// Certificates in the batch (the cover page aside).
    pub total: u64,
    pub done: u64,
    /// What the file is called: unit, department, year.
    pub file_name: String,
    /// The file's size once finished.
    pub file_bytes: u64,
    /// Why it failed (Chinese, for the person who asked).
    pub message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<cme_store::repo::print_job::PrintJob> for PrintJobDto {
    fn from(j: cme_store::repo::print_job::PrintJob) -> Self {
        use cme_store::repo::print_job::PrintState;
        PrintJobDto {
            id: j.id,
            state: match j.state {
                PrintState::Queued => PrintJobState::Queued,
                PrintState::Running => PrintJobState::Running,
                PrintState::Finished => PrintJobState::Finished,
                PrintState::Failed => PrintJobState::Failed,
                PrintState::Cancelled => PrintJobState::Cancelled,
                PrintState::Expired => PrintJobState::Expired,
            },
            year: j.year,
            total: u64::from(j.total),
            done: u64::from(j.done),
            file_name: j.file_name,
            file_bytes: j.file_bytes,
            message: j.message,
            created_at: j.created_at,
            finished_at: j.finished_at,
        }
    }
}

/// A short-lived address the browser downloads a finished batch from (its
/// download manager streams it to disk; no bearer token needed).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DownloadAddress {
    /// Relative to the server, e.g. `/api/v1/certificates/print-jobs/…/file?ticket=…`.
    pub url: String,
    /// Seconds it works for.
    pub expires_in: i64,
}

/// The download ticket of a batch print's file.
#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct TicketQuery {
    pub ticket: String,
}
