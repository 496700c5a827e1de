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
