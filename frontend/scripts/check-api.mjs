// Drift test: the committed src/api/schema.d.ts must be exactly what
// scripts/api-types.mjs generates from ../openapi/openapi.json.
import { readFileSync, existsSync } from "node:fs";
import { committed, generate, spec } from "./api-types.mjs";

for (const [what, path] of [["OpenAPI document", spec], ["generated client types", committed]]) {
  if (!existsSync(path)) {
    console.error(`check:api: ${what} not found at ${path}`);
    process.exit(1);
  }
}

const want = await generate();
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
