import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type components } from "../../api/client";
import { useAuth } from "../../auth/AuthProvider";

export type Notification = components["schemas"]["NotificationDto"];
export type NotificationKind = Notification["kind"];
export type Preferences = components["schemas"]["PreferencesDto"];
export type PreferencesUpdate = components["schemas"]["PreferencesUpdate"];

/** Drawn without antd: the trainee's light pages use these hooks too. */
const LIST_KEY = ["notifications"] as const;

/**
 * The caller's newest reminders and the unread count (the bell's badge),
 * looked at again every minute. An API client has none; so has a visitor.
 */
export function useNotifications() {
  const { me } = useAuth();
  return useQuery({
    queryKey: LIST_KEY,
    queryFn: () => unwrap(api.GET("/api/v1/notifications", { params: { query: { limit: 50 } } })),
    enabled: me !== null && me !== undefined,
    staleTime: 20_000,
    refetchInterval: 60_000,
  });
}

/** Marks one reminder read (opening it does). */
export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST("/api/v1/notifications/{id}/read", { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: LIST_KEY }),
  });
}

/** Marks every unread reminder read. */
export function useReadAll() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/notifications/read-all")),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: LIST_KEY }),
  });
}

export function usePreferences() {
  return useQuery({
    queryKey: ["notifications", "preferences"],
    queryFn: () => unwrap(api.GET("/api/v1/notifications/preferences")),
  });
}

export function useSavePreferences() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: PreferencesUpdate) => unwrap(api.PUT("/api/v1/notifications/preferences", { body })),
    onSuccess: (data) => queryClient.setQueryData(["notifications", "preferences"], data),
  });
}

/** "12月7日 14:05", in Beijing time, as people read a reminder's time. */
export function whenLabel(iso: string): string {
  const d = new Date(iso);
  const parts = new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai",
    month: "numeric",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return `${get("month")}月${get("day")}日 ${get("hour")}:${get("minute")}`;
}
