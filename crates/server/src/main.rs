//! The `cme` binary: `serve`, `migrate`, `demo`, `generate`, `audit verify`,
//! `backup`, `restore`, `rekey`.

mod backup;
mod config;
mod demo;
mod demo_data;
mod demo_queue;
mod generate;
mod generate_data;
mod rekey;
mod serve;
mod setup;
mod yunnan;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cme", version, about = "云南省继续医学教育学分管理系统")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run migrations, then serve the API and the SPA (config from the environment).
    Serve,
    /// Run the database migrations and exit.
    Migrate,
    /// Load the demo province (Yunnan's prefectures, real counties, ~300 people).
    Demo {
        /// Do nothing when the database already holds regions.
        #[arg(long)]
        if_empty: bool,
        /// Also generate this many people in one county hospital, the
        /// compliant ones submitted and waiting on the county office (a
        /// queue of thousands, for the browser tests).
        #[arg(long, default_value_t = 0)]
        queue_people: u32,
        /// Also give that hospital this many people certified by the
        /// province (its CME office `xwyy` prints them: the browser test of
        /// batch printing).
        #[arg(long, default_value_t = 0)]
        certified_people: u32,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Generate a deterministic synthetic province at scale.
    Generate {
        /// How many people.
        #[arg(long, default_value_t = 400_000)]
        people: u32,
        /// The seed: the same seed gives the same province.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Back up the database and the uploaded files into a new directory,
    /// with a manifest (SHA-256 of every file, the data key's fingerprint).
    Backup {
        /// The directory to write (must not exist, or be empty).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Restore a backup into an empty database (DATABASE_URL) and an empty
    /// files directory (CME_FILES_DIR), under the data key it was made
    /// under; checks every file's SHA-256 and the audit chain.
    Restore {
        /// The backup directory.
        #[arg(long)]
        from: std::path::PathBuf,
    },
    /// Re-encrypt personal data from CME_DATA_KEY_PREVIOUS to CME_DATA_KEY,
    /// with every server stopped; run it again after an interruption.
    Rekey {
        /// People per transaction.
        #[arg(long, default_value_t = rekey::BATCH)]
        batch: u64,
        /// Test switch: exit abruptly after this many batches.
        #[arg(long, hide = true)]
        stop_after_batches: Option<u64>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the whole hash chain under the key derived from CME_DATA_KEY;
    /// names the first broken entry and exits 1 if there is one.
    Verify,
}

fn init_tracing(json: bool) {
    use tracing_subscriber::EnvFilter;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn"));
    // As tracing-subscriber's own default: colours unless NO_COLOR is set.
    let ansi = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    // One line per request when its span closes (method, path, status, time).
    cme_api::telemetry::subscriber(filter, json, ansi, std::io::stdout).init();
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = config::Config::from_env();
    init_tracing(config.log_json);
    match cli.command {
        Command::Serve => serve::serve(config).await,
        Command::Migrate => setup::open_for_batch(&config).await.map(|_| ()),
        Command::Demo { if_empty, queue_people, certified_people } => {
            demo::run(&config, if_empty, queue_people, certified_people).await
        }
        Command::Generate { people, seed } => generate::run(&config, people, seed).await,
        Command::Audit { command: AuditCommand::Verify } => audit_verify(&config).await,
        Command::Backup { out } => backup::backup(&config, &out).await,
        Command::Restore { from } => backup::restore(&config, &from).await,
        Command::Rekey { batch, stop_after_batches } => rekey::run(&config, batch.max(1), stop_after_batches).await,
    }
}

/// `cme audit verify`: one line saying whether the chain is intact.
async fn audit_verify(config: &config::Config) -> anyhow::Result<()> {
    use cme_store::repo::audit::{self, ChainCheck};
    let db = setup::open_for_batch(config).await?;
    setup::keys(config, &db).await?;
    match audit::verify_chain(&db).await? {
        ChainCheck::Intact { entries } => {
            println!("audit chain intact: {entries} entries");
            Ok(())
        }
        ChainCheck::Broken { seq } => {
            println!("audit chain BROKEN at entry {seq}: it or the one before it was altered, inserted or removed");
            std::process::exit(1);
        }
    }
}
