"""Issue 9, item 5, end to end: a model rollout and a new build under a small Locust load, with no failed turn.

A real cluster: `ray start --head` (the `head` fixture of tests/e2e/conftest.py) and `serve deploy` of the shipped
config/serve.yaml with two ingress replicas, on PostgreSQL (a throw-away database: the replicas are separate
processes sharing it, as in production) and Redis. Locust runs in its own process (loadtests/locustfile.py,
scenario `rollout`): four chat users whose sockets reconnect and resume like the UI. While they chat, the test,
as an admin through the admin API:

a. sets grounded@1.1 as a canary at 50%: its own probe conversations (REST turns) see both versions, each
   conversation sticky to one;
b. promotes 1.1, which the evaluation gate refuses (never evaluated), so with force and a reason, which the audit
   keeps: new conversations are answered by 1.1;
c. rolls back: every conversation is answered by 1.0 again;
d. rolls out a new build: `serve deploy` of the same config with another app-level runtime_env (Serve replaces
   every replica), and waits until both ingress replicas are new ones and the application is RUNNING again.

Then Locust stops (its stop file) and its CSV must show zero failures, turns answered by both versions and
reconnects (the new build closed the sockets); in the database every user message has exactly one complete
reply. Figures are printed, never asserted on time; each wait polls a condition under a generous bound.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from loadtests.run import locust_command
from loadtests.slo import Row, read_stats
from models.config import PROJECT_ROOT
from serve.chat.model_router import bucket
from serve.storage.db import create_engine
from serve.storage.tables import Message
from tests.e2e.conftest import BIN, Head, wait_http
from tests.factories import SOQL_QUESTION, free_port

pytestmark = [pytest.mark.serve, pytest.mark.slow, pytest.mark.postgres]

# A Redis database no other test uses: this cluster's keys stay apart from theirs.
REDIS_URL = os.environ.get("CSAGENT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0] + "/3"
CANARY_PERCENT = 50
LOCUST_EXIT_S = 90  # Locust's --stop-timeout lets each user finish the turn it is in


def _config(port: int, database_url: str, build: str) -> dict[str, Any]:
    """The shipped config/serve.yaml with two ingress replicas, on our database and Redis. `build` is an env var
    of the application's runtime_env: a new value is a new build, for which Serve replaces every replica."""
    config: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "config" / "serve.yaml").read_text())
    config["http_options"]["port"] = port
    app = config["applications"][0]
    app["runtime_env"] = {"env_vars": {"BUILD_ID": build}}
    settings = {
        "env": "test",
        "database_url": database_url,
        "redis_url": REDIS_URL,
        # A replica that goes away with a turn unfinished leaves it to a sweeper, after this short lease.
        "chat": {"reply_lease_s": 5.0, "sweep_interval_s": 0.5},
        "rate_limit": {"enabled": False},  # one address (Locust and the probes) opens every session
    }
    app["args"] = {"settings": settings, "deployments": {"ingress": {"num_replicas": 2}}}
    (ingress,) = (d for d in app["deployments"] if d["name"] == "ingress")
    ingress.pop("autoscaling_config")
    ingress["num_replicas"] = 2
    return config


def _deploy(head: Head, config: dict[str, Any], path: Path) -> None:
    path.write_text(yaml.safe_dump(config))
    deployed = subprocess.run(
        [str(BIN / "serve"), "deploy", str(path), "-a", head.dashboard],
        env=head.env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=PROJECT_ROOT,
    )
    assert deployed.returncode == 0, deployed.stderr


def _application(head: Head) -> dict[str, Any]:
    """The application's status and its deployments' replicas, from the dashboard's Serve API."""
    response = httpx.get(f"{head.dashboard}/api/serve/applications/", timeout=10)
    response.raise_for_status()
    app: dict[str, Any] = response.json()["applications"].get("csagent") or {}
    return app


def _ingress_replicas(app: dict[str, Any]) -> set[str]:
    """The ids of the running ingress replicas."""
    replicas = app.get("deployments", {}).get("ingress", {}).get("replicas", [])
    return {r["replica_id"] for r in replicas if r["state"] == "RUNNING"}


