"""Retrieved passages for engine tests, shaped as the retrieval deployment returns them."""

from __future__ import annotations

from models.retrieval import Passage, ScoredUnit


def passage(article_id: str, title: str, sentences: list[str], score: float = 0.8) -> Passage:
    units = [
        ScoredUnit(text=sentence, kind="prose", score=score - 0.01 * position, position=position)
        for position, sentence in enumerate(sentences)
    ]
    return Passage(
        chunk_id=f"{article_id}#0",
        article_id=article_id,
        title=title,
        url=None,
        product_area="platform",
        heading="Summary",
        text=" ".join(sentences),
        score=score,
        units=units,
    )


def soql_passages() -> list[Passage]:
    return [
        passage(
            "dev-soql-101",
            "Too many SOQL queries: 101",
            [
                "Apex allows 100 SOQL queries per synchronous transaction.",
                "Move queries out of loops and query once for all records in the trigger.",
            ],
        ),
        passage(
            "dev-bulkify-triggers",
            "Bulkify your triggers",
            ["A bulkified trigger handles up to 200 records in one call.", "Use collections and maps."],
            score=0.7,
        ),
    ]
