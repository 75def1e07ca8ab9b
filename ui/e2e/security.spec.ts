// The ingress sends the UI with a strict Content-Security-Policy and the caching the build allows; the page runs
// under it without a single violation (the cspGuard fixture fails any test that logs one).
import { expect, startAsGuest, test } from "./support";

test("the app is served with a strict policy and runs without violations", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  const headers = response?.headers() ?? {};
  const policy = headers["content-security-policy"] ?? "";
  const scriptSrc = /script-src ([^;]*)/.exec(policy)?.[1] ?? "";
  expect(scriptSrc).toContain("'self'");
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  expect(policy).not.toContain("'unsafe-eval'");
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).toContain("object-src 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toMatch(/no-referrer|strict-origin-when-cross-origin/);
  expect(headers["permissions-policy"]).toBeTruthy();
  expect(headers["cache-control"]).toBe("no-cache");

  await startAsGuest(page);
});

test("hashed assets are cached for a year, client-side routes get the app", async ({ page, request }) => {
  const assets: string[] = [];
  page.on("response", (response) => {
    if (new URL(response.url()).pathname.startsWith("/assets/")) assets.push(response.url());
  });
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "How can we help?" })).toBeVisible();
  expect(assets.length).toBeGreaterThan(0);
  for (const url of assets) {
    const response = await request.get(url);
    expect(response.headers()["cache-control"], url).toBe("public, max-age=31536000, immutable");
    expect(response.headers()["content-security-policy"], url).toBeTruthy();
  }
  const deepLink = await request.get("/c/00000000-0000-0000-0000-000000000000");
  expect(deepLink.status()).toBe(200);
  expect(await deepLink.text()).toContain('id="root"');
  const api = await request.get("/api/v1/does-not-exist");
  expect(api.status()).toBe(404);
});
