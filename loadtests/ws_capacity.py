"""`make bench-ws`: how many WebSockets one ingress replica holds, and how fast it delivers while it holds them.

1. A local cluster with one ingress replica (Redis broker, as in production) and `--sockets` WebSockets (default
   10,000), opened by `--clients` client processes (one Python process cannot drive 10,000 sockets and read their
   traffic in time). Users as guests, ten sockets each (under `chat.ws_max_sockets_per_user`), one conversation per
   socket, every socket subscribed. The guests and conversations are written straight to the database with the
   app's own store functions and their access tokens signed with the install's key (`--seed rest` makes them
   through the REST API instead): what is measured is holding sockets, and the REST setup of 10,000 of them would
   keep the one ingress replica's core busy for ~40 minutes on a 2-core machine. The per-IP cap (`chat.ws_max_sockets_per_ip`) is raised for this run: every
   socket comes from 127.0.0.1. Memory per socket = (ingress replica PSS after - before) / sockets, and the same for
   Serve's proxy actor or HAProxy, which hold the client side of each socket.
2. `--streaming` of those conversations (default 1,000) stream an assistant reply at once: the benchmark publishes
   `assistant.delta` events on each conversation's Redis channel, exactly as a turn's runner does, one every
   `--delta-interval-s` per conversation. Each delta's text is its publication time, so the client measures
   delivery (Redis -> ingress -> proxy -> socket) without a server clock of its own; client and server share this
   machine's clock. Meanwhile a separate process asks `/api/health` every 100 ms on a kept-alive connection.

Open files: each socket is one descriptor in the ingress replica and one or two in the proxy. The cluster inherits
the soft `ulimit -n` of the shell that starts it, so the benchmark raises its own soft limit to the hard one before
starting the cluster (children inherit it) and in each client; it stops early when the hard limit is too low.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import multiprocessing as mp
import os
import resource
import shutil
import sys
import tempfile
import time
import uuid
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx
import psutil
import yaml
from redis.asyncio import Redis
from websockets.asyncio.client import ClientConnection, connect

from loadtests.bench import _free_port, _percentile, start_cluster, stop_cluster
from loadtests.haproxy_env import haproxy_env
from serve.chat.redis_broker import channel

SOCKETS_PER_USER = 10
OPEN_CONCURRENCY = 32  # requests in flight per client process while the sockets open
HEALTH_EVERY_S = 0.1


def raise_open_files(needed: int) -> int:
    """Raise this process's soft RLIMIT_NOFILE to the hard limit; the new soft limit (children inherit it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, needed)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target


def _pss_mib(root: int, marker: str) -> float:
    """PSS of the processes under `root` whose command line holds `marker` (Ray sets the replica's title)."""
    total, found = 0, False
    for process in psutil.Process(root).children(recursive=True):
        try:
            if marker in " ".join(process.cmdline()):
                total += process.memory_full_info().pss
                found = True
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total / 2**20 if found else float("nan")


def _serve_config(sockets: int) -> Path:
    """config/serve.yaml with exactly one ingress replica, its slots sized for every socket (one each)."""
    config = yaml.safe_load(Path("config/serve.yaml").read_text())
    for deployment in config["applications"][0]["deployments"]:
        if deployment["name"] == "ingress":
            deployment.pop("autoscaling_config", None)
            deployment["num_replicas"] = 1
            deployment["max_ongoing_requests"] = sockets + 500
    handle, name = tempfile.mkstemp(prefix="serve-ws-", suffix=".yaml", dir="var")
    with os.fdopen(handle, "w") as out:
        yaml.safe_dump(config, out)
    return Path(name)


# --- client processes -------------------------------------------------------------------------------------------


