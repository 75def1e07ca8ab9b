// Test and story support for the admin screen: an in-memory stand-in for the admin models API that follows the
// server's rules (serve/model_lifecycle.py: canary, promote behind the evaluation gate, rollback, audit), MSW
// handlers for unit tests, a fetch for stories, and services signed in as an admin.
import { http, HttpResponse } from "msw";
import { getResponse } from "msw";
import type { components } from "../../api/generated/openapi";
import { FakeBackend } from "../../testing/backend";
import {
  createFakeServices,
  handlerFetch,
  type TestServices,
  type TestServicesOptions,
} from "../../testing/fakeServices";
import { errorResponse } from "../../testing/handlers";
import { ORG_ID } from "../../testing/fixtures";
import type { AuditEntry, LiveMetrics, ModelVersion } from "./types";

type User = components["schemas"]["User"];
type CanaryIn = components["schemas"]["CanaryIn"];
type PromoteIn = components["schemas"]["PromoteIn"];
type RollbackIn = components["schemas"]["RollbackIn"];

export const ADMIN_ID = "00000000-0000-4000-8000-0000000000ad";

export const adminUser: User = {
  id: ADMIN_ID,
  email: "admin@example.com",
  display_name: "Ada Admin",
  role: "admin",
  organization_id: ORG_ID,
  language: "en",
};

const EVALUATED_AT = "2026-12-01T09:00:00Z";

/** Live figures of a version: none in the window unless given. */
export function liveFigures(overrides: Partial<LiveMetrics> = {}): LiveMetrics {
  return {
    window_hours: 24,
    turns: 0,
    failed: 0,
    fallbacks: 0,
    ttft_p50_ms: null,
    ttft_p99_ms: null,
    thumbs_up: 0,
    thumbs_down: 0,
    ...overrides,
  };
}

/** A busy live version's day: 1,240 replies, 2.5% failed, 7 fallbacks, p99 1.85 s, 96 up and 11 down. */
export const BUSY_DAY = liveFigures({
  turns: 1240,
  failed: 31,
  fallbacks: 7,
  ttft_p50_ms: 420,
  ttft_p99_ms: 1850,
  thumbs_up: 96,
  thumbs_down: 11,
});

export function makeVersion(overrides: Partial<ModelVersion> & Pick<ModelVersion, "version">): ModelVersion {
  return {
    name: "grounded",
    kind: "grounded",
    stage: "available",
    traffic_percent: 0,
    scores: null,
    in_chain: true,
    fingerprint: "0".repeat(64),
    changed: false,
    previous: false,
    live: liveFigures(),
    ...overrides,
  };
}

export function scores(keyFacts: number, handoff: number): NonNullable<ModelVersion["scores"]> {
  return {
    key_fact_accuracy: keyFacts,
    handoff_recall: handoff,
    items: 40,
    figures: {},
    evaluated_at: EVALUATED_AT,
  };
}

