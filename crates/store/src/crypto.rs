//! Encryption of personal data at rest (ID numbers, phone numbers).
//!
//! One 32-byte master key (from configuration) yields two sub-keys, so the
//! look-up index and the ciphertext never share a key: AES-256-GCM with a
//! random 96-bit nonce for the ciphertext (`nonce ‖ ciphertext+tag`), and
//! HMAC-SHA256 for the deterministic, unique look-up index.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cme_domain::keys::{self, Purpose};
use hmac::Mac;
use rand::RngCore as _;

use crate::StoreError;

const NONCE_LEN: usize = 12;

/// What a ciphertext holds; bound into it as associated data, so a phone
/// ciphertext cannot be passed off as an ID number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    IdNumber,
    Phone,
}

impl Field {
    fn aad(self) -> &'static [u8] {
        match self {
            Field::IdNumber => b"id_number",
            Field::Phone => b"phone",
        }
    }
}

/// The master key was not 32 bytes of standard base64.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the PII key must be 32 bytes in standard base64: {0}")]
pub struct InvalidKey(String);

/// Encrypts and indexes personal data. Cheap to clone; never prints its keys.
#[derive(Clone)]
pub struct PiiCipher {
    aead: Aes256Gcm,
    index_key: [u8; 32],
    audit_key: [u8; 32],
    /// [`keys::fingerprint`] of the master key.
    key_id: String,
}

impl std::fmt::Debug for PiiCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PiiCipher(..)")
    }
}

impl PiiCipher {
    /// Builds the cipher from the 32-byte master key.
    pub fn from_key(master: &[u8; 32]) -> Self {
        let enc = keys::derive(master, Purpose::PiiEncryption);
        PiiCipher {
            aead: Aes256Gcm::new(&enc.into()),
            index_key: keys::derive(master, Purpose::PiiIndex),
            audit_key: keys::derive(master, Purpose::AuditChain),
            key_id: keys::fingerprint(master),
        }
    }

