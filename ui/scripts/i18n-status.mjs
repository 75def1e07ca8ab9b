// Which keys each locale lacks or has extra, compared with en.json (plural keys per the language's CLDR forms).
//   node scripts/i18n-status.mjs            summary per locale
//   node scripts/i18n-status.mjs de fr      the missing keys with their English text, and the extra keys
import { readFile, readdir } from "node:fs/promises";

const dir = new URL("../src/i18n/locales/", import.meta.url);
const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(tree, prefix = "", out = new Map()) {
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else flatten(value, path, out);
  }
  return out;
}

const en = flatten(JSON.parse(await readFile(new URL("en.json", dir), "utf8")));
const wanted = process.argv.slice(2);
const codes = wanted.length
  ? wanted
  : (await readdir(dir)).filter((f) => f.endsWith(".json") && f !== "en.json").map((f) => f.slice(0, -5));

let problems = 0;
for (const code of codes.sort()) {
  const file = new URL(`${code}.json`, dir);
  const strings = flatten(JSON.parse(await readFile(file, "utf8").catch(() => "{}")));
  const forms = new Intl.PluralRules(code).resolvedOptions().pluralCategories;
  const expected = new Map();
  for (const [key, text] of en) {
    if (PLURAL.test(key))
      for (const form of forms)
        expected.set(key.replace(PLURAL, `_${form}`), en.get(key.replace(PLURAL, "_other")) ?? text);
    else expected.set(key, text);
  }
  const missing = [...expected.keys()].filter((key) => !strings.has(key));
  const extra = [...strings.keys()].filter((key) => !expected.has(key));
  problems += missing.length + extra.length;
  console.log(
    `${code.padEnd(6)} missing ${String(missing.length).padStart(3)}  extra ${String(extra.length).padStart(3)}`,
  );
  if (wanted.length) {
    for (const key of missing) console.log(`  + ${key}: ${JSON.stringify(expected.get(key))}`);
    for (const key of extra) console.log(`  - ${key}`);
  }
}
process.exit(problems ? 1 : 0);
