"""The labelled intent set (pipelines/intents/intents.yaml): loading and validation."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, model_validator

from models.nlp.intent import OUT_OF_SCOPE

INTENTS_FILE = Path(__file__).resolve().parent / "intents.yaml"


class IntentSpec(BaseModel):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str
    quick_replies: list[str] = Field(default_factory=list, max_length=4)
    train: list[str] = Field(min_length=20)
    test: list[str] = Field(min_length=4)


class SplitSet(BaseModel):
    train: list[str] = Field(min_length=20)
    test: list[str] = Field(min_length=10)


class IntentSet(BaseModel):
    version: int
    out_of_scope: SplitSet
    intents: list[IntentSpec] = Field(min_length=25)

    @model_validator(mode="after")
    def _unique(self) -> IntentSet:
        names = [intent.name for intent in self.intents]
        if len(set(names)) != len(names) or OUT_OF_SCOPE in names:
            raise ValueError("intent names must be unique and must not be 'out_of_scope'")
        return self

    def split(self, part: str) -> tuple[list[str], list[str]]:
        """(texts, labels) of the `train` or `test` part, out-of-scope included."""
        texts: list[str] = []
        labels: list[str] = []
        for intent in self.intents:
            examples = intent.train if part == "train" else intent.test
            texts.extend(examples)
            labels.extend([intent.name] * len(examples))
        oos = self.out_of_scope.train if part == "train" else self.out_of_scope.test
        texts.extend(oos)
        labels.extend([OUT_OF_SCOPE] * len(oos))
        return texts, labels

    def quick_replies(self) -> dict[str, list[str]]:
        return {intent.name: intent.quick_replies for intent in self.intents}


def load_intent_set(path: Path = INTENTS_FILE) -> IntentSet:
    return IntentSet.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def data_digest(path: Path = INTENTS_FILE) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
