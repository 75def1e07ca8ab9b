"""Retrieval over the real knowledge index: limit and error questions find the article that answers them."""

from __future__ import annotations

import asyncio

import pytest

from deployments.retrieval import RetrievalDeployment
from models.knowledge import load_articles
from pipelines.knowledge.ingest import ARTICLES_DIR

# (question, words the best article's id must contain)
LIMIT_QUESTIONS = [
    ("System.LimitException: Too many SOQL queries: 101", ["soql", "101"]),
    ("Too many DML statements: 151 in my batch", ["dml", "151"]),
    ("Apex CPU time limit exceeded on account update", ["cpu"]),
    ("Apex heap size too large when I process files", ["heap"]),
    ("System.LimitException: Too many query rows: 50001", ["query-rows"]),
    ("REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded", ["api"]),
    ("Maximum trigger depth exceeded", ["trigger"]),
    ("What are the governor limits for a synchronous Apex transaction?", ["governor-limits"]),
    ("How often can I refresh a full sandbox?", ["sandbox"]),
    ("How do I reset my password?", ["reset", "password"]),
]


@pytest.fixture(scope="module")
def retrieval(prepared: None) -> RetrievalDeployment:
    deployment = RetrievalDeployment({})
    asyncio.run(deployment.start())
    return deployment


def test_knowledge_base_is_large_and_well_formed() -> None:
    articles = load_articles(ARTICLES_DIR)
    assert len(articles) >= 60
    areas = {a.meta.product_area for a in articles}
    assert {"apex", "login", "flows", "service", "reports", "data"} <= areas
    assert all(a.meta.source_url and a.meta.source_url.startswith("https://") for a in articles)


@pytest.mark.parametrize(("question", "words"), LIMIT_QUESTIONS)
def test_limit_questions_retrieve_the_right_article(
    retrieval: RetrievalDeployment, question: str, words: list[str]
) -> None:
    found = asyncio.run(retrieval.search(question))
    best = found["passages"][0]
    assert all(word in best["article_id"] for word in words), (
        question,
        [p["article_id"] for p in found["passages"]],
    )
    assert best["score"] >= found["min_score"]


def test_the_best_articles_summary_is_always_returned(retrieval: RetrievalDeployment) -> None:
    found = asyncio.run(retrieval.search("Too many SOQL queries 101, how do I fix it?"))
    top = found["passages"][0]["article_id"]
    headings = [p["heading"] for p in found["passages"] if p["article_id"] == top]
    assert "Summary" in headings
    assert found["index_version"].startswith("kb-")
