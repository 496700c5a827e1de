//! The annual verification (SPEC §5, §6): a unit's submissions (验证信息上报)
//! on the normal, make-up (补验) and special-personnel lists, evidence
//! uploads, each office's review queue and decisions (one record or a
//! batch, all or nothing), a record's timeline, certificate numbers
//! (生成证书编号) and the cycle's statistics.

mod evidence;
mod jobs;
mod reviews;
mod stats;
mod submissions;

use utoipa_actix_web::service_config::ServiceConfig;

pub use jobs::start_worker as start_review_worker;

/// Registers this resource's routes (the route table and the OpenAPI
/// document are built from the same calls).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(submissions::candidates)
        .service(submissions::submit_records)
        .service(submissions::submit)
        .service(reviews::list_verifications)
        .service(reviews::review_queue)
        .service(reviews::review_summary)
        .service(reviews::lookup_in_queue)
        .service(reviews::decide)
        .service(reviews::approve_matching)
        .service(jobs::get_review_job)
        .service(reviews::issue_numbers)
        .service(stats::stats)
        .service(stats::export_stats)
        .service(evidence::upload_evidence)
        .service(evidence::get_evidence)
        .service(reviews::get_verification);
}
