// Everything with an identity the app needs, created once: the store, the query cache, the REST client, the
// session, the socket and the chat service. Tests and stories create fresh ones (see src/testing).
import { QueryClient } from "@tanstack/react-query";
import { makeStore, type AppStore, type RootState } from "../store";
import { restoring } from "../store/slices/authSlice";
import { createApi, type Api } from "./api";
import { ChatService } from "./chat";
import { SessionService } from "./session";
import type { Timers } from "./timers";
import { ChatSocket, type WebSocketConstructor } from "./websocket";

export interface AppServices {
  store: AppStore;
  queryClient: QueryClient;
  api: Api;
  session: SessionService;
  socket: ChatSocket;
  chat: ChatService;
}

export interface ServicesOptions {
  /** Origin of the API, e.g. "http://127.0.0.1:8000"; defaults to the page's origin. */
  baseUrl?: string;
  preloadedState?: Partial<RootState>;
  fetch?: (request: Request) => Promise<Response>;
  WebSocket?: WebSocketConstructor;
  timers?: Timers;
  random?: () => number;
  storage?: Storage | null;
  events?: EventTarget | null;
  isOnline?: () => boolean;
  sleep?: (ms: number) => Promise<void>;
  queryClient?: QueryClient;
}

export function socketUrl(origin: string): string {
  const url = new URL("/api/v1/ws", origin);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

export function createServices(options: ServicesOptions = {}): AppServices {
  const baseUrl = options.baseUrl ?? window.location.origin;
  const store = makeStore(options.preloadedState);
  const queryClient =
    options.queryClient ??
    new QueryClient({
      defaultOptions: { queries: { staleTime: 30_000, retry: 1, refetchOnWindowFocus: false } },
    });
  const session = new SessionService({
    store,
    ...(options.storage !== undefined ? { storage: options.storage } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
  });
  const api = createApi({
    auth: session,
    baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  session.attach(api);
  const socket = new ChatSocket({
    url: socketUrl(baseUrl),
    auth: session,
    getLastSeq: (id) => store.getState().chat.byId[id]?.lastSeq ?? 0,
    ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.events !== undefined ? { events: options.events } : {}),
    ...(options.isOnline ? { isOnline: options.isOnline } : {}),
  });
  const chat = new ChatService({ store, api, socket, queryClient });
  const storedUser = options.preloadedState?.auth ? null : session.storedUser();
  if (storedUser) store.dispatch(restoring(storedUser));

  // The socket lives exactly as long as the session; signing out (or a refresh that fails) clears every cache,
  // and so does another user signing in over a guest session (nothing of the guest's may show).
  const clear = () => {
    socket.stop();
    chat.reset();
    queryClient.clear();
  };
  let { status, user } = store.getState().auth;
  if (status === "signedIn") socket.start();
  store.subscribe(() => {
    const next = store.getState().auth;
    if (next.status === status && next.user?.id === user?.id) return;
    const switched = status === "signedIn" && next.status === "signedIn";
    ({ status, user } = next);
    if (next.status === "signedOut" || switched) clear();
    if (next.status === "signedIn") socket.start();
  });

  return { store, queryClient, api, session, socket, chat };
}
