// axe (WCAG 2.0/2.1 A and AA) finds nothing in each page and state of the app.
import type { Page } from "@playwright/test";
import {
  PASSWORD_QUESTION,
  expect,
  expectNoAxeViolations,
  send,
  startAsGuest,
  test,
  waitForAnswer,
} from "./support";

async function chatWithAnswer(page: Page): Promise<void> {
  await startAsGuest(page);
  await send(page, PASSWORD_QUESTION);
  await waitForAnswer(page, 1);
}

async function openSettings(page: Page) {
  await page.getByRole("button", { name: "Settings" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  return dialog;
}

test("welcome page", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "How can we help?" })).toBeVisible();
  await expectNoAxeViolations(page, "welcome");
});

test("sign-in dialog", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await expectNoAxeViolations(page, "sign-in dialog");
});

test("chat with an answer, then the settings dialog", async ({ page }) => {
  await chatWithAnswer(page);
  await expectNoAxeViolations(page, "chat with an answer");
  await openSettings(page);
  await expectNoAxeViolations(page, "settings dialog");
});

test("dark theme and high contrast", async ({ page }) => {
  await chatWithAnswer(page);
  const dialog = await openSettings(page);
  await dialog.getByLabel("Theme").selectOption({ label: "Dark" });
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expectNoAxeViolations(page, "dark theme, settings open");
  await page.keyboard.press("Escape");
  await expectNoAxeViolations(page, "dark theme");

  const again = await openSettings(page);
  await again.getByLabel("High contrast").click();
  await expect(page.locator("html")).toHaveAttribute("data-contrast", "high");
  await page.keyboard.press("Escape");
  await expectNoAxeViolations(page, "dark theme, high contrast");

  const light = await openSettings(page);
  await light.getByLabel("Theme").selectOption({ label: "Light" });
  await page.keyboard.press("Escape");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  await expectNoAxeViolations(page, "light theme, high contrast");
});

test("right to left (Arabic)", async ({ page }) => {
  await chatWithAnswer(page);
  const dialog = await openSettings(page);
  await dialog.getByLabel("Language").selectOption("ar");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await page.keyboard.press("Escape");
  await expectNoAxeViolations(page, "RTL");
});

test("small screen with the conversations drawer", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await chatWithAnswer(page);
  await expectNoAxeViolations(page, "small screen");
  await page.getByRole("button", { name: "Conversations" }).click();
  await expect(page.getByRole("navigation", { name: "Conversations" })).toBeVisible();
  await expectNoAxeViolations(page, "small screen, drawer open");
});

// WCAG 1.4.10 reflow: 320 CSS px wide is a 1280 px window at 400% zoom; 640 x 360 is a laptop at 200%. No
// sideways scrolling, and the composer stays on screen.
for (const [width, height] of [
  [320, 640],
  [640, 360],
] as const) {
  test(`reflows at ${width} x ${height} without horizontal scrolling`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await chatWithAnswer(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expect(page.getByRole("textbox", { name: "Message" })).toBeInViewport();
    await expect(page.getByRole("button", { name: "Send" })).toBeInViewport();
    await expectNoAxeViolations(page, `${width} x ${height}`);
  });
}
