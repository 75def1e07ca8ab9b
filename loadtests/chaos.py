"""`make chaos`: faults under load, and what they cost: a benchmark that prints figures, not a test.

A local cluster (`csagent up`, loadtests/bench.py's start_cluster) on PostgreSQL and Redis with two ingress
replicas and a short reply lease, and a population of WebSocket chat clients in asyncio that behave like the UI:
every message has a `client_message_id`; a dropped socket reconnects through the proxy, subscribes with the last
`seq` it holds and sends again what was never acknowledged; a reply that stops arriving is re-subscribed for. While
they chat, on a schedule:

- random socket drops: a client's TCP connection is cut (no close frame) every `--drop-every-s`;
- an ingress replica crash: SIGKILL of one ingress replica's worker process (Serve starts a new one);
- a PostgreSQL restart (`pg_ctlcluster ... restart`);
- a Redis restart (`redis-cli shutdown nosave`, then `redis-server` again, empty).

Then the clients stop sending, finish what they have in flight, and every conversation's REST history is compared
with what the clients were acknowledged and shown. Printed: acknowledged, answered, lost, duplicated (goal 0 and 0)
and, per fault, its recovery time: until every message acknowledged before the fault has its reply ("backlog"), and
until every client has had a reply to a message it sent after the fault ("all served"). Restarting PostgreSQL and
Redis disturbs everything else using them on this machine: run it where that is acceptable.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import yaml
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidHandshake, WebSocketException

from loadtests.bench import QUESTIONS, _free_port, start_cluster, stop_process_group

INGRESS_MARKER = "ServeReplica:csagent:ingress"
STALL_S = 5.0  # no event for this long while a reply is due: subscribe again (a lost pub/sub event)
PG_RESTART = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main restart"
REDIS_START = "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no"


def now() -> float:
    return time.monotonic()


# --- the clients --------------------------------------------------------------------------------------------------


@dataclass
class Sent:
    cid: str
    content: str
    sent_at: float
    acked_at: float | None = None
    seq: int | None = None  # the stored user message's seq, from the ack
    answered_at: float | None = None


@dataclass
class ChatClient:
    """One user, one conversation, one socket at a time."""

    port: int
    token: str
    conversation_id: str
    number: int
    ws: ClientConnection | None = None
    sent: list[Sent] = field(default_factory=list)
    settled: dict[int, dict[str, Any]] = field(default_factory=dict)  # seq -> settled message as shown
    conflicts: list[int] = field(default_factory=list)  # seqs shown settled with two different contents
    dropped_at: float | None = None
    reconnect_s: list[float] = field(default_factory=list)
    resubscribes: int = 0

    def resume_point(self) -> int:
        seq = 0
        while seq + 1 in self.settled:
            seq += 1
        return seq

    def answered(self, item: Sent) -> bool:
        return item.seq is not None and item.seq + 1 in self.settled

    async def _subscribe(self) -> None:
        assert self.ws is not None
        frame = {
            "type": "subscribe",
            "conversation_id": self.conversation_id,
            "after_seq": self.resume_point(),
        }
        await self.ws.send(json.dumps(frame))

    async def _connect(self) -> None:
        self.ws = await connect(f"ws://127.0.0.1:{self.port}/api/v1/ws?token={self.token}", open_timeout=10)
        await self._subscribe()
        if self.dropped_at is not None:
            self.reconnect_s.append(now() - self.dropped_at)
            self.dropped_at = None

    def drop(self) -> bool:
        """Cut this client's TCP connection without a close frame (a network failure)."""
        if self.ws is None or self.ws.transport is None:
            return False
        self.ws.transport.abort()
        return True

    def _take(self, event: dict[str, Any], item: Sent) -> str | None:
        """Record an event; 'resend' when the server refused our message, 'resubscribe' for a refused subscribe."""
        kind = event["type"]
        if kind == "message.ack" and event["client_message_id"] == item.cid:
            item.seq = event["message"]["seq"]
            item.acked_at = item.acked_at or now()
            self.settled[item.seq] = event["message"]
        elif kind == "message" and event["message"]["status"] != "streaming":
            message = event["message"]
            shown = self.settled.get(message["seq"])
            if shown is not None and shown["content"] != message["content"]:
                self.conflicts.append(message["seq"])
            self.settled[message["seq"]] = message
        elif kind == "error":
            if event.get("client_message_id") == item.cid and item.seq is None:
                return "resend"
            if event.get("client_message_id") is None:
                return "resubscribe"
        return None

    async def exchange(self, content: str) -> None:
        """Send one message and return once its reply is held, whatever happens to sockets and servers."""
        item = Sent(str(uuid.uuid4()), content, now())
        self.sent.append(item)
        frame = json.dumps(
            {
                "type": "message.send",
                "conversation_id": self.conversation_id,
                "client_message_id": item.cid,
                "content": content,
            }
        )
        sent_on: ClientConnection | None = None
        while not self.answered(item):
            try:
                if self.ws is None:
                    await self._connect()
                assert self.ws is not None
                if item.seq is None and sent_on is not self.ws:
                    await self.ws.send(frame)
                    sent_on = self.ws
                try:
                    raw = await asyncio.wait_for(self.ws.recv(), STALL_S)
                except TimeoutError:
                    self.resubscribes += 1
                    await self._subscribe()
                    continue
                action = self._take(json.loads(raw), item)
                if action == "resend":
                    await asyncio.sleep(0.5)
                    sent_on = None
                elif action == "resubscribe":
                    await asyncio.sleep(0.5)
                    self.resubscribes += 1
                    await self._subscribe()
            except (WebSocketException, InvalidHandshake, OSError, TimeoutError):
                if self.ws is not None:
                    self.dropped_at = self.dropped_at or now()
                    self.ws = None
                await asyncio.sleep(0.3)
        item.answered_at = now()

    async def run(self, stop: asyncio.Event) -> None:
        turn = self.number
        while not stop.is_set():
            await self.exchange(QUESTIONS[turn % len(QUESTIONS)])
            turn += 1
            await asyncio.sleep(random.uniform(0.2, 1.0))
        if self.ws is not None:
            await self.ws.close()


