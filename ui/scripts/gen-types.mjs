// Generates the UI's wire types from the server's contract (../contract/, written by `make contract` from the
// pydantic models). `--check` regenerates in memory and fails when the committed files differ: drift fails CI.
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import { compile } from "json-schema-to-typescript";
import * as prettier from "prettier";

const root = new URL("../", import.meta.url);
const contract = new URL("../contract/", root);
const out = new URL("src/api/generated/", root);
const banner =
  "// Generated from ../contract by `npm run gen:types`. Do not edit: change the server's pydantic models.\n";

async function format(source, file) {
  const options = (await prettier.resolveConfig(fileURLToPath(file))) ?? {};
  return prettier.format(source, { ...options, filepath: fileURLToPath(file) });
}

async function openapi() {
  const schema = JSON.parse(await readFile(new URL("openapi.json", contract), "utf8"));
  const ast = await openapiTS(schema, { exportType: true, alphabetize: true });
  return banner + astToString(ast);
}

async function frames() {
  const schema = JSON.parse(await readFile(new URL("ws-frames.schema.json", contract), "utf8"));
  const source = await compile(schema, "WsFrames", {
    bannerComment: "",
    additionalProperties: false,
    unreachableDefinitions: true,
    strictIndexSignatures: true,
    format: false,
  });
  return banner + source;
}

const targets = [
  [new URL("openapi.ts", out), await openapi()],
  [new URL("ws-frames.ts", out), await frames()],
];

const check = process.argv.includes("--check");
let stale = [];
for (const [file, raw] of targets) {
  const text = await format(raw, file);
  if (check) {
    const current = await readFile(file, "utf8").catch(() => "");
    if (current !== text) stale.push(fileURLToPath(file));
  } else {
    await writeFile(file, text);
  }
}
if (stale.length) {
  console.error(`Generated types are stale (run \`npm run gen:types\` in ui/):\n  ${stale.join("\n  ")}`);
  process.exit(1);
}
console.log(check ? "Generated types are current." : "Wrote src/api/generated/{openapi,ws-frames}.ts");
