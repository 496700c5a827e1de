//! `cme backup --out DIR` and `cme restore --from DIR`.
//!
//! A backup is a directory: the database (`database.pgdump`, made by
//! `pg_dump --format=custom`, or `database.sqlite`, made by SQLite's online
//! `VACUUM INTO`), the uploaded files under `files/` as they lie under
//! `CME_FILES_DIR`, and `manifest.json`, written last (a directory without it
//! is an unfinished backup): when, the backend, the schema's last migration,
//! row counts, the SHA-256 of the database file and of every file, and the
//! fingerprint of the data key the ID numbers are encrypted under (never the
//! key).
//!
//! Consistency: the dump is one snapshot; the files are copied after it.
//! Uploaded files are content-addressed (`api::storage::LocalDisk`: the key
//! is the SHA-256 of the bytes), written and renamed into place before the
//! row naming them is inserted, and never changed or deleted. So every file
//! a row of the snapshot names was on disk before the snapshot began and is
//! in the copy; a file uploaded during the copy may be in it without a row,
//! which is harmless (nothing names it). Batch prints' spool (`print-jobs/`)
//! is left out: it holds files made to be fetched within minutes and is
//! rebuilt on demand.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context as _, bail};
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DbBackend, IsolationLevel, Statement, TransactionTrait as _,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::config::{Config, redact_url};
use crate::setup;

const MANIFEST: &str = "manifest.json";
const FORMAT: u32 = 1;
/// The spool of batch prints under the files directory (not backed up).
const SPOOL: &str = "print-jobs";
/// Tables whose row counts the manifest keeps and a restore compares.
const COUNTED: &[&str] = &["people", "certificates", "evidence_files", "audit_log"];

/// What a backup holds; `manifest.json`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub created_at: String,
    /// `postgres` or `sqlite`.
    pub backend: String,
    /// The last migration applied, and how many.
    pub schema_version: String,
    pub migrations: i64,
    /// `pg_dump --version` (PostgreSQL only).
    pub dump_tool: Option<String>,
    /// The fingerprint of `CME_DATA_KEY` (`domain::keys::fingerprint`).
    pub data_key_fingerprint: String,
    pub database: FileEntry,
    pub counts: std::collections::BTreeMap<String, i64>,
    pub file_count: usize,
    pub files: Vec<FileEntry>,
}

/// One file of a backup: its path (relative, `/`-separated), size, SHA-256.
#[derive(Debug, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

fn backend_of(url: &str) -> anyhow::Result<DbBackend> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(DbBackend::Postgres)
    } else if url.starts_with("sqlite:") {
        Ok(DbBackend::Sqlite)
    } else {
        bail!("DATABASE_URL must be a postgres:// or sqlite: URL, got {}", redact_url(url))
    }
}

fn backend_name(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "postgres",
        _ => "sqlite",
    }
}

async fn scalar_i64(db: &impl ConnectionTrait, sql: &str) -> anyhow::Result<i64> {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await?
        .with_context(|| format!("no row from {sql}"))?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

async fn counts(db: &impl ConnectionTrait) -> anyhow::Result<std::collections::BTreeMap<String, i64>> {
    let mut out = std::collections::BTreeMap::new();
    for table in COUNTED {
        out.insert(
            (*table).to_owned(),
            scalar_i64(db, &format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table}")).await?,
        );
    }
    Ok(out)
}

async fn schema_version(db: &DatabaseConnection) -> anyhow::Result<(String, i64)> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT version FROM seaql_migrations ORDER BY version DESC LIMIT 1".to_owned(),
        ))
        .await?
        .context("the database has no migrations applied")?;
    let version: String = row.try_get_by_index(0)?;
    let n = scalar_i64(db, "SELECT CAST(COUNT(*) AS BIGINT) FROM seaql_migrations").await?;
    Ok((version, n))
}

