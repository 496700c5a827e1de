//! Identity and access in the store (issue 3): jurisdiction scoping, keyset
//! pagination, accounts, refresh-token rotation, API clients, captchas,
//! sign-in failures and the hash-chained audit log, on both backends.

use std::collections::HashSet;

use crate::common::{cipher, tree, unit_in};
use chrono::{Duration, Utc};
use cme_domain::auth::{Actor, Operation, Role, Scope};
use cme_domain::ids::{DepartmentId, PersonId, RegionId};
use cme_domain::org::{Department, Region, RegionLevel, Unit, UnitLevel};
use cme_domain::person::Person;
use cme_store::entity::login_failures;
use cme_store::repo::account::{self, NewAccount};
use cme_store::repo::audit::{self, AuditEntry, ChainCheck};
use cme_store::repo::person::PersonFilter;
use cme_store::repo::unit::UnitFilter;
use cme_store::repo::{api_client, captcha, department, login_failure, person, refresh, region, scope, unit};
use cme_store::{ConnectionTrait, DatabaseConnection, DbBackend, PiiCipher, StoreError, both_backends};
use sea_orm::{ActiveValue::Set, EntityTrait, Statement};
use uuid::Uuid;

/// A prefecture with two counties: unit `a` (two departments, three people)
/// in county one, unit `b` (one person) in county two, unit `p` directly
/// under the prefecture.
struct World {
    province: Region,
    prefecture: Region,
    county: Region,
    county2: Region,
    a: Unit,
    b: Unit,
    p: Unit,
    d1: Department,
    d2: Department,
    /// In `a`: two in `d1`, one in `d2`.
    staff_a: Vec<Person>,
    staff_b: Vec<Person>,
    cipher: PiiCipher,
}

async fn world(db: &DatabaseConnection) -> World {
    let t = tree(db).await;
    let county2 = Region {
        id: RegionId::new(),
        parent_id: Some(t.prefecture.id),
        level: RegionLevel::County,
        code: "530103".into(),
        name: "盘龙区".into(),
    };
    region::insert(db, &county2).await.unwrap();
    let a = unit_in(db, &t.county, UnitLevel::County, "U5301020001").await;
    let b = unit_in(db, &county2, UnitLevel::County, "U5301030001").await;
    let p = unit_in(db, &t.prefecture, UnitLevel::Prefecture, "U5301000001").await;
    let d1 = Department { id: DepartmentId::new(), unit_id: a.id, name: "内科".into() };
    let d2 = Department { id: DepartmentId::new(), unit_id: a.id, name: "外科".into() };
    department::insert(db, &d1).await.unwrap();
    department::insert(db, &d2).await.unwrap();
    let cipher = cipher();
    let mut staff_a = Vec::new();
    for (seq, dept) in [(1, d1.id), (2, d1.id), (3, d2.id)] {
        let mut p = crate::common::person(a.id, seq, vec![]);
        p.department_id = Some(dept);
        person::insert(db, &cipher, &p).await.unwrap();
        staff_a.push(p);
    }
    let pb = crate::common::person(b.id, 4, vec![]);
    person::insert(db, &cipher, &pb).await.unwrap();
    World {
        province: t.province,
        prefecture: t.prefecture,
        county: t.county,
        county2,
        a,
        b,
        p,
        d1,
        d2,
        staff_a,
        staff_b: vec![pb],
        cipher,
    }
}

fn ids<T>(items: &[T], id: impl Fn(&T) -> Uuid) -> HashSet<Uuid> {
    items.iter().map(id).collect()
}

async fn people_in(db: &DatabaseConnection, w: &World, scope: &Scope) -> HashSet<Uuid> {
    let page = person::list_scoped(db, &w.cipher, scope, &PersonFilter::default(), None, 200).await.unwrap();
    ids(&page.items, |p| p.id.0)
}

