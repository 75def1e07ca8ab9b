// Render a tree the way the app does (store, query cache, services) with fresh services on a fake backend:
// REST through MSW handlers, the WebSocket through FakeChatServer, storage in memory.
import { QueryClient } from "@tanstack/react-query";
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
import { createServices, type AppServices, type ServicesOptions } from "../services";
import { SESSION_STORAGE_KEY } from "../services/session";
import type { RootState } from "../store";
import { FakeBackend } from "./backend";
import { FakeChatServer, type FakeChatServerOptions } from "./fakeSocket";
import { restHandlers } from "./handlers";
import { MemoryStorage } from "./memoryStorage";
import { server } from "./server";

export const TEST_ORIGIN = "http://localhost:3000";

export interface TestServicesOptions extends ServicesOptions {
  backend?: FakeBackend;
  /** "guest" (default): signed in as the guest fixture, socket open; "signedOut": no session. */
  auth?: "guest" | "signedOut";
  socketServer?: FakeChatServerOptions;
  /** Leave MSW's handlers alone (the test installs its own). */
  noRestHandlers?: boolean;
}

export interface TestServices extends AppServices {
  backend: FakeBackend;
  socketServer: FakeChatServer;
}

/** Fresh services on a fake backend; usable without React (hooks tests, stories' loaders). */
export function createTestServices(options: TestServicesOptions = {}): TestServices {
  const {
    backend = new FakeBackend(),
    auth = "guest",
    socketServer: serverOptions,
    noRestHandlers,
    ...rest
  } = options;
  const socketServer = new FakeChatServer(backend, serverOptions);
  if (!noRestHandlers) server.use(...restHandlers(backend));
  const storage = new MemoryStorage();
  let preloadedState: Partial<RootState> | undefined = rest.preloadedState;
  if (auth === "guest" && !preloadedState?.auth) {
    const session = backend.signedIn();
    // As after an earlier sign-in: the refresh token is stored, the access token in memory.
    storage.setItem(
      SESSION_STORAGE_KEY,
      JSON.stringify({ refresh_token: session.refresh_token, user: session.user }),
    );
    preloadedState = {
      ...preloadedState,
      auth: {
        status: "signedIn",
        user: session.user,
        accessToken: session.access_token,
        expiresAt: Date.now() + session.expires_in * 1000,
      },
    };
  }
  const services = createServices({
    baseUrl: TEST_ORIGIN,
    storage,
    WebSocket: socketServer.WebSocket,
    events: null,
    isOnline: () => true,
    queryClient: new QueryClient({
      defaultOptions: { queries: { retry: false, gcTime: Infinity, staleTime: Infinity } },
    }),
    ...rest,
    ...(preloadedState ? { preloadedState } : {}),
  });
  return { ...services, backend, socketServer };
}

export interface RenderWithProvidersOptions extends TestServicesOptions {
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
  options: TestServicesOptions & { services?: TestServices; initialProps?: Props } = {},
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
