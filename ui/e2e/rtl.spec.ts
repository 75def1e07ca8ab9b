// Arabic: the document turns right-to-left and the layout mirrors (logical CSS properties, no special cases).
import type { ElementHandle, Page } from "@playwright/test";
import { PASSWORD_QUESTION, expect, send, startAsGuest, test, transcript, waitForAnswer } from "./support";

async function centreX(element: ElementHandle): Promise<number> {
  const box = await element.boundingBox();
  if (!box) throw new Error("element is not visible");
  return box.x + box.width / 2;
}

async function openSettings(page: Page) {
  await page.getByRole("button", { name: "Settings" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  return dialog;
}

test("choosing Arabic mirrors the layout", async ({ page }, testInfo) => {
  await startAsGuest(page);
  await send(page, PASSWORD_QUESTION);
  await waitForAnswer(page, 1);
  await expect(page.locator("html")).toHaveAttribute("dir", "ltr");

  // Handles, not role queries: the accessible names change language with the page.
  const bubble = await transcript(page).getByText(PASSWORD_QUESTION, { exact: true }).elementHandle();
  const messages = await transcript(page).elementHandle();
  const settingsButton = await page.getByRole("button", { name: "Settings" }).elementHandle();
  const width = page.viewportSize()?.width ?? 1280;
  expect(await centreX(bubble), "LTR: the user's message sits at the right").toBeGreaterThan(
    await centreX(messages),
  );
  expect(await centreX(settingsButton), "LTR: Settings sits at the right").toBeGreaterThan(width / 2);
  await page.screenshot({ path: testInfo.outputPath("chat-ltr.png"), fullPage: true });

  const dialog = await openSettings(page);
  await dialog.getByLabel("Language").selectOption("ar");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page.locator("html")).toHaveAttribute("lang", "ar");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toBeHidden();

  expect(await centreX(bubble), "RTL: the user's message sits at the left").toBeLessThan(
    await centreX(messages),
  );
  expect(await centreX(settingsButton), "RTL: Settings sits at the left").toBeLessThan(width / 2);
  await page.screenshot({ path: testInfo.outputPath("chat-rtl.png"), fullPage: true });

  // English text inside the Arabic page keeps its own direction (dir="auto"), so "password?" does not turn
  // into "?password". Soft: the layout checks above stand on their own.
  expect
    .soft(
      await bubble.evaluate((element) => getComputedStyle(element).direction),
      "an English message reads LTR",
    )
    .toBe("ltr");

  // The choice is kept: a reload opens in Arabic, right to left.
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page.locator("html")).toHaveAttribute("lang", "ar");
});
