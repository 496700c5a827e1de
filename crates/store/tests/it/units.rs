//! Unit upkeep in the store (issue 17), on both backends: what lives in a
//! unit, closing refused while staff remain, a move carrying its people's
//! place, a merge moving people and departments and keeping the merged unit.

use crate::common::{cipher, tree, unit_in};
use cme_domain::ids::{DepartmentId, RegionId};
use cme_domain::org::{Department, Region, RegionLevel, UnitLevel};
use cme_domain::person::PersonStatus;
use cme_store::entity::people;
use cme_store::repo::unit::{self, UnitRecord};
use cme_store::repo::{department, person, region};
use cme_store::{Refusal, StoreError, both_backends};
use sea_orm::EntityTrait as _;

both_backends!(a_unit_closes_only_when_empty_and_is_kept, |db| async move {
    let t = tree(&db).await;
    let clinic = unit_in(&db, &t.county, UnitLevel::Village, "U5301020101").await;
    let d = Department { id: DepartmentId::new(), unit_id: clinic.id, name: "全科".into() };
    department::insert(&db, &d).await.unwrap();
    let c = cipher();
    let mut p = crate::common::person(clinic.id, 1, vec![]);
    p.department_id = Some(d.id);
    person::insert(&db, &c, &p).await.unwrap();
    let o = unit::occupancy(&db, clinic.id, None).await.unwrap();
    assert_eq!(o.normal_staff, 1);
    assert_eq!(unit::occupancy(&db, clinic.id, Some(d.id)).await.unwrap().normal_staff, 1);
    match unit::close(&db, clinic.id).await {
        Err(StoreError::Refused { code: Refusal::UnitBusy, detail }) => {
            assert!(detail.contains("1 名在职人员"), "{detail}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(matches!(department::close(&db, &d).await, Err(StoreError::Refused { code: Refusal::UnitBusy, .. })));
    // Once the worker is cancelled (注销, retired or left), nothing lives there.
    person::change_status(&db, p.id, PersonStatus::Cancelled, Some("退休"), Some("test")).await.unwrap();
    assert_eq!(unit::occupancy(&db, clinic.id, None).await.unwrap().normal_staff, 0);
    department::close(&db, &d).await.unwrap();
    unit::close(&db, clinic.id).await.unwrap();
    let kept = unit::get(&db, clinic.id).await.unwrap();
    assert!(kept.closed_at.is_some() && kept.merged_into.is_none());
    assert!(matches!(unit::close(&db, clinic.id).await, Err(StoreError::Refused { code: Refusal::UnitClosed, .. })));
    assert!(department::is_closed(&db, d.id).await.unwrap());
});

both_backends!(a_move_carries_the_place_and_a_merge_the_people, |db| async move {
    let t = tree(&db).await;
    let other = Region {
        id: RegionId::new(),
        parent_id: Some(t.prefecture.id),
        level: RegionLevel::County,
        code: "530103".into(),
        name: "盘龙区".into(),
    };
    region::insert(&db, &other).await.unwrap();
    let a = unit_in(&db, &t.county, UnitLevel::Village, "U5301020201").await;
    let b = unit_in(&db, &other, UnitLevel::Village, "U5301030201").await;
    let c = cipher();
    let p = crate::common::person(a.id, 2, vec![]);
    person::insert(&db, &c, &p).await.unwrap();
    assert_eq!(unit::move_to(&db, a.id, &other).await.unwrap(), 1);
    let row = people::Entity::find_by_id(p.id.0).one(&db).await.unwrap().unwrap();
    assert_eq!((row.county_id, row.prefecture_id), (Some(other.id.0), Some(t.prefecture.id.0)));
    let from = unit::get(&db, a.id).await.unwrap();
    let into: UnitRecord = unit::get(&db, b.id).await.unwrap();
    let merged = unit::merge(&db, &from, &into).await.unwrap();
    assert_eq!(merged.people, 1);
    let row = people::Entity::find_by_id(p.id.0).one(&db).await.unwrap().unwrap();
    assert_eq!(row.unit_id, b.id.0);
    let gone = unit::get(&db, a.id).await.unwrap();
    assert_eq!(gone.merged_into, Some(b.id));
    assert!(gone.closed_at.is_some());
});

both_backends!(units_load_in_bulk_beyond_one_statement, |db| async move {
    let t = tree(&db).await;
    // More rows than one statement holds on either backend (SQLite: 32,766
    // bind parameters, 10 columns a unit): `cme generate` loads ~7,000.
    let records: Vec<UnitRecord> = (0..4_000)
        .map(|i| UnitRecord {
            unit: cme_domain::org::Unit {
                id: cme_domain::ids::UnitId::new(),
                region_id: t.county.id,
                name: format!("村卫生室{i}"),
                level: UnitLevel::Village,
                medicine: cme_domain::org::Medicine::Western,
            },
            code: format!("U53010{i:06}"),
            closed_at: None,
            merged_into: None,
        })
        .collect();
    assert_eq!(unit::insert_many(&db, &records).await.unwrap(), 4_000);
    assert_eq!(unit::list_by_region(&db, t.county.id).await.unwrap().len(), 4_000);
});
