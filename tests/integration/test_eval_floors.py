"""The answer-quality evaluation (pipelines/eval) over the real in-process graph, held to floors.

Goals (issue 14): key fact with citation >= 0.90 in English and >= 0.85 in the other languages; intent accuracy
>= 0.92; out-of-scope precision and recall >= 0.85; Flesch reading ease > 60 on >= 90% of English answers.

The floors below are what the configured chain reaches today, a few points under the figure measured (the
comment beside each gives it and the date); raise a floor when a change lifts its figure, never lower one to let
a change through. The whole set runs once for the module (one turn per item, no history): about 50 s on this
2-core machine when it is quiet (55 s wall with the index and classifier current, 2026-12-07), 80-100 s under load.
"""

from __future__ import annotations

import asyncio

import pytest

from deployments.local import LocalHandle
from pipelines.eval.dataset import load_eval_set
from pipelines.eval.report import format_failures
from pipelines.eval.runner import run_items
from pipelines.eval.scoring import EvalReport, summarise

# Measured on 2026-12-07 at 05:40 UTC (grounded chain, e5-small embedder, intents in 15 languages, 158 articles, 513
# items; cross-lingual ranking with language-neutral words and header weight 0.5, evidence floor 0.25, unsure
# out-of-scope answered from evidence; refusals scored as refusals), each figure in the comment; the floor sits a
# few points under it.
FLOORS = {
    "key_fact_english": 0.87,  # 0.907 (225/248): the composer picks article, section, a near-tied 2nd (12-07 15:20)
    "key_fact_non_english": 0.73,  # 0.764 (84/110): intents trained on article titles too (12-07 16:20)
    "intent": 0.86,  # 0.888 (278/313): intents trained on article titles too (12-07 16:20)
    "out_of_scope_precision": 0.89,  # 0.926 (50/54) (12-07 16:20)
    "out_of_scope_recall": 0.86,  # 0.893 (50/56) (12-07 16:20)
    "handoff_precision": 0.84,  # 0.889 (48/54)
    "handoff_recall": 0.84,  # 0.889 (48/54)
    "refuse_precision": 0.90,  # 0.965 (28/29)
    "refuse_recall": 0.63,  # 0.683 (28/41)
    "flesch_plain_share": 0.88,  # 0.913 (221/242): plain labels, CMU-checked syllables, plainer summaries (15:35)
}


@pytest.fixture(scope="module")
def report(graph: LocalHandle) -> EvalReport:
    items = load_eval_set()
    return summarise(asyncio.run(run_items(graph, items)))


def _rate(value: float | None) -> float:
    assert value is not None, "the figure has no items behind it"
    return value


def test_key_fact_with_citation(report: EvalReport) -> None:
    english = _rate(report.key_fact_english.rate)
    others = _rate(report.key_fact_non_english.rate)
    assert english >= FLOORS["key_fact_english"], format_failures(report)
    assert others >= FLOORS["key_fact_non_english"], format_failures(report)
    assert report.key_fact_english.total >= 150 and report.key_fact_non_english.total >= 60


def test_out_of_scope_precision_and_recall(report: EvalReport) -> None:
    figures = report.kinds["out_of_scope"]
    assert _rate(figures.precision) >= FLOORS["out_of_scope_precision"]
    assert _rate(figures.recall) >= FLOORS["out_of_scope_recall"]


def test_handoff_precision_and_recall(report: EvalReport) -> None:
    figures = report.kinds["handoff"]
    assert _rate(figures.precision) >= FLOORS["handoff_precision"]
    assert _rate(figures.recall) >= FLOORS["handoff_recall"]


def test_refuse_precision_and_recall(report: EvalReport) -> None:
    figures = report.kinds["refuse"]
    assert _rate(figures.precision) >= FLOORS["refuse_precision"]
    assert _rate(figures.recall) >= FLOORS["refuse_recall"]


def test_intent_accuracy(report: EvalReport) -> None:
    assert _rate(report.intent.rate) >= FLOORS["intent"]


def test_small_talk_is_routed_as_small_talk(report: EvalReport) -> None:
    assert report.small_talk.rate == 1.0


def test_english_answers_read_plainly(report: EvalReport) -> None:
    assert report.flesch_english.count >= 100
    assert _rate(report.flesch_english_plain_share) >= FLOORS["flesch_plain_share"]


def test_every_turn_was_timed(report: EvalReport) -> None:
    assert report.items == len(report.verdicts) and report.latency_ms["p50"] is not None