/** The registry as `make run` ships it: grounded@1.0 live, grounded@1.1 ready, qwen not in the chain. */
export function shippedModels(): ModelVersion[] {
  return [
    makeVersion({
      version: "1.0",
      stage: "live",
      traffic_percent: 100,
      scores: scores(0.857, 0.9),
      live: BUSY_DAY,
    }),
    makeVersion({ version: "1.1", scores: scores(0.87, 0.9) }),
    makeVersion({ name: "qwen-0.5b", kind: "transformers", version: "1", in_chain: false }),
  ];
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

const GATED = ["key_fact_accuracy", "handoff_recall"] as const;

/** The admin models API in memory. `now` gives each audit entry its time (no wall clock in tests). */
export class FakeAdmin {
  models: ModelVersion[];
  audit: AuditEntry[] = [];
  tolerance = 0.02;
  /** Requests the API received, in order (path and body), so a test can check what was sent. */
  requests: { path: string; body: unknown }[] = [];
  private clock: number;

  constructor(models: ModelVersion[] = shippedModels(), start = Date.parse("2026-12-07T10:00:00Z")) {
    this.models = models.map((row) => ({ ...row }));
    this.clock = start;
  }

  private find(name: string, version: string): ModelVersion {
    const row = this.models.find((item) => item.name === name && item.version === version);
    if (!row) throw new Refusal(404, "model_not_found");
    return row;
  }

  private live(name: string): ModelVersion {
    const row = this.models.find((item) => item.name === name && item.stage === "live");
    if (!row) throw new Refusal(404, "model_not_found");
    return row;
  }

  private record(
    action: string,
    name: string,
    version: string | null,
    reason: string | null | undefined,
    details: Record<string, unknown>,
  ) {
    this.clock += 60_000;
    this.audit.unshift({
      id: `00000000-0000-4000-8000-${String(this.audit.length + 1).padStart(12, "0")}`,
      at: new Date(this.clock).toISOString(),
      actor_id: ADMIN_ID,
      actor_name: adminUser.display_name,
      actor_email: adminUser.email ?? null,
      actor_role: "admin",
      action,
      name,
      version,
      reason: reason ?? null,
      details,
    });
  }

  canary(body: CanaryIn): void {
    const row = this.find(body.name, body.version);
    if (!row.in_chain) throw new Refusal(409, "not_in_chain");
    if (row.stage === "live") throw new Refusal(409, "already_live");
    for (const other of this.models.filter((item) => item.name === body.name && item.stage === "canary")) {
      other.stage = "available";
      other.traffic_percent = 0;
    }
    row.stage = "canary";
    row.traffic_percent = body.percent;
    this.live(body.name).traffic_percent = 100 - body.percent;
    this.record("canary", body.name, body.version, body.reason, { percent: body.percent });
  }

  /** The gate as the server runs it: never evaluated, live never evaluated, or below live beyond the tolerance. */
  gate(live: ModelVersion, candidate: ModelVersion): Record<string, unknown> | null {
    const metrics = GATED.map((metric) => {
      const liveValue = live.scores?.[metric] ?? null;
      const value = candidate.scores?.[metric] ?? null;
      const delta = liveValue === null || value === null ? null : Math.round((value - liveValue) * 1e4) / 1e4;
      const passed = liveValue === null || (value !== null && value >= liveValue - this.tolerance);
      return { metric, live: liveValue, candidate: value, delta, passed };
    });
    const reason = !candidate.scores
      ? "candidate_not_evaluated"
      : !live.scores
        ? "live_not_evaluated"
        : metrics.every((row) => row.passed)
          ? null
          : "below_live";
    if (reason === null) return null;
    const id = (row: ModelVersion) => `${row.name}@${row.version}`;
    return { live: id(live), candidate: id(candidate), tolerance: this.tolerance, metrics, reason };
  }

  promote(body: PromoteIn): void {
    const row = this.find(body.name, body.version);
    const live = this.live(body.name);
    if (row === live) throw new Refusal(409, "already_live");
    const failure = this.gate(live, row);
    if (failure && !body.force) throw new Refusal(409, "eval_gate_failed", failure);
    for (const item of this.models.filter((other) => other.name === body.name)) item.previous = false;
    live.stage = "available";
    live.previous = true;
    live.traffic_percent = 0;
    const canary = this.models.find(
      (item) => item.name === body.name && item.stage === "canary" && item !== row,
    );
    row.stage = "live";
    row.traffic_percent = 100 - (canary?.traffic_percent ?? 0);
    this.record("promote", body.name, body.version, body.reason, { forced: body.force });
  }

  rollback(body: RollbackIn): void {
    const live = this.live(body.name);
    const canary = this.models.find((item) => item.name === body.name && item.stage === "canary");
    const previous = this.models.find((item) => item.name === body.name && item.previous);
    if (canary) {
      canary.stage = "available";
      canary.traffic_percent = 0;
      live.traffic_percent = 100;
      this.record("rollback", body.name, live.version, body.reason, { ended_canary: canary.version });
    } else if (previous) {
      previous.previous = false;
      previous.stage = "live";
      previous.traffic_percent = 100;
      live.stage = "available";
      live.traffic_percent = 0;
      this.record("rollback", body.name, previous.version, body.reason, {
        from: live.version,
        to: previous.version,
      });
    } else {
      throw new Refusal(409, "nothing_to_roll_back");
    }
  }
}

function answer(run: () => void, fake: FakeAdmin) {
  try {
    run();
    return HttpResponse.json({ engines: fake.models });
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    return HttpResponse.json(
      {
        error: {
          code: error.code,
          message: `${error.code} (test)`,
          details: error.details,
          request_id: "req-test",
        },
      },
      { status: error.status },
    );
  }
}

/** MSW handlers for the admin API, answered by `fake`; a caller who is not an admin gets 403 `forbidden`. */
export function adminHandlers(fake: FakeAdmin, backend: FakeBackend) {
  const isAdmin = (request: Request) => {
    const token = (request.headers.get("Authorization") ?? "").replace(/^Bearer /, "");
    return backend.accessTokens.get(token)?.role === "admin";
  };
  // Each write's body is what the UI sent; the run casts it to that endpoint's input type.
  const write = (path: string, run: (body: unknown) => void) =>
    http.post(`*/api/v1/admin/models/${path}`, async ({ request }) => {
      if (!isAdmin(request)) return errorResponse(403, "forbidden");
      const body: unknown = await request.json();
      fake.requests.push({ path, body });
      return answer(() => run(body), fake);
    });
  return [
    http.get("*/api/v1/admin/models", ({ request }) =>
      isAdmin(request) ? HttpResponse.json({ engines: fake.models }) : errorResponse(403, "forbidden"),
    ),
    write("canary", (body) => fake.canary(body as CanaryIn)),
    write("promote", (body) => fake.promote(body as PromoteIn)),
    write("rollback", (body) => fake.rollback(body as RollbackIn)),
    http.get("*/api/v1/admin/audit", ({ request }) => {
      if (!isAdmin(request)) return errorResponse(403, "forbidden");
      const url = new URL(request.url);
      const limit = Number(url.searchParams.get("limit") ?? 50);
      const start = Number(url.searchParams.get("cursor") ?? 0);
      const items = fake.audit.slice(start, start + limit);
      const next = start + limit < fake.audit.length ? String(start + limit) : null;
      return HttpResponse.json({ items, next_cursor: next });
    }),
  ];
}

/** Services signed in as the admin fixture, the admin API answered by `fake` without a network (stories). */
export function createAdminServices(fake: FakeAdmin, options: TestServicesOptions = {}): TestServices {
  const backend = options.backend ?? new FakeBackend();
  const handlers = adminHandlers(fake, backend);
  const rest = handlerFetch(backend);
  return createFakeServices({
    ...options,
    backend,
    preloadedState: { auth: signedInAs(backend, adminUser) },
    fetch: async (request) => (await getResponse(handlers, request)) ?? rest(request),
  });
}

/** The auth state of `user` signed in on `backend` (its access token is known there). */
export function signedInAs(backend: FakeBackend, user: User) {
  const session = backend.issueSession(user);
  return {
    status: "signedIn" as const,
    user,
    accessToken: session.access_token,
    // As fakeServices does for the guest: the token is fresh, so no refresh is scheduled during a test.
    expiresAt: Date.now() + session.expires_in * 1000,
  };
}