fn conflict_name(r: Result<impl std::fmt::Debug, StoreError>) -> String {
    match r {
        Err(StoreError::Conflict { constraint }) => constraint,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

// ---------------------------------------------------------------- scoping

both_backends!(each_scope_sees_its_own_and_nothing_else, |db| async move {
    let w = world(&db).await;
    let all_a: HashSet<Uuid> = ids(&w.staff_a, |p| p.id.0);
    let b_only: HashSet<Uuid> = ids(&w.staff_b, |p| p.id.0);

    // A county office: its units and people, not the other county's.
    let county = Scope::Region(w.county.id);
    let units = unit::list_scoped(&db, &county, &UnitFilter::default(), None, 50).await.unwrap();
    assert_eq!(ids(&units.items, |u| u.unit.id.0), HashSet::from([w.a.id.0]));
    assert_eq!(people_in(&db, &w, &county).await, all_a);
    assert!(matches!(unit::get_scoped(&db, &county, w.b.id).await, Err(StoreError::NotFound)));
    assert!(matches!(person::get_scoped(&db, &w.cipher, &county, w.staff_b[0].id).await, Err(StoreError::NotFound)));
    assert_eq!(unit::get_scoped(&db, &county, w.a.id).await.unwrap().unit, w.a);
    assert_eq!(person::get_scoped(&db, &w.cipher, &county, w.staff_a[0].id).await.unwrap(), w.staff_a[0]);
    // Outside the scope is indistinguishable from missing.
    assert!(matches!(person::get_scoped(&db, &w.cipher, &county, PersonId::new()).await, Err(StoreError::NotFound)));

    // The prefecture office sees both counties and its own unit.
    let prefecture = Scope::Region(w.prefecture.id);
    let units = unit::list_scoped(&db, &prefecture, &UnitFilter::default(), None, 50).await.unwrap();
    assert_eq!(ids(&units.items, |u| u.unit.id.0), HashSet::from([w.a.id.0, w.b.id.0, w.p.id.0]));
    assert_eq!(people_in(&db, &w, &prefecture).await, all_a.union(&b_only).copied().collect());
    assert_eq!(people_in(&db, &w, &Scope::Province).await.len(), 4);
    // Filtering by a county from above narrows to it.
    let filter = UnitFilter { region_id: Some(w.county2.id), ..UnitFilter::default() };
    let units = unit::list_scoped(&db, &prefecture, &filter, None, 50).await.unwrap();
    assert_eq!(ids(&units.items, |u| u.unit.id.0), HashSet::from([w.b.id.0]));
    // … but never widens a county's view.
    let units = unit::list_scoped(&db, &county, &filter, None, 50).await.unwrap();
    assert!(units.items.is_empty());

    // A unit: its staff and departments.
    let unit_a = Scope::Unit(w.a.id);
    assert_eq!(people_in(&db, &w, &unit_a).await, all_a);
    let depts = department::list_scoped(&db, &unit_a, w.a.id).await.unwrap();
    assert_eq!(ids(&depts, |d| d.id.0), HashSet::from([w.d1.id.0, w.d2.id.0]));
    assert!(department::list_scoped(&db, &Scope::Unit(w.b.id), w.a.id).await.unwrap().is_empty());
    assert!(matches!(department::get_scoped(&db, &Scope::Unit(w.b.id), w.d1.id).await, Err(StoreError::NotFound)));

    // A department: its staff only.
    let dept = Scope::Department(w.a.id, w.d1.id);
    assert_eq!(people_in(&db, &w, &dept).await, HashSet::from([w.staff_a[0].id.0, w.staff_a[1].id.0]));
    assert!(matches!(person::get_scoped(&db, &w.cipher, &dept, w.staff_a[2].id).await, Err(StoreError::NotFound)));
    let depts = department::list_scoped(&db, &dept, w.a.id).await.unwrap();
    assert_eq!(depts, vec![w.d1.clone()]);

    // A trainee: himself.
    let me = Scope::Person(w.a.id, w.staff_a[2].id);
    assert_eq!(people_in(&db, &w, &me).await, HashSet::from([w.staff_a[2].id.0]));
    assert!(matches!(person::get_scoped(&db, &w.cipher, &me, w.staff_a[0].id).await, Err(StoreError::NotFound)));
    assert_eq!(department::list_scoped(&db, &me, w.a.id).await.unwrap(), vec![w.d2.clone()]);

    // Regions: a county sees itself and the chain above, not its sibling.
    let regions = region::list_scoped(&db, &county, None, None).await.unwrap();
    assert_eq!(ids(&regions, |r| r.id.0), HashSet::from([w.county.id.0, w.prefecture.id.0, w.province.id.0]));
    let regions = region::list_scoped(&db, &prefecture, Some(w.prefecture.id), None).await.unwrap();
    assert_eq!(ids(&regions, |r| r.id.0), HashSet::from([w.county.id.0, w.county2.id.0]));
    let regions = region::list_scoped(&db, &Scope::Unit(w.b.id), None, Some(RegionLevel::County)).await.unwrap();
    assert_eq!(ids(&regions, |r| r.id.0), HashSet::from([w.county2.id.0]));
    assert!(matches!(region::get_scoped(&db, &county, w.county2.id).await, Err(StoreError::NotFound)));
    assert_eq!(region::list_scoped(&db, &Scope::Province, None, None).await.unwrap().len(), 4);

    // Filters on people.
    let filter = PersonFilter { department_id: Some(w.d2.id), ..PersonFilter::default() };
    let page = person::list_scoped(&db, &w.cipher, &prefecture, &filter, None, 50).await.unwrap();
    assert_eq!(page.items, vec![w.staff_a[2].clone()]);
    let filter = PersonFilter { name_contains: Some("张4".into()), ..PersonFilter::default() };
    let page = person::list_scoped(&db, &w.cipher, &Scope::Province, &filter, None, 50).await.unwrap();
    assert_eq!(page.items, w.staff_b);
    let filter = PersonFilter { name_contains: Some("%".into()), ..PersonFilter::default() };
    assert!(person::list_scoped(&db, &w.cipher, &Scope::Province, &filter, None, 50).await.unwrap().items.is_empty());
});

both_backends!(encloses_follows_the_tree, |db| async move {
    let w = world(&db).await;
    let prefecture = Scope::Region(w.prefecture.id);
    let county = Scope::Region(w.county.id);
    assert!(scope::encloses(&db, &Scope::Province, &prefecture).await.unwrap());
    assert!(scope::encloses(&db, &prefecture, &county).await.unwrap());
    assert!(scope::encloses(&db, &prefecture, &Scope::Unit(w.b.id)).await.unwrap());
    assert!(scope::encloses(&db, &county, &Scope::Unit(w.a.id)).await.unwrap());
    assert!(!scope::encloses(&db, &county, &Scope::Unit(w.b.id)).await.unwrap());
    assert!(!scope::encloses(&db, &county, &prefecture).await.unwrap());
    assert!(!scope::encloses(&db, &county, &Scope::Province).await.unwrap());
    assert!(scope::encloses(&db, &Scope::Unit(w.a.id), &Scope::Department(w.a.id, w.d1.id)).await.unwrap());
    assert!(!scope::encloses(&db, &Scope::Unit(w.b.id), &Scope::Department(w.a.id, w.d1.id)).await.unwrap());
    let trainee = Scope::Person(w.a.id, w.staff_a[0].id);
    assert!(scope::encloses(&db, &Scope::Department(w.a.id, w.d1.id), &trainee).await.unwrap());
    assert!(!scope::encloses(&db, &Scope::Department(w.a.id, w.d2.id), &trainee).await.unwrap());
});

// ---------------------------------------------------------------- pagination

both_backends!(keyset_pages_return_every_row_once, |db| async move {
    let w = world(&db).await;
    let mut expected: HashSet<Uuid> = ids(&w.staff_a, |p| p.id.0);
    let extra: Vec<Person> = (10..33).map(|seq| crate::common::person(w.a.id, seq, vec![])).collect();
    person::insert_many(&db, &w.cipher, &extra).await.unwrap();
    expected.extend(extra.iter().map(|p| p.id.0));
    assert_eq!(expected.len(), 26);

    let scope = Scope::Unit(w.a.id);
    let mut seen = Vec::new();
    let mut after = None;
    let mut pages = 0;
    loop {
        let page = person::list_scoped(&db, &w.cipher, &scope, &PersonFilter::default(), after, 7).await.unwrap();
        assert!(page.items.len() <= 7);
        seen.extend(page.items.iter().map(|p| p.id.0));
        pages += 1;
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(pages, 4);
    assert_eq!(seen.len(), 26, "no row twice");
    assert_eq!(seen.iter().copied().collect::<HashSet<_>>(), expected);
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "ordered by id");

    // An exact multiple ends without an empty extra page.
    let page = person::list_scoped(&db, &w.cipher, &scope, &PersonFilter::default(), None, 26).await.unwrap();
    assert_eq!((page.items.len(), page.next), (26, None));
    // Limits are clamped.
    let page = person::list_scoped(&db, &w.cipher, &scope, &PersonFilter::default(), None, 0).await.unwrap();
    assert_eq!(page.items.len(), 1);

    let mut units_seen = Vec::new();
    let mut after = None;
    loop {
        let page = unit::list_scoped(&db, &Scope::Province, &UnitFilter::default(), after, 2).await.unwrap();
        units_seen.extend(page.items.iter().map(|u| u.unit.id.0));
        let Some(next) = page.next else { break };
        after = Some(next);
    }
    assert_eq!(units_seen.len(), 3);
    assert_eq!(units_seen.into_iter().collect::<HashSet<_>>(), HashSet::from([w.a.id.0, w.b.id.0, w.p.id.0]));
});

// ---------------------------------------------------------------- accounts

fn new_account(username: &str, role: Role, scope: Scope) -> NewAccount {
    NewAccount {
        username: username.into(),
        role,
        scope,
        display_name: username.into(),
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
        must_change_password: true,
        created_by: None,
    }
}

both_backends!(usernames_are_unique_in_any_case_and_scopes_must_fit, |db| async move {
    let w = world(&db).await;
    let county =
        account::insert(&db, &new_account("WuHua", Role::CountyOffice, Scope::Region(w.county.id))).await.unwrap();
    assert_eq!(county.username, "wuhua");
    assert!(county.has_password && county.must_change_password && !county.disabled);
    assert_eq!(county.scope, Scope::Region(w.county.id));
    let dup = account::insert(&db, &new_account("WUHUA", Role::Unit, Scope::Unit(w.a.id))).await;
    assert_eq!(conflict_name(dup), "uq_accounts_username");
    let (found, hash) = account::find_by_username(&db, " wUhUa ").await.unwrap().unwrap();
    assert_eq!(found, county);
    assert!(hash.unwrap().starts_with("$argon2id$"));
    assert!(account::find_by_username(&db, "nobody").await.unwrap().is_none());

    // The role decides the kind of organisation.
    let wrong = account::insert(&db, &new_account("u1", Role::Unit, Scope::Region(w.county.id))).await;
    assert!(matches!(wrong, Err(StoreError::ScopeMismatch { role: Role::Unit, .. })));
    let wrong = account::insert(&db, &new_account("p1", Role::ProvinceWestern, Scope::Unit(w.a.id))).await;
    assert!(matches!(wrong, Err(StoreError::ScopeMismatch { .. })));
    // A department of another unit does not fit.
    let wrong = account::insert(&db, &new_account("d1", Role::Department, Scope::Department(w.b.id, w.d1.id))).await;
    assert!(matches!(wrong, Err(StoreError::ScopeMismatch { .. })));
    let dept =
        account::insert(&db, &new_account("d1", Role::Department, Scope::Department(w.a.id, w.d1.id))).await.unwrap();
    assert_eq!(account::get(&db, dept.id).await.unwrap().scope, Scope::Department(w.a.id, w.d1.id));
    let admin = account::insert(&db, &new_account("admin", Role::SystemAdmin, Scope::Province)).await.unwrap();
    assert_eq!(admin.scope, Scope::Province);

    // The database refuses an organisation of two shapes at once.
    let now = Utc::now();
    let twisted = cme_store::entity::accounts::ActiveModel {
        id: Set(Uuid::now_v7()),
        username: Set("twisted".into()),
        password_hash: Set(None),
        role: Set(cme_domain::auth::Role::Unit),
        region_id: Set(Some(w.county.id.0)),
        unit_id: Set(Some(w.a.id.0)),
        department_id: Set(None),
        person_id: Set(None),
        display_name: Set("x".into()),
        must_change_password: Set(false),
        disabled_at: Set(None),
        password_changed_at: Set(None),
        created_at: Set(now),
        created_by: Set(None),
        updated_at: Set(now),
        row_version: Set(1),
    };
    let res = cme_store::entity::accounts::Entity::insert(twisted).exec_without_returning(&db).await;
    assert_eq!(conflict_name(res.map_err(StoreError::from)), "ck_accounts_scope_shape");
});

both_backends!(trainee_accounts_are_created_once, |db| async move {
    let w = world(&db).await;
    let me = &w.staff_a[0];
    assert!(account::find_for_person(&db, me.id).await.unwrap().is_none());
    let first = account::create_trainee_account(&db, me).await.unwrap();
    assert_eq!((first.role, first.scope), (Role::Trainee, Scope::Person(w.a.id, me.id)));
    assert!(!first.has_password);
    assert!(!first.username.contains(me.id_number.as_str()));
    let again = account::create_trainee_account(&db, me).await.unwrap();
    assert_eq!(again, first);
    let (found, hash) = account::find_for_person(&db, me.id).await.unwrap().unwrap();
    assert_eq!((found, hash), (first.clone(), None));
    // The account follows a transfer.
    let moved = Person { unit_id: w.b.id, department_id: None, ..me.clone() };
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        match db.get_database_backend() {
            cme_store::DbBackend::Postgres => "UPDATE people SET unit_id = $1, department_id = NULL WHERE id = $2",
            _ => "UPDATE people SET unit_id = ?, department_id = NULL WHERE id = ?",
        },
        [w.b.id.0.into(), me.id.0.into()],
    ))
    .await
    .unwrap();
    let followed = account::create_trainee_account(&db, &moved).await.unwrap();
    assert_eq!(followed.id, first.id);
    assert_eq!(followed.scope, Scope::Person(w.b.id, me.id));
});

