"""Draining a replica that Serve stops: running turns finish within the drain deadline, what is left is handed to
another replica at once, and sockets are told to reconnect elsewhere (1012), new ones included.

Replicas are AppStates of their own over one database, as in test_recovery.py (whose scripted graph this reuses).
Lease time is a ManualClock that never moves here: a handed-over turn is taken up without any lease running out.
The hand-over between replicas travels through Redis, so that test runs on PostgreSQL and Redis.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from deployments.local import LocalHandle
from serve.app import create_app
from serve.ingress import StopWatch, with_drain_on_stop
from serve.settings import ChatSettings, Settings
from serve.state import AppState
from tests.conftest import make_settings
from tests.factories import auth, conversation, guest, seed_conversation
from tests.fakes.clock import ManualClock
from tests.integration.test_recovery import QUESTION, ScriptedGraph, eventually, replicas, row

REDIS_URL = os.environ.get("CSAGENT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


async def test_a_draining_replica_lets_its_running_turns_finish_within_the_deadline(
    settings: Settings,
) -> None:
    writer = ScriptedGraph("writer")
    async with replicas(settings, (writer, ManualClock())) as (state,):
        caller, conversation_id = await seed_conversation(state)
        submitted = await state.chat.submit(caller, conversation_id, uuid.uuid4(), QUESTION)
        reply_id = submitted.reply.id
        state.runner.start(reply_id)
        await asyncio.wait_for(writer.half_way.wait(), 10)

        draining = asyncio.create_task(state.drain(turns_deadline_s=60))
        await eventually(lambda: state.runner.draining, "the runner is draining")
        assert not draining.done(), "the drain waits for the running turn"
        writer.release.set()
        await asyncio.wait_for(draining, 10)

        reply = await row(state, reply_id)
        assert reply.status == "complete" and reply.content == writer.content()
        assert reply.lease_owner == state.runner.lease.owner and "recovered" not in reply.meta
        assert writer.cancelled == 0 and writer.ran == [str(reply_id)]


async def test_a_turn_asked_to_start_on_a_draining_replica_is_handed_over_not_run(settings: Settings) -> None:
    clock = ManualClock()
    idle = ScriptedGraph("idle", gated=False)
    async with replicas(settings, (idle, clock)) as (state,):
        assert await state.runner.drain(deadline_s=60) == 0, "nothing was running"
        caller, conversation_id = await seed_conversation(state)
        submitted = await state.chat.submit(caller, conversation_id, uuid.uuid4(), QUESTION)
        state.runner.start(submitted.reply.id)

        async def handed_over() -> bool:
            reply = await row(state, submitted.reply.id)
            return reply.status == "streaming" and reply.lease_until == clock.now()

        await eventually(handed_over, "the lease ends now, so any replica's next sweep takes the turn")
        assert idle.ran == []


@pytest.fixture
def redis_settings(database_url: str) -> Settings:
    """PostgreSQL (fresh tables, from `database_url`'s postgres case) and Redis between the replicas; sweepers that
    would otherwise wait an hour between sweeps."""
    return make_settings(database_url, redis_url=REDIS_URL, chat=ChatSettings(sweep_interval_s=3600))


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_turns_left_at_the_deadline_are_cancelled_and_run_at_once_by_another_replica(
    redis_settings: Settings,
) -> None:
    clock = ManualClock()
    stopping, successor = ScriptedGraph("stopping"), ScriptedGraph("successor", gated=False)
    async with replicas(redis_settings, (stopping, clock), (successor, clock)) as (old, new):
        sweeps = 0
        sweep = new.sweeper.sweep

        async def counted_sweep() -> tuple[int, int]:
            nonlocal sweeps
            swept = await sweep()
            sweeps += 1
            return swept

        new.sweeper.sweep = counted_sweep  # type: ignore[method-assign]
        new.sweeper.start()
        await eventually(lambda: sweeps == 1, "the successor's first sweep is done; the next is an hour away")

        caller, conversation_id = await seed_conversation(old)
        events = new.broker.subscribe(conversation_id)
        await new.broker.ready(events)
        submitted = await old.chat.submit(caller, conversation_id, uuid.uuid4(), QUESTION)
        reply_id = submitted.reply.id
        old.runner.start(reply_id)
        await asyncio.wait_for(stopping.half_way.wait(), 10)

        await old.drain(turns_deadline_s=0)
        assert stopping.cancelled == 1, "the unfinished turn was cancelled on the stopping replica"

        async def answered() -> bool:
            return (await row(new, reply_id)).status == "complete"

        await eventually(answered, "the successor ran the handed-over turn")
        reply = await row(new, reply_id)
        assert reply.content == successor.content() and reply.meta["recovered"] is True
        assert reply.lease_owner == new.runner.lease.owner
        assert sweeps >= 2, "the hand-over woke the successor's sweeper"
        assert stopping.ran == successor.ran == [str(reply_id)]

        received: list[dict[str, Any]] = []

        def settled() -> list[str]:
            while not events.queue.empty():
                envelope = events.queue.get_nowait()
                assert envelope is not None
                received.append(envelope.event)
            return [
                e["message"]["content"]
                for e in received
                if e["type"] == "message" and e["message"]["status"] != "streaming"
            ]

        await eventually(settled, "the reply was announced")
        assert settled() == [successor.content()], "announced once, with the successor's text"
        assert any(e["type"] == "assistant.reset" for e in received), "clients drop the cancelled run's text"


class StoppingSoon(StopWatch):
    """A StopWatch over hand-written Serve details: the replica is RUNNING until the test calls `stop`."""

    def __init__(self) -> None:
        self.state = "RUNNING"
        super().__init__(self._details, app="csagent", deployment="ingress", replica_id="r1", poll_s=0.01)

    async def _details(self) -> dict[str, Any]:
        replica = {"replica_id": "r1", "state": self.state}
        return {"applications": {"csagent": {"deployments": {"ingress": {"replicas": [replica]}}}}}


@pytest.fixture
def stop_watch() -> StoppingSoon:
    return StoppingSoon()


@pytest.fixture
def stopped_client(settings: Settings, graph: LocalHandle, stop_watch: StoppingSoon) -> Iterator[TestClient]:
    """The app as the Serve ingress builds it, with a StopWatch the test controls in place of Serve's."""
    app: FastAPI = with_drain_on_stop(create_app(settings, graph), lambda: stop_watch, deadline_s=5)
    with TestClient(app) as client:
        yield client


def test_when_serve_stops_the_replica_sockets_get_1012_and_new_ones_are_refused_with_1012(
    stopped_client: TestClient, stop_watch: StoppingSoon
) -> None:
    session = guest(stopped_client)
    state: AppState = stopped_client.app.state.csagent  # type: ignore[attr-defined]
    with stopped_client.websocket_connect(f"/api/v1/ws?token={session['access_token']}") as ws:
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}
        stop_watch.state = "STOPPING"
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 1012
    assert state.draining and state.runner.draining and not state.sockets

    with (
        pytest.raises(WebSocketDisconnect) as refused,
        stopped_client.websocket_connect(f"/api/v1/ws?token={session['access_token']}") as late,
    ):
        late.receive_json()
    assert refused.value.code == 1012
    assert stopped_client.get("/api/health").status_code == 200, "plain HTTP is still served while draining"


