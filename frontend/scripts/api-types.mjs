// The client types, as openapi-typescript generates them from
// ../openapi/openapi.json, with one difference from its CLI: a schema of
// `format: binary` (a file body, an uploaded file field) is a `Blob`, not a
// `string`, so the typed client takes and describes files as they are.
// `npm run gen:api` writes them; `npm run check:api` compares them.
import { writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";
import ts from "typescript";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const spec = resolve(root, "../openapi/openapi.json");
export const committed = resolve(root, "src/api/schema.d.ts");

const BLOB = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob"));
const NULL = ts.factory.createLiteralTypeNode(ts.factory.createNull());

/** The generated `schema.d.ts` text. */
export async function generate() {
  const ast = await openapiTS(pathToFileURL(spec), {
    silent: true,
    transform(schema) {
      if (schema.format !== "binary") return undefined;
      const nullable = schema.nullable === true || (Array.isArray(schema.type) && schema.type.includes("null"));
      return nullable ? ts.factory.createUnionTypeNode([BLOB, NULL]) : BLOB;
    },
  });
  return `${COMMENT_HEADER}${astToString(ast)}`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(committed, await generate(), "utf8");
  console.log("gen:api: wrote src/api/schema.d.ts");
}
