"""`make bench`: the serving core's figures, measured on this machine and printed.

1. Intent accuracy and out-of-scope recall on the held-out split.
2. Cold start: `csagent up` (a real subprocess, a fresh Ray cluster) until /api/ready answers 200.
3. Chat turns through the cluster over a real WebSocket: latency p50/p99 split into nlp, retrieval, generation
   and storage; time to first token as the client sees it, next to the raw engine's own on the same prompt.
4. Plain language: the share of answers with Flesch reading ease > 60.
5. Idle memory of the cluster (PSS of every process of the cluster's process tree).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import psutil
from websockets.sync.client import connect

from models.readability import flesch_reading_ease

QUESTIONS = [
    "I get 'System.LimitException: Too many SOQL queries: 101' in my trigger, how do I fix it?",
    "How do I reset my password?",
    "Apex CPU time limit exceeded, what can I do?",
    "How do I set up multi-factor authentication for my users?",
    "My record-triggered flow fails with an unhandled fault. How do I debug it?",
    "How can I import 20,000 contacts from a CSV file?",
    "What is the difference between a profile and a permission set?",
    "Why can't a user see an account record owned by someone else?",
    "How do I refresh a sandbox and how often can I do it?",
    "We hit REQUEST_LIMIT_EXCEEDED on the API, how do I check our usage?",
    "How do I write a test class to get 75% code coverage?",
    "Emails sent to our support address are not creating cases",
    "Agents are not receiving work in Omni-Channel",
    "My report shows no data even though records exist",
    "What does FIELD_CUSTOM_VALIDATION_EXCEPTION mean?",
    "How do I deploy changes from a sandbox to production with change sets?",
]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def intent_figures() -> None:
    from models.config import resolve_path
    from models.nlp.intent import IntentClassifier
    from pipelines.intents.evaluate import evaluate

    classifier = IntentClassifier.load(resolve_path(Path("var/models/intent")), 0.7)
    result = evaluate(classifier)
    print("\n## Intent classifier (held-out split)")
    print(f"examples {result.examples}")
    print(f"in-scope accuracy      {result.in_scope_accuracy:.3f}")
    print(f"overall accuracy       {result.overall_accuracy:.3f}")
    print(f"out-of-scope recall    {result.out_of_scope_recall:.3f}")
    print(f"out-of-scope precision {result.out_of_scope_precision:.3f}")


def raw_engine_ttft(question: str) -> float:
    """The grounded engine's own time to first chunk on the same prompt (its passages retrieved beforehand)."""
    from deployments.retrieval import RetrievalDeployment
    from models.engines.base import GenerationRequest, TextChunk
    from models.engines.grounded import GroundedEngine
    from models.retrieval import Passage

    async def measure() -> float:
        retrieval = RetrievalDeployment({})
        await retrieval.start()
        found = await retrieval.search(question)
        passages = [Passage.model_validate(p) for p in found["passages"]]
        engine = GroundedEngine("grounded", "1.0", max_sentences=8)
        samples = []
        for _ in range(50):
            started = time.perf_counter()
            async for item in engine.stream(GenerationRequest(question=question, passages=passages)):
                if isinstance(item, TextChunk):
                    samples.append((time.perf_counter() - started) * 1000)
                    break
        return statistics.median(samples)

    return asyncio.run(measure())


