//! Personnel upkeep in the store on both backends: row-version guards,
//! transfers (one open per person, the move on acceptance) and idempotency
//! claims (fresh, in progress, replay, mismatch, expiry, release).

use crate::common::{cipher, date, person as new_person, title, tree, unit_in};
use cme_domain::ids::PersonId;
use cme_domain::org::UnitLevel;
use cme_domain::person::{PersonStatus, TitleLevel};
use cme_domain::transfer::{TransferDecision, TransferState};
use cme_store::repo::idempotency::{self, Claim, StoredAnswer};
use cme_store::repo::{person, transfer};
use cme_store::{ConnectionTrait, DatabaseConnection, StoreError, both_backends};
use sea_orm::Statement;

both_backends!(row_versions_guard_every_change, |db| async move {
    let t = tree(&db).await;
    let u = unit_in(&db, &t.prefecture, UnitLevel::Prefecture, "U1").await;
    let c = cipher();
    let p = new_person(u.id, 1, vec![title(TitleLevel::Junior, date(2015, 7, 1))]);
    person::create(&db, &c, &person::NewPerson { person: p.clone(), phone: Some("13800001234".into()) }).await.unwrap();
    let rec = person::find_many_by_id_number(&db, &c, &[&p.id_number]).await.unwrap();
    let rec = rec.get(p.id_number.as_str()).unwrap();
    assert_eq!((rec.row_version, rec.phone.as_deref()), (1, Some("13800001234")));

    let edit = person::PersonEdit { name: Some("新名".into()), ..Default::default() };
    assert_eq!(person::edit(&db, &c, p.id, Some(1), &edit).await.unwrap(), 2);
    assert!(matches!(person::edit(&db, &c, p.id, Some(1), &edit).await, Err(StoreError::StaleVersion)));
    assert!(matches!(person::edit(&db, &c, PersonId::new(), None, &edit).await, Err(StoreError::NotFound)));
    let v = person::add_title_versioned(&db, p.id, Some(2), &title(TitleLevel::Intermediate, date(2020, 1, 1)))
        .await
        .unwrap();
    let change = person::StatusChangeRequest {
        to: PersonStatus::Exempt,
        reason: Some("病假".into()),
        effective_on: Some(date(2026, 3, 1)),
        changed_by: "unit".into(),
    };
    assert!(matches!(
        person::change_status_versioned(&db, p.id, Some(v - 1), &change).await,
        Err(StoreError::StaleVersion)
    ));
    let (from, v2) = person::change_status_versioned(&db, p.id, Some(v), &change).await.unwrap();
    assert_eq!((from, v2), (PersonStatus::Normal, v + 1));
    let history = person::status_history(&db, p.id).await.unwrap();
    assert_eq!(history[0].effective_on, Some(date(2026, 3, 1)));
});

both_backends!(one_open_transfer_and_the_move_on_acceptance, |db| async move {
    let t = tree(&db).await;
    let a = unit_in(&db, &t.county, UnitLevel::County, "UA").await;
    let b = unit_in(&db, &t.province, UnitLevel::Provincial, "UB").await;
    let c = cipher();
    let p = new_person(a.id, 2, Vec::new());
    person::insert(&db, &c, &p).await.unwrap();
    let same = transfer::request(&db, p.id, a.id, "自调", "u").await;
    assert!(matches!(same, Err(StoreError::Conflict { constraint }) if constraint == "ck_person_transfers_other_unit"));
    let first = transfer::request(&db, p.id, b.id, "调动", "u").await.unwrap();
    let second = transfer::request(&db, p.id, b.id, "再调", "u").await;
    assert!(matches!(second, Err(StoreError::Conflict { constraint }) if constraint == "uq_person_transfers_open"));
    let accept = transfer::Decision {
        decision: TransferDecision::Accept,
        decided_by: "ub".into(),
        reason: None,
        to_department: None,
    };
    let done = transfer::decide(&db, first.id, &accept).await.unwrap();
    assert_eq!(done.state, TransferState::Accepted);
    assert!(matches!(
        transfer::decide(&db, first.id, &accept).await,
        Err(StoreError::Conflict { constraint }) if constraint == "transfer_closed"
    ));
    let moved = person::get(&db, &c, p.id).await.unwrap();
    assert_eq!(moved.unit_id, b.id);
    // County and prefecture follow the unit: a province-direct one has neither.
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            match db.get_database_backend() {
                cme_store::DbBackend::Postgres => "SELECT county_id, prefecture_id FROM people WHERE id = $1",
                _ => "SELECT county_id, prefecture_id FROM people WHERE id = ?",
            },
            [p.id.0.into()],
        ))
        .await
        .unwrap()
        .unwrap();
    let county: Option<uuid::Uuid> = row.try_get("", "county_id").unwrap();
    let prefecture: Option<uuid::Uuid> = row.try_get("", "prefecture_id").unwrap();
    assert_eq!((county, prefecture), (None, None));
    // Closed transfers do not block a new one; the history keeps both.
    transfer::request(&db, p.id, a.id, "回调", "ub").await.unwrap();
    let history = transfer::history(&db, p.id).await.unwrap();
    let states: Vec<TransferState> = history.iter().map(|v| v.transfer.state).collect();
    assert_eq!(states, vec![TransferState::Accepted, TransferState::Pending]);
});

