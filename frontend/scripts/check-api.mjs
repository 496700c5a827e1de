// Drift test: the committed src/api/schema.d.ts must be exactly what
// openapi-typescript generates from ../openapi/openapi.json.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const spec = resolve(root, "../openapi/openapi.json");
const committed = resolve(root, "src/api/schema.d.ts");
const bin = resolve(root, "node_modules/.bin/openapi-typescript");

for (const [what, path] of [["OpenAPI document", spec], ["generated client types", committed]]) {
  if (!existsSync(path)) {
    console.error(`check:api: ${what} not found at ${path}`);
    process.exit(1);
  }
}

const dir = mkdtempSync(join(tmpdir(), "cme-check-api-"));
try {
  const fresh = join(dir, "schema.d.ts");
  execFileSync(bin, [spec, "-o", fresh], { stdio: ["ignore", "ignore", "inherit"] });
  const want = readFileSync(fresh, "utf8");
  const have = readFileSync(committed, "utf8");
  if (want !== have) {
    const a = have.split("\n");
    const b = want.split("\n");
    let line = 0;
    while (line < a.length && line < b.length && a[line] === b[line]) line++;
    console.error(
      "check:api: src/api/schema.d.ts is out of date with openapi/openapi.json.\n" +
        `  first difference at line ${line + 1}:\n` +
        `    committed: ${JSON.stringify(a[line] ?? "<end of file>")}\n` +
        `    generated: ${JSON.stringify(b[line] ?? "<end of file>")}\n` +
        "  Run `npm run gen:api` in frontend/ and commit the result.",
    );
    process.exit(1);
  }
  console.log("check:api: src/api/schema.d.ts matches openapi/openapi.json");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
