"""NLP deployment: intent (with out-of-scope), sentiment, emotion, language and entities for one message.

`analyze` also returns the message's query vector (`embedding`, with the `embedder` identity that made it), so
the graph can hand it to retrieval instead of embedding the same text twice per turn.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

from deployments.base import DeploymentNotReady, bounded
from deployments.telemetry import DeploymentMetrics
from models.config import NLPConfig, resolve_path
from models.nlp.embedder import shared_embedder
from models.nlp.emotion import Emotion, EmotionDetector
from models.nlp.entities import Entity, extract_entities
from models.nlp.intent import META_FILE, IntentClassifier, IntentPrediction
from models.nlp.language import Language, LanguageDetector
from models.nlp.sentiment import Sentiment, SentimentAnalyzer


class Understanding(BaseModel):
    intent: IntentPrediction
    sentiment: Sentiment
    emotion: Emotion
    language: Language
    entities: list[Entity]
    quick_replies: list[str]
    embedder: str = Field(description="Identity (name@version) of the embedder that made `embedding`.")
    embedding: list[float] = Field(description="The message's L2-normalised query vector.")


class NLPDeployment:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = NLPConfig.model_validate(config)
        self._classifier: IntentClassifier | None = None
        self._quick_replies: dict[str, list[str]] = {}
        self._metrics = DeploymentMetrics({"intents": "Messages by predicted intent."})

    def _load(self) -> None:
        folder = resolve_path(self.config.intent_model_dir)
        embedder = shared_embedder(self.config.embedder, self.config.embedder_spec)
        classifier = IntentClassifier.load(folder, self.config.intent_threshold)
        meta = json.loads((folder / META_FILE).read_text())
        trained_with = meta.get("embedder")
        if trained_with != embedder.identity:
            raise ValueError(
                f"the intent classifier in {folder} was trained on {trained_with!r} vectors but nlp is configured "
                f"with embedder {embedder.identity!r}; run `csagent train-intents`"
            )
        self._classifier = classifier
        self._quick_replies = dict(meta.get("quick_replies", {}))
        self._embedder = embedder
        self._sentiment = SentimentAnalyzer(self.config.negative_sentiment_threshold)
        self._emotion = EmotionDetector()
        self._language = LanguageDetector()

    async def start(self) -> None:
        await bounded("nlp", self._load)

    async def analyze(self, text: str) -> dict[str, Any]:
        """Understand one message; returns `Understanding` as a dict (plain data crosses the Ray boundary)."""
        if self._classifier is None:
            raise DeploymentNotReady("nlp is starting")
        with self._metrics.timed("analyze"):
            vectors = self._embedder.encode_queries([text])
            intent = self._classifier.predict(vectors, [text])[0]
            sentiment = self._sentiment.analyze(text)
        self._metrics.count("intents", intent.name)
        return Understanding(
            intent=intent,
            sentiment=sentiment,
            emotion=self._emotion.detect(text, sentiment.score),
            language=self._language.detect(text),
            entities=extract_entities(text),
            quick_replies=self._quick_replies.get(intent.name, []),
            embedder=self._embedder.identity,
            embedding=vectors[0].tolist(),
        ).model_dump()

    async def check_health(self) -> None:
        if self._classifier is None:
            raise DeploymentNotReady("nlp has not loaded its classifier")
