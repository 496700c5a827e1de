// The working year: the year every year picker and year-scoped page opens on.
// One rule, written once (workingYear), fed by the cycles and the standards.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import type { Cycle } from "../api/types";
import { useAuth } from "../auth/AuthProvider";
import { todayInShanghai } from "../utils/format";

type Phase = Cycle["phase"];

/** The phases between a cycle's opening and its close: the verification is under way. */
const OPEN_PHASES: ReadonlySet<Phase> = new Set<Phase>(["submission", "review", "inspection", "questions", "winding_up"]);

export function isOpenPhase(phase: Phase | undefined): boolean {
  return phase !== undefined && OPEN_PHASES.has(phase);
}

/** The calendar year in Beijing time (the server's calendar). */
export function yearInShanghai(now: Date = new Date()): number {
  return Number(todayInShanghai(now).slice(0, 4));
}

/**
 * The year the work is about:
 *
 * 1. the year of the latest open verification cycle (opened, not closed);
 * 2. otherwise the year a verification opened now would cover, last calendar
 *    year (a cycle of year Y runs in Y+1), brought down to the latest year
 *    with a published standard, since a year without one has no verdicts.
 *
 * Not the calendar year: in January the credits being typed in and the
 * verdicts being looked at are last year's.
 */
export function workingYear(
  cycles: readonly Pick<Cycle, "year" | "phase">[] | undefined,
  standardYears: readonly number[] | undefined,
  now: Date = new Date(),
): number {
  const open = (cycles ?? []).filter((c) => isOpenPhase(c.phase)).map((c) => c.year);
  if (open.length > 0) return Math.max(...open);
  const covered = yearInShanghai(now) - 1;
  const withStandard = [...(standardYears ?? [])].sort((a, b) => b - a);
  return withStandard.find((y) => y <= covered) ?? withStandard.at(-1) ?? covered;
}

/** The years that have a published standard, newest first (a public list). */
export function useStandardYears() {
  return useQuery({
    queryKey: ["standards"],
    queryFn: () => unwrap(api.GET("/api/v1/standards")),
    staleTime: 5 * 60_000,
    select: (list) => [...new Set(list.map((s) => s.year))].sort((a, b) => b - a),
  });
}

/** Every opened cycle, latest first; asked only by accounts that may read them (`read_hierarchy`). */
export function useCycles() {
  const { me } = useAuth();
  const permitted = me?.permissions.includes("read_hierarchy") ?? false;
  return useQuery({
    queryKey: ["cycles"],
    queryFn: () => unwrap(api.GET("/api/v1/cycles")),
    staleTime: 60_000,
    enabled: permitted,
  });
}

/**
 * The working year ({@link workingYear}), `undefined` while what it depends
 * on loads. Accounts that may not read the cycles (trainees, visitors) get the
 * fallback without asking; a failed request falls back too.
 */
export function useWorkingYear(): number | undefined {
  const { status, me } = useAuth();
  const cycles = useCycles();
  const standards = useStandardYears();
  const permitted = me?.permissions.includes("read_hierarchy") ?? false;
  if (status === "loading" || standards.isLoading) return undefined;
  if (permitted && cycles.isLoading) return undefined;
  return workingYear(permitted ? cycles.data : undefined, standards.data);
}
