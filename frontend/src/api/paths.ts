import type { AuthPaths } from "./auth-types";
import type { paths } from "./schema";

/**
 * Every path the SPA calls: the generated ones, plus the hand-written entries of
 * auth-types.ts for paths the OpenAPI document does not describe yet. A
 * generated entry always wins.
 */
export type ApiPaths = paths & Omit<AuthPaths, keyof paths>;
