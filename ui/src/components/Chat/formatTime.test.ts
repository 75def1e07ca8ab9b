import { expect, test } from "vitest";
import { formatMessageTime } from "./formatTime";

const now = new Date("2026-03-02T15:00:00");

test("today's messages show the time only", () => {
  const text = formatMessageTime(new Date("2026-03-02T09:05:00").toISOString(), "en", now);
  expect(text).toMatch(/9:05/);
  expect(text).not.toMatch(/2026/);
});

test("older messages show the date too", () => {
  expect(formatMessageTime(new Date("2026-02-27T09:05:00").toISOString(), "en", now)).toMatch(/Feb 27, 2026/);
});

test("formats in the given language", () => {
  expect(formatMessageTime(new Date("2026-03-02T21:05:00").toISOString(), "de", now)).toBe("21:05");
});

test("a bad timestamp shows nothing", () => {
  expect(formatMessageTime("not a date", "en", now)).toBe("");
});