async fn expire_all(db: &DatabaseConnection) {
    let sql = "UPDATE idempotency_keys SET expires_at = created_at";
    db.execute_unprepared(sql).await.unwrap();
}

both_backends!(idempotency_claims, |db| async move {
    let fp = b"fingerprint-1".to_vec();
    let id = match idempotency::claim(&db, "account:a", "k1", &fp).await.unwrap() {
        Claim::Fresh(id) => id,
        other => panic!("{other:?}"),
    };
    assert_eq!(idempotency::claim(&db, "account:a", "k1", &fp).await.unwrap(), Claim::InProgress);
    assert_eq!(idempotency::claim(&db, "account:a", "k1", b"other").await.unwrap(), Claim::Mismatch);
    assert!(matches!(idempotency::claim(&db, "account:b", "k1", &fp).await.unwrap(), Claim::Fresh(_)));
    let answer = StoredAnswer {
        status: 201,
        content_type: Some("application/json".into()),
        body: b"{}".to_vec(),
        withheld: false,
    };
    idempotency::complete(&db, id, &answer).await.unwrap();
    assert_eq!(idempotency::claim(&db, "account:a", "k1", &fp).await.unwrap(), Claim::Replay(answer));
    // A released claim runs afresh; an expired key is taken over and pruned.
    let id2 = match idempotency::claim(&db, "account:a", "k2", &fp).await.unwrap() {
        Claim::Fresh(id) => id,
        other => panic!("{other:?}"),
    };
    idempotency::release(&db, id2).await.unwrap();
    assert!(matches!(idempotency::claim(&db, "account:a", "k2", &fp).await.unwrap(), Claim::Fresh(_)));
    expire_all(&db).await;
    assert!(matches!(idempotency::claim(&db, "account:a", "k1", &fp).await.unwrap(), Claim::Fresh(_)));
    // A claim renewed by its running request holds; one whose process was
    // killed (its lease not renewed) is taken over within the lease, not
    // after ten minutes.
    let id3 = match idempotency::claim(&db, "account:a", "k3", &fp).await.unwrap() {
        Claim::Fresh(id) => id,
        other => panic!("{other:?}"),
    };
    let lapse = "UPDATE idempotency_keys SET lease_until = created_at - INTERVAL_SQL WHERE key = 'k3'";
    let lapse = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => lapse.replace("INTERVAL_SQL", "interval '1 second'"),
        _ => "UPDATE idempotency_keys SET lease_until = '2000-01-01 00:00:00+00:00' WHERE key = 'k3'".to_owned(),
    };
    idempotency::renew(&db, id3).await.unwrap();
    assert_eq!(idempotency::claim(&db, "account:a", "k3", &fp).await.unwrap(), Claim::InProgress);
    db.execute_unprepared(&lapse).await.unwrap();
    assert!(matches!(idempotency::claim(&db, "account:a", "k3", &fp).await.unwrap(), Claim::Fresh(_)));
    expire_all(&db).await;
    assert!(idempotency::prune(&db, chrono::Utc::now()).await.unwrap() >= 3);
});

