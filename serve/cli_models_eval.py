"""`csagent models eval NAME@VERSION`: `make eval`'s set on one version, in this process, and its figures.

The version runs alone (the eval's engine override: the chain is that one engine), through the same in-process
graph `python -m pipelines.eval` builds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from serve.cli_output import say

if TYPE_CHECKING:
    from pipelines.eval.scoring import EvalReport
    from serve.settings import Settings


def scores_from(report: EvalReport) -> dict[str, Any]:
    """The figures a version's evaluation stores: the two the gate compares, and the others for people."""
    handoff = report.kinds["handoff"].recall
    return {
        "key_fact_accuracy": report.key_fact_with_citation.rate or 0.0,
        "handoff_recall": 0.0 if handoff is None else handoff,
        "items": report.items,
        "figures": {
            "key_fact_english": report.key_fact_english.rate,
            "key_fact_non_english": report.key_fact_non_english.rate,
            "refuse_recall": report.kinds["refuse"].recall,
            "out_of_scope_recall": report.kinds["out_of_scope"].recall,
            "intent_accuracy": report.intent.rate,
            "latency_p50_ms": report.latency_ms.get("p50"),
        },
    }


async def evaluate_version(
    settings: Settings, name: str, version: str, *, limit: int | None = None, sample: int | None = None
) -> EvalReport:
    """`make eval`'s set on `name@version` alone (the eval's engine override: the chain is that one engine)."""
    from models.config import LLMConfig
    from pipelines.eval.__main__ import spread_sample
    from pipelines.eval.dataset import load_eval_set
    from pipelines.eval.runner import run_items
    from pipelines.eval.scoring import summarise
    from serve.builder import build_local_graph

    spec = settings.llm.spec(name, version)
    engines = {**settings.llm.engines, name: spec}
    llm = LLMConfig.model_validate({**settings.llm.model_dump(), "engines": engines, "chain": [name]})
    items = load_eval_set()
    items = items[:limit] if limit else items
    items = spread_sample(items, sample) if sample else items
    say(f"evaluating {name}@{version} on {len(items)} items…")
    graph = await build_local_graph(settings.model_copy(update={"llm": llm}))
    outcomes = await run_items(graph, items)
    return summarise(outcomes, engine_chain=[f"{name}@{version}"])
