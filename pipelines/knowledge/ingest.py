"""Knowledge ingestion: articles → chunks → sentence vectors → a versioned FAISS index under var/index/.

Embedding cost grows with the number of tokens (multilingual-e5-small: ~2.5 ms of CPU per token here), so the
index embeds each token of the knowledge base about once:

- every unit (sentence, step list, code block) is embedded as a passage: the composer scores them against the
  question with the same embedder, so it works for questions in any language;
- a chunk's vector is its header ("title. heading") embedded on its own, added to the mean of its units' vectors
  and normalised: the whole section is represented without embedding its text a second time;
- every vector goes through a persistent cache keyed by sha256(embedder identity + text), so a rebuild after an
  article changes embeds only the texts that changed.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from tqdm import tqdm

from models.config import RetrievalConfig, resolve_path
from models.knowledge import CHUNKER_VERSION, Chunk, chunk_article, load_articles
from models.nlp.embedder import Embedder, Vectors, shared_embedder
from models.retrieval import LATEST_FILE, KnowledgeIndex, Manifest
from pipelines.knowledge.embedding_cache import EmbeddingCache, cache_key

ARTICLES_DIR = Path(__file__).resolve().parent / "articles"
# Bump when what is embedded for a chunk changes (the header/units recipe below).
CHUNK_VECTORS_VERSION = "header+units-1"
# Weight of the header vector next to the mean of the units' vectors in a chunk's vector.
HEADER_WEIGHT = 1.0
_BATCH = 32


def source_digest(articles_dir: Path, embedder_identity: str, similarity_floor: float = 0.0) -> str:
    """Digest of every article's bytes plus the chunker, chunk-vector recipe and embedder (with the similarity
    floor the manifest records): the index's identity."""
    digest = hashlib.sha256(
        f"{CHUNKER_VERSION}|{CHUNK_VECTORS_VERSION}|{embedder_identity}|{similarity_floor}".encode()
    )
    for path in sorted(articles_dir.glob("*.md")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def chunk_header(chunk: Chunk) -> str:
    """What a chunk is about: its article's title and its section heading (the question the section answers)."""
    return f"{chunk.title}. {chunk.heading}"


def chunk_vectors(header_vectors: Vectors, unit_vectors: Vectors, unit_counts: list[int]) -> Vectors:
    """normalise(HEADER_WEIGHT * header + mean(units)) per chunk; units are in chunk order."""
    out = np.zeros_like(header_vectors)
    start = 0
    for i, count in enumerate(unit_counts):
        combined = HEADER_WEIGHT * header_vectors[i]
        if count:
            combined = combined + unit_vectors[start : start + count].mean(axis=0)
        out[i] = combined / (np.linalg.norm(combined) or 1.0)
        start += count
    return out


def _encode(cache: EmbeddingCache, texts: list[str], dimension: int, bar: tqdm) -> Vectors:
    """Cached passage vectors in steps of 256, so the progress bar moves."""
    parts = [np.zeros((0, dimension), dtype=np.float32)]
    for start in range(0, len(texts), 256):
        part = texts[start : start + 256]
        parts.append(cache.encode_passages(part, batch=_BATCH))
        bar.update(len(part))
    return np.concatenate(parts)


def ingest(
    articles_dir: Path = ARTICLES_DIR,
    index_root: Path = Path("var/index"),
    *,
    config: RetrievalConfig | None = None,
    embedder: Embedder | None = None,
    cache_dir: Path | None = None,
    force: bool = False,
    progress: bool = True,
) -> Manifest:
    """Build (or reuse) the index for the current articles and embedder, point LATEST at it; return its manifest.

    `config` defaults to the retrieval section of config/models.yaml's registry; `embedder` to the one it names.
    """
    config = config or RetrievalConfig()
    embedder = embedder or shared_embedder(config.embedder, config.embedder_spec)
    digest = source_digest(articles_dir, embedder.identity, embedder.similarity_floor)
    version = f"kb-{digest[:12]}"
    existing = index_root / version / "manifest.json"
    if existing.exists() and not force:
        (index_root / LATEST_FILE).write_text(version)
        return Manifest.model_validate_json(existing.read_text())

    started = time.perf_counter()
    articles = load_articles(articles_dir)
    chunks = [chunk for article in articles for chunk in chunk_article(article)]
    cache = EmbeddingCache(cache_dir or resolve_path(config.embedding_cache_dir), embedder)
    headers = [chunk_header(c) for c in chunks]
    unit_texts = [unit.text for c in chunks for unit in c.units]
    with tqdm(
        total=len(headers) + len(unit_texts),
        desc=f"Indexing {len(articles)} articles with {embedder.identity}",
        unit="text",
        disable=not progress,
    ) as bar:
        header_vectors = _encode(cache, headers, embedder.dimension, bar)
        unit_vectors = _encode(cache, unit_texts, embedder.dimension, bar)
    cache.save(keep={cache_key(embedder.identity, "passage", t) for t in headers + unit_texts})
    manifest = Manifest(
        version=version,
        embedder=embedder.identity,
        similarity_floor=embedder.similarity_floor,
        chunker_version=CHUNKER_VERSION,
        articles=len(articles),
        chunks=len(chunks),
        units=len(unit_texts),
        source_digest=digest,
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        embedded=cache.misses,
        build_seconds=round(time.perf_counter() - started, 1),
    )
    vectors = chunk_vectors(header_vectors, unit_vectors, [len(c.units) for c in chunks])
    KnowledgeIndex.build(manifest, chunks, vectors, unit_vectors).save(index_root)
    return manifest