/// Checks that `pii` opens the ID numbers stored in `db` (one row suffices:
/// a database is under one key, or in the middle of a rotation, which
/// [`setup::keys`] refuses).
async fn check_key_opens(db: &DatabaseConnection, pii: &cme_store::PiiCipher) -> anyhow::Result<()> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT id_number_cipher FROM people ORDER BY id LIMIT 1".to_owned(),
        ))
        .await?;
    if let Some(row) = row {
        let blob: Vec<u8> = row.try_get_by_index(0)?;
        if pii.decrypt(cme_store::crypto::Field::IdNumber, &blob).is_err() {
            bail!(
                "CME_DATA_KEY (fingerprint {}) does not decrypt this database's ID numbers: set the key the database was written under",
                pii.key_id()
            );
        }
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Copies `from` to `to` (created, never overwritten), returning its size
/// and SHA-256; the copy is synced before it counts.
fn copy_hashing(from: &Path, to: &Path) -> anyhow::Result<(u64, String)> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut src = std::fs::File::open(from).with_context(|| format!("cannot read {}", from.display()))?;
    let mut dst = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(to)
        .with_context(|| format!("cannot create {}", to.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = src.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        dst.write_all(&buf[..n])?;
        size += n as u64;
    }
    dst.sync_all()?;
    Ok((size, hex(&hasher.finalize())))
}

fn hash_file(path: &Path) -> anyhow::Result<(u64, String)> {
    let mut src = std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut hasher = Sha256::new();
    let size = std::io::copy(&mut src, &mut hasher)?;
    Ok((size, hex(&hasher.finalize())))
}

/// Every file under `root` (relative, `/`-separated, sorted), without the
/// spool and without a crash's half-written temporaries (`*.tmp-*`).
fn list_files(root: &Path) -> anyhow::Result<Vec<String>> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> anyhow::Result<()> {
        for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
            let entry = entry?;
            let path = entry.path();
            let rel = path.strip_prefix(root)?.to_string_lossy().replace('\\', "/");
            let kind = entry.file_type()?;
            if kind.is_dir() {
                if dir == root && rel == SPOOL {
                    continue;
                }
                walk(root, &path, out)?;
            } else if kind.is_file() && !rel.contains(".tmp-") {
                out.push(rel);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    if root.is_dir() {
        walk(root, root, &mut out)?;
    }
    out.sort();
    Ok(out)
}

fn is_empty_dir(dir: &Path) -> anyhow::Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", dir.display())),
    }
}

/// The major version a PostgreSQL client tool reports (`pg_dump (PostgreSQL) 15.20 …` → 15).
fn tool_version(tool: &str) -> anyhow::Result<(String, u32)> {
    let out = Command::new(tool)
        .arg("--version")
        .output()
        .with_context(|| format!("cannot run {tool}: install PostgreSQL's client tools (Debian: postgresql-client)"))?;
    let text = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let major = text
        .split_whitespace()
        .find_map(|w| w.split('.').next().and_then(|m| m.parse::<u32>().ok()))
        .with_context(|| format!("cannot read {tool}'s version from {text:?}"))?;
    Ok((text, major))
}

/// A libpq connection URI without its password, and the password (given to
/// the tool as `PGPASSWORD`, so it never shows in a process list).
fn libpq_target(url: &str) -> (String, Option<String>) {
    if let (Some(scheme), Some(at)) = (url.find("://"), url.rfind('@'))
        && at > scheme
        && let Some((user, password)) = url[scheme + 3..at].split_once(':')
    {
        return (format!("{}{user}{}", &url[..scheme + 3], &url[at..]), Some(password.to_owned()));
    }
    (url.to_owned(), None)
}

