//! The organisation tree: regions, units and departments.

use crate::ids::{DepartmentId, RegionId, UnitId};

string_enum! {
    /// The tier of a region in the administrative tree.
    pub enum RegionLevel {
        Province => ("province", "省"),
        Prefecture => ("prefecture", "州市"),
        County => ("county", "县市区"),
    }
}

string_enum! {
    /// A unit's level (单位级别), which selects its row of the standard and
    /// its review chain.
    pub enum UnitLevel {
        Provincial => ("provincial", "省级机构"),
        Prefecture => ("prefecture", "州市级"),
        County => ("county", "县级"),
        Township => ("township", "乡镇/社区"),
        Village => ("village", "乡村医生"),
    }
}

string_enum! {
    /// Western medicine, or TCM (中医, 中西医结合, 民族医): reviewed by separate
    /// province offices.
    pub enum Medicine {
        Western => ("western", "西医"),
        Tcm => ("tcm", "中医"),
    }
}

/// A node of the region tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub id: RegionId,
    pub parent_id: Option<RegionId>,
    pub level: RegionLevel,
    /// The GB/T 2260 code, e.g. `530000` for the province.
    pub code: String,
    pub name: String,
}

impl RegionLevel {
    /// The level a child of this level must have.
    pub fn child_level(self) -> Option<RegionLevel> {
        match self {
            RegionLevel::Province => Some(RegionLevel::Prefecture),
            RegionLevel::Prefecture => Some(RegionLevel::County),
            RegionLevel::County => None,
        }
    }
}

/// An institution (单位).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: UnitId,
    /// The region that administers it: the province for province-direct units.
    pub region_id: RegionId,
    pub name: String,
    pub level: UnitLevel,
    pub medicine: Medicine,
}

/// A department (科室) inside a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    pub id: DepartmentId,
    pub unit_id: UnitId,
    pub name: String,
}

/// Whether a unit of `level` may hang under a region of `region`.
///
/// Province-direct units hang under the province; prefecture units under a
/// prefecture; county, township and village units under a county.
pub fn unit_fits_region(level: UnitLevel, region: RegionLevel) -> bool {
    matches!(
        (level, region),
        (UnitLevel::Provincial, RegionLevel::Province)
            | (UnitLevel::Prefecture, RegionLevel::Prefecture)
            | (UnitLevel::County | UnitLevel::Township | UnitLevel::Village, RegionLevel::County)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_hang_under_the_right_tier() {
        assert!(unit_fits_region(UnitLevel::Provincial, RegionLevel::Province));
        assert!(unit_fits_region(UnitLevel::Village, RegionLevel::County));
        assert!(!unit_fits_region(UnitLevel::County, RegionLevel::Prefecture));
        assert!(!unit_fits_region(UnitLevel::Prefecture, RegionLevel::Province));
    }

    #[test]
    fn names_round_trip() {
        for level in UnitLevel::ALL {
            assert_eq!(UnitLevel::parse(level.as_str()), Some(*level));
        }
        assert_eq!("tcm".parse::<Medicine>(), Ok(Medicine::Tcm));
        assert!("herbal".parse::<Medicine>().is_err());
    }
}