def start_cluster(
    port: int,
    database: Path,
    *,
    rate_limits: bool = False,
    database_url: str | None = None,
    serve_config: Path | None = None,
    extra_env: dict[str, str] | None = None,
) -> tuple[subprocess.Popen[bytes], float]:
    """`csagent up` in a new process group on `port`; returns it and the seconds until /api/ready said 200.

    Rate limits are off by default: a benchmark measures the serving path, not the limiter.
    """
    env = {
        **os.environ,
        "CSAGENT_RATE_LIMIT__ENABLED": "true" if rate_limits else "false",
        "CSAGENT_HTTP_PORT": str(port),
        "CSAGENT_DATABASE_URL": database_url or f"sqlite+aiosqlite:///{database}",
        "CSAGENT_RAY__INCLUDE_DASHBOARD": "true",
        "CSAGENT_RAY__DASHBOARD_PORT": str(_free_port()),
        **(extra_env or {}),
    }
    started = time.monotonic()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "serve.cli",
            "up",
            *(["--serve-config", str(serve_config)] if serve_config else []),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = started + 300
    with httpx.Client(timeout=5) as http:
        while time.monotonic() < deadline:
            try:
                if http.get(f"http://127.0.0.1:{port}/api/ready").status_code == 200:
                    return process, time.monotonic() - started
            except httpx.HTTPError:
                pass
            if process.poll() is not None:
                raise RuntimeError("csagent up exited before it was ready")
            time.sleep(0.25)
    raise RuntimeError("csagent up was not ready within 300 s")


def stop_process_group(process: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    """SIGINT to the process group `start_cluster` (or any `start_new_session` child) made, SIGKILL after `timeout_s`."""
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout_s)


def stop_cluster(process: subprocess.Popen[bytes], database: Path, timeout_s: float = 60) -> None:
    """Stop what `start_cluster` started and delete its SQLite database (with its -wal and -shm files)."""
    stop_process_group(process, timeout_s)
    for path in database.parent.glob(database.name + "*"):
        path.unlink(missing_ok=True)


def cluster_memory_mib(root: int) -> float:
    """PSS of csagent's process and every Ray process it started (raylet, GCS, workers, dashboard)."""
    total = 0
    parent = psutil.Process(root)
    for process in [parent, *parent.children(recursive=True)]:
        try:
            total += process.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total / 2**20


def chat_turns(
    port: int, rounds: int, questions: list[str] = QUESTIONS, timeout_s: float = 60
) -> list[dict[str, Any]]:
    """Each question in a new conversation over one WebSocket, `rounds` times; the first round is the warm-up."""
    base = f"http://127.0.0.1:{port}"
    results = []
    with httpx.Client(base_url=base, timeout=timeout_s) as http:
        session = http.post("/api/v1/auth/guest", json={}).json()
        headers = {"Authorization": f"Bearer {session['access_token']}"}
        with connect(f"ws://127.0.0.1:{port}/api/v1/ws?token={session['access_token']}") as ws:
            for round_number in range(rounds):
                for question in questions:
                    chat = http.post("/api/v1/conversations", json={}, headers=headers).json()
                    ws.send(json.dumps({"type": "subscribe", "conversation_id": chat["id"], "after_seq": 0}))
                    sent = time.perf_counter()
                    ws.send(
                        json.dumps(
                            {
                                "type": "message.send",
                                "conversation_id": chat["id"],
                                "client_message_id": str(uuid.uuid4()),
                                "content": question,
                            }
                        )
                    )
                    first_delta = ack = None
                    while True:
                        event = json.loads(ws.recv(timeout=timeout_s))
                        now = time.perf_counter()
                        if event["type"] == "error":
                            raise RuntimeError(
                                f"server refused the turn: {event['code']}: {event['message']}"
                            )
                        if event["type"] == "message.ack" and ack is None:
                            ack = now - sent
                        if event["type"] == "assistant.delta" and first_delta is None:
                            first_delta = now - sent
                        if event["type"] == "message" and event["message"]["role"] == "assistant":
                            if event["message"]["status"] == "streaming":
                                continue
                            results.append(
                                {
                                    "question": question,
                                    "warmup": round_number == 0,
                                    "client_ms": (now - sent) * 1000,
                                    "ack_ms": (ack or 0) * 1000,
                                    "client_ttft_ms": (first_delta or 0) * 1000,
                                    "meta": event["message"]["meta"],
                                    "content": event["message"]["content"],
                                }
                            )
                            break
    return results


