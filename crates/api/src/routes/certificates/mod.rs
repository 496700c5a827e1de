//! Certificates (学分验证合格证书, SPEC §8): offices' seals, the certificates
//! of one's staff (listed, printed one by one or in batches as one streamed
//! PDF, revoked), a trainee's own and his multi-year proof, and the public
//! verification by QR code or by number and check code.
//!
//! Every PDF that leaves (one, a batch, a proof; for staff, trainees and
//! outside systems alike) passes one gate, [`may_print`]: only a
//! valid certificate prints, so a PDF never contradicts the public page (a
//! revoked, held or superseded one answers 409 naming its status), and one
//! without its office's seal prints only for the unit and the offices
//! (notice-2017: the department and the trainee are told why). Links are
//! built from the configured public URL, never from the request.
//!
//! A certificate is stored as issued (what it prints), and its PDF is
//! rendered from that snapshot whenever asked: the same bytes every time,
//! so its ETag is the version's id and row version.

mod jobs;
mod print;
mod public;
mod register;
mod seals;

pub use jobs::{PrintWorker, start_print_worker};
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers this resource's routes (the route table and the OpenAPI
/// document are built from the same calls).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(seals::my_seal)
        .service(seals::put_seal)
        .service(seals::retire_seal)
        .service(seals::seal_image)
        // Fixed paths under /certificates before /certificates/{id}.
        .service(register::list_certificates)
        .service(register::search_certificates)
        .service(print::print_certificates)
        .service(jobs::queue_print)
        .service(jobs::get_print_job)
        .service(jobs::cancel_print_job)
        .service(jobs::print_job_download)
        .service(jobs::print_job_file)
        .service(register::get_certificate)
        .service(print::certificate_pdf)
        .service(register::revoke_certificate)
        .service(print::my_proof)
        .service(register::my_certificates)
        .service(print::person_proof)
        .service(register::person_certificates)
        .service(public::public_by_number)
        .service(public::public_by_token);
}