async def _post(http: httpx.AsyncClient, path: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """POST with a few retries: a run of 10,000 setups on a busy machine meets the odd 503 or reset."""
    for attempt in range(5):
        try:
            response = await http.post(path, json={}, headers=headers)
            if response.status_code < 300:
                return dict(response.json())
            failure = f"{response.status_code} {response.text[:200]}"
        except httpx.HTTPError as exc:
            failure = repr(exc)
        await asyncio.sleep(0.5 * 2**attempt)
    raise RuntimeError(f"POST {path} failed five times, last: {failure}")


async def _rest_user(http: httpx.AsyncClient, count: int) -> list[tuple[str, str]]:
    """A guest and `count` conversations through the REST API: (token, conversation id) pairs."""
    token = (await _post(http, "/api/v1/auth/guest"))["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    return [(token, str((await _post(http, "/api/v1/conversations", headers))["id"])) for _ in range(count)]


async def _subscribe(
    port: int, token: str, conversation: str, retries: list[int]
) -> tuple[str, ClientConnection]:
    """A socket subscribed for sure: the server answers a socket's frames in order, so the `pong` to a ping sent
    after `subscribe` says the subscription is in place. `service_unavailable` (the store could not answer in
    time) is retried as a client should, each retry counted in `retries`; any other error stops the run."""
    ws = await connect(f"ws://127.0.0.1:{port}/api/v1/ws?token={token}", open_timeout=120)
    for attempt in range(8):
        await ws.send(json.dumps({"type": "subscribe", "conversation_id": conversation, "after_seq": 0}))
        await ws.send(json.dumps({"type": "ping"}))
        while (event := json.loads(await ws.recv()))["type"] not in ("pong", "error"):
            continue
        if event["type"] == "pong":
            return conversation, ws
        if event.get("code") != "service_unavailable":
            raise RuntimeError(f"subscribe refused: {event}")
        retries.append(1)
        await asyncio.sleep(0.5 * 2**attempt)
    raise RuntimeError("subscribe answered service_unavailable eight times")


async def _open_user(
    http: httpx.AsyncClient,
    port: int,
    gate: asyncio.Semaphore,
    pairs: list[tuple[str, str]] | int,
    retries: list[int],
) -> list[tuple[str, ClientConnection]]:
    """One user's sockets: `pairs` seeded beforehand, or that many made through REST first."""
    async with gate:
        seeded = pairs if isinstance(pairs, list) else await _rest_user(http, pairs)
        return list(await asyncio.gather(*(_subscribe(port, token, chat, retries) for token, chat in seeded)))


async def _read(ws: ClientConnection, latencies: list[float], errors: list[str]) -> None:
    with contextlib.suppress(Exception):
        async for raw in ws:
            event = json.loads(raw)
            if event["type"] == "assistant.delta":
                latencies.append((time.time() - float(event["delta"])) * 1000)
            elif event["type"] == "error":
                errors.append(str(event.get("code")))
    if ws.close_code not in (None, 1000):
        errors.append(f"closed {ws.close_code}")


async def _client_main(port: int, work: list[list[tuple[str, str]]] | int, conn: Connection) -> None:
    """Open this client's sockets (`work`: seeded users' (token, conversation) pairs, or a count to make through
    REST), report their conversations, read until told to stop, then report what was read."""
    gate = asyncio.Semaphore(OPEN_CONCURRENCY // SOCKETS_PER_USER or 1)
    limits = httpx.Limits(max_connections=OPEN_CONCURRENCY, max_keepalive_connections=OPEN_CONCURRENCY)
    if isinstance(work, int):
        users: list[list[tuple[str, str]]] | list[int] = [SOCKETS_PER_USER] * (work // SOCKETS_PER_USER)
        if work % SOCKETS_PER_USER:
            users.append(work % SOCKETS_PER_USER)  # type: ignore[arg-type]
    else:
        users = work
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120, limits=limits) as http:
        retries: list[int] = []
        groups = await asyncio.gather(*(_open_user(http, port, gate, user, retries) for user in users))
    opened = [pair for group in groups for pair in group]
    latencies: list[float] = []
    errors: list[str] = []
    readers = [asyncio.create_task(_read(ws, latencies, errors)) for _, ws in opened]
    conn.send(([conversation for conversation, _ in opened], len(retries)))
    await asyncio.to_thread(conn.recv)  # the main process says: streaming is over
    await asyncio.sleep(1)  # the last deltas in flight
    conn.send((latencies, errors))
    for _, ws in opened:
        with contextlib.suppress(Exception):
            await ws.close()
    for reader in readers:
        reader.cancel()


def _client(port: int, work: list[list[tuple[str, str]]] | int, conn: Connection) -> None:
    sockets = work if isinstance(work, int) else sum(len(user) for user in work)
    raise_open_files(sockets + 100)
    asyncio.run(_client_main(port, work, conn))


async def _seed(sockets: int) -> list[list[tuple[str, str]]]:
    """Guests (ten conversations each) written with the app's store functions, in the database the cluster uses
    (the CSAGENT_* environment this process shares with it); per user, its (access token, conversation id) pairs."""
    from serve.security import issue_access_token
    from serve.settings import Settings
    from serve.storage import conversations, users
    from serve.storage.db import create_engine, session_factory, transaction

    settings = Settings()
    engine = create_engine(settings.resolved_database_url)
    seeded: list[list[tuple[str, str]]] = []
    try:
        factory = session_factory(engine)
        async with transaction(factory) as session:
            org = await users.get_or_create_organization(
                session=session, name=settings.auth.default_organization
            )
            org_id = org.id
        left = sockets
        while left > 0:
            async with transaction(factory) as session:  # a hundred users a transaction
                for _ in range(100):
                    if left <= 0:
                        break
                    user = await users.add_user(
                        session=session,
                        organization_id=org_id,
                        display_name="Guest",
                        language="en",
                        is_guest=True,
                    )
                    token = issue_access_token(
                        settings.auth, user_id=user.id, organization_id=org_id, role=user.role
                    )
                    count = min(SOCKETS_PER_USER, left)
                    chats = [
                        await conversations.add_conversation(
                            session=session,
                            organization_id=org_id,
                            user_id=user.id,
                            channel="web",
                            language="en",
                            context=None,
                        )
                        for _ in range(count)
                    ]
                    seeded.append([(token, str(chat.id)) for chat in chats])
                    left -= count
    finally:
        await engine.dispose()
    return seeded


def _health_probe(port: int, conn: Connection) -> None:
    """GET /api/health every 100 ms on one kept-alive connection until told to stop; sends the latencies."""
    samples: list[float] = []
    conn.send("ready")
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        while not conn.poll(HEALTH_EVERY_S):
            started = time.perf_counter()
            http.get("/api/health").raise_for_status()
            samples.append((time.perf_counter() - started) * 1000)
    conn.send(samples)


# --- the run ----------------------------------------------------------------------------------------------------


async def _stream(redis_url: str, conversations: list[str], seconds: float, interval: float) -> int:
    """Publish deltas on each conversation's channel, spread evenly over each interval; the count published."""
    redis = Redis.from_url(redis_url)
    message_ids = {c: str(uuid.uuid4()) for c in conversations}
    ticks_per_interval = 20
    per_tick = math.ceil(len(conversations) / ticks_per_interval)
    published, index, started = 0, 0, time.monotonic()
    try:
        tick = 0
        while time.monotonic() - started < seconds:
            batch = conversations[(tick % ticks_per_interval) * per_tick :][:per_tick]
            async with redis.pipeline(transaction=False) as pipe:
                for conversation in batch:
                    event = {
                        "type": "assistant.delta",
                        "conversation_id": conversation,
                        "message_id": message_ids[conversation],
                        "index": index,
                        "delta": f"{time.time():.6f}",
                    }
                    pipe.publish(
                        channel(uuid.UUID(conversation)), json.dumps({"event": event, "origin": None})
                    )
                await pipe.execute()
            published += len(batch)
            tick += 1
            if tick % ticks_per_interval == 0:
                index += 1
            next_at = started + tick * interval / ticks_per_interval
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
    finally:
        await redis.aclose()
    return published


def run(args: argparse.Namespace) -> None:
    limit = raise_open_files(args.sockets + 1000)
    print(f"open files: soft limit {limit} (the cluster inherits it; needs > {args.sockets} + ~1000)")
    # HAProxy holds two descriptors per connection (client and replica side) and asks for ~5,500 more.
    needed = 2 * (args.sockets + 1000) + 6000 if args.haproxy else args.sockets + 1000
    if limit < needed:
        raise SystemExit(f"raise the hard limit first: ulimit -Hn {needed} (it is {limit})")
    Path("var").mkdir(exist_ok=True)
    port = _free_port()
    database = Path("var") / f"ws-{port}.db"
    serve_config = _serve_config(args.sockets)
    extra = {
        "CSAGENT_REDIS_URL": args.redis_url,
        "CSAGENT_CHAT__WS_MAX_SOCKETS_PER_IP": str(args.sockets + 100),
        # Opening 10,000 sockets takes longer than an access token lives (15 min), and a socket closes with 4401
        # when its token expires. A real client refreshes and reconnects; this benchmark measures holding, so its
        # tokens live a day.
        "CSAGENT_AUTH__ACCESS_TOKEN_TTL_S": "86400",
    }
    if args.haproxy:
        extra["CSAGENT_RAY__HAPROXY_INGRESS"] = "true"
        # One connection per socket, plus the REST traffic (Ray's default cap is 4096).
        extra |= haproxy_env(maxconn=args.sockets + 1000)
    cluster, _ = start_cluster(
        port, database, database_url=args.database_url, serve_config=serve_config, extra_env=extra
    )
    holder = "haproxy" if args.haproxy else "ProxyActor"
    ctx = mp.get_context("spawn")
    try:
        time.sleep(5)  # the replica settles after its first requests
        ingress_before = _pss_mib(cluster.pid, "ServeReplica:csagent:ingress")
        proxy_before = _pss_mib(cluster.pid, holder)
        work: list[list[list[tuple[str, str]]]] | list[int]
        if args.seed == "db":
            os.environ["CSAGENT_DATABASE_URL"] = args.database_url or f"sqlite+aiosqlite:///{database}"
            os.environ["CSAGENT_AUTH__ACCESS_TOKEN_TTL_S"] = extra["CSAGENT_AUTH__ACCESS_TOKEN_TTL_S"]
            seeding = time.monotonic()
            seeded = asyncio.run(_seed(args.sockets))
            print(
                f"{len(seeded)} guests and {args.sockets} conversations seeded in {time.monotonic() - seeding:.0f} s"
            )
            work = [seeded[i :: args.clients] for i in range(args.clients)]
        else:
            work = [
                args.sockets // args.clients + (i < args.sockets % args.clients) for i in range(args.clients)
            ]
        pipes, clients = [], []
        opening = time.monotonic()
        for share in work:
            ours, theirs = ctx.Pipe()
            process = ctx.Process(target=_client, args=(port, share, theirs), daemon=True)
            process.start()
            pipes.append(ours)
            clients.append(process)
        conversations: list[str] = []
        retried = 0
        for pipe in pipes:
            opened, retries = pipe.recv()
            conversations += opened
            retried += retries
        opened_s = time.monotonic() - opening
        time.sleep(5)  # replays drained, memory settled
        ingress_after = _pss_mib(cluster.pid, "ServeReplica:csagent:ingress")
        proxy_after = _pss_mib(cluster.pid, holder)
        per_socket_kib = (ingress_after - ingress_before) * 1024 / len(conversations)
        proxy_kib = (proxy_after - proxy_before) * 1024 / len(conversations)
        print(
            f"{len(conversations)} sockets open and subscribed in {opened_s:.0f} s, {args.clients} client processes"
            f" ({retried} subscribes answered service_unavailable and retried)"
        )
        print(
            f"ingress replica PSS {ingress_before:.0f} -> {ingress_after:.0f} MiB = {per_socket_kib:.1f} KiB per socket"
        )
        print(f"{holder} PSS {proxy_before:.0f} -> {proxy_after:.0f} MiB = {proxy_kib:.1f} KiB per socket")

        ours, theirs = ctx.Pipe()
        probe = ctx.Process(target=_health_probe, args=(port, theirs), daemon=True)
        probe.start()
        ours.recv()  # the probe is up
        streaming = conversations[:: max(1, len(conversations) // args.streaming)][: args.streaming]
        published = asyncio.run(_stream(args.redis_url, streaming, args.seconds, args.delta_interval_s))
        ours.send("stop")
        health = ours.recv()
        probe.join(timeout=30)
        latencies: list[float] = []
        errors: list[str] = []
        for pipe in pipes:
            pipe.send("stop")
            got, failed = pipe.recv()
            latencies += got
            errors += failed
        for process in clients:
            process.join(timeout=60)
        print(
            f"{len(streaming)} conversations streaming for {args.seconds:.0f} s, one delta each every "
            f"{args.delta_interval_s} s: {published} deltas published, {len(latencies)} delivered, "
            f"{len(errors)} socket errors {sorted(set(errors))[:5]}"
        )
        print(
            f"  delta delivery  p50 {_percentile(latencies, 0.5):7.1f} ms  p99 {_percentile(latencies, 0.99):7.1f} ms"
            f"  max {max(latencies, default=float('nan')):7.1f} ms   (goal p99 < 100 ms)"
        )
        print(
            f"  /api/health     p50 {_percentile(health, 0.5):7.1f} ms  p99 {_percentile(health, 0.99):7.1f} ms"
            f"  ({len(health)} probes; goal p99 < 50 ms)"
        )
        ingress_end = _pss_mib(cluster.pid, "ServeReplica:csagent:ingress")
        print(f"ingress replica PSS after streaming {ingress_end:.0f} MiB")
    finally:
        stop_cluster(cluster, database, timeout_s=120)
        if "RAY_SERVE_HAPROXY_SERVER_STATE_BASE" in extra:
            shutil.rmtree(extra["RAY_SERVE_HAPROXY_SERVER_STATE_BASE"], ignore_errors=True)
        serve_config.unlink(missing_ok=True)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sockets", type=int, default=10_000)
    parser.add_argument(
        "--clients", type=int, default=4, help="client processes opening and reading the sockets"
    )
    parser.add_argument(
        "--streaming", type=int, default=1_000, help="conversations streaming a reply at once"
    )
    parser.add_argument(
        "--delta-interval-s", type=float, default=0.5, help="seconds between a conversation's deltas"
    )
    parser.add_argument("--seconds", type=float, default=20, help="how long the conversations stream")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--haproxy", action="store_true", help="the cluster with ray.haproxy_ingress")
    parser.add_argument(
        "--seed",
        choices=["db", "rest"],
        default="db",
        help="make the guests and conversations in the database directly (default) or through the REST API",
    )
    args = parser.parse_args()
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