both_backends!(
    a_print_job_is_claimed_once_cancelled_between_pages_and_taken_over_when_its_instance_dies,
    |db| async move {
        use cme_domain::auth::{Role, Scope};
        use cme_store::entity::print_jobs as jobs;
        use cme_store::repo::account;
        use cme_store::repo::print_job::{self, PrintState};
        use sea_orm::sea_query::Expr;
        use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
        let t = tree(&db).await;
        let u = unit_in(&db, &t.county, UnitLevel::County, "UP").await;
        let owner = account::insert(
            &db,
            &account::NewAccount {
                username: "printer".into(),
                role: Role::Unit,
                scope: Scope::Unit(u.id),
                display_name: "科教科".into(),
                password_hash: None,
                must_change_password: false,
                created_by: None,
            },
        )
        .await
        .unwrap();
        let job = print_job::queue(&db, owner.id, 2025, "{}".into(), "x.pdf".into(), 800).await.unwrap();
        assert_eq!(job.state, PrintState::Queued);
        assert_eq!(print_job::active_of(&db, owner.id).await.unwrap(), 1);
        // One instance wins the job; the other finds nothing to do.
        let a = print_job::claim(&db, "instance-a").await.unwrap().unwrap();
        assert_eq!((a.id, a.state), (job.id, PrintState::Running));
        assert!(print_job::claim(&db, "instance-b").await.unwrap().is_none());
        assert!(print_job::progress(&db, job.id, "instance-a", 25).await.unwrap());
        assert!(!print_job::progress(&db, job.id, "instance-b", 50).await.unwrap(), "only its holder reports");
        assert_eq!(print_job::get(&db, owner.id, job.id).await.unwrap().done, 25);
        // Someone else's job reads as missing.
        assert!(matches!(print_job::get(&db, uuid::Uuid::now_v7(), job.id).await, Err(StoreError::NotFound)));

        // Its instance dies: no heartbeat for a minute, and another takes it over from the start.
        let stale = chrono::Utc::now() - print_job::STALE - chrono::Duration::seconds(5);
        jobs::Entity::update_many()
            .col_expr(jobs::Column::HeartbeatAt, Expr::value(Some(stale)))
            .filter(jobs::Column::Id.eq(job.id))
            .exec(&db)
            .await
            .unwrap();
        let b = print_job::claim(&db, "instance-b").await.unwrap().unwrap();
        assert_eq!((b.id, b.done), (job.id, 0));
        // The dead instance, were it back, is told to stop; its end is not recorded.
        assert!(!print_job::progress(&db, job.id, "instance-a", 75).await.unwrap());
        assert!(!print_job::finish(&db, job.id, "instance-a", Ok(10)).await.unwrap());

        // Cancelled between two pages: the renderer's next report says stop, and its end is not recorded.
        let cancelled = print_job::cancel(&db, owner.id, job.id).await.unwrap();
        assert_eq!(cancelled.state, PrintState::Cancelled);
        assert_eq!(print_job::active_of(&db, owner.id).await.unwrap(), 0, "a cancelled job no longer counts");
        assert!(!print_job::progress(&db, job.id, "instance-b", 100).await.unwrap());
        assert!(!print_job::finish(&db, job.id, "instance-b", Ok(10)).await.unwrap());
        assert_eq!(print_job::get(&db, owner.id, job.id).await.unwrap().state, PrintState::Cancelled);

        // A finished job stays finished when cancelled late, and expires after a day.
        let done = print_job::queue(&db, owner.id, 2025, "{}".into(), "y.pdf".into(), 1).await.unwrap();
        print_job::claim(&db, "instance-a").await.unwrap().unwrap();
        assert!(print_job::finish(&db, done.id, "instance-a", Ok(4096)).await.unwrap());
        assert_eq!(print_job::cancel(&db, owner.id, done.id).await.unwrap().state, PrintState::Finished);
        assert!(print_job::expire(&db).await.unwrap().is_empty(), "kept a day");
        let old = chrono::Utc::now() - print_job::KEEP - chrono::Duration::minutes(1);
        jobs::Entity::update_many().col_expr(jobs::Column::FinishedAt, Expr::value(Some(old))).exec(&db).await.unwrap();
        let mut expired = print_job::expire(&db).await.unwrap();
        expired.sort();
        let mut both = vec![job.id, done.id];
        both.sort();
        assert_eq!(expired, both, "files of the old finished and cancelled jobs go");
        assert_eq!(print_job::get(&db, owner.id, done.id).await.unwrap().state, PrintState::Expired);
        assert_eq!(print_job::get(&db, owner.id, job.id).await.unwrap().state, PrintState::Cancelled);
        assert!(print_job::expire(&db).await.unwrap().is_empty(), "once");
    }
);
