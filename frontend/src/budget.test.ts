// The phone's budget, by construction: the pages drawn with the light kit
// (`kit: "light"` in the route table: sign-in, verification, the trainee's)
// and the entry (src/main.tsx) must not reach a heavy library through their
// static imports, or the chunk a county phone loads first grows by it (antd
// alone is ~150 KB brotli). Dynamic `import()` and `import type` are free.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ROUTE_TABLE } from "./routes";

const SRC = dirname(fileURLToPath(import.meta.url));

/** Packages none of these pages may import: the big ones. */
const HEAVY = [/^antd(\/|$)/, /^@ant-design\//, /^@rc-component\//, /^rc-/, /^echarts(\/|$)/, /^zrender(\/|$)/, /^dayjs(\/|$)/, /^qrcode(\/|$)/];

type Allowed = { importer: string; pkg: RegExp }[];

/** `import … from "x"`, `import "x"`, `export … from "x"`; not `import type`, `export type` or `import("x")`. */
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s*)?["']([^"']+)["']/gm;

export function staticImports(source: string): string[] {
  return [...source.matchAll(STATIC_IMPORT)].map((m) => m[1]!);
}

function resolveModule(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts"), join(base, "index.tsx")]) {
    if (/\.(ts|tsx)$/.test(candidate) && existsSync(candidate)) return candidate;
  }
  return null;
}

/** The first chain from `start` to a heavy package, as "a.tsx → b.ts → antd"; null when there is none. */
export function heavyChain(start: string, allowed: Allowed = []): string | null {
  const seen = new Set<string>();
  const walk = (file: string, chain: string[]): string | null => {
    if (seen.has(file)) return null;
    seen.add(file);
    const name = relative(SRC, file);
    for (const spec of staticImports(readFileSync(file, "utf8"))) {
      if (spec.startsWith(".")) {
        const next = resolveModule(file, spec);
        // CSS and other assets: no script.
        if (!next) continue;
        const found = walk(next, [...chain, name]);
        if (found) return found;
      } else if (HEAVY.some((re) => re.test(spec)) && !allowed.some((a) => a.importer === name && a.pkg.test(spec))) {
        return [...chain, name, spec].join(" → ");
      }
    }
    return null;
  };
  return walk(start, []);
}

/** The module a lazy page loads, read from its loader (`() => import("./pages/…")`). */
function moduleOfLazy(page: unknown): string {
  const loader = (page as { _payload?: { _result?: unknown } })._payload?._result;
  // As written (`./pages/…`), or as vitest rewrote it (`/src/pages/…`).
  const spec = /["']((?:\.|\/src)\/[^"']+)["']/.exec(String(loader))?.[1];
  if (!spec) throw new Error(`cannot read the module of a lazy page: ${String(loader)}`);
  const file = spec.startsWith("/src/") ? resolveModule(join(SRC, "routes.tsx"), `.${spec.slice(4)}`) : resolveModule(join(SRC, "routes.tsx"), spec);
  if (!file) throw new Error(`no module ${spec}`);
  return file;
}

describe("the phone's budget", () => {
  const light = ROUTE_TABLE.filter((e) => e.kit === "light");

  it("has the pages a phone opens first on the light kit", () => {
    const paths = light.map((e) => e.path);
    for (const path of ["/login", "/trainee/login", "/verify", "/v/:token", "/my-credits", "/my-credits/:year", "/my-certificates", "/m/sign-in", "/my-profile"]) {
      expect(paths).toContain(path);
    }
  });

  it.each(light.map((e) => [e.path, e] as const))("%s imports nothing heavy", (_, entry) => {
    expect(heavyChain(moduleOfLazy(entry.page))).toBeNull();
  });

  it("the entry imports nothing heavy (the menu's icons load with the offices' frame)", () => {
    expect(heavyChain(join(SRC, "main.tsx"))).toBeNull();
  });

  it("the checker finds a chain, and reads imports the way the bundler does", () => {
    expect(staticImports('import { A } from "antd";\nimport type { B } from "dayjs";\nexport { C } from "./c";\nconst D = import("echarts");\nimport "./x.css";')).toEqual([
      "antd",
      "./c",
      "./x.css",
    ]);
    expect(staticImports('import {\n  Alert,\n  Button,\n} from "antd";')).toEqual(["antd"]);
    expect(heavyChain(join(SRC, "pages/staff/workbench/index.tsx"))).toMatch(/→ (antd|@ant-design\/icons|echarts|dayjs)/);
  });
});