async def _post(http: httpx.AsyncClient, path: str, token: str | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await http.post(path, json={}, headers=headers)
    response.raise_for_status()
    return dict(response.json())


async def _history(http: httpx.AsyncClient, client: ChatClient) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for attempt in range(30):
        try:
            while True:
                response = await http.get(
                    f"/api/v1/conversations/{client.conversation_id}/messages",
                    params={"after_seq": items[-1]["seq"] if items else 0, "limit": 200},
                    headers={"Authorization": f"Bearer {client.token}"},
                )
                response.raise_for_status()
                page = response.json()
                items += page["items"]
                if not page["has_more"]:
                    return items
        except httpx.HTTPError:
            await asyncio.sleep(min(2.0, 0.2 * 2**attempt))
    raise RuntimeError(f"no history for {client.conversation_id}")


# --- the faults ---------------------------------------------------------------------------------------------------


@dataclass
class Fault:
    name: str
    at: float
    backlog: list[tuple[ChatClient, Sent]]
    detail: str = ""
    took_s: float = 0.0  # how long the fault itself took to inject (a restart command)


def _shell(command: str) -> None:
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, timeout=120)


def kill_ingress_replica(cluster: psutil.Process) -> str:
    """SIGKILL one ingress replica's worker process of this cluster (never another cluster's)."""
    replicas = []
    for process in cluster.children(recursive=True):
        try:
            if INGRESS_MARKER in " ".join(process.cmdline()):
                replicas.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    if len(replicas) < 2:
        raise RuntimeError(f"expected two ingress replicas, found {len(replicas)}")
    victim = random.choice(replicas)
    victim.send_signal(signal.SIGKILL)
    return f"pid {victim.pid}"


def restart_postgres() -> str:
    _shell(PG_RESTART)
    return "pg_ctlcluster restart"


def restart_redis() -> str:
    subprocess.run(["redis-cli", "shutdown", "nosave"], capture_output=True, timeout=30)
    _shell(REDIS_START)
    for _ in range(100):
        if subprocess.run(["redis-cli", "ping"], capture_output=True, text=True).stdout.strip() == "PONG":
            return "shutdown nosave, redis-server"
        time.sleep(0.1)
    raise RuntimeError("redis did not come back")


# --- the run ------------------------------------------------------------------------------------------------------