    /// Builds the cipher from the master key in standard base64.
    pub fn from_base64(text: &str) -> Result<Self, InvalidKey> {
        let bytes = STANDARD.decode(text.trim()).map_err(|e| InvalidKey(e.to_string()))?;
        let key: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| InvalidKey(format!("got {} bytes", b.len())))?;
        Ok(Self::from_key(&key))
    }

    /// A new random master key: the cipher and the key in base64, to be kept
    /// in configuration.
    pub fn generate() -> (Self, String) {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        (Self::from_key(&key), STANDARD.encode(key))
    }

    /// Encrypts `plaintext` as `nonce ‖ ciphertext+tag`.
    pub fn encrypt(&self, field: Field, plaintext: &str) -> Result<Vec<u8>, StoreError> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .aead
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plaintext.as_bytes(), aad: field.aad() })
            .map_err(|_| StoreError::corrupt("encryption failed"))?;
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Decrypts what [`encrypt`](Self::encrypt) produced.
    pub fn decrypt(&self, field: Field, blob: &[u8]) -> Result<String, StoreError> {
        if blob.len() < NONCE_LEN {
            return Err(StoreError::corrupt("ciphertext too short"));
        }
        let (nonce, sealed) = blob.split_at(NONCE_LEN);
        let plain = self
            .aead
            .decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad: field.aad() })
            .map_err(|_| StoreError::corrupt("ciphertext does not decrypt with this key"))?;
        String::from_utf8(plain).map_err(|_| StoreError::corrupt("decrypted text is not UTF-8"))
    }

    /// The deterministic look-up index of an ID number (HMAC-SHA256 of its
    /// upper-case form).
    pub fn index(&self, id_number: &str) -> Vec<u8> {
        let mut mac = keys::mac(&self.index_key);
        mac.update(id_number.trim().to_ascii_uppercase().as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
}

impl PiiCipher {
    /// The public fingerprint of the master key (32 hex characters): what a
    /// backup or a rotation names the key by; it reveals nothing of it.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The same cipher with the audit chain keyed by `key` (a key kept in
    /// the key ring across a rotation of the master key).
    #[must_use]
    pub fn with_audit_key(mut self, key: [u8; 32]) -> Self {
        self.audit_key = key;
        self
    }

    /// Seals a 32-byte key for the key ring under this master key; `name`
    /// is bound in, so one ring entry cannot stand for another.
    pub fn seal_key(&self, name: &str, key: &[u8; 32]) -> Result<Vec<u8>, StoreError> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let aad = format!("key_ring/{name}");
        let sealed = self
            .aead
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: key, aad: aad.as_bytes() })
            .map_err(|_| StoreError::corrupt("encryption failed"))?;
        Ok([nonce.as_slice(), &sealed].concat())
    }

    /// Opens what [`seal_key`](Self::seal_key) sealed; an error when it was
    /// sealed under another master key or for another name.
    pub fn open_key(&self, name: &str, blob: &[u8]) -> Result<[u8; 32], StoreError> {
        if blob.len() < NONCE_LEN {
            return Err(StoreError::corrupt("sealed key too short"));
        }
        let (nonce, sealed) = blob.split_at(NONCE_LEN);
        let aad = format!("key_ring/{name}");
        let plain = self
            .aead
            .decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad: aad.as_bytes() })
            .map_err(|_| StoreError::corrupt("the key ring does not open with this key"))?;
        plain.try_into().map_err(|_| StoreError::corrupt("a sealed key is not 32 bytes"))
    }

    /// The key of the audit log's hash chain (HMAC-SHA256), derived from the
    /// master key under its own label.
    pub fn audit_key(&self) -> [u8; 32] {
        self.audit_key
    }

    /// A keyed fingerprint of arbitrary bytes (HMAC-SHA256 under the index
    /// key, domain-separated from ID-number look-ups): a request body that
    /// holds an ID number must not be stored as a plain hash, which a few
    /// billion guesses would invert.
    pub fn fingerprint(&self, parts: &[&[u8]]) -> Vec<u8> {
        let mut mac = keys::mac(&self.index_key);
        mac.update(b"cme/fingerprint/v1");
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac.finalize().into_bytes().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_binds_the_field() {
        let (cipher, key) = PiiCipher::generate();
        let blob = cipher.encrypt(Field::IdNumber, "53010219850612003X").unwrap_or_default();
        assert_eq!(cipher.decrypt(Field::IdNumber, &blob).ok().as_deref(), Some("53010219850612003X"));
        assert!(matches!(cipher.decrypt(Field::Phone, &blob), Err(StoreError::Corrupt(_))));
        // Random nonces: two encryptions differ; the index does not.
        assert_ne!(cipher.encrypt(Field::IdNumber, "x").ok(), cipher.encrypt(Field::IdNumber, "x").ok());
        assert_eq!(cipher.index("53010219850612003x"), cipher.index("53010219850612003X"));
        let same = PiiCipher::from_base64(&key).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(same.decrypt(Field::IdNumber, &blob).ok().as_deref(), Some("53010219850612003X"));
        let (other, _) = PiiCipher::generate();
        assert!(other.decrypt(Field::IdNumber, &blob).is_err());
        assert_ne!(other.index("x"), cipher.index("x"));
    }

    #[test]
    fn keys_are_checked_and_never_printed() {
        assert!(PiiCipher::from_base64("c2hvcnQ=").is_err());
        assert!(PiiCipher::from_base64("not base64!").is_err());
        let (cipher, key) = PiiCipher::generate();
        assert!(!format!("{cipher:?}").contains(&key));
        assert_eq!(format!("{cipher:?}"), "PiiCipher(..)");
        assert_eq!(cipher.key_id().len(), 32);
        assert!(!key.contains(cipher.key_id()));
    }

    #[test]
    fn sealed_keys_open_only_under_their_key_and_name() {
        let (cipher, _) = PiiCipher::generate();
        let (other, _) = PiiCipher::generate();
        let sealed = cipher.seal_key("audit_chain", &[7u8; 32]).unwrap_or_default();
        assert_eq!(cipher.open_key("audit_chain", &sealed).ok(), Some([7u8; 32]));
        assert!(cipher.open_key("access_tokens", &sealed).is_err());
        assert!(other.open_key("audit_chain", &sealed).is_err());
    }
}
