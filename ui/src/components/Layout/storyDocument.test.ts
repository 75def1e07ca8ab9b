import i18next from "i18next";
import { expect, test } from "vitest";
import { arabic, darkHighContrast } from "./storyDocument";

test("story helpers set <html> and put it back", async () => {
  const root = document.documentElement;
  const undo = darkHighContrast();
  expect(root.dataset).toMatchObject({ theme: "dark", contrast: "high" });
  undo();
  expect(root.dataset.contrast).toBeUndefined();

  const back = await arabic();
  expect(root.dir).toBe("rtl");
  expect(i18next.language).toBe("ar");
  await back();
  expect(root.dir).toBe("ltr");
  expect(i18next.language).toBe("en");
});
