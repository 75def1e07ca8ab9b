// The one REST client: openapi-fetch typed from the generated OpenAPI paths, plus middleware that adds the bearer
// token, refreshes once on 401 (concurrent 401s share one refresh), waits out one 429 (except on sign-in and
// register), and turns every other non-2xx answer into an ApiError carrying the contract's error code.
import createClient, { type Middleware } from "openapi-fetch";
import i18next from "i18next";
import type { components, paths } from "../api/generated/openapi";
import en from "../i18n/locales/en.json";

export type Conversation = components["schemas"]["Conversation"];
export type ConversationPage = components["schemas"]["ConversationPage"];
export type Message = components["schemas"]["Message"];
export type MessagePage = components["schemas"]["MessagePage"];
export type Session = components["schemas"]["Session"];
export type User = components["schemas"]["User"];
export type ModelList = components["schemas"]["ModelList"];
export type AuditPage = components["schemas"]["AuditPage"];
export type CanaryIn = components["schemas"]["CanaryIn"];
export type PromoteIn = components["schemas"]["PromoteIn"];
export type RollbackIn = components["schemas"]["RollbackIn"];
type ErrorBody = components["schemas"]["ErrorBody"];

export const NETWORK_ERROR = "network";
const RETRY_AFTER_CAP_S = 30;

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfterSeconds: number | null;
  readonly requestId: string | null;
  /** The error body's `details` (e.g. the evaluation gate's comparison of a refused promote); {} when none. */
  readonly details: Record<string, unknown>;

  constructor(init: {
    status: number;
    code: string;
    message?: string;
    retryAfterSeconds?: number | null;
    requestId?: string | null;
    details?: Record<string, unknown>;
  }) {
    super(init.message ?? init.code);
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
    this.requestId = init.requestId ?? null;
    this.details = init.details ?? {};
  }
}

type ErrorCode = keyof typeof en.errors;

function isKnownCode(code: string): code is ErrorCode {
  return Object.hasOwn(en.errors, code);
}

/** Translated text for any error: the contract code's message, a network message, or a generic one. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    return isKnownCode(error.code) ? i18next.t(`errors.${error.code}`) : i18next.t("errors.generic");
  }
  if (error instanceof TypeError) return i18next.t("errors.network");
  return i18next.t("errors.generic");
}

/** Text for an error code sent in a WebSocket `error` event. */
export function codeMessage(code: string): string {
  return errorMessage(new ApiError({ status: 0, code }));
}

