"""`make bench-ws`: how many concurrent WebSockets one ingress replica holds, and the fan-out latency.

Opens sockets in steps against a local cluster (one ingress replica), all subscribed, and after each step reports the
ingress replica's memory and the fan-out latency: one socket sends a message, and the time until every other socket
of that conversation (same user, like open tabs) receives it is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import time
import uuid
from pathlib import Path

import httpx
import psutil
from websockets.asyncio.client import ClientConnection, connect

from loadtests.bench import _free_port, _percentile, start_cluster


def _ingress_rss_mib(root: int) -> float:
    for process in psutil.Process(root).children(recursive=True):
        try:
            if "ServeReplica:csagent:ingress" in " ".join(process.cmdline()):
                return float(process.memory_info().rss) / 2**20
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return float("nan")


async def _open(url: str, conversation: str, count: int) -> list[ClientConnection]:
    sockets = []
    for _ in range(count):
        ws = await connect(url, max_size=2**20, open_timeout=60)
        await ws.send(json.dumps({"type": "subscribe", "conversation_id": conversation, "after_seq": 0}))
        sockets.append(ws)
    return sockets


async def _fan_out(
    sender: ClientConnection, listeners: list[ClientConnection], conversation: str
) -> list[float]:
    """Send a message on one socket; return the ms until each listener saw it (the user `message` event)."""
    cid = str(uuid.uuid4())

    async def wait(ws: ClientConnection) -> float:
        while True:
            event = json.loads(await ws.recv())
            if event["type"] == "message" and event["message"].get("client_message_id") == cid:
                return (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    waiting = [asyncio.create_task(wait(ws)) for ws in listeners]
    await sender.send(
        json.dumps(
            {
                "type": "message.send",
                "conversation_id": conversation,
                "client_message_id": cid,
                "content": "hello",
            }
        )
    )
    return list(await asyncio.wait_for(asyncio.gather(*waiting), timeout=120))


async def run(port: int, steps: list[int], root: int) -> None:
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        session = (await http.post("/api/v1/auth/guest", json={})).json()
        headers = {"Authorization": f"Bearer {session['access_token']}"}
        conversation = (await http.post("/api/v1/conversations", json={}, headers=headers)).json()["id"]
    url = f"ws://127.0.0.1:{port}/api/v1/ws?token={session['access_token']}"
    sockets: list[ClientConnection] = []
    print(
        f"{'sockets':>8} {'ingress RSS MiB':>16} {'fan-out p50 ms':>15} {'fan-out p99 ms':>15} {'health ms':>10}"
    )
    for target in steps:
        sockets += await _open(url, conversation, target - len(sockets))
        await asyncio.sleep(2)
        for ws in sockets:  # drain the replay and earlier events
            while True:
                try:
                    await asyncio.wait_for(ws.recv(), timeout=0.01)
                except TimeoutError:
                    break
        latencies = await _fan_out(sockets[0], sockets[1:], conversation)
        started = time.perf_counter()
        async with httpx.AsyncClient(timeout=30) as http:
            await http.get(f"{base}/api/health")
        health_ms = (time.perf_counter() - started) * 1000
        print(
            f"{len(sockets):8d} {_ingress_rss_mib(root):16.0f} {_percentile(latencies, 0.5):15.1f} "
            f"{_percentile(latencies, 0.99):15.1f} {health_ms:10.1f}",
            flush=True,
        )
    for ws in sockets:
        await ws.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", default="50,200,500,1000", help="socket counts to reach, comma-separated")
    args = parser.parse_args()
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    Path("var").mkdir(exist_ok=True)
    port = _free_port()
    database = Path("var") / f"ws-{port}.db"
    process, _ = start_cluster(port, database)
    try:
        asyncio.run(run(port, [int(n) for n in args.steps.split(",")], process.pid))
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=60)
        for path in database.parent.glob(database.name + "*"):
            path.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