both_backends!(password_changes_and_disabling_end_every_session, |db| async move {
    let w = world(&db).await;
    let acc = account::insert(&db, &new_account("unit-a", Role::Unit, Scope::Unit(w.a.id))).await.unwrap();
    let ttl = Duration::days(7);
    let (t1, _) = refresh::issue(&db, acc.id, None, ttl, Some("10.0.0.1"), Some("test")).await.unwrap();
    let (t2, _) = refresh::issue(&db, acc.id, None, ttl, None, None).await.unwrap();

    let changed = account::set_password(&db, acc.id, "$argon2id$new", false).await.unwrap();
    assert!(!changed.must_change_password);
    assert!(changed.password_changed_at.is_some());
    assert!(changed.row_version > acc.row_version);
    assert_eq!(account::find_by_username(&db, "unit-a").await.unwrap().unwrap().1.as_deref(), Some("$argon2id$new"));
    for t in [&t1, &t2] {
        assert!(matches!(refresh::rotate(&db, t, ttl, None, None).await, Err(StoreError::TokenInvalid)));
    }

    let (t3, _) = refresh::issue(&db, acc.id, None, ttl, None, None).await.unwrap();
    let disabled = account::set_disabled(&db, acc.id, true).await.unwrap();
    assert!(disabled.disabled);
    assert!(matches!(refresh::rotate(&db, &t3, ttl, None, None).await, Err(StoreError::TokenInvalid)));
    assert!(!account::set_disabled(&db, acc.id, false).await.unwrap().disabled);
    assert!(matches!(account::set_password(&db, Uuid::now_v7(), "x", true).await, Err(StoreError::NotFound)));
});

