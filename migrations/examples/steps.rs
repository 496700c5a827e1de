//! Applies or rolls back the migrations one at a time and prints how long
//! each took, for the upgrade timings of docs/operations.md
//! (`tests/bench/migrations.sh`): `steps down N` rolls back the last N with
//! their own `down`, `steps up` applies every pending one, each in its own
//! transaction as `cme migrate` does. `DATABASE_URL` names the database.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use migration::{Migrator, MigratorTrait as _};
use sea_orm_migration::sea_orm::Database;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL").map_err(|_| "DATABASE_URL is unset")?;
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_default();
    let steps: usize = args.next().map(|n| n.parse()).transpose()?.unwrap_or(1);
    let db = Database::connect(&url).await?;
    match command.as_str() {
        "down" => {
            for _ in 0..steps {
                let applied = Migrator::get_applied_migrations(&db).await?;
                let Some(last) = applied.last() else { break };
                let name = last.name().to_owned();
                let started = Instant::now();
                Migrator::down(&db, Some(1)).await?;
                println!("down {name}: {:.3} s", started.elapsed().as_secs_f64());
            }
        }
        "up" => loop {
            let pending = Migrator::get_pending_migrations(&db).await?;
            let Some(first) = pending.first() else { break };
            let name = first.name().to_owned();
            let (started, from) = (Instant::now(), epoch()?);
            Migrator::up(&db, Some(1)).await?;
            // The wall-clock span lets a lock sampler attribute its samples.
            println!("up {name}: {:.3} s [{from:.3} {:.3}]", started.elapsed().as_secs_f64(), epoch()?);
        },
        _ => return Err("usage: steps down N | steps up".into()),
    }
    Ok(())
}

fn epoch() -> Result<f64, std::time::SystemTimeError> {
    Ok(SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs_f64())
}
