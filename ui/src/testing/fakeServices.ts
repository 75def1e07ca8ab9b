// Fresh services on a fake backend (REST answered by the MSW handlers, the socket by FakeChatServer, storage in
// memory), usable in unit tests and in Storybook alike: nothing here needs Node.
import { QueryClient } from "@tanstack/react-query";
import { getResponse } from "msw";
import { createServices, type AppServices, type ServicesOptions } from "../services";
import { SESSION_STORAGE_KEY } from "../services/session";
import type { RootState } from "../store";
import { FakeBackend } from "./backend";
import { FakeChatServer, type FakeChatServerOptions } from "./fakeSocket";
import { errorResponse, restHandlers } from "./handlers";
import { MemoryStorage } from "./memoryStorage";

export const TEST_ORIGIN = "http://localhost:3000";

export interface TestServicesOptions extends ServicesOptions {
  backend?: FakeBackend;
  /** "guest" (default): signed in as the guest fixture, socket open; "signedOut": no session. */
  auth?: "guest" | "signedOut";
  socketServer?: FakeChatServerOptions;
}

export interface TestServices extends AppServices {
  backend: FakeBackend;
  socketServer: FakeChatServer;
}

/** Answer each request from the handlers directly, without intercepting the network (Storybook). */
export function handlerFetch(backend: FakeBackend): (request: Request) => Promise<Response> {
  const handlers = restHandlers(backend);
  return async (request) => (await getResponse(handlers, request)) ?? errorResponse(404, "not_found");
}

export function createFakeServices(options: TestServicesOptions = {}): TestServices {
  const { backend = new FakeBackend(), auth = "guest", socketServer: serverOptions, ...rest } = options;
  const socketServer = new FakeChatServer(backend, serverOptions);
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
    fetch: handlerFetch(backend),
    queryClient: new QueryClient({
      defaultOptions: { queries: { retry: false, gcTime: Infinity, staleTime: Infinity } },
    }),
    ...rest,
    ...(preloadedState ? { preloadedState } : {}),
  });
  return { ...services, backend, socketServer };
}
