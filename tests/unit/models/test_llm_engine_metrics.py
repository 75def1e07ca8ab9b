"""Metrics per engine and version in the llm deployment, over the real chain [hosted (OpenAI SDK), grounded]."""

from __future__ import annotations

from typing import Any

import pytest

from deployments.llm import LLMDeployment
from tests.fakes.llm_servers import Reply, ScriptedServer, openai_error, openai_stream
from tests.fakes.passages import soql_passages

KEY_ENV = "CSAGENT_TEST_LLM_KEY"


class SteppingClock:
    """Moves 50 ms each time it is read: durations are positive and never come from the wall clock."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 0.05
        return self.now


def _config(base_url: str) -> dict[str, Any]:
    return {
        "engines": {
            "hosted": {
                "kind": "openai",
                "version": "gpt-test-1",
                "model": "gpt-test",
                "base_url": base_url + "/v1",
                "api_key_env": KEY_ENV,
                "max_retries": 0,
                "price_in_per_mtok": 2.0,
                "price_out_per_mtok": 8.0,
                "first_token_timeout_s": 5,
            },
            "grounded": {"kind": "grounded", "version": "1.0"},
        },
        "chain": ["hosted", "grounded"],
        "breaker_failures": 2,
        "breaker_reset_s": 60,
    }


async def _turn(deployment: LLMDeployment) -> list[dict[str, Any]]:
    request = {"question": "SOQL 101?", "passages": [p.model_dump() for p in soql_passages()]}
    return [item async for item in deployment.generate(request)]


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "sk-test")


async def test_usage_cost_first_token_and_rate_per_engine_version() -> None:
    async with ScriptedServer(
        [
            Reply(
                steps=openai_stream(
                    ["Apex allows ", "100 SOQL queries ", "per transaction [1]."], prompt_tokens=1000
                )
            )
        ]
    ) as server:
        deployment = LLMDeployment(_config(server.base_url), clock=SteppingClock())
        await deployment.start()
        items = await _turn(deployment)
    assert [i["type"] for i in items] == ["engine", "text", "text", "text", "guard", "done"]
    totals = deployment.metrics.totals
    key = ("hosted", "gpt-test-1")
    assert totals[("tokens_in", *key)] == 1000
    assert totals[("tokens_out", *key)] == 3
    assert totals[("cost_usd", *key)] == pytest.approx((1000 * 2.0 + 3 * 8.0) / 1e6)
    [first_token] = deployment.metrics.observations[("first_token_seconds", *key)]
    [rate] = deployment.metrics.observations[("tokens_per_second", *key)]
    assert first_token > 0 and rate > 0
    assert deployment.metrics.breaker[key] == "closed"
    assert ("errors", *key) not in totals and ("fallbacks", *key) not in totals


async def test_errors_fallbacks_and_breaker_state() -> None:
    failing = Reply(status=500, body=openai_error("boom", "server_error"))
    async with ScriptedServer([failing]) as server:
        deployment = LLMDeployment(_config(server.base_url), clock=SteppingClock())
        await deployment.start()
        for _ in range(3):
            items = await _turn(deployment)
            assert items[-1]["type"] == "done"
            assert [i["name"] for i in items if i["type"] == "engine"][-1] == "grounded"
        assert len(server.requests) == 2, "the third turn skipped the hosted engine: its breaker was open"
    totals = deployment.metrics.totals
    key = ("hosted", "gpt-test-1")
    assert totals[("errors", *key)] == 2
    assert totals[("fallbacks", *key)] == 3
    assert deployment.metrics.breaker[key] == "open"
    assert deployment.metrics.breaker[("grounded", "1.0")] == "closed"
    assert totals[("tokens_out", "grounded", "1.0")] > 0
