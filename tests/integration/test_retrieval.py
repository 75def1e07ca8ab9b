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


# (question, language, words the best article's id must contain): the knowledge base is English.
CROSS_LANGUAGE_QUESTIONS = [
    ("¿Cómo restablezco mi contraseña de Salesforce?", "es", ["reset", "password"]),
    ("Comment réinitialiser mon mot de passe Salesforce ?", "fr", ["reset", "password"]),
    ("Salesforceのパスワードをリセットするにはどうすればいいですか？", "ja", ["reset", "password"]),
    ("كيف أعيد تعيين كلمة المرور الخاصة بي في Salesforce؟", "ar", ["reset", "password"]),
    ("如何重置我的 Salesforce 密码？", "zh", ["reset", "password"]),
    ("Как сбросить пароль в Salesforce?", "ru", ["reset", "password"]),
    ("Mein Trigger wirft Too many SOQL queries: 101, wie behebe ich das?", "de", ["soql-101"]),
    ("トリガーで Too many SOQL queries: 101 エラーが出ます。どう直せばいいですか？", "ja", ["soql-101"]),
    ("يظهر لي خطأ Too many SOQL queries: 101 في المشغل، كيف أصلحه؟", "ar", ["soql-101"]),
    ("Dostaję błąd Too many SOQL queries: 101, jak to naprawić?", "pl", ["soql-101"]),
    ("¿Con qué frecuencia puedo actualizar un sandbox completo?", "es", ["sandbox", "refresh"]),
    ("フルサンドボックスはどのくらいの頻度で更新できますか？", "ja", ["sandbox", "refresh"]),
    ("كم مرة يمكنني تحديث بيئة sandbox الكاملة؟", "ar", ["sandbox", "refresh"]),
    ("Com que frequência posso atualizar um sandbox completo?", "pt", ["sandbox", "refresh"]),
    ("Çok faktörlü kimlik doğrulamayı nasıl kurarım?", "tr", ["mfa"]),
    ("多要素認証を設定する方法を教えてください", "ja", ["mfa"]),
    ("Le déploiement échoue : couverture de code Apex inférieure à 75 %", "fr", ["coverage"]),
    ("खाते अपडेट करते समय Apex CPU time limit exceeded त्रुटि आती है", "hi", ["cpu-time"]),
]


@pytest.mark.parametrize(("question", "language", "words"), CROSS_LANGUAGE_QUESTIONS)
def test_questions_in_other_languages_find_the_english_article(
    retrieval: RetrievalDeployment, question: str, language: str, words: list[str]
) -> None:
    found = asyncio.run(retrieval.search(question))
    best = found["passages"][0]
    assert all(word in best["article_id"] for word in words), (
        language,
        [p["article_id"] for p in found["passages"]],
    )


def test_the_vector_nlp_computed_gives_the_same_passages(retrieval: RetrievalDeployment) -> None:
    from deployments.nlp import NLPDeployment

    nlp = NLPDeployment({})
    asyncio.run(nlp.start())
    question = "¿Cómo restablezco mi contraseña?"
    understood = asyncio.run(nlp.analyze(question))
    assert len(understood["embedding"]) == 384 and understood["embedder"].startswith("e5-small@")
    reused = asyncio.run(
        retrieval.search(question, vector=understood["embedding"], embedder=understood["embedder"])
    )
    embedded_here = asyncio.run(retrieval.search(question))
    assert [p["chunk_id"] for p in reused["passages"]] == [p["chunk_id"] for p in embedded_here["passages"]]
    # A vector from another embedder is not trusted: retrieval embeds the text itself.
    foreign = asyncio.run(retrieval.search(question, vector=[1.0] + [0.0] * 383, embedder="minilm@x"))
    assert [p["chunk_id"] for p in foreign["passages"]] == [p["chunk_id"] for p in embedded_here["passages"]]
    with pytest.raises(ValueError, match="dimensions"):
        asyncio.run(retrieval.search(question, vector=[0.1, 0.2]))
