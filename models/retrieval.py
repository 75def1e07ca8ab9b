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
from collections.abc import Collection
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
# The same for a question in another language: a short title crosses languages better than a detailed sentence
# (on the development set, pipelines/eval/dev, the right article ranked first for 55 of 80 questions at 0.3, 60 at
# 0.5, and no more above).
CROSS_LINGUAL_HEADER_WEIGHT = 0.5
_WORD = re.compile(r"[a-z0-9_]+(?:\.[a-z0-9_]+)*")
_STOP = frozenset(
    "a an and are as at be but by can do does for from how i if in into is it its me my no not of on or so "
    "that the their then there these this to was we what when where which who why will with you your".split()
)
# Weight of lexical overlap next to cosine similarity in the hybrid score. Exact error strings ("101",
# "UNABLE_TO_LOCK_ROW") are where dense MiniLM vectors are weakest and word overlap is strongest.
LEXICAL_WEIGHT = 0.25
# In a question in another language than the articles' English, only tokens that read the same in every language
# can overlap with an article; other words would match by accident. Language-neutral are: error codes, numbers and
# dotted names anywhere; in a message written mostly in another script (Korean, Arabic, Russian...), every Latin word
# (customers write product terms as they appear on screen: "Apex", "Data Loader", "Web-to-Case"); in a Latin-script
# message, the words written as names (a capital inside a sentence, or inside the word: "Apex", "SOQL", "PushTopic").
_LANGUAGE_NEUTRAL = re.compile(r"[0-9_.]")
# Words: runs of Latin letters (with accents: "işleminde" is one word, dropped whole rather than cut into ASCII
# fragments that match English words by accident) or runs of another script's letters ("バッチApexの" is three
# words, so the Latin term glued to Japanese text is found).
_LATIN = "0-9A-Za-z_\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0300-\u036f\u1e00-\u1eff"
_ANY_WORD = re.compile(rf"[{_LATIN}]+(?:[.'’][{_LATIN}]+)*|[^\W{_LATIN}]+")
_SENTENCE_END = re.compile(r"[.!?。！？؟]\s*$")
# A message in another language is searched as English when this share of its words are the articles' words
# (on the intent set, 0.7 takes 6 of the 22 English messages the detector calls another language, and 11 of 1,482
# other-language ones, each mostly an English error message: "Too many DML statements: 151 hatası alıyorum").
ENGLISH_VOCABULARY_SHARE = 0.7
# Up to this many chunks every chunk is scored for every query (exact, a few ms). A larger index shortlists: the
# chunks and units nearest the query in HNSW graphs plus the best word matches, then scores only those exactly.
EXHAUSTIVE_MAX = 20_000
_SHORTLIST = 128
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


def _written_as_name(word: str, sentence_start: bool) -> bool:
    return any(ch.isupper() for ch in word[1:]) or (word[0].isupper() and not sentence_start)


def overlap_tokens(text: str, language: str) -> list[str]:
    """The query's words that can overlap with the English articles' words (see `_LANGUAGE_NEUTRAL`).

    English keeps every content word. Another language keeps its language-neutral ASCII words only: codes and
    numbers; in a message with words in another script, every Latin word; in a Latin-script one, words written as
    names.
    """
    if is_english(language):
        return tokens(text)
    words = list(_ANY_WORD.finditer(text))
    other_script = any(not _is_latin(match.group()) for match in words)
    kept: list[str] = []
    for number, match in enumerate(words):
        word = match.group()
        if not word.isascii():
            continue
        sentence_start = number == 0 or bool(_SENTENCE_END.search(text[: match.start()]))
        if other_script or _LANGUAGE_NEUTRAL.search(word) or _written_as_name(word, sentence_start):
            kept.extend(tokens(word))
    return kept


def _is_latin(word: str) -> bool:
    return re.fullmatch(rf"[{_LATIN}.'’]+", word) is not None


def vocabulary_share(text: str, vocabulary: Collection[str]) -> tuple[float, int]:
    """(share of the text's words that are in `vocabulary`, how many words counted): content words of ASCII
    words count one each, a word with other letters counts as one unknown word."""
    content: list[str] = []
    foreign = 0
    for word in _ANY_WORD.findall(text):
        if word.isascii():
            content.extend(tokens(word))
        else:
            foreign += 1
    counted = len(content) + foreign
    known = sum(word in vocabulary for word in content)
    return (known / counted if counted else 0.0), counted


