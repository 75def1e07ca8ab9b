"""Knowledge articles: parse Markdown with front matter, cut them into chunks, and chunks into quotable units.

A *chunk* is what retrieval ranks (an article's summary, or one `##` section). A *unit* is what the grounded
composer may quote: one prose sentence, one whole list (steps stay together), or one code block.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

CHUNKER_VERSION = "2"
MAX_CHUNK_CHARS = 1400

UnitKind = Literal["prose", "list", "code"]


class ArticleMeta(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=3)
    product_area: str
    source_url: str | None = None
    version: str
    updated: date | None = None
    tags: list[str] = Field(default_factory=list)

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: object) -> str:
        return str(value)


class Article(BaseModel):
    meta: ArticleMeta
    body: str
    path: str


class Unit(BaseModel):
    text: str
    kind: UnitKind


class Chunk(BaseModel):
    id: str
    article_id: str
    title: str
    url: str | None
    product_area: str
    heading: str
    text: str
    units: list[Unit]


class ArticleError(ValueError):
    """An article that cannot be ingested; the message names the file and the fix."""


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.DOTALL)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9`])")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
# Abbreviations that end with a period but do not end a sentence.
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "approx.", "Inc.", "Mr.", "Dr.", "No.")


def parse_article(path: Path) -> Article:
    """Read one Markdown article; raise ArticleError naming the file when its front matter is wrong."""
    text = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(text)
    if not match:
        raise ArticleError(f"{path}: no front matter; start the file with a '---' YAML block")
    try:
        raw = yaml.safe_load(match.group(1))
        meta = ArticleMeta.model_validate(raw)
    except (yaml.YAMLError, ValidationError) as exc:
        raise ArticleError(f"{path}: bad front matter: {exc}") from exc
    if meta.id != path.stem:
        raise ArticleError(f"{path}: front matter id {meta.id!r} must equal the file name {path.stem!r}")
    return Article(meta=meta, body=match.group(2).strip(), path=str(path))


def load_articles(folder: Path) -> list[Article]:
    """Every `*.md` under `folder`, sorted by id; ids must be unique."""
    articles = [parse_article(path) for path in sorted(folder.glob("*.md"))]
    seen: set[str] = set()
    for article in articles:
        if article.meta.id in seen:
            raise ArticleError(f"duplicate article id {article.meta.id!r}")
        seen.add(article.meta.id)
    if not articles:
        raise ArticleError(f"no articles (*.md) in {folder}")
    return articles


def split_sentences(paragraph: str) -> list[str]:
    """Split prose into sentences without breaking on common abbreviations or inside code spans."""
    protected = paragraph
    for i, abbreviation in enumerate(_ABBREVIATIONS):
        protected = protected.replace(abbreviation, f"\x00{i}\x00")
    parts = [part.strip() for part in _SENTENCE_END.split(protected) if part.strip()]
    restored = []
    for part in parts:
        for i, abbreviation in enumerate(_ABBREVIATIONS):
            part = part.replace(f"\x00{i}\x00", abbreviation)
        restored.append(part)
    return restored


def split_units(markdown: str) -> list[Unit]:
    """Cut a Markdown section into quotable units, in order."""
    units: list[Unit] = []
    lines = markdown.splitlines()
    i = 0
    paragraph: list[str] = []

    def flush_paragraph() -> None:
        if paragraph:
            text = " ".join(line.strip() for line in paragraph)
            units.extend(Unit(text=sentence, kind="prose") for sentence in split_sentences(text))
            paragraph.clear()

    while i < len(lines):
        line = lines[i]
        if line.strip().startswith("```"):
            flush_paragraph()
            block = [line]
            i += 1
            while i < len(lines) and not lines[i].strip().startswith("```"):
                block.append(lines[i])
                i += 1
            block.append("```")
            units.append(Unit(text="\n".join(block), kind="code"))
        elif _LIST_ITEM.match(line):
            flush_paragraph()
            items = [line.rstrip()]
            i += 1
            while i < len(lines) and (_LIST_ITEM.match(lines[i]) or lines[i].startswith(("   ", "\t"))):
                items.append(lines[i].rstrip())
                i += 1
            units.append(Unit(text="\n".join(items), kind="list"))
            continue
        elif not line.strip() or line.lstrip().startswith("#"):
            flush_paragraph()
        else:
            paragraph.append(line)
        i += 1
    flush_paragraph()
    return units


def _sections(body: str) -> list[tuple[str, str]]:
    """(heading, text) pairs; the text before the first `##` is the summary."""
    sections: list[tuple[str, str]] = []
    heading = "Summary"
    current: list[str] = []
    in_code = False
    for line in body.splitlines():
        if line.strip().startswith("```"):
            in_code = not in_code
        if not in_code and line.startswith("## "):
            if "".join(current).strip():
                sections.append((heading, "\n".join(current).strip()))
            heading, current = line[3:].strip(), []
        elif not in_code and line.startswith("# "):
            continue  # an H1 repeats the title
        else:
            current.append(line)
    if "".join(current).strip():
        sections.append((heading, "\n".join(current).strip()))
    return sections


def chunk_article(article: Article) -> list[Chunk]:
    """One chunk per section; a long section is cut between units so no unit is split."""
    chunks: list[Chunk] = []
    for heading, text in _sections(article.body):
        groups: list[list[Unit]] = [[]]
        size = 0
        for unit in split_units(text):
            if groups[-1] and size + len(unit.text) > MAX_CHUNK_CHARS:
                groups.append([])
                size = 0
            groups[-1].append(unit)
            size += len(unit.text)
        for units in groups:
            if not units:
                continue
            chunks.append(
                Chunk(
                    id=f"{article.meta.id}#{len(chunks)}",
                    article_id=article.meta.id,
                    title=article.meta.title,
                    url=article.meta.source_url,
                    product_area=article.meta.product_area,
                    heading=heading,
                    text="\n\n".join(unit.text for unit in units),
                    units=units,
                )
            )
    return chunks
