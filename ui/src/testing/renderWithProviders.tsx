// Render a tree the way the app does (store, query cache, services) with fresh services on a fake backend:
// REST through MSW handlers, the WebSocket through FakeChatServer, storage in memory.
import {
  render,
  renderHook,
  type RenderHookResult,
  type RenderOptions,
  type RenderResult,
} from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import type { ReactElement, ReactNode } from "react";
import { AppProviders } from "../app/AppProviders";
import { FakeBackend } from "./backend";
import { createFakeServices, type TestServices, type TestServicesOptions } from "./fakeServices";
import { restHandlers } from "./handlers";
import { server } from "./server";

export { TEST_ORIGIN, type TestServices } from "./fakeServices";

export interface UnitServicesOptions extends TestServicesOptions {
  /** Leave MSW's handlers alone (the test installs its own with `server.use`). */
  noRestHandlers?: boolean;
}

/**
 * Fresh services for a unit test: REST goes through the global fetch, so the MSW server (with this backend's
 * handlers) answers, and `server.use(...)` in a test overrides any endpoint.
 */
export function createTestServices(options: UnitServicesOptions = {}): TestServices {
  const { noRestHandlers, ...rest } = options;
  const backend = rest.backend ?? new FakeBackend();
  if (!noRestHandlers) server.use(...restHandlers(backend));
  return createFakeServices({ fetch: (request) => globalThis.fetch(request), ...rest, backend });
}

export interface RenderWithProvidersOptions extends UnitServicesOptions {
  services?: TestServices;
  renderOptions?: Omit<RenderOptions, "wrapper">;
}

export function renderWithProviders(
  ui: ReactElement,
  options: RenderWithProvidersOptions = {},
): RenderResult & { services: TestServices; user: ReturnType<typeof userEvent.setup> } {
  const services = options.services ?? createTestServices(options);
  const user = userEvent.setup();
  const result = render(<AppProviders services={services}>{ui}</AppProviders>, options.renderOptions);
  return { ...result, services, user };
}

/** renderHook inside the providers, with fresh (or given) test services. */
export function renderHookWithProviders<Result, Props>(
  hook: (props: Props) => Result,
  options: UnitServicesOptions & { services?: TestServices; initialProps?: Props } = {},
): RenderHookResult<Result, Props & object> & { services: TestServices } {
  const services = options.services ?? createTestServices(options);
  const result = renderHook(hook, {
    wrapper: ({ children }: { children: ReactNode }) => (
      <AppProviders services={services}>{children}</AppProviders>
    ),
    ...(options.initialProps !== undefined ? { initialProps: options.initialProps } : {}),
  });
  return { ...result, services };
}
