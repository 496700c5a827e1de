// Wire types of people upkeep, transfers and the staff import.
import type { ApiPaths } from "../../../api/paths";

type JsonBody<T> = T extends { content: { "application/json": infer B } } ? B : never;
type Ok<T> = T extends { responses: { 200: infer R } } ? JsonBody<R> : never;
type Created<T> = T extends { responses: { 201: infer R } } ? JsonBody<R> : never;
type Body<T> = T extends { requestBody?: infer B } ? JsonBody<NonNullable<B>> : never;
type Items<T> = T extends { items: (infer I)[] } ? I : never;

export type PersonFull = Ok<ApiPaths["/api/v1/people/{id}"]["get"]>;
export type NewPersonRequest = Body<ApiPaths["/api/v1/people"]["post"]>;
export type CreatedPerson = Created<ApiPaths["/api/v1/people"]["post"]>;
export type PersonPatch = Body<ApiPaths["/api/v1/people/{id}"]["patch"]>;
export type StatusChangeRequest = Body<ApiPaths["/api/v1/people/{id}/status"]["post"]>;
export type NewTitle = Body<ApiPaths["/api/v1/people/{id}/titles"]["post"]>;
export type StatusChange = PersonFull["status_changes"][number];
export type TransferRequest = Body<ApiPaths["/api/v1/people/{id}/transfers"]["post"]>;
export type TransferPage = Ok<ApiPaths["/api/v1/transfers"]["get"]>;
export type Transfer = Items<TransferPage>;
export type TransferState = Transfer["state"];
export type CatalogueTitle = Ok<ApiPaths["/api/v1/title-catalogue"]["get"]>[number];
type ImportModeValue = NonNullable<Ok<ApiPaths["/api/v1/course-completions/import"]["post"]>["mode"]>;

/**
 * The staff import's answer (crates/api/src/dto/people.rs `ImportReport`).
 * Written by hand for now: the OpenAPI document has two schemas named
 * `ImportReport` (staff and course imports) and shows the course one for
 * both paths; derive it from `ApiPaths` again once the names differ.
 */
export interface StaffImportReport {
  mode: ImportModeValue;
  /** Data rows read (blank rows skipped). */
  rows: number;
  valid_rows: number;
  errors: StaffImportError[];
  /** People created. */
  created: number;
  /** Whether anything was written. */
  written: boolean;
}

/** One bad cell of a staff import. */
export interface StaffImportError {
  /** The row as the spreadsheet shows it (the header is row 1). */
  row: number;
  /** The column's header, e.g. 身份证号 (empty for the row as a whole). */
  column: string;
  /** The column's wire name, e.g. `id_number`. */
  field: string;
  reason: string;
}
export type GenderValue = NonNullable<PersonPatch["gender"]>;
export type StatusValue = StatusChangeRequest["status"];
