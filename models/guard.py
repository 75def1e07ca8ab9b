"""Groundedness guard: a draft passes only if every sentence is supported by the retrieved passages.

Supported means: most of the sentence's content words occur in the passages, and every number it states occurs
there too (a wrong limit is the worst thing a support agent can say). Citation markers ([1]) are not claims.
A draft in another language than the passages' English can only be checked for its numbers: word overlap
across languages means nothing.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from models.knowledge import split_sentences
from models.retrieval import Passage, tokens

_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_MARKER = re.compile(r"\[\d+\]")
MIN_WORD_SUPPORT = 0.7


class GuardResult(BaseModel):
    passed: bool
    sentences: int
    unsupported: list[str]
    reason: str | None = None


def check_grounded(draft: str, passages: list[Passage], language: str = "en") -> GuardResult:
    draft = _MARKER.sub(" ", draft)
    words_count = language.split("-")[0].lower() == "en"
    evidence_text = " ".join(p.text for p in passages)
    evidence_words = set(tokens(evidence_text))
    evidence_numbers = {n.replace(",", "") for n in _NUMBER.findall(evidence_text)}
    sentences = [
        s for s in split_sentences(" ".join(draft.split())) if len(tokens(s)) >= 2 or (not words_count and s)
    ]
    if not passages:
        return GuardResult(passed=False, sentences=len(sentences), unsupported=[], reason="no evidence")
    if not sentences:
        return GuardResult(passed=False, sentences=0, unsupported=[], reason="empty draft")
    unsupported = []
    for sentence in sentences:
        words = tokens(sentence)
        support = sum(word in evidence_words for word in words) / len(words) if words_count else 1.0
        numbers = {n.replace(",", "") for n in _NUMBER.findall(sentence)}
        if support < MIN_WORD_SUPPORT or not numbers <= evidence_numbers:
            unsupported.append(sentence)
    return GuardResult(
        passed=not unsupported,
        sentences=len(sentences),
        unsupported=unsupported,
        reason=f"{len(unsupported)} unsupported sentence(s)" if unsupported else None,
    )
