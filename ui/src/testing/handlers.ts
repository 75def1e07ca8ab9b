// MSW handlers for every REST endpoint of the contract, answering from a FakeBackend. Use them through
// renderWithProviders, or `server.use(...restHandlers(backend))`; override one with `server.use(http.post(...))`.
import { http, HttpResponse } from "msw";
import type { components } from "../api/generated/openapi";
import type { FakeBackend } from "./backend";
import { CASE_ID } from "./fixtures";

type User = components["schemas"]["User"];

export const API = "*/api/v1";

export function errorResponse(status: number, code: string, headers: Record<string, string> = {}) {
  return HttpResponse.json(
    { error: { code, message: `${code} (test)`, details: {}, request_id: "req-test" } },
    { status, headers: { "X-Request-ID": "req-test", ...headers } },
  );
}

function caller(backend: FakeBackend, request: Request): User | null {
  const header = request.headers.get("Authorization") ?? "";
  const token = header.startsWith("Bearer ") ? header.slice(7) : "";
  return backend.accessTokens.get(token) ?? null;
}

async function body<T>(request: Request): Promise<T> {
  return (await request.json()) as T;
}

export function restHandlers(backend: FakeBackend) {
  const unauthorized = () => errorResponse(401, "invalid_token");
  const notFound = () => errorResponse(404, "conversation_not_found");
  return [
    http.post(`${API}/auth/guest`, async ({ request }) => {
      const input = await body<{ language?: string }>(request);
      const session = backend.issueSession();
      return HttpResponse.json(
        { ...session, user: { ...session.user, language: input.language ?? "en" } },
        { status: 201 },
      );
    }),
    http.post(`${API}/auth/login`, async ({ request }) => {
      const input = await body<{ email: string; password: string }>(request);
      const account = backend.users.get(input.email);
      if (account?.password !== input.password) return errorResponse(401, "invalid_credentials");
      return HttpResponse.json(backend.issueSession(account.user));
    }),
    http.post(`${API}/auth/register`, async ({ request }) => {
      const input = await body<{ email: string; password: string; display_name: string }>(request);
      if (backend.users.has(input.email)) return errorResponse(409, "email_taken");
      const user: User = {
        id: crypto.randomUUID(),
        email: input.email,
        display_name: input.display_name,
        role: "customer",
        organization_id: "00000000-0000-4000-8000-000000000001",
        language: "en",
      };
      backend.users.set(input.email, { user, password: input.password });
      return HttpResponse.json(backend.issueSession(user), { status: 201 });
    }),
    http.post(`${API}/auth/refresh`, async ({ request }) => {
      const input = await body<{ refresh_token: string }>(request);
      const user = backend.refreshTokens.get(input.refresh_token);
      if (!user) return errorResponse(401, "invalid_refresh_token");
      backend.refreshTokens.delete(input.refresh_token);
      return HttpResponse.json(backend.issueSession(user));
    }),
    http.post(`${API}/auth/logout`, async ({ request }) => {
      const input = await body<{ refresh_token: string }>(request);
      backend.loggedOut.push(input.refresh_token);
      backend.refreshTokens.delete(input.refresh_token);
      return new HttpResponse(null, { status: 204 });
    }),
    http.get(`${API}/me`, ({ request }) => {
      const user = caller(backend, request);
      return user ? HttpResponse.json(user) : unauthorized();
    }),
    http.get(`${API}/conversations`, ({ request }) => {
      if (!caller(backend, request)) return unauthorized();
      const url = new URL(request.url);
      const limit = Number(url.searchParams.get("limit") ?? 20);
      const start = Number(url.searchParams.get("cursor") ?? 0);
      const all = [...backend.conversations.values()].reverse();
      const items = all.slice(start, start + limit);
      const next = start + limit < all.length ? String(start + limit) : null;
      return HttpResponse.json({ items, next_cursor: next });
    }),
    http.post(`${API}/conversations`, async ({ request }) => {
      if (!caller(backend, request)) return unauthorized();
      const input = await body<{ language?: string }>(request);
      const conversation = backend.addConversation({
        language: input.language ?? "en",
        title: "New conversation",
      });
      return HttpResponse.json(conversation, { status: 201 });
    }),
    http.get(`${API}/conversations/:id`, ({ request, params }) => {
      if (!caller(backend, request)) return unauthorized();
      const conversation = backend.conversations.get(String(params.id));
      return conversation ? HttpResponse.json(conversation) : notFound();
    }),
    http.get(`${API}/conversations/:id/messages`, ({ request, params }) => {
      if (!caller(backend, request)) return unauthorized();
      const id = String(params.id);
      if (!backend.conversations.has(id)) return notFound();
      const url = new URL(request.url);
      const after = Number(url.searchParams.get("after_seq") ?? 0);
      const limit = Number(url.searchParams.get("limit") ?? 50);
      const newer = backend.messagesOf(id).filter((message) => message.seq > after);
      return HttpResponse.json({ items: newer.slice(0, limit), has_more: newer.length > limit });
    }),
    http.post(`${API}/conversations/:id/messages/:messageId/feedback`, async ({ request, params }) => {
      if (!caller(backend, request)) return unauthorized();
      const input = await body<{ rating: string }>(request);
      backend.feedback.push({
        conversationId: String(params.id),
        messageId: String(params.messageId),
        rating: input.rating,
      });
      return new HttpResponse(null, { status: 204 });
    }),
    http.post(`${API}/conversations/:id/escalate`, ({ request, params }) => {
      if (!caller(backend, request)) return unauthorized();
      const id = String(params.id);
      if (!backend.conversations.has(id)) return notFound();
      return HttpResponse.json(
        backend.update(id, {
          status: "escalated",
          case: { id: CASE_ID, number: "00001027", url: null, status: "new" },
        }),
      );
    }),
    http.post(`${API}/conversations/:id/close`, ({ request, params }) => {
      if (!caller(backend, request)) return unauthorized();
      const id = String(params.id);
      if (!backend.conversations.has(id)) return notFound();
      return HttpResponse.json(backend.update(id, { status: "resolved" }));
    }),
  ];
}
