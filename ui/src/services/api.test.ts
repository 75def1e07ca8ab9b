import { http, HttpResponse } from "msw";
import { describe, expect, test, vi } from "vitest";
import en from "../i18n/locales/en.json";
import { errorResponse } from "../testing/handlers";
import { createTestServices } from "../testing/renderWithProviders";
import { server } from "../testing/server";
import { ApiError, codeMessage, errorMessage, toApiError } from "./api";

const ME = "*/api/v1/me";

/** Every code the server can send (serve/errors.py, serve/api/ws.py, serve/chat/runner.py). */
const SERVER_CODES = [
  "bad_request",
  "unauthorized",
  "invalid_token",
  "invalid_credentials",
  "invalid_refresh_token",
  "forbidden",
  "not_found",
  "conversation_not_found",
  "message_not_found",
  "method_not_allowed",
  "conflict",
  "email_taken",
  "conversation_closed",
  "client_message_id_reused",
  "payload_too_large",
  "content_too_long",
  "unsupported_media_type",
  "malformed_json",
  "validation_error",
  "rate_limited",
  "too_many_attempts",
  "service_unavailable",
  "internal_error",
  "error",
  "frame_too_large",
  "invalid_frame",
  "unknown_frame_type",
  "already_authenticated",
  "too_slow",
  "reply_failed",
];

