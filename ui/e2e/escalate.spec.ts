// Asking for a person: the server opens a case and the header shows its number.
import { SOQL_QUESTION, expect, send, startAsGuest, test, waitForAnswer } from "./support";

test("talk to a person: the case number shows and is announced", async ({ page }) => {
  await startAsGuest(page);
  await send(page, SOQL_QUESTION);
  await waitForAnswer(page, 1);

  // The header's button (an answer may offer the same action in the transcript too).
  await page.getByRole("banner").getByRole("button", { name: "Talk to a person" }).click();
  // Some designs confirm first; either way the case must follow.
  const confirm = page.getByRole("dialog").getByRole("button", { name: "Talk to a person" });
  if (await confirm.isVisible().catch(() => false)) await confirm.click();

  const banner = page.getByRole("banner");
  await expect(banner.getByText(/Case [\w-]+/)).toBeVisible();
  await expect(banner.getByText("With a person")).toBeVisible();
  const number =
    /Case ([\w-]+)/.exec(
      (await banner
        .getByText(/Case [\w-]+/)
        .first()
        .innerText()) || "",
    )?.[1] ?? "";
  expect(number).toMatch(/\w/);
  await expect(
    page.locator('[aria-live="polite"]').filter({
      hasText: `A person will take over. Your case number is ${number}.`,
    }),
  ).toHaveCount(1);
});
