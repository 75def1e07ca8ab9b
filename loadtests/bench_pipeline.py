"""`make bench` (second part): the answer pipeline's own figures, in this process, printed.

1. Before the engine's first token: nlp (intent, sentiment, emotion, language, the one embedding of the message)
   and retrieval (searching with nlp's vector), p50/p99, and how many texts a turn embeds.
2. Grounded turns per second at saturation: `concurrency` turns in flight through the in-process graph (nlp,
   retrieval, llm chain, graph; no HTTP, no storage), with turn latency p50/p99.
3. Retrieval top-5 over a synthetic index of `--chunks` chunks (100,000 by default): p50/p99 and the index's
   memory.

Figures, never assertions: the goals (issue "answers real customers can use") are printed beside them.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from deployments.local import LocalHandle
from loadtests.bench import QUESTIONS, _percentile
from models.knowledge import Chunk, Unit
from models.retrieval import EXHAUSTIVE_MAX, KnowledgeIndex, Manifest

# Questions in other languages, written for this benchmark (not the evaluation set).
MULTILINGUAL = [
    "¿Cómo cambio la contraseña de mi usuario de Salesforce?",
    "Mon flow échoue avec une erreur non gérée, que faire ?",
    "Wie oft kann ich eine Full Sandbox aktualisieren?",
    "Como verifico o uso da API da minha organização?",
    "Apex のテストカバレッジは何パーセント必要ですか？",
    "如何解决 SOQL 查询过多 101 错误？",
    "كيف أقوم بإعداد المصادقة متعددة العوامل؟",
    "איך אני מאפס סיסמה של משתמש?",
]
_SYNTHETIC_WORDS = (
    "account contact case flow trigger apex soql limit sandbox deploy report dashboard email queue user profile "
    "permission field record type validation rule sharing batch future queueable api token login password mfa "
    "omni channel routing capacity duplicate matching import loader error exception governor heap cpu lock row"
).split()


def _ms(values: list[float]) -> str:
    return f"p50 {_percentile(values, 0.5):7.2f} ms   p99 {_percentile(values, 0.99):7.2f} ms"


class _CountingEmbedder:
    """Counts the texts embedded through a wrapped embedder method (shared by nlp and retrieval here)."""

    def __init__(self) -> None:
        self.texts = 0

    def wrap(self, method: Callable[[list[str]], Any]) -> Callable[[list[str]], Any]:
        def counted(texts: list[str]) -> Any:
            self.texts += len(texts)
            return method(texts)

        return counted


async def pipeline_figures(graph: LocalHandle, nlp: Any, retrieval: Any, rounds: int) -> None:
    questions = QUESTIONS + MULTILINGUAL
    nlp_ms: list[float] = []
    retrieval_ms: list[float] = []
    total_ms: list[float] = []
    for round_number in range(rounds + 1):
        for question in questions:
            started = time.perf_counter()
            understood = await nlp.analyze(question)
            middle = time.perf_counter()
            await retrieval.search(question, vector=understood["embedding"], embedder=understood["embedder"])
            finished = time.perf_counter()
            if round_number == 0:
                continue  # warm-up
            nlp_ms.append((middle - started) * 1000)
            retrieval_ms.append((finished - middle) * 1000)
            total_ms.append((finished - started) * 1000)
    embedder = nlp._embedder
    counter = _CountingEmbedder()
    original = embedder.encode_queries
    embedder.encode_queries = counter.wrap(original)
    try:
        turn = {"conversation_id": "bench", "message_id": "bench", "text": QUESTIONS[0], "history": []}
        async for _ in graph.options(stream=True).run_turn.remote(turn):
            pass
    finally:
        embedder.encode_queries = original
    print(
        f"\n## Before the engine's first token (in-process, {len(total_ms)} questions, 8 of them not English)"
    )
    print(f"nlp (intent, sentiment, emotion, language, embedding)  {_ms(nlp_ms)}")
    print(f"retrieval (search with nlp's vector)                  {_ms(retrieval_ms)}")
    print(f"nlp + retrieval                                       {_ms(total_ms)}   (goal: p50 <= 25 ms)")
    print(f"texts embedded for one turn: {counter.texts} (goal: 1)")


async def saturation(graph: LocalHandle, concurrency: int, turns: int) -> None:
    questions = QUESTIONS + MULTILINGUAL
    latencies: list[float] = []
    queue: asyncio.Queue[str] = asyncio.Queue()
    for number in range(turns):
        queue.put_nowait(questions[number % len(questions)])

    async def worker(worker_id: int) -> None:
        while not queue.empty():
            text = queue.get_nowait()
            turn = {"conversation_id": f"c{worker_id}", "message_id": "m", "text": text, "history": []}
            started = time.perf_counter()
            async for _ in graph.options(stream=True).run_turn.remote(turn):
                pass
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(concurrency)))
    elapsed = time.perf_counter() - started
    print(f"\n## Grounded turns at saturation (in-process graph, {concurrency} in flight, {turns} turns)")
    print(f"turns per second {turns / elapsed:6.1f}   turn latency {_ms(latencies)}")
    print("(through the cluster add the ingress, Serve hops and storage: see the WebSocket figures above)")


def _synthetic_index(chunks: int, dimension: int, seed: int = 7) -> KnowledgeIndex:
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((chunks, dimension)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    words = np.array(_SYNTHETIC_WORDS)
    items: list[Chunk] = []
    for number in range(chunks):
        text = " ".join(words[rng.integers(0, len(words), 24)])
        items.append(
            Chunk(
                id=f"synthetic-{number // 8}#{number % 8}",
                article_id=f"synthetic-{number // 8}",
                title=f"Synthetic article {number // 8}",
                url=None,
                product_area="bench",
                heading="Section",
                text=text,
                units=[Unit(text=text, kind="prose")],
            )
        )
    manifest = Manifest(
        version="bench",
        embedder="synthetic",
        chunker_version="bench",
        articles=chunks // 8,
        chunks=chunks,
        units=chunks,
        source_digest="synthetic",
        built_at="1970-01-01T00:00:00+00:00",
    )
    return KnowledgeIndex.build(manifest, items, vectors, vectors.copy())


def retrieval_at_scale(chunks: int, queries: int, dimension: int = 384) -> None:
    index = _synthetic_index(chunks, dimension)
    started = time.perf_counter()
    index.prepare()
    prepare_s = time.perf_counter() - started
    rng = np.random.default_rng(11)
    timings: list[float] = []
    for _ in range(queries):
        query = rng.standard_normal(dimension).astype(np.float32)
        query /= np.linalg.norm(query)
        text = " ".join(rng.choice(_SYNTHETIC_WORDS, 6))
        started = time.perf_counter()
        index.search(query, text, 5)
        timings.append((time.perf_counter() - started) * 1000)
    vector_mib = (chunks * dimension * 4 * 2) / 2**20  # chunk vectors in FAISS + unit vectors
    # Above EXHAUSTIVE_MAX chunks the index also holds two HNSW graphs (a copy of the vectors + 2 x 16 links each).
    graph_mib = 2 * chunks * (dimension * 4 + 2 * 16 * 4) / 2**20 if chunks > EXHAUSTIVE_MAX else 0.0
    print(f"\n## Retrieval top-5 over {chunks:,} synthetic chunks ({queries} queries)")
    print(f"{_ms(timings)}   (goal: p99 <= 10 ms)   mean {statistics.fmean(timings):.2f} ms")
    print(f"index memory: vectors {vector_mib:.0f} MiB + HNSW shortlist graphs {graph_mib:.0f} MiB")
    print(f"graphs built at load in {prepare_s:.0f} s (indexes over {EXHAUSTIVE_MAX:,} chunks only)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3, help="passes over the questions (after a warm-up)")
    parser.add_argument("--concurrency", type=int, default=40)
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()

    async def in_process() -> None:
        from serve.builder import build_local_deployments
        from serve.settings import Settings

        local = await build_local_deployments(Settings())
        await pipeline_figures(local.graph, local.nlp, local.retrieval, args.rounds)
        await saturation(local.graph, args.concurrency, args.turns)

    asyncio.run(in_process())
    retrieval_at_scale(args.chunks, args.queries)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
