//! Content digests as the API prints them.

use sha2::Digest as _;

/// SHA-256 in lower-case hex (evidence and seal files, ETags, opaque keys).
pub fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