both_backends!(offices_list_only_the_accounts_they_manage, |db| async move {
    let w = world(&db).await;
    let ins = |u: &'static str, r: Role, s: Scope| {
        let db = db.clone();
        async move { account::insert(&db, &new_account(u, r, s)).await.unwrap() }
    };
    let pref = ins("pref", Role::PrefectureOffice, Scope::Region(w.prefecture.id)).await;
    let county = ins("county", Role::CountyOffice, Scope::Region(w.county.id)).await;
    let county2 = ins("county2", Role::CountyOffice, Scope::Region(w.county2.id)).await;
    let unit_a = ins("unit-a", Role::Unit, Scope::Unit(w.a.id)).await;
    let unit_b = ins("unit-b", Role::Unit, Scope::Unit(w.b.id)).await;
    let unit_p = ins("unit-p", Role::Unit, Scope::Unit(w.p.id)).await;
    let dept = ins("dept", Role::Department, Scope::Department(w.a.id, w.d1.id)).await;
    let western = ins("western", Role::ProvinceWestern, Scope::Province).await;
    let trainee = account::create_trainee_account(&db, &w.staff_a[0]).await.unwrap();

    let listed = |actor: Actor| {
        let db = db.clone();
        async move {
            let page = account::list_managed_by(&db, &actor, None, 200).await.unwrap();
            page.items.iter().map(|a| a.username.clone()).collect::<HashSet<_>>()
        }
    };
    let set = |names: &[&str]| names.iter().map(|s| (*s).to_owned()).collect::<HashSet<_>>();
    assert_eq!(listed(county.actor()).await, set(&["unit-a"]));
    assert_eq!(listed(county2.actor()).await, set(&["unit-b"]));
    assert_eq!(listed(pref.actor()).await, set(&["county", "county2", "unit-a", "unit-b", "unit-p"]));
    // A unit manages its departments and its workers' trainee accounts.
    assert_eq!(listed(unit_a.actor()).await, set(&["dept", trainee.username.as_str()]));
    assert!(listed(dept.actor()).await.is_empty());
    assert_eq!(listed(western.actor()).await, set(&["pref", "unit-a", "unit-b", "unit-p"]));

    assert_eq!(account::get_managed(&db, &county.actor(), unit_a.id).await.unwrap(), unit_a);
    assert!(matches!(account::get_managed(&db, &county.actor(), unit_b.id).await, Err(StoreError::NotFound)));
    assert!(matches!(account::get_managed(&db, &unit_a.actor(), unit_p.id).await, Err(StoreError::NotFound)));

    // Pages of the prefecture's five.
    let actor = pref.actor();
    let first = account::list_managed_by(&db, &actor, None, 3).await.unwrap();
    assert_eq!(first.items.len(), 3);
    let second = account::list_managed_by(&db, &actor, first.next, 3).await.unwrap();
    assert_eq!((second.items.len(), second.next), (2, None));
});

