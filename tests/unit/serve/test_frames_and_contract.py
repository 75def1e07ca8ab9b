import uuid

import pytest
from pydantic import ValidationError

from serve.contract import frames_schema, write_contract
from serve.frames import SendFrame, SubscribeFrame, client_frame_adapter


def test_client_frames_are_one_union_on_type() -> None:
    cid = str(uuid.uuid4())
    frame = client_frame_adapter.validate_python(
        {"type": "message.send", "conversation_id": cid, "client_message_id": cid, "content": "hi"}
    )
    assert isinstance(frame, SendFrame)
    assert isinstance(
        client_frame_adapter.validate_python({"type": "subscribe", "conversation_id": cid}), SubscribeFrame
    )
    with pytest.raises(ValidationError):
        client_frame_adapter.validate_python({"type": "subscribe", "conversation_id": cid, "after_seq": -1})
    with pytest.raises(ValidationError):
        client_frame_adapter.validate_python({"type": "ping", "extra": 1})


def test_frame_schema_lists_every_event() -> None:
    schema = frames_schema()
    names = set(schema["$defs"])
    for name in (
        "SendFrame",
        "SubscribeFrame",
        "AckEvent",
        "DeltaEvent",
        "MessageEvent",
        "ConversationUpdatedEvent",
        "ErrorEvent",
    ):
        assert name in names


def test_committed_contract_is_current() -> None:
    assert write_contract(check=True) == [], "run `make contract` and commit contract/"
