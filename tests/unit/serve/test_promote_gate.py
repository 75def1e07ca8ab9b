"""The evaluation gate of `promote`: never evaluated, nothing to compare with, worse than live beyond tolerance."""

from __future__ import annotations

from serve.promote_gate import gate

LIVE = {"key_fact_accuracy": 0.85, "handoff_recall": 0.9}


def test_a_candidate_never_evaluated_fails() -> None:
    reason, table = gate(LIVE, None, 0.02)
    assert reason == "candidate_not_evaluated"
    assert [row.metric for row in table] == ["key_fact_accuracy", "handoff_recall"]
    assert all(row.candidate is None and not row.passed for row in table)


def test_live_never_evaluated_fails() -> None:
    assert gate(None, LIVE, 0.02)[0] == "live_not_evaluated"


def test_within_tolerance_passes_beyond_it_fails() -> None:
    reason, table = gate(LIVE, {"key_fact_accuracy": 0.83, "handoff_recall": 0.95}, 0.02)
    assert reason is None and all(row.passed for row in table)
    reason, table = gate(LIVE, {"key_fact_accuracy": 0.85, "handoff_recall": 0.87}, 0.02)
    assert reason == "below_live"
    rows = {row.metric: row for row in table}
    assert rows["handoff_recall"].delta == -0.03 and not rows["handoff_recall"].passed
    assert rows["key_fact_accuracy"].passed


def test_a_metric_live_lacks_does_not_block() -> None:
    reason, _ = gate(
        {"key_fact_accuracy": 0.8, "handoff_recall": None},
        {"key_fact_accuracy": 0.8, "handoff_recall": 0.1},
        0.0,
    )
    assert reason is None
