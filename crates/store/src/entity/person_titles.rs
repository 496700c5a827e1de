//! `person_titles`: the title history of a person.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_titles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub person_id: Uuid,
    pub name: String,
    pub level: cme_domain::person::TitleLevel,
    pub obtained_on: Date,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::people::Entity", from = "Column::PersonId", to = "super::people::Column::Id")]
    Person,
}

impl ActiveModelBehavior for ActiveModel {}

/// A stored title as the domain's.
impl TryFrom<&Model> for cme_domain::person::Title {
    type Error = crate::StoreError;

    fn try_from(m: &Model) -> Result<Self, Self::Error> {
        Ok(Self { name: m.name.clone(), level: m.level, obtained_on: m.obtained_on })
    }
}

/// The title held on `day`, in the same statement as the person (one round
/// trip a page): `level|YYYY-MM-DD|name`, parsed by [`parse_current_title`].
pub fn current_title_expr(day: chrono::NaiveDate) -> sea_orm::sea_query::SimpleExpr {
    // The day is a server-side date rendered as YYYY-MM-DD (digits and
    // dashes only), so inlining it is safe; placeholders in custom SQL differ
    // between the backends.
    sea_orm::sea_query::Expr::cust(format!(
        "(SELECT t.level || '|' || CAST(t.obtained_on AS TEXT) || '|' || t.name FROM person_titles t \
         WHERE t.person_id = people.id AND t.obtained_on <= '{}' ORDER BY t.obtained_on DESC LIMIT 1)",
        day.format("%Y-%m-%d")
    ))
}

pub fn parse_current_title(text: &str) -> Result<cme_domain::person::Title, crate::StoreError> {
    let mut parts = text.splitn(3, '|');
    let (Some(level), Some(date), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(crate::StoreError::corrupt("malformed current title"));
    };
    let obtained_on = chrono::NaiveDate::parse_from_str(date.get(..10).unwrap_or(date), "%Y-%m-%d")
        .map_err(|_| crate::StoreError::corrupt("malformed title date"))?;
    Ok(cme_domain::person::Title { name: name.to_owned(), level: super::parse(level)?, obtained_on })
}
