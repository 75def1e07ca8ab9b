/// <reference types="vitest/config" />
import { fileURLToPath } from "node:url";
import { defineConfig, loadEnv } from "vite";
import react from "@vitejs/plugin-react";
import tailwindcss from "@tailwindcss/vite";
import { storybookTest } from "@storybook/addon-vitest/vitest-plugin";
import { playwright } from "@vitest/browser-playwright";
import chromium from "./chromium.json" with { type: "json" };

export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), "CSAGENT_");
  const target = env.CSAGENT_API_TARGET ?? "http://127.0.0.1:8000";
  return {
    plugins: [react(), tailwindcss()],
    server: {
      port: Number(env.CSAGENT_UI_PORT ?? 5173),
      proxy: {
        "/api": { target, ws: true, changeOrigin: true },
      },
    },
    build: {
      target: "es2022",
      sourcemap: true,
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
