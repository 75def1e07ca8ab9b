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
TTFT = Histogram(
    "csagent_time_to_first_token_seconds",
    "Time from claim to the first streamed piece of a reply.",
    buckets=_LATENCY_BUCKETS,
)
TOKENS = Counter("csagent_tokens_total", "Tokens processed by the engines.", ["kind", "model"])
INTENT_CONFIDENCE = Histogram(
    "csagent_intent_confidence",
    "Intent classifier confidence per user message.",
    buckets=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0),
)
FALLBACKS = Counter(
    "csagent_llm_fallbacks_total", "Replies written by a later engine of the chain.", ["from_engine"]
)
ESCALATION_SUGGESTIONS = Counter(
    "csagent_escalation_suggestions_total", "Replies that suggested a hand-off to a person.", ["reason"]
)
ERRORS = Counter(
    "csagent_errors_total", "Errors by contract code (4xx and 5xx, WebSocket included).", ["code"]
)
WEBSOCKETS = Gauge("csagent_websocket_connections", "Open WebSocket connections on this replica.")
RATE_LIMITED = Counter("csagent_rate_limited_total", "Requests refused by a rate limit.", ["scope"])
TURNS = Counter("csagent_turns_total", "Finished chat turns by outcome.", ["outcome"])


def observe_turn(meta: dict[str, Any], *, failed: bool, seconds: float) -> None:
    """Record one stored reply's figures."""
    outcome = "complete" if not failed else "interrupted" if meta.get("error") == "interrupted" else "failed"
    TURNS.labels(outcome=outcome).inc()
    TURN_LATENCY.labels(route=str(meta.get("route", "unknown"))).observe(seconds)
    timings = meta.get("timings") or {}
    for phase in ("nlp", "retrieval", "generation", "storage"):
        value = timings.get(f"{phase}_ms")
        if value:
            TURN_PHASE.labels(phase=phase).observe(float(value) / 1000)
    if meta.get("ttft_ms") is not None:
        TTFT.observe(float(meta["ttft_ms"]) / 1000)
    model = str((meta.get("model") or {}).get("name", "unknown"))
    for kind, count in (meta.get("tokens") or {}).items():
        TOKENS.labels(kind=kind, model=model).inc(int(count))
    intent = meta.get("intent") or {}
    if "confidence" in intent:
        INTENT_CONFIDENCE.observe(float(intent["confidence"]))
    for engine in meta.get("fallback_from") or []:
        FALLBACKS.labels(from_engine=str(engine)).inc()
    if meta.get("escalation_suggested"):
        for reason in meta.get("escalation_reasons") or ["handoff_route"]:
            ESCALATION_SUGGESTIONS.labels(reason=str(reason)).inc()
