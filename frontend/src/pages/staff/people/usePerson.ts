import { useQuery } from "@tanstack/react-query";
import { api, toApiProblem } from "../../../api/client";
import type { PersonFull } from "./types";

/** A person and his ETag (the version to send back as `If-Match` with a change). */
export interface VersionedPerson {
  person: PersonFull;
  etag: string | null;
}

export const personKey = (id: string | null) => ["person", id, "versioned"] as const;

/** Reads a person with the `ETag` header of the answer. */
export async function fetchPerson(id: string): Promise<VersionedPerson> {
  const { data, error, response } = await api.GET("/api/v1/people/{id}", { params: { path: { id } } });
  if (!response.ok || error !== undefined || !data) throw toApiProblem(error, response);
  return { person: data, etag: response.headers.get("ETag") };
}

export function usePerson(id: string | null) {
  return useQuery({ queryKey: personKey(id), queryFn: () => fetchPerson(id!), enabled: id !== null });
}

/** Whether a problem is the precondition's (someone changed the person since it was read). */
export function isStale(problem: { status: number }): boolean {
  return problem.status === 412 || problem.status === 428;
}

/** The new ETag of a change's answer, if it carries one. */
export function etagOf(response: Response): string | null {
  return response.headers.get("ETag");
}
