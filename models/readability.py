"""Flesch reading ease, the PRD's plain-language measure (> 60 is plain English)."""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
# The product's own name, the most common word of every answer, is a compound with a silent "e" inside.
_KNOWN_SYLLABLES = {"salesforce": "salzforz"}
_SENTENCE = re.compile(r"[.!?]+(?:\s|$)")
_CODE = re.compile(r"```.*?```|`[^`]*`", re.DOTALL)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[\d+\]")
# Kept in answers but not counted against readability: a Setup path ("Setup > Email > Deliverability"), a bold
# screen label, quoted error text ("Too many SOQL queries: 101") and error codes (REQUEST_LIMIT_EXCEEDED). Customers
# need them verbatim.
_TITLE_WORDS = r"[A-Z0-9][\w'&/-]*(?:\s+(?:(?:and|or|of|to|for|the|a|an|&)\s+)?[A-Z0-9][\w'&/-]*)*"
_SETUP_PATH = re.compile(rf"\b(?:Setup|App Launcher)\b(?:\s*>\s*{_TITLE_WORDS})+")
_QUOTED = re.compile(r"\"[^\"\n]{1,160}\"|“[^”\n]{1,160}”|(?:(?<=\s)|^)'[^'\n]{2,160}'(?=[\s.,;:!?)]|$)")
_ERROR_CODE = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")
# A bold label is text on the screen, written as Salesforce shows it: a button, a field or a setting ("Click
# **Allow submitters to recall approval requests**"). A bold lead-in of the article's own ("**Rule not active:**")
# ends with a colon and is counted.
_UI_LABEL = re.compile(r"\*\*([^*\n]{1,80})\*\*")


def syllables(word: str) -> int:
    """Syllables by vowel groups, with English's silent endings: the final "e" ("rule", but "table"), and the "e" of "-es" and
    "-ed" where it is not heard ("rules", "named"; but "cases", "created"). A "n't" after a consonant is a syllable
    of its own ("doesn't"). An upper-case word that is short or has no vowel is spelled out ("API", "DML"). Against the
    CMU Pronouncing Dictionary over the knowledge base's words (69,095): 2.6% counted wrong and no bias (+0.000 a
    word), where bare vowel groups had 6.3% wrong and counted +0.022 a word too many.
    """
    if word.isupper() and (len(word) <= 3 or not _VOWEL_GROUPS.search(word.lower())):
        return len(word)
    word = word.lower().strip("'")
    word = _KNOWN_SYLLABLES.get(word, word)
    extra = 1 if re.search(r"[^aeiou]n't$", word) else 0
    word = word.removesuffix("n't") if extra else word
    if len(word) <= 3:
        return 1 + extra
    if word.endswith("e") and not re.search(r"(?:[^aeiouy]le|ee)$", word):
        word = word[:-1]
    elif word.endswith("es") and not re.search(r"(?:[sxzcg]|[cs]h)es$", word):
        word = word[:-2]
    elif word.endswith("ed") and not re.search(r"[td]ed$", word):
        word = word[:-2]
    return max(1, len(_VOWEL_GROUPS.findall(word))) + extra


def prose_of(markdown: str) -> str:
    """Drop code, link targets, citation markers and verbatim text (Setup paths, bold screen labels, quoted errors,
    error codes; each read as one short word); list items and headings count as sentences."""
    text = _CODE.sub(" ", markdown)
    text = _UI_LABEL.sub(lambda m: m.group(0) if m.group(1).rstrip().endswith(":") else " it ", text)
    for verbatim in (_SETUP_PATH, _QUOTED, _ERROR_CODE):
        text = verbatim.sub(" it ", text)
    text = _LINK.sub(lambda m: m.group(1) or "", text)
    lines = []
    for line in text.splitlines():
        stripped = line.strip().lstrip("#>*-+ ").strip()
        stripped = re.sub(r"^\d+[.)]\s*", "", stripped)
        if stripped:
            lines.append(stripped if stripped[-1] in ".!?:" else stripped + ".")
    return " ".join(lines)


def flesch_reading_ease(markdown: str) -> float | None:
    """Score of the prose in `markdown`; None when it has no words."""
    text = prose_of(markdown)
    words = _WORD.findall(text)
    if not words:
        return None
    sentences = max(1, len(_SENTENCE.findall(text)))
    syllable_count = sum(syllables(word) for word in words)
    return round(206.835 - 1.015 * len(words) / sentences - 84.6 * syllable_count / len(words), 1)
