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
/// to a temporary file renamed into place, so a crash never leaves half a
/// file; a write that fails (a full disk) removes its temporary file.
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
        let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, &path));
        if written.is_err() {
            // Half a file would stay until someone noticed (tests/faults/full_disk.py).
            let _ = std::fs::remove_file(&tmp);
        }
        written
    }

    fn get(&self, key: &str) -> io::Result<Vec<u8>> {
        std::fs::read(self.path(key)?)
    }
}

/// Files the server makes for someone to fetch later (a batch print's PDF),
/// one per job, written as they are made and kept until housekeeping
/// removes them. Several instances share it as they share the database (a
/// shared volume), so whichever instance printed, any may answer the
/// download.
#[derive(Debug, Clone)]
pub struct Spool {
    root: PathBuf,
}

impl Spool {
    pub fn new(root: PathBuf) -> Spool {
        Spool { root }
    }

    /// Where the finished file of `job` is.
    pub fn path(&self, job: uuid::Uuid) -> PathBuf {
        self.root.join(format!("{}.pdf", job.simple()))
    }

    /// A file to write `job`'s output to; [`Spool::keep`] moves it into
    /// place when it is complete, so that a half-written file is never served.
    pub fn create(&self, job: uuid::Uuid) -> io::Result<(std::fs::File, PathBuf)> {
        std::fs::create_dir_all(&self.root)?;
        let tmp = self.root.join(format!("{}.pdf.tmp-{}", job.simple(), uuid::Uuid::new_v4().simple()));
        Ok((std::fs::File::create(&tmp)?, tmp))
    }

    /// Makes the written `tmp` the file of `job` (synced first: the job is
    /// recorded finished only once its file will survive a crash).
    pub fn keep(&self, job: uuid::Uuid, file: std::fs::File, tmp: &std::path::Path) -> io::Result<u64> {
        file.sync_all()?;
        let bytes = file.metadata()?.len();
        drop(file);
        std::fs::rename(tmp, self.path(job))?;
        Ok(bytes)
    }

    /// Removes `job`'s file and any of its unfinished ones (none is fine).
    pub fn remove(&self, job: uuid::Uuid) -> io::Result<()> {
        let prefix = format!("{}.pdf", job.simple());
        let entries = match std::fs::read_dir(&self.root) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                std::fs::remove_file(entry.path())?;
            }
        }
        Ok(())
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

    #[test]
    fn a_spooled_file_appears_only_when_kept_and_goes_with_its_leftovers() {
        use std::io::Write as _;
        let root = std::env::temp_dir().join(format!("cme-spool-{}", uuid::Uuid::new_v4().simple()));
        let spool = Spool::new(root.clone());
        let job = uuid::Uuid::new_v4();
        let (mut file, tmp) = spool.create(job).unwrap_or_else(|e| panic!("{e}"));
        file.write_all(b"%PDF-1.7").unwrap_or_else(|e| panic!("{e}"));
        assert!(!spool.path(job).exists(), "not served before it is complete");
        assert_eq!(spool.keep(job, file, &tmp).unwrap_or_default(), 8);
        assert_eq!(std::fs::read(spool.path(job)).unwrap_or_default(), b"%PDF-1.7");
        // A crash's leftover goes too.
        let (_left, _) = spool.create(job).unwrap_or_else(|e| panic!("{e}"));
        spool.remove(job).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read_dir(&root).map(Iterator::count).unwrap_or(1), 0);
        let _ = std::fs::remove_dir_all(root);
    }
}