// ---------------------------------------------------------------- refresh tokens

both_backends!(refresh_tokens_rotate_and_a_replay_revokes_the_family, |db| async move {
    let w = world(&db).await;
    let acc = account::insert(&db, &new_account("unit-a", Role::Unit, Scope::Unit(w.a.id))).await.unwrap();
    let ttl = Duration::days(7);
    let (t0, r0) = refresh::issue(&db, acc.id, None, ttl, None, None).await.unwrap();
    assert_eq!(URL_SAFE_LEN, t0.len());
    let (who, t1, r1) = refresh::rotate(&db, &t0, ttl, None, None).await.unwrap();
    assert_eq!(who, acc.id);
    assert_eq!(r1.family_id, r0.family_id);
    assert_ne!(t1, t0);
    let (_, t2, _) = refresh::rotate(&db, &t1, ttl, None, None).await.unwrap();

    // Another sign-in's family is untouched by what follows.
    let (other, _) = refresh::issue(&db, acc.id, None, ttl, None, None).await.unwrap();

    // Replaying t0: the family goes, including t2 from the later rotation.
    assert!(matches!(refresh::rotate(&db, &t0, ttl, None, None).await, Err(StoreError::TokenReplayed)));
    assert!(matches!(refresh::rotate(&db, &t2, ttl, None, None).await, Err(StoreError::TokenInvalid)));
    assert!(refresh::peek(&db, &t2).await.unwrap().is_none());
    assert!(refresh::peek(&db, &other).await.unwrap().is_some());

    // Unknown and expired tokens.
    assert!(matches!(refresh::rotate(&db, "nope", ttl, None, None).await, Err(StoreError::TokenInvalid)));
    let (old, _) = refresh::issue(&db, acc.id, None, Duration::seconds(-1), None, None).await.unwrap();
    assert!(matches!(refresh::rotate(&db, &old, ttl, None, None).await, Err(StoreError::TokenInvalid)));

    // Sign-out ends one family; sign-out everywhere ends the rest.
    let (t, _) = refresh::issue(&db, acc.id, None, ttl, None, None).await.unwrap();
    assert_eq!(refresh::revoke_family(&db, &t).await.unwrap(), Some(acc.id));
    assert!(matches!(refresh::rotate(&db, &t, ttl, None, None).await, Err(StoreError::TokenInvalid)));
    assert!(refresh::rotate(&db, &other, ttl, None, None).await.is_ok());
    assert!(refresh::revoke_all(&db, acc.id).await.unwrap() >= 1);
    assert_eq!(refresh::revoke_all(&db, acc.id).await.unwrap(), 0);
});

