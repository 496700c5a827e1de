//! Key derivation: the one place a key is derived from another. Every key
//! the system uses comes from the installation's master key (or, for the
//! sign-in codes, from the token secret) as `HMAC-SHA256(key, label)`, each
//! under a label of its own, so no two uses ever share a key.
//!
//! Why not HKDF (RFC 5869): HMAC over a distinct label is a sound PRF-based
//! derivation for a uniformly random 32-byte master key, and the keys below
//! are fixed by the data already stored (ID numbers encrypted and indexed,
//! the audit chain, signed certificates' tokens). HKDF-Expand would give other
//! bytes (`HMAC(key, label ‖ 0x01)`), so switching means re-encrypting and
//! re-indexing every stored ID number and re-chaining the audit log: a key
//! rotation job with a key version, not a refactoring.

use hmac::{Hmac, Mac as _};
use sha2::Sha256;

/// What a derived key is for; the bytes are the label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// AES-256-GCM of personal data at rest (ID numbers, phones).
    PiiEncryption,
    /// The keyed hash that finds a person by ID number without decrypting.
    PiiIndex,
    /// The MAC chaining the audit log's entries.
    AuditChain,
    /// The HS256 secret of access tokens.
    AccessTokens,
    /// The rotating sign-in codes of activities (from the token secret).
    ActivitySignIn,
    /// A public fingerprint of the master key (backups and rotations name
    /// the key they need by it; it reveals nothing of the key).
    KeyFingerprint,
}

impl Purpose {
    /// The label the key is derived under (never change one: data depends on it).
    pub const fn label(self) -> &'static [u8] {
        match self {
            Purpose::PiiEncryption => b"cme/pii/enc/v1",
            Purpose::PiiIndex => b"cme/pii/index/v1",
            Purpose::AuditChain => b"cme/audit/chain/v1",
            Purpose::AccessTokens => b"cme/jwt/v1",
            Purpose::ActivitySignIn => b"activity-sign-in",
            Purpose::KeyFingerprint => b"cme/key/fingerprint/v1",
        }
    }
}

/// The 32-byte key for `purpose`, derived from `key`.
pub fn derive(key: &[u8], purpose: Purpose) -> [u8; 32] {
    let mut mac = mac(key);
    mac.update(purpose.label());
    mac.finalize().into_bytes().into()
}

/// The fingerprint of a master key: the first 16 bytes of its
/// [`Purpose::KeyFingerprint`] key, in lower-case hex (32 characters).
pub fn fingerprint(key: &[u8]) -> String {
    derive(key, Purpose::KeyFingerprint)[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// HMAC-SHA256 keyed by `key` (any length: HMAC takes every key).
pub fn mac(key: &[u8]) -> Hmac<Sha256> {
    <Hmac<Sha256>>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mac_is_hmac_sha256() {
        // RFC 4231, test case 2.
        let mut m = mac(b"Jefe");
        m.update(b"what do ya want for nothing?");
        let hex: String = m.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    #[test]
    fn each_purpose_has_its_own_key() {
        let master = [9u8; 32];
        let all = [
            Purpose::PiiEncryption,
            Purpose::PiiIndex,
            Purpose::AuditChain,
            Purpose::AccessTokens,
            Purpose::ActivitySignIn,
            Purpose::KeyFingerprint,
        ];
        let keys: std::collections::HashSet<[u8; 32]> = all.iter().map(|p| derive(&master, *p)).collect();
        assert_eq!(keys.len(), all.len());
        assert_ne!(derive(&master, Purpose::PiiIndex), derive(&[8u8; 32], Purpose::PiiIndex));
        assert_eq!(fingerprint(&master).len(), 32);
        assert_ne!(fingerprint(&master), fingerprint(&[8u8; 32]));
    }
}
