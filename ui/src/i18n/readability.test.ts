import { describe, expect, test } from "vitest";
import en from "./locales/en.json";
import { flatten, fleschReadingEase, syllables } from "./readability";

describe("syllables", () => {
  test.each([
    ["cat", 1],
    ["message", 2],
    ["conversation", 4],
    ["the", 1],
    ["assistant", 3],
  ])("%s has %i", (word, count) => {
    expect(syllables(word)).toBe(count);
  });
});

test("plain sentences score high and dense ones low", () => {
  expect(fleschReadingEase(["The cat sat on the mat."]).score).toBeGreaterThan(90);
  expect(
    fleschReadingEase([
      "Authentication credentials necessitate revalidation notwithstanding organizational configuration.",
    ]).score,
  ).toBeLessThan(0);
});

test("the English interface copy reads at Flesch reading ease >= 60", () => {
  // Keys that are not prose: the product name, the file-name pattern.
  const skip = new Set(["app.name", "transcript.fileName"]);
  const texts = [...flatten(en)].filter(([key]) => !skip.has(key)).map(([, text]) => text);
  const result = fleschReadingEase(texts);
  expect(result.words).toBeGreaterThan(300);
  expect(result.score).toBeGreaterThanOrEqual(60);
});