/// 32 bytes in unpadded base64url.
const URL_SAFE_LEN: usize = 43;

both_backends!(concurrent_rotations_of_one_token_let_one_win, |db| async move {
    let w = world(&db).await;
    let acc = account::insert(&db, &new_account("unit-a", Role::Unit, Scope::Unit(w.a.id))).await.unwrap();
    let ttl = Duration::days(7);
    let (t0, _) = refresh::issue(&db, acc.id, None, ttl, None, None).await.unwrap();
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let (db, t0) = (db.clone(), t0.clone());
            tokio::spawn(async move { refresh::rotate(&db, &t0, ttl, None, None).await })
        })
        .collect();
    let mut won = Vec::new();
    for t in tasks {
        match t.await.unwrap() {
            Ok((_, next, _)) => won.push(next),
            // Replayed, or already revoked by another loser's replay.
            Err(StoreError::TokenReplayed | StoreError::TokenInvalid) => {}
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(won.len(), 1);
    // The losers' replay revoked the family, the winner's new token with it.
    assert!(matches!(refresh::rotate(&db, &won[0], ttl, None, None).await, Err(StoreError::TokenInvalid)));
});

// ---------------------------------------------------------------- API clients

both_backends!(api_clients_authenticate_until_revoked, |db| async move {
    let w = world(&db).await;
    let owner = Scope::Unit(w.a.id);
    let (client_id, secret, client) =
        api_client::create(&db, "HIS", owner, vec![Operation::ReadHierarchy, Operation::ReadHierarchy], None)
            .await
            .unwrap();
    assert_eq!(client.scopes, vec![Operation::ReadHierarchy]);
    assert_eq!((client.role, client.scope), (Role::ApiClient, owner));
    let found = api_client::authenticate(&db, &client_id, &secret).await.unwrap().unwrap();
    assert_eq!(found, client);
    let actor = found.actor();
    assert!(actor.may(Operation::ReadHierarchy) && !actor.may(Operation::RevealIdNumber));
    assert!(api_client::authenticate(&db, &client_id, "wrong").await.unwrap().is_none());
    assert!(api_client::authenticate(&db, "cme_unknown", &secret).await.unwrap().is_none());

    // Listed and revoked by its owner only: the office above the unit sees none.
    assert_eq!(api_client::list(&db, &owner).await.unwrap().len(), 1);
    assert!(api_client::list(&db, &Scope::Region(w.county.id)).await.unwrap().is_empty());
    assert!(api_client::list(&db, &Scope::Province).await.unwrap().is_empty());
    assert!(matches!(api_client::revoke(&db, &Scope::Region(w.county.id), client.id).await, Err(StoreError::NotFound)));
    assert!(api_client::list(&db, &Scope::Department(w.a.id, w.d1.id)).await.unwrap().is_empty());
    assert!(matches!(api_client::revoke(&db, &Scope::Unit(w.b.id), client.id).await, Err(StoreError::NotFound)));
    assert!(api_client::authenticate(&db, &client_id, &secret).await.unwrap().is_some());
    assert!(api_client::revoke(&db, &owner, client.id).await.unwrap().revoked);
    assert!(api_client::authenticate(&db, &client_id, &secret).await.unwrap().is_none());

    let bad = api_client::create(&db, "x", Scope::Department(w.a.id, w.d1.id), vec![], None).await;
    assert!(matches!(bad, Err(StoreError::ScopeMismatch { .. })));
    let (_, _, provincial) = api_client::create(&db, "app", Scope::Province, vec![], None).await.unwrap();
    assert_eq!(provincial.scope, Scope::Province);
    assert_eq!(api_client::list(&db, &Scope::Province).await.unwrap(), vec![provincial]);
});

// ---------------------------------------------------------------- captchas and failures

