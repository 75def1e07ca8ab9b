"""Score the outcomes: key fact with citation, out-of-scope / handoff / refuse P/R, intent, Flesch, latency.

Predictions are read from the final event's `meta` only:
- handoff: `meta.escalation_suggested`, except on a refusal (a refusal offers a person too, but it is scored as
  the refusal it is: the set's kinds are disjoint);
- refuse: `meta.route == "refuse"`;
- out of scope: `meta.intent.name == "out_of_scope"` and no citations.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, Field

from models.readability import flesch_reading_ease
from pipelines.eval.runner import Outcome

PLAIN_ENGLISH = 60.0  # Flesch reading ease above this reads as plain English.
KIND_PREDICTORS = ("out_of_scope", "handoff", "refuse")


class Verdict(BaseModel):
    """How one outcome scored; `ok` is the item's own test (key fact with citation, or its kind)."""

    id: str
    language: str
    kind: str
    ok: bool
    fact_found: bool | None = None
    cited: bool | None = None
    predicted: list[str] = Field(default_factory=list)
    intent_expected: str | None = None
    intent_got: str
    flesch: float | None = None
    latency_ms: float
    text: str
    reply: str


class Rate(BaseModel):
    correct: int
    total: int
    rate: float | None


class PrecisionRecall(BaseModel):
    true_positives: int
    predicted: int
    actual: int
    precision: float | None
    recall: float | None


class Distribution(BaseModel):
    count: int
    p10: float | None
    p50: float | None
    p90: float | None


class EvalReport(BaseModel):
    items: int
    engine_chain: list[str] = Field(default_factory=list)
    key_fact_with_citation: Rate
    key_fact_english: Rate
    key_fact_non_english: Rate
    key_fact_by_language: dict[str, Rate]
    fact_only: Rate
    citation_only: Rate
    kinds: dict[str, PrecisionRecall]
    small_talk: Rate
    intent: Rate
    flesch_english: Distribution
    flesch_english_plain_share: float | None
    latency_ms: dict[str, float | None]
    models: dict[str, int]
    verdicts: list[Verdict]

    def failures(self) -> list[Verdict]:
        return [verdict for verdict in self.verdicts if not verdict.ok]


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile (`share` in 0..1); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def _rate(correct: int, total: int) -> Rate:
    return Rate(correct=correct, total=total, rate=round(correct / total, 4) if total else None)


def _cited(meta: dict[str, Any]) -> list[str]:
    return [str(c.get("id")) for c in meta.get("citations") or [] if isinstance(c, dict)]


def _intent(meta: dict[str, Any]) -> str:
    intent = meta.get("intent") or {}
    return str(intent.get("name", "")) if isinstance(intent, dict) else ""


def predictions(meta: dict[str, Any]) -> list[str]:
    """Which of out_of_scope / handoff / refuse the reply's meta says (several can hold at once)."""
    found = []
    if _intent(meta) == "out_of_scope" and not _cited(meta):
        found.append("out_of_scope")
    if meta.get("escalation_suggested") and meta.get("route") != "refuse":
        found.append("handoff")
    if meta.get("route") == "refuse":
        found.append("refuse")
    return found


def judge(outcome: Outcome, readability: Callable[[str], float | None] = flesch_reading_ease) -> Verdict:
    item, meta = outcome.item, outcome.meta
    predicted = predictions(meta)
    fact_found = cited = None
    if item.kind == "answer":
        fact_found = item.fact_found(outcome.content)
        cited = bool(set(_cited(meta)) & set(item.articles))
        ok = fact_found and cited
    elif item.kind == "small_talk":
        ok = meta.get("route") == "small_talk"
    else:
        ok = item.kind in predicted
    answered = meta.get("route", "answer") == "answer" and bool(_cited(meta))
    return Verdict(
        id=item.id,
        language=item.language,
        kind=item.kind,
        ok=ok,
        fact_found=fact_found,
        cited=cited,
        predicted=predicted,
        intent_expected=item.intent,
        intent_got=_intent(meta),
        flesch=readability(outcome.content) if item.kind == "answer" and answered else None,
        latency_ms=outcome.latency_ms,
        text=item.text,
        reply=outcome.content,
    )


def _precision_recall(verdicts: Sequence[Verdict], kind: str) -> PrecisionRecall:
    actual = [v for v in verdicts if v.kind == kind]
    predicted = [v for v in verdicts if kind in v.predicted]
    hits = sum(1 for v in predicted if v.kind == kind)
    return PrecisionRecall(
        true_positives=hits,
        predicted=len(predicted),
        actual=len(actual),
        precision=round(hits / len(predicted), 4) if predicted else None,
        recall=round(hits / len(actual), 4) if actual else None,
    )


def summarise(outcomes: Sequence[Outcome], *, engine_chain: Sequence[str] = ()) -> EvalReport:
    """All the figures of one run."""
    verdicts = [judge(outcome) for outcome in outcomes]
    answers = [v for v in verdicts if v.kind == "answer"]
    by_language: dict[str, list[Verdict]] = defaultdict(list)
    for verdict in answers:
        by_language[verdict.language].append(verdict)
    english = by_language.get("en", [])
    others = [v for v in answers if v.language != "en"]
    with_intent = [v for v in verdicts if v.intent_expected]
    flesch = [v.flesch for v in english if v.flesch is not None]
    latencies = [v.latency_ms for v in verdicts]
    small_talk = [v for v in verdicts if v.kind == "small_talk"]
    models: dict[str, int] = defaultdict(int)
    for outcome in outcomes:
        model = outcome.meta.get("model") or {}
        models[str(model.get("name", "?")) if isinstance(model, dict) else "?"] += 1
    return EvalReport(
        items=len(verdicts),
        engine_chain=list(engine_chain),
        key_fact_with_citation=_rate(sum(v.ok for v in answers), len(answers)),
        key_fact_english=_rate(sum(v.ok for v in english), len(english)),
        key_fact_non_english=_rate(sum(v.ok for v in others), len(others)),
        key_fact_by_language={
            language: _rate(sum(v.ok for v in group), len(group))
            for language, group in sorted(by_language.items())
        },
        fact_only=_rate(sum(bool(v.fact_found) for v in answers), len(answers)),
        citation_only=_rate(sum(bool(v.cited) for v in answers), len(answers)),
        kinds={kind: _precision_recall(verdicts, kind) for kind in KIND_PREDICTORS},
        small_talk=_rate(sum(v.ok for v in small_talk), len(small_talk)),
        intent=_rate(sum(v.intent_got == v.intent_expected for v in with_intent), len(with_intent)),
        flesch_english=Distribution(
            count=len(flesch),
            p10=percentile(flesch, 0.1),
            p50=percentile(flesch, 0.5),
            p90=percentile(flesch, 0.9),
        ),
        flesch_english_plain_share=(
            round(sum(score > PLAIN_ENGLISH for score in flesch) / len(flesch), 4) if flesch else None
        ),
        latency_ms={"p50": percentile(latencies, 0.5), "p99": percentile(latencies, 0.99)},
        models=dict(sorted(models.items())),
        verdicts=verdicts,
    )
