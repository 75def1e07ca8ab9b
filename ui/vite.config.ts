/// <reference types="vitest/config" />
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, loadEnv, type Plugin } from "vite";
import react from "@vitejs/plugin-react";
import tailwindcss from "@tailwindcss/vite";
import { storybookTest } from "@storybook/addon-vitest/vitest-plugin";
import { playwright } from "@vitest/browser-playwright";
import chromium from "./chromium.json" with { type: "json" };

const appDist = fileURLToPath(new URL("dist", import.meta.url));

/** After a production build of the app, fails if ui/dist holds any source map: it would publish the source. */
function noSourceMapsInDist(): Plugin {
  let active = false;
  return {
    name: "csagent:no-source-maps-in-dist",
    apply: "build",
    configResolved(config) {
      active = config.mode === "production" && resolve(config.root, config.build.outDir) === appDist;
    },
    closeBundle() {
      if (!active) return;
      const maps = readdirSync(appDist, { recursive: true, encoding: "utf8" }).filter((file) =>
        file.endsWith(".map"),
      );
      if (maps.length > 0) {
        const named = maps.slice(0, 3).join(", ");
        throw new Error(`production builds ship no source maps; ui/dist holds ${maps.length} (${named}…)`);
      }
    },
  };
}

export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), "CSAGENT_");
  const target = env.CSAGENT_API_TARGET ?? "http://127.0.0.1:8000";
  return {
    plugins: [react(), tailwindcss(), noSourceMapsInDist()],
    server: {
      port: Number(env.CSAGENT_UI_PORT ?? 5173),
      proxy: {
        "/api": { target, ws: true, changeOrigin: true },
      },
    },
    build: {
      target: "es2022",
      // Maps only for `vite build --mode development`: a production bundle does not publish the source.
      sourcemap: mode === "development",
    },
    test: {
      coverage: {
        provider: "v8",
        include: ["src/**/*.{ts,tsx}"],
        exclude: [
          "src/api/generated/**",
          "src/**/*.stories.tsx",
          "src/**/*.test.{ts,tsx}",
          "src/testing/**",
          "src/main.tsx",
          "src/vite-env.d.ts",
        ],
        thresholds: { lines: 85, statements: 85, functions: 85, branches: 80 },
      },
      projects: [
        {
          extends: true,
          test: {
            name: "unit",
            environment: "jsdom",
            include: ["src/**/*.test.{ts,tsx}"],
            setupFiles: ["src/testing/setup.ts"],
            restoreMocks: true,
          },
        },
        {
          extends: true,
          plugins: [storybookTest({ configDir: fileURLToPath(new URL(".storybook", import.meta.url)) })],
          test: {
            name: "storybook",
            browser: {
              enabled: true,
              headless: true,
              provider: playwright({
                launchOptions: {
                  executablePath: chromium.executablePath,
                  args: ["--headless", ...chromium.args],
                },
              }),
              instances: [{ browser: "chromium" }],
            },
          },
        },
      ],
    },
  };
});