fn run_pg_tool(tool: &str, args: &[&str], url: &str) -> anyhow::Result<()> {
    let (target, password) = libpq_target(url);
    let mut command = Command::new(tool);
    command.args(args).arg("--dbname").arg(&target);
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let out = command.output().with_context(|| format!("cannot run {tool}"))?;
    if !out.status.success() {
        bail!("{tool} failed ({}): {}", out.status, String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(())
}

/// `cme backup --out DIR`.
pub async fn backup(config: &Config, out: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    if !is_empty_dir(out)? {
        bail!("{} is not empty: back up into a new directory", out.display());
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let backend = backend_of(&config.database_url)?;
    let pii = setup::cipher(config)?;
    // Connected, not migrated: a backup leaves the schema as it finds it.
    let db = cme_store::connect(&config.database_url)
        .await
        .with_context(|| format!("cannot open the database at {}", redact_url(&config.database_url)))?;
    check_key_opens(&db, &pii).await?;
    let (schema_version, migrations) = schema_version(&db).await?;
    let (database_name, dump_tool, counts) = match backend {
        DbBackend::Postgres => {
            let server = scalar_i64(&db, "SELECT CAST(current_setting('server_version_num') AS BIGINT)").await?;
            let server_major = u32::try_from(server / 10_000)?;
            let (text, major) = tool_version("pg_dump")?;
            if major < server_major {
                bail!(
                    "pg_dump is version {major} but the server is PostgreSQL {server_major}: pg_dump cannot dump a newer server; install postgresql-client-{server_major} and put it first on PATH"
                );
            }
            // The counts and the dump read one snapshot: the transaction
            // exports it and stays open while pg_dump uses it.
            let txn = db.begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly)).await?;
            let row = txn
                .query_one_raw(Statement::from_string(DbBackend::Postgres, "SELECT pg_export_snapshot()".to_owned()))
                .await?
                .context("no snapshot")?;
            let snapshot: String = row.try_get_by_index(0)?;
            let counts = counts(&txn).await?;
            let file = out.join("database.pgdump");
            let file_arg = file.to_string_lossy().into_owned();
            let snapshot_arg = format!("--snapshot={snapshot}");
            run_pg_tool(
                "pg_dump",
                &["--format=custom", "--no-owner", "--no-privileges", &snapshot_arg, "--file", &file_arg],
                &config.database_url,
            )?;
            txn.commit().await?;
            ("database.pgdump", Some(text), counts)
        }
        _ => {
            let file = std::path::absolute(out.join("database.sqlite"))?;
            let quoted = file.to_string_lossy().replace('\'', "''");
            db.execute_unprepared(&format!("VACUUM INTO '{quoted}'")).await.context("VACUUM INTO failed")?;
            // The counts of the copy itself, opened read-only.
            // (Plainly: `cme_store::connect` would turn the copy to WAL.)
            let copy = sea_orm::Database::connect(format!("sqlite://{}?mode=ro", file.display())).await?;
            let counts = counts(&copy).await?;
            copy.close().await?;
            ("database.sqlite", None, counts)
        }
    };
    let (size, sha256) = hash_file(&out.join(database_name))?;
    let database = FileEntry { path: database_name.to_owned(), size, sha256 };
    // Files after the dump: every file a dumped row names is already on disk.
    let mut files = Vec::new();
    for rel in list_files(&config.files_dir)? {
        let (size, sha256) = copy_hashing(&config.files_dir.join(&rel), &out.join("files").join(&rel))?;
        files.push(FileEntry { path: rel, size, sha256 });
    }
    db.close().await?;
    let manifest = Manifest {
        format: FORMAT,
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        backend: backend_name(backend).to_owned(),
        schema_version,
        migrations,
        dump_tool,
        data_key_fingerprint: pii.key_id().to_owned(),
        database,
        counts,
        file_count: files.len(),
        files,
    };
    let tmp = out.join(format!("{MANIFEST}.tmp"));
    std::fs::write(&tmp, serde_json::to_vec_pretty(&manifest)?)?;
    std::fs::rename(&tmp, out.join(MANIFEST))?;
    let bytes: u64 = manifest.database.size + manifest.files.iter().map(|f| f.size).sum::<u64>();
    println!(
        "backup written to {}: {} database ({} bytes), schema {}, {} people, {} certificates, {} files; {} bytes in all, in {:.1} s",
        out.display(),
        manifest.backend,
        manifest.database.size,
        manifest.schema_version,
        manifest.counts.get("people").copied().unwrap_or_default(),
        manifest.counts.get("certificates").copied().unwrap_or_default(),
        manifest.file_count,
        bytes,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn read_manifest(from: &Path) -> anyhow::Result<Manifest> {
    let path = from.join(MANIFEST);
    let text = std::fs::read(&path)
        .with_context(|| format!("{} has no {MANIFEST}: not a backup, or an unfinished one", from.display()))?;
    let manifest: Manifest =
        serde_json::from_slice(&text).with_context(|| format!("{} is not a manifest", path.display()))?;
    if manifest.format != FORMAT {
        bail!("the backup's format is {}, this cme reads format {FORMAT}", manifest.format);
    }
    Ok(manifest)
}

/// `cme restore --from DIR`: into an empty database (`DATABASE_URL`) and an
/// empty files directory (`CME_FILES_DIR`), under the data key the backup
/// was made under.
pub async fn restore(config: &Config, from: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    let manifest = read_manifest(from)?;
    let pii = setup::cipher(config)?;
    if pii.key_id() != manifest.data_key_fingerprint {
        bail!(
            "the backup was made under the data key with fingerprint {}, but CME_DATA_KEY has fingerprint {}: the ID numbers in it cannot be read under another key. Set CME_DATA_KEY to the key the backup was made under",
            manifest.data_key_fingerprint,
            pii.key_id()
        );
    }
    let backend = backend_of(&config.database_url)?;
    if backend_name(backend) != manifest.backend {
        bail!("the backup holds a {} database; DATABASE_URL names a {} one", manifest.backend, backend_name(backend));
    }
    // Every byte checked before anything is written.
    let database = std::iter::once((from.join(&manifest.database.path), &manifest.database));
    let files = manifest.files.iter().map(|f| (from.join("files").join(&f.path), f));
    for (path, entry) in database.chain(files) {
        let (size, sha256) = hash_file(&path)?;
        if size != entry.size || sha256 != entry.sha256 {
            bail!("{} does not match the manifest (size or SHA-256 differs): the backup is damaged", path.display());
        }
    }
    if !is_empty_dir(&config.files_dir)? {
        bail!(
            "the files directory {} (CME_FILES_DIR) is not empty: restore into a new, empty one",
            config.files_dir.display()
        );
    }
    let dump = from.join(&manifest.database.path);
    match backend {
        DbBackend::Postgres => {
            let db = cme_store::connect(&config.database_url)
                .await
                .with_context(|| format!("cannot open the database at {}", redact_url(&config.database_url)))?;
            let tables = scalar_i64(
                &db,
                "SELECT CAST(COUNT(*) AS BIGINT) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
            )
            .await?;
            db.close().await?;
            if tables > 0 {
                bail!("the target database is not empty ({tables} tables): restore into a new, empty database");
            }
            let (_, major) = tool_version("pg_restore")?;
            let dumped = manifest.dump_tool.as_deref().and_then(|t| {
                t.split_whitespace().find_map(|w| w.split('.').next().and_then(|m| m.parse::<u32>().ok()))
            });
            if let Some(dumped) = dumped
                && major < dumped
            {
                bail!(
                    "the backup was dumped by pg_dump {dumped}; pg_restore is version {major} and cannot read it: install postgresql-client-{dumped}"
                );
            }
            let dump_arg = dump.to_string_lossy().into_owned();
            run_pg_tool(
                "pg_restore",
                &["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", &dump_arg],
                &config.database_url,
            )?;
        }
        _ => {
            let path = PathBuf::from(
                cme_store::sqlite_path(&config.database_url).context("DATABASE_URL names no SQLite file")?,
            );
            if std::fs::metadata(&path).is_ok_and(|m| m.len() > 0) {
                bail!("the target database {} exists and is not empty: restore into a new file", path.display());
            }
            let tmp = path.with_extension("restoring");
            let _ = std::fs::remove_file(&tmp);
            let (_, sha256) = copy_hashing(&dump, &tmp)?;
            if sha256 != manifest.database.sha256 {
                bail!("the database file changed while it was copied");
            }
            std::fs::rename(&tmp, &path)?;
        }
    }
    for entry in &manifest.files {
        let (_, sha256) = copy_hashing(&from.join("files").join(&entry.path), &config.files_dir.join(&entry.path))?;
        if sha256 != entry.sha256 {
            bail!("{} changed while it was copied", entry.path);
        }
    }
    // What came back: the counts of the dump, the key, the audit chain.
    let db = setup::open_for_batch(config).await?;
    let restored = counts(&db).await?;
    if restored != manifest.counts {
        bail!("the restored database's row counts {restored:?} differ from the backup's {:?}", manifest.counts);
    }
    check_key_opens(&db, &pii).await?;
    setup::keys(config, &db).await?;
    let chain = match cme_store::repo::audit::verify_chain(&db).await? {
        cme_store::repo::audit::ChainCheck::Intact { entries } => entries,
        cme_store::repo::audit::ChainCheck::Broken { seq } => {
            bail!("the restored audit chain is broken at entry {seq}")
        }
    };
    println!(
        "restored from {} ({} of {}): schema {}, {} people, {} certificates, {} files checked by SHA-256, audit chain intact ({chain} entries), in {:.1} s",
        from.display(),
        manifest.backend,
        manifest.created_at,
        manifest.schema_version,
        restored.get("people").copied().unwrap_or_default(),
        restored.get("certificates").copied().unwrap_or_default(),
        manifest.file_count,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
