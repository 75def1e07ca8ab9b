// Browser end-to-end tests against the REAL application: e2e/serve-app.mjs runs `csagent up` (Ray Serve with the
// ingress serving ui/dist, graph, nlp, retrieval, llm) on a free port with a throw-away database, and stops it
// afterwards. Needs `make prepare` (index, intent model) and `make ui` (the build under test) first; `make test`
// does both. Chromium is Debian's /usr/bin/chromium: never `npx playwright install`.
import { execFileSync } from "node:child_process";
import { defineConfig } from "@playwright/test";
import chromium from "./chromium.json" with { type: "json" };

// The config is evaluated again in every worker: the port chosen here travels to them in the environment.
process.env.CSAGENT_E2E_PORT ??= execFileSync(process.execPath, [
  "-e",
  "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})",
])
  .toString()
  .trim();
const baseURL = `http://127.0.0.1:${process.env.CSAGENT_E2E_PORT}`;

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  // One application for every test; the machine is small, so one browser at a time keeps timings honest.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL,
    browserName: "chromium",
    headless: true,
    launchOptions: { executablePath: chromium.executablePath, args: chromium.args },
    viewport: { width: 1280, height: 800 },
    locale: "en-US",
    colorScheme: "light",
    reducedMotion: "reduce",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  webServer: {
    command: "exec node e2e/serve-app.mjs",
    url: `${baseURL}/api/ready`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    // serve-app.mjs stops `csagent up` (Serve, then its own Ray) in order: give it time before any SIGKILL.
    gracefulShutdown: { signal: "SIGTERM", timeout: 90_000 },
  },
});
