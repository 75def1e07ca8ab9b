// Every language has every key, and nothing else: a missing or extra key fails here. Plurals follow CLDR: a
// plural key has exactly the forms its language uses (Intl.PluralRules), e.g. Arabic six, Japanese one.
import { describe, expect, test } from "vitest";
import en from "./locales/en.json";
import notes from "./notes.json";
import { LANGUAGES } from "./languages";
import { flatten } from "./readability";

const files = import.meta.glob<Record<string, unknown>>("./locales/*.json", {
  eager: true,
  import: "default",
});
const PLURAL = /_(zero|one|two|few|many|other)$/;

/** Keys a locale must have: plain keys as in English, plural keys with the language's own CLDR forms. */
function expectedKeys(code: string): Set<string> {
  const forms = new Intl.PluralRules(code).resolvedOptions().pluralCategories;
  const keys = new Set<string>();
  for (const key of flatten(en).keys()) {
    if (PLURAL.test(key)) {
      for (const form of forms) keys.add(key.replace(PLURAL, `_${form}`));
    } else {
      keys.add(key);
    }
  }
  return keys;
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1] ?? "").sort();
}

test("there are at least 50 languages, each with a locale file, and no stray files", () => {
  expect(LANGUAGES.length).toBeGreaterThanOrEqual(50);
  const codes = Object.keys(files).map((path) => path.replace("./locales/", "").replace(".json", ""));
  expect(codes.sort()).toEqual(LANGUAGES.map((language) => language.code).sort());
});

describe.each(LANGUAGES.map((language) => language.code))("%s", (code) => {
  const strings = flatten(files[`./locales/${code}.json`] ?? {});
  const english = flatten(en);

  test("has exactly the keys English has (plural forms per CLDR)", () => {
    const expected = expectedKeys(code);
    const missing = [...expected].filter((key) => !strings.has(key));
    const extra = [...strings.keys()].filter((key) => !expected.has(key));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
  });

  test("keeps every placeholder and leaves no string empty", () => {
    for (const [key, text] of strings) {
      expect(text.trim(), key).not.toBe("");
      const source = english.get(key) ?? english.get(key.replace(PLURAL, "_other")) ?? "";
      const wanted = placeholders(source).filter((name) => name !== "count" || !PLURAL.test(key));
      // A plural form may leave {{count}} out (e.g. "one message" in some languages), never other names.
      expect(
        placeholders(text).filter((name) => name !== "count" || !PLURAL.test(key)),
        key,
      ).toEqual(wanted);
    }
  });
});

test("translator notes point at real keys", () => {
  const keys = new Set(flatten(en).keys());
  expect(Object.keys(notes).filter((key) => !keys.has(key))).toEqual([]);
});
