"""The evaluation set (pipelines/eval/data/*.yaml): schema, loading, and how a key fact is matched.

Each YAML file holds `items:`, a list of questions written for this project the way customers write them. An
`answer` item names the knowledge articles that answer it (citing any one counts) and its key fact: a list of
alternatives, each a plain string or, prefixed `re:`, a case-insensitive regex. Facts are English because the
grounded engine answers with English passages; `translations` adds alternatives in the item's own language for
an engine that answers in the user's language.

Numbers are compared without their thousands separators ("2,000", "2 000", "2.000" and "2000" all match), in
the reply, in plain facts and in regexes alike, so write numbers in a regex without separators.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DATA_DIR = Path(__file__).resolve().parent / "data"
# The development set: the same format, written apart from the evaluation set to find failure causes and tune on
# (`python -m pipelines.eval --dev`), so the evaluation set stays held out for the figures reported.
DEV_DIR = Path(__file__).resolve().parent / "dev"
Kind = Literal["answer", "handoff", "refuse", "out_of_scope", "small_talk"]
KINDS: tuple[Kind, ...] = ("answer", "handoff", "refuse", "out_of_scope", "small_talk")
REGEX_PREFIX = "re:"

# A separator between digit groups: "2,000", "2 000", "2.000", "2 000" (narrow no-break space) -> "2000".
_THOUSANDS = re.compile(r"(?<=\d)[,.\u00a0\u202f\u2009 '](?=\d{3}(?!\d))")
_MARKUP = re.compile(r"\*\*|__|`")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_SPACE = re.compile(r"\s+")


class EvalSetError(ValueError):
    """The evaluation set is malformed; the message names the file and the item."""


def normalise(text: str) -> str:
    """Text as facts are matched against it: no Markdown emphasis, plain quotes, one space, bare numbers."""
    text = _MARKUP.sub("", text.translate(_QUOTES))
    return _SPACE.sub(" ", _THOUSANDS.sub("", text)).strip()


def compile_alternative(alternative: str) -> re.Pattern[str]:
    """One fact alternative as a case-insensitive pattern over normalised text."""
    if alternative.startswith(REGEX_PREFIX):
        source = _THOUSANDS.sub("", alternative[len(REGEX_PREFIX) :].strip())
    else:
        source = r"\s+".join(re.escape(word) for word in normalise(alternative).split(" "))
    return re.compile(source, re.IGNORECASE)


class EvalItem(BaseModel):
    """One question and what a good reply to it does."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", description="Unique across the whole set.")
    language: str = Field(pattern=r"^[a-z]{2}$", description="ISO 639-1 code of the text.")
    text: str = Field(
        min_length=1, max_length=8000, description="What the customer writes, as they write it."
    )
    kind: Kind = Field(description="What the reply should do.")
    articles: list[str] = Field(
        default_factory=list, description="`answer` only: ids of articles that answer it; citing one counts."
    )
    facts: list[str] = Field(
        default_factory=list, description="`answer` only: the key fact in English, as alternatives."
    )
    translations: list[str] = Field(
        default_factory=list,
        description="The key fact in the item's language (for an LLM that answers in it).",
    )
    intent: str | None = Field(default=None, description="Expected intent name, where it is clear.")

    @field_validator("facts", "translations")
    @classmethod
    def _patterns_compile(cls, alternatives: list[str]) -> list[str]:
        for alternative in alternatives:
            if not alternative.strip() or alternative.strip() == REGEX_PREFIX:
                raise ValueError("a fact alternative is empty")
            try:
                compile_alternative(alternative)
            except re.error as exc:
                raise ValueError(f"fact {alternative!r} is not a valid regex: {exc}") from exc
        return alternatives

    @model_validator(mode="after")
    def _answer_fields(self) -> EvalItem:
        if self.kind == "answer" and not (self.articles and self.facts):
            raise ValueError("an `answer` item needs `articles` and `facts`")
        if self.kind != "answer" and (self.articles or self.facts or self.translations):
            raise ValueError(f"a `{self.kind}` item takes no `articles`, `facts` or `translations`")
        return self

    @cached_property
    def patterns(self) -> list[re.Pattern[str]]:
        """English facts and this language's translations, compiled."""
        return [compile_alternative(a) for a in [*self.facts, *self.translations]]

    def fact_found(self, reply: str) -> bool:
        """Whether the reply states the key fact (any alternative)."""
        text = normalise(reply)
        return any(pattern.search(text) for pattern in self.patterns)


class EvalFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[EvalItem] = Field(min_length=1)


def _describe(error: ValidationError, raw: object) -> str:
    lines = []
    for problem in error.errors():
        location = list(problem["loc"])
        where = ".".join(str(part) for part in location)
        if len(location) >= 2 and location[0] == "items" and isinstance(location[1], int):
            items = raw.get("items") if isinstance(raw, dict) else None
            item = items[location[1]] if isinstance(items, list) and location[1] < len(items) else None
            item_id = item.get("id") if isinstance(item, dict) else None
            where = f"item {location[1]} (id {item_id!r})" + "".join(f".{p}" for p in location[2:])
        lines.append(f"{where}: {problem['msg']}")
    return "; ".join(lines)


def load_file(path: Path) -> list[EvalItem]:
    """The items of one YAML file; a bad file raises `EvalSetError` naming it and the item."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise EvalSetError(f"{path}: cannot read the evaluation file: {exc}") from exc
    try:
        return EvalFile.model_validate(raw).items
    except ValidationError as exc:
        raise EvalSetError(f"{path}: {_describe(exc, raw)}") from exc


def load_eval_set(folder: Path = DATA_DIR, *, languages: Iterable[str] | None = None) -> list[EvalItem]:
    """Every item of every `*.yaml` file in `folder` (ids unique across files), optionally of some languages."""
    paths = sorted(folder.glob("*.yaml"))
    if not paths:
        raise EvalSetError(f"{folder}: no evaluation files (*.yaml)")
    items: list[EvalItem] = []
    seen: dict[str, Path] = {}
    for path in paths:
        for item in load_file(path):
            if item.id in seen:
                raise EvalSetError(f"{path}: item id {item.id!r} is also used in {seen[item.id]}")
            seen[item.id] = path
            items.append(item)
    if languages is not None:
        wanted = set(languages)
        items = [item for item in items if item.language in wanted]
    return items
