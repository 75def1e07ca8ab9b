import { describe, expect, test, vi } from "vitest";
import { FakeBackend } from "../testing/backend";
import { guestUser } from "../testing/fixtures";
import { ManualTimers } from "../testing/manualTimers";
import { MemoryStorage } from "../testing/memoryStorage";
import { createTestServices } from "../testing/renderWithProviders";
import { http, HttpResponse } from "msw";
import { server } from "../testing/server";
import { SESSION_STORAGE_KEY } from "./session";

function stored(storage: Storage, refreshToken: string) {
  storage.setItem(SESSION_STORAGE_KEY, JSON.stringify({ refresh_token: refreshToken, user: guestUser }));
}

describe("SessionService", () => {
  test("a stored session starts 'restoring', then refreshes into signedIn", async () => {
    const backend = new FakeBackend();
    const session = backend.signedIn();
    const storage = new MemoryStorage();
    stored(storage, session.refresh_token);
    const services = createTestServices({ backend, auth: "signedOut", storage });
    expect(services.store.getState().auth).toMatchObject({ status: "restoring", user: guestUser });
    await services.session.restore();
    expect(services.store.getState().auth).toMatchObject({ status: "signedIn", accessToken: "access-2" });
    // The refresh token rotated: the new one is stored.
    expect(JSON.parse(storage.getItem(SESSION_STORAGE_KEY) ?? "{}")).toMatchObject({
      refresh_token: "refresh-2",
    });
  });

  test("a stored session the server refuses signs out and is forgotten", async () => {
    const storage = new MemoryStorage();
    stored(storage, "revoked");
    const services = createTestServices({ auth: "signedOut", storage });
    await services.session.restore();
    expect(services.store.getState().auth.status).toBe("signedOut");
    expect(storage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  });

  test("a network failure while restoring keeps the stored token for the next load", async () => {
    const storage = new MemoryStorage();
    stored(storage, "refresh-9");
    const services = createTestServices({ auth: "signedOut", storage });
    server.use(http.post("*/api/v1/auth/refresh", () => HttpResponse.error()));
    await services.session.restore();
    expect(services.store.getState().auth.status).toBe("signedOut");
    expect(storage.getItem(SESSION_STORAGE_KEY)).not.toBeNull();
  });

  test("a network failure while signed in keeps the session", async () => {
    const services = createTestServices();
    server.use(http.post("*/api/v1/auth/refresh", () => HttpResponse.error()));
    expect(await services.session.refresh()).toBe(false);
    expect(services.store.getState().auth.status).toBe("signedIn");
  });

  test("nothing stored: signedOut at once; garbage in storage counts as nothing", async () => {
    const storage = new MemoryStorage();
    storage.setItem(SESSION_STORAGE_KEY, "{not json");
    const services = createTestServices({ auth: "signedOut", storage });
    expect(services.store.getState().auth.status).toBe("signedOut");
    await services.session.restore();
    expect(services.store.getState().auth.status).toBe("signedOut");
    expect(await services.session.refresh()).toBe(false);
  });

  test("refreshes 60 s before the access token expires", async () => {
    const timers = new ManualTimers();
    const services = createTestServices({ auth: "signedOut", timers });
    await services.session.startAsGuest("fr");
    expect(services.store.getState().auth.user?.language).toBe("fr");
    const first = services.store.getState().auth.accessToken;
    expect(services.session.expiresInSeconds()).toBe(900);
    timers.advance(839_000);
    expect(services.store.getState().auth.accessToken).toBe(first);
    timers.advance(1_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(services.store.getState().auth.accessToken).not.toBe(first);
  });

  test("sign-in, register and sign-out; signing out stops the socket and clears every cache", async () => {
    const services = createTestServices({ auth: "signedOut" });
    expect(services.session.expiresInSeconds()).toBeNull();
    await services.session.register({
      email: "ada@example.com",
      password: "a long password",
      display_name: "Ada",
    });
    expect(services.store.getState().auth.user?.display_name).toBe("Ada");
    await services.session.signIn({ email: "ada@example.com", password: "a long password" });
    expect(services.store.getState().auth.status).toBe("signedIn");
    expect(services.socket.getSnapshot().state).not.toBe("idle");
    services.queryClient.setQueryData(["conversations"], { pages: [], pageParams: [] });
    let told = 0;
    const off = services.session.onSignOut(() => {
      told += 1;
    });
    await services.session.signOut();
    off();
    expect(told).toBe(1);
    expect(services.store.getState().auth).toMatchObject({
      status: "signedOut",
      user: null,
      accessToken: null,
    });
    expect(services.socket.getSnapshot().state).toBe("idle");
    expect(services.queryClient.getQueryData(["conversations"])).toBeUndefined();
  });

  test("signing out signs out at once and has the server revoke the refresh token", async () => {
    const storage = new MemoryStorage();
    const services = createTestServices({ auth: "signedOut", storage });
    await services.session.startAsGuest("en");
    const token = (JSON.parse(storage.getItem(SESSION_STORAGE_KEY) ?? "{}") as { refresh_token: string })
      .refresh_token;
    const done = services.session.signOut();
    // Local first: the tab is signed out before the server has answered.
    expect(services.store.getState().auth.status).toBe("signedOut");
    expect(storage.getItem(SESSION_STORAGE_KEY)).toBeNull();
    await done;
    expect(services.backend.loggedOut).toEqual([token]);
    expect(services.backend.refreshTokens.has(token)).toBe(false);
  });

  test.each([
    ["the network fails", () => HttpResponse.error()],
    ["the server fails", () => HttpResponse.json({}, { status: 503 })],
  ])("a sign-out still signs out locally when %s", async (_case, answer) => {
    const storage = new MemoryStorage();
    const services = createTestServices({ auth: "signedOut", storage });
    await services.session.startAsGuest("en");
    const calls: string[] = [];
    server.use(
      http.post("*/api/v1/auth/logout", async ({ request }) => {
        calls.push(((await request.json()) as { refresh_token: string }).refresh_token);
        return answer();
      }),
    );
    await expect(services.session.signOut()).resolves.toBeUndefined();
    expect(calls).toHaveLength(1);
    expect(services.store.getState().auth).toMatchObject({ status: "signedOut", accessToken: null });
    expect(storage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  });

  test("signed out without a stored session: nothing to revoke", async () => {
    const services = createTestServices({ auth: "signedOut", storage: new MemoryStorage() });
    await services.session.signOut();
    expect(services.backend.loggedOut).toEqual([]);
    expect(services.store.getState().auth.status).toBe("signedOut");
  });

  test("a refresh answered after the user signed out does not sign back in", async () => {
    const services = createTestServices();
    const gate: { open?: () => void } = {};
    const held = new Promise<void>((resolve) => {
      gate.open = resolve;
    });
    server.use(
      http.post("*/api/v1/auth/refresh", async () => {
        await held;
        return HttpResponse.json(services.backend.issueSession());
      }),
    );
    const refreshing = services.session.refresh();
    await services.session.signOut();
    gate.open?.();
    expect(await refreshing).toBe(false);
    expect(services.store.getState().auth).toMatchObject({ status: "signedOut", accessToken: null });
  });

  test("without storage the session lives in memory", async () => {
    const services = createTestServices({ auth: "signedOut", storage: null });
    await services.session.startAsGuest("en");
    expect(await services.session.refresh()).toBe(true);
  });

  test("a storage that throws is tolerated", async () => {
    const broken = new MemoryStorage();
    broken.setItem = () => {
      throw new Error("quota");
    };
    broken.getItem = () => {
      throw new Error("blocked");
    };
    const services = createTestServices({ auth: "signedOut", storage: broken });
    await services.session.startAsGuest("en");
    expect(services.store.getState().auth.status).toBe("signedIn");
  });
});

describe("SessionService across tabs", () => {
  test("refreshes inside a Web Lock when the browser has them", async () => {
    const request = vi.fn((_name: string, callback: () => Promise<boolean>) => callback());
    vi.stubGlobal("navigator", { onLine: true, locks: { request } });
    try {
      const services = createTestServices();
      expect(await services.session.refresh()).toBe(true);
      expect(request).toHaveBeenCalledWith("csagent.session.refresh", expect.any(Function));
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe("switching users", () => {
  test("signing in over a guest session clears the guest's conversations and reconnects", async () => {
    const services = createTestServices();
    const conversation = services.backend.addConversation();
    services.chat.open(conversation.id);
    await services.chat.loadHistory(conversation.id);
    expect(services.store.getState().chat.byId[conversation.id]).toBeDefined();
    await services.session.register({
      email: "ada@example.com",
      password: "a long password",
      display_name: "Ada",
    });
    expect(services.store.getState().chat.byId).toEqual({});
    expect(services.socket.isWatching(conversation.id)).toBe(false);
    expect(services.socket.getSnapshot().state).toBe("connecting");
  });
});
