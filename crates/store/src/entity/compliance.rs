//! `compliance`: the stored verdict of every person-year with its inputs
//! (title, course, valid credits summed by source) and the person's place
//! (unit, department, county, prefecture, discipline), kept current by the
//! store on every change and recomputed set-wise for a whole year.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "compliance")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    pub unit_id: Uuid,
    pub department_id: Option<Uuid>,
    pub county_id: Option<Uuid>,
    pub prefecture_id: Option<Uuid>,
    pub discipline: cme_domain::person::Discipline,
    pub title_level: Option<cme_domain::person::TitleLevel>,
    pub course_done: bool,
    pub sum_national: i32,
    pub sum_provincial: i32,
    pub sum_distance_i: i32,
    pub sum_prefecture: i32,
    pub sum_distance_ii: i32,
    pub sum_self_managed: i32,
    /// `compliant`, `non_compliant`, `not_counted` or `undetermined`.
    pub outcome: cme_domain::compliance::Outcome,
    pub i_tenths: i32,
    pub ii_tenths: i32,
    pub self_tenths: i32,
    pub total_tenths: i32,
    /// JSON array of `{"code", "missing_tenths"}`.
    pub shortfalls: String,
    pub note: Option<String>,
    pub standard_version: Option<i32>,
    pub computed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::people::Entity", from = "Column::PersonId", to = "super::people::Column::Id")]
    Person,
}

impl ActiveModelBehavior for ActiveModel {}
