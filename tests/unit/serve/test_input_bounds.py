"""Input the database cannot store, or that would make it fail, is refused by validation (422 / `error` frame)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from pydantic import ValidationError

from serve import schemas
from serve.frames import SendFrame, client_frame_adapter
from serve.schemas import MAX_NESTING, SEQ_MAX, input_problem


def _nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = {"k": value}
    return value


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ("a\x00b", "value"),
        ({"content": "x\ud800y"}, "content"),
        ({"metadata": {"deep": ["ok", "bad\x00"]}}, "metadata.deep[1]"),
        ({"metadata": {"k\x00ey": 1}}, "metadata.k?ey"),
        ({"metadata": {"low": "\udfff"}}, "metadata.low"),
    ],
)
def test_nul_and_lone_surrogates_are_found_with_their_path(value: Any, where: str) -> None:
    problem = input_problem(value)
    assert problem is not None and problem[0] == where


def test_storable_text_passes() -> None:
    text = "Ünïcødé 🙂 — tabs\tand\nnewlines, emoji surrogate pairs are fine: \U0001f600"
    assert input_problem({"content": text, "metadata": {"list": [text, 1, None, 2.5]}}) is None


def test_nesting_is_bounded_without_recursion() -> None:
    assert input_problem(_nested(MAX_NESTING - 1)) is None
    problem = input_problem(_nested(MAX_NESTING + 1))
    assert problem is not None and "deeper" in problem[1]
    # Far deeper than Python's recursion limit: the walk is iterative.
    assert input_problem(_nested(50_000)) is not None


def test_input_models_refuse_unstorable_text() -> None:
    with pytest.raises(ValidationError) as refused:
        schemas.MessageIn.model_validate({"content": "hi\x00", "client_message_id": str(uuid.uuid4())})
    assert refused.value.errors()[0]["type"] == "unstorable_input"
    assert "content" in refused.value.errors()[0]["msg"]
    with pytest.raises(ValidationError):
        schemas.ConversationIn.model_validate({"metadata": {"note": "\ud83d"}})
    with pytest.raises(ValidationError):
        schemas.GuestIn.model_validate({"display_name": "A\x00"})
    assert schemas.ConversationIn.model_validate({"metadata": {"note": "fine"}}).metadata == {"note": "fine"}


def test_frames_refuse_unstorable_text_and_out_of_range_seq() -> None:
    cid = str(uuid.uuid4())
    send = {"type": "message.send", "conversation_id": cid, "client_message_id": cid, "content": "a\x00"}
    with pytest.raises(ValidationError):
        client_frame_adapter.validate_python(send)
    assert isinstance(client_frame_adapter.validate_python({**send, "content": "a"}), SendFrame)
    subscribe = {"type": "subscribe", "conversation_id": cid}
    client_frame_adapter.validate_python({**subscribe, "after_seq": SEQ_MAX})
    with pytest.raises(ValidationError):
        client_frame_adapter.validate_python({**subscribe, "after_seq": SEQ_MAX + 1})