both_backends!(captchas_answer_once_and_expire, |db| async move {
    let id = captcha::create(&db, "AbC7", Duration::minutes(5)).await.unwrap();
    assert!(captcha::consume(&db, id, " abc7 ").await.unwrap());
    assert!(!captcha::consume(&db, id, "abc7").await.unwrap(), "single use");

    let id = captcha::create(&db, "xyz", Duration::minutes(5)).await.unwrap();
    assert!(!captcha::consume(&db, id, "wrong").await.unwrap());
    assert!(!captcha::consume(&db, id, "xyz").await.unwrap(), "a wrong guess uses it up");

    let id = captcha::create(&db, "old", Duration::seconds(-1)).await.unwrap();
    assert!(!captcha::consume(&db, id, "old").await.unwrap(), "expired");
    assert!(!captcha::consume(&db, Uuid::now_v7(), "x").await.unwrap(), "unknown");
    assert_eq!(captcha::prune(&db, Utc::now()).await.unwrap(), 1);
});

both_backends!(login_failures_count_within_the_window, |db| async move {
    let key = login_failure::account_key("WuHua");
    assert_eq!(key, "account:wuhua");
    let at = |ago: Duration| login_failures::ActiveModel {
        id: Set(Uuid::now_v7()),
        key: Set(key.clone()),
        at: Set(Utc::now() - ago),
    };
    login_failures::Entity::insert(at(Duration::hours(2))).exec_without_returning(&db).await.unwrap();
    login_failures::Entity::insert(at(Duration::days(2))).exec_without_returning(&db).await.unwrap();
    let before = Utc::now() - Duration::seconds(1);
    for _ in 0..3 {
        login_failure::record(&db, &key).await.unwrap();
    }
    login_failure::record(&db, &login_failure::ip_key("10.0.0.9")).await.unwrap();
    let hour_ago = Utc::now() - Duration::hours(1);
    assert_eq!(login_failure::count_since(&db, &key, hour_ago).await.unwrap(), 3);
    assert_eq!(login_failure::count_since(&db, &key, Utc::now() - Duration::hours(3)).await.unwrap(), 4);
    assert_eq!(login_failure::count_since(&db, "account:other", hour_ago).await.unwrap(), 0);
    let oldest = login_failure::oldest_since(&db, &key, hour_ago).await.unwrap().unwrap();
    assert!(oldest >= before && oldest <= Utc::now());
    assert_eq!(login_failure::prune(&db).await.unwrap(), 1);
    assert_eq!(login_failure::count_since(&db, &key, Utc::now() - Duration::days(3)).await.unwrap(), 4);
});

// ---------------------------------------------------------------- audit

both_backends!(the_audit_chain_shows_an_edit, |db| async move {
    let w = world(&db).await;
    let actor = Actor {
        id: Uuid::now_v7(),
        name: "county".into(),
        role: Role::CountyOffice,
        scope: Scope::Region(w.county.id),
        granted: None,
    };
    assert_eq!(audit::verify_chain(&db).await.unwrap(), ChainCheck::Intact { entries: 0 });
    for i in 1..=50 {
        let entry = if i % 2 == 0 {
            AuditEntry::by(&actor, cme_domain::audit::AuditAction::AccountCreate)
                .ip(Some("10.0.0.1"))
                .target(cme_domain::audit::AuditTarget::Account, Uuid::now_v7())
                .detail(serde_json::json!({ "n": i, "role": "unit" }))
        } else {
            AuditEntry::new(cme_domain::audit::AuditAction::AuthLoginFailure)
                .ip(Some("10.0.0.2"))
                .place(None, Some(w.b.id))
        };
        assert_eq!(audit::append(&db, &entry).await.unwrap(), i);
    }
    assert_eq!(audit::verify_chain(&db).await.unwrap(), ChainCheck::Intact { entries: 50 });

    // Read by jurisdiction, newest first, in pages.
    let page = audit::list(&db, &Scope::Region(w.county.id), &Default::default(), None, 10).await.unwrap();
    assert_eq!(page.items.len(), 10);
    assert_eq!(page.items[0].seq, 50);
    assert!(page.items.iter().all(|e| e.action == "account.create"));
    assert_eq!(page.items[0].detail, serde_json::json!({ "n": 50, "role": "unit" }));
    assert_eq!(page.items[0].actor_role, Some(Role::CountyOffice));
    let mut all = page.items.len();
    let mut next = page.next;
    while let Some(after) = next {
        let page = audit::list(&db, &Scope::Region(w.county.id), &Default::default(), Some(after), 10).await.unwrap();
        all += page.items.len();
        next = page.next;
    }
    assert_eq!(all, 25);
    assert_eq!(audit::list(&db, &Scope::Unit(w.b.id), &Default::default(), None, 200).await.unwrap().items.len(), 25);
    assert_eq!(
        audit::list(&db, &Scope::Region(w.prefecture.id), &Default::default(), None, 200).await.unwrap().items.len(),
        50
    );
    assert_eq!(audit::list(&db, &Scope::Unit(w.a.id), &Default::default(), None, 200).await.unwrap().items.len(), 0);
    assert_eq!(audit::list(&db, &Scope::Province, &Default::default(), None, 200).await.unwrap().items.len(), 50);
    assert_eq!(audit::head(&db).await.unwrap().unwrap().0, 50);

    let edit = r#"UPDATE audit_log SET detail = '{"n":17,"role":"admin"}' WHERE seq = 17"#;
    assert!(db.execute_unprepared(edit).await.is_err(), "the database refuses to edit the log");
    tamper(&db, edit).await;
    assert_eq!(audit::verify_chain(&db).await.unwrap(), ChainCheck::Broken { seq: 17 });
});

