//! `openapi/openapi.json` is generated from the route table and committed;
//! this fails when they drift. `UPDATE_OPENAPI=1` rewrites the file.

#[test]
fn the_committed_openapi_document_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json");
    let generated = cme_api::openapi::to_pretty_json(&cme_api::openapi()).unwrap_or_default();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == generated, "openapi/openapi.json is stale: run `make openapi` and commit the result");
    // Every operation is documented and every error is problem+json.
    let doc: serde_json::Value = serde_json::from_str(&generated).unwrap_or_default();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            assert!(op["description"].is_string() || op["summary"].is_string(), "{method} {path} has no doc comment");
        }
    }
}

/// What the shared machinery answers is declared on every operation it can
/// answer for (see `cme_api::openapi::complete`), so the declarations cannot
/// drift from the routes: a signed-in operation declares 401 and 503, one
/// with a JSON body 400, 413 and 415, one that honours `Idempotency-Key`
/// the header and 422; and every error an operation declares is
/// problem+json.
#[test]
fn shared_answers_are_declared_on_every_operation() {
    let doc = serde_json::to_value(cme_api::openapi()).unwrap_or_default();
    let resolve = |r: &serde_json::Value| -> serde_json::Value {
        match r["$ref"].as_str().and_then(|p| p.strip_prefix("#/components/responses/")) {
            Some(name) => doc["components"]["responses"][name].clone(),
            None => r.clone(),
        }
    };
    let mut missing = Vec::new();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            operations += 1;
            let responses = &op["responses"];
            let mut need = vec!["503"];
            let secured = op["security"]
                .as_array()
                .is_some_and(|s| s.iter().any(|r| r.as_object().is_some_and(|o| !o.is_empty())));
            if secured {
                need.extend(["401", "429"]);
            }
            let json_body =
                op["requestBody"]["content"].as_object().is_some_and(|c| c.keys().any(|t| t.contains("json")));
            if json_body {
                need.extend(["400", "413", "415", "422"]);
            }
            let keyed = op["parameters"].as_array().into_iter().flatten().any(|p| p["name"] == "Idempotency-Key");
            let honours = method == "post" && cme_api::idempotency::honours_key(path);
            if keyed != honours {
                missing.push(format!("{method} {path}: Idempotency-Key declared {keyed}, honoured {honours}"));
            }
            if keyed {
                need.extend(["409", "413", "422"]);
            }
            for status in need {
                if responses.get(status).is_none() {
                    missing.push(format!("{method} {path}: no {status}"));
                }
            }
            for (status, response) in responses.as_object().into_iter().flatten() {
                // /health's and /health/ready's 503 is their report (the database is down,
                // the instance stopping), not an error.
                let report = matches!(path.as_str(), "/api/v1/health" | "/api/v1/health/ready") && status == "503";
                if !(status.starts_with('4') || status.starts_with('5')) || report {
                    continue;
                }
                let content = resolve(response)["content"].clone();
                let types: Vec<&String> = content.as_object().map(|c| c.keys().collect()).unwrap_or_default();
                if types != ["application/problem+json"] {
                    missing.push(format!("{method} {path}: {status} is {types:?}, not problem+json"));
                }
            }
        }
    }
    assert!(operations > 100, "only {operations} operations");
    assert!(missing.is_empty(), "operations without their shared answers: {missing:#?}");
}

/// utoipa names a component schema after its Rust type, so two types of one
/// name (the people upsert's and the compliance verdict's `Outcome`) collide
/// silently and one documents the other. Every type that derives `ToSchema`
/// in the workspace must have a schema name of its own (its type name, or
/// its `#[schema(as = …)]`).
#[test]
fn schema_names_are_unique() {
    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for krate in ["api", "domain", "store", "documents"] {
        rust_files(&crates.join(krate).join("src"), &mut files);
    }
    let mut seen: std::collections::BTreeMap<String, Vec<String>> = std::collections::BTreeMap::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if !(line.trim_start().starts_with("#[derive(") && line.contains("ToSchema")) {
                continue;
            }
            // The item follows its attributes; `#[schema(as = X)]` renames it.
            let mut renamed = None;
            for next in lines.iter().skip(i + 1).take(12) {
                let t = next.trim_start();
                if let Some(rest) = t.strip_prefix("#[schema(as = ") {
                    renamed = rest.split([')', ',']).next().map(|s| s.trim().to_owned());
                }
                let item = t.strip_prefix("pub ").unwrap_or(t);
                if let Some(rest) = item.strip_prefix("struct ").or_else(|| item.strip_prefix("enum ")) {
                    let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    let name = renamed.take().unwrap_or(name);
                    seen.entry(name).or_default().push(format!("{}:{}", file.display(), i + 1));
                    break;
                }
            }
        }
    }
    assert!(seen.len() > 50, "the scan found only {} schemas", seen.len());
    let collisions: Vec<_> = seen.iter().filter(|(_, at)| at.len() > 1).collect();
    assert!(collisions.is_empty(), "schema names used by more than one type: {collisions:#?}");
}

