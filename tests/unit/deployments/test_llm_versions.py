"""The llm deployment runs the versions a turn is routed to: engines per (name, version), made once, with the
version in every metric; an unknown version falls back to the configured one; a changed spec is refused."""

from __future__ import annotations

from typing import Any

from deployments.llm import LLMDeployment
from models.config import EngineSpec, LLMConfig

GROUNDED = EngineSpec(kind="grounded", version="1.0", max_sentences=8, versions={"1.1": {"max_sentences": 6}})
REQUEST = {"question": "How do I reset my password?", "language": "en"}


async def _deployment() -> LLMDeployment:
    config = LLMConfig(engines={"grounded": GROUNDED}, chain=["grounded"])
    deployment = LLMDeployment(config.model_dump())
    await deployment.start()
    return deployment


async def _items(deployment: LLMDeployment, models: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return [item async for item in deployment.generate(REQUEST, models=models)]


def _engine(items: list[dict[str, Any]]) -> tuple[str, str]:
    started = next(item for item in items if item["type"] == "engine")
    return started["name"], started["version"]


async def test_a_routed_version_answers_and_is_made_once() -> None:
    deployment = await _deployment()
    assert _engine(await _items(deployment)) == ("grounded", "1.0")
    routed = {"grounded": {"version": "1.1", "fingerprint": GROUNDED.at("1.1").fingerprint()}}
    items = await _items(deployment, routed)
    assert _engine(items) == ("grounded", "1.1") and items[-1]["type"] == "done"
    await _items(deployment, routed)
    assert sorted(deployment._engines) == [("grounded", "1.0"), ("grounded", "1.1")]
    assert len(deployment._chains) == 2
    assert ("tokens_out", "grounded", "1.1") in deployment.metrics.totals
    assert set(deployment.metrics.breaker) == {("grounded", "1.0"), ("grounded", "1.1")}
    await deployment.check_health()


async def test_an_unknown_version_falls_back_to_the_configured_one() -> None:
    deployment = await _deployment()
    items = await _items(deployment, {"grounded": {"version": "7.0", "fingerprint": None}})
    assert _engine(items) == ("grounded", "1.0") and items[-1]["type"] == "done"
    assert deployment.metrics.totals[("errors", "grounded", "7.0")] == 1


async def test_a_changed_spec_is_refused() -> None:
    deployment = await _deployment()
    items = await _items(deployment, {"grounded": {"version": "1.1", "fingerprint": "0" * 64}})
    assert _engine(items) == ("grounded", "1.1")
    assert items[-1]["type"] == "error" and items[-1]["code"] == "version_changed"
    assert "grounded@1.1" in items[-1]["message"] and "new version" in items[-1]["message"]
    assert deployment.metrics.totals[("errors", "grounded", "1.1")] == 1
