"""Sentiment with VADER (lexicon shipped in the package)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

SentimentLabel = Literal["negative", "neutral", "positive"]


class Sentiment(BaseModel):
    label: SentimentLabel
    score: float


class SentimentAnalyzer:
    """VADER compound score in [-1, 1] with the usual ±0.05 neutral band, widened to ±threshold for negative."""

    def __init__(self, negative_threshold: float = -0.3) -> None:
        self._vader = SentimentIntensityAnalyzer()
        self._negative = negative_threshold

    def analyze(self, text: str) -> Sentiment:
        score = float(self._vader.polarity_scores(text)["compound"])
        label: SentimentLabel
        if score <= self._negative:
            label = "negative"
        elif score >= 0.3:
            label = "positive"
        else:
            label = "neutral"
        return Sentiment(label=label, score=round(score, 4))
