"""`make bench-llm` (the third part of `make bench`): the language models' figures on this machine, printed.

1. The raw engine: the local engine (`--engine`, default qwen-0.5b) in this process on the exact requests the
   conversation graph builds for the benchmark questions: time to first token and decode tokens per second.
2. Through the cluster: `csagent up` with `llm.chain = [ENGINE, grounded]`, the same questions over a real
   WebSocket: time to first token as the client sees it next to the raw engine's (goal: ratio <= 1.10), turn
   p50/p99, which engine's answer was kept, and the memory (PSS) of the llm replica.
3. Failover: `llm.chain = [an engine whose server is down, grounded]` through the llm deployment: time to the first
   token from the next engine (goal < 1 s), while the first engine is tried and once its circuit breaker is open.
4. With `--eval-sample N`: answer quality of `grounded`, of ENGINE alone and of the chain [ENGINE, grounded] on the
   same N items of the evaluation set (`make eval SAMPLE=N`), side by side.

Figures, never assertions. The cluster runs the raw part first and alone, so neither run shares the CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

from loadtests.bench import QUESTIONS, _free_port, _percentile, chat_turns, start_cluster, stop_cluster
from loadtests.bench_pipeline import MULTILINGUAL

#: A short, varied set: each question is one new conversation (no history), as in `make bench`.
LLM_QUESTIONS = [QUESTIONS[0], QUESTIONS[1], QUESTIONS[2], QUESTIONS[8], QUESTIONS[9], MULTILINGUAL[0]]


def _ms(values: list[float]) -> str:
    return f"p50 {_percentile(values, 0.5):8.0f} ms   p99 {_percentile(values, 0.99):8.0f} ms"


async def graph_requests(questions: list[str]) -> list[dict[str, Any]]:
    """The generation requests the real graph sends to the llm deployment for these questions (first turns)."""
    from serve.builder import build_local_deployments
    from serve.settings import Settings

    settings = Settings()
    settings = settings.model_copy(update={"llm": settings.llm.model_copy(update={"chain": ["grounded"]})})
    local = await build_local_deployments(settings)
    captured: list[dict[str, Any]] = []
    generate = local.llm.generate

    def recording(
        request: dict[str, Any],
        start_at: str | None = None,
        models: dict[str, dict[str, str | None]] | None = None,
    ) -> Any:
        captured.append(request)
        return generate(request, start_at, models)

    local.llm.generate = recording  # type: ignore[method-assign]
    for number, question in enumerate(questions):
        turn = {"conversation_id": f"bench-{number}", "message_id": "m", "text": question, "history": []}
        async for _ in local.graph.options(stream=True).run_turn.remote(turn):
            pass
    if len(captured) != len(questions):
        raise RuntimeError(
            f"{len(questions) - len(captured)} questions never reached the llm (refused or out of scope)"
        )
    return captured


async def raw_engine(engine_name: str, requests: list[dict[str, Any]]) -> list[dict[str, float]]:
    """Each request through the engine alone, in this process: time to first token and decode rate."""
    from models.engines.base import Done, GenerationRequest, TextChunk
    from models.engines.local_llm import LocalLLMEngine
    from models.engines.registry import create_engine, load_registry

    engine = create_engine(engine_name, load_registry()[engine_name])
    await engine.start()
    runs: list[dict[str, float]] = []
    for request in [requests[0], *requests]:  # the first run warms up (weights paged in, prefix cached)
        started = time.perf_counter()
        first = last = 0.0
        produced = 0
        prompt_tokens = 0
        async for item in engine.stream(GenerationRequest.model_validate(request)):
            now = time.perf_counter()
            if isinstance(item, TextChunk):
                first = first or now
                last = now
            elif isinstance(item, Done):
                produced, prompt_tokens = item.completion_tokens, item.prompt_tokens
        runs.append(
            {
                "ttft_ms": (first - started) * 1000,
                "decode_tps": (produced - 1) / (last - first) if produced > 1 and last > first else 0.0,
                "prompt_tokens": prompt_tokens,
                "completion_tokens": produced,
            }
        )
    if isinstance(engine, LocalLLMEngine):
        engine._llm.close()
    return runs[1:]


def replica_memory_mib(root: int, title: str) -> list[float]:
    """PSS of each Ray worker process under `root` whose title ends with `title` (`ray::ServeReplica:app:name`)."""
    sizes = []
    for process in psutil.Process(root).children(recursive=True):
        try:
            if any(part.endswith(title) for part in " ".join(process.cmdline()).split()):
                sizes.append(process.memory_full_info().pss / 2**20)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return sizes


def through_cluster(
    engine_name: str, questions: list[str], rounds: int
) -> tuple[list[dict[str, Any]], list[float]]:
    port = _free_port()
    database = Path("var") / f"bench-llm-{port}.db"
    process, _ready_s = start_cluster(
        port, database, extra_env={"CSAGENT_LLM__CHAIN": json.dumps([engine_name, "grounded"])}
    )
    try:
        results = chat_turns(port, rounds, questions, timeout_s=300)
        memory = replica_memory_mib(process.pid, "ServeReplica:csagent:llm")
    finally:
        stop_cluster(process, database)
    return results, memory


async def failover(request: dict[str, Any], turns: int) -> list[tuple[float, str]]:
    """Time to the next engine's first token while the first engine's server refuses connections."""
    from deployments.llm import LLMDeployment
    from serve.settings import Settings

    config = Settings().llm.model_dump(mode="json")
    config["engines"]["down"] = {
        "kind": "openai",
        "version": "nothing-listens",
        "model": "down",
        "base_url": f"http://127.0.0.1:{_free_port()}/v1",
        "max_retries": 0,
        "timeout_s": 30,
        "first_token_timeout_s": 8,
    }
    config["chain"] = ["down", "grounded"]
    deployment = LLMDeployment(config)
    await deployment.start()
    samples: list[tuple[float, str]] = []
    for _ in range(turns):
        started = time.perf_counter()
        tried: list[str] = []
        async for item in deployment.generate(request):
            if item["type"] == "engine":
                tried = [*item["fallback_from"], item["name"]]
            if item["type"] == "text":
                samples.append(((time.perf_counter() - started) * 1000, " → ".join(tried)))
                break
    return samples


def _rate(block: dict[str, Any]) -> str:
    return "-" if block["rate"] is None else f"{block['rate']:.3f}"


def eval_side_by_side(engine_name: str, sample: int) -> None:
    """Each chain's row is printed as soon as its run ends (a slow model's run can take most of an hour)."""
    print(f"\n## Answer quality on {sample} items of the evaluation set (`make eval SAMPLE={sample}`)")
    print(
        f"{'chain':28} {'key fact+cite':>13} {'English':>8} {'others':>8} {'handoff R':>9} "
        f"{'Flesch>60':>9} {'turn p50':>9}  answers by engine",
        flush=True,
    )
    for chain in [["grounded"], [engine_name], [engine_name, "grounded"]]:
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            env = {**os.environ, "CSAGENT_LLM__CHAIN": json.dumps(chain)}
            subprocess.run(
                [sys.executable, "-m", "pipelines.eval", "--sample", str(sample), "--json", out.name],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            report = json.loads(Path(out.name).read_text(encoding="utf-8"))
        handoff = report["kinds"].get("handoff", {}).get("recall")
        plain = report["flesch_english_plain_share"]
        print(
            f"{' → '.join(chain):28} {_rate(report['key_fact_with_citation']):>13} "
            f"{_rate(report['key_fact_english']):>8} {_rate(report['key_fact_non_english']):>8} "
            f"{'-' if handoff is None else f'{handoff:.3f}':>9} {'-' if plain is None else f'{plain:.3f}':>9} "
            f"{report['latency_ms'].get('p50') or 0:7.0f}ms  {report['models']}",
            flush=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--engine", default="qwen-0.5b", help="a local engine of config/models.yaml")
    parser.add_argument(
        "--rounds", type=int, default=2, help="passes through the cluster (the first warms up)"
    )
    parser.add_argument("--failover-turns", type=int, default=8)
    parser.add_argument("--eval-sample", type=int, default=0, help="also compare answer quality on N items")
    args = parser.parse_args()
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")

    requests = asyncio.run(graph_requests(LLM_QUESTIONS))
    raw = asyncio.run(raw_engine(args.engine, requests))
    results, memory = through_cluster(args.engine, LLM_QUESTIONS, args.rounds)
    measured = [r for r in results if not r["warmup"]]

    print(
        f"\n## {args.engine}: raw engine and through the cluster ({len(LLM_QUESTIONS)} questions, 1 at a time)"
    )
    raw_ttft = [r["ttft_ms"] for r in raw]
    cluster_ttft = [r["client_ttft_ms"] for r in measured]
    prompt = [r["prompt_tokens"] for r in raw]
    print(
        f"prompt tokens                         median {statistics.median(prompt):.0f} (max {max(prompt):.0f})"
    )
    print(f"raw engine time to first token        {_ms(raw_ttft)}")
    print(
        f"raw engine decode                     median {statistics.median(r['decode_tps'] for r in raw):.1f} tokens/s"
    )
    print(f"cluster time to first token (client)  {_ms(cluster_ttft)}")
    ratios = [
        c["client_ttft_ms"] / r["ttft_ms"]
        for c, r in zip(measured, raw * max(1, args.rounds - 1), strict=True)
    ]
    print(f"cluster / raw time to first token     median {statistics.median(ratios):.3f} (goal <= 1.10)")
    print(f"turn (client round trip)              {_ms([r['client_ms'] for r in measured])}")
    kept = [r["meta"]["model"]["name"] for r in measured]
    print(
        f"answers kept from {args.engine}: {kept.count(args.engine)}/{len(kept)} (the rest: guard → grounded)"
    )
    print(f"llm replica memory (PSS)              {', '.join(f'{m:.0f} MiB' for m in memory) or 'not found'}")

    samples = asyncio.run(failover(requests[0], args.failover_turns))
    print("\n## Failover: the first engine's server is down (connection refused), the next engine answers")
    for number, (ttft_ms, path) in enumerate(samples, start=1):
        print(f"turn {number}: first token after {ttft_ms:7.1f} ms   ({path})")
    print(f"worst {max(t for t, _ in samples):.1f} ms (goal < 1000 ms)")

    if args.eval_sample:
        eval_side_by_side(args.engine, args.eval_sample)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