def _until(check: Callable[[], bool], what: str, bound_s: float) -> float:
    """Poll `check` until it holds; the seconds it took. Fails naming `what` after `bound_s`."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < bound_s, f"not within {bound_s} s: {what}"
        time.sleep(0.5)
    return time.monotonic() - started


@dataclass
class Locust:
    """The Locust process and where its CSV statistics are written (every second while it runs)."""

    process: subprocess.Popen[bytes]
    prefix: Path
    stop_file: Path

    def stats(self) -> dict[str, Row]:
        """Its statistics so far by "<type> <name>" ({} while the file is missing or being rewritten)."""
        try:
            return {row.name: row for row in read_stats(Path(f"{self.prefix}_stats.csv"))}
        except (OSError, ValueError, KeyError):
            return {}

    def count(self, name: str) -> int:
        row = self.stats().get(name)
        return row.requests if row else 0

    def reconnects(self) -> dict[str, int]:
        return {
            name.removeprefix("WS reconnect "): row.requests
            for name, row in self.stats().items()
            if name.startswith("WS reconnect ")
        }


@pytest.fixture
def database() -> Iterator[str]:
    """A PostgreSQL database of this test's own: the session's `postgres_url` keeps other tests' conversations and
    rollouts, and this test counts every reply in its database and starts from grounded@1.0 live."""
    from tests.conftest import _drop_postgres_database, _postgres_database

    url = asyncio.run(_postgres_database())
    yield url
    asyncio.run(_drop_postgres_database(url))


@pytest.fixture
def locust(tmp_path: Path) -> Iterator[Callable[[int], Locust]]:
    """Starts Locust's `rollout` scenario against the app on a port; stops it (stop file, then a kill) at the end."""
    # Locust lives in requirements-load.txt (gevent stays out of the app and test environment); only its CLI runs.
    assert importlib.util.find_spec("locust"), "Locust is missing: pip install -r requirements-load.txt"
    started: list[Locust] = []

    def start(port: int) -> Locust:
        prefix, stop_file = tmp_path / "rollout", tmp_path / "stop"
        command = [*locust_command(port, prefix), "--stop-timeout", "60"]
        env = {**os.environ, "CSAGENT_SCENARIO": "rollout", "CSAGENT_STOP_FILE": str(stop_file)}
        with (tmp_path / "locust.log").open("wb") as log:
            process = subprocess.Popen(
                command, env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT
            )
        started.append(Locust(process, prefix, stop_file))
        return started[-1]

    yield start
    for run in started:
        run.stop_file.touch()
        try:
            run.process.wait(timeout=LOCUST_EXIT_S)
        except subprocess.TimeoutExpired:
            run.process.kill()
            run.process.wait()


class Probe:
    """The test's own conversations: blocking REST turns, each reply's version read from `meta.model`."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http
        session = http.post("/api/v1/auth/guest", json={}).json()
        self.headers = {"Authorization": f"Bearer {session['access_token']}"}

    def new_chat(self, *, canary_bucket: bool | None = None) -> str:
        """A new conversation; with `canary_bucket`, one whose hash does (or does not) fall in the canary's share."""
        while True:
            chat = str(self.http.post("/api/v1/conversations", json={}, headers=self.headers).json()["id"])
            if canary_bucket is None or (bucket(chat) < CANARY_PERCENT) == canary_bucket:
                return chat

    def version(self, chat: str) -> str:
        """One turn on `chat`; the version that answered it."""
        body = {"content": SOQL_QUESTION, "client_message_id": str(uuid.uuid4())}
        response = self.http.post(f"/api/v1/conversations/{chat}/messages", json=body, headers=self.headers)
        assert response.status_code == 200, response.text
        reply = response.json()["reply"]
        assert reply["status"] == "complete", reply
        assert reply["meta"]["model"]["name"] == "grounded", reply["meta"]
        return str(reply["meta"]["model"]["version"])

    def until_answered_by(self, version: str, chats: Callable[[], list[str]], bound_s: float) -> float:
        """Turns on `chats()` until every one of them is answered by `version`; the seconds it took. Each ingress
        replica reads the rollout through a 1.5 s cache, so for a moment the two may still disagree."""
        return _until(
            lambda: all(self.version(chat) == version for chat in chats()), f"all on {version}", bound_s
        )


