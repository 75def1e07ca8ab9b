import { expect, test } from "vitest";
import { formatCount, formatDuration, formatHours } from "./format";

test("a duration is whole milliseconds under a second, else seconds with one decimal", () => {
  expect(formatDuration(999.4, "en")).toBe("999 ms");
  expect(formatDuration(1000, "en")).toBe("1 sec");
  expect(formatDuration(1850, "en")).toBe("1.9 sec");
  expect(formatDuration(420, "en", "long")).toBe("420 milliseconds");
  expect(formatDuration(4200, "en", "long")).toBe("4.2 seconds");
});

test("units, digits and grouping follow the UI language", () => {
  expect(formatDuration(420, "de", "long")).toBe("420 Millisekunden");
  expect(formatHours(24, "en")).toBe("24 hours");
  expect(formatHours(24, "ru")).toBe("24 часа");
  expect(formatCount(1240, "en")).toBe("1,240");
  expect(formatCount(1240, "ar-EG")).toBe("١٬٢٤٠");
});