/// Runs `sql` on the audit log past its append-only triggers, as someone
/// with the database's owner rights could.
async fn tamper(db: &DatabaseConnection, sql: &str) {
    use sea_orm::TransactionTrait as _;
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let txn = db.begin().await.unwrap();
            txn.execute_unprepared("SET LOCAL session_replication_role = replica").await.unwrap();
            txn.execute_unprepared(sql).await.unwrap();
            txn.commit().await.unwrap();
        }
        _ => {
            db.execute_unprepared("DROP TRIGGER tr_audit_log_no_update").await.unwrap();
            db.execute_unprepared("DROP TRIGGER tr_audit_log_no_delete").await.unwrap();
            db.execute_unprepared(sql).await.unwrap();
        }
    }
}

both_backends!(an_edited_row_rehashed_without_the_key_still_breaks_the_chain, |db| async move {
    for _ in 0..4 {
        audit::append(&db, &AuditEntry::new(cme_domain::audit::AuditAction::AuthLoginFailure)).await.unwrap();
    }
    // Whoever edits entry 2 and recomputes the plain SHA-256 chain from it
    // (as one could before the chain was keyed) is still found out.
    let rows = cme_store::entity::audit_log::Entity::find().all(&db).await.unwrap();
    assert!(rows.iter().all(|r| r.keyed == 1));
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let forged = <sha2::Sha256 as sha2::Digest>::digest(b"forged");
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => format!(
            "UPDATE audit_log SET action = 'auth.login.success', keyed = 0, hash = decode('{}', 'hex') WHERE seq = 2",
            hex(&forged)
        ),
        _ => format!(
            "UPDATE audit_log SET action = 'auth.login.success', keyed = 0, hash = X'{}' WHERE seq = 2",
            hex(&forged)
        ),
    };
    tamper(&db, &sql).await;
    assert_eq!(audit::verify_chain(&db).await.unwrap(), ChainCheck::Broken { seq: 2 });
});

both_backends!(a_deleted_audit_row_breaks_the_chain, |db| async move {
    for _ in 0..5 {
        audit::append(&db, &AuditEntry::new(cme_domain::audit::AuditAction::AuthLoginFailure)).await.unwrap();
    }
    assert!(db.execute_unprepared("DELETE FROM audit_log WHERE seq = 3").await.is_err());
    tamper(&db, "DELETE FROM audit_log WHERE seq = 3").await;
    assert_eq!(audit::verify_chain(&db).await.unwrap(), ChainCheck::Broken { seq: 3 });
});

both_backends!(concurrent_appends_keep_the_chain_gap_free, |db| async move {
    let tasks: Vec<_> = (0..8)
        .map(|t| {
            let db = db.clone();
            tokio::spawn(async move {
                for i in 0..10 {
                    let entry = AuditEntry::new(cme_domain::audit::AuditAction::AuthLoginSuccess)
                        .detail(serde_json::json!({ "task": t, "i": i }));
                    audit::append(&db, &entry).await.unwrap();
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(audit::verify_chain(&db).await.unwrap(), ChainCheck::Intact { entries: 80 });
    let page = audit::list(&db, &Scope::Province, &Default::default(), None, 200).await.unwrap();
    let seqs: Vec<i64> = page.items.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=80).rev().collect::<Vec<_>>());
});

both_backends!(an_audit_entry_rolls_back_with_its_transaction, |db| async move {
    use sea_orm::TransactionTrait as _;
    let txn = db.begin().await.unwrap();
    audit::append(&txn, &AuditEntry::new(cme_domain::audit::AuditAction::AccountCreate)).await.unwrap();
    txn.rollback().await.unwrap();
    assert_eq!(audit::verify_chain(&db).await.unwrap(), ChainCheck::Intact { entries: 0 });
    let txn = db.begin().await.unwrap();
    assert_eq!(audit::append(&txn, &AuditEntry::new(cme_domain::audit::AuditAction::AccountCreate)).await.unwrap(), 1);
    txn.commit().await.unwrap();
    assert_eq!(audit::verify_chain(&db).await.unwrap(), ChainCheck::Intact { entries: 1 });
});
