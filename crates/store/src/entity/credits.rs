//! `credits`: credit records, amounts in integer tenths.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credits")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub person_id: Uuid,
    pub year: i32,
    pub kind: cme_domain::credit::CreditKind,
    pub source: Option<cme_domain::credit::CreditSource>,
    /// `i` / `ii`, derived from the source.
    pub class: Option<cme_domain::credit::CreditClass>,
    pub amount_tenths: i32,
    pub entry_path: cme_domain::credit::EntryPath,
    pub state: cme_domain::credit::CreditState,
    pub activity_name: String,
    pub organiser: Option<String>,
    pub earned_on: Option<Date>,
    pub certificate_no: Option<String>,
    pub activity_id: Option<Uuid>,
    pub reverses_id: Option<Uuid>,
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
    pub created_by: Option<String>,
    /// The department that typed in a paper certificate.
    pub department_id: Option<Uuid>,
    /// The department report (科室学分上报) that carried it to the unit.
    pub report_id: Option<Uuid>,
    /// The unit's decision on a reported record: who, when, why.
    pub decided_by: Option<String>,
    pub decision_reason: Option<String>,
    pub decided_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::people::Entity", from = "Column::PersonId", to = "super::people::Column::Id")]
    Person,
    #[sea_orm(belongs_to = "Entity", from = "Column::ReversesId", to = "Column::Id")]
    Reverses,
}

impl ActiveModelBehavior for ActiveModel {}

/// A stored record as the domain's; a kind, source, amount or state the
/// domain does not know is corruption.
impl TryFrom<Model> for cme_domain::credit::CreditRecord {
    type Error = crate::StoreError;

    fn try_from(m: Model) -> Result<Self, Self::Error> {
        use cme_domain::Credits;
        use cme_domain::credit::CreditCategory;
        use cme_domain::ids::{CreditId, PersonId};

        use crate::StoreError;

        let kind = m.kind;
        let source = m.source;
        let category = CreditCategory::from_parts(kind, source).ok_or_else(|| {
            StoreError::corrupt(format!("credit {} has kind {} and source {:?}", m.id, m.kind, m.source))
        })?;
        let tenths = u32::try_from(m.amount_tenths)
            .map_err(|_| StoreError::corrupt(format!("credit {} has amount {}", m.id, m.amount_tenths)))?;
        Ok(Self {
            id: CreditId(m.id),
            person_id: PersonId(m.person_id),
            year: m.year,
            category,
            amount: Credits::from_tenths(tenths),
            entry_path: m.entry_path,
            state: m.state,
            activity_name: m.activity_name,
            organiser: m.organiser,
            earned_on: m.earned_on,
            certificate_no: m.certificate_no,
            reverses: m.reverses_id.map(CreditId),
            note: m.note,
            created_at: m.created_at,
        })
    }
}
