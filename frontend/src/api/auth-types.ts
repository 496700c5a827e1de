// Hand-written wire types for the accounts/roles/jurisdiction endpoints (issue 3),
// in openapi-typescript's shape, for as long as openapi/openapi.json does not
// describe them yet. `ApiPaths` (client.ts) prefers the generated entry of a
// path as soon as `npm run gen:api` brings one in, so each entry here goes dead
// by itself and can then be deleted.
import type { components } from "./schema";

type Problem = components["schemas"]["Problem"];
type Headers = { [name: string]: unknown };
type JsonRes<T> = { headers: Headers; content: { "application/json": T } };
type ProblemRes = { headers: Headers; content: { "application/problem+json": Problem } };
type EmptyRes = { headers: Headers; content?: never };
type Errors = { 400: ProblemRes; 401: ProblemRes; 403: ProblemRes; 404: ProblemRes; 422: ProblemRes; 429: ProblemRes };

type NoParams = { query?: never; header?: never; path?: never; cookie?: never };
type QueryParams<Q> = { query?: Q; header?: never; path?: never; cookie?: never };
type IdParams = { query?: never; header?: never; path: { id: string }; cookie?: never };

type GetOp<P, R> = { parameters: P; requestBody?: never; responses: { 200: JsonRes<R> } & Errors };
type PostOp<P, B, R, S extends number = 200> = {
  parameters: P;
  requestBody: { content: { "application/json": B } };
  responses: { [K in S]: JsonRes<R> } & Errors;
};
type PostNoBodyOp<P, R> = { parameters: P; requestBody?: never; responses: { 200: JsonRes<R> } & Errors };
type EmptyOp<P> = { parameters: P; requestBody?: never; responses: { 204: EmptyRes } & Errors };
type EmptyBodyOp<P, B> = {
  parameters: P;
  requestBody: { content: { "application/json": B } };
  responses: { 204: EmptyRes } & Errors;
};

// ---- wire shapes -----------------------------------------------------------

export type RoleName =
  | "system_admin"
  | "province_western"
  | "province_tcm"
  | "prefecture_office"
  | "county_office"
  | "unit"
  | "department"
  | "trainee"
  | "api_client";

export type OperationName =
  | "read_hierarchy"
  | "reveal_id_number"
  | "manage_accounts"
  | "manage_api_clients"
  | "read_audit"
  | "read_self";

export type OrganisationKind = "province" | "region" | "unit" | "department" | "person";
export type RegionLevelName = "province" | "prefecture" | "county";
export type UnitLevelName = "provincial" | "prefecture" | "county" | "township" | "village";
export type MedicineName = "western" | "tcm";
export type PersonStatusName = "normal" | "exempt" | "cancelled";
export type GenderName = "male" | "female";
export type DisciplineName = "clinical" | "nursing_public_health";
export type TitleLevelName = "senior" | "intermediate" | "junior";

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: string;
  must_change_password: boolean;
}

export interface LoginRequest {
  username: string;
  password: string;
}

export interface TraineeLoginRequest {
  id_number: string;
  name: string;
  captcha_id: string;
  captcha_answer: string;
  password?: string | null;
}

export interface RefreshRequest {
  refresh_token: string;
}

export interface ChangePasswordRequest {
  current_password?: string | null;
  new_password: string;
}

export interface Captcha {
  captcha_id: string;
  image: string;
  expires_in: number;
  test_answer?: string | null;
}

export interface OrganisationRef {
  kind: OrganisationKind;
  id: string;
  name: string;
}

export interface MeResponse {
  id: string;
  username: string;
  display_name: string;
  role: RoleName;
  role_label: string;
  organisation: OrganisationRef;
  must_change_password: boolean;
  permissions: OperationName[];
  manageable_roles: RoleName[];
}

export interface RegionDto {
  id: string;
  parent_id: string | null;
  level: RegionLevelName;
  code: string;
  name: string;
}

export interface UnitDto {
  id: string;
  region_id: string;
  code: string;
  name: string;
  level: UnitLevelName;
  medicine: MedicineName;
}

export interface DepartmentDto {
  id: string;
  unit_id: string;
  name: string;
}

export interface TitleDto {
  name: string;
  level: TitleLevelName;
  obtained_on: string;
}

export interface PersonSummary {
  id: string;
  unit_id: string;
  department_id: string | null;
  name: string;
  gender: GenderName;
  id_number_masked: string;
  discipline: DisciplineName;
  status: PersonStatusName;
  title: TitleDto | null;
}

export interface PersonDetail extends PersonSummary {
  titles: TitleDto[];
}

