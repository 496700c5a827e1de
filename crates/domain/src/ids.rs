//! Typed identifiers.

typed_id!(
    /// A region: the province, a prefecture or a county.
    RegionId
);
typed_id!(
    /// A unit (institution).
    UnitId
);
typed_id!(
    /// A department inside a unit.
    DepartmentId
);
typed_id!(
    /// A health worker.
    PersonId
);
typed_id!(
    /// One credit record.
    CreditId
);
typed_id!(
    /// One person-year verification record.
    VerificationId
);
typed_id!(
    /// A CME activity (继教活动).
    ActivityId
);
