"""Sticky canary routing: the bucket of a conversation id, and which version a turn gets."""

from __future__ import annotations

import uuid

from serve.chat.model_router import bucket, choose
from serve.storage.models_rollout import Rollout

LIVE_ONLY = Rollout(name="grounded", live="1.0")
CANARY_30 = Rollout(name="grounded", live="1.0", canary="1.1", canary_percent=30)


def _ids(count: int) -> list[str]:
    return [str(uuid.uuid5(uuid.NAMESPACE_URL, f"conversation-{i}")) for i in range(count)]


def test_a_bucket_is_stable_and_spread_evenly() -> None:
    ids = _ids(10_000)
    assert [bucket(i) for i in ids[:50]] == [bucket(i) for i in ids[:50]]
    assert all(0 <= bucket(i) < 100 for i in ids)
    for percent in (1, 10, 30, 50, 90):
        share = sum(bucket(i) < percent for i in ids) / len(ids)
        assert abs(share - percent / 100) < 0.02, (percent, share)


def test_new_conversations_split_near_the_percent() -> None:
    ids = _ids(5_000)
    chosen = [choose(CANARY_30, i, None, first_turn=True) for i in ids]
    assert abs(chosen.count("1.1") / len(ids) - 0.30) < 0.02
    assert chosen == [choose(CANARY_30, i, None, first_turn=True) for i in ids], (
        "the same id, the same version"
    )


def test_a_pin_holds_while_its_version_is_live_or_canary() -> None:
    for conversation in _ids(200):
        assert choose(CANARY_30, conversation, "1.1", first_turn=False) == "1.1"
        assert choose(CANARY_30, conversation, "1.0", first_turn=False) == "1.0"


def test_a_rollback_takes_all_traffic() -> None:
    ids = _ids(500)
    pins = {i: choose(CANARY_30, i, None, first_turn=True) for i in ids}
    assert "1.1" in pins.values()
    assert {choose(LIVE_ONLY, i, pins[i], first_turn=False) for i in ids} == {"1.0"}


def test_a_promote_moves_stale_pins_to_the_new_live() -> None:
    promoted = Rollout(name="grounded", live="1.1", previous="1.0")
    assert {choose(promoted, i, "1.0", first_turn=False) for i in _ids(300)} == {"1.1"}


def test_conversations_older_than_the_canary_stay_live() -> None:
    everyone = Rollout(name="grounded", live="1.0", canary="1.1", canary_percent=99)
    assert {choose(everyone, i, None, first_turn=False) for i in _ids(300)} == {"1.0"}
