from datetime import UTC, datetime, timedelta

import pytest

from models.conversation import TransitionError, is_idle, transition


@pytest.mark.parametrize(
    ("status", "event", "expected"),
    [
        ("active", "reply_sent", "waiting"),
        ("waiting", "user_message", "active"),
        ("abandoned", "user_message", "active"),
        ("active", "escalate", "escalated"),
        ("escalated", "user_message", "escalated"),
        ("escalated", "close", "resolved"),
        ("waiting", "idle_timeout", "abandoned"),
    ],
)
def test_allowed_transitions(status: str, event: str, expected: str) -> None:
    assert transition(status, event) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "event"),
    [("resolved", "user_message"), ("resolved", "escalate"), ("escalated", "idle_timeout")],
)
def test_refused_transitions_name_the_state(status: str, event: str) -> None:
    with pytest.raises(TransitionError, match=status):
        transition(status, event)  # type: ignore[arg-type]


def test_idle_after_the_timeout_only_for_open_conversations() -> None:
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    thirty = timedelta(minutes=30)
    assert is_idle("active", now - thirty, now, thirty)
    assert not is_idle("active", now - thirty + timedelta(seconds=1), now, thirty)
    assert not is_idle("escalated", now - 2 * thirty, now, thirty)


@pytest.mark.parametrize("status", ["active", "waiting", "escalated", "resolved", "abandoned"])
def test_a_reply_can_land_in_every_status(status: str) -> None:
    # A reply may finish after the conversation moved on (ended mid-reply, escalated, abandoned): refusing it would
    # leave the reply streaming for ever. It never reopens a resolved conversation.
    after = transition(status, "reply_sent")  # type: ignore[arg-type]
    assert after == ("waiting" if status == "active" else status)
