// Runs the REAL application for the browser tests and the Lighthouse benchmark: `csagent up` (a local Ray
// cluster with the ingress, graph, nlp, retrieval and llm deployments; the ingress serves ui/dist) on its own port,
// with a throw-away SQLite database and Ray's own temp dir (/tmp/csagent-ray-<port>, chosen by `csagent up`).
//
//   node e2e/serve-app.mjs [--port N]      (or CSAGENT_E2E_PORT=N; default: a free port)
//
// Prints "csagent ready at <url>" once /api/ready answers 200. On SIGTERM or SIGINT it asks `csagent up` to stop
// (which shuts Serve and its own Ray instance down, never other clusters), waits for it, then removes the
// temporary files. `csagent up` runs in its own process group so a signal sent to this script's group (Playwright
// stops its webServer that way) reaches only this script, and the shutdown happens in order.
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ui = fileURLToPath(new URL("../", import.meta.url));
const root = join(ui, "..");
const csagent = join(root, ".venv", "bin", "csagent");
const READY_TIMEOUT_MS = 240_000;
const STOP_TIMEOUT_MS = 60_000;

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function newestSource(folder) {
  let newest = 0;
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

async function waitUntilReady(url, child) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`csagent up exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/api/ready`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`csagent did not become ready within ${READY_TIMEOUT_MS / 1000} s`);
}

function exited(child, timeoutMs) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function main() {
  const flag = process.argv.indexOf("--port");
  const port = Number(flag > 0 ? process.argv[flag + 1] : process.env.CSAGENT_E2E_PORT) || (await freePort());
  if (!existsSync(csagent)) {
    console.error(`serve-app: ${csagent} is missing: run \`make prepare\` in ${root} first`);
    return 1;
  }
  const index = join(ui, "dist", "index.html");
  if (!existsSync(index)) {
    console.error("serve-app: ui/dist is missing: run `make ui` (or `npm run build`) first");
    return 1;
  }
  if ((await newestSource(join(ui, "src"))) > statSync(index).mtimeMs) {
    console.warn("serve-app: ui/src changed since the last build: testing the older ui/dist (run `make ui`)");
  }
  const data = mkdtempSync(join(tmpdir(), "csagent-ui-e2e-"));
  const rayTemp = `/tmp/csagent-ray-${port}`;
  const logPath = join(tmpdir(), `csagent-ui-e2e-${port}.log`);
  const log = createWriteStream(logPath);
  const child = spawn(csagent, ["up"], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      CSAGENT_ENV: "test",
      CSAGENT_HTTP_HOST: "127.0.0.1",
      CSAGENT_HTTP_PORT: String(port),
      CSAGENT_DATABASE_URL: `sqlite+aiosqlite:///${join(data, "csagent.db")}`,
      CSAGENT_RAY__INCLUDE_DASHBOARD: "false",
      RAY_AUTH_MODE: "disabled",
      RAY_USAGE_STATS_ENABLED: "0",
    },
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);

  let stopping = null;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        if (!(await exited(child, STOP_TIMEOUT_MS))) {
          console.error(
            `serve-app: csagent did not stop in ${STOP_TIMEOUT_MS / 1000} s: killing its process group`,
          );
          try {
            process.kill(-child.pid, "SIGKILL");
          } catch {
            // Already gone.
          }
          await exited(child, 5_000);
        }
      }
      rmSync(data, { recursive: true, force: true });
      rmSync(rayTemp, { recursive: true, force: true });
    })();
    return stopping;
  };
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) {
    process.on(signal, () => {
      void stop().then(() => process.exit(0));
    });
  }

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(url, child);
  } catch (error) {
    console.error(`serve-app: ${error.message}; its log: ${logPath}`);
    await stop();
    return 1;
  }
  console.log(`csagent ready at ${url} (log: ${logPath})`);
  const code = await new Promise((resolve) => child.once("exit", (exitCode) => resolve(exitCode ?? 1)));
  if (!stopping) {
    console.error(`serve-app: csagent up exited on its own (code ${code}); its log: ${logPath}`);
    await stop();
    return 1;
  }
  await stopping;
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main();
}