class Admin:
    """The admin API with a token from `csagent admin token`'s function."""

    def __init__(self, http: httpx.Client, database_url: str) -> None:
        from serve.cli_admin import mint_admin_token
        from serve.settings import Settings

        token = asyncio.run(mint_admin_token(Settings(env="test", database_url=database_url)))
        self.http = http
        self.headers = {"Authorization": f"Bearer {token}"}

    def post(self, action: str, body: dict[str, Any]) -> httpx.Response:
        return self.http.post(f"/api/v1/admin/models/{action}", json=body, headers=self.headers)

    def last_audit(self) -> dict[str, Any]:
        entry: dict[str, Any] = self.http.get("/api/v1/admin/audit", headers=self.headers).json()["items"][0]
        return entry


async def _replies(database_url: str) -> tuple[int, list[tuple[int, str | None]], int]:
    """Over the whole database: the user messages, those whose reply is missing, empty or not complete (seq,
    reply status), and the replies still streaming."""
    engine = create_engine(database_url)
    reply = aliased(Message)
    try:
        async with engine.connect() as connection:
            users = (
                await connection.execute(
                    select(func.count()).select_from(Message).where(Message.role == "user")
                )
            ).scalar_one()
            streaming = (
                await connection.execute(
                    select(func.count()).select_from(Message).where(Message.status == "streaming")
                )
            ).scalar_one()
            rows = await connection.execute(
                select(Message.seq, reply.status, reply.content)
                .outerjoin(reply, reply.reply_to_id == Message.id)
                .where(Message.role == "user")
            )
            bad: list[tuple[int, str | None]] = [
                (seq, status) for seq, status, content in rows if status != "complete" or not content
            ]
            return users, bad, streaming
    finally:
        await engine.dispose()


