"""The grounded engine: an extractive composer that writes the answer from the retrieved passages only.

It chooses the article that answers the question (not always the retrieval's first), that article's section whose
heading asks what was asked, a few of its summary's lines, and a near-tied second article's best lines; within
them, the units (sentences, step lists, code blocks) that best answer the question, the plainer of near ties. It
orders them as the articles do, and marks each article's part with its citation number. It never writes a fact of its own: every
sentence of an answer is a sentence of the knowledge base, so it needs no groundedness guard. With no evidence it
says so plainly and offers a person.
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator

from pydantic import BaseModel

from models.engines.base import Done, Engine, GenerationRequest, StreamItem, TextChunk
from models.readability import flesch_reading_ease
from models.retrieval import FIX_CUES, Passage, ScoredUnit, evidence_of, tokens

NO_ANSWER = (
    "I could not find an answer to that in our knowledge base. "
    "A person from our support team can help: choose **Talk to a person** and I will pass them this chat."
)
_TECHNICAL_CUES = re.compile(
    r"\b(fix|how|example|code|write|sample|pattern|bulkif\w*|query|trigger|class)\b", re.I
)
# Sections of the best article within this score of the best passage are quoted too (e.g. the summary and the fix).
_SECTION_SPREAD = 0.08
# A second article is quoted when one of its passages scores within this of the chosen article's best; it keeps room
# for `_SECOND_LINES` of its lines (those above the floor), since it may be the one that answers. Tuned on the English
# development set (pipelines/eval/dev/en.yaml), like the weights below.
_OTHER_ARTICLE_SPREAD = 0.1
_SECOND_LINES = 2
_FLOOR = 0.35
# Two sentences sharing more than this share of their words say the same thing: only the first is quoted.
_SAME_SENTENCE = 0.7
# Choosing the article (`choose_article`): weight of its second-best passage and of the question's words in its title.
_SUPPORT = 0.1
_TITLE_WEIGHT = 0.1
# Choosing the section: a "how do I…" heading for a question asking how, and the question's words in the heading.
_FIX_BONUS = 0.02
_HEADING_WEIGHT = 0.1
# How much a sentence's readability counts next to its match with the question when sentences are chosen.
_PLAIN_WEIGHT = 0.08
# Sentences of the summary quoted before a section (at most half of the lines left).
_SUMMARY_BUDGET = 3
# The text is all there at once. Each piece costs a hop through every Serve deployment on the way (llm → graph →
# ingress) plus a WebSocket frame, so pieces are fewer than a model's tokens; a short answer still arrives in several
# (the UI's e2e test sees it grow on screen; at 48 words a short answer came in 2 and did not).
_WORDS_PER_CHUNK = 16


class Selected(BaseModel):
    passage_rank: int
    article_id: str
    unit: ScoredUnit


def _similar(a: str, b: str) -> bool:
    ta, tb = set(tokens(a)), set(tokens(b))
    if not ta or not tb:
        return False
    return len(ta & tb) / len(ta | tb) > _SAME_SENTENCE


def _unit_preference(unit: ScoredUnit) -> float:
    """A unit's match with the question, nudged towards plain sentences: of two that match about as well, the one
    that reads more easily is quoted."""
    ease = flesch_reading_ease(unit.text)
    plainness = 0.0 if ease is None else max(-1.0, min(1.0, (ease - 60.0) / 40.0))
    return unit.score + _PLAIN_WEIGHT * plainness


def _chunk_units(passage: Passage, rank: int, budget: int, with_code: bool) -> list[Selected]:
    """A section is written to be read whole: quote it in order, or its `budget` best units when it is longer."""
    prose = [u for u in passage.units if u.kind != "code"]
    keep: set[int] = set()
    spent = 0
    for unit in sorted(prose, key=_unit_preference, reverse=True):
        cost = 2 if unit.kind == "list" else 1
        if spent + cost <= budget:
            keep.add(unit.position)
            spent += cost
    if with_code and keep:
        code = [u for u in passage.units if u.kind == "code"]
        if code:
            keep.add(code[0].position)
    return [
        Selected(passage_rank=rank, article_id=passage.article_id, unit=u)
        for u in passage.units
        if u.position in keep
    ]


def _order(passage: Passage) -> int:
    return int(passage.chunk_id.rsplit("#", 1)[1])


def _content_words(text: str) -> set[str]:
    """Content words with a plural "s" dropped, so "cases" in a question meets "case" in a title."""
    return {word[:-1] if word.endswith("s") and len(word) > 3 else word for word in tokens(text)}


def _share(question_words: set[str], text: str) -> float:
    """The share of the question's content words that `text` contains (0..1)."""
    if not question_words:
        return 0.0
    return len(question_words & _content_words(text)) / len(question_words)


def choose_article(question: str, passages: list[Passage]) -> str:
    """The article to quote: its best passage's score, plus `_SUPPORT` x its second-best passage's (an article
    whose several sections match the question answers it more surely than one stray section of another), plus
    `_TITLE_WEIGHT` x the share of the question's words in its title (what the article is about). Ties keep the
    retrieval's order."""
    question_words = _content_words(question)
    by_article: dict[str, list[Passage]] = {}
    for passage in passages:
        by_article.setdefault(passage.article_id, []).append(passage)

    def strength(article: str) -> float:
        scores = sorted((p.score for p in by_article[article]), reverse=True)
        support = scores[1] if len(scores) > 1 else 0.0
        title = by_article[article][0].title
        return scores[0] + _SUPPORT * support + _TITLE_WEIGHT * _share(question_words, title)

    return max(by_article, key=strength)


