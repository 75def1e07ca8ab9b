"""Prometheus metrics of the ingress (prometheus-client), served at GET /metrics.

Kept in their own module: a metric defined beside a `@serve.ingress` class would be pickled by value and never
registered (see shared/toolchain.md).
"""

from __future__ import annotations

from typing import Any

from prometheus_client import Counter, Gauge, Histogram

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUEST_LATENCY = Histogram(
    "csagent_http_request_duration_seconds",
    "HTTP request latency by route template and status.",
    ["method", "route", "status"],
    buckets=_LATENCY_BUCKETS,
)
TURN_LATENCY = Histogram(
    "csagent_turn_duration_seconds",
    "Whole chat turn, from claim to stored reply.",
    ["route"],
    buckets=_LATENCY_BUCKETS,
)
TURN_PHASE = Histogram(
    "csagent_turn_phase_seconds",
    "Chat turn phases: nlp, retrieval, generation, storage (before the graph) and store (final write).",
    ["phase"],
    buckets=_LATENCY_BUCKETS,
)
# Turns, time to first token, fallbacks and feedback carry the `engine` and `version` that wrote the reply
# (`meta.model`), so a canary can be compared with live (Grafana row "Model versions", alert
# CsagentCanaryWorseThanLive). Every existing query sums over them, so the added labels change none of its figures.
_BY_MODEL = ["engine", "version"]
TTFT = Histogram(
    "csagent_time_to_first_token_seconds",
    "Time from claim to the first streamed piece of a reply, by the engine version that wrote it.",
    _BY_MODEL,
    buckets=_LATENCY_BUCKETS,
)
TOKENS = Counter("csagent_tokens_total", "Tokens processed by the engines.", ["kind", "model"])
INTENT_CONFIDENCE = Histogram(
    "csagent_intent_confidence",
    "Intent classifier confidence per user message.",
    buckets=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0),
)
FALLBACKS = Counter(
    "csagent_llm_fallbacks_total",
    "Replies written by engine@version, a later engine of the chain, after from_engine failed.",
    ["from_engine", *_BY_MODEL],
)
ESCALATION_SUGGESTIONS = Counter(
    "csagent_escalation_suggestions_total", "Replies that suggested a hand-off to a person.", ["reason"]
)
ERRORS = Counter(
    "csagent_errors_total", "Errors by contract code (4xx and 5xx, WebSocket included).", ["code"]
)
WEBSOCKETS = Gauge("csagent_websocket_connections", "Open WebSocket connections on this replica.")
RATE_LIMITED = Counter("csagent_rate_limited_total", "Requests refused by a rate limit.", ["scope"])
TURNS = Counter(
    "csagent_turns_total", "Finished chat turns by outcome and engine version.", ["outcome", *_BY_MODEL]
)
FEEDBACK = Counter(
    "csagent_feedback_total",
    "Stored ratings of replies, by the engine version that wrote them.",
    [*_BY_MODEL, "rating"],
)

UNKNOWN = "unknown"


def model_labels(model: object) -> dict[str, str]:
    """`engine` and `version` labels of a reply's `meta.model`: `{name, version}` as the contract stores it, or a
    `"name@version"` string. A reply without one (a turn that failed before any engine answered) counts as
    `unknown`, so it still shows in the totals."""
    if isinstance(model, str):
        name, _, version = model.partition("@")
    elif isinstance(model, dict):
        name, version = str(model.get("name") or ""), str(model.get("version") or "")
    else:
        name = version = ""
    return {"engine": name or UNKNOWN, "version": version or UNKNOWN}


def observe_feedback(meta: dict[str, Any], rating: str) -> None:
    """Count one stored rating against the version that wrote the rated reply (thumbs up share by version)."""
    FEEDBACK.labels(**model_labels(meta.get("model")), rating=rating).inc()


def observe_turn(meta: dict[str, Any], *, failed: bool, seconds: float) -> None:
    """Record one stored reply's figures."""
    by_model = model_labels(meta.get("model"))
    outcome = "complete" if not failed else "interrupted" if meta.get("error") == "interrupted" else "failed"
    TURNS.labels(outcome=outcome, **by_model).inc()
    TURN_LATENCY.labels(route=str(meta.get("route", "unknown"))).observe(seconds)
    timings = meta.get("timings") or {}
    for phase in ("nlp", "retrieval", "generation", "storage"):
        value = timings.get(f"{phase}_ms")
        if value:
            TURN_PHASE.labels(phase=phase).observe(float(value) / 1000)
    if meta.get("ttft_ms") is not None:
        TTFT.labels(**by_model).observe(float(meta["ttft_ms"]) / 1000)
    for kind, count in (meta.get("tokens") or {}).items():
        TOKENS.labels(kind=kind, model=by_model["engine"]).inc(int(count))
    intent = meta.get("intent") or {}
    if "confidence" in intent:
        INTENT_CONFIDENCE.observe(float(intent["confidence"]))
    for engine in meta.get("fallback_from") or []:
        FALLBACKS.labels(from_engine=str(engine), **by_model).inc()
    if meta.get("escalation_suggested"):
        for reason in meta.get("escalation_reasons") or ["handoff_route"]:
            ESCALATION_SUGGESTIONS.labels(reason=str(reason)).inc()
