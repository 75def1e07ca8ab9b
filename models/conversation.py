"""The conversation state machine: which status changes are allowed, and what each event does.

    active ──reply sent──▶ waiting ──user writes──▶ active
      │ ▲                     │
      │ └──user writes── abandoned ◀──30 min idle── (active | waiting)
      ├──escalate──▶ escalated ──close──▶ resolved
      └──close─────▶ resolved

A resolved conversation is final: writing to it is refused (start a new one). Escalated conversations stay
escalated while the customer and the agent keep talking.

`reply_sent` is allowed in every status: a reply is a durable job that may finish after the conversation was
escalated, abandoned or closed mid-reply. Refusing it would leave the reply `streaming` for ever and the sweeper
re-running its turn; instead the reply is stored and the status stays where the customer put it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

Status = Literal["active", "waiting", "escalated", "resolved", "abandoned"]
Event = Literal["user_message", "reply_sent", "escalate", "close", "idle_timeout"]

_TRANSITIONS: dict[tuple[Status, Event], Status] = {
    ("active", "user_message"): "active",
    ("waiting", "user_message"): "active",
    ("abandoned", "user_message"): "active",
    ("escalated", "user_message"): "escalated",
    ("active", "reply_sent"): "waiting",
    ("waiting", "reply_sent"): "waiting",
    ("escalated", "reply_sent"): "escalated",
    ("abandoned", "reply_sent"): "abandoned",
    ("resolved", "reply_sent"): "resolved",
    ("active", "escalate"): "escalated",
    ("waiting", "escalate"): "escalated",
    ("abandoned", "escalate"): "escalated",
    ("escalated", "escalate"): "escalated",
    ("active", "close"): "resolved",
    ("waiting", "close"): "resolved",
    ("escalated", "close"): "resolved",
    ("abandoned", "close"): "resolved",
    ("resolved", "close"): "resolved",
    ("active", "idle_timeout"): "abandoned",
    ("waiting", "idle_timeout"): "abandoned",
}


class TransitionError(ValueError):
    """The event is not allowed in the conversation's current status."""

    def __init__(self, status: Status, event: Event) -> None:
        super().__init__(f"a conversation that is {status} cannot take {event.replace('_', ' ')}")
        self.status = status
        self.event = event


def transition(status: Status, event: Event) -> Status:
    """The status after `event`, or TransitionError."""
    try:
        return _TRANSITIONS[(status, event)]
    except KeyError:
        raise TransitionError(status, event) from None


def is_idle(status: Status, last_activity_at: datetime, now: datetime, idle_after: timedelta) -> bool:
    """Whether the inactivity timeout applies now."""
    return (status, "idle_timeout") in _TRANSITIONS and now - last_activity_at >= idle_after
