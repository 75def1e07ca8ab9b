import { expect, test } from "vitest";
import { isWebUrl, safeUrl } from "./safeUrl";

test.each([
  ["https://example.com/a", "https://example.com/a"],
  ["http://example.com", "http://example.com/"],
  ["mailto:help@example.com", "mailto:help@example.com"],
  ["javascript:alert(1)", ""],
  ["data:text/html,hi", ""],
  ["/relative", ""],
  ["", ""],
  [null, ""],
])("safeUrl(%s) is %s", (input, expected) => {
  expect(safeUrl(input)).toBe(expected);
});

test("isWebUrl tells web pages from mail links", () => {
  expect(isWebUrl("https://x.org/")).toBe(true);
  expect(isWebUrl("mailto:a@x.org")).toBe(false);
});