export interface RevealRequest {
  reason: string;
}

export interface RevealResponse {
  id_number: string;
}

export interface AccountDto {
  id: string;
  username: string;
  display_name: string;
  role: RoleName;
  organisation: OrganisationRef;
  disabled: boolean;
  must_change_password: boolean;
  created_at: string;
}

export interface CreateAccountRequest {
  username: string;
  display_name: string;
  role: RoleName;
  organisation_id: string;
}

export interface CreatedAccount {
  account: AccountDto;
  initial_password: string;
}

export interface UpdateAccountRequest {
  display_name?: string | null;
  disabled?: boolean | null;
}

export interface InitialPassword {
  initial_password: string;
}

export interface ApiClientDto {
  id: string;
  client_id: string;
  name: string;
  scopes: string[];
  created_at: string;
  revoked: boolean;
}

export interface CreateApiClientRequest {
  name: string;
  scopes: string[];
}

export interface CreatedApiClient {
  client: ApiClientDto;
  client_secret: string;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor_name: string | null;
  actor_role: string | null;
  ip: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  detail: unknown;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

type Cursor = { after?: string; limit?: number };

// ---- paths ------------------------------------------------------------------

export interface AuthPaths {
  "/api/v1/auth/login": { parameters: NoParams; post: PostOp<NoParams, LoginRequest, TokenPair> };
  "/api/v1/auth/refresh": { parameters: NoParams; post: PostOp<NoParams, RefreshRequest, TokenPair> };
  "/api/v1/auth/logout": { parameters: NoParams; post: EmptyBodyOp<NoParams, RefreshRequest> };
  "/api/v1/auth/logout-all": { parameters: NoParams; post: EmptyOp<NoParams> };
  "/api/v1/auth/password": { parameters: NoParams; post: PostOp<NoParams, ChangePasswordRequest, TokenPair> };
  "/api/v1/auth/captcha": { parameters: NoParams; get: GetOp<NoParams, Captcha> };
  "/api/v1/auth/trainee/login": { parameters: NoParams; post: PostOp<NoParams, TraineeLoginRequest, TokenPair> };
  "/api/v1/me": { parameters: NoParams; get: GetOp<NoParams, MeResponse> };
  "/api/v1/regions": {
    parameters: NoParams;
    get: GetOp<QueryParams<{ parent_id?: string; level?: RegionLevelName }>, RegionDto[]>;
  };
  "/api/v1/units": {
    parameters: NoParams;
    get: GetOp<
      QueryParams<{ region_id?: string; level?: UnitLevelName; medicine?: MedicineName; name?: string } & Cursor>,
      Page<UnitDto>
    >;
  };
  "/api/v1/units/{id}": { parameters: NoParams; get: GetOp<IdParams, UnitDto> };
  "/api/v1/units/{id}/departments": { parameters: NoParams; get: GetOp<IdParams, DepartmentDto[]> };
  "/api/v1/people": {
    parameters: NoParams;
    get: GetOp<
      QueryParams<
        {
          unit_id?: string;
          department_id?: string;
          status?: PersonStatusName;
          discipline?: DisciplineName;
          name?: string;
        } & Cursor
      >,
      Page<PersonSummary>
    >;
  };
  "/api/v1/people/{id}": { parameters: NoParams; get: GetOp<IdParams, PersonDetail> };
  "/api/v1/people/{id}/reveal-id-number": {
    parameters: NoParams;
    post: PostOp<IdParams, RevealRequest, RevealResponse>;
  };
  "/api/v1/accounts": {
    parameters: NoParams;
    get: GetOp<QueryParams<Cursor>, Page<AccountDto>>;
    post: PostOp<NoParams, CreateAccountRequest, CreatedAccount, 201>;
  };
  "/api/v1/accounts/{id}": {
    parameters: NoParams;
    patch: PostOp<IdParams, UpdateAccountRequest, AccountDto>;
  };
  "/api/v1/accounts/{id}/reset-password": { parameters: NoParams; post: PostNoBodyOp<IdParams, InitialPassword> };
  "/api/v1/api-clients": {
    parameters: NoParams;
    get: GetOp<NoParams, ApiClientDto[]>;
    post: PostOp<NoParams, CreateApiClientRequest, CreatedApiClient, 201>;
  };
  "/api/v1/api-clients/{id}": { parameters: NoParams; delete: EmptyOp<IdParams> };
  "/api/v1/audit": { parameters: NoParams; get: GetOp<QueryParams<Cursor>, Page<AuditEntry>> };
}
