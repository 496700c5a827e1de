//! The authorization matrix: every operation of the route table × every
//! role × where its object lies → the expected status, from the one table
//! below. Where: side A's (the accounts' own unit, department or office,
//! which the offices above only see), a sibling inside side A's
//! jurisdiction that side A's unit or department does not own (a second
//! department, a second unit, another office), and side B (foreign). An
//! operation missing from the table fails the test, a write on an object
//! without all three places fails it, and a denied write leaves the
//! database unchanged.

use std::collections::BTreeSet;

use crate::common::TestApp;
use crate::common::fixture::{self, Fixture, PASSWORD, Siblings};
use cme_domain::auth::{Role, Scope};
use cme_domain::ids::{DepartmentId, PersonId, UnitId};
use reqwest::Method;
use sea_orm::{ConnectionTrait as _, Statement};
use serde_json::{Value, json};

/// Callers, in the order of every row's expectations.
const WHO: [&str; 10] = ["anon", "admin", "kjc", "zyc", "pref-a", "county-a", "unit-a", "dept-a", "trainee", "client"];

/// Where a row's object lies, for side A's accounts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Side A's own: its unit's, its department's (内科), its offices'.
    Own,
    /// Inside side A's jurisdiction, not side A's unit's or department's:
    /// the unit's second department (儿科), the TCM hospital of side A's
    /// county, another office ([`Siblings`]).
    Sibling,
    /// Side B's: foreign to every account.
    Foreign,
}

impl Place {
    fn label(self) -> &'static str {
        match self {
            Place::Own => "own",
            Place::Sibling => "sibling",
            Place::Foreign => "foreign",
        }
    }
}

/// Side A's fixture and its siblings.
struct World {
    f: Fixture,
    s: Siblings,
}

impl World {
    /// The unit, department and a person of a place: the sibling is side
    /// A's second department (儿科).
    fn staff(&self, place: Place) -> (UnitId, DepartmentId, PersonId) {
        match place {
            Place::Own => (self.f.a.unit, self.f.a.department, self.f.a.person),
            Place::Sibling => (self.f.a.unit, self.s.department, self.s.department_person),
            Place::Foreign => (self.f.b.unit, self.f.b.department, self.f.b.person),
        }
    }

    /// The unit of a place: the sibling is the TCM hospital of side A's county.
    fn unit(&self, place: Place) -> UnitId {
        match place {
            Place::Own => self.f.a.unit,
            Place::Sibling => self.s.unit,
            Place::Foreign => self.f.b.unit,
        }
    }
}

/// What a row's path parameter points at.
#[derive(Clone, Copy)]
enum Target {
    None,
    Unit,
    Person,
    /// Side A's county, side B's county.
    Region,
    Department,
    /// An account the unit manages (a department's; the sibling: of 儿科).
    Account,
    /// A unit's account (Western A, TCM sibling, Western B): the province's
    /// offices split them by medicine.
    UnitAccount,
    /// An API client owned by the unit (made fresh for each call); the
    /// sibling's is owned by side A's county office.
    Client,
    /// A valid credit of the side's person (made fresh for each call).
    Credit,
    /// A department report of the side (made fresh for each call).
    Report,
    /// A running CME activity of the side's unit (made fresh for each call).
    Activity,
    /// A running CME activity of an office (made fresh for each call): side
    /// A's county office, the province (the sibling), side B's county office.
    OfficeActivity,
    /// An open spot check without sample (made fresh for each call), drawn
    /// by side A's prefecture office, 科教处 (the sibling) or side B's
    /// prefecture office.
    SpotCheck,
    /// A person of the side's unit (made fresh for each call).
    NewPerson,
    /// A pending transfer of a fresh person into the own unit (from B);
    /// foreign: out of the own unit (into B).
    IncomingTransfer,
    /// A pending transfer of a fresh person out of the own unit (into B);
    /// foreign: into the own unit (from B).
    OutgoingTransfer,
    /// A verification of 2021 of a fresh person of the side's unit, prepared
    /// by its department and submitted: waiting on the county office.
    Verification,
    /// An evidence file uploaded by the side's unit, backing a verification.
    Evidence,
    /// An office's region for its help-desk entry: side A's county; the
    /// sibling is side A's prefecture (above the county office, which sees it
    /// but does not keep it); foreign: side B's county.
    OfficeRegion,
    /// An id nothing has (only the role check and the 404 are exercised).
    Missing,
}

struct Row {
    method: &'static str,
    path: &'static str,
    target: Target,
    /// Expected status per caller, on side A's resource (or with no target).
    own: [u16; 10],
    /// On a sibling's resource inside side A's jurisdiction.
    sibling: Option<[u16; 10]>,
    /// On side B's resource; `None` when the path has no target.
    foreign: Option<[u16; 10]>,
    /// Whether it writes (denied writes must change nothing).
    write: bool,
    /// The request body.
    body: Body,
    /// More of the query string, after the path's required parameters
    /// (another form of the same operation, e.g. `format=pdf`).
    query: &'static str,
}

#[derive(Clone, Copy)]
enum Body {
    None,
    /// Side A's person's ID number, looked up in a review queue.
    QueueLookup,
    /// A fixed JSON body.
    Fixed(fn() -> Value),
    Reveal,
    /// A department account on side A's department.
    NewDepartmentAccount,
    /// A unit account on the own (A) or foreign (B) unit: jurisdiction decides.
    NewUnitAccount,
    Rename,
    WrongPassword,
    NewClient,
    /// A paper certificate (a fresh number each call).
    PaperCredit,
    /// A batch of one paper certificate for the place's person, by ID number.
    PaperBatch,
    /// A CSV file (raw body) of one paper certificate for the place's person.
    PaperFile,
    Reason,
    /// Drafts that do not exist: only the role check is exercised.
    UnknownDrafts,
    /// A decision on a record that is not in the report.
    UnknownDecision,
    Year,
    NewActivity,
    CancelActivity,
    Roster,
    /// The current sign-in code of the row's target activity.
    SignIn,
    Completion,
    CompletionImport,
    /// A new person in the own (A) or foreign (B) unit and department.
    NewPerson,
    NewTitle,
    StatusChange,
    /// A transfer to the other side's unit (by code).
    Transfer,
    Empty,
    /// An HR upsert into the own (A) or foreign (B) unit.
    Upsert,
    /// `{"id_number": …}` of the place's person.
    Lookup,
    Batch,
    /// A CSV file of one valid row (multipart).
    ImportFile,
    /// The default calendar (If-Match missing).
    Cycle,
    /// A township window inside every parent's.
    Window,
    /// The own (A) or foreign (B) person on 2021's normal list.
    Submission,
    /// Records that do not exist.
    UnknownRecords,
    /// Approve the row's target verification as read (row version 2).
    Decision,
    Numbers,
    /// A small PDF, sent raw.
    EvidenceFile,
    /// A village clinic to open: Western in side A's county (own), TCM there
    /// (sibling), Western in side B's county (foreign); a fresh code.
    OpenUnit,
    /// A CSV file (raw body) opening one Western village clinic in side A's county.
    UnitFile,
    /// The unit's own region: the move is refused (422) after every check.
    MoveToSame,
    /// The unit itself: the merge is refused (422) after every check.
    MergeIntoSelf,
    /// `{"name": …}`, fresh each call.
    NewName,
}