function retryAfter(response: Response): number | null {
  const header = response.headers.get("Retry-After");
  if (header === null) return null;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

export async function toApiError(response: Response): Promise<ApiError> {
  let detail: Partial<ErrorBody["error"]> = {};
  try {
    const body = (await response.json()) as Partial<ErrorBody>;
    detail = body.error ?? {};
  } catch {
    // Not the contract's body (a proxy's HTML page): the status alone decides.
  }
  return new ApiError({
    status: response.status,
    code: detail.code ?? (response.status === 429 ? "rate_limited" : "error"),
    ...(detail.message ? { message: detail.message } : {}),
    retryAfterSeconds: retryAfter(response),
    requestId: detail.request_id ?? response.headers.get("X-Request-ID"),
    ...(detail.details ? { details: detail.details } : {}),
  });
}

/** What the client needs from the session: the current token, and a way to get a new one. */
export interface AuthBridge {
  getAccessToken(): string | null;
  /** Resolves true with a fresh access token in place; false when the session is gone (it signs out). */
  refresh(): Promise<boolean>;
}

export interface ApiOptions {
  auth: AuthBridge;
  baseUrl?: string;
  fetch?: (request: Request) => Promise<Response>;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isAuthPath(url: string): boolean {
  return new URL(url).pathname.startsWith("/api/v1/auth/");
}

/**
 * Sign-in and register: a 429 there means too many attempts for one account (up to 15 minutes), so it goes
 * straight to the form, which says how long to wait, instead of keeping the person waiting on a silent retry.
 */
function isCredentialPath(url: string): boolean {
  const path = new URL(url).pathname;
  return path === "/api/v1/auth/login" || path === "/api/v1/auth/register";
}

function authMiddleware(
  auth: AuthBridge,
  send: (request: Request) => Promise<Response>,
  sleep: (ms: number) => Promise<void>,
): Middleware {
  // Untouched copies of each request, kept until its answer, so one retry can send the same body again.
  const originals = new Map<string, Request>();
  const withToken = (request: Request): Request => {
    const copy = request.clone();
    const token = auth.getAccessToken();
    if (token) copy.headers.set("Authorization", `Bearer ${token}`);
    return copy;
  };
  return {
    onRequest({ request, id }) {
      originals.set(id, request.clone());
      return withToken(request);
    },
    async onResponse({ request, response, id }) {
      const original = originals.get(id);
      originals.delete(id);
      let answer = response;
      if (original && answer.status === 401 && !isAuthPath(request.url)) {
        if (await auth.refresh()) answer = await send(withToken(original));
      } else if (original && answer.status === 429 && !isCredentialPath(request.url)) {
        const wait = Math.min(retryAfter(answer) ?? 1, RETRY_AFTER_CAP_S);
        await sleep(wait * 1000);
        answer = await send(withToken(original));
      }
      if (!answer.ok) throw await toApiError(answer);
      return answer === response ? undefined : answer;
    },
    onError({ error, id }) {
      originals.delete(id);
      if (error instanceof TypeError) {
        return new ApiError({ status: 0, code: NETWORK_ERROR, message: error.message });
      }
      return error instanceof Error ? error : new Error(String(error));
    },
  };
}

function required<T>(data: T | undefined): T {
  if (data === undefined) throw new ApiError({ status: 0, code: "error", message: "Empty response" });
  return data;
}

export function createApi(options: ApiOptions) {
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? window.location.origin,
    fetch: send,
  });
  client.use(authMiddleware(options.auth, send, options.sleep ?? defaultSleep));

  return {
    client,
    async startGuest(body: { display_name?: string; language?: string }): Promise<Session> {
      return required((await client.POST("/api/v1/auth/guest", { body })).data);
    },
    async login(body: { email: string; password: string }): Promise<Session> {
      return required((await client.POST("/api/v1/auth/login", { body })).data);
    },
    async register(body: {
      email: string;
      password: string;
      display_name: string;
      language?: string;
    }): Promise<Session> {
      return required((await client.POST("/api/v1/auth/register", { body })).data);
    },
    async refresh(refreshToken: string): Promise<Session> {
      return required(
        (await client.POST("/api/v1/auth/refresh", { body: { refresh_token: refreshToken } })).data,
      );
    },
    /** Revoke the sign-in this refresh token belongs to (the server answers 204 even for an unknown token). */
    async logout(refreshToken: string): Promise<void> {
      await client.POST("/api/v1/auth/logout", { body: { refresh_token: refreshToken } });
    },
    async me(): Promise<User> {
      return required((await client.GET("/api/v1/me")).data);
    },
    async listConversations(query: { cursor?: string; limit?: number } = {}): Promise<ConversationPage> {
      return required((await client.GET("/api/v1/conversations", { params: { query } })).data);
    },
    async getConversation(id: string): Promise<Conversation> {
      const path = { conversation_id: id };
      return required(
        (await client.GET("/api/v1/conversations/{conversation_id}", { params: { path } })).data,
      );
    },
    async createConversation(body: { language?: string }): Promise<Conversation> {
      return required(
        (await client.POST("/api/v1/conversations", { body: { channel: "web", ...body } })).data,
      );
    },
    async listMessages(id: string, query: { after_seq?: number; limit?: number } = {}): Promise<MessagePage> {
      const params = { path: { conversation_id: id }, query };
      return required(
        (await client.GET("/api/v1/conversations/{conversation_id}/messages", { params })).data,
      );
    },
    async feedback(id: string, messageId: string, rating: "up" | "down"): Promise<void> {
      const params = { path: { conversation_id: id, message_id: messageId } };
      await client.POST("/api/v1/conversations/{conversation_id}/messages/{message_id}/feedback", {
        params,
        body: { rating },
      });
    },
    async escalate(id: string, reason?: string): Promise<Conversation> {
      const params = { path: { conversation_id: id } };
      const body = reason === undefined ? {} : { reason };
      return required(
        (await client.POST("/api/v1/conversations/{conversation_id}/escalate", { params, body })).data,
      );
    },
    async close(id: string): Promise<Conversation> {
      const params = { path: { conversation_id: id } };
      return required((await client.POST("/api/v1/conversations/{conversation_id}/close", { params })).data);
    },
    // Model lifecycle (admin role only; the server answers 403 `forbidden` to anyone else).
    async adminModels(): Promise<ModelList> {
      return required((await client.GET("/api/v1/admin/models")).data);
    },
    /** Send `percent` of new conversations to a version; answers the updated list. */
    async startCanary(body: CanaryIn): Promise<ModelList> {
      return required((await client.POST("/api/v1/admin/models/canary", { body })).data);
    },
    /** Make a version live; a refusal of the evaluation gate is an ApiError `eval_gate_failed` with `details`. */
    async promote(body: PromoteIn): Promise<ModelList> {
      return required((await client.POST("/api/v1/admin/models/promote", { body })).data);
    },
    async rollback(body: RollbackIn): Promise<ModelList> {
      return required((await client.POST("/api/v1/admin/models/rollback", { body })).data);
    },
    /** The lifecycle audit log, newest first. */
    async adminAudit(query: { cursor?: string; limit?: number } = {}): Promise<AuditPage> {
      return required((await client.GET("/api/v1/admin/audit", { params: { query } })).data);
    },
  };
}

export type Api = ReturnType<typeof createApi>;
