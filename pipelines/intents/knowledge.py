"""Training examples from the knowledge base: each listed article's title, labelled with its intent.

The hand-written intent set (intents.yaml) covers each intent in about twenty phrasings; the knowledge base has
grown to topics those phrasings never name (scratch orgs, the flex queue, the /limits resource, Omni-Channel
capacity...). A question on such a topic used to land on whichever intent looked nearest, or on billing, privacy or
out of scope, where the agent hands off instead of answering. `articles.yaml` says which intent each article is
about; the article's title (written for the article, never for the evaluation set) becomes one more training
example of it, so the classifier covers what the knowledge base answers.

Only titles: the articles' section headings were tried too (about 800 more examples) and cost 4 points of
held-out in-scope accuracy, 7 in English, against 1 point for titles alone (pipelines/intents/evaluate.py).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError

from models.knowledge import load_articles

ARTICLE_INTENTS_FILE = Path(__file__).resolve().parent / "articles.yaml"
ARTICLES_DIR = Path(__file__).resolve().parent.parent / "knowledge" / "articles"


class ArticleIntents(BaseModel):
    """intent name -> ids of the articles about it."""

    intents: dict[str, list[str]] = Field(default_factory=dict)

    def intent_of(self) -> dict[str, str]:
        """article id -> intent; an article listed under two intents is an error in the file."""
        owner: dict[str, str] = {}
        for intent, article_ids in self.intents.items():
            for article_id in article_ids:
                if article_id in owner:
                    raise ValueError(
                        f"article {article_id!r} is listed under both {owner[article_id]!r} and {intent!r}"
                    )
                owner[article_id] = intent
        return owner


def load_article_intents(path: Path = ARTICLE_INTENTS_FILE) -> ArticleIntents:
    try:
        return ArticleIntents.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValidationError as exc:
        raise ValueError(f"{path}: {exc}") from exc


def knowledge_examples(
    known_intents: set[str],
    *,
    mapping_file: Path = ARTICLE_INTENTS_FILE,
    articles_dir: Path = ARTICLES_DIR,
) -> list[tuple[str, str]]:
    """(article title, intent) for every listed article that exists, in the articles' order.

    An intent name the classifier does not have is an error (a typo would silently train nothing); an article id
    with no article is skipped (articles come and go; listing one that is gone costs nothing).
    """
    owner = load_article_intents(mapping_file).intent_of()
    unknown = sorted(set(owner.values()) - known_intents)
    if unknown:
        raise ValueError(f"{mapping_file}: intents that do not exist: {unknown}")
    return [
        (article.meta.title, owner[article.meta.id])
        for article in load_articles(articles_dir)
        if article.meta.id in owner
    ]


def knowledge_digest(*, mapping_file: Path = ARTICLE_INTENTS_FILE, articles_dir: Path = ARTICLES_DIR) -> str:
    """Changes when the mapping or a listed article's title does, so `make` retrains the classifier."""
    owner = load_article_intents(mapping_file).intent_of()
    digest = hashlib.sha256(mapping_file.read_bytes())
    for article in load_articles(articles_dir):
        if article.meta.id in owner:
            digest.update(f"\n{article.meta.id}\t{article.meta.title}".encode())
    return digest.hexdigest()
