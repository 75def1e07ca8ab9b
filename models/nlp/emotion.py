"""Emotion from a small support-domain lexicon plus VADER's sentiment and the text's shape.

Customer-service emotions are few and loud: people say "still", "again", "useless", "!!!". A lexicon catches them
reliably and explains itself (the matched cues), which an embedding classifier trained on our small set would not.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

EmotionLabel = Literal["anger", "frustration", "confusion", "urgency", "satisfaction", "gratitude", "neutral"]

_LEXICON: dict[EmotionLabel, tuple[str, ...]] = {
    "anger": (
        "furious",
        "angry",
        "ridiculous",
        "unacceptable",
        "outrageous",
        "terrible",
        "worst",
        "useless",
        "garbage",
        "sick of",
        "fed up",
        "hate",
        "pathetic",
        "joke",
        "scam",
        "disgusting",
        "wtf",
        "damn",
    ),
    "frustration": (
        "still",
        "again",
        "keeps",
        "keep getting",
        "nothing works",
        "doesn't work",
        "does not work",
        "not working",
        "tried everything",
        "already tried",
        "for hours",
        "for days",
        "frustrat",
        "annoying",
        "stuck",
        "why won't",
        "why does it",
        "can't believe",
        "impossible",
        "give up",
        "no luck",
        "waste",
        "wasted",
        "every time",
    ),
    "confusion": (
        "confus",
        "don't understand",
        "do not understand",
        "not sure",
        "no idea",
        "what does",
        "what is",
        "unclear",
        "lost",
        "makes no sense",
        "doesn't make sense",
        "which one",
        "how come",
        "i don't get",
    ),
    "urgency": (
        "urgent",
        "asap",
        "immediately",
        "right now",
        "emergency",
        "critical",
        "production is down",
        "prod is down",
        "deadline",
        "blocking",
        "blocked",
        "go-live",
        "go live",
        "as soon as possible",
    ),
    "satisfaction": (
        "works now",
        "it worked",
        "that worked",
        "fixed it",
        "solved",
        "perfect",
        "great",
        "awesome",
        "excellent",
        "helpful",
        "that did it",
        "brilliant",
    ),
    "gratitude": ("thank", "thanks", "thx", "appreciate", "grateful", "cheers"),
}


class Emotion(BaseModel):
    label: EmotionLabel
    score: float
    cues: list[str]


def _cue_pattern(cue: str) -> re.Pattern[str]:
    # A cue that ends mid-word ("frustrat") matches any ending; whole words otherwise.
    tail = r"\w*" if cue.endswith(("frustrat", "confus")) else r"\b"
    return re.compile(r"\b" + re.escape(cue) + tail, re.IGNORECASE)


_PATTERNS = {label: [(cue, _cue_pattern(cue)) for cue in cues] for label, cues in _LEXICON.items()}


class EmotionDetector:
    """Scores each emotion by matched cues, amplified by shouting; negative sentiment tips ties to frustration."""

    def detect(self, text: str, sentiment_score: float = 0.0) -> Emotion:
        scores: dict[EmotionLabel, float] = {}
        matched: dict[EmotionLabel, list[str]] = {}
        for label, patterns in _PATTERNS.items():
            cues = [cue for cue, pattern in patterns if pattern.search(text)]
            if cues:
                matched[label] = cues
                scores[label] = float(len(cues))
        letters = [ch for ch in text if ch.isalpha()]
        shouting = len(letters) >= 8 and sum(ch.isupper() for ch in letters) / len(letters) > 0.7
        exclamations = text.count("!")
        if shouting or exclamations >= 2:
            for label in ("anger", "frustration", "urgency"):
                if label in scores:
                    scores[label] += 1.0
            if not scores and sentiment_score < -0.2:
                scores["frustration"] = 1.0
                matched["frustration"] = ["shouting" if shouting else "!!"]
        if sentiment_score <= -0.5 and "frustration" in scores:
            scores["frustration"] += 0.5
        if not scores:
            return Emotion(label="neutral", score=1.0, cues=[])
        label = max(scores, key=lambda key: scores[key])
        strength = min(1.0, 0.5 + 0.25 * scores[label])
        return Emotion(label=label, score=round(strength, 3), cues=matched.get(label, []))