def select_units(question: str, passages: list[Passage], max_sentences: int) -> list[Selected]:
    """Pick what to quote: the chosen article's summary, then its best-matching section (with its code sample when
    the question asks how), then a near-tied second article's best lines. In reading order.
    """
    if not passages:
        return []
    top_id = choose_article(question, passages)
    own = [p for p in passages if p.article_id == top_id]
    top = max(own, key=lambda p: p.score)
    technical = bool(_TECHNICAL_CUES.search(question))
    summary = next((p for p in own if _order(p) == 0), None)
    wants_fix = bool(FIX_CUES.search(question))

    question_words = _content_words(question)

    def preference(passage: Passage) -> float:
        fix = _FIX_BONUS if wants_fix and FIX_CUES.search(passage.heading) else 0.0
        return passage.score + fix + _HEADING_WEIGHT * _share(question_words, passage.heading)

    sections = sorted((p for p in own if _order(p) != 0), key=preference, reverse=True)
    primary = [p for p in (summary, sections[0] if sections else None) if p is not None]
    if (
        summary is not None
        and sections
        and summary.score > sections[0].score + _SECTION_SPREAD
        and not technical
    ):
        primary = [summary]  # the summary alone answers it; the best section is much weaker
    primary.sort(key=_order)
    second = next(
        (p for p in passages if p.article_id != top_id and p.score >= top.score - _OTHER_ARTICLE_SPREAD),
        None,
    )
    chosen: list[Selected] = []
    # A near-tied second article keeps room for its best lines: it may be the one that answers.
    budget = max_sentences - (_SECOND_LINES if second is not None else 0)
    code_used = False
    for order, passage in enumerate(primary):
        if budget <= 0:
            break
        # With a section to quote, the summary gives its best lines only (at most half of those left): the section
        # says what was asked.
        share = min(budget // 2, _SUMMARY_BUDGET) if _order(passage) == 0 and len(primary) > 1 else budget
        for selected in _chunk_units(passage, order, share, with_code=technical and not code_used):
            if any(_similar(selected.unit.text, other.unit.text) for other in chosen):
                continue
            chosen.append(selected)
            if selected.unit.kind == "code":
                code_used = True
            else:
                budget -= 2 if selected.unit.kind == "list" else 1
    budget += _SECOND_LINES if second is not None else 0
    if second is not None and budget >= 2:
        best = sorted((u for u in second.units if u.kind == "prose"), key=_unit_preference, reverse=True)[:2]
        for unit in sorted(best, key=lambda u: u.position):
            if unit.score >= _FLOOR and not any(_similar(unit.text, other.unit.text) for other in chosen):
                chosen.append(Selected(passage_rank=len(primary), article_id=second.article_id, unit=unit))
    return chosen


def compose(
    question: str, passages: list[Passage], max_sentences: int, min_score: float
) -> tuple[str, list[str]]:
    """The answer's Markdown and the article ids it cites, in citation-number order.

    Each section quoted becomes a paragraph; lists and code blocks stand alone; every article's last text block
    ends with its citation marker `[n]`.
    """
    chosen = select_units(question, evidence_of(passages, min_score), max_sentences)
    if not chosen:
        return NO_ANSWER, []
    cited: list[str] = []
    blocks: list[tuple[str, str, str]] = []  # (article id, kind, text)
    previous: tuple[int, str] | None = None
    for selected in chosen:
        if selected.article_id not in cited:
            cited.append(selected.article_id)
        kind = selected.unit.kind
        same_paragraph = previous == (selected.passage_rank, "prose") and kind == "prose"
        if same_paragraph:
            article, _, text = blocks[-1]
            blocks[-1] = (article, kind, f"{text} {selected.unit.text}")
        else:
            blocks.append((selected.article_id, kind, selected.unit.text))
        previous = (selected.passage_rank, kind)
    rendered = [text for _, _, text in blocks]
    for number, article in enumerate(cited, start=1):
        marker = f"[{number}]"
        text_blocks = [i for i, (a, kind, _) in enumerate(blocks) if a == article and kind != "code"]
        if text_blocks:
            rendered[text_blocks[-1]] += f" {marker}"
        else:
            last = max(i for i, (a, _, _) in enumerate(blocks) if a == article)
            rendered.insert(last + 1, marker)
    return "\n\n".join(rendered), cited


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
    quotes_articles = True

    def __init__(self, name: str, version: str, max_sentences: int = 6) -> None:
        super().__init__(name, version)
        self.max_sentences = max_sentences

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[StreamItem, None]:
        text, cited = compose(
            request.question, request.passages, self.max_sentences, request.min_evidence_score
        )
        produced = 0
        for piece in _pieces(text):
            count = len(piece.split())
            produced += count
            yield TextChunk(text=piece, tokens=count)
        yield Done(
            prompt_tokens=len(request.question.split()), completion_tokens=produced, cited_articles=cited
        )
