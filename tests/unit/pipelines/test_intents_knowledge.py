"""Intent training examples taken from the knowledge base's article titles (pipelines/intents/knowledge.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.intents.data import load_intent_set
from pipelines.intents.knowledge import (
    ARTICLES_DIR,
    knowledge_digest,
    knowledge_examples,
    load_article_intents,
)

_ARTICLE = """---
id: {id}
title: "{title}"
product_area: apex
source_url: https://example.com/{id}
version: "1"
updated: 2026-12-07
tags: [test]
---

A summary sentence.
"""


def _articles(tmp_path: Path, titles: dict[str, str]) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for article_id, title in titles.items():
        (folder / f"{article_id}.md").write_text(
            _ARTICLE.format(id=article_id, title=title), encoding="utf-8"
        )
    return folder


def _mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "articles.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_each_listed_article_gives_its_title_to_its_intent(tmp_path: Path) -> None:
    folder = _articles(tmp_path, {"dev-a": "Batch Apex limits", "dev-b": "Flow limits", "dev-c": "Unlisted"})
    mapping = _mapping(tmp_path, "intents:\n  async_apex: [dev-a, dev-gone]\n  flows: [dev-b]\n")
    examples = knowledge_examples({"async_apex", "flows"}, mapping_file=mapping, articles_dir=folder)
    # dev-gone has no article (skipped); dev-c is not listed (not an example).
    assert examples == [("Batch Apex limits", "async_apex"), ("Flow limits", "flows")]


def test_an_intent_the_classifier_lacks_is_refused(tmp_path: Path) -> None:
    folder = _articles(tmp_path, {"dev-a": "Batch Apex limits"})
    mapping = _mapping(tmp_path, "intents:\n  asynch_apex: [dev-a]\n")
    with pytest.raises(ValueError, match=r"intents that do not exist: \['asynch_apex'\]"):
        knowledge_examples({"async_apex"}, mapping_file=mapping, articles_dir=folder)


def test_an_article_under_two_intents_is_refused(tmp_path: Path) -> None:
    mapping = _mapping(tmp_path, "intents:\n  async_apex: [dev-a]\n  apex_testing: [dev-a]\n")
    with pytest.raises(ValueError, match="listed under both 'async_apex' and 'apex_testing'"):
        load_article_intents(mapping).intent_of()


def test_the_digest_follows_a_listed_title_only(tmp_path: Path) -> None:
    folder = _articles(tmp_path, {"dev-a": "Batch Apex limits", "dev-c": "Unlisted"})
    mapping = _mapping(tmp_path, "intents:\n  async_apex: [dev-a]\n")
    before = knowledge_digest(mapping_file=mapping, articles_dir=folder)
    (folder / "dev-c.md").write_text(_ARTICLE.format(id="dev-c", title="Renamed"), encoding="utf-8")
    assert knowledge_digest(mapping_file=mapping, articles_dir=folder) == before
    (folder / "dev-a.md").write_text(_ARTICLE.format(id="dev-a", title="Batch Apex"), encoding="utf-8")
    assert knowledge_digest(mapping_file=mapping, articles_dir=folder) != before


def test_the_project_mapping_names_real_intents_and_articles() -> None:
    intents = {intent.name for intent in load_intent_set().intents}
    examples = knowledge_examples(intents)
    listed = load_article_intents().intent_of()
    existing = {path.stem for path in ARTICLES_DIR.glob("*.md")}
    assert len(examples) >= 100
    # Every listed id is an article (a stale id is harmless at training time, but a sign of a renamed article).
    assert set(listed) <= existing
