"""`make bench-rest`: REST throughput and latency of csagent (through Ray Serve) next to a bare FastAPI app doing
the same database work, in the same run, on this machine. The ratio is the cost of the serving layer. A third run,
csagent's own app under plain uvicorn (loadtests/plain_app.py), splits that cost in two: our layers (auth,
validation, middleware, metrics) and Ray Serve's (proxy actor + replica hop).

Each virtual user: start a session, create a conversation, then for the run's duration alternately list its
messages and create another conversation.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from loadtests.bench import _free_port, _percentile, start_cluster, stop_process_group
from loadtests.haproxy_env import haproxy_env

# (name, method, path, JSON body)
Call = tuple[str, str, str, dict[str, object] | None]


@dataclass
class Samples:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: int = 0


async def _csagent_user(client: httpx.AsyncClient, until: float, samples: Samples) -> None:
    session = (await client.post("/api/v1/auth/guest", json={})).json()
    headers = {"Authorization": f"Bearer {session['access_token']}"}
    conversation = (await client.post("/api/v1/conversations", json={}, headers=headers)).json()["id"]
    calls: list[Call] = [
        ("list messages", "GET", f"/api/v1/conversations/{conversation}/messages", None),
        ("create conversation", "POST", "/api/v1/conversations", {}),
    ]
    await _loop(client, calls, headers, until, samples)


async def _bare_user(client: httpx.AsyncClient, until: float, samples: Samples) -> None:
    ids = (await client.post("/guest")).json()
    conversation = (await client.post(f"/conversations/{ids['org_id']}/{ids['user_id']}")).json()["id"]
    calls: list[Call] = [
        ("list messages", "GET", f"/conversations/{conversation}/messages", None),
        ("create conversation", "POST", f"/conversations/{ids['org_id']}/{ids['user_id']}", None),
    ]
    await _loop(client, calls, {}, until, samples)


async def _loop(
    client: httpx.AsyncClient,
    calls: list[Call],
    headers: dict[str, str],
    until: float,
    samples: Samples,
) -> None:
    turn = 0
    while time.monotonic() < until:
        name, method, path, body = calls[turn % len(calls)]
        turn += 1
        started = time.perf_counter()
        response = await client.request(method, path, json=body, headers=headers)
        samples.latencies[name].append((time.perf_counter() - started) * 1000)
        if response.status_code >= 400:
            samples.errors += 1


async def _drive(base: str, users: int, seconds: float, bare: bool) -> tuple[Samples, float]:
    samples = Samples()
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        until = time.monotonic() + seconds
        user = _bare_user if bare else _csagent_user
        started = time.monotonic()
        await asyncio.gather(*(user(client, until, samples) for _ in range(users)))
        return samples, time.monotonic() - started


def _report(label: str, samples: Samples, elapsed: float) -> float:
    total = sum(len(v) for v in samples.latencies.values())
    rps = total / elapsed
    print(f"\n{label}: {total} requests in {elapsed:.1f} s = {rps:.0f} req/s, {samples.errors} errors")
    for name, values in sorted(samples.latencies.items()):
        print(f"  {name:22} p50 {_percentile(values, 0.5):7.1f} ms   p99 {_percentile(values, 0.99):7.1f} ms")
    return rps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument(
        "--database-url",
        default=None,
        help="the same database for both apps, e.g. postgresql+asyncpg://root@127.0.0.1:5432/csagent_bench "
        "(default: a fresh SQLite file each)",
    )
    parser.add_argument(
        "--haproxy",
        action="store_true",
        help="run the cluster with ray.haproxy_ingress (HAProxy straight to the ingress replicas)",
    )
    parser.add_argument(
        "--production",
        action="store_true",
        help="the cluster and the plain app in the production profile (config/production.yaml, its HAProxy "
        "ingress included), on loopback with a local cluster and a throw-away JWT key; needs --database-url",
    )
    args = parser.parse_args()
    if args.production:
        if not args.database_url:
            parser.error("--production needs --database-url (PostgreSQL, as in production)")
        os.environ.update(
            {
                "CSAGENT_CONFIG": "config/production.yaml",
                "CSAGENT_RAY__ADDRESS": "",  # a cluster of our own, not `auto`
                "CSAGENT_HTTP_HOST": "127.0.0.1",
                "CSAGENT_AUTH__JWT_SECRET": secrets.token_hex(32),
            }
        )
        args.haproxy = True  # the profile's ray.haproxy_ingress
    if args.haproxy:
        os.environ["CSAGENT_RAY__HAPROXY_INGRESS"] = "true"
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    Path("var").mkdir(exist_ok=True)
    bare_port = _free_port()
    bare_db = Path("var") / f"bare-{bare_port}.db"
    bare = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "loadtests.bare_app:app",
            "--port",
            str(bare_port),
            "--log-level",
            "warning",
        ],
        env={**os.environ, "CSAGENT_DATABASE_URL": args.database_url or f"sqlite+aiosqlite:///{bare_db}"},
        start_new_session=True,
        # Ray runs its workers at nice 15; the baseline gets the same priority, so neither wins the CPU from the
        # load generator unfairly.
        preexec_fn=lambda: os.nice(15),  # noqa: PLW1509 - only sets the child's priority
    )
    plain_port = _free_port()
    plain = subprocess.Popen(
        [sys.executable, "-m", "loadtests.plain_app", "--port", str(plain_port)],
        env={
            **os.environ,
            "CSAGENT_DATABASE_URL": args.database_url or f"sqlite+aiosqlite:///var/plain-{plain_port}.db",
            "CSAGENT_RATE_LIMIT__ENABLED": "false",
        },
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=lambda: os.nice(15),  # noqa: PLW1509 - only sets the child's priority
    )
    port = _free_port()
    extra = haproxy_env() if args.haproxy else {}
    cluster, _ = start_cluster(
        port, Path("var") / f"rest-{port}.db", database_url=args.database_url, extra_env=extra
    )
    try:
        for url in (f"http://127.0.0.1:{bare_port}/docs", f"http://127.0.0.1:{plain_port}/api/ready"):
            for _ in range(300):
                try:
                    if httpx.get(url, timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.2)
        database = "PostgreSQL" if args.database_url else "SQLite"
        ingress = "HAProxy ingress" if args.haproxy else "Serve's Python proxy"
        profile = "production profile" if args.production else "development profile"
        print(
            f"{args.users} concurrent users, {args.seconds:.0f} s each, {database}, one ingress replica, {ingress}, "
            f"{profile}"
        )
        served = _report(
            "csagent (Ray Serve)",
            *asyncio.run(_drive(f"http://127.0.0.1:{port}", args.users, args.seconds, False)),
        )
        unserved = _report(
            "csagent app, plain uvicorn (no Serve)",
            *asyncio.run(_drive(f"http://127.0.0.1:{plain_port}", args.users, args.seconds, False)),
        )
        baseline = _report(
            "bare FastAPI, same DB work",
            *asyncio.run(_drive(f"http://127.0.0.1:{bare_port}", args.users, args.seconds, True)),
        )
        print(f"\nthroughput ratio csagent / bare = {served / baseline:.2f} (goal >= 0.8)")
        print(f"  our layers (plain uvicorn / bare)  = {unserved / baseline:.2f}")
        print(f"  Ray Serve (Serve / plain uvicorn)  = {served / unserved:.2f}")
    finally:
        for process in (cluster, bare, plain):
            stop_process_group(process)
        if "RAY_SERVE_HAPROXY_SERVER_STATE_BASE" in extra:
            shutil.rmtree(extra["RAY_SERVE_HAPROXY_SERVER_STATE_BASE"], ignore_errors=True)
        for path in Path("var").glob("bare-*.db*"):
            path.unlink(missing_ok=True)
        for path in [*Path("var").glob("rest-*.db*"), *Path("var").glob("plain-*.db*")]:
            path.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
