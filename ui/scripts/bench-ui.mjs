// `make bench-ui`: Lighthouse 12 on the built UI as the real ingress serves it (csagent up, through
// e2e/serve-app.mjs), in Debian's chromium. Prints the performance, accessibility and best-practices scores, the
// Core Web Vitals Lighthouse measures in the lab (LCP, TBT, CLS) and the initial JavaScript, and fails when
// performance < 95 or accessibility < 100. Reports: ../var/lighthouse/report.{html,json}.
//
//   node scripts/bench-ui.mjs [--preset mobile|desktop] [--runs N] [--no-build] [--url http://host:port/]
//
// Mobile (Lighthouse's default: a mid-range phone on slow 4G, simulated) is the strict one. With several runs the
// median by performance score is reported, as Lighthouse advises for noisy machines. The UI is rebuilt when a
// source is newer than ui/dist (--no-build tests ui/dist as it is); --url skips starting the app.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";
import { BUDGET_BYTES, measure } from "./check-size.mjs";
import chromium from "../chromium.json" with { type: "json" };

const ui = fileURLToPath(new URL("../", import.meta.url));
const reports = join(ui, "..", "var", "lighthouse");
const CHROME = process.env.CHROME_PATH ?? chromium.executablePath;
const FLAGS = ["--headless=new", ...chromium.args];
const THRESHOLDS = { performance: 95, accessibility: 100 };

async function newest(folder) {
  let time = 0;
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) time = Math.max(time, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return time;
}

async function buildIfStale() {
  const index = join(ui, "dist", "index.html");
  if (existsSync(index) && (await newest(join(ui, "src"))) <= statSync(index).mtimeMs) return;
  console.log("building the UI (npm run build)…");
  const build = spawnSync("npm", ["run", "build"], { cwd: ui, stdio: "inherit" });
  if (build.status !== 0) throw new Error("npm run build failed");
}

/** Start the real app; resolves with its URL and a stop function once it is ready. */
function startApp() {
  const child = spawn(process.execPath, [join(ui, "e2e", "serve-app.mjs")], {
    cwd: ui,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
      const match = /csagent ready at (\S+)/.exec(output);
      if (match) resolve({ url: `${match[1]}/`, stop });
    });
    child.once("exit", (code) => reject(new Error(`the app did not start (serve-app exited with ${code})`)));
  });
}

async function audit(url, preset) {
  const chrome = await chromeLauncher.launch({ chromePath: CHROME, chromeFlags: FLAGS, logLevel: "error" });
  try {
    const options = {
      port: chrome.port,
      output: ["html", "json"],
      logLevel: "error",
      onlyCategories: ["performance", "accessibility", "best-practices"],
    };
    const result = await lighthouse(url, options, preset === "desktop" ? desktopConfig : undefined);
    if (!result) throw new Error("Lighthouse returned no result");
    return result;
  } finally {
    chrome.kill();
  }
}

function summary(lhr) {
  const score = (id) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
  const audit = (id) => lhr.audits[id];
  return {
    performance: score("performance"),
    accessibility: score("accessibility"),
    bestPractices: score("best-practices"),
    fcp: audit("first-contentful-paint")?.displayValue ?? "?",
    lcp: audit("largest-contentful-paint")?.displayValue ?? "?",
    tbt: audit("total-blocking-time")?.displayValue ?? "?",
    cls: audit("cumulative-layout-shift")?.displayValue ?? "?",
    failing: Object.values(lhr.audits)
      .filter((item) => item.score !== null && item.score < 1 && item.scoreDisplayMode === "binary")
      .map((item) => `${item.id}: ${item.title}`),
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      preset: { type: "string", default: "mobile" },
      runs: { type: "string", default: "3" },
      url: { type: "string" },
      "no-build": { type: "boolean", default: false },
    },
  });
  if (!["mobile", "desktop"].includes(values.preset)) throw new Error("--preset is mobile or desktop");
  const runs = Math.max(1, Number(values.runs) || 1);
  let app = null;
  if (!values.url) {
    if (!values["no-build"]) await buildIfStale();
    app = await startApp();
  }
  const url = values.url ?? app.url;
  try {
    // One unmeasured load first: the ingress replica's first request pays for Python imports and file stats.
    await fetch(url).then((response) => response.text());
    const results = [];
    for (let run = 1; run <= runs; run += 1) {
      const result = await audit(url, values.preset);
      results.push(result);
      const { performance, accessibility, bestPractices } = summary(result.lhr);
      console.log(
        `run ${run}/${runs}: performance ${performance}, accessibility ${accessibility}, best practices ${bestPractices}`,
      );
    }
    results.sort(
      (a, b) => (a.lhr.categories.performance.score ?? 0) - (b.lhr.categories.performance.score ?? 0),
    );
    const median = results[Math.floor(results.length / 2)];
    mkdirSync(reports, { recursive: true });
    const [html, json] = median.report;
    writeFileSync(join(reports, "report.html"), html);
    writeFileSync(join(reports, "report.json"), json);

    const s = summary(median.lhr);
    const files = await measure();
    const initial = files.reduce((sum, file) => sum + file.gzip, 0);
    const rows = [
      ["page", url],
      [
        "preset",
        `${values.preset} (Lighthouse ${median.lhr.lighthouseVersion}, ${median.lhr.environment.hostUserAgent.match(/Chrome\/[\d.]+/)?.[0] ?? "chromium"})`,
      ],
      ["performance", `${s.performance} (needs ≥ ${THRESHOLDS.performance})`],
      ["accessibility", `${s.accessibility} (needs ${THRESHOLDS.accessibility})`],
      ["best practices", String(s.bestPractices)],
      ["FCP", s.fcp],
      ["LCP", s.lcp],
      ["TBT", s.tbt],
      ["CLS", s.cls],
      [
        "initial JS (gzip)",
        `${(initial / 1024).toFixed(1)} KB in ${files.length} file(s), budget ${BUDGET_BYTES / 1024} KB`,
      ],
      ["report", join(reports, "report.html")],
    ];
    const width = Math.max(...rows.map(([name]) => name.length));
    console.log(`\nLighthouse, median of ${runs} run(s)`);
    for (const [name, value] of rows) console.log(`  ${name.padEnd(width)}  ${value}`);
    if (s.failing.length > 0) console.log(`  failing audits:\n    ${s.failing.join("\n    ")}`);

    const misses = [];
    if (s.performance < THRESHOLDS.performance)
      misses.push(`performance ${s.performance} < ${THRESHOLDS.performance}`);
    if (s.accessibility < THRESHOLDS.accessibility)
      misses.push(`accessibility ${s.accessibility} < ${THRESHOLDS.accessibility}`);
    if (misses.length > 0) {
      console.error(`bench-ui: ${misses.join("; ")}`);
      return 1;
    }
    return 0;
  } finally {
    await app?.stop();
  }
}

process.exitCode = await main().catch((error) => {
  console.error(`bench-ui: ${error.message}`);
  return 1;
});