def report_turns(results: list[dict[str, Any]], raw_ttft_ms: float) -> None:
    measured = [r for r in results if not r["warmup"]] or results
    print(
        f"\n## Chat turns through the cluster ({len(measured)} turns, WebSocket, one client, grounded engine)"
    )
    rows = {
        "client round trip": [r["client_ms"] for r in measured],
        "server turn latency": [r["meta"]["latency_ms"] for r in measured],
        "  nlp": [r["meta"]["timings"]["nlp_ms"] for r in measured],
        "  retrieval": [r["meta"]["timings"]["retrieval_ms"] for r in measured],
        "  generation": [r["meta"]["timings"]["generation_ms"] for r in measured],
        "  storage": [r["meta"]["timings"]["storage_ms"] for r in measured],
        "ack (stored, acknowledged)": [r["ack_ms"] for r in measured],
        "time to first token (client)": [r["client_ttft_ms"] for r in measured],
    }
    print(f"{'phase':32} {'p50 ms':>9} {'p99 ms':>9}")
    for name, values in rows.items():
        print(f"{name:32} {_percentile(values, 0.5):9.1f} {_percentile(values, 0.99):9.1f}")
    cluster_ttft = _percentile(rows["time to first token (client)"], 0.5)
    print(f"raw grounded engine TTFT (same prompt, in-process) p50 {raw_ttft_ms:.3f} ms")
    print(
        f"cluster TTFT / raw engine TTFT = {cluster_ttft / raw_ttft_ms:.0f}x "
        "(the cluster adds nlp, retrieval and three Serve hops before the engine's first token)"
    )
    scores = [flesch_reading_ease(r["content"]) for r in measured]
    valid = [s for s in scores if s is not None]
    plain = sum(1 for s in valid if s > 60)
    print("\n## Plain language (Flesch reading ease of the answers)")
    print(
        f"answers > 60: {plain}/{len(valid)} ({100 * plain / max(1, len(valid)):.0f}%), median {statistics.median(valid):.1f}"
    )
    cited = sum(1 for r in measured if r["meta"]["citations"])
    print(f"answers with citations: {cited}/{len(measured)}")


async def _rest_saturation(port: int, concurrency: int, turns: int) -> tuple[float, list[float], int]:
    """`concurrency` clients sending blocking REST turns (POST …/messages answers with the finished reply)."""
    import httpx as _httpx

    latencies: list[float] = []
    failures = 0
    remaining = turns
    questions = QUESTIONS

    async def client(number: int) -> None:
        nonlocal remaining, failures
        async with _httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
            guest = await http.post("/api/v1/auth/guest", json={})
            if guest.status_code != 201:
                raise RuntimeError(f"guest start refused: {guest.status_code} {guest.text[:300]}")
            headers = {"Authorization": f"Bearer {guest.json()['access_token']}"}
            sent = 0
            conversation = ""
            while remaining > 0:
                remaining -= 1
                if (
                    sent % 4 == 0
                ):  # a new conversation every 4 turns keeps the history short, as in real chats
                    conversation = (
                        await http.post("/api/v1/conversations", json={}, headers=headers)
                    ).json()["id"]
                body = {
                    "content": questions[(number + sent) % len(questions)],
                    "client_message_id": str(uuid.uuid4()),
                }
                started = time.perf_counter()
                response = await http.post(
                    f"/api/v1/conversations/{conversation}/messages", json=body, headers=headers
                )
                latencies.append((time.perf_counter() - started) * 1000)
                failures += response.status_code != 200
                sent += 1

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(concurrency)))
    return time.perf_counter() - started, latencies, failures


