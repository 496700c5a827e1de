import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";

/**
 * Records name their authors by login (`created_by`, a timeline's
 * `actor_name`); people read a name and an organisation instead. The names
 * a page asks for within one tick go to the server in one request.
 */

type Waiter = { resolve: (words: string | null) => void; reject: (e: unknown) => void };

const BATCH_DELAY_MS = 10;
const MAX_BATCH = 500;

let waiting = new Map<string, Waiter[]>();
let timer: ReturnType<typeof setTimeout> | null = null;

async function flush() {
  timer = null;
  const batch = waiting;
  waiting = new Map();
  const logins = [...batch.keys()];
  for (let i = 0; i < logins.length; i += MAX_BATCH) {
    const part = logins.slice(i, i + MAX_BATCH);
    try {
      const answer = await unwrap(api.POST("/api/v1/actors/names", { body: { logins: part } }));
      for (const login of part) {
        const words = answer.names[login] ?? null;
        for (const w of batch.get(login) ?? []) w.resolve(words);
      }
    } catch (e) {
      for (const login of part) for (const w of batch.get(login) ?? []) w.reject(e);
    }
  }
}

/** The words for one login, batched with the others asked for in the same tick. */
export function loadActorName(login: string): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const list = waiting.get(login) ?? [];
    list.push({ resolve, reject });
    waiting.set(login, list);
    timer ??= setTimeout(() => void flush(), BATCH_DELAY_MS);
  });
}

/** The words for `login` ("张三（宣威市人民医院）"), or null while unknown. */
export function useActorName(login: string | null | undefined) {
  return useQuery({
    queryKey: ["actor-name", login],
    queryFn: () => loadActorName(login ?? ""),
    enabled: !!login,
    staleTime: 10 * 60_000,
    retry: false,
  });
}