def is_english(language: str) -> bool:
    """Whether a language code (ISO 639-1, optionally with a region) is English, the articles' language."""
    return language.split("-")[0].lower() == "en"


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
        self._has_units = np.array([bool(c.units) for c in chunks])
        self._unit_counts = np.array([len(c.units) for c in chunks], dtype=np.int64)
        self._unit_first = np.asarray(self._unit_offsets, dtype=np.int64)
        self._unit_owner = np.repeat(np.arange(len(chunks)), self._unit_counts)
        self._hnsw: tuple[faiss.IndexHNSWFlat, faiss.IndexHNSWFlat] | None = None
        # The flat index's own vectors, read in place (no copy): every chunk is scored by one matrix product.
        if not isinstance(index, faiss.IndexFlat):
            raise ValueError(f"the knowledge index must be a flat FAISS index, not {type(index).__name__}")
        self._chunk_vectors: Vectors = faiss.rev_swig_ptr(index.get_xb(), index.ntotal * index.d).reshape(
            index.ntotal, index.d
        )
        # Where each chunk's units start, for chunks that have any: the best unit per chunk is one reduceat.
        self._unit_starts = np.array(
            [start for start, c in zip(self._unit_offsets, chunks, strict=True) if c.units], dtype=np.int64
        )
        self._summary_position = {c.article_id: i for i, c in reversed(list(enumerate(chunks)))}
        self._article_positions: dict[str, list[int]] = {}
        for position, chunk in enumerate(chunks):
            self._article_positions.setdefault(chunk.article_id, []).append(position)
        # Word → the chunks holding it: lexical overlap costs the query's postings, not a pass over every chunk.
        postings: dict[str, list[int]] = {}
        for position, chunk in enumerate(chunks):
            for word in set(tokens(f"{chunk.title} {chunk.heading} {chunk.text}")):
                postings.setdefault(word, []).append(position)
        self._postings = {word: np.array(found, dtype=np.int64) for word, found in postings.items()}
        total = len(chunks)
        self._idf = {word: math.log(1 + total / len(found)) for word, found in postings.items()}

    @property
    def version(self) -> str:
        return self.manifest.version

    def reads_as_english(self, query: str, language: str) -> bool:
        """Whether to search `query` as English: it is (`language`), or most of its words are the articles' words.

        The detector guesses on short technical messages ("INVALID_FIELD_FOR_INSERT_UPDATE in data loader" reads as
        Romanian to it, "Too many SOQL queries: 101 错误怎么解决" as Chinese): English word overlap then helps.
        """
        if is_english(language):
            return True
        share, counted = vocabulary_share(query, self._postings)
        return counted >= 2 and share >= ENGLISH_VOCABULARY_SHARE

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

    def _unit_rows(
        self, positions: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """The unit rows of these chunks (those that have units), and where each chunk's rows start among them."""
        with_units = positions[self._has_units[positions]]
        counts = self._unit_counts[with_units]
        starts = self._unit_first[with_units]
        rows = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
        return rows, np.cumsum(counts) - counts

    def _dense(
        self,
        query_vector: Vectors,
        positions: npt.NDArray[np.int64] | None = None,
        header_weight: float = HEADER_WEIGHT,
    ) -> Vectors:
        """Per chunk (every chunk, or those at `positions`, in that order): `header_weight` x header cosine +
        the rest x best unit cosine."""
        query = query_vector.reshape(-1).astype(np.float32)
        if positions is None:
            header = (self._chunk_vectors @ query).astype(np.float32)
            best_unit = header.copy()  # a chunk without units is scored by its header alone
            if len(self._units):
                unit_scores = (self._units @ query).astype(np.float32)
                best_unit[self._has_units] = np.maximum.reduceat(unit_scores, self._unit_starts)
        else:
            header = (self._chunk_vectors[positions] @ query).astype(np.float32)
            best_unit = header.copy()
            rows, starts = self._unit_rows(positions)
            if len(rows):
                unit_scores = (self._units[rows] @ query).astype(np.float32)
                best_unit[self._has_units[positions]] = np.maximum.reduceat(unit_scores, starts)
        result: Vectors = header_weight * header + (1 - header_weight) * best_unit
        return result

    def prepare(self) -> None:
        """Build what searching needs before the first query (a large index's HNSW graphs; minutes at 100k)."""
        if len(self.chunks) > EXHAUSTIVE_MAX:
            self._graphs()

    def _graphs(self) -> tuple[faiss.IndexHNSWFlat, faiss.IndexHNSWFlat]:
        """HNSW graphs over the chunk and unit vectors (built on first use by a large index)."""
        if self._hnsw is None:
            graphs = []
            for vectors in (self._chunk_vectors, self._units):
                graph = faiss.IndexHNSWFlat(vectors.shape[1], 16, faiss.METRIC_INNER_PRODUCT)
                graph.hnsw.efSearch = _SHORTLIST
                graph.add(np.ascontiguousarray(vectors))
                graphs.append(graph)
            self._hnsw = (graphs[0], graphs[1])
        return self._hnsw

    def _candidates(self, query_vector: Vectors, lexical: Vectors) -> npt.NDArray[np.int64] | None:
        """None (score every chunk) for a small index; else the shortlist of chunk positions."""
        if len(self.chunks) <= EXHAUSTIVE_MAX:
            return None
        chunk_graph, unit_graph = self._graphs()
        query = query_vector.reshape(1, -1).astype(np.float32)
        _, near_chunks = chunk_graph.search(query, _SHORTLIST)
        _, near_units = unit_graph.search(query, _SHORTLIST)
        owners = self._unit_owner[near_units[0][near_units[0] >= 0]]
        words = np.argpartition(-lexical, _SHORTLIST)[:_SHORTLIST]
        found = np.concatenate([near_chunks[0][near_chunks[0] >= 0], owners, words[lexical[words] > 0]])
        return np.unique(found).astype(np.int64)

    def _calibrated(self, cosine: float) -> float:
        floor = self.manifest.similarity_floor
        return (cosine - floor) / (1.0 - floor)

    def _lexical(self, query_tokens: list[str]) -> npt.NDArray[np.float32]:
        """Per chunk: the share of the query's idf mass that the chunk contains (0..1)."""
        overlap = np.zeros(len(self.chunks), dtype=np.float32)
        total = sum(self._idf.get(word, 1.0) for word in query_tokens)
        if not total:
            return overlap
        for word in query_tokens:
            found = self._postings.get(word)
            if found is not None:
                overlap[found] += self._idf[word]
        result: npt.NDArray[np.float32] = overlap / total
        return result

    def search(
        self, query_vector: Vectors, query: str, top_k: int, per_article: int = 2, language: str = "en"
    ) -> list[Passage]:
        """Hybrid ranking (cosine plus weighted word overlap) over every chunk, at most `per_article` each.

        For a question in another language (`language`), word overlap counts only its language-neutral tokens
        (`overlap_tokens`); with none, the ranking is the multilingual vectors' alone, and the header weighs more
        (`CROSS_LINGUAL_HEADER_WEIGHT`).

        The best article's summary is always returned too (after the top k when it did not rank): every article
        opens with a summary written to answer its main question directly. When the question asks how to fix or do
        something, so is that article's best "how do I…" section.
        """
        if not self.chunks:
            return []
        wants_fix = bool(FIX_CUES.search(query))
        floor = self.manifest.similarity_floor
        query_tokens = overlap_tokens(query, language)
        # English keeps its weight even with no content words, so its scores and floors stay as calibrated.
        weight = LEXICAL_WEIGHT if query_tokens or is_english(language) else 0.0
        lexical = self._lexical(query_tokens)
        shortlisted = self._candidates(query_vector, lexical)
        # Chunks not shortlisted (large indexes only) score -inf: they are never ranked.
        scores = np.full(len(self.chunks), -np.inf, dtype=np.float32)
        positions = np.arange(len(self.chunks)) if shortlisted is None else shortlisted
        header_weight = HEADER_WEIGHT if is_english(language) else CROSS_LINGUAL_HEADER_WEIGHT
        calibrated = (self._dense(query_vector, shortlisted, header_weight) - floor) / (1.0 - floor)
        scores[positions] = (1 - weight) * calibrated + weight * lexical[positions]
        passages: list[Passage] = []
        per: Counter[str] = Counter()
        # Rank only the best few hundred chunks (argpartition): enough for top_k at per_article each.
        shortlist = min(len(positions), max(64, top_k * per_article * 16))
        best = positions[np.argpartition(-scores[positions], shortlist - 1)[:shortlist]]
        for position in best[np.argsort(-scores[best], kind="stable")]:
            chunk = self.chunks[int(position)]
            if per[chunk.article_id] >= per_article:
                continue
            per[chunk.article_id] += 1
            passages.append(self._passage(chunk, int(position), float(scores[position]), query_vector))
            if len(passages) == top_k:
                break
        if not passages:
            return passages
        top = passages[0].article_id
        # The best article's other chunks are scored even when the shortlist left them out (large indexes).
        own = np.asarray(self._article_positions[top], dtype=np.int64)
        unscored = own[np.isinf(scores[own])]
        if len(unscored):
            dense = (self._dense(query_vector, unscored, header_weight) - floor) / (1.0 - floor)
            scores[unscored] = (1 - weight) * dense + weight * lexical[unscored]
        extras = [self._summary_position.get(top)]
        if wants_fix:
            fixes = [i for i in self._article_positions[top] if FIX_CUES.search(self.chunks[i].heading)]
            extras.append(max(fixes, key=lambda i: scores[i], default=None))
        for extra in extras:
            if extra is not None and all(p.chunk_id != self.chunks[extra].id for p in passages):
                passages.append(self._passage(self.chunks[extra], extra, float(scores[extra]), query_vector))
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
