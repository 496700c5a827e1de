//! Where uploaded files live: an interface with a local-disk implementation
//! (a deployment may put an object store behind the same two calls).
//!
//! Files are content-addressed: the key is the SHA-256 of the bytes, so an
//! upload is idempotent and a stored file never changes.

use std::io;
use std::path::PathBuf;

/// A store of immutable blobs by key.
pub trait BlobStore: Send + Sync + std::fmt::Debug {
    /// Stores `bytes` under `key` (an existing key keeps its bytes: keys
    /// are content hashes).
    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()>;
    /// The bytes under `key`.
    fn get(&self, key: &str) -> io::Result<Vec<u8>>;
}

/// Files under a directory, two levels of fan-out by key prefix. Writes go
/// to a temporary file renamed into place, so a crash never leaves half a file.
#[derive(Debug, Clone)]
pub struct LocalDisk {
    root: PathBuf,
}

impl LocalDisk {
    pub fn new(root: PathBuf) -> LocalDisk {
        LocalDisk { root }
    }

    fn path(&self, key: &str) -> io::Result<PathBuf> {
        if key.len() < 4 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "storage keys are hex digests"));
        }
        Ok(self.root.join(&key[..2]).join(&key[2..4]).join(key))
    }
}

impl BlobStore for LocalDisk {
    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.path(key)?;
        if path.is_file() {
            return Ok(());
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension(format!("tmp-{}", uuid::Uuid::new_v4().simple()));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &path)
    }

    fn get(&self, key: &str) -> io::Result<Vec<u8>> {
        std::fs::read(self.path(key)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_round_trip_and_keys_are_checked() {
        let root = std::env::temp_dir().join(format!("cme-blobs-{}", uuid::Uuid::new_v4().simple()));
        let disk = LocalDisk::new(root.clone());
        let key = "ab12cd34ef";
        disk.put(key, b"%PDF-1.4 test").unwrap_or_else(|e| panic!("{e}"));
        disk.put(key, b"ignored: same key").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(disk.get(key).unwrap_or_default(), b"%PDF-1.4 test");
        assert!(disk.get("../../etc/passwd").is_err());
        assert!(disk.put("zz", b"x").is_err());
        let _ = std::fs::remove_dir_all(root);
    }
}
