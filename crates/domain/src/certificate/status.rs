//! What a certificate (one version of it) is worth today, and whether it may
//! leave the system as a PDF: only a valid one prints, so a PDF never
//! disagrees with the public verification page.

use crate::standard::FIRST_YEAR;

/// Certificates exist for 2015 and later (SPEC §8): the first verified year.
pub const FIRST_CERTIFICATE_YEAR: i32 = FIRST_YEAR;

/// At most this many years in one multi-year proof.
pub const MAX_PROOF_YEARS: usize = 5;

string_enum! {
    /// How the public looked a certificate up.
    pub enum LookupMethod {
        /// The QR code printed on the certificate.
        Qr => ("qr", "扫描二维码"),
        /// The certificate number and its check code.
        Number => ("number", "证书编号查询"),
    }
}

string_enum! {
    /// What a certificate (one version of it) is worth today.
    pub enum CertificateStatus {
        Valid => ("valid", "有效"),
        /// A later version with the same number replaced it (title correction).
        Superseded => ("superseded", "已被更正后的新版本取代"),
        /// An office revoked it, with a reason.
        Revoked => ("revoked", "已撤销"),
        /// Its institution's year was sent back by an inspection.
        Held => ("held", "暂停使用（单位复验中）"),
    }
}

/// The status from the facts: a revocation outweighs a newer version, which
/// outweighs a hold.
pub fn status(revoked: bool, superseded: bool, held: bool) -> CertificateStatus {
    if revoked {
        CertificateStatus::Revoked
    } else if superseded {
        CertificateStatus::Superseded
    } else if held {
        CertificateStatus::Held
    } else {
        CertificateStatus::Valid
    }
}

/// Who asks for a certificate's PDF (single, batch, multi-year proof).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Printer {
    /// A county, prefecture or province office (the offices that stamp).
    Office,
    /// A unit's CME office (单位版).
    Unit,
    /// A department (科室版).
    Department,
    /// The holder himself (学员中心).
    Trainee,
    /// An outside system (HR, a phone app's back end).
    ApiClient,
}

/// Why a certificate does not leave the system as a PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintRefusal {
    /// It is not valid today (superseded, revoked or held): a PDF would
    /// contradict the public verification page.
    NotValid(CertificateStatus),
    /// Its office had no electronic seal: notice-2017 lets only the unit
    /// print it (and the committee stamp it by hand); 科室版 and 学员中心
    /// cannot.
    Unsealed,
}

impl PrintRefusal {
    /// The stable problem code.
    pub fn code(self) -> &'static str {
        match self {
            PrintRefusal::NotValid(CertificateStatus::Revoked) => "certificate_revoked",
            PrintRefusal::NotValid(CertificateStatus::Held) => "certificate_held",
            PrintRefusal::NotValid(_) => "certificate_superseded",
            PrintRefusal::Unsealed => "certificate_unsealed",
        }
    }

    /// What the person asking is told (the revocation's reason when there is one).
    pub fn detail(self, revoke_reason: Option<&str>) -> String {
        match self {
            PrintRefusal::NotValid(CertificateStatus::Revoked) => match revoke_reason {
                Some(r) if !r.trim().is_empty() => format!("该证书已撤销（原因：{}），不能打印", r.trim()),
                _ => "该证书已撤销，不能打印".to_owned(),
            },
            PrintRefusal::NotValid(CertificateStatus::Held) => {
                "该证书暂停使用：所在单位该年度经抽验退回重新验证，复验通过前不能打印".to_owned()
            }
            PrintRefusal::NotValid(_) => "该证书已被更正后的新版本取代，请打印最新版本".to_owned(),
            PrintRefusal::Unsealed => "颁发该证书的继续医学教育委员会尚未上传电子印章：此证书只能由所在单位统一打印，\
                 并到继续医学教育委员会加盖印章后方可使用（科室、学员中心不能打印）"
                .to_owned(),
        }
    }
}

/// Whether a certificate may leave the system as a PDF, for everyone and
/// every route (single, batch, multi-year proof, phone apps): only a valid
/// certificate prints, so a PDF never disagrees with the public page; one
/// without its office's seal prints only for the unit and the offices.
pub fn may_print(status: CertificateStatus, sealed: bool, printer: Printer) -> Result<(), PrintRefusal> {
    if status != CertificateStatus::Valid {
        return Err(PrintRefusal::NotValid(status));
    }
    if !sealed && !matches!(printer, Printer::Unit | Printer::Office) {
        return Err(PrintRefusal::Unsealed);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_printing_is_decided_by_status_seal_and_printer() {
        use CertificateStatus::*;
        let printers = [Printer::Office, Printer::Unit, Printer::Department, Printer::Trainee, Printer::ApiClient];
        for printer in printers {
            for sealed in [true, false] {
                for s in [Superseded, Revoked, Held] {
                    assert_eq!(may_print(s, sealed, printer), Err(PrintRefusal::NotValid(s)), "{s:?} {printer:?}");
                }
                let expected = if sealed || matches!(printer, Printer::Unit | Printer::Office) {
                    Ok(())
                } else {
                    Err(PrintRefusal::Unsealed)
                };
                assert_eq!(may_print(Valid, sealed, printer), expected, "{printer:?} sealed={sealed}");
            }
        }
        assert_eq!(PrintRefusal::NotValid(Revoked).code(), "certificate_revoked");
        assert_eq!(PrintRefusal::NotValid(Held).code(), "certificate_held");
        assert_eq!(PrintRefusal::Unsealed.code(), "certificate_unsealed");
        assert!(PrintRefusal::NotValid(Revoked).detail(Some("材料造假")).contains("材料造假"));
    }

    #[test]
    fn status_precedence() {
        assert_eq!(status(false, false, false), CertificateStatus::Valid);
        assert_eq!(status(false, false, true), CertificateStatus::Held);
        assert_eq!(status(false, true, true), CertificateStatus::Superseded);
        assert_eq!(status(true, true, true), CertificateStatus::Revoked);
    }
}
