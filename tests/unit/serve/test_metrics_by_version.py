"""Turn figures carry the engine version that wrote the reply (`meta.model`): the canary/live comparison."""

from __future__ import annotations

from typing import Any

import pytest
from prometheus_client import REGISTRY

from serve import metrics


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _meta(**extra: Any) -> dict[str, Any]:
    return {"model": {"name": "grounded", "version": "1.1"}, "route": "answer", **extra}


@pytest.mark.parametrize(
    ("model", "labels"),
    [
        ({"name": "grounded", "version": "1.1"}, {"engine": "grounded", "version": "1.1"}),
        ("grounded@1.1", {"engine": "grounded", "version": "1.1"}),
        ("qwen-0.5b@qwen2.5@q4", {"engine": "qwen-0.5b", "version": "qwen2.5@q4"}),
        ("grounded", {"engine": "grounded", "version": "unknown"}),
        ({"name": "grounded"}, {"engine": "grounded", "version": "unknown"}),
        (None, {"engine": "unknown", "version": "unknown"}),
        ({}, {"engine": "unknown", "version": "unknown"}),
        (42, {"engine": "unknown", "version": "unknown"}),
    ],
)
def test_model_labels_split_name_and_version(model: object, labels: dict[str, str]) -> None:
    assert metrics.model_labels(model) == labels


def test_a_turn_counts_against_its_version_only() -> None:
    canary = {"outcome": "complete", "engine": "grounded", "version": "1.1"}
    live = {**canary, "version": "1.0"}
    below, above = ({"engine": "grounded", "version": "1.1", "le": le} for le in ("0.1", "0.25"))
    before = {
        "canary": _value("csagent_turns_total", **canary),
        "live": _value("csagent_turns_total", **live),
        "below": _value("csagent_time_to_first_token_seconds_bucket", **below),
        "above": _value("csagent_time_to_first_token_seconds_bucket", **above),
    }
    metrics.observe_turn(_meta(ttft_ms=120.0), failed=False, seconds=0.3)
    assert _value("csagent_turns_total", **canary) == before["canary"] + 1
    assert _value("csagent_turns_total", **live) == before["live"]
    # 120 ms lands in the version's 0.25 s bucket, not its 0.1 s one.
    assert _value("csagent_time_to_first_token_seconds_bucket", **below) == before["below"]
    assert _value("csagent_time_to_first_token_seconds_bucket", **above) == before["above"] + 1


def test_failures_and_fallbacks_by_version() -> None:
    failed = {"outcome": "failed", "engine": "grounded", "version": "1.1"}
    fallback = {"from_engine": "qwen-0.5b", "engine": "grounded", "version": "1.1"}
    before_failed, before_fallback = (
        _value("csagent_turns_total", **failed),
        _value("csagent_llm_fallbacks_total", **fallback),
    )
    metrics.observe_turn(_meta(fallback_from=["qwen-0.5b"], error="guard"), failed=True, seconds=1.0)
    assert _value("csagent_turns_total", **failed) == before_failed + 1
    assert _value("csagent_llm_fallbacks_total", **fallback) == before_fallback + 1


def test_a_turn_without_a_model_counts_as_unknown() -> None:
    labels = {"outcome": "failed", "engine": "unknown", "version": "unknown"}
    before = _value("csagent_turns_total", **labels)
    metrics.observe_turn({"error": "turn_failed"}, failed=True, seconds=2.0)
    assert _value("csagent_turns_total", **labels) == before + 1


def test_feedback_counts_by_version_and_rating() -> None:
    up = {"engine": "grounded", "version": "1.1", "rating": "up"}
    down = {**up, "rating": "down"}
    before_up, before_down = _value("csagent_feedback_total", **up), _value("csagent_feedback_total", **down)
    metrics.observe_feedback(_meta(), "up")
    metrics.observe_feedback({"model": "grounded@1.1"}, "down")
    assert _value("csagent_feedback_total", **up) == before_up + 1
    assert _value("csagent_feedback_total", **down) == before_down + 1
