"""The evaluation gate of `promote`: a candidate version against the live one, on the figures `csagent models
eval` stores (serve/model_lifecycle.py applies it; the 409's `details` carry its table)."""

from __future__ import annotations

from typing import Any

from serve import schemas

# The figures the gate compares (ScoresIn field → label in messages).
GATED_METRICS = {"key_fact_accuracy": "key-fact accuracy", "handoff_recall": "hand-off recall"}


def gate(
    live: dict[str, Any] | None, candidate: dict[str, Any] | None, tolerance: float
) -> tuple[str | None, list[schemas.GateMetric]]:
    """The evaluation gate: (why it fails or None, the comparison table). A candidate fails when it was never
    evaluated, when live was not (nothing to compare with), or when it scores more than `tolerance` below live on
    a gated metric."""
    table = []
    for metric in GATED_METRICS:
        live_value = (live or {}).get(metric)
        candidate_value = (candidate or {}).get(metric)
        delta = (
            None if live_value is None or candidate_value is None else round(candidate_value - live_value, 4)
        )
        # A metric live lacks cannot be compared (no hand-off items in its run): the candidate's value stands.
        passed = candidate_value is not None and (
            live_value is None or candidate_value >= live_value - tolerance
        )
        table.append(
            schemas.GateMetric(
                metric=metric, live=live_value, candidate=candidate_value, delta=delta, passed=passed
            )
        )
    if candidate is None:
        return "candidate_not_evaluated", table
    if live is None:
        return "live_not_evaluated", table
    if not all(row.passed for row in table):
        return "below_live", table
    return None, table


GATE_MESSAGES = {
    "candidate_not_evaluated": "{candidate} was never evaluated: run `csagent models eval {candidate}` first.",
    "live_not_evaluated": "{live} (live) was never evaluated, so there is nothing to compare with: run "
    "`csagent models eval {live}` first.",
    "below_live": "{candidate} scores below {live} beyond the tolerance of {tolerance:.0%} on {metrics}.",
}
