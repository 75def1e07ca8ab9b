import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterAll, afterEach, beforeAll } from "vitest";
import { setupI18n } from "../i18n";
import { server } from "./server";

beforeAll(async () => {
  server.listen({ onUnhandledRequest: "error" });
  await setupI18n("en");
});

afterEach(() => {
  cleanup();
  server.resetHandlers();
});

afterAll(() => {
  server.close();
});