def _cluster_pythons(root: int) -> dict[int, str]:
    """pid → name of the cluster's busy processes: Serve replicas, proxy and controller (by title), raylet, GCS."""
    found = {}
    for process in [psutil.Process(root), *psutil.Process(root).children(recursive=True)]:
        try:
            title = " ".join(process.cmdline())
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        if "ServeReplica:" in title:
            found[process.pid] = title.split("ServeReplica:", 1)[1].split()[0]
        elif "ProxyActor" in title or "ServeController" in title:
            found[process.pid] = "ProxyActor" if "ProxyActor" in title else "ServeController"
        elif process.name() in ("raylet", "gcs_server"):
            found[process.pid] = process.name()  # Ray's own (C++) processes: CPU time, no py-spy
    return found


def cpu_seconds(pids: dict[int, str]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for pid, name in pids.items():
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.NoSuchProcess:
            continue
        totals[name] = totals.get(name, 0.0) + times.user + times.system
    return totals


def rest_saturation(
    process: subprocess.Popen[bytes], port: int, concurrency: int, turns: int, profile: Path | None
) -> None:
    """Turns per second with `concurrency` REST clients, and where the CPU went (per process; py-spy if asked)."""
    asyncio.run(_rest_saturation(port, concurrency, concurrency * 2))  # warm-up
    pids = _cluster_pythons(process.pid)
    spies = []
    if profile is not None:
        spy_path = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        if not Path(spy_path).is_file():
            raise SystemExit("--profile needs py-spy: pip install -r requirements-load.txt")
        profile.mkdir(parents=True, exist_ok=True)
        for pid, name in pids.items():
            if name in ("raylet", "gcs_server"):
                continue
            out = profile / f"{name.replace(':', '-')}-{pid}.txt"
            spies.append(
                subprocess.Popen(
                    [
                        spy_path,
                        "record",
                        "--pid",
                        str(pid),
                        "--format",
                        "raw",
                        "--rate",
                        "50",
                        "--output",
                        str(out),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        time.sleep(2)
    before = cpu_seconds(pids)
    elapsed, latencies, failures = asyncio.run(_rest_saturation(port, concurrency, turns))
    after = cpu_seconds(pids)
    for spy in spies:
        spy.send_signal(signal.SIGINT)
        spy.wait(timeout=60)
    print(
        f"\n## REST turns at saturation through the cluster ({concurrency} clients, {turns} turns, grounded)"
    )
    print(
        f"turns per second {turns / elapsed:.1f} (goal >= 30)   turn p50 {_percentile(latencies, 0.5):.0f} ms   "
        f"p99 {_percentile(latencies, 0.99):.0f} ms   failed {failures}"
    )
    print("CPU per turn by process (ms):")
    for name in sorted(after, key=lambda n: after[n] - before.get(n, 0.0), reverse=True):
        print(f"  {name:36} {1000 * (after[name] - before.get(name, 0.0)) / turns:7.1f}")
    if spies:
        print(f"py-spy profiles (raw, collapsed stacks) under {profile}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--rounds", type=int, default=4, help="passes over the question set (the first warms up)"
    )
    parser.add_argument("--concurrency", type=int, default=40, help="REST clients at saturation")
    parser.add_argument("--turns", type=int, default=400, help="REST turns at saturation")
    parser.add_argument(
        "--profile", type=Path, help="record py-spy profiles of every process into this folder"
    )
    args = parser.parse_args()
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    intent_figures()
    port = _free_port()
    database = Path("var") / f"bench-{port}.db"
    process, cold_s = start_cluster(port, database)
    try:
        print("\n## Start-up")
        print(f"`csagent up` cold start to ready: {cold_s:.1f} s (index and classifier already built)")
        results = chat_turns(port, args.rounds)
        raw = raw_engine_ttft(QUESTIONS[0])
        report_turns(results, raw)
        rest_saturation(process, port, args.concurrency, args.turns, args.profile)
        time.sleep(5)
        print("\n## Memory")
        print(f"idle cluster (csagent + Ray processes, PSS): {cluster_memory_mib(process.pid):.0f} MiB")
    finally:
        stop_cluster(process, database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
