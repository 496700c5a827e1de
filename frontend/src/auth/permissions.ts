import type { Me, Operation } from "../api/types";

export function can(me: Me | null | undefined, operation: Operation): boolean {
  return me?.permissions.includes(operation) ?? false;
}

/** The sign-in page for a kind of user. */
export function loginPathFor(role: string | null | undefined): string {
  return role === "trainee" ? "/trainee/login" : "/login";
}

export const PASSWORD_PATH = "/account/password";
