// The admin screen against the real application (issue 9, item 6): after a customer's turn, an admin opens it
// from the chat, sees that turn in the live version's figures, starts a canary with the keyboard alone, meets the
// evaluation gate on promote, forces it with a reason, rolls back, and reads each step in the audit log; axe finds
// nothing with and without a dialog open.
//
// Signing in as the admin: `csagent admin token` (run with the server's settings: the same var/jwt_secret and
// CSAGENT_ENV) mints an access token; the admin API checks only the token's claims. The app keeps a session as a
// refresh token plus its user, so the page starts with such a stored session and the one refresh it sends on load
// is answered with the minted token. Every other request, the socket included, goes to the real server.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { expect, expectNoAxeViolations, isFocused, tabTo, test } from "./support";

const root = fileURLToPath(new URL("../../", import.meta.url));
const SESSION_KEY = "csagent.session";

interface AdminSession {
  token: string;
  user: {
    id: string;
    email: null;
    display_name: string;
    role: "admin";
    organization_id: string;
    language: string;
  };
}

/**
 * An admin access token from the CLI. Its admin user is made in a scratch database (the token carries the role;
 * the server's own throw-away database is private to e2e/serve-app.mjs), signed with this install's key.
 */
function mintAdmin(): AdminSession {
  const scratch = mkdtempSync(join(tmpdir(), "csagent-e2e-admin-"));
  try {
    const token = execFileSync(join(root, ".venv", "bin", "csagent"), ["admin", "token", "--ttl-s", "3600"], {
      cwd: root,
      env: {
        ...process.env,
        CSAGENT_ENV: "test",
        CSAGENT_DATABASE_URL: `sqlite+aiosqlite:///${join(scratch, "admin.db")}`,
      },
    })
      .toString()
      .trim();
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as {
      sub: string;
      org: string;
      role: string;
    };
    expect(payload.role).toBe("admin");
    return {
      token,
      user: {
        id: payload.sub,
        email: null,
        display_name: "Admin",
        role: "admin",
        organization_id: payload.org,
        language: "en",
      },
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Open the app as the admin: a stored session whose refresh answers with the minted token. */
async function signInAsAdmin(page: Page, admin: AdminSession): Promise<void> {
  await page.addInitScript(
    ([key, user]) => {
      window.localStorage.setItem(key, JSON.stringify({ refresh_token: "e2e-admin", user }));
    },
    [SESSION_KEY, admin.user] as const,
  );
  await page.route("**/api/v1/auth/refresh", (route) =>
    route.fulfill({
      json: {
        access_token: admin.token,
        refresh_token: "e2e-admin",
        token_type: "bearer",
        expires_in: 3600,
        user: admin.user,
      },
    }),
  );
}

/**
 * Put the shipped state back (grounded@1.0 live, no canary) whatever step failed, so the other specs that share
 * the server see the usual answers: roll back until nothing is left to roll back.
 */
async function restoreShipped(request: APIRequestContext, token: string): Promise<void> {
  const headers = { Authorization: `Bearer ${token}` };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const answer = await request.post("/api/v1/admin/models/rollback", {
      headers,
      data: { name: "grounded", reason: "e2e clean-up" },
    });
    if (answer.status() === 409) return;
  }
}

function modelRow(page: Page, id: string): Locator {
  return page.getByRole("table", { name: "Model versions" }).getByRole("row", { name: new RegExp(`^${id}`) });
}

function liveRegion(page: Page, text: string): Locator {
  return page.locator('[aria-live="polite"]').filter({ hasText: text });
}

/** One customer turn through the REST API, so the live version has a reply in the admin table's window. */
async function chatOnce(request: APIRequestContext): Promise<void> {
  const guest = await request.post("/api/v1/auth/guest", { data: {} });
  expect(guest.status()).toBe(201);
  const headers = {
    Authorization: `Bearer ${((await guest.json()) as { access_token: string }).access_token}`,
  };
  const chat = await request.post("/api/v1/conversations", { headers, data: {} });
  expect(chat.status()).toBe(201);
  const { id } = (await chat.json()) as { id: string };
  const sent = await request.post(`/api/v1/conversations/${id}/messages`, {
    headers,
    data: { content: "How do I reset my password?", client_message_id: crypto.randomUUID() },
  });
  expect(sent.status()).toBe(200);
  const { reply } = (await sent.json()) as { reply: { meta: { model: { name: string; version: string } } } };
  expect(reply.meta.model).toEqual({ name: "grounded", version: "1.0" });
}

let admin: AdminSession;

test.beforeAll(() => {
  admin = mintAdmin();
});

test.afterAll(async ({ request }) => {
  await restoreShipped(request, admin.token);
});

test("an admin runs a canary, meets the evaluation gate, forces a promote and rolls back", async ({
  page,
  request,
}) => {
  await chatOnce(request);
  await signInAsAdmin(page, admin);
  await page.goto("/");
  await page.getByRole("link", { name: "Manage models" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { level: 1, name: "Manage models" })).toBeVisible();
  await expect(modelRow(page, "grounded@1.0")).toContainText("Live");
  await expect(modelRow(page, "grounded@1.0")).toContainText("100%");
  await expect(modelRow(page, "grounded@1.1")).toContainText("Not in use");
  // The live figures, counted by the server from its stored replies: the turn above is among them.
  const models = page.getByRole("table", { name: "Model versions" });
  await expect(models.getByRole("columnheader", { name: "Last 24 hours" })).toBeVisible();
  await expect(models.getByRole("columnheader", { name: "Time to first word (p99)" })).toBeVisible();
  const replies = modelRow(page, "grounded@1.0").getByRole("cell", { name: /^[1-9][\d,]*$/ });
  await expect(replies).toBeVisible();
  await expect(
    modelRow(page, "grounded@1.0").getByRole("cell", { name: /\d seconds?|milliseconds/ }),
  ).toHaveCount(1);
  await expectNoAxeViolations(page, "admin screen");

  await test.step("canary at 30% with the keyboard alone", async () => {
    const canary = modelRow(page, "grounded@1.1").getByRole("button", { name: "Canary" });
    await tabTo(page, canary);
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Canary for grounded@1.1" });
    await expect(dialog).toBeVisible();
    const share = dialog.getByRole("spinbutton", { name: "Share of new chats (%)" });
    await tabTo(page, share);
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.type("30");
    await expect(dialog.getByRole("slider", { name: "Share of new chats (%)" })).toHaveAttribute(
      "aria-valuetext",
      "30%",
    );
    await expectNoAxeViolations(page, "canary dialog");
    await tabTo(page, dialog.getByRole("button", { name: "Start canary" }));
    await page.keyboard.press("Enter");
    await expect(dialog).toBeHidden();
    await expect(liveRegion(page, "grounded@1.1 now gets 30% of new chats.")).toHaveCount(1);
    expect(await isFocused(canary)).toBe(true);
    await expect(modelRow(page, "grounded@1.1")).toContainText("Canary");
    await expect(modelRow(page, "grounded@1.1")).toContainText("30%");
    await expect(modelRow(page, "grounded@1.0")).toContainText("70%");
  });

  await test.step("Escape closes a dialog and nothing changes", async () => {
    const promote = modelRow(page, "grounded@1.1").getByRole("button", { name: "Promote" });
    await promote.focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("dialog")).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(page.getByRole("dialog")).toBeHidden();
    expect(await isFocused(promote)).toBe(true);
    await expect(modelRow(page, "grounded@1.0")).toContainText("Live");
  });

  await test.step("the gate refuses an unevaluated version; forcing needs a reason", async () => {
    await modelRow(page, "grounded@1.1").getByRole("button", { name: "Promote" }).click();
    const dialog = page.getByRole("dialog", { name: "Promote grounded@1.1?" });
    await dialog.getByRole("button", { name: "Promote" }).click();
    await expect(dialog.getByRole("alert")).toHaveText(
      "grounded@1.1 has not been tested yet. Test it first.",
    );
    const comparison = dialog.getByRole("table", { name: "Test results" });
    await expect(comparison.getByRole("row", { name: /^Key facts right/ })).toBeVisible();
    await expect(comparison.getByRole("row", { name: /^Hand-offs caught/ })).toBeVisible();
    await expectNoAxeViolations(page, "promote refused by the gate");

    await dialog.getByRole("checkbox", { name: "Promote anyway" }).check();
    await dialog.getByRole("button", { name: "Promote anyway" }).click();
    const reason = dialog.getByRole("textbox", { name: "Reason" });
    await expect(reason).toHaveAttribute("aria-invalid", "true");
    await reason.fill("e2e: shipping the canary before its evaluation");
    await dialog.getByRole("button", { name: "Promote anyway" }).click();
    await expect(dialog).toBeHidden();
    await expect(liveRegion(page, "grounded@1.1 is now live.")).toHaveCount(1);
    await expect(modelRow(page, "grounded@1.1")).toContainText("Live");
    await expect(modelRow(page, "grounded@1.1")).toContainText("100%");
  });

  await test.step("roll back returns all traffic to the earlier version", async () => {
    await modelRow(page, "grounded@1.1").getByRole("button", { name: "Roll back" }).click();
    const dialog = page.getByRole("dialog", { name: "Roll back grounded?" });
    await expect(dialog).toContainText("grounded@1.0 gets all new chats again, in place of grounded@1.1.");
    await dialog.getByRole("button", { name: "Roll back" }).click();
    await expect(dialog).toBeHidden();
    await expect(liveRegion(page, "grounded now runs grounded@1.0 for all new chats.")).toHaveCount(1);
    await expect(modelRow(page, "grounded@1.0")).toContainText("Live");
    await expect(modelRow(page, "grounded@1.0")).toContainText("100%");
  });

  await test.step("the audit log lists each step, newest first, with the reason", async () => {
    const audit = page.getByRole("table", { name: "Audit log" });
    const rows = audit.getByRole("row");
    await expect(rows.nth(1)).toContainText("Roll back");
    await expect(rows.nth(2)).toContainText("Promote");
    await expect(rows.nth(2)).toContainText("Forced past the test gate");
    await expect(rows.nth(2)).toContainText("e2e: shipping the canary before its evaluation");
    await expect(rows.nth(3)).toContainText("Canary");
    await expect(rows.nth(3)).toContainText("30% of new chats");
  });
});
