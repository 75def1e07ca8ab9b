// What every browser test shares: a guard that fails a test on any Content-Security-Policy violation, the steps a
// user takes (start as a guest, ask a question), an axe check, and keyboard helpers. Queries use the canonical
// accessible names of the UI (see the brief in the project notes); nothing here reaches into React internals.
import AxeBuilder from "@axe-core/playwright";
import { expect, test as base, type Locator, type Page, type WebSocketRoute } from "@playwright/test";

export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
export const PASSWORD_QUESTION = "How do I reset my password?";
export const SOQL_QUESTION =
  "I get 'System.LimitException: Too many SOQL queries: 101' in my trigger, how do I fix it?";
export const ANSWER_TIMEOUT_MS = 90_000;
export const WS_URL = /\/api\/v1\/ws(\?.*)?$/;

declare global {
  interface Window {
    __cspViolations?: string[];
  }
}

interface Fixtures {
  /** Runs for every test: records CSP violations from the page and the console, and fails the test on any. */
  cspGuard: undefined;
}

export const test = base.extend<Fixtures>({
  cspGuard: [
    async ({ page }, provide) => {
      const console: string[] = [];
      page.on("console", (message) => {
        if (/Content.Security.Policy/i.test(message.text())) console.push(message.text());
      });
      await page.addInitScript(() => {
        window.__cspViolations = [];
        document.addEventListener("securitypolicyviolation", (event) => {
          window.__cspViolations?.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
        });
      });
      await provide(undefined);
      const fromPage = page.isClosed()
        ? []
        : await page.evaluate(() => window.__cspViolations ?? []).catch(() => [] as string[]);
      expect([...fromPage, ...console], "Content-Security-Policy violations").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** The transcript: a <section> labelled "Messages". */
export function transcript(page: Page): Locator {
  return page.getByRole("region", { name: "Messages" });
}

export function composer(page: Page): Locator {
  return page.getByRole("textbox", { name: "Message" });
}

export function assistantMessages(page: Page): Locator {
  return transcript(page).getByRole("article", { name: /^Assistant/ });
}

export function userMessages(page: Page): Locator {
  return transcript(page).getByRole("article", { name: /^You/ });
}

/** Open the app signed out and start a guest chat; the composer is ready afterwards. */
export async function startAsGuest(page: Page): Promise<void> {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "How can we help?" })).toBeVisible();
  await page.getByRole("button", { name: "Start as a guest" }).click();
  await expect(composer(page)).toBeVisible();
  await expect(composer(page)).toBeEditable();
}

/** Type a question and send it with Enter (the composer's shortcut). */
export async function send(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press("Enter");
}

/** Wait for the n-th (1-based) assistant answer to be complete: it carries its "Sources" list. */
export async function waitForAnswer(page: Page, n: number): Promise<Locator> {
  const answer = assistantMessages(page).nth(n - 1);
  await expect(answer.getByRole("list", { name: "Sources" })).toBeVisible({ timeout: ANSWER_TIMEOUT_MS });
  await expect(page.getByRole("button", { name: "Stop waiting" })).toHaveCount(0, {
    timeout: ANSWER_TIMEOUT_MS,
  });
  return answer;
}

/** axe with the WCAG 2.0/2.1 A and AA rules; a failure lists each rule, its help text and the elements. */
export async function expectNoAxeViolations(page: Page, state: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const found = results.violations.map(
    (violation) =>
      `${violation.id} (${violation.impact ?? "?"}): ${violation.help} — ${violation.nodes
        .map((node) => node.target.join(" "))
        .join(", ")}`,
  );
  expect(found, `axe violations in state "${state}"`).toEqual([]);
}

/** Whether `locator` is the element that has focus. */
export async function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element === document.activeElement).catch(() => false);
}

/** Press Tab (or Shift+Tab) until `locator` has focus; fails after `limit` presses. Keyboard only. */
export async function tabTo(page: Page, locator: Locator, { back = false, limit = 60 } = {}): Promise<void> {
  for (let presses = 0; presses < limit; presses += 1) {
    if (await isFocused(locator)) return;
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
  }
  expect(await isFocused(locator), `reached ${locator.toString()} with ${limit} Tab presses`).toBe(true);
}

/** Text of an element without Markdown noise, for comparing what was shown with what was stored. */
export function words(text: string): string[] {
  return text
    .replace(/\[\d+\]/g, " ")
    .split(/[^\p{L}\p{N}']+/u)
    .filter((word) => word.length > 0);
}

export interface Frame {
  type: string;
  [key: string]: unknown;
}

/** Parse a WebSocket text frame from the server (binary frames are not part of the protocol). */
export function parseFrame(message: string | Buffer): Frame | null {
  if (typeof message !== "string") return null;
  try {
    return JSON.parse(message) as Frame;
  } catch {
    return null;
  }
}

/**
 * Pass a socket through to the real server, letting `onServerFrame` see (and hold back or drop) each frame from
 * the server before the page gets it. Frames from the page go straight through.
 */
export function passThrough(
  ws: WebSocketRoute,
  onServerFrame: (frame: Frame | null, forward: () => void) => void | Promise<void>,
): WebSocketRoute {
  const server = ws.connectToServer();
  ws.onMessage((message) => {
    server.send(message);
  });
  ws.onClose(() => {
    void server.close();
  });
  server.onClose((code, reason) => {
    // 1005/1006 say "no code": they may not be sent, so the page sees a plain abnormal end (1011) instead.
    const sendable = code !== undefined && code !== 1005 && code !== 1006;
    void ws.close({ code: sendable ? code : 1011, reason: reason ?? "" });
  });
  let queue = Promise.resolve();
  server.onMessage((message) => {
    // In order: a held-back delta must not be overtaken by the frames after it.
    queue = queue.then(() =>
      onServerFrame(parseFrame(message), () => {
        ws.send(message);
      }),
    );
  });
  return server;
}
