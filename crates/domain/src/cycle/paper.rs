//! Paper verification (纸质验证, notice-2021 §三(二)): a worker's paper
//! certificates travel up the same review chain on paper, and the offices
//! record the outcome in the system. The unit submits the person on the
//! paper path with scans of the certificates; each office decides as for an
//! electronic record; the final office numbers it. The system's own verdict
//! does not bar the path (the offices judge the paper), but it stays beside
//! the record for the reviewers.

use crate::cycle::list::ListKind;

string_enum! {
    /// How a person-year is verified (学分验证方式, notice-2021 §三).
    #[derive(Default)]
    pub enum VerificationPath {
        /// On the system's own credits (电子验证).
        #[default]
        Electronic => ("electronic", "电子验证"),
        /// On the worker's paper certificates, scanned and judged by the offices (纸质验证).
        Paper => ("paper", "纸质验证"),
    }
}

/// What a paper submission must carry, as the upload form names it.
pub const PAPER_EVIDENCE_LABEL: &str = "纸质学分证书扫描件";

/// Why a person-year cannot go on a list by a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// Special personnel have their own review and evidence (SPEC §6).
    #[error("特殊人员名单不走纸质验证，请按特殊人员上报")]
    SpecialOnPaper,
    /// A paper submission without the scans of its certificates.
    #[error("纸质验证须上传{PAPER_EVIDENCE_LABEL}")]
    NoScans,
}

impl VerificationPath {
    /// Whether the system's compliance verdict decides who may go on the
    /// normal and make-up lists: only on the electronic path (on paper the
    /// offices judge the certificates).
    pub fn checks_compliance(self) -> bool {
        self == VerificationPath::Electronic
    }

    /// The label a certificate or record prints for the path: the paper
    /// path only (an electronic record says nothing, as before).
    pub fn printed_label(self) -> Option<&'static str> {
        (self == VerificationPath::Paper).then(|| self.label())
    }
}

/// Checks a submission of one person-year on `list` by `path` with
/// `evidence_files` scans attached: paper goes on the normal and make-up
/// lists only, and with at least one scan.
pub fn check_path(list: ListKind, path: VerificationPath, evidence_files: usize) -> Result<(), PathError> {
    match path {
        VerificationPath::Electronic => Ok(()),
        VerificationPath::Paper if list == ListKind::Special => Err(PathError::SpecialOnPaper),
        VerificationPath::Paper if evidence_files == 0 => Err(PathError::NoScans),
        VerificationPath::Paper => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_needs_scans_and_stays_off_the_special_list() {
        use ListKind::*;
        use VerificationPath::*;
        let table = [
            (Normal, Electronic, 0, Ok(())),
            (MakeUp, Electronic, 0, Ok(())),
            (Special, Electronic, 1, Ok(())),
            (Normal, Paper, 1, Ok(())),
            (MakeUp, Paper, 3, Ok(())),
            (Normal, Paper, 0, Err(PathError::NoScans)),
            (MakeUp, Paper, 0, Err(PathError::NoScans)),
            (Special, Paper, 1, Err(PathError::SpecialOnPaper)),
        ];
        for (list, path, files, want) in table {
            assert_eq!(check_path(list, path, files), want, "{list} {path} {files}");
        }
        assert_eq!(PathError::NoScans.to_string(), "纸质验证须上传纸质学分证书扫描件");
    }

    #[test]
    fn only_the_electronic_path_is_bound_by_the_verdict() {
        assert!(VerificationPath::Electronic.checks_compliance());
        assert!(!VerificationPath::Paper.checks_compliance());
        assert_eq!(VerificationPath::default(), VerificationPath::Electronic);
        assert_eq!(VerificationPath::Paper.printed_label(), Some("纸质验证"));
        assert_eq!(VerificationPath::Electronic.printed_label(), None);
        assert_eq!(VerificationPath::parse("paper"), Some(VerificationPath::Paper));
    }
}
