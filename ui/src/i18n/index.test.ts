import i18next from "i18next";
import { afterEach, describe, expect, test } from "vitest";
import { STORAGE_KEY, applyDocumentLanguage, changeLanguage, initialLanguage } from "./index";
import { directionOf, matchLanguage } from "./languages";

afterEach(async () => {
  await changeLanguage("en");
  localStorage.clear();
});

describe("matchLanguage", () => {
  test.each([
    ["de", "de"],
    ["de-AT", "de"],
    ["pt", "pt-BR"],
    ["pt-PT", "pt-PT"],
    ["zh-Hant-TW", "zh-TW"],
    ["zh", "zh-CN"],
    ["nn-NO", "nb"],
    ["tl", "fil"],
    ["xx", undefined],
  ])("%s -> %s", (tag, expected) => {
    expect(matchLanguage(tag)).toBe(expected);
  });
});

test("the start language is the stored choice, then the browser's, then English", () => {
  expect(initialLanguage("fr", ["de-DE"])).toBe("fr");
  expect(initialLanguage(null, ["xx", "de-DE"])).toBe("de");
  expect(initialLanguage(null, ["xx"])).toBe("en");
});

test("right-to-left languages set dir=rtl on the document", () => {
  const root = document.createElement("html");
  applyDocumentLanguage("ar", root);
  expect(root).toHaveAttribute("dir", "rtl");
  expect(root).toHaveAttribute("lang", "ar");
  expect(directionOf("he")).toBe("rtl");
  expect(directionOf("fa")).toBe("rtl");
  expect(directionOf("ur")).toBe("rtl");
  expect(directionOf("de")).toBe("ltr");
});

test("changing language loads its file, translates, mirrors the page and remembers the choice", async () => {
  await changeLanguage("ar");
  expect(i18next.language).toBe("ar");
  expect(i18next.t("chat.composer.send")).not.toBe("Send");
  expect(document.documentElement).toHaveAttribute("dir", "rtl");
  expect(localStorage.getItem(STORAGE_KEY)).toBe("ar");
  await changeLanguage("en");
  expect(document.documentElement).toHaveAttribute("dir", "ltr");
});
