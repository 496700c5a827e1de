// The backend's policy as the SPA's tests see it: each role's operations
// (crates/domain/src/auth.rs `allows`) and the organisation kind its accounts
// are bound to (`scope_fits`). Shared by the route table's tests.
import type { Me, Operation } from "../api/types";

/** The organisation kind of each role's accounts. */
export const KINDS = {
  system_admin: "province",
  province_western: "province",
  province_tcm: "province",
  prefecture_office: "region",
  county_office: "region",
  unit: "unit",
  department: "department",
  trainee: "person",
} as const;
export type RoleName = keyof typeof KINDS;
export const ROLES = Object.keys(KINDS) as RoleName[];
const OFFICES: RoleName[] = ["province_western", "province_tcm", "prefecture_office", "county_office"];
const PROVINCE: RoleName[] = ["system_admin", "province_western", "province_tcm"];

/** The backend's policy table (crates/domain/src/auth.rs `allows`): the roles allowed each operation. */
export const POLICY: Record<Operation, RoleName[]> = {
  read_self: ROLES,
  read_hierarchy: ROLES.filter((r) => r !== "trainee"),
  reveal_id_number: [...OFFICES, "unit"],
  manage_accounts: ["system_admin", ...OFFICES, "unit"],
  manage_api_clients: ["system_admin", ...OFFICES, "unit"],
  read_audit: ["system_admin", ...OFFICES],
  manage_people: ["unit", "department"],
  enter_credits: ["unit", "department"],
  review_credits: ["unit"],
  manage_activities: [...OFFICES, "unit"],
  claim_activity: ["trainee"],
  recompute_compliance: PROVINCE,
  manage_cycle: PROVINCE,
  edit_standards: PROVINCE,
  set_windows: ["system_admin", ...OFFICES],
  submit_verifications: ["unit", "department"],
  review_verifications: OFFICES,
  issue_certificate_numbers: OFFICES,
  manage_seal: OFFICES,
  revoke_certificates: OFFICES,
  edit_support: OFFICES,
  print_certificates: [...OFFICES, "unit", "department"],
  spot_check: ["province_western", "province_tcm", "prefecture_office"],
  request_title_correction: ["unit", "trainee"],
  review_title_corrections: [...OFFICES, "unit"],
  read_reports: ["system_admin", ...OFFICES, "unit", "department"],
  record_course: [...OFFICES, "unit"],
  manage_units: OFFICES,
  manage_departments: ["unit"],
};

/** The `/me` of an account of `role` (named `username`, of organisation `name`), with the policy's permissions. */
export function meFor(role: RoleName, username: string = role, name = "测试机构"): Me {
  return {
    id: `acc-${username}`,
    username,
    display_name: username,
    role,
    role_label: role,
    organisation: { kind: KINDS[role], id: "org-1", name },
    must_change_password: false,
    permissions: (Object.keys(POLICY) as Operation[]).filter((op) => POLICY[op].includes(role)),
    manageable_roles: [],
  };
}
