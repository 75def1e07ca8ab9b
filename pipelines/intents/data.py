"""The labelled intent set (pipelines/intents/intents.yaml): loading and validation.

English examples sit under each intent (and `out_of_scope`); `multilingual:` adds, per intent, examples in other
languages (keyed by ISO 639-1 code) with their own held-out `test` part, so evaluation can report English and
other languages apart.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, model_validator

from models.nlp.intent import OUT_OF_SCOPE
from models.nlp.language import SUPPORTED

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


class Translated(BaseModel):
    """One intent's examples in other languages: language code -> texts, for each part."""

    train: dict[str, list[str]] = Field(default_factory=dict)
    test: dict[str, list[str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _languages(self) -> Translated:
        unknown = sorted({*self.train, *self.test} - set(SUPPORTED) - {"en"})
        if unknown:
            raise ValueError(
                f"unknown language codes {unknown}; use the UI's ISO 639-1 codes ({' '.join(SUPPORTED)})"
            )
        return self


class IntentSet(BaseModel):
    version: int
    out_of_scope: SplitSet
    intents: list[IntentSpec] = Field(min_length=25)
    multilingual: dict[str, Translated] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _unique(self) -> IntentSet:
        names = [intent.name for intent in self.intents]
        if len(set(names)) != len(names) or OUT_OF_SCOPE in names:
            raise ValueError("intent names must be unique and must not be 'out_of_scope'")
        unknown = sorted(set(self.multilingual) - {*names, OUT_OF_SCOPE})
        if unknown:
            raise ValueError(f"`multilingual:` names intents that do not exist: {unknown}")
        return self

    def split(self, part: str) -> tuple[list[str], list[str]]:
        """(texts, labels) of the `train` or `test` part, out-of-scope and every language included."""
        texts, labels, _ = self.split_with_languages(part)
        return texts, labels

    def split_with_languages(self, part: str) -> tuple[list[str], list[str], list[str]]:
        """(texts, labels, language codes) of the `train` or `test` part."""
        if part not in ("train", "test"):
            raise ValueError(f"part must be 'train' or 'test', not {part!r}")
        texts: list[str] = []
        labels: list[str] = []
        languages: list[str] = []
        for intent in self.intents:
            examples = intent.train if part == "train" else intent.test
            texts.extend(examples)
            labels.extend([intent.name] * len(examples))
        oos = self.out_of_scope.train if part == "train" else self.out_of_scope.test
        texts.extend(oos)
        labels.extend([OUT_OF_SCOPE] * len(oos))
        languages.extend(["en"] * len(texts))
        for name, translated in self.multilingual.items():
            for language, examples in (translated.train if part == "train" else translated.test).items():
                texts.extend(examples)
                labels.extend([name] * len(examples))
                languages.extend([language] * len(examples))
        return texts, labels, languages

    def quick_replies(self) -> dict[str, list[str]]:
        return {intent.name: intent.quick_replies for intent in self.intents}


def load_intent_set(path: Path = INTENTS_FILE) -> IntentSet:
    return IntentSet.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def data_digest(path: Path = INTENTS_FILE) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