def test_rollout_and_new_build_under_load_fail_no_turn(
    prepared: None,
    database: str,
    head: Head,
    locust: Callable[[int], Locust],
    tmp_path: Path,
) -> None:
    # Fixtures set up in this order and end in reverse: Locust stops, then the cluster, then its database goes.
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    _deploy(head, _config(port, database, "1"), tmp_path / "serve-build-1.yaml")
    wait_http(f"{base}/api/ready", 240)
    _until(lambda: len(_ingress_replicas(_application(head))) == 2, "two ingress replicas running", 120)

    load = locust(port)
    _until(lambda: load.count("WS model grounded@1.0") >= 4, "Locust's users answered by 1.0", 120)

    with httpx.Client(base_url=base, timeout=60) as http:
        admin, probe = Admin(http, database), Probe(http)

        # a. A canary at 50%: conversations begun now are split, each sticky to its version.
        body = {"name": "grounded", "version": "1.1", "percent": CANARY_PERCENT, "reason": "rollout e2e"}
        assert admin.post("canary", body).status_code == 200
        tried: list[str] = []

        def canary_answers_a_new_conversation() -> bool:
            tried.append(probe.new_chat(canary_bucket=True))
            return probe.version(tried[-1]) == "1.1"

        to_canary = _until(canary_answers_a_new_conversation, "a new conversation on the canary", 60)
        chats = [tried[-1]] + [probe.new_chat(canary_bucket=share) for share in (True, False, False)]
        seen = {chat: [probe.version(chat) for _ in range(3)] for chat in chats}
        assert all(len(set(versions)) == 1 for versions in seen.values()), f"sticky per conversation: {seen}"
        assert {versions[0] for versions in seen.values()} == {"1.0", "1.1"}, seen
        assert seen[chats[0]] == ["1.1"] * 3
        assert all(seen[chat] == ["1.0"] * 3 for chat in chats[2:]), "outside the canary's share: live"
        _until(lambda: load.count("WS model grounded@1.1") > 0, "Locust's new conversations reach 1.1", 120)

        # b. Promote: the gate refuses 1.1 (never evaluated); forced with a reason, the audit keeps it.
        refused = admin.post("promote", {"name": "grounded", "version": "1.1"})
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "eval_gate_failed", (
            refused.text
        )
        reason = "rollout e2e: shorter answers, gate overridden on purpose"
        promote = {"name": "grounded", "version": "1.1", "force": True, "reason": reason}
        assert admin.post("promote", promote).status_code == 200
        audit = admin.last_audit()
        assert (audit["action"], audit["version"], audit["reason"]) == ("promote", "1.1", reason)
        assert audit["details"]["forced"] is True and audit["details"]["gate"] != "passed", audit
        to_promoted = probe.until_answered_by("1.1", lambda: [probe.new_chat(), chats[2]], 60)

        # c. Rollback: every conversation, those pinned to 1.1 included, is answered by 1.0 at its next turn.
        assert admin.post("rollback", {"name": "grounded", "reason": "rollout e2e"}).status_code == 200
        to_rollback = probe.until_answered_by("1.0", lambda: [probe.new_chat(), chats[0], chats[1]], 60)

    # d. A new build: the same config with another runtime_env; Serve replaces every replica while Locust chats.
    before = _ingress_replicas(_application(head))
    turns_before = load.count("WS complete")
    _deploy(head, _config(port, database, "2"), tmp_path / "serve-build-2.yaml")

    def new_build_running() -> bool:
        app = _application(head)
        replicas = _ingress_replicas(app)
        return app.get("status") == "RUNNING" and len(replicas) == 2 and not replicas & before

    upgrade_s = _until(new_build_running, "both ingress replicas replaced and the app RUNNING", 240)
    _until(lambda: load.count("WS complete") >= turns_before + 8, "turns answered after the new build", 120)
    _until(lambda: bool(load.reconnects()), "Locust's users reconnected", 60)

    load.stop_file.touch()
    assert load.process.wait(timeout=LOCUST_EXIT_S) == 0, (tmp_path / "locust.log").read_text()[-4000:]
    stats = load.stats()
    failures = {name: row.failures for name, row in stats.items() if row.failures}
    reconnects = load.reconnects()
    turns = stats["WS complete"].requests
    back = [row for name, row in stats.items() if name.startswith("WS reconnect ")]
    print(
        f"\nrollout under load: {turns} turns, {failures or 'no'} failures, reconnects by close code "
        f"{reconnects} (back on a socket after p50 {max((r.p50_ms for r in back), default=0) / 1000:.1f} s, "
        f"p99 {max((r.p99_ms for r in back), default=0) / 1000:.1f} s), replies by version "
        f"{ {n.removeprefix('WS model '): r.requests for n, r in stats.items() if n.startswith('WS model ')} }; "
        f"canary → first reply by 1.1 {to_canary:.1f} s, promote → all on 1.1 {to_promoted:.1f} s, "
        f"rollback → all on 1.0 {to_rollback:.1f} s, new build → both ingress replicas replaced {upgrade_s:.1f} s"
    )
    assert failures == {}
    assert Path(f"{load.prefix}_failures.csv").read_text().count("\n") <= 1, "no failure rows"
    assert Path(f"{load.prefix}_exceptions.csv").read_text().count("\n") <= 1, (
        "no exceptions in Locust's users"
    )
    assert turns > 0
    assert stats["WS model grounded@1.0"].requests > 0 and stats["WS model grounded@1.1"].requests > 0
    assert reconnects, "the new build closed the sockets and the users came back"
    # Each socket was closed by its draining replica with 1012 (service restart), never cut off (1006).
    assert set(reconnects) == {"1012"}, reconnects

    # Every message a user sent (Locust's and the probes') has exactly one complete reply: none failed, none left
    # streaming (a turn a stopped user left half-read still finishes on the server).
    _until(lambda: asyncio.run(_replies(database))[2] == 0, "no reply still streaming", 90)
    users, unanswered, _ = asyncio.run(_replies(database))
    assert users >= turns and unanswered == [], unanswered[:5]