/// Operations anyone may call without a token (their own tests cover them).
const PUBLIC: &[(&str, &str)] = &[
    ("GET", "/api/v1/health"),
    // For the load balancer: liveness never touches the database.
    ("GET", "/api/v1/health/live"),
    ("GET", "/api/v1/health/ready"),
    ("POST", "/api/v1/compliance/evaluate"),
    ("GET", "/api/v1/standards"),
    ("GET", "/api/v1/standards/{year}"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/refresh"),
    ("POST", "/api/v1/auth/logout"),
    ("GET", "/api/v1/auth/captcha"),
    ("POST", "/api/v1/auth/trainee/login"),
    ("POST", "/api/v1/auth/token"),
    ("GET", "/api/v1/public/certificates"),
    ("GET", "/api/v1/public/certificates/{token}"),
    ("GET", "/api/v1/public/support"),
    // A batch print's file: its download address carries a short-lived
    // ticket naming the job and the account (tested in certificates.rs).
    ("GET", "/api/v1/certificates/print-jobs/{id}/file"),
];

//                         anon admin kjc  zyc  pref county unit dept trainee client
const READ: [u16; 10] = [401, 200, 200, 200, 200, 200, 200, 200, 403, 200];
/// Reports: every staff tier (the test's client is not granted them).
const REPORTS: [u16; 10] = [401, 200, 200, 200, 200, 200, 200, 200, 403, 403];
/// Certificates of one's place (not the administrator's business).
const PRINT: [u16; 10] = [401, 403, 200, 200, 200, 200, 200, 200, 403, 403];
const PRINT_FOREIGN: [u16; 10] = [401, 403, 200, 200, 404, 404, 404, 404, 403, 403];
/// The offices that issue certificates (seals).
const OFFICES: [u16; 10] = [401, 403, 200, 200, 200, 200, 403, 403, 403, 403];
/// An id nothing has: every signed-in caller gets 404.
const NOTHING: [u16; 10] = [401, 404, 404, 404, 404, 404, 404, 404, 404, 404];
/// Every person who signs in, not an outside system.
const SIGNED_IN_PEOPLE: [u16; 10] = [401, 200, 200, 200, 200, 200, 200, 200, 200, 403];
const TRAINEE_ONLY: [u16; 10] = [401, 403, 403, 403, 403, 403, 403, 403, 200, 403];
/// The standard editor, without a draft.
const EDITORS_404: [u16; 10] = [401, 404, 404, 404, 403, 403, 403, 403, 403, 403];
const READ_FOREIGN: [u16; 10] = [401, 200, 200, 200, 404, 404, 404, 404, 403, 404];
/// CME activities are the offices' and units' (never the administrator's).
const MANAGE: [u16; 10] = [401, 403, 200, 200, 200, 200, 200, 403, 403, 403];
const MANAGE_CREATE: [u16; 10] = [401, 403, 201, 201, 201, 201, 201, 403, 403, 403];
const MANAGE_FOREIGN: [u16; 10] = [401, 403, 200, 200, 404, 404, 404, 403, 403, 403];
/// A unit's activity: only the unit acts on it; the offices above see it.
const UNIT_ACTIVITY: [u16; 10] = [401, 403, 403, 403, 403, 403, 200, 403, 403, 403];
const UNIT_ACTIVITY_SIBLING: [u16; 10] = [401, 403, 403, 403, 403, 403, 404, 403, 403, 403];
const UNIT_ACTIVITY_FOREIGN: [u16; 10] = [401, 403, 403, 403, 404, 404, 404, 403, 403, 403];
/// Side A's county office's activity: the prefecture above sees it.
const OFFICE_ACTIVITY: [u16; 10] = [401, 403, 403, 403, 403, 200, 404, 403, 403, 403];
/// The province's activity: its two offices share it.
const OFFICE_ACTIVITY_SIBLING: [u16; 10] = [401, 403, 200, 200, 404, 404, 404, 403, 403, 403];
const OFFICE_ACTIVITY_FOREIGN: [u16; 10] = [401, 403, 403, 403, 404, 404, 404, 403, 403, 403];
/// Personnel upkeep: units and departments (the test's client is granted
/// `read_hierarchy` only). `If-Match` is missing: 428.
const UPKEEP: [u16; 10] = [401, 403, 403, 403, 403, 403, 428, 428, 403, 403];
/// The unit keeps its other department's people; the department does not see them.
const UPKEEP_SIBLING: [u16; 10] = [401, 403, 403, 403, 403, 403, 428, 404, 403, 403];
const UPKEEP_FOREIGN: [u16; 10] = [401, 403, 403, 403, 403, 403, 404, 404, 403, 403];
/// Transfers: the unit on the transfer's side, never a department.
const TRANSFER_DECISION: [u16; 10] = [401, 403, 403, 403, 403, 403, 200, 403, 403, 403];
/// A transfer of the sibling unit: not the unit's to see.
const TRANSFER_SIBLING: [u16; 10] = [401, 403, 403, 403, 403, 403, 404, 403, 403, 403];
/// The other side of a transfer (it sees it, and may not decide it).
const TRANSFER_WRONG_SIDE: [u16; 10] = [401, 403, 403, 403, 403, 403, 403, 403, 403, 403];
/// The province's offices (and the administrator) set the cycle's dates.
const CYCLE: [u16; 10] = [401, 428, 428, 428, 403, 403, 403, 403, 403, 403];
/// The reviewing offices only.
const REVIEW: [u16; 10] = [401, 403, 200, 200, 200, 200, 403, 403, 403, 403];
/// A department's account: its unit manages it (and the administrator).
const DEPARTMENT_ACCOUNT: [u16; 10] = [401, 200, 404, 404, 404, 404, 200, 403, 403, 403];
const DEPARTMENT_ACCOUNT_FOREIGN: [u16; 10] = [401, 200, 404, 404, 404, 404, 404, 403, 403, 403];
/// A Western unit's account: 科教处, not 中医处, and the offices above it.
const UNIT_ACCOUNT: [u16; 10] = [401, 200, 200, 403, 200, 200, 404, 403, 403, 403];
/// A TCM unit's account: 中医处, not 科教处.
const UNIT_ACCOUNT_SIBLING: [u16; 10] = [401, 200, 403, 200, 200, 200, 404, 403, 403, 403];
const UNIT_ACCOUNT_FOREIGN: [u16; 10] = [401, 200, 200, 403, 404, 404, 404, 403, 403, 403];
/// A spot check of side A's prefecture office: only it records and closes;
/// the province's offices see it.
const CHECK: [u16; 10] = [401, 403, 200, 200, 200, 403, 403, 403, 403, 403];
const CHECK_ELSEWHERE: [u16; 10] = [401, 403, 200, 200, 404, 403, 403, 403, 403, 403];
/// Recording an unknown item: the owner gets 422.
const CHECK_RECORD: [u16; 10] = [401, 403, 403, 403, 422, 403, 403, 403, 403, 403];
/// 科教处's check: not 中医处's.
const CHECK_RECORD_SIBLING: [u16; 10] = [401, 403, 422, 403, 404, 403, 403, 403, 403, 403];
const CHECK_CLOSE: [u16; 10] = [401, 403, 403, 403, 200, 403, 403, 403, 403, 403];
const CHECK_CLOSE_SIBLING: [u16; 10] = [401, 403, 200, 403, 404, 403, 403, 403, 403, 403];
/// Another prefecture's check: the province sees it, nobody here owns it.
const CHECK_WRITE_FOREIGN: [u16; 10] = [401, 403, 403, 403, 404, 403, 403, 403, 403, 403];

/// Opening a Western unit in side A's county: 科教处, the prefecture, the county.
const UNITS_OPEN: [u16; 10] = [401, 403, 201, 403, 201, 201, 403, 403, 403, 403];
/// A TCM one: 中医处, not 科教处.
const UNITS_OPEN_SIBLING: [u16; 10] = [401, 403, 403, 201, 201, 201, 403, 403, 403, 403];
/// In side B's county: the region is not the caller's (422 naming it).
const UNITS_OPEN_FOREIGN: [u16; 10] = [401, 403, 201, 403, 422, 422, 403, 403, 403, 403];
const UNITS_TEMPLATE: [u16; 10] = [401, 403, 200, 200, 200, 200, 403, 403, 403, 403];
/// A file of one Western clinic: 中医处's row is refused (422).
const UNITS_IMPORT: [u16; 10] = [401, 403, 201, 422, 201, 201, 403, 403, 403, 403];
/// Renaming side A's (Western) unit.
const UNITS_KEEP: [u16; 10] = [401, 403, 200, 403, 200, 200, 403, 403, 403, 403];
const UNITS_KEEP_SIBLING: [u16; 10] = [401, 403, 403, 200, 200, 200, 403, 403, 403, 403];
const UNITS_KEEP_FOREIGN: [u16; 10] = [401, 403, 200, 403, 404, 404, 403, 403, 403, 403];
/// A move into its own region, a merge into itself: 422 after every check.
const UNITS_REFUSED: [u16; 10] = [401, 403, 422, 403, 422, 422, 403, 403, 403, 403];
const UNITS_REFUSED_SIBLING: [u16; 10] = [401, 403, 403, 422, 422, 422, 403, 403, 403, 403];
const UNITS_REFUSED_FOREIGN: [u16; 10] = [401, 403, 422, 403, 404, 404, 403, 403, 403, 403];
const UNITS_BUSY: [u16; 10] = [401, 403, 409, 403, 409, 409, 403, 403, 403, 403];
const UNITS_BUSY_SIBLING: [u16; 10] = [401, 403, 403, 409, 409, 409, 403, 403, 403, 403];
const UNITS_BUSY_FOREIGN: [u16; 10] = [401, 403, 409, 403, 404, 404, 403, 403, 403, 403];
/// A department of one's own unit: only its CME office keeps it.
const DEPARTMENTS: [u16; 10] = [401, 403, 403, 403, 403, 403, 200, 403, 403, 403];
const DEPARTMENTS_ELSEWHERE: [u16; 10] = [401, 403, 403, 403, 403, 403, 404, 403, 403, 403];

impl Row {
    /// The row's expectations on a sibling's object.
    fn sibling(self, expected: [u16; 10]) -> Row {
        Row { sibling: Some(expected), ..self }
    }

    /// The row's operation with more of the query string.
    fn query(self, query: &'static str) -> Row {
        Row { query, ..self }
    }

    /// Whether the row changes an object that belongs to someone: then it
    /// must say what the owner, a same-jurisdiction non-owner and a foreign
    /// caller get.
    fn changes_an_owned_object(&self) -> bool {
        self.write
            && (!matches!(self.target, Target::None | Target::Missing)
                || matches!(
                    self.body,
                    Body::NewUnitAccount
                        | Body::NewDepartmentAccount
                        | Body::NewPerson
                        | Body::Upsert
                        | Body::Submission
                        | Body::PaperBatch
                        | Body::OpenUnit
                ))
    }
}

fn table() -> Vec<Row> {
    let row = |method, path, target, own, foreign, write| {
        let body = match (method, path) {
            ("POST", "/api/v1/people/{id}/reveal-id-number") => Body::Reveal,
            ("POST", "/api/v1/accounts") => Body::NewDepartmentAccount,
            ("PATCH", "/api/v1/units/{id}" | "/api/v1/departments/{id}") => Body::NewName,
            ("POST", "/api/v1/units/{id}/departments") => Body::NewName,
            ("POST", "/api/v1/units") => Body::OpenUnit,
            ("POST", "/api/v1/units/import") => Body::UnitFile,
            ("POST", "/api/v1/units/{id}/move") => Body::MoveToSame,
            ("POST", "/api/v1/units/{id}/merge") => Body::MergeIntoSelf,
            ("POST", "/api/v1/units/{id}/close" | "/api/v1/departments/{id}/close") => Body::Reason,
            ("PATCH", _) => Body::Rename,
            ("POST", "/api/v1/auth/password") => Body::WrongPassword,
            ("POST", "/api/v1/api-clients") => Body::NewClient,
            ("POST", "/api/v1/people/{id}/credits") => Body::PaperCredit,
            ("POST", "/api/v1/credits/batch") => Body::PaperBatch,
            ("POST", "/api/v1/credits/batch/import" | "/api/v1/credits/batch/read") => Body::PaperFile,
            ("POST", "/api/v1/credits/{id}/reverse") => Body::Reason,
            ("POST", "/api/v1/credit-reports") => Body::UnknownDrafts,
            ("POST", "/api/v1/credit-reports/{id}/decisions") => Body::UnknownDecision,
            ("POST", "/api/v1/compliance/recompute") => Body::Year,
            ("POST", "/api/v1/activities") => Body::NewActivity,
            ("POST", "/api/v1/activities/{id}/cancel") => Body::CancelActivity,
            ("POST", "/api/v1/activities/{id}/roster") => Body::Roster,
            ("POST", "/api/v1/activities/sign-in") => Body::SignIn,
            ("POST", "/api/v1/people/{id}/course-completions") => Body::Completion,
            ("POST", "/api/v1/course-completions/import") => Body::CompletionImport,
            ("POST", "/api/v1/people") => Body::NewPerson,
            ("POST", "/api/v1/people/{id}/titles") => Body::NewTitle,
            ("POST", "/api/v1/people/{id}/status") => Body::StatusChange,
            ("POST", "/api/v1/people/{id}/transfers") => Body::Transfer,
            ("POST", "/api/v1/transfers/{id}/accept") => Body::Empty,
            ("POST", "/api/v1/transfers/{id}/reject" | "/api/v1/transfers/{id}/cancel") => Body::Reason,
            ("POST", "/api/v1/people/upsert") => Body::Upsert,
            ("POST", "/api/v1/people/lookup") => Body::Lookup,
            ("POST", "/api/v1/people/batch") => Body::Batch,
            ("POST", "/api/v1/people/import" | "/api/v1/people/import/errors") => Body::ImportFile,
            ("PUT", "/api/v1/cycles/{year}") => Body::Cycle,
            ("PUT", "/api/v1/cycles/{year}/windows/{tier}") => Body::Window,
            ("POST", "/api/v1/verifications") => Body::Submission,
            ("POST", "/api/v1/verifications/submit") => Body::UnknownRecords,
            ("POST", "/api/v1/reviews/decisions") => Body::Decision,
            ("POST", "/api/v1/certificate-numbers") => Body::Numbers,
            ("POST", "/api/v1/reviews/decisions/matching") => {
                // Matching no one: a queue large enough for a background job answers 202.
                Body::Fixed(
                    || json!({"cycle_year": 2021, "name": "无此人", "expected": 1, "counted_at": chrono::Utc::now()}),
                )
            }
            ("POST", "/api/v1/reviews/queue/lookup") => Body::QueueLookup,
            ("POST", "/api/v1/actors/names") => Body::Fixed(|| json!({"logins": ["admin"]})),
            ("POST", "/api/v1/evidence") => Body::EvidenceFile,
            ("PUT", "/api/v1/seals/mine") => Body::Fixed(|| json!({"not": "an image"})),
            ("PUT", "/api/v1/support/{id}") => Body::Fixed(
                || json!({"contacts": [{"name": "王芳", "phone": "0874-1234567"}], "qq_groups": ["472635848"]}),
            ),
            (
                "POST",
                "/api/v1/certificates/print" | "/api/v1/certificates/search" | "/api/v1/certificates/print-jobs",
            ) => Body::Fixed(|| json!({"year": 2021})),
            ("POST", "/api/v1/certificates/{id}/revoke") => {
                Body::Fixed(|| json!({"row_version": 1, "reason": "撤销原因"}))
            }
            ("PUT", "/api/v1/notifications/preferences") => Body::Fixed(
                || json!({"kinds": [{"kind": "records_returned", "in_app": true, "webhook": false, "email": false}]}),
            ),
            ("POST", "/api/v1/spot-checks") => {
                Body::Fixed(|| json!({"kind": "sample", "year": 2021, "rate_permille": 100}))
            }
            ("POST", "/api/v1/spot-checks/{id}/results") => {
                Body::Fixed(|| json!({"results": [{"item_id": uuid::Uuid::now_v7(), "result": "pass"}]}))
            }
            ("POST", "/api/v1/spot-checks/{id}/close") => Body::Fixed(|| json!({"row_version": 1})),
            ("POST", "/api/v1/title-corrections") => Body::Fixed(|| {
                json!({"year": 2021, "new_title": "主治医师", "obtained_on": "2021-05-01", "reason": "取得时间有误",
                       "evidence_ids": [uuid::Uuid::now_v7()]})
            }),
            ("POST", "/api/v1/title-corrections/{id}/decision") => {
                Body::Fixed(|| json!({"row_version": 1, "decision": "approve"}))
            }
            ("PUT", "/api/v1/standards/{year}/draft") => Body::Fixed(|| json!({"rows": []})),
            _ => Body::None,
        };
        Row { method, path, target, own, sibling: None, foreign, write, body, query: "" }
    };
    vec![
        row("GET", "/api/v1/me", Target::None, [401, 200, 200, 200, 200, 200, 200, 200, 200, 200], None, false),
        // Reminders: everyone who signs in has his own (an outside system none);
        // anyone else's reads as missing.
        row("GET", "/api/v1/notifications", Target::None, SIGNED_IN_PEOPLE, None, false),
        row("POST", "/api/v1/notifications/read-all", Target::None, SIGNED_IN_PEOPLE, None, true),
        row("GET", "/api/v1/notifications/preferences", Target::None, SIGNED_IN_PEOPLE, None, false),
        row("PUT", "/api/v1/notifications/preferences", Target::None, SIGNED_IN_PEOPLE, None, true),
        row(
            "POST",
            "/api/v1/notifications/{id}/read",
            Target::Missing,
            [401, 404, 404, 404, 404, 404, 404, 404, 404, 403],
            None,
            true,
        ),
        row(
            "POST",
            "/api/v1/actors/names",
            Target::None,
            [401, 200, 200, 200, 200, 200, 200, 200, 200, 200],
            None,
            false,
        ),
        row(
            "POST",
            "/api/v1/auth/logout-all",
            Target::None,
            [401, 204, 204, 204, 204, 204, 204, 204, 204, 403],
            None,
            true,
        ),
        row(
            "POST",
            "/api/v1/auth/password",
            Target::None,
            [401, 422, 422, 422, 422, 422, 422, 422, 422, 403],
            None,
            true,
        ),
        row("GET", "/api/v1/regions", Target::None, READ, None, false),
        row("GET", "/api/v1/regions/{id}", Target::Region, READ, Some(READ_FOREIGN), false),
        row("GET", "/api/v1/departments/{id}", Target::Department, READ, Some(READ_FOREIGN), false),
        row("GET", "/api/v1/units", Target::None, READ, None, false),
        row("GET", "/api/v1/units/{id}", Target::Unit, READ, Some(READ_FOREIGN), false),
        row("GET", "/api/v1/units/{id}/departments", Target::Unit, READ, Some(READ_FOREIGN), false),
        // Unit upkeep (单位维护): the offices, inside their jurisdiction; at
        // the province, the office of the unit's medicine. The sibling is the
        // TCM hospital of side A's county.
        row("POST", "/api/v1/units", Target::None, UNITS_OPEN, Some(UNITS_OPEN_FOREIGN), true)
            .sibling(UNITS_OPEN_SIBLING),
        row("GET", "/api/v1/units/import/template", Target::None, UNITS_TEMPLATE, None, false),
        row("POST", "/api/v1/units/import", Target::None, UNITS_IMPORT, None, true),
        row("PATCH", "/api/v1/units/{id}", Target::Unit, UNITS_KEEP, Some(UNITS_KEEP_FOREIGN), true)
            .sibling(UNITS_KEEP_SIBLING),
        row("POST", "/api/v1/units/{id}/move", Target::Unit, UNITS_REFUSED, Some(UNITS_REFUSED_FOREIGN), true)
            .sibling(UNITS_REFUSED_SIBLING),
        row("POST", "/api/v1/units/{id}/merge", Target::Unit, UNITS_REFUSED, Some(UNITS_REFUSED_FOREIGN), true)
            .sibling(UNITS_REFUSED_SIBLING),
        // Staff remain in every unit: 409 for whoever may close it.
        row("POST", "/api/v1/units/{id}/close", Target::Unit, UNITS_BUSY, Some(UNITS_BUSY_FOREIGN), true)
            .sibling(UNITS_BUSY_SIBLING),
        // Departments (科室维护): the unit's own CME office only.
        row(
            "POST",
            "/api/v1/units/{id}/departments",
            Target::Unit,
            [401, 403, 403, 403, 403, 403, 201, 403, 403, 403],
            Some(DEPARTMENTS_ELSEWHERE),
            true,
        )
        .sibling(DEPARTMENTS_ELSEWHERE),
        row("PATCH", "/api/v1/departments/{id}", Target::Department, DEPARTMENTS, Some(DEPARTMENTS_ELSEWHERE), true)
            .sibling(DEPARTMENTS),
        row(
            "POST",
            "/api/v1/departments/{id}/close",
            Target::Department,
            [401, 403, 403, 403, 403, 403, 409, 403, 403, 403],
            Some(DEPARTMENTS_ELSEWHERE),
            true,
        )
        .sibling([401, 403, 403, 403, 403, 403, 409, 403, 403, 403]),
        row("GET", "/api/v1/people", Target::None, READ, None, false),
        row("GET", "/api/v1/people/{id}", Target::Person, READ, Some(READ_FOREIGN), false),
        // Business, not the administrator's: a worker's full ID number.
        row(
            "POST",
            "/api/v1/people/{id}/reveal-id-number",
            Target::Person,
            [401, 403, 200, 200, 200, 200, 200, 403, 403, 403],
            Some([401, 403, 200, 200, 404, 404, 404, 403, 403, 403]),
            false,
        ),
        row("GET", "/api/v1/accounts", Target::None, [401, 200, 200, 200, 200, 200, 200, 403, 403, 403], None, false),
        // Creating a department's account: only the unit (and the administrator).
        row(
            "POST",
            "/api/v1/accounts",
            Target::None,
            [401, 201, 403, 403, 403, 403, 201, 403, 403, 403],
            Some([401, 201, 403, 403, 403, 403, 404, 403, 403, 403]),
            true,
        )
        .sibling([401, 201, 403, 403, 403, 403, 201, 403, 403, 403]),
        // Creating a unit's account: the offices above it, inside their
        // jurisdiction; at the province, the office of the unit's medicine.
        Row {
            body: Body::NewUnitAccount,
            ..row(
                "POST",
                "/api/v1/accounts",
                Target::None,
                [401, 201, 201, 403, 201, 201, 403, 403, 403, 403],
                Some([401, 201, 201, 403, 404, 404, 403, 403, 403, 403]),
                true,
            )
            .sibling([401, 201, 403, 201, 201, 201, 403, 403, 403, 403])
        },
        row(
            "PATCH",
            "/api/v1/accounts/{id}",
            Target::Account,
            DEPARTMENT_ACCOUNT,
            Some(DEPARTMENT_ACCOUNT_FOREIGN),
            true,
        )
        .sibling(DEPARTMENT_ACCOUNT),
        row(
            "POST",
            "/api/v1/accounts/{id}/reset-password",
            Target::Account,
            DEPARTMENT_ACCOUNT,
            Some(DEPARTMENT_ACCOUNT_FOREIGN),
            true,
        )
        .sibling(DEPARTMENT_ACCOUNT),
        row("PATCH", "/api/v1/accounts/{id}", Target::UnitAccount, UNIT_ACCOUNT, Some(UNIT_ACCOUNT_FOREIGN), true)
            .sibling(UNIT_ACCOUNT_SIBLING),
        row(
            "POST",
            "/api/v1/accounts/{id}/reset-password",
            Target::UnitAccount,
            UNIT_ACCOUNT,
            Some(UNIT_ACCOUNT_FOREIGN),
            true,
        )
        .sibling(UNIT_ACCOUNT_SIBLING),
        row(
            "GET",
            "/api/v1/api-clients",
            Target::None,
            [401, 200, 200, 200, 200, 200, 200, 403, 403, 403],
            None,
            false,
        ),
        row(
            "POST",
            "/api/v1/api-clients",
            Target::None,
            [401, 201, 201, 201, 201, 201, 201, 403, 403, 403],
            None,
            true,
        ),
        // A client is its organisation's alone: the offices above it neither
        // see nor revoke it (the sibling is side A's county office's client).
        row(
            "DELETE",
            "/api/v1/api-clients/{id}",
            Target::Client,
            [401, 404, 404, 404, 404, 404, 204, 403, 403, 403],
            Some([401, 404, 404, 404, 404, 404, 404, 403, 403, 403]),
            true,
        )
        .sibling([401, 404, 404, 404, 404, 204, 404, 403, 403, 403]),
        row("GET", "/api/v1/audit", Target::None, [401, 200, 200, 200, 200, 200, 403, 403, 403, 403], None, false),
        row(
            "GET",
            "/api/v1/audit/export",
            Target::None,
            [401, 200, 200, 200, 200, 200, 403, 403, 403, 403],
            None,
            false,
        ),
        row("GET", "/api/v1/compliance", Target::None, READ, None, false),
        row(
            "POST",
            "/api/v1/compliance/recompute",
            Target::None,
            [401, 200, 200, 200, 403, 403, 403, 403, 403, 403],
            None,
            true,
        ),
        row("GET", "/api/v1/people/{id}/compliance/{year}", Target::Person, READ, Some(READ_FOREIGN), false),
        row("GET", "/api/v1/people/{id}/registration-form/{year}", Target::Person, READ, Some(READ_FOREIGN), false),
        row("GET", "/api/v1/compliance/export", Target::None, READ, None, false),
        row("GET", "/api/v1/compliance/export", Target::None, READ, None, false).query("format=pdf"),
        row(
            "GET",
            "/api/v1/me/registration-form/{year}",
            Target::None,
            [401, 403, 403, 403, 403, 403, 403, 403, 200, 403],
            None,
            false,
        ),
        row(
            "GET",
            "/api/v1/me/compliance",
            Target::None,
            [401, 403, 403, 403, 403, 403, 403, 403, 200, 403],
            None,
            false,
        ),
        row(
            "GET",
            "/api/v1/me/compliance/{year}",
            Target::None,
            [401, 403, 403, 403, 403, 403, 403, 403, 200, 403],
            None,
            false,
        ),
        // Paper entry: the unit (valid at once) and its departments (drafts);
        // a department not for its sibling's people.
        row(
            "POST",
            "/api/v1/people/{id}/credits",
            Target::Person,
            [401, 403, 403, 403, 403, 403, 201, 201, 403, 403],
            Some([401, 403, 403, 403, 403, 403, 404, 404, 403, 403]),
            true,
        )
        .sibling([401, 403, 403, 403, 403, 403, 201, 404, 403, 403]),
        // The same by the pile: a person the caller may not enter for is a
        // row error (422), the same whether or not he exists.
        row(
            "POST",
            "/api/v1/credits/batch",
            Target::None,
            [401, 403, 403, 403, 403, 403, 201, 201, 403, 403],
            Some([401, 403, 403, 403, 403, 403, 422, 422, 403, 403]),
            true,
        )
        .sibling([401, 403, 403, 403, 403, 403, 201, 422, 403, 403]),
        row(
            "POST",
            "/api/v1/credits/batch/import",
            Target::None,
            [401, 403, 403, 403, 403, 403, 201, 201, 403, 403],
            Some([401, 403, 403, 403, 403, 403, 422, 422, 403, 403]),
            true,
        )
        .sibling([401, 403, 403, 403, 403, 403, 201, 422, 403, 403]),
        row(
            "GET",
            "/api/v1/credits/batch/template",
            Target::None,
            [401, 403, 403, 403, 403, 403, 200, 200, 403, 403],
            None,
            false,
        ),
        // Reads a file into rows; writes nothing.
        row(
            "POST",
            "/api/v1/credits/batch/read",
            Target::None,
            [401, 403, 403, 403, 403, 403, 200, 200, 403, 403],
            None,
            true,
        ),
        row(
            "POST",
            "/api/v1/credits/{id}/reverse",
            Target::Credit,
            [401, 403, 403, 403, 403, 403, 200, 403, 403, 403],
            Some([401, 403, 403, 403, 403, 403, 404, 403, 403, 403]),
            true,
        )
        .sibling([401, 403, 403, 403, 403, 403, 200, 403, 403, 403]),
        row(
            "GET",
            "/api/v1/credit-drafts",
            Target::None,
            [401, 403, 403, 403, 403, 403, 200, 200, 403, 403],
            None,
            false,
        ),
        // Only a department reports; unknown drafts are named (422).
        row(
            "POST",
            "/api/v1/credit-reports",
            Target::None,
            [401, 403, 403, 403, 403, 403, 403, 422, 403, 403],
            None,
            true,
        ),
        row("GET", "/api/v1/credit-reports", Target::None, READ, None, false),
        row("GET", "/api/v1/credit-reports/{id}", Target::Report, READ, Some(READ_FOREIGN), false),
        row(
            "POST",
            "/api/v1/credit-reports/{id}/decisions",
            Target::Report,
            [401, 403, 403, 403, 403, 403, 422, 403, 403, 403],
            Some([401, 403, 403, 403, 403, 403, 404, 403, 403, 403]),
            true,
        )
        .sibling([401, 403, 403, 403, 403, 403, 422, 403, 403, 403]),
        // CME activities: offices and units see their own and what lies
        // below; only the organisation that created one acts on it.
        row("GET", "/api/v1/activities", Target::None, MANAGE, None, false),
        row("POST", "/api/v1/activities", Target::None, MANAGE_CREATE, None, true),
        row("GET", "/api/v1/activities/{id}", Target::Activity, MANAGE, Some(MANAGE_FOREIGN), false),
        row(
            "POST",
            "/api/v1/activities/{id}/cancel",
            Target::Activity,
            UNIT_ACTIVITY,
            Some(UNIT_ACTIVITY_FOREIGN),
            true,
        )
        .sibling(UNIT_ACTIVITY_SIBLING),
        row(
            "POST",
            "/api/v1/activities/{id}/cancel",
            Target::OfficeActivity,
            OFFICE_ACTIVITY,
            Some(OFFICE_ACTIVITY_FOREIGN),
            true,
        )
        .sibling(OFFICE_ACTIVITY_SIBLING),
        row(
            "GET",
            "/api/v1/activities/{id}/sign-in-code",
            Target::Activity,
            UNIT_ACTIVITY,
            Some(UNIT_ACTIVITY_FOREIGN),
            false,
        )
        .sibling(UNIT_ACTIVITY_SIBLING),
        row(
            "GET",
            "/api/v1/activities/{id}/sign-in-code",
            Target::OfficeActivity,
            OFFICE_ACTIVITY,
            Some(OFFICE_ACTIVITY_FOREIGN),
            false,
        )
        .sibling(OFFICE_ACTIVITY_SIBLING),
        row(
            "POST",
            "/api/v1/activities/{id}/roster",
            Target::Activity,
            UNIT_ACTIVITY,
            Some(UNIT_ACTIVITY_FOREIGN),
            true,
        )
        .sibling(UNIT_ACTIVITY_SIBLING),
        row(
            "POST",
            "/api/v1/activities/{id}/roster",
            Target::OfficeActivity,
            OFFICE_ACTIVITY,
            Some(OFFICE_ACTIVITY_FOREIGN),
            true,
        )
        .sibling(OFFICE_ACTIVITY_SIBLING),
        // Trainees only; a unit's own activity takes only its staff.
        row(
            "POST",
            "/api/v1/activities/sign-in",
            Target::Activity,
            [401, 403, 403, 403, 403, 403, 403, 403, 201, 403],
            Some([401, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
            true,
        )
        .sibling([401, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
        // The offices record the course for the people of their region
        // (jurisdiction, not ownership); the client's grant is read_hierarchy only.
        row(
            "POST",
            "/api/v1/people/{id}/course-completions",
            Target::NewPerson,
            MANAGE_CREATE,
            Some([401, 403, 201, 201, 404, 404, 404, 403, 403, 403]),
            true,
        )
        .sibling(MANAGE_CREATE),
        row(
            "GET",
            "/api/v1/people/{id}/course-completions",
            Target::Person,
            [401, 200, 200, 200, 200, 200, 200, 200, 200, 200],
            Some([401, 200, 200, 200, 404, 404, 404, 404, 404, 404]),
            false,
        ),
        row("POST", "/api/v1/course-completions/import", Target::None, MANAGE, None, true),
        // Personnel upkeep: a unit and its departments, each its own people.
        row(
            "POST",
            "/api/v1/people",
            Target::None,
            [401, 403, 403, 403, 403, 403, 201, 201, 403, 403],
            Some([401, 403, 403, 403, 403, 403, 404, 404, 403, 403]),
            true,
        )
        .sibling([401, 403, 403, 403, 403, 403, 201, 403, 403, 403]),
        row("PATCH", "/api/v1/people/{id}", Target::Person, UPKEEP, Some(UPKEEP_FOREIGN), true).sibling(UPKEEP_SIBLING),
        row("POST", "/api/v1/people/{id}/titles", Target::Person, UPKEEP, Some(UPKEEP_FOREIGN), true)
            .sibling(UPKEEP_SIBLING),
        row("POST", "/api/v1/people/{id}/status", Target::Person, UPKEEP, Some(UPKEEP_FOREIGN), true)
            .sibling(UPKEEP_SIBLING),
        row("GET", "/api/v1/title-catalogue", Target::None, READ, None, false),
        row(
            "GET",
            "/api/v1/people/import-template",
            Target::None,
            [401, 403, 403, 403, 403, 403, 200, 200, 403, 403],
            None,
            false,
        ),
        // `check` writes nothing.
        row(
            "POST",
            "/api/v1/people/import",
            Target::None,
            [401, 403, 403, 403, 403, 403, 200, 200, 403, 403],
            None,
            true,
        ),
        row(
            "POST",
            "/api/v1/people/import/errors",
            Target::None,
            [401, 403, 403, 403, 403, 403, 200, 200, 403, 403],
            None,
            true,
        ),
        // A read by ID number: the jurisdiction's people only (the department: its own).
        row("POST", "/api/v1/people/lookup", Target::None, READ, Some(READ_FOREIGN), false)
            .sibling([401, 200, 200, 200, 200, 200, 200, 404, 403, 200]),
        // Into a unit outside the caller's jurisdiction: the row's unit is invalid (422).
        row(
            "POST",
            "/api/v1/people/upsert",
            Target::None,
            [401, 403, 403, 403, 403, 403, 201, 201, 403, 403],
            Some([401, 403, 403, 403, 403, 403, 422, 422, 403, 403]),
            true,
        )
        .sibling([401, 403, 403, 403, 403, 403, 422, 422, 403, 403]),
        row(
            "POST",
            "/api/v1/people/batch",
            Target::None,
            [401, 403, 403, 403, 403, 403, 200, 200, 403, 403],
            None,
            true,
        ),
        // A transfer is the unit's business (a fresh person each call).
        row(
            "POST",
            "/api/v1/people/{id}/transfers",
            Target::NewPerson,
            [401, 403, 403, 403, 403, 403, 201, 403, 403, 403],
            Some([401, 403, 403, 403, 403, 403, 404, 403, 403, 403]),
            true,
        )
        .sibling([401, 403, 403, 403, 403, 403, 201, 403, 403, 403]),
        row("GET", "/api/v1/people/{id}/transfers", Target::Person, READ, Some(READ_FOREIGN), false),
        row("GET", "/api/v1/transfers", Target::None, [401, 403, 403, 403, 403, 403, 200, 403, 403, 403], None, false),
        row(
            "POST",
            "/api/v1/transfers/{id}/accept",
            Target::IncomingTransfer,
            TRANSFER_DECISION,
            Some(TRANSFER_WRONG_SIDE),
            true,
        )
        .sibling(TRANSFER_SIBLING),
        row(
            "POST",
            "/api/v1/transfers/{id}/reject",
            Target::IncomingTransfer,
            TRANSFER_DECISION,
            Some(TRANSFER_WRONG_SIDE),
            true,
        )
        .sibling(TRANSFER_SIBLING),
        row(
            "POST",
            "/api/v1/transfers/{id}/cancel",
            Target::OutgoingTransfer,
            TRANSFER_DECISION,
            Some(TRANSFER_WRONG_SIDE),
            true,
        )
        .sibling(TRANSFER_SIBLING),
        // The verification cycle (2021's is open).
        row("GET", "/api/v1/cycles", Target::None, READ, None, false),
        row("GET", "/api/v1/cycles/{year}", Target::None, READ, None, false),
        // The province changes the dates; without If-Match: 428.
        row("PUT", "/api/v1/cycles/{year}", Target::None, CYCLE, None, true),
        row("GET", "/api/v1/cycles/{year}/windows", Target::None, READ, None, false),
        // Each office its own windows (the administrator the province's).
        row(
            "PUT",
            "/api/v1/cycles/{year}/windows/{tier}",
            Target::None,
            [401, 200, 200, 200, 200, 200, 403, 403, 403, 403],
            None,
            true,
        ),
        row(
            "GET",
            "/api/v1/verifications/candidates",
            Target::None,
            [401, 403, 403, 403, 403, 403, 200, 200, 403, 403],
            None,
            false,
        ),
        // Units and departments submit: the unit's window is over (409); the
        // department prepares, but the person has no verdict for 2021, or is
        // not its own (422).
        row(
            "POST",
            "/api/v1/verifications",
            Target::None,
            [401, 403, 403, 403, 403, 403, 409, 422, 403, 403],
            Some([401, 403, 403, 403, 403, 403, 409, 422, 403, 403]),
            true,
        )
        .sibling([401, 403, 403, 403, 403, 403, 409, 422, 403, 403]),
        // Only the unit submits records; unknown ones are named (422).
        row(
            "POST",
            "/api/v1/verifications/submit",
            Target::None,
            [401, 403, 403, 403, 403, 403, 422, 403, 403, 403],
            None,
            true,
        ),
        row("GET", "/api/v1/verifications", Target::None, READ, None, false),
        row("GET", "/api/v1/verifications/{id}", Target::Verification, READ, Some(READ_FOREIGN), false),
        row("GET", "/api/v1/reviews/queue", Target::None, REVIEW, None, false),
        row("GET", "/api/v1/reviews/summary", Target::None, REVIEW, None, false),
        // Only the county office awaited approves; the others above it are
        // not awaited (409); outside its region the record is not found.
        row(
            "POST",
            "/api/v1/reviews/decisions",
            Target::Verification,
            [401, 403, 409, 409, 409, 200, 403, 403, 403, 403],
            Some([401, 403, 409, 409, 404, 404, 403, 403, 403, 403]),
            true,
        )
        .sibling([401, 403, 409, 409, 409, 200, 403, 403, 403, 403]),
        row("POST", "/api/v1/certificate-numbers", Target::None, REVIEW, None, true),
        // 全部通过: what matches in the office's own queue (nothing of side A's waits on the offices above it here).
        row("POST", "/api/v1/reviews/decisions/matching", Target::None, REVIEW, None, true),
        row("POST", "/api/v1/reviews/queue/lookup", Target::None, REVIEW, None, false),
        // A background "approve all": only its own account reads it (an unknown one is 404 to a reviewer).
        row(
            "GET",
            "/api/v1/reviews/jobs/{id}",
            Target::Missing,
            [401, 403, 404, 404, 404, 404, 403, 403, 403, 403],
            None,
            false,
        ),
        row("GET", "/api/v1/verification-stats", Target::None, READ, None, false),
        // 工作台: every staff account's landing page (its own jurisdiction's counts).
        row("GET", "/api/v1/workbench", Target::None, READ, None, false),
        // Trainees upload the documents of their title corrections.
        row("POST", "/api/v1/evidence", Target::None, [401, 403, 403, 403, 403, 403, 200, 200, 200, 403], None, true),
        // A trainee sees only the documents of his own title corrections; a
        // department only its own department's.
        row(
            "GET",
            "/api/v1/evidence/{id}",
            Target::Evidence,
            [401, 200, 200, 200, 200, 200, 200, 200, 404, 200],
            Some([401, 200, 200, 200, 404, 404, 404, 404, 404, 404]),
            false,
        )
        .sibling([401, 200, 200, 200, 200, 200, 200, 404, 404, 200]),
        row("GET", "/api/v1/verification-stats/export", Target::None, REPORTS, None, false),
        row("GET", "/api/v1/verification-stats/export", Target::None, REPORTS, None, false).query("format=pdf"),
        // Seals: the offices that issue certificates.
        row("GET", "/api/v1/seals/mine", Target::None, OFFICES, None, false),
        row("PUT", "/api/v1/seals/mine", Target::None, [401, 403, 422, 422, 422, 422, 403, 403, 403, 403], None, true),
        row(
            "DELETE",
            "/api/v1/seals/mine",
            Target::None,
            [401, 403, 404, 404, 404, 404, 403, 403, 403, 403],
            None,
            true,
        ),
        row(
            "GET",
            "/api/v1/seals/{id}/image",
            Target::Missing,
            [401, 404, 404, 404, 404, 404, 404, 404, 403, 404],
            None,
            false,
        ),
        // Certificates: printed by units, departments and offices; a
        // trainee reads his own.
        row("GET", "/api/v1/certificates", Target::None, PRINT, None, false),
        row("POST", "/api/v1/certificates/search", Target::None, PRINT, None, false),
        row(
            "POST",
            "/api/v1/certificates/print",
            Target::None,
            [401, 403, 404, 404, 404, 404, 404, 404, 403, 403],
            None,
            false,
        ),
        // Batch prints in the background: queued as /certificates/print
        // prints; a job is its owner's alone (anyone else's reads as missing).
        row(
            "POST",
            "/api/v1/certificates/print-jobs",
            Target::None,
            [401, 403, 404, 404, 404, 404, 404, 404, 403, 403],
            None,
            false,
        ),
        row(
            "GET",
            "/api/v1/certificates/print-jobs/{id}",
            Target::Missing,
            [401, 403, 404, 404, 404, 404, 404, 404, 403, 403],
            None,
            false,
        ),
        row(
            "POST",
            "/api/v1/certificates/print-jobs/{id}/cancel",
            Target::Missing,
            [401, 403, 404, 404, 404, 404, 404, 404, 403, 403],
            None,
            true,
        ),
        row(
            "POST",
            "/api/v1/certificates/print-jobs/{id}/download",
            Target::Missing,
            [401, 403, 404, 404, 404, 404, 404, 404, 403, 403],
            None,
            false,
        ),
        row("GET", "/api/v1/certificates/{id}", Target::Missing, NOTHING, None, false),
        row("GET", "/api/v1/certificates/{id}/pdf", Target::Missing, NOTHING, None, false),
        row(
            "POST",
            "/api/v1/certificates/{id}/revoke",
            Target::Missing,
            [401, 403, 404, 404, 404, 404, 403, 403, 403, 403],
            None,
            true,
        ),
        row("GET", "/api/v1/me/certificates", Target::None, TRAINEE_ONLY, None, false),
        row(
            "GET",
            "/api/v1/me/certificates/proof",
            Target::None,
            [401, 403, 403, 403, 403, 403, 403, 403, 422, 403],
            None,
            false,
        ),
        row("GET", "/api/v1/people/{id}/certificates", Target::Person, PRINT, Some(PRINT_FOREIGN), false),
        row(
            "GET",
            "/api/v1/people/{id}/certificates/proof",
            Target::Person,
            [401, 403, 422, 422, 422, 422, 422, 422, 403, 403],
            Some([401, 403, 422, 422, 404, 404, 404, 404, 403, 403]),
            false,
        ),
        // Spot checks: the province's offices and prefectures (no finalised
        // records here: 409 nothing_to_check).
        row(
            "POST",
            "/api/v1/spot-checks",
            Target::None,
            [401, 403, 409, 409, 409, 403, 403, 403, 403, 403],
            None,
            true,
        ),
        row(
            "GET",
            "/api/v1/spot-checks",
            Target::None,
            [401, 403, 200, 200, 200, 403, 403, 403, 403, 403],
            None,
            false,
        ),
        // The office that drew a check alone records into it and closes it.
        row("GET", "/api/v1/spot-checks/{id}", Target::SpotCheck, CHECK, Some(CHECK_ELSEWHERE), false)
            .sibling(CHECK_ELSEWHERE),
        row(
            "POST",
            "/api/v1/spot-checks/{id}/results",
            Target::SpotCheck,
            CHECK_RECORD,
            Some(CHECK_WRITE_FOREIGN),
            true,
        )
        .sibling(CHECK_RECORD_SIBLING),
        row("POST", "/api/v1/spot-checks/{id}/close", Target::SpotCheck, CHECK_CLOSE, Some(CHECK_WRITE_FOREIGN), true)
            .sibling(CHECK_CLOSE_SIBLING),
        // The help desk: an office keeps its own entry (the prefecture sees
        // its county's but does not keep it), the province keeps any.
        row("GET", "/api/v1/support/mine", Target::None, OFFICES, None, false),
        row(
            "PUT",
            "/api/v1/support/{id}",
            Target::OfficeRegion,
            [401, 403, 200, 200, 403, 200, 403, 403, 403, 403],
            Some([401, 403, 200, 200, 404, 404, 403, 403, 403, 403]),
            true,
        )
        .sibling([401, 403, 200, 200, 200, 403, 403, 403, 403, 403]),
        // Title corrections: asked by a trainee or a unit (which must name
        // the person: 422), reviewed by the unit and the offices.
        row(
            "GET",
            "/api/v1/title-corrections/preview",
            Target::None,
            [401, 403, 403, 403, 403, 403, 422, 403, 200, 403],
            None,
            false,
        ),
        row(
            "POST",
            "/api/v1/title-corrections",
            Target::None,
            [401, 403, 403, 403, 403, 403, 422, 403, 422, 403],
            None,
            true,
        ),
        row(
            "GET",
            "/api/v1/title-corrections",
            Target::None,
            [401, 403, 200, 200, 200, 200, 200, 403, 200, 403],
            None,
            false,
        ),
        row(
            "GET",
            "/api/v1/title-corrections/{id}",
            Target::Missing,
            [401, 403, 404, 404, 404, 404, 404, 403, 404, 403],
            None,
            false,
        ),
        row(
            "POST",
            "/api/v1/title-corrections/{id}/decision",
            Target::Missing,
            [401, 403, 404, 404, 404, 404, 404, 403, 403, 403],
            None,
            true,
        ),
        // The standard editor: the province (and the administrator).
        row("GET", "/api/v1/standards/{year}/draft", Target::None, EDITORS_404, None, false),
        row(
            "GET",
            "/api/v1/standards/drafts",
            Target::None,
            [401, 200, 200, 200, 403, 403, 403, 403, 403, 403],
            None,
            false,
        ),
        row(
            "PUT",
            "/api/v1/standards/{year}/draft",
            Target::None,
            [401, 422, 422, 422, 403, 403, 403, 403, 403, 403],
            None,
            true,
        ),
        row("POST", "/api/v1/standards/{year}/draft/preview", Target::None, EDITORS_404, None, false),
        row("POST", "/api/v1/standards/{year}/draft/publish", Target::None, EDITORS_404, None, true),
    ]
}

/// The state a denied write must not touch.
async fn fingerprint(app: &TestApp) -> String {
    let b = app.db.get_database_backend();
    let mut out = String::new();
    for sql in [
        "SELECT CAST(id AS TEXT) || ':' || username || ':' || role || ':' || display_name || ':' \
         || COALESCE(CAST(disabled_at AS TEXT), '-') || ':' || CAST(must_change_password AS TEXT) || ':' \
         || CAST(row_version AS TEXT) || ':' || COALESCE(password_hash, '-') AS v FROM accounts ORDER BY id",
        "SELECT CAST(count(*) AS TEXT) AS v FROM refresh_tokens WHERE revoked_at IS NULL",
        "SELECT CAST(id AS TEXT) || ':' || COALESCE(CAST(revoked_at AS TEXT), '-') AS v FROM api_clients ORDER BY id",
        "SELECT CAST(id AS TEXT) || ':' || COALESCE(CAST(cancelled_at AS TEXT), '-') AS v FROM activities ORDER BY id",
        "SELECT CAST(count(*) AS TEXT) AS v FROM credits",
        "SELECT CAST(count(*) AS TEXT) AS v FROM course_completions",
        "SELECT CAST(id AS TEXT) || ':' || name || ':' || CAST(unit_id AS TEXT) || ':' || status || ':' \
         || CAST(row_version AS TEXT) AS v FROM people ORDER BY id",
        "SELECT CAST(count(*) AS TEXT) AS v FROM person_titles",
        "SELECT CAST(count(*) AS TEXT) AS v FROM person_status_changes",
        "SELECT CAST(id AS TEXT) || ':' || state AS v FROM person_transfers ORDER BY id",
        "SELECT CAST(year AS TEXT) || ':' || CAST(row_version AS TEXT) || ':' || CAST(data_due AS TEXT) AS v \
         FROM cycles ORDER BY year",
        "SELECT CAST(region_id AS TEXT) || ':' || tier || ':' || CAST(starts_at AS TEXT) || ':' \
         || CAST(ends_at AS TEXT) AS v FROM submission_windows ORDER BY region_id, tier",
        "SELECT CAST(id AS TEXT) || ':' || state || ':' || CAST(row_version AS TEXT) AS v \
         FROM verifications ORDER BY id",
        "SELECT CAST(count(*) AS TEXT) AS v FROM verification_transitions",
        "SELECT CAST(count(*) AS TEXT) AS v FROM evidence_files",
        "SELECT CAST(region_id AS TEXT) || ':' || CAST(year AS TEXT) || ':' || CAST(last_seq AS TEXT) AS v \
         FROM certificate_counters ORDER BY region_id, year",
        "SELECT CAST(id AS TEXT) || ':' || COALESCE(CAST(retired_at AS TEXT), '-') AS v FROM seals ORDER BY id",
        "SELECT CAST(id AS TEXT) || ':' || CAST(row_version AS TEXT) AS v FROM certificates ORDER BY id",
        "SELECT CAST(id AS TEXT) || ':' || status || ':' || CAST(row_version AS TEXT) AS v FROM spot_checks ORDER BY id",
        "SELECT CAST(count(*) AS TEXT) AS v FROM spot_check_items WHERE result <> 'pending'",
        "SELECT CAST(count(*) AS TEXT) AS v FROM certificate_holds",
        "SELECT CAST(id AS TEXT) || ':' || state || ':' || CAST(row_version AS TEXT) AS v \
         FROM title_corrections ORDER BY id",
        "SELECT CAST(id AS TEXT) || ':' || status || ':' || CAST(version AS TEXT) AS v FROM standards ORDER BY id",
        "SELECT CAST(id AS TEXT) || ':' || name || ':' || CAST(region_id AS TEXT) || ':' \
         || COALESCE(CAST(closed_at AS TEXT), '-') || ':' || COALESCE(CAST(merged_into AS TEXT), '-') AS v \
         FROM units ORDER BY id",
        "SELECT CAST(id AS TEXT) || ':' || name || ':' || CAST(unit_id AS TEXT) || ':' \
         || COALESCE(CAST(closed_at AS TEXT), '-') AS v FROM departments ORDER BY id",
    ] {
        for row in app.db.query_all_raw(Statement::from_string(b, sql)).await.unwrap_or_default() {
            out.push_str(&row.try_get::<String>("", "v").unwrap_or_default());
            out.push('\n');
        }
    }
    out
}

async fn trainee_token(app: &TestApp, f: &Fixture) -> String {
    let c: Value = app.get("/api/v1/auth/captcha").await.json().await.unwrap_or_default();
    let body = json!({"id_number": f.a.id_number, "name": f.a.person_name, "captcha_id": c["captcha_id"],
                      "captcha_answer": c["test_answer"], "password": "trainee-pass-1"});
    let pair: Value = app.post_json("/api/v1/auth/trainee/login", &body).await.json().await.unwrap_or_default();
    let token = pair["access_token"].as_str().unwrap_or_default().to_owned();
    if pair["must_change_password"] == true {
        let res = app
            .call_as(
                Method::POST,
                "/api/v1/auth/password",
                Some(&token),
                Some(&json!({"new_password": "trainee-pass-1"})),
            )
            .await;
        let pair: Value = res.json().await.unwrap_or_default();
        return pair["access_token"].as_str().unwrap_or_default().to_owned();
    }
    token
}

async fn client_token(app: &TestApp) -> String {
    let unit = app.token("unit-a", PASSWORD).await;
    let body = json!({"name": "HR", "scopes": ["read_hierarchy"]});
    let created: Value = app
        .call_as(Method::POST, "/api/v1/api-clients", Some(&unit), Some(&body))
        .await
        .json()
        .await
        .unwrap_or_default();
    let res = app
        .client
        .post(format!("{}/api/v1/auth/token", app.base))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", created["client"]["client_id"].as_str().unwrap_or_default()),
            ("client_secret", created["client_secret"].as_str().unwrap_or_default()),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let t: Value = res.json().await.unwrap_or_default();
    t["access_token"].as_str().unwrap_or_default().to_owned()
}

/// A token for a caller (fresh, since some operations end sessions).
async fn token_for(app: &TestApp, f: &Fixture, who: &str) -> Option<String> {
    match who {
        "anon" => None,
        "trainee" => Some(trainee_token(app, f).await),
        "client" => Some(client_token(app).await),
        name => Some(app.token(name, PASSWORD).await),
    }
}

/// The query string a row's request needs (its required parameters).
fn query_for(path: &str, f: &Fixture) -> String {
    match path {
        "/api/v1/compliance" | "/api/v1/compliance/export" => "?year=2021".to_owned(),
        "/api/v1/credit-drafts" => format!("?department_id={}", f.a.department.0),
        "/api/v1/verifications/candidates" => "?cycle_year=2021&list=normal".to_owned(),
        "/api/v1/verifications"
        | "/api/v1/reviews/queue"
        | "/api/v1/reviews/summary"
        | "/api/v1/verification-stats"
        | "/api/v1/verification-stats/export" => "?cycle_year=2021".to_owned(),
        "/api/v1/certificates" => "?year=2021".to_owned(),
        "/api/v1/me/certificates/proof" | "/api/v1/people/{id}/certificates/proof" => "?years=2021".to_owned(),
        "/api/v1/title-corrections/preview" => "?year=2021&new_title=%E4%B8%BB%E6%B2%BB%E5%8C%BB%E5%B8%88".to_owned(),
        "/api/v1/evidence" => "?file_name=x.pdf".to_owned(),
        _ => String::new(),
    }
}

/// The id a row's path points at, in a place.
async fn target_id(app: &TestApp, w: &World, target: Target, place: Place) -> String {
    let f = &w.f;
    let (unit, department, person) = w.staff(place);
    match target {
        Target::None => String::new(),
        Target::Missing => uuid::Uuid::now_v7().to_string(),
        Target::Unit => w.unit(place).0.to_string(),
        Target::Person => person.0.to_string(),
        Target::Region => if place == Place::Foreign { f.b.county } else { f.a.county }.0.to_string(),
        Target::OfficeRegion => match place {
            Place::Own => f.a.county,
            Place::Sibling => f.a.prefecture,
            Place::Foreign => f.b.county,
        }
        .0
        .to_string(),
        Target::Department => department.0.to_string(),
        Target::Account | Target::UnitAccount => {
            let name = match (target, place) {
                (Target::Account, Place::Own) => "dept-a-target",
                (Target::Account, Place::Sibling) => "dept-a2-target",
                (Target::Account, Place::Foreign) => "dept-b",
                (_, Place::Own) => "unit-a-target",
                (_, Place::Sibling) => "unit-a2-target",
                (_, Place::Foreign) => "unit-b-target",
            };
            cme_store::repo::account::find_by_username(&app.db, name)
                .await
                .ok()
                .flatten()
                .map(|(a, _)| a.id.to_string())
                .unwrap_or_default()
        }
        Target::Client => {
            let scope = match place {
                Place::Own => Scope::Unit(f.a.unit),
                Place::Sibling => Scope::Region(f.a.county),
                Place::Foreign => Scope::Unit(f.b.unit),
            };
            let ops = vec![cme_domain::auth::Operation::ReadHierarchy];
            let (_, _, c) = cme_store::repo::api_client::create(&app.db, "fresh", scope, ops, None)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            c.id.to_string()
        }
        Target::Credit => fresh_credit(app, person, None).await.to_string(),
        Target::Report => {
            let draft = fresh_credit(app, person, Some(department)).await;
            let report = cme_store::repo::credit_report::submit(
                &app.db,
                unit,
                department,
                &[cme_domain::ids::CreditId(draft)],
                None,
                "fixture",
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
            report.id.to_string()
        }
        Target::Activity | Target::OfficeActivity => {
            use cme_domain::activity::ActivityOwner;
            let owner = match (target, place) {
                (Target::Activity, _) => ActivityOwner::Unit(w.unit(place)),
                (_, Place::Own) => ActivityOwner::Region(f.a.county),
                (_, Place::Sibling) => ActivityOwner::Region(f.province),
                (_, Place::Foreign) => ActivityOwner::Region(f.b.county),
            };
            let today = cme_domain::time::today_in_shanghai(chrono::Utc::now());
            let new = cme_store::repo::activity::NewActivity {
                name: "矩阵活动".to_owned(),
                organiser: "主办".to_owned(),
                category: cme_domain::credit::CreditCategory::Project(cme_domain::credit::CreditSource::National),
                amount: cme_domain::Credits::whole(1),
                starts_on: today,
                ends_on: today,
                owner,
                created_by: None,
            };
            cme_store::repo::activity::insert(&app.db, &new).await.unwrap_or_else(|e| panic!("{e}")).id.to_string()
        }
        Target::SpotCheck => {
            use cme_domain::review::Tier;
            use sea_orm::{ActiveValue::Set, EntityTrait as _};
            let (office, region) = match place {
                Place::Own => (Tier::PrefectureOffice, f.a.prefecture),
                Place::Sibling => (Tier::ProvinceWestern, f.province),
                Place::Foreign => (Tier::PrefectureOffice, f.b.prefecture),
            };
            let id = uuid::Uuid::now_v7();
            cme_store::entity::spot_checks::Entity::insert(cme_store::entity::spot_checks::ActiveModel {
                id: Set(id),
                kind: Set(cme_domain::spot_check::SpotCheckKind::Sample),
                year: Set(2021),
                office: Set(office),
                region_id: Set(region.0),
                seed: Set(7),
                rate_permille: Set(100),
                per_unit_min: Set(1),
                institutions: Set(None),
                only_unit_id: Set(None),
                candidates: Set(0),
                status: Set(cme_domain::spot_check::CheckStatus::Open),
                note: Set(None),
                created_by: Set("fixture".to_owned()),
                created_at: Set(chrono::Utc::now()),
                closed_by: Set(None),
                closed_at: Set(None),
                row_version: Set(1),
            })
            .exec_without_returning(&app.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
            id.to_string()
        }
        Target::NewPerson => {
            let seq = PEOPLE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let first = format!("53012519900101{seq:03}");
            let number = format!("{first}{}", cme_domain::id_card::check_character(&first).unwrap_or('0'));
            let p = cme_domain::person::Person {
                id: PersonId::new(),
                unit_id: unit,
                department_id: Some(department),
                name: "新人".to_owned(),
                gender: cme_domain::person::Gender::Female,
                id_number: cme_domain::IdCardNumber::from_trusted(number),
                discipline: cme_domain::person::Discipline::Clinical,
                status: cme_domain::person::PersonStatus::Normal,
                titles: Vec::new(),
            };
            cme_store::repo::person::insert(&app.db, &app.pii, &p).await.unwrap_or_else(|e| panic!("{e}"));
            p.id.0.to_string()
        }
        Target::IncomingTransfer | Target::OutgoingTransfer => {
            // Own: into (out of) side A's unit; sibling: into (out of) the
            // sibling unit; foreign: the other way round, from side A's view.
            let mine = match place {
                Place::Sibling => (w.s.unit, w.s.unit_department),
                Place::Own | Place::Foreign => (f.a.unit, f.a.department),
            };
            let other = (f.b.unit, f.b.department);
            let into_mine = matches!(target, Target::IncomingTransfer) != (place == Place::Foreign);
            let (from, to) = if into_mine { (other, mine) } else { (mine, other) };
            // A fresh person, so that he has no open transfer yet.
            let n = FRESH.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let p = cme_domain::person::Person {
                id: PersonId::new(),
                unit_id: from.0,
                department_id: Some(from.1),
                name: format!("调动{n}"),
                gender: cme_domain::person::Gender::Female,
                id_number: cme_domain::IdCardNumber::from_trusted(id_number(20_000 + n)),
                discipline: cme_domain::person::Discipline::Clinical,
                status: cme_domain::person::PersonStatus::Normal,
                titles: Vec::new(),
            };
            cme_store::repo::person::insert(&app.db, &app.pii, &p).await.unwrap_or_else(|e| panic!("{e}"));
            let t = cme_store::repo::transfer::request(&app.db, p.id, to.0, "矩阵", "fixture")
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            t.id.0.to_string()
        }
        Target::Verification => fresh_verification(app, unit, department, Vec::new()).await.to_string(),
        Target::Evidence => {
            // Uploaded by the place's department, or unit (accounts no row touches).
            let uploader = match place {
                Place::Own => "dept-a",
                Place::Sibling => "dept-a2",
                Place::Foreign => "uploader-b",
            };
            let token = app.token(uploader, PASSWORD).await;
            let res = app
                .client
                .post(format!("{}/api/v1/evidence?file_name=notice.pdf", app.base))
                .bearer_auth(token)
                .header("content-type", "application/pdf")
                .body(PDF.to_vec())
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let e: Value = res.json().await.unwrap_or_default();
            let id = uuid::Uuid::parse_str(e["id"].as_str().unwrap_or_default()).unwrap_or_default();
            fresh_verification(app, unit, department, vec![id]).await;
            id.to_string()
        }
    }
}

/// A small PDF.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n";

/// A fresh person of the unit's department with a 2021 verification
/// prepared by the department and submitted by the unit (row version 2),
/// backed by `evidence`.
async fn fresh_verification(
    app: &TestApp,
    unit: UnitId,
    department: DepartmentId,
    evidence: Vec<uuid::Uuid>,
) -> uuid::Uuid {
    use cme_store::repo::verification::{self as verifications, Acting, NewVerification};
    let n = FRESH.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let p = cme_domain::person::Person {
        id: PersonId::new(),
        unit_id: unit,
        department_id: Some(department),
        name: format!("验证{n}"),
        gender: cme_domain::person::Gender::Female,
        id_number: cme_domain::IdCardNumber::from_trusted(id_number(20_000 + n)),
        discipline: cme_domain::person::Discipline::Clinical,
        status: cme_domain::person::PersonStatus::Normal,
        titles: Vec::new(),
    };
    cme_store::repo::person::insert(&app.db, &app.pii, &p).await.unwrap_or_else(|e| panic!("{e}"));
    let mut new = NewVerification::normal(p.id, 2021);
    new.department_id = Some(department);
    new.evidence = evidence;
    let by = Acting { tier: cme_domain::review::Tier::Unit, id: None, name: "fixture" };
    let r = verifications::create(&app.db, &new, &by).await.unwrap_or_else(|e| panic!("{e}"));
    verifications::apply_to(&app.db, &r, cme_domain::review::Event::Submit, &by, None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    r.id.0
}

/// A paper credit of 2021 for the person: valid, or a department's draft.
async fn fresh_credit(
    app: &TestApp,
    person: cme_domain::ids::PersonId,
    department: Option<cme_domain::ids::DepartmentId>,
) -> uuid::Uuid {
    use cme_domain::credit::{CreditCategory, CreditRecord, CreditSource, CreditState, EntryPath};
    let id = uuid::Uuid::now_v7();
    let record = CreditRecord {
        id: cme_domain::ids::CreditId(id),
        person_id: person,
        year: 2021,
        category: CreditCategory::Project(CreditSource::Provincial),
        amount: cme_domain::Credits::whole(1),
        entry_path: if department.is_some() { EntryPath::PaperDepartment } else { EntryPath::PaperUnit },
        state: if department.is_some() { CreditState::Draft } else { CreditState::Valid },
        activity_name: "培训".to_owned(),
        organiser: None,
        earned_on: chrono::NaiveDate::from_ymd_opt(2021, 3, 1),
        certificate_no: Some(format!("F-{id}")),
        reverses: None,
        note: None,
        created_at: chrono::Utc::now(),
    };
    let new = cme_store::repo::credit::NewCredit {
        record,
        activity_id: None,
        created_by: Some("fixture".to_owned()),
        department_id: department,
    };
    cme_store::repo::credit::record(&app.db, &new).await.unwrap_or_else(|e| panic!("{e}"));
    id
}

/// Serials of the people made for `Target::NewPerson` (unique per process).
static PEOPLE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(100);

/// Fresh people for transfer targets.
static FRESH: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// A valid ID number for the `n`th new person.
fn id_number(n: u32) -> String {
    let first = format!("5301021970{:02}{:02}{:03}", 1 + (n / 28_000) % 12, 1 + (n / 1000) % 28, n % 1000);
    format!("{first}{}", cme_domain::id_card::check_character(&first).unwrap_or('0'))
}

/// The CSV of one valid new person (the import's `check` mode writes nothing).
fn import_file(n: usize) -> Vec<u8> {
    let id = id_number(10_000 + n as u32);
    format!("姓名,性别,身份证号,专业类别\n导入{n},男,{id},临床\n").into_bytes()
}

/// The ID number of the place's person.
fn place_id_number(f: &Fixture, place: Place) -> String {
    match place {
        Place::Own => f.a.id_number.clone(),
        Place::Sibling => fixture::sibling_id_number(),
        Place::Foreign => f.b.id_number.clone(),
    }
}

/// A valid 统一社会信用代码, fresh for each `n`.
fn uscc(n: usize) -> String {
    let first = format!("9153{:013}", n);
    format!("{first}{}", cme_domain::org::uscc_check_char(&first).unwrap_or('0'))
}

/// A CSV file opening one Western village clinic in side A's county (甲县, 530125).
fn unit_file(n: usize) -> Vec<u8> {
    format!(
        "单位名称,单位级别,中西医类别,所属地区,统一社会信用代码或执业许可证登记号\n导入卫生室{n},村级,西医,530125,{}\n",
        uscc(n + 500_000)
    )
    .into_bytes()
}

/// A CSV file of one paper certificate for the place's person.
fn paper_file(f: &Fixture, place: Place, n: usize) -> Vec<u8> {
    let id = place_id_number(f, place);
    format!("身份证号,项目/活动名称,学分类别,学分,获得日期,证书编号\n{id},讲座,自管学分,1,2021-04-01,MF-{n}\n")
        .into_bytes()
}

fn body_for(body: Body, w: &World, place: Place, n: usize, target: &str) -> Option<Value> {
    let f = &w.f;
    let (_, department, person) = w.staff(place);
    let unit = w.unit(place);
    match body {
        Body::None => None,
        Body::Fixed(make) => Some(make()),
        Body::Reveal => Some(json!({"reason": "核对材料"})),
        Body::NewDepartmentAccount => Some(json!({"username": format!("new-dept-{n}"), "display_name": "新科室",
                                                  "role": "department", "organisation_id": department.0})),
        Body::NewUnitAccount => Some(json!({"username": format!("new-unit-{n}"), "display_name": "新单位账号",
                                            "role": "unit", "organisation_id": unit.0})),
        Body::Rename => Some(json!({"display_name": format!("改名{n}")})),
        Body::WrongPassword => Some(json!({"current_password": "wrong-current-1", "new_password": "another-pass-1"})),
        Body::NewClient => Some(json!({"name": format!("client-{n}"), "scopes": ["read_hierarchy"]})),
        Body::PaperCredit => Some(json!({"year": 2021, "kind": "project", "source": "national", "amount": 1,
                                         "activity_name": "培训", "earned_on": "2021-04-01",
                                         "certificate_no": format!("M-{n}")})),
        Body::PaperBatch => Some(json!({"rows": [{"id_number": place_id_number(f, place), "kind": "self_managed",
                                                  "amount": 1, "activity_name": "讲座", "earned_on": "2021-04-01",
                                                  "certificate_no": format!("MB-{n}")}]})),
        Body::Reason => Some(json!({"reason": "录入错误"})),
        Body::UnknownDrafts => Some(json!({"credit_ids": [uuid::Uuid::now_v7()]})),
        Body::UnknownDecision => Some(json!({"decisions": [{"credit_id": uuid::Uuid::now_v7(), "approve": true}]})),
        Body::Year => Some(json!({"year": 2021})),
        Body::NewActivity => Some(json!({"name": format!("活动{n}"), "organiser": "主办", "kind": "project",
                                         "source": "national", "amount": 1, "starts_on": "2026-05-01",
                                         "ends_on": "2026-05-01"})),
        Body::CancelActivity => Some(json!({"reason": "改期举行"})),
        Body::Roster => Some(json!({"id_numbers": [f.a.id_number]})),
        Body::SignIn => {
            // The test app's secret is [9; 32] (common::spawn).
            let key = cme_domain::sign_in_code::SignInKey::derive(&[9u8; 32]);
            let id = cme_domain::ids::ActivityId(uuid::Uuid::parse_str(target).unwrap_or_default());
            Some(json!({"code": cme_domain::sign_in_code::issue(&key, id, chrono::Utc::now()).code}))
        }
        Body::Completion => Some(json!({"year": 2021, "completed_on": "2021-11-20"})),
        Body::CompletionImport => {
            Some(json!({"rows": [{"id_number": f.a.id_number, "year": 2021, "completed_on": "2021-11-20"}]}))
        }
        Body::NewPerson => {
            let (unit, department, _) = w.staff(place);
            Some(json!({"name": format!("新人{n}"), "gender": "female", "id_number": id_number(n as u32),
                        "unit_id": unit.0, "department_id": department.0, "discipline": "clinical"}))
        }
        Body::NewTitle => Some(json!({"name": "副主任医师", "obtained_on": "2024-01-01"})),
        Body::StatusChange => Some(json!({"status": "exempt", "reason": "长期病假"})),
        Body::Transfer => Some(
            json!({"to_unit_code": if place == Place::Foreign { "U530125" } else { "U530381" }, "reason": "工作调动"}),
        ),
        Body::Empty => Some(json!({})),
        Body::Lookup => Some(json!({"id_number": place_id_number(f, place)})),
        Body::Upsert => Some(json!({"id_number": id_number(n as u32), "name": format!("同步{n}"), "gender": "male",
                                     "unit_id": unit.0, "discipline": "clinical"})),
        Body::Batch => Some(json!({"rows": [{"id_number": id_number(n as u32), "name": format!("批量{n}"),
                                              "gender": "male", "unit_id": unit.0, "discipline": "clinical"}]})),
        // Sent as multipart (or raw) by the loop.
        Body::ImportFile | Body::EvidenceFile | Body::PaperFile => None,
        Body::Cycle => Some(json!({})),
        Body::Window => Some(json!({"starts_at": "2022-01-10T00:00:00+08:00", "ends_at": "2022-02-10T23:59:59+08:00"})),
        Body::Submission => Some(json!({"cycle_year": 2021, "list": "normal", "people": [{"person_id": person.0}]})),
        Body::UnknownRecords => Some(json!({"ids": [uuid::Uuid::now_v7()]})),
        Body::Decision => Some(json!({"decision": "approve", "items": [{"id": target, "row_version": 2}]})),
        Body::Numbers => Some(json!({"cycle_year": 2021})),
        Body::QueueLookup => Some(json!({"cycle_year": 2021, "id_number": f.a.id_number})),
        Body::OpenUnit => {
            let (region, medicine) = match place {
                Place::Own => (f.a.county, "western"),
                Place::Sibling => (f.a.county, "tcm"),
                Place::Foreign => (f.b.county, "western"),
            };
            Some(json!({"name": format!("新开卫生室{n}"), "level": "village", "medicine": medicine,
                        "region_id": region.0, "code": uscc(n)}))
        }
        Body::UnitFile => None,
        Body::MoveToSame => Some(json!({"region_id": if place == Place::Foreign { f.b.county } else { f.a.county }.0})),
        Body::MergeIntoSelf => Some(json!({"into_unit_id": target})),
        Body::NewName => Some(json!({"name": format!("新名称{n}")})),
    }
}

both_backends!(every_operation_every_role_owner_sibling_and_foreign, |app| async move {
    let f = fixture::load(&app).await;
    let s = fixture::add_siblings(&app, &f).await;
    fixture::add_target_accounts(&app, &f).await;
    // A worker of the TCM sibling hospital, so that closing it is refused as
    // closing side A's and B's units is (staff remain).
    let worker = cme_domain::person::Person {
        id: PersonId::new(),
        unit_id: s.unit,
        department_id: Some(s.unit_department),
        name: "甲县中医医生".to_owned(),
        gender: cme_domain::person::Gender::Male,
        id_number: cme_domain::IdCardNumber::from_trusted(id_number(99_999)),
        discipline: cme_domain::person::Discipline::Clinical,
        status: cme_domain::person::PersonStatus::Normal,
        titles: Vec::new(),
    };
    cme_store::repo::person::insert(&app.db, &app.pii, &worker).await.unwrap_or_else(|e| panic!("{e}"));
    // Uploaders and targets no row signs in as.
    for (name, role, scope) in [
        ("uploader-b", Role::Unit, Scope::Unit(f.b.unit)),
        ("dept-a2", Role::Department, Scope::Department(f.a.unit, s.department)),
        ("dept-a2-target", Role::Department, Scope::Department(f.a.unit, s.department)),
        ("unit-a-target", Role::Unit, Scope::Unit(f.a.unit)),
        ("unit-a2-target", Role::Unit, Scope::Unit(s.unit)),
        ("unit-b-target", Role::Unit, Scope::Unit(f.b.unit)),
    ] {
        fixture::add_account(&app, name, role, scope).await;
    }
    let w = World { f, s };
    let f = &w.f;
    // 2021's cycle, kept open (its default window, to 1 Mar 2022, is over).
    let mut dates = cme_domain::cycle::calendar::Calendar::defaults(2021).unwrap_or_else(|e| panic!("{e}")).dates();
    dates.closes_on = chrono::NaiveDate::from_ymd_opt(2099, 6, 30).unwrap_or_default();
    let calendar = cme_domain::cycle::calendar::Calendar::parse(2021, dates).unwrap_or_else(|e| panic!("{e}"));
    cme_store::repo::cycle::put(&app.db, &calendar, "fixture", None).await.unwrap_or_else(|e| panic!("{e}"));
    let rows = table();

    // Every operation of the route table is in the table (or public).
    let doc = serde_json::to_value(cme_api::openapi()).unwrap_or_default();
    let mut missing = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in item.as_object().into_iter().flatten().map(|(m, _)| m.to_uppercase()) {
            let listed = rows.iter().any(|r| r.method == method && r.path == path)
                || PUBLIC.iter().any(|(m, p)| *m == method && p == path);
            if !listed {
                missing.insert(format!("{method} {path}"));
            }
        }
    }
    assert!(missing.is_empty(), "operations without a row in the authorization table: {missing:?}");
    // Every write on an object says what its owner, a non-owner inside the
    // jurisdiction and a foreign caller get: a missing ownership rule shows.
    let unplaced: Vec<String> = rows
        .iter()
        .filter(|r| r.changes_an_owned_object() && (r.sibling.is_none() || r.foreign.is_none()))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(unplaced.is_empty(), "writes without owner, sibling and foreign expectations: {unplaced:?}");

    let mut failures = Vec::new();
    let mut n = 0;
    for row in &rows {
        let places: Vec<(Place, [u16; 10])> = std::iter::once((Place::Own, row.own))
            .chain(row.sibling.map(|s| (Place::Sibling, s)))
            .chain(row.foreign.map(|f| (Place::Foreign, f)))
            .collect();
        for (place, expected) in places {
            for (i, who) in WHO.iter().enumerate() {
                n += 1;
                let token = token_for(&app, f, who).await;
                let id = target_id(&app, &w, row.target, place).await;
                let mut path = row.path.replace("{id}", &id).replace("{year}", "2021").replace("{tier}", "township");
                path.push_str(&query_for(row.path, f));
                if !row.query.is_empty() {
                    path.push(if path.contains('?') { '&' } else { '?' });
                    path.push_str(row.query);
                }
                let before = if row.write { Some(fingerprint(&app).await) } else { None };
                let method = Method::from_bytes(row.method.as_bytes()).unwrap_or(Method::GET);
                let res = if matches!(row.body, Body::ImportFile) {
                    let part = reqwest::multipart::Part::bytes(import_file(n)).file_name("staff.csv");
                    let mut r = app
                        .client
                        .post(format!("{}{path}", app.base))
                        .multipart(reqwest::multipart::Form::new().part("file", part));
                    if let Some(t) = token.as_deref() {
                        r = r.bearer_auth(t);
                    }
                    r.send().await.unwrap_or_else(|e| panic!("{e}"))
                } else if matches!(row.body, Body::PaperFile | Body::UnitFile) {
                    let file = if matches!(row.body, Body::UnitFile) { unit_file(n) } else { paper_file(f, place, n) };
                    let mut r =
                        app.client.post(format!("{}{path}", app.base)).header("content-type", "text/csv").body(file);
                    if let Some(t) = token.as_deref() {
                        r = r.bearer_auth(t);
                    }
                    r.send().await.unwrap_or_else(|e| panic!("{e}"))
                } else if matches!(row.body, Body::EvidenceFile) {
                    let mut r = app
                        .client
                        .post(format!("{}{path}", app.base))
                        .header("content-type", "application/pdf")
                        .body(PDF.to_vec());
                    if let Some(t) = token.as_deref() {
                        r = r.bearer_auth(t);
                    }
                    r.send().await.unwrap_or_else(|e| panic!("{e}"))
                } else {
                    app.call_as(method, &path, token.as_deref(), body_for(row.body, &w, place, n, &id).as_ref()).await
                };
                let got = res.status().as_u16();
                if got != expected[i] {
                    failures.push(format!(
                        "{} {}{} as {who} ({}): got {got}, want {}",
                        row.method,
                        row.path,
                        if row.query.is_empty() { String::new() } else { format!("?{}", row.query) },
                        place.label(),
                        expected[i]
                    ));
                }
                if let Some(before) = before
                    && got >= 400
                    && fingerprint(&app).await != before
                {
                    failures
                        .push(format!("{} {} as {who}: denied ({got}) but the database changed", row.method, row.path));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {n} checks failed:\n{}", failures.len(), failures.join("\n"));
});
