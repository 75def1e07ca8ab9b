"""The versioned knowledge index: FAISS over chunk embeddings, plus unit embeddings for the composer.

Layout of one version (written by pipelines/knowledge, read by the retrieval deployment):

    var/index/<version>/chunks.json     chunk texts, units and article metadata
    var/index/<version>/chunks.faiss    inner-product index over normalised chunk header vectors
    var/index/<version>/units.npy       one normalised vector per unit, in chunk order
    var/index/<version>/manifest.json   version, embedder (name@version), counts, source digest
    var/index/LATEST                    the version `latest` resolves to

Vectors of one index come from one embedder: its identity is part of the version digest and the manifest, and a
reader that embeds queries with another embedder is refused (`EmbedderMismatch`) instead of ranking garbage.
A chunk's dense score is HEADER_WEIGHT x cos(question, "title. heading") + the rest x its best unit's cosine: the
section's best sentence is the evidence (measured on 49 questions in 13 languages: 46 right articles first, against
42 for one vector per chunk made from the mean of its units). Scores are cosines rescaled by the embedder's similarity floor, (cos - floor) / (1 - floor), so `min_score` and
the composer's floors mean the same for e5 (unrelated texts ~0.7) as for MiniLM (~0.0).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from pathlib import Path

import faiss
import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, Field

from models.knowledge import Chunk
from models.nlp.embedder import Vectors

LATEST_FILE = "LATEST"
# Weight of the header's cosine next to the best unit's in a chunk's dense score.
HEADER_WEIGHT = 0.3
_WORD = re.compile(r"[a-z0-9_]+(?:\.[a-z0-9_]+)*")
_STOP = frozenset(
    "a an and are as at be but by can do does for from how i if in into is it its me my no not of on or so "
    "that the their then there these this to was we what when where which who why will with you your".split()
)
# Weight of lexical overlap next to cosine similarity in the hybrid score. Exact error strings ("101",
# "UNABLE_TO_LOCK_ROW") are where dense MiniLM vectors are weakest and word overlap is strongest.
LEXICAL_WEIGHT = 0.25
# A question asking how to fix or do something wants the section that says how ("## How do I fix it?").
FIX_CUES = re.compile(
    r"\b(fix|solve|resolve|avoid|prevent|stop|how (?:do|can|should) i|how to)\b", re.IGNORECASE
)


class ScoredUnit(BaseModel):
    text: str
    kind: str
    score: float
    position: int


class Passage(BaseModel):
    chunk_id: str
    article_id: str
    title: str
    url: str | None
    product_area: str
    heading: str
    text: str
    score: float
    units: list[ScoredUnit]


class Manifest(BaseModel):
    version: str
    embedder: str = Field(description="Identity (name@version) of the embedder that wrote every vector.")
    similarity_floor: float = Field(default=0.0, description="The embedder's cosine of unrelated texts.")
    chunker_version: str
    articles: int
    chunks: int
    units: int
    source_digest: str
    built_at: str
    embedded: int | None = Field(
        default=None, description="Texts embedded by this build (the rest came cached)."
    )
    build_seconds: float | None = Field(default=None, description="Wall time of the build.")


class EmbedderMismatch(ValueError):
    """The index was built with another embedder than the one configured to embed queries."""

    def __init__(self, index_version: str, built_with: str, configured: str) -> None:
        super().__init__(
            f"knowledge index {index_version} was built with embedder {built_with!r} but retrieval is configured "
            f"with {configured!r}; run `csagent ingest` to build the index for {configured!r} (or configure "
            f"the embedder the index was built with)"
        )
        self.built_with = built_with
        self.configured = configured


def tokens(text: str) -> list[str]:
    """Lower-case content words, keeping dotted names (System.LimitException) whole."""
    return [word for word in _WORD.findall(text.lower()) if word not in _STOP]


def resolve_version(root: Path, version: str) -> str:
    if version != "latest":
        return version
    latest = root / LATEST_FILE
    if not latest.exists():
        raise FileNotFoundError(f"no knowledge index under {root}; run `csagent ingest` (make run does it)")
    return latest.read_text().strip()


def evidence_of(passages: list[Passage], min_score: float) -> list[Passage]:
    """The passages that count as evidence: those scoring `min_score` or more, plus the best article's summary
    (it states what that article's sections detail, even when its own score is lower)."""
    evidence = [p for p in passages if p.score >= min_score]
    if evidence:
        top = evidence[0].article_id
        evidence += [
            p for p in passages if p.article_id == top and p.chunk_id.endswith("#0") and p not in evidence
        ]
    return evidence


class KnowledgeIndex:
    """Loaded index of one version; `search` is thread-safe for readers."""

    def __init__(self, manifest: Manifest, chunks: list[Chunk], index: faiss.Index, units: Vectors) -> None:
        self.manifest = manifest
        self.chunks = chunks
        self._index = index
        self._units = units
        self._unit_offsets: list[int] = []
        offset = 0
        for chunk in chunks:
            self._unit_offsets.append(offset)
            offset += len(chunk.units)
        if offset != len(units):
            raise ValueError(f"{len(units)} unit vectors for {offset} units in the chunks")
        self._unit_owner = np.repeat(np.arange(len(chunks)), [len(c.units) for c in chunks])
        self._has_units = np.array([bool(c.units) for c in chunks])
        self._summary_position = {c.article_id: i for i, c in reversed(list(enumerate(chunks)))}
        self._chunk_tokens = [Counter(tokens(f"{c.title} {c.heading} {c.text}")) for c in chunks]
        document_frequency: Counter[str] = Counter()
        for counts in self._chunk_tokens:
            document_frequency.update(counts.keys())
        total = len(chunks)
        self._idf = {word: math.log(1 + total / df) for word, df in document_frequency.items()}

    @property
    def version(self) -> str:
        return self.manifest.version

    @classmethod
    def load(cls, root: Path, version: str = "latest", *, embedder: str | None = None) -> KnowledgeIndex:
        """Load one version; with `embedder` (an identity), refuse an index whose vectors came from another."""
        resolved = resolve_version(root, version)
        folder = root / resolved
        if not (folder / "manifest.json").exists():
            raise FileNotFoundError(f"knowledge index version {resolved!r} not found under {root}")
        manifest = Manifest.model_validate_json((folder / "manifest.json").read_text())
        if embedder is not None and manifest.embedder != embedder:
            raise EmbedderMismatch(resolved, manifest.embedder, embedder)
        chunks = [Chunk.model_validate(item) for item in json.loads((folder / "chunks.json").read_text())]
        index = faiss.read_index(str(folder / "chunks.faiss"))
        units = np.load(folder / "units.npy").astype(np.float32)
        return cls(manifest, chunks, index, units)

    def save(self, root: Path, *, make_latest: bool = True) -> Path:
        folder = root / self.manifest.version
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "chunks.json").write_text(json.dumps([c.model_dump() for c in self.chunks]))
        faiss.write_index(self._index, str(folder / "chunks.faiss"))
        np.save(folder / "units.npy", self._units)
        (folder / "manifest.json").write_text(self.manifest.model_dump_json(indent=2))
        if make_latest:
            (root / LATEST_FILE).write_text(self.manifest.version)
        return folder

    @classmethod
    def build(
        cls, manifest: Manifest, chunks: list[Chunk], chunk_vectors: Vectors, unit_vectors: Vectors
    ) -> KnowledgeIndex:
        index = faiss.IndexFlatIP(chunk_vectors.shape[1])
        index.add(chunk_vectors)
        return cls(manifest, chunks, index, unit_vectors)

    def _dense(self, query_vector: Vectors) -> npt.NDArray[np.float32]:
        """Per chunk, in chunk order: HEADER_WEIGHT x header cosine + (1 - HEADER_WEIGHT) x best unit cosine."""
        query = query_vector.reshape(1, -1).astype(np.float32)
        similarities, positions = self._index.search(query, len(self.chunks))
        header = np.zeros(len(self.chunks), dtype=np.float32)
        valid = positions[0] >= 0
        header[positions[0][valid]] = similarities[0][valid]
        best_unit = header.copy()  # a chunk without units is scored by its header alone
        if len(self._units):
            unit_scores = (self._units @ query.reshape(-1)).astype(np.float32)
            best = np.full(len(self.chunks), -np.inf, dtype=np.float32)
            np.maximum.at(best, self._unit_owner, unit_scores)
            best_unit = np.where(self._has_units, best, header)
        result: npt.NDArray[np.float32] = HEADER_WEIGHT * header + (1 - HEADER_WEIGHT) * best_unit
        return result

    def _calibrated(self, cosine: float) -> float:
        floor = self.manifest.similarity_floor
        return (cosine - floor) / (1.0 - floor)

    def _lexical(self, query_tokens: list[str], position: int) -> float:
        """Share of the query's idf mass that the chunk contains (0..1)."""
        if not query_tokens:
            return 0.0
        counts = self._chunk_tokens[position]
        total = sum(self._idf.get(word, 1.0) for word in query_tokens)
        hit = sum(self._idf.get(word, 1.0) for word in query_tokens if word in counts)
        return hit / total if total else 0.0

    def search(self, query_vector: Vectors, query: str, top_k: int, per_article: int = 2) -> list[Passage]:
        """Hybrid ranking (cosine plus weighted word overlap) over every chunk, at most `per_article` each.

        The best article's summary is always returned too (after the top k when it did not rank): every article
        opens with a summary written to answer its main question directly. When the question asks how to fix or do
        something, so is that article's best "how do I…" section.
        """
        query_tokens = tokens(query)
        wants_fix = bool(FIX_CUES.search(query))
        scores: dict[int, float] = {}
        for position, similarity in enumerate(self._dense(query_vector)):
            lexical = self._lexical(query_tokens, position)
            scores[position] = (1 - LEXICAL_WEIGHT) * self._calibrated(
                float(similarity)
            ) + LEXICAL_WEIGHT * lexical
        ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
        passages: list[Passage] = []
        per: Counter[str] = Counter()
        for position, score in ranked:
            chunk = self.chunks[position]
            if per[chunk.article_id] >= per_article:
                continue
            per[chunk.article_id] += 1
            passages.append(self._passage(chunk, position, score, query_vector))
            if len(passages) == top_k:
                break
        if not passages:
            return passages
        top = passages[0].article_id
        extras = [self._summary_position.get(top)]
        if wants_fix:
            fixes = [
                i for i, c in enumerate(self.chunks) if c.article_id == top and FIX_CUES.search(c.heading)
            ]
            extras.append(max(fixes, key=lambda i: scores[i], default=None))
        for extra in extras:
            if extra is not None and all(p.chunk_id != self.chunks[extra].id for p in passages):
                passages.append(self._passage(self.chunks[extra], extra, scores[extra], query_vector))
        return passages

    def _passage(self, chunk: Chunk, position: int, score: float, query_vector: Vectors) -> Passage:
        start = self._unit_offsets[position]
        vectors = self._units[start : start + len(chunk.units)]
        unit_scores = vectors @ query_vector.reshape(-1) if len(chunk.units) else np.zeros(0)
        units = [
            ScoredUnit(text=unit.text, kind=unit.kind, score=round(self._calibrated(float(s)), 4), position=i)
            for i, (unit, s) in enumerate(zip(chunk.units, unit_scores, strict=True))
        ]
        return Passage(
            chunk_id=chunk.id,
            article_id=chunk.article_id,
            title=chunk.title,
            url=chunk.url,
            product_area=chunk.product_area,
            heading=chunk.heading,
            text=chunk.text,
            score=round(score, 4),
            units=units,
        )
