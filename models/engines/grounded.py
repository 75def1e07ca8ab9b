"""The grounded engine: an extractive composer that writes the answer from the retrieved passages only.

It selects the units (sentences, step lists, code blocks) that best answer the question, orders them as the
articles do, and marks each article's part with its citation number. It never writes a fact of its own: every
sentence of an answer is a sentence of the knowledge base, so it needs no groundedness guard. With no evidence it
says so plainly and offers a person.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from pydantic import BaseModel

from models.engines.base import Done, Engine, GenerationRequest, StreamItem, TextChunk
from models.retrieval import Passage, ScoredUnit, tokens

NO_ANSWER = (
    "I could not find an answer to that in our knowledge base. "
    "A person from our support team can help: choose **Talk to a person** and I will pass them this chat."
)
_TECHNICAL_CUES = re.compile(r"\b(fix|how|example|code|write|sample|pattern|bulkif\w*|query|trigger|class)\b", re.I)
# A unit must score at least this (cosine, 0..1) and be within `_SPREAD` of the best one to be quoted.
_FLOOR = 0.3
_SPREAD = 0.2
_OTHER_ARTICLE_SPREAD = 0.08
_WORDS_PER_CHUNK = 4


class Selected(BaseModel):
    passage_rank: int
    article_id: str
    unit: ScoredUnit
    score: float


def _similar(a: str, b: str) -> bool:
    ta, tb = set(tokens(a)), set(tokens(b))
    if not ta or not tb:
        return False
    return len(ta & tb) / len(ta | tb) > 0.7


def select_units(question: str, passages: list[Passage], max_sentences: int) -> list[Selected]:
    """Pick the units to quote, in reading order (by passage rank, then position)."""
    if not passages:
        return []
    primary = passages[0].article_id
    candidates: list[Selected] = []
    for rank, passage in enumerate(passages):
        for unit in passage.units:
            if unit.kind == "code":
                continue  # code is attached below, next to the prose that explains it
            score = 0.7 * unit.score + 0.3 * passage.score + (0.04 if passage.article_id == primary else 0.0)
            candidates.append(Selected(passage_rank=rank, article_id=passage.article_id, unit=unit, score=score))
    if not candidates:
        return []
    candidates.sort(key=lambda s: s.score, reverse=True)
    best = candidates[0].score
    chosen: list[Selected] = []
    has_list = False
    for candidate in candidates:
        if len(chosen) >= max_sentences or candidate.score < max(_FLOOR, best - _SPREAD):
            break
        if candidate.article_id != primary and candidate.score < best - _OTHER_ARTICLE_SPREAD:
            continue
        if candidate.unit.kind == "list":
            if has_list:
                continue
            has_list = True
        if any(_similar(candidate.unit.text, other.unit.text) for other in chosen):
            continue
        chosen.append(candidate)
    chosen.extend(_code_for(question, passages, chosen))
    chosen.sort(key=lambda s: (s.passage_rank, s.unit.position))
    return chosen


def _code_for(question: str, passages: list[Passage], chosen: list[Selected]) -> list[Selected]:
    """At most one code block: from the best chunk we quote, when the question asks how to do or fix something."""
    if not chosen or not _TECHNICAL_CUES.search(question):
        return []
    ranks = sorted({s.passage_rank for s in chosen})
    for rank in ranks:
        passage = passages[rank]
        quoted = [s.unit.position for s in chosen if s.passage_rank == rank]
        for unit in passage.units:
            # The code that follows (or sits just before) a quoted sentence is the example that sentence explains.
            if unit.kind == "code" and any(abs(unit.position - position) <= 2 for position in quoted):
                return [Selected(passage_rank=rank, article_id=passage.article_id, unit=unit, score=0.0)]
    return []


def compose(question: str, passages: list[Passage], max_sentences: int, min_score: float) -> tuple[str, list[str]]:
    """The answer's Markdown and the article ids it cites, in citation-number order."""
    evidence = [p for p in passages if p.score >= min_score]
    chosen = select_units(question, evidence, max_sentences)
    if not chosen:
        return NO_ANSWER, []
    cited: list[str] = []
    blocks: list[str] = []
    prose: list[str] = []
    current_article: str | None = None

    def close_article() -> None:
        if prose:
            blocks.append(" ".join(prose))
            prose.clear()
        if current_article is not None and blocks:
            blocks[-1] = f"{blocks[-1]} [{cited.index(current_article) + 1}]"

    for selected in chosen:
        if selected.article_id != current_article:
            close_article()
            current_article = selected.article_id
            if current_article not in cited:
                cited.append(current_article)
        if selected.unit.kind == "prose":
            prose.append(selected.unit.text)
        else:
            if prose:
                blocks.append(" ".join(prose))
                prose.clear()
            blocks.append(selected.unit.text)
    close_article()
    return "\n\n".join(blocks), cited


def _pieces(text: str) -> list[str]:
    """Cut text into small streaming pieces that concatenate back to exactly `text`."""
    pieces: list[str] = []
    words = re.findall(r"\S+\s*|\s+", text)
    for start in range(0, len(words), _WORDS_PER_CHUNK):
        pieces.append("".join(words[start : start + _WORDS_PER_CHUNK]))
    return pieces


class GroundedEngine(Engine):
    """Extractive, CPU-cheap, and the default: answers only with knowledge-base sentences."""

    needs_guard = False

    def __init__(self, name: str, version: str, max_sentences: int = 6) -> None:
        super().__init__(name, version)
        self.max_sentences = max_sentences

    async def stream(self, request: GenerationRequest) -> AsyncIterator[StreamItem]:
        text, cited = compose(request.question, request.passages, self.max_sentences, request.min_evidence_score)
        produced = 0
        for piece in _pieces(text):
            count = len(piece.split())
            produced += count
            yield TextChunk(text=piece, tokens=count)
        yield Done(prompt_tokens=len(request.question.split()), completion_tokens=produced, cited_articles=cited)