def _until(check: Any, what: str, bound_s: float = 20) -> None:
    """Poll `check` from the test's thread (the app runs in the TestClient's); the wall clock only bounds it."""
    deadline = time.monotonic() + bound_s
    while not check():
        assert time.monotonic() < deadline, f"not within {bound_s} s: {what}"
        time.sleep(0.01)


def test_sockets_are_closed_at_once_while_a_running_turn_still_finishes(
    settings: Settings, stop_watch: StoppingSoon
) -> None:
    writer = ScriptedGraph("writer")
    app = with_drain_on_stop(create_app(settings, LocalHandle(writer)), lambda: stop_watch, deadline_s=60)
    with TestClient(app) as client:
        assert client.portal is not None
        session = guest(client)
        chat = conversation(client, session)
        with client.websocket_connect(f"/api/v1/ws?token={session['access_token']}") as ws:
            frame = {
                "conversation_id": chat["id"],
                "client_message_id": str(uuid.uuid4()),
                "content": QUESTION,
            }
            ws.send_json({"type": "message.send", **frame})
            _until(writer.half_way.is_set, "the reply is streaming")
            stop_watch.state = "STOPPING"
            with pytest.raises(WebSocketDisconnect) as closed:
                while True:
                    ws.receive_json()
        assert closed.value.code == 1012, "the socket did not wait for the turn"

        def reply() -> dict[str, Any]:
            messages = client.get(f"/api/v1/conversations/{chat['id']}/messages", headers=auth(session))
            answer: dict[str, Any] = messages.json()["items"][-1]
            return answer

        assert reply()["status"] == "streaming", "the turn is still running on the draining replica"
        client.portal.call(writer.release.set)
        _until(lambda: reply()["status"] == "complete", "the turn finished within the drain deadline")
        assert reply()["content"] == writer.content() and writer.cancelled == 0
