import { createContext, useCallback, useContext, useMemo, type ComponentType, type ReactNode } from "react";
import type { Me, Operation } from "./api/types";
import type { MenuIconName } from "./layouts/menuIcons";
import { useAuth } from "./auth/AuthProvider";
import { can } from "./auth/permissions";

/**
 * Who may open a page: anyone (`null`), any signed-in account (`"signed_in"`),
 * or an account holding the operation.
 */
export type Access = Operation | "signed_in" | null;

/**
 * Where a page is drawn: `menu` inside the application shell with the menu;
 * `bare` full screen inside the session (sign-in pages, phone pages, the QR
 * screen); `public` outside the session (certificate verification).
 */
export type Frame = "menu" | "bare" | "public";

interface EntryBase {
  /** The URL pattern (react-router's syntax), absolute; `/` is the shell's index, `/*` its fallback. */
  path: string;
  /** The page: `React.lazy` in the app's table, so that each page is its own chunk. */
  page: ComponentType;
  frame: Frame;
  /** Enforced by `RequireAuth` around the page, unless `selfGuarded`. */
  access: Access;
  /**
   * `light`: the page is drawn without antd (`src/light`), so that a phone on
   * a slow link loads it fast; the default wraps it in antd's providers.
   */
  kit?: "light";
  /** The page checks sign-in and access itself (the phone page sends to the trainee sign-in): no `RequireAuth`. */
  selfGuarded?: boolean;
}

/** A page listed in the menu, in the table's order. */
export interface MenuEntry extends EntryBase {
  hideInMenu?: false;
  /** The menu item's text. */
  label: string;
  /** The menu icon's name (drawn by BasicLayout from `layouts/menuIcons`). */
  icon: MenuIconName;
  /** Listed only for accounts of these organisation kinds; the route itself does not check them (the API scopes the data). */
  kinds?: readonly string[];
}

/** A page reachable by link only (details, sign-in pages, full-screen pages). */
export interface HiddenEntry extends EntryBase {
  hideInMenu: true;
  /** The menu item highlighted while on this page (a detail page's list). */
  parent?: string;
}

/** A row of the route table: the router's routes and the menu are both derived from these. */
export type RouteEntry = MenuEntry | HiddenEntry;

export function isMenuEntry(entry: RouteEntry): entry is MenuEntry {
  return entry.hideInMenu !== true;
}

function allows(me: Me | null | undefined, access: Access): boolean {
  if (access === null) return true;
  if (access === "signed_in") return me !== null && me !== undefined;
  return can(me, access);
}

/** The menu an account sees (signed out: `me` null), in the table's order. */
export function menuFor(table: readonly RouteEntry[], me: Me | null | undefined): MenuEntry[] {
  const kind = me?.organisation.kind;
  return table.filter(isMenuEntry).filter((entry) => allows(me, entry.access) && (!entry.kinds || (kind !== undefined && entry.kinds.includes(kind))));
}

/** What a trainee may do; an account holding anything else is staff. */
const TRAINEE_OPERATIONS: ReadonlySet<Operation> = new Set<Operation>(["claim_activity", "read_self", "request_title_correction"]);

/** A trainee: signs in to activities for himself, and does nothing of an office's. */
export function isTrainee(me: Me | null | undefined): boolean {
  return can(me, "claim_activity") && (me?.permissions.every((op) => TRAINEE_OPERATIONS.has(op)) ?? false);
}

/** The trainee's home: his current year, what is still missing. */
export const TRAINEE_HOME = "/my-credits";

/** Where a user lands after signing in: trainees on their year, staff on their first workspace. */
export function homeFor(table: readonly RouteEntry[], me: Me | null | undefined): string {
  if (!me) return "/calculator";
  if (isTrainee(me)) return TRAINEE_HOME;
  if (me.role === "trainee") return can(me, "read_self") ? "/me" : "/calculator";
  const first = menuFor(table, me).find((entry) => entry.access !== null && entry.access !== "read_self");
  return first?.path ?? (can(me, "read_self") ? "/me" : "/calculator");
}

/** The menu item to highlight on a page: its own, or its parent's for a hidden page. */
export function menuKeyOf(entry: RouteEntry | undefined): string | undefined {
  if (!entry) return undefined;
  return isMenuEntry(entry) ? entry.path : entry.parent;
}

/** What a route object carries in its `handle`: the table's row it came from. */
export interface RouteHandle {
  entry: RouteEntry;
}

const NavigationContext = createContext<readonly RouteEntry[] | null>(null);

/**
 * Hands the route table to what the table itself renders (the shell's menu,
 * the guards' way home, the sign-in pages), which may not import it: the
 * table imports them.
 */
export function NavigationProvider({ table, children }: { table: readonly RouteEntry[]; children: ReactNode }) {
  return <NavigationContext.Provider value={table}>{children}</NavigationContext.Provider>;
}

function useTable(): readonly RouteEntry[] {
  const table = useContext(NavigationContext);
  if (!table) throw new Error("navigation outside <NavigationProvider>");
  return table;
}

/** The signed-in account's menu. */
export function useMenu(): MenuEntry[] {
  const table = useTable();
  const { me } = useAuth();
  return useMemo(() => menuFor(table, me), [table, me]);
}

/** `homeFor` over the app's table. */
export function useHomeFor(): (me: Me | null | undefined) => string {
  const table = useTable();
  return useCallback((me: Me | null | undefined) => homeFor(table, me), [table]);
}
