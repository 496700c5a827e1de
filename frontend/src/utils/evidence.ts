// The evidence rule (`domain::cycle::evidence`, through the generated
// constants): the files a special-personnel claim or a title correction may
// carry. The server also checks what a file contains; this refuses, before
// sending, what it would refuse by the file's declared type and size.
import * as L from "../constants/labels.generated";

/** The media types accepted: PDF, PNG, JPEG. */
export const EVIDENCE_TYPES: readonly string[] = Object.values(L.EVIDENCE_CONTENT_TYPE);

/** The largest evidence file: 10 MB. */
export const EVIDENCE_MAX_BYTES = L.MAX_EVIDENCE_BYTES;

/** What is wrong with a file as evidence (each page words it). */
export type EvidenceFault = "type" | "empty" | "too_large";

/** Why a file may not be evidence, or null when it may. */
export function evidenceFault(file: { type: string; size: number }): EvidenceFault | null {
  if (!EVIDENCE_TYPES.includes(file.type)) return "type";
  if (file.size === 0) return "empty";
  if (file.size > EVIDENCE_MAX_BYTES) return "too_large";
  return null;
}
