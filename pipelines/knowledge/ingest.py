"""Knowledge ingestion: articles → chunks → MiniLM vectors → a versioned FAISS index under var/index/."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from tqdm import tqdm

from models.knowledge import CHUNKER_VERSION, chunk_article, load_articles
from models.nlp.embedder import EMBEDDER_VERSION, Embedder, Vectors, shared_embedder
from models.retrieval import LATEST_FILE, KnowledgeIndex, Manifest

ARTICLES_DIR = Path(__file__).resolve().parent / "articles"
_BATCH = 64


def source_digest(articles_dir: Path) -> str:
    """Digest of every article's bytes plus the chunker and embedder versions: the index version's identity."""
    digest = hashlib.sha256(f"{CHUNKER_VERSION}|{EMBEDDER_VERSION}".encode())
    for path in sorted(articles_dir.glob("*.md")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _encode(embedder: Embedder, texts: list[str], bar: tqdm) -> Vectors:
    """Embed in batches of similar length (far less padding than source order), rows back in source order."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    vectors = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    for start in range(0, len(order), _BATCH):
        batch = order[start : start + _BATCH]
        vectors[batch] = embedder.encode([texts[i] for i in batch])
        bar.update(len(batch))
    return vectors


def ingest(
    articles_dir: Path = ARTICLES_DIR,
    index_root: Path = Path("var/index"),
    *,
    embedder: Embedder | None = None,
    force: bool = False,
    progress: bool = True,
) -> Manifest:
    """Build (or reuse) the index for the current articles and point LATEST at it; returns its manifest."""
    digest = source_digest(articles_dir)
    version = f"kb-{digest[:12]}"
    existing = index_root / version / "manifest.json"
    if existing.exists() and not force:
        (index_root / LATEST_FILE).write_text(version)
        return Manifest.model_validate_json(existing.read_text())

    articles = load_articles(articles_dir)
    chunks = [chunk for article in articles for chunk in chunk_article(article)]
    embedder = embedder or shared_embedder()
    # A chunk is embedded with its title and heading: they carry the question the section answers.
    chunk_texts = [f"{c.title}. {c.heading}. {c.text}" for c in chunks]
    unit_texts = [unit.text for c in chunks for unit in c.units]
    with tqdm(
        total=len(chunk_texts) + len(unit_texts),
        desc=f"Indexing {len(articles)} articles",
        unit="text",
        disable=not progress,
    ) as bar:
        chunk_vectors = _encode(embedder, chunk_texts, bar)
        unit_vectors = _encode(embedder, unit_texts, bar)
    manifest = Manifest(
        version=version,
        embedder=EMBEDDER_VERSION,
        chunker_version=CHUNKER_VERSION,
        articles=len(articles),
        chunks=len(chunks),
        units=len(unit_texts),
        source_digest=digest,
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    index = KnowledgeIndex.build(manifest, chunks, chunk_vectors, unit_vectors)
    index.save(index_root)
    return manifest
