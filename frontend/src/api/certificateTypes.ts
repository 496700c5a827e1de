// Wire types of certificates, seals, public verification and title
// corrections, derived from the generated paths (like ./types.ts).
import type { ApiPaths } from "./paths";

type JsonBody<T> = T extends { content: { "application/json": infer B } } ? B : never;
type Ok<T> = T extends { responses: { 200: infer R } } ? JsonBody<R> : never;
type Body<T> = T extends { requestBody?: infer B } ? JsonBody<NonNullable<B>> : never;

export type OfficeSeal = Ok<ApiPaths["/api/v1/seals/mine"]["get"]>;
export type Seal = NonNullable<OfficeSeal["seal"]>;

export type CertificatePage = Ok<ApiPaths["/api/v1/certificates"]["get"]>;
export type Certificate = CertificatePage["items"][number];
export type CertificateStatus = Certificate["status"];
export type PrintRequest = Body<ApiPaths["/api/v1/certificates/print"]["post"]>;
export type PrintJob = Ok<ApiPaths["/api/v1/certificates/print-jobs/{id}"]["get"]>;
export type PrintJobState = PrintJob["state"];
export type RevokeRequest = Body<ApiPaths["/api/v1/certificates/{id}/revoke"]["post"]>;

export type PublicCertificate = Ok<ApiPaths["/api/v1/public/certificates/{token}"]["get"]>;

export type CorrectionPreview = Ok<ApiPaths["/api/v1/title-corrections/preview"]["get"]>;
export type Correction = Ok<ApiPaths["/api/v1/title-corrections/{id}"]["get"]>;
export type CorrectionState = Correction["state"];
export type CorrectionLogEntry = Correction["log"][number];
export type CorrectionEvent = CorrectionLogEntry["event"];
export type CorrectionRequest = Body<ApiPaths["/api/v1/title-corrections"]["post"]>;
export type CorrectionDecision = Body<ApiPaths["/api/v1/title-corrections/{id}/decision"]["post"]>;
export type Tier = Correction["chain"][number];
