import type { paths } from "./schema";

/** Every path the SPA calls, as generated from openapi/openapi.json. */
export type ApiPaths = paths;