describe("api client", () => {
  test("sends the bearer token", async () => {
    const services = createTestServices();
    const user = await services.api.me();
    expect(user.display_name).toBe("Guest");
  });

  test("on 401 refreshes once for concurrent requests, then retries each once", async () => {
    const services = createTestServices();
    services.backend.accessTokens.clear(); // the access token expired on the server
    const refresh = vi.fn();
    server.events.on("request:start", ({ request }) => {
      if (request.url.endsWith("/auth/refresh")) refresh();
    });
    const [a, b, c] = await Promise.all([
      services.api.me(),
      services.api.listConversations(),
      services.api.createConversation({ language: "en" }),
    ]);
    expect(a.id).toBeTruthy();
    expect(b.next_cursor).toBeNull();
    expect(c.language).toBe("en");
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(services.store.getState().auth.accessToken).toBe("access-2");
    server.events.removeAllListeners();
  });

  test("when the refresh fails it signs out and throws", async () => {
    const services = createTestServices();
    services.backend.accessTokens.clear();
    services.backend.refreshTokens.clear();
    await expect(services.api.me()).rejects.toMatchObject({ status: 401, code: "invalid_token" });
    expect(services.store.getState().auth.status).toBe("signedOut");
  });

  test("a second 401 after the refresh is thrown, not retried again", async () => {
    const services = createTestServices();
    server.use(http.get(ME, () => errorResponse(401, "invalid_token")));
    await expect(services.api.me()).rejects.toMatchObject({ status: 401 });
    expect(services.store.getState().auth.status).toBe("signedIn");
  });

  test("401 from an auth endpoint is not refreshed", async () => {
    const services = createTestServices({ auth: "signedOut" });
    await expect(
      services.api.login({ email: "a@example.com", password: "wrong password" }),
    ).rejects.toMatchObject({
      status: 401,
      code: "invalid_credentials",
      requestId: "req-test",
    });
  });

  test("on 429 waits Retry-After (capped at 30 s) and retries once", async () => {
    const sleep = vi.fn(() => Promise.resolve());
    const services = createTestServices({ sleep });
    let calls = 0;
    server.use(
      http.get(ME, () => {
        calls += 1;
        return calls === 1
          ? errorResponse(429, "rate_limited", { "Retry-After": "120" })
          : HttpResponse.json(services.backend.accessTokens.values().next().value);
      }),
    );
    await services.api.me();
    expect(sleep).toHaveBeenCalledWith(30_000);
    expect(calls).toBe(2);
  });

  test("a second 429 is thrown with its Retry-After", async () => {
    const sleep = vi.fn(() => Promise.resolve());
    const services = createTestServices({ sleep });
    server.use(http.get(ME, () => errorResponse(429, "rate_limited", { "Retry-After": "2" })));
    const error: unknown = await services.api.me().catch((e: unknown) => e);
    expect(sleep).toHaveBeenCalledWith(2000);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 429,
      code: "rate_limited",
      retryAfterSeconds: 2,
      requestId: "req-test",
    });
    expect(errorMessage(error)).toBe("You are sending too fast. Wait a moment and try again.");
  });

  test("a 429 without Retry-After waits one second", async () => {
    const sleep = vi.fn(() => Promise.resolve());
    const services = createTestServices({ sleep });
    server.use(http.get(ME, () => new HttpResponse("busy", { status: 429 })));
    await expect(services.api.me()).rejects.toMatchObject({ code: "rate_limited", retryAfterSeconds: null });
    expect(sleep).toHaveBeenCalledWith(1000);
  });

  test.each([
    ["sign-in", "login", "too_many_attempts"],
    ["register", "register", "rate_limited"],
  ] as const)(
    "a 429 on %s is thrown at once with its Retry-After, not retried",
    async (_name, path, code) => {
      const sleep = vi.fn(() => Promise.resolve());
      const services = createTestServices({ auth: "signedOut", sleep });
      let calls = 0;
      server.use(
        http.post(`*/api/v1/auth/${path}`, () => {
          calls += 1;
          return errorResponse(429, code, { "Retry-After": "900" });
        }),
      );
      const body = { email: "ada@example.com", password: "a long password", display_name: "Ada" };
      const call = path === "login" ? services.api.login(body) : services.api.register(body);
      await expect(call).rejects.toMatchObject({ status: 429, code, retryAfterSeconds: 900 });
      expect(calls).toBe(1);
      expect(sleep).not.toHaveBeenCalled();
    },
  );

  test("a 429 on another auth endpoint (guest) is still waited out and retried once", async () => {
    const sleep = vi.fn(() => Promise.resolve());
    const services = createTestServices({ auth: "signedOut", sleep });
    let calls = 0;
    server.use(
      http.post("*/api/v1/auth/guest", () => {
        calls += 1;
        return errorResponse(429, "rate_limited", { "Retry-After": "3" });
      }),
    );
    await expect(services.api.startGuest({})).rejects.toMatchObject({ status: 429 });
    expect(sleep).toHaveBeenCalledWith(3000);
    expect(calls).toBe(2);
  });

  test("non-2xx answers become ApiError with the contract code", async () => {
    const services = createTestServices();
    await expect(services.api.getConversation("00000000-0000-4000-8000-00000000dead")).rejects.toMatchObject({
      status: 404,
      code: "conversation_not_found",
    });
    server.use(http.get(ME, () => new HttpResponse("<html>bad gateway</html>", { status: 502 })));
    await expect(services.api.me()).rejects.toMatchObject({ status: 502, code: "error", requestId: null });
  });

  test("network failures become ApiError 'network'", async () => {
    const services = createTestServices();
    server.use(http.get(ME, () => HttpResponse.error()));
    const error: unknown = await services.api.me().catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 0, code: "network" });
    expect(errorMessage(error)).toBe("We could not reach the server. Check your connection and try again.");
  });

  test("other thrown errors pass through", async () => {
    const services = createTestServices({
      fetch: () => Promise.reject(new RangeError("odd")),
    });
    await expect(services.api.me()).rejects.toBeInstanceOf(RangeError);
  });

  test("every endpoint is reachable through the typed client", async () => {
    const services = createTestServices({ auth: "signedOut" });
    const registered = await services.api.register({
      email: "ada@example.com",
      password: "a long password",
      display_name: "Ada",
    });
    expect(registered.user.email).toBe("ada@example.com");
    await expect(
      services.api.register({ email: "ada@example.com", password: "a long password", display_name: "Ada" }),
    ).rejects.toMatchObject({ code: "email_taken" });
    const session = await services.api.login({ email: "ada@example.com", password: "a long password" });
    services.session.accept(session);
    const guest = await services.api.startGuest({ language: "de" });
    expect(guest.user.language).toBe("de");
    const conversation = await services.api.createConversation({});
    expect((await services.api.getConversation(conversation.id)).id).toBe(conversation.id);
    expect((await services.api.listMessages(conversation.id)).items).toEqual([]);
    const escalated = await services.api.escalate(conversation.id, "I want a person");
    expect(escalated.case?.number).toBe("00001027");
    await services.api.escalate(conversation.id);
    expect((await services.api.close(conversation.id)).status).toBe("resolved");
    await services.api.feedback(conversation.id, "00000000-0000-4000-8000-0000000000ff", "up");
    expect(services.backend.feedback).toHaveLength(1);
  });
});

describe("errorMessage", () => {
  test("has an English string for every code the server sends", () => {
    for (const code of SERVER_CODES) {
      expect(Object.keys(en.errors)).toContain(code);
      expect(codeMessage(code)).not.toBe(en.errors.generic);
    }
  });

  test("falls back to the generic text", async () => {
    expect(codeMessage("something_new")).toBe("Something went wrong. Please try again.");
    expect(errorMessage(new Error("x"))).toBe("Something went wrong. Please try again.");
    expect(errorMessage(new TypeError("Failed to fetch"))).toBe(en.errors.network);
    const error = await toApiError(new Response("{}", { status: 409 }));
    expect(error).toMatchObject({ status: 409, code: "error" });
  });
});