/// The SPA's Chinese labels of the wire enums come from the Rust
/// definitions (the domain's `string_enum!`s and the few enums of the API
/// alone, which have the same `ALL`, `as_str` and `label`), written to
/// `frontend/src/constants/labels.generated.ts` with the evidence rule's
/// constants; this fails when that file drifts from the Rust code.
/// `UPDATE_LABELS=1` rewrites it.
#[test]
fn the_spa_labels_are_generated_from_the_rust_enums() {
    use cme_domain::cycle::evidence::{EvidenceKind, MAX_EVIDENCE_BYTES};
    use std::fmt::Write as _;

    macro_rules! enums {
        ($($ts:literal => $rust:ty),+ $(,)?) => {{
            let mut out = String::from(
                "// Generated from the Rust enums (`string_enum!` in crates/domain, and the\n\
                 // API's own enums of the same shape): the wire names and the Chinese labels\n\
                 // people see, one source for the server's documents and the SPA. Do not\n\
                 // edit: run `UPDATE_LABELS=1 cargo test -p cme-api --test openapi` after\n\
                 // changing a label.\n",
            );
            $(
                let _ = write!(out, "\nexport const {} = {{\n", $ts);
                for v in <$rust>::ALL {
                    // A dotted name (an audit action) is quoted.
                    if v.as_str().contains('.') {
                        let _ = writeln!(out, "  {:?}: {:?},", v.as_str(), v.label());
                    } else {
                        let _ = writeln!(out, "  {}: {:?},", v.as_str(), v.label());
                    }
                }
                out.push_str("} as const;\n");
            )+
            out
        }};
    }
    let mut generated = enums! {
        "UNIT_LEVEL" => cme_domain::org::UnitLevel,
        "REGION_LEVEL" => cme_domain::org::RegionLevel,
        "MEDICINE" => cme_domain::org::Medicine,
        "TITLE_LEVEL" => cme_domain::person::TitleLevel,
        "DISCIPLINE" => cme_domain::person::Discipline,
        "PERSON_STATUS" => cme_domain::person::PersonStatus,
        "GENDER" => cme_domain::person::Gender,
        "TITLE_SERIES" => cme_domain::titles::TitleSeries,
        "ROLE" => cme_domain::auth::Role,
        "OPERATION" => cme_domain::auth::Operation,
        "CREDIT_KIND" => cme_domain::credit::CreditKind,
        "CREDIT_CLASS" => cme_domain::credit::CreditClass,
        "CREDIT_SOURCE" => cme_domain::credit::CreditSource,
        "CREDIT_STATE" => cme_domain::credit::CreditState,
        "ENTRY_PATH" => cme_domain::credit::EntryPath,
        "OUTCOME" => cme_domain::compliance::Outcome,
        "SHORTFALL_CODE" => cme_domain::compliance::ShortfallCode,
        "NOT_COUNTED_REASON" => cme_domain::compliance::NotCountedReason,
        "TRANSFER_STATE" => cme_domain::transfer::TransferState,
        "LIST_KIND" => cme_domain::cycle::list::ListKind,
        "VERIFICATION_PATH" => cme_domain::cycle::paper::VerificationPath,
        "WINDOW_TIER" => cme_domain::cycle::window::WindowTier,
        "SPECIAL_REASON" => cme_domain::cycle::special::SpecialReason,
        "EVIDENCE_KIND" => cme_domain::cycle::evidence::EvidenceKind,
        "REVIEW_TIER" => cme_domain::review::Tier,
        "REVIEW_STAGE" => cme_domain::review::Stage,
        "VERIFICATION_STATE" => cme_domain::review::StateKind,
        "REVIEW_EVENT" => cme_domain::review::Event,
        "CERTIFICATE_STATUS" => cme_domain::certificate::status::CertificateStatus,
        "CORRECTION_STATE" => cme_domain::title_correction::CorrectionState,
        "CORRECTION_EVENT" => cme_domain::title_correction::CorrectionEvent,
        "SPOT_CHECK_KIND" => cme_domain::spot_check::SpotCheckKind,
        "ITEM_RESULT" => cme_domain::spot_check::ItemResult,
        "INSTITUTION_OUTCOME" => cme_domain::spot_check::InstitutionOutcome,
        "ROSTER_OUTCOME" => cme_domain::activity::RosterOutcome,
        "IMPORT_MODE" => cme_api::dto::people::ImportMode,
        "REVIEW_DECISION" => cme_api::dto::verification::Decision,
        "STATS_GROUPING" => cme_domain::report::Grouping,
        "STANDARD_LIMIT" => cme_domain::standard::Limit,
        "WINDOW_STATUS" => cme_domain::cycle::window::WindowStatus,
        "SCOPE_KIND" => cme_domain::auth::ScopeKind,
        "AUDIT_ACTION" => cme_domain::audit::AuditAction,
        "AUDIT_TARGET" => cme_domain::audit::AuditTarget,
        "NOTIFICATION_KIND" => cme_domain::notification::NotificationKind,
    };
    // The evidence rule (`domain::cycle::evidence`): the kinds of file
    // accepted, by media type, and the largest size.
    generated.push_str("\n// The media type of each evidence kind, and the largest evidence file in bytes.\n");
    generated.push_str("export const EVIDENCE_CONTENT_TYPE = {\n");
    for k in EvidenceKind::ALL {
        let _ = writeln!(generated, "  {}: {:?},", k.as_str(), k.content_type());
    }
    generated.push_str("} as const;\n");
    let _ = writeln!(generated, "\nexport const MAX_EVIDENCE_BYTES = {MAX_EVIDENCE_BYTES};");
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../frontend/src/constants/labels.generated.ts");
    if std::env::var_os("UPDATE_LABELS").is_some() {
        std::fs::write(&path, &generated).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "frontend/src/constants/labels.generated.ts is stale: run `UPDATE_LABELS=1 cargo test -p cme-api --test openapi` and commit the result"
    );
}
