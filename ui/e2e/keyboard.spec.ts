// The whole journey with the keyboard only: Tab, Shift+Tab, Enter and Escape (and typing into the message box).
import { PASSWORD_QUESTION, WS_URL, composer, expect, isFocused, passThrough, tabTo, test } from "./support";

test("keyboard only: skip link, start as a guest, send, stop waiting, settings", async ({ page }) => {
  // Hold the reply back a little so there is time to stop waiting for it.
  await page.routeWebSocket(WS_URL, (ws) =>
    passThrough(ws, async (frame, forward) => {
      if (frame?.type === "assistant.delta") await new Promise((resolve) => setTimeout(resolve, 300));
      forward();
    }),
  );
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "How can we help?" })).toBeVisible();

  await tabTo(page, page.getByRole("button", { name: "Start as a guest" }));
  await page.keyboard.press("Enter");
  await expect(composer(page)).toBeVisible();

  // A returning visitor lands on the chat: the first Tab reaches the skip link, Enter jumps to the message box.
  await page.reload();
  await expect(composer(page)).toBeVisible();
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to the message box" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(composer(page)).toBeFocused();

  await page.keyboard.type(PASSWORD_QUESTION);
  await page.keyboard.press("Enter");
  const stop = page.getByRole("button", { name: "Stop waiting" });
  await expect(stop).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(stop).toHaveCount(0);
  expect(await isFocused(composer(page)), "focus stays in the message box").toBe(true);

  // Shift+Enter makes a new line instead of sending.
  await page.keyboard.type("Thanks.");
  await page.keyboard.press("Shift+Enter");
  await page.keyboard.type("One more question.");
  await expect(composer(page)).toHaveValue("Thanks.\nOne more question.");
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Backspace");
  await expect(composer(page)).toHaveValue("");

  const settings = page.getByRole("button", { name: "Settings" });
  await tabTo(page, settings);
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  expect(
    await dialog.evaluate((element) => element.contains(document.activeElement)),
    "focus moved into the dialog",
  ).toBe(true);
  await tabTo(page, dialog.getByLabel("Theme"));
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(settings).toBeFocused();
});
