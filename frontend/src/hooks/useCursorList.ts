import { useInfiniteQuery, type QueryKey } from "@tanstack/react-query";
import type { ApiProblem } from "../api/client";

export interface CursorPage<T> {
  items: T[];
  next_cursor?: string | null;
}

/**
 * A keyset-paginated list: the first page, then one more page per "加载更多"
 * click, following the server's `next_cursor`.
 */
export function useCursorList<T, P extends CursorPage<T> = CursorPage<T>>(
  queryKey: QueryKey,
  fetchPage: (after: string | undefined) => Promise<P>,
  options: { enabled?: boolean } = {},
) {
  const query = useInfiniteQuery<P, ApiProblem, { pages: P[] }, QueryKey, string | undefined>({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled: options.enabled ?? true,
  });
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  return { ...query, items };
}
