"""The Salesforce outbox (serve/escalation/outbox.py), on SQLite and PostgreSQL, with the real escalation deployment
and simple-salesforce talking to a local server speaking the Salesforce REST API: an escalation becomes exactly one
Case whether it is escalated twice, at once, while Salesforce is down, or across a replica that died mid-send; the
Case's number comes back into the conversation with `conversation.updated`. Time is a clock the tests move."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from deployments.local import LocalHandle
from models.salesforce import SalesforceConfig
from serve.app import create_app
from serve.builder import build_local_escalation
from serve.chat.broker import Subscription
from serve.settings import Settings
from serve.state import AppState
from serve.storage import conversations as conversation_store
from serve.storage import handoffs as handoff_store
from serve.storage import messages as message_store
from serve.storage.db import transaction
from tests.conftest import make_settings
from tests.factories import auth, conversation, guest, seed_conversation
from tests.fakes.clock import ManualClock
from tests.fakes.salesforce_server import SalesforceServer, plain_http_session

FIELD = "Csagent_Conversation_Id__c"


class _Graph:
    """Never called: these tests escalate without chatting."""

    async def run_turn(self, turn: dict[str, Any]) -> Any:
        raise AssertionError("no turn runs in the outbox tests")


@pytest.fixture
def salesforce() -> Iterator[SalesforceServer]:
    with SalesforceServer() as server:
        yield server


@pytest.fixture
def sf_settings(database_url: str, salesforce: SalesforceServer) -> Settings:
    config = SalesforceConfig(
        instance_url=salesforce.url,
        client_id=salesforce.client_id,
        client_secret=salesforce.client_secret,
        retry_initial_s=5,
        retry_max_s=40,
        lease_s=60,
    )
    return make_settings(database_url, salesforce=config)


async def _open(settings: Settings, clock: ManualClock, escalation: Any = None) -> AppState:
    handle = escalation or build_local_escalation(settings, plain_http_session)
    return await AppState.open(settings, LocalHandle(_Graph()), clock=clock, escalation=handle)


@pytest.fixture
async def state(sf_settings: Settings) -> AsyncIterator[AppState]:
    opened = await _open(sf_settings, ManualClock())
    yield opened
    await opened.close()


def _outbox(state: AppState) -> Any:
    assert state.outbox is not None
    return state.outbox


def _updates(subscription: Subscription) -> list[dict[str, Any]]:
    events = []
    while not subscription.queue.empty():
        envelope = subscription.queue.get_nowait()
        assert envelope is not None
        if envelope.event["type"] == "conversation.updated":
            events.append(envelope.event["conversation"])
    return events


def _tries(server: SalesforceServer) -> int:
    """Upserts that reached the server, whatever it answered."""
    return sum(1 for method, _path, _status in server.calls if method == "PATCH")


async def _stored(state: AppState, conversation_id: uuid.UUID) -> tuple[Any, Any]:
    async with state.sessions() as session:
        case = await conversation_store.get_case(session=session, conversation_id=conversation_id)
        handoff = await handoff_store.get_handoff(session=session, conversation_id=conversation_id)
    return case, handoff


async def test_an_escalation_is_queued_then_becomes_one_case_whose_number_is_streamed(
    state: AppState, salesforce: SalesforceServer
) -> None:
    caller, conversation_id = await seed_conversation(state)
    listener = state.broker.subscribe(conversation_id)

    escalated = await state.chat.escalate(caller, conversation_id, "I want a person")
    await _outbox(state).idle()

    [sent] = salesforce.cases_for(FIELD, str(conversation_id))
    case, handoff = await _stored(state, conversation_id)
    assert escalated.status == "escalated" and escalated.case is not None
    assert (case.number, case.status, handoff.status, handoff.salesforce_id) == (
        sent["CaseNumber"],
        "new",
        "sent",
        sent["Id"],
    )
    assert "I want a person" in sent["Description"]
    first, second = _updates(listener)
    assert first["case"]["number"] == escalated.case.number != sent["CaseNumber"]
    assert (first["case"]["status"], escalated.case.status) == ("queued", "queued")
    assert (second["case"]["number"], second["case"]["status"]) == (sent["CaseNumber"], "new")
    assert second["case"]["url"].endswith(f"/lightning/r/Case/{sent['Id']}/view")


async def test_escalating_twice_and_concurrently_gives_one_case(
    state: AppState, salesforce: SalesforceServer
) -> None:
    caller, conversation_id = await seed_conversation(state)

    views = await asyncio.gather(*(state.chat.escalate(caller, conversation_id, None) for _ in range(3)))
    await _outbox(state).idle()
    again = await state.chat.escalate(caller, conversation_id, None)
    await _outbox(state).idle()

    assert len({view.case.id for view in [*views, again] if view.case}) == 1
    assert len(salesforce.cases_for(FIELD, str(conversation_id))) == 1
    assert salesforce.upserts == 1


async def test_queued_while_salesforce_answers_503_then_one_case_once_it_is_up(
    sf_settings: Settings, salesforce: SalesforceServer
) -> None:
    clock = ManualClock()
    state = await _open(sf_settings, clock)
    try:
        outbox = _outbox(state)
        caller, conversation_id = await seed_conversation(state)
        salesforce.fault = "unavailable"

        await state.chat.escalate(caller, conversation_id, None)
        await outbox.idle()
        case, handoff = await _stored(state, conversation_id)
        assert (case.status, handoff.status, handoff.attempts) == ("queued", "queued", 1)
        assert "503" in handoff.last_error
        assert handoff.next_attempt_at == clock.now() + timedelta(seconds=5)

        assert await outbox.dispatch() == 0  # not due yet: nothing is sent
        assert _tries(salesforce) == 1
        await clock.advance(timedelta(seconds=5))
        assert await outbox.dispatch() == 0  # due, still down: the wait doubles
        _, handoff = await _stored(state, conversation_id)
        assert (handoff.attempts, handoff.next_attempt_at) == (2, clock.now() + timedelta(seconds=10))

        salesforce.fault = None
        await clock.advance(timedelta(seconds=10))
        assert await outbox.dispatch() == 1
        assert await outbox.dispatch() == 0  # sent once, never again

        [sent] = salesforce.cases_for(FIELD, str(conversation_id))
        case, handoff = await _stored(state, conversation_id)
        assert (case.number, case.status, handoff.status) == (sent["CaseNumber"], "new", "sent")
    finally:
        await state.close()


async def test_the_retry_wait_doubles_up_to_its_cap(state: AppState) -> None:
    outbox = _outbox(state)
    assert [outbox.backoff(n) for n in range(6)] == [5, 10, 20, 40, 40, 40]


async def test_an_expired_session_is_renewed_and_the_case_sent_at_once(
    state: AppState, salesforce: SalesforceServer
) -> None:
    caller, first_id = await seed_conversation(state)
    await state.chat.escalate(caller, first_id, None)
    await _outbox(state).idle()
    salesforce.expire_tokens()
    caller, second_id = await seed_conversation(state)

    await state.chat.escalate(caller, second_id, None)
    await _outbox(state).idle()

    case, handoff = await _stored(state, second_id)
    assert (handoff.status, handoff.attempts, salesforce.logins) == ("sent", 1, 2)
    assert case.number == salesforce.cases_for(FIELD, str(second_id))[0]["CaseNumber"]


class _DiesAfterSalesforceAnswers:
    """An escalation handle whose replica dies once Salesforce has taken the Case, before the answer is stored."""

    def __init__(self, real: LocalHandle) -> None:
        self.real = real
        self.landed = asyncio.Event()

    def options(self, **_ignored: Any) -> _DiesAfterSalesforceAnswers:
        return self

    @property
    def send(self) -> _DiesAfterSalesforceAnswers:
        return self

    async def remote(self, handoff: dict[str, Any]) -> dict[str, Any]:
        await self.real.send.remote(handoff)
        self.landed.set()
        await asyncio.Event().wait()  # never answers: the replica is stopped here
        raise AssertionError("unreachable")


async def test_a_replica_dying_mid_send_leaves_the_hand_off_to_another_and_still_one_case(
    sf_settings: Settings, salesforce: SalesforceServer
) -> None:
    clock = ManualClock()
    dying = _DiesAfterSalesforceAnswers(build_local_escalation(sf_settings, plain_http_session))
    first = await _open(sf_settings, clock, escalation=dying)
    caller, conversation_id = await seed_conversation(first)
    await first.chat.escalate(caller, conversation_id, None)
    await asyncio.wait_for(dying.landed.wait(), timeout=30)
    await first.close()  # the send is cancelled after Salesforce created the Case; nothing was written back

    second = await _open(sf_settings, clock)
    try:
        _, handoff = await _stored(second, conversation_id)
        assert (handoff.status, handoff.lease_owner) == ("queued", _outbox(first).owner)
        assert await _outbox(second).dispatch() == 0  # the dead replica's lease still holds
        await clock.advance(timedelta(seconds=60))
        assert await _outbox(second).dispatch() == 1

        [sent] = salesforce.cases_for(FIELD, str(conversation_id))
        case, handoff = await _stored(second, conversation_id)
        assert salesforce.upserts == 2  # sent twice, upserted onto the one Case
        assert (case.number, handoff.status, handoff.salesforce_id) == (
            sent["CaseNumber"],
            "sent",
            sent["Id"],
        )
    finally:
        await second.close()


class _Counting:
    """Counts the sends reaching the deployment, and holds each until released, so two replicas overlap."""

    def __init__(self, real: LocalHandle) -> None:
        self.real = real
        self.sends = 0
        self.release = asyncio.Event()

    def options(self, **_ignored: Any) -> _Counting:
        return self

    @property
    def send(self) -> _Counting:
        return self

    async def remote(self, handoff: dict[str, Any]) -> Any:
        self.sends += 1
        await self.release.wait()
        return await self.real.send.remote(handoff)


async def test_two_replicas_polling_together_send_a_hand_off_once(
    sf_settings: Settings, salesforce: SalesforceServer
) -> None:
    clock = ManualClock()
    counting = _Counting(build_local_escalation(sf_settings, plain_http_session))
    one = await _open(sf_settings, clock, escalation=counting)
    two = await _open(sf_settings, clock, escalation=counting)
    try:
        caller, conversation_id = await seed_conversation(one)
        salesforce.fault = "unavailable"
        counting.release.set()
        await one.chat.escalate(caller, conversation_id, None)
        await _outbox(one).idle()
        salesforce.fault = None
        counting.release.clear()
        await clock.advance(timedelta(seconds=5))

        passes = asyncio.gather(_outbox(one).dispatch(), _outbox(two).dispatch())
        while counting.sends < 2:  # the first try, then the one replica whose claim won
            await asyncio.sleep(0.01)
        counting.release.set()

        assert sorted(await passes) == [0, 1]
        assert counting.sends == 2
        assert len(salesforce.cases_for(FIELD, str(conversation_id))) == 1
    finally:
        await one.close()
        await two.close()


async def test_without_salesforce_settings_escalation_stays_local(settings: Settings) -> None:
    state = await AppState.open(settings, LocalHandle(_Graph()), clock=ManualClock())
    try:
        caller, conversation_id = await seed_conversation(state)
        view = await state.chat.escalate(caller, conversation_id, None)
        case, handoff = await _stored(state, conversation_id)
        assert state.outbox is None and handoff is None
        assert view.case is not None and view.case.number.startswith("CS-") and view.case.status == "new"
        assert case.status == "new"
    finally:
        await state.close()


async def test_salesforce_settings_without_the_escalation_deployment_fail_start_up(
    sf_settings: Settings,
) -> None:
    with pytest.raises(RuntimeError, match="no escalation deployment"):
        await AppState.open(sf_settings, LocalHandle(_Graph()), clock=ManualClock())


def test_the_escalate_route_answers_queued_and_the_conversation_then_shows_salesforces_case(
    sf_settings: Settings, salesforce: SalesforceServer, graph: LocalHandle
) -> None:
    escalation = build_local_escalation(sf_settings, plain_http_session)
    with TestClient(create_app(sf_settings, graph, escalation)) as client:
        session = guest(client)
        chat = conversation(client, session)

        escalated = client.post(f"/api/v1/conversations/{chat['id']}/escalate", headers=auth(session))
        assert escalated.status_code == 200, escalated.text
        assert escalated.json()["case"]["status"] == "queued"

        for _ in range(3000):  # the outbox sends it at once, on the app's own loop: poll until it has
            shown = client.get(f"/api/v1/conversations/{chat['id']}", headers=auth(session)).json()
            if shown["case"]["status"] != "queued":
                break
            time.sleep(0.01)
        [sent] = salesforce.cases_for(FIELD, chat["id"])
        assert (shown["case"]["status"], shown["case"]["number"]) == ("new", sent["CaseNumber"])


async def test_the_case_is_built_from_the_latest_messages_and_what_the_replies_found(
    state: AppState, salesforce: SalesforceServer
) -> None:
    caller, conversation_id = await seed_conversation(state)
    citation = {
        "id": "kb-1",
        "title": "Governor limits",
        "url": "https://help.example/limits",
        "snippet": "…",
    }
    replies = [
        (
            {"intent": {"name": "apex_limits"}, "sentiment": {"label": "neutral"}, "citations": [citation]},
            "en",
        ),
        ({"intent": {"name": "billing"}, "sentiment": {"label": "negative"}, "citations": [citation]}, "fr"),
    ]
    async with transaction(state.sessions) as session:
        conversation = await conversation_store.get_conversation_unscoped(
            session=session, conversation_id=conversation_id
        )
        assert conversation is not None
        for meta, language in replies:
            first = await message_store.next_seq(session=session, conversation=conversation, count=2)
            await message_store.add_message(
                session=session,
                conversation_id=conversation_id,
                seq=first,
                role="user",
                content="Too many SOQL",
            )
            await message_store.add_message(
                session=session,
                conversation_id=conversation_id,
                seq=first + 1,
                role="assistant",
                content="Bulkify the trigger.",
                meta={**meta, "language": language},
            )

    await state.chat.escalate(caller, conversation_id, None)
    await _outbox(state).idle()

    [case] = salesforce.cases_for(FIELD, str(conversation_id))
    description = case["Description"]
    assert "Intent: billing; sentiment: negative; language: fr." in description  # the latest reply's
    assert description.count("Governor limits (https://help.example/limits)") == 1  # cited twice, listed once
    assert description.count("[user] Too many SOQL") == 2 and case["Priority"] == "High"
