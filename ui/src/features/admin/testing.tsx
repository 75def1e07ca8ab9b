// Unit-test helpers for the admin screen: render inside the app's providers signed in as an admin (or another
// user), with the admin API answered through MSW by a FakeAdmin.
import type { RequestHandler } from "msw";
import type { ReactElement } from "react";
import type { components } from "../../api/generated/openapi";
import { FakeBackend } from "../../testing/backend";
import { createTestServices, renderWithProviders } from "../../testing/renderWithProviders";
import { server } from "../../testing/server";
import { adminHandlers, adminUser, FakeAdmin, signedInAs } from "./fixtures";

export function renderAsAdmin(
  ui: ReactElement,
  options: {
    fake?: FakeAdmin;
    user?: components["schemas"]["User"];
    /** Handlers that answer before the fake (e.g. one failure). */
    handlers?: RequestHandler[];
  } = {},
) {
  const fake = options.fake ?? new FakeAdmin();
  const backend = new FakeBackend();
  const services = createTestServices({
    backend,
    preloadedState: { auth: signedInAs(backend, options.user ?? adminUser) },
  });
  // After the app's handlers, so these answer first.
  server.use(...adminHandlers(fake, backend));
  server.use(...(options.handlers ?? []));
  return { ...renderWithProviders(ui, { services }), fake, backend };
}