async def _admin(url: str, statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _serve_config() -> Path:
    """config/serve.yaml with exactly two ingress replicas (no autoscaling: a kill must leave one running)."""
    config = yaml.safe_load(Path("config/serve.yaml").read_text())
    for deployment in config["applications"][0]["deployments"]:
        if deployment["name"] == "ingress":
            deployment.pop("autoscaling_config", None)
            deployment["num_replicas"] = 2
    Path("var").mkdir(exist_ok=True)
    handle, name = tempfile.mkstemp(prefix="serve-chaos-", suffix=".yaml", dir="var")
    with os.fdopen(handle, "w") as out:
        yaml.safe_dump(config, out)
    return Path(name)


async def chaos(args: argparse.Namespace, port: int, cluster: psutil.Process) -> int:
    base = f"http://127.0.0.1:{port}"
    faults: list[Fault] = []
    drops: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        clients = []
        for number in range(args.clients):
            session = await _post(http, "/api/v1/auth/guest")
            chat = await _post(http, "/api/v1/conversations", session["access_token"])
            clients.append(ChatClient(port, session["access_token"], chat["id"], number))
        stop = asyncio.Event()
        started = now()
        tasks = [asyncio.create_task(client.run(stop)) for client in clients]

        def backlog() -> list[tuple[ChatClient, Sent]]:
            return [(c, s) for c in clients for s in c.sent if s.seq is not None and not c.answered(s)]

        async def inject(name: str, action: Any) -> None:
            fault = Fault(name, now(), backlog())
            fault.detail = await asyncio.to_thread(action)
            fault.took_s = now() - fault.at
            faults.append(fault)
            print(f"[{now() - started:6.1f} s] {name}: {fault.detail}", flush=True)

        schedule = [
            (when, name, action)
            for when, key, name, action in [
                (
                    args.duration_s * 0.2,
                    "kill",
                    "ingress replica killed",
                    lambda: kill_ingress_replica(cluster),
                ),
                (args.duration_s * 0.45, "postgres", "PostgreSQL restarted", restart_postgres),
                (args.duration_s * 0.7, "redis", "Redis restarted", restart_redis),
            ]
            if key in args.faults
        ]
        next_drop = started + args.drop_every_s if "drops" in args.faults else float("inf")
        while now() - started < args.duration_s:
            if schedule and now() - started >= schedule[0][0]:
                _at, name, action = schedule.pop(0)
                await inject(name, action)
            if now() >= next_drop:
                if random.choice(clients).drop():
                    drops.append(now())
                next_drop += args.drop_every_s
            await asyncio.sleep(0.05)
        stop.set()
        done, pending = await asyncio.wait(tasks, timeout=args.drain_s)
        for task in pending:
            task.cancel()
        histories = [await _history(http, client) for client in clients]
    report(clients, histories, faults, drops, len(pending))
    return 0


def _recovery(fault: Fault, clients: list[ChatClient]) -> tuple[float | None, float | None]:
    """(backlog answered, all clients served again) in seconds after the fault; None when it never happened."""
    answered_at = [s.answered_at for _c, s in fault.backlog]
    backlog_s: float | None = 0.0
    if answered_at:
        done = [t for t in answered_at if t is not None]
        backlog_s = max(done) - fault.at if len(done) == len(answered_at) else None
    served = []
    for client in clients:
        after = [s.answered_at for s in client.sent if s.sent_at >= fault.at and s.answered_at is not None]
        if not after:
            return backlog_s, None
        served.append(min(after) - fault.at)
    return backlog_s, max(served)


def report(
    clients: list[ChatClient],
    histories: list[list[dict[str, Any]]],
    faults: list[Fault],
    drops: list[float],
    unfinished_clients: int,
) -> None:
    acknowledged = answered = failed = lost = duplicated = 0
    for client, history in zip(clients, histories, strict=True):
        by_seq = {m["seq"]: m for m in history}
        stored = Counter(m["client_message_id"] for m in history if m["role"] == "user")
        duplicated += sum(count - 1 for count in stored.values())  # one message stored twice
        users = sum(1 for m in history if m["role"] == "user")
        assistants = sum(1 for m in history if m["role"] == "assistant")
        duplicated += max(0, assistants - users)  # replies are stored with their message; more is a duplicate
        duplicated += len(client.conflicts)  # a reply shown settled twice with different text
        for item in client.sent:
            if item.seq is None:
                continue
            acknowledged += 1
            user, reply = by_seq.get(item.seq), by_seq.get(item.seq + 1)
            if (
                user is None
                or user["client_message_id"] != item.cid
                or reply is None
                or reply["role"] != "assistant"
            ):
                lost += 1
            elif reply["status"] == "complete":
                answered += 1
                shown = client.settled.get(item.seq + 1)
                if shown is not None and shown["content"] != reply["content"]:
                    duplicated += 1  # the client was shown a reply that storage no longer holds
            elif reply["status"] == "failed":
                failed += 1
            else:
                lost += 1  # still streaming after the drain: never finished
    never_acked = sum(1 for c in clients for s in c.sent if s.seq is None)
    reconnects = [s for c in clients for s in c.reconnect_s]
    print("\n## Chaos run")
    print(f"clients {len(clients)}, socket drops {len(drops)}, reconnects {len(reconnects)}", end="")
    if reconnects:
        print(f" (reconnect p50 {statistics.median(reconnects):.2f} s, max {max(reconnects):.2f} s)", end="")
    print(f", re-subscribes after a stall or refusal {sum(c.resubscribes for c in clients)}")
    print(f"acknowledged {acknowledged}")
    print(f"answered     {answered}")
    print(f"failed       {failed}  (a stored `failed` reply: answered, but with an apology)")
    print(f"lost         {lost}")
    print(f"duplicated   {duplicated}")
    print(f"sent but never acknowledged when the run ended: {never_acked} (the client would send them again)")
    if unfinished_clients:
        print(f"clients still waiting when the drain ended: {unfinished_clients}")
    print(f"\n{'fault':26} {'inject s':>9} {'in flight':>10} {'backlog answered s':>19} {'all served s':>13}")
    for fault in faults:
        backlog_s, served_s = _recovery(fault, clients)
        print(
            f"{fault.name:26} {fault.took_s:9.1f} {len(fault.backlog):10} {_seconds(backlog_s):>19} "
            f"{_seconds(served_s):>13}"
        )


def _seconds(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "never"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16, help="WebSocket chat clients")
    parser.add_argument("--duration-s", type=float, default=120.0, help="how long the clients send")
    parser.add_argument(
        "--drop-every-s", type=float, default=3.0, help="a random client's socket is cut this often"
    )
    parser.add_argument(
        "--drain-s", type=float, default=120.0, help="time to finish what is in flight at the end"
    )
    parser.add_argument("--lease-s", type=float, default=5.0, help="chat.reply_lease_s for this run")
    parser.add_argument(
        "--postgres-admin-url",
        default="postgresql://root@127.0.0.1:5432/test",
        help="a database on the server to restart; the run creates and drops its own database there",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--faults",
        type=lambda text: set(text.split(",")),
        default={"drops", "kill", "postgres", "redis"},
        help="which faults to inject, comma-separated (default all): drops,kill,postgres,redis",
    )
    parser.add_argument(
        "--seed", type=int, default=13, help="seed of the random drops and the replica chosen"
    )
    args = parser.parse_args()
    random.seed(args.seed)

    database = f"csagent_chaos_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(args.postgres_admin_url, f'CREATE DATABASE "{database}"'))
    server = args.postgres_admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    serve_config = _serve_config()
    port = _free_port()
    process = None
    try:
        process, cold_s = start_cluster(
            port,
            Path("var/chaos-unused.db"),  # database_url points it at PostgreSQL
            database_url=f"{server}/{database}",
            serve_config=serve_config,
            extra_env={
                "CSAGENT_REDIS_URL": args.redis_url,
                "CSAGENT_CHAT__REPLY_LEASE_S": str(args.lease_s),
                "CSAGENT_CHAT__SWEEP_INTERVAL_S": "1",
                "CSAGENT_RAY__HAPROXY_INGRESS": "false",
                "CSAGENT_RAY__INCLUDE_DASHBOARD": "false",
            },
        )
        print(
            f"cluster ready in {cold_s:.1f} s on port {port}: two ingress replicas, PostgreSQL, Redis",
            flush=True,
        )
        print(
            f"reply lease {args.lease_s} s, sweep every 1 s; {args.clients} clients for {args.duration_s:.0f} s"
        )
        return asyncio.run(chaos(args, port, psutil.Process(process.pid)))
    finally:
        if process is not None:
            stop_process_group(process)
        serve_config.unlink(missing_ok=True)
        asyncio.run(_admin(args.postgres_admin_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


if __name__ == "__main__":
    raise SystemExit(main())
