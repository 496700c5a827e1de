import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../../api/client";
import { useAuth } from "../../../auth/AuthProvider";
import { can } from "../../../auth/permissions";

/** The caller's workbench (one request for the page and the menu's badges), refreshed every minute. */
export function useWorkbench() {
  const { me } = useAuth();
  return useQuery({
    queryKey: ["workbench"],
    queryFn: () => unwrap(api.GET("/api/v1/workbench")),
    enabled: can(me, "read_hierarchy"),
    staleTime: 30_000,
    refetchInterval: 60_000,
  });
}
