"""The evaluation set: schema, size and spread, grounded key facts, and no overlap with the intent training data."""

from __future__ import annotations

import asyncio
import re
import string
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yaml

from models.readability import flesch_reading_ease
from pipelines.eval.__main__ import main
from pipelines.eval.dataset import (
    DATA_DIR,
    EvalItem,
    EvalSetError,
    compile_alternative,
    load_eval_set,
    load_file,
    normalise,
)
from pipelines.eval.report import format_report
from pipelines.eval.runner import TurnError, run_items
from pipelines.eval.scoring import percentile, summarise
from pipelines.intents.data import INTENTS_FILE

ARTICLES = Path(__file__).resolve().parents[3] / "pipelines" / "knowledge" / "articles"
RIGHT_TO_LEFT = {"ar", "he", "fa", "ur"}
ITEMS = load_eval_set()


def _article_text(article_id: str) -> str:
    return normalise((ARTICLES / f"{article_id}.md").read_text(encoding="utf-8"))


def _flat(text: str) -> str:
    """Lower case, punctuation (ASCII and Unicode) stripped, one space: how texts are compared for overlap."""
    text = "".join(
        " " if ch in string.punctuation or not (ch.isalnum() or ch.isspace()) else ch for ch in text
    )
    return " ".join(text.lower().split())


def _intent_examples() -> tuple[set[str], set[str]]:
    """(every example text, every intent name) in intents.yaml, read as plain YAML so new sections count too."""
    data = yaml.safe_load(INTENTS_FILE.read_text(encoding="utf-8"))
    texts: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, str):
            texts.add(_flat(node))
        elif isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            for key, child in node.items():
                if key not in {"name", "description", "quick_replies", "version"}:
                    walk(child)

    walk(data)
    names = {intent["name"] for intent in data["intents"]}
    return texts, names


def test_counts_and_spread() -> None:
    kinds = Counter(item.kind for item in ITEMS)
    languages = Counter(item.language for item in ITEMS)
    assert len(ITEMS) >= 300
    assert languages["en"] >= 180
    assert len(ITEMS) - languages["en"] >= 120
    assert len(set(languages) - {"en"}) >= 12, sorted(languages)
    assert RIGHT_TO_LEFT & set(languages), "a right-to-left language is in the set"
    assert kinds["handoff"] >= 30 and kinds["refuse"] >= 25 and kinds["out_of_scope"] >= 30, kinds
    assert 3 <= kinds["small_talk"] < kinds["answer"]
    for kind in ("handoff", "refuse", "out_of_scope"):
        spoken = {item.language for item in ITEMS if item.kind == kind}
        assert len(spoken) >= 5, f"{kind} items are in several languages: {sorted(spoken)}"


def test_answers_cover_many_articles() -> None:
    cited = {article for item in ITEMS for article in item.articles}
    existing = {path.stem for path in ARTICLES.glob("*.md")}
    assert len(cited) >= 0.8 * len(existing), sorted(existing - cited)


def test_every_cited_article_exists() -> None:
    missing = [
        (item.id, article)
        for item in ITEMS
        for article in item.articles
        if not (ARTICLES / f"{article}.md").is_file()
    ]
    assert not missing


def test_every_key_fact_is_stated_in_a_cited_article() -> None:
    texts = {path.stem: normalise(path.read_text(encoding="utf-8")) for path in ARTICLES.glob("*.md")}
    unstated = []
    for item in ITEMS:
        for alternative in item.facts:
            pattern = compile_alternative(alternative)
            if not any(pattern.search(texts.get(article, "")) for article in item.articles):
                unstated.append((item.id, alternative))
    assert not unstated


def test_every_cited_article_states_the_key_fact() -> None:
    """Citing any listed article counts, so each one must itself answer: state one of the fact's alternatives."""
    texts = {path.stem: normalise(path.read_text(encoding="utf-8")) for path in ARTICLES.glob("*.md")}
    silent = [
        (item.id, article)
        for item in ITEMS
        for article in item.articles
        if not any(compile_alternative(fact).search(texts.get(article, "")) for fact in item.facts)
    ]
    assert not silent


def test_no_text_is_an_intent_training_or_test_example() -> None:
    examples, _ = _intent_examples()
    overlap = [item.id for item in ITEMS if _flat(item.text) in examples]
    assert not overlap


def test_expected_intents_are_known_intents() -> None:
    _, names = _intent_examples()
    unknown = {item.intent for item in ITEMS if item.intent} - names - {"out_of_scope"}
    assert not unknown


def test_ids_are_unique_and_texts_not_repeated() -> None:
    texts = Counter(_flat(item.text) for item in ITEMS)
    assert not [text for text, count in texts.items() if count > 1]


def test_fact_matching_ignores_number_formatting_case_and_markup() -> None:
    item = EvalItem(
        id="t",
        language="en",
        text="q",
        kind="answer",
        articles=["a"],
        facts=["50,000 records", "re:at most 2000"],
    )
    assert item.fact_found("The wizard imports up to 50000 RECORDS at a time.")
    assert item.fact_found("imports **50 000** records")
    assert item.fact_found("jusqu'à 50.000 records")
    assert item.fact_found("at most 2,000 rows")
    assert not item.fact_found("up to 5,000 records")
    assert not item.fact_found("500,000 records")


def test_translations_count_as_the_fact() -> None:
    item = EvalItem(
        id="t",
        language="es",
        text="q",
        kind="answer",
        articles=["a"],
        facts=["24 hours"],
        translations=["24 horas"],
    )
    assert item.fact_found("El enlace caduca a las 24 horas.")


def test_schema_errors_name_the_file_and_the_item(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "items:\n"
        "  - {id: ok-1, language: en, text: hi, kind: small_talk}\n"
        "  - {id: bad-2, language: english, text: hi, kind: small_talk}\n"
        "  - {id: bad-3, language: en, text: hi, kind: answer, articles: [x]}\n",
        encoding="utf-8",
    )
    with pytest.raises(EvalSetError) as error:
        load_file(path)
    message = str(error.value)
    assert str(path) in message and "item 1 (id 'bad-2')" in message
    assert "item 1 (id 'bad-2').language" in message
    assert "item 2 (id 'bad-3')" in message and "needs `articles` and `facts`" in message


def test_a_bad_regex_and_stray_facts_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "items:\n"
        "  - {id: a-1, language: en, text: q, kind: answer, articles: [x], facts: ['re:(unclosed']}\n"
        "  - {id: o-1, language: en, text: q, kind: out_of_scope, facts: [something]}\n",
        encoding="utf-8",
    )
    with pytest.raises(EvalSetError, match=re.escape("not a valid regex")) as error:
        load_file(path)
    assert "takes no `articles`" in str(error.value)


def test_duplicate_ids_across_files_are_refused(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(
            "items:\n  - {id: same, language: en, text: hi, kind: small_talk}\n", encoding="utf-8"
        )
    with pytest.raises(EvalSetError, match="also used in"):
        load_eval_set(tmp_path)


def test_the_shipped_files_load_one_by_one() -> None:
    files = sorted(DATA_DIR.glob("*.yaml"))
    assert sum(len(load_file(path)) for path in files) == len(ITEMS)


# --- the runner and the scoring, over a stand-in graph that replies from a script -------------------------


class _ScriptedTurns:
    """Replies to each text with the (content, meta) the test gives it, streamed like the graph does."""

    def __init__(self, replies: dict[str, tuple[str, dict[str, object]]]) -> None:
        self.replies = replies
        self.turns: list[dict[str, object]] = []

    def options(self, *, stream: bool = False) -> _ScriptedTurns:
        assert stream
        return self

    @property
    def run_turn(self) -> _ScriptedTurns:
        return self

    async def remote(self, turn: dict[str, object]) -> AsyncIterator[dict[str, object]]:
        self.turns.append(turn)
        content, meta = self.replies[str(turn["text"])]
        yield {"type": "delta", "text": content}
        yield {"type": "final", "content": content, "meta": meta, "failed": False}


def _meta(
    intent: str, *, cited: tuple[str, ...] = (), route: str = "answer", escalate: bool = False
) -> dict[str, object]:
    return {
        "intent": {"name": intent, "confidence": 0.9},
        "citations": [{"id": article, "title": article, "snippet": ""} for article in cited],
        "route": route,
        "escalation_suggested": escalate,
        "model": {"name": "grounded", "version": "1.0"},
    }


def _item(item_id: str, kind: str, **fields: object) -> EvalItem:
    return EvalItem.model_validate({"id": item_id, "language": "en", "text": item_id, "kind": kind, **fields})


def test_runner_and_scoring_read_only_the_final_event() -> None:
    items = [
        _item("a1", "answer", articles=["x"], facts=["50,000 records"], intent="data_import"),
        _item("a2", "answer", articles=["x"], facts=["50,000 records"], intent="data_import"),
        _item("a3", "answer", articles=["x"], facts=["50,000 records"]),
        EvalItem(id="a4", language="es", text="a4", kind="answer", articles=["x"], facts=["15 days"]),
        _item("o1", "out_of_scope"),
        _item("o2", "out_of_scope"),
        _item("h1", "handoff"),
        _item("r1", "refuse"),
        _item("s1", "small_talk"),
    ]
    plain = "The wizard imports up to 50000 records at a time. Use it for small loads. It is quick."
    graph = _ScriptedTurns(
        {
            "a1": (plain, _meta("data_import", cited=("x",))),  # fact and citation
            "a2": (plain, _meta("reports", cited=("y",))),  # fact, wrong article, wrong intent
            "a3": ("No idea.", _meta("data_import", cited=("x",))),  # citation without the fact
            "a4": ("Los registros se quedan 15 days.", _meta("data_import", cited=("x",))),
            "o1": ("I could not find an answer.", _meta("out_of_scope")),
            "o2": ("Here is something.", _meta("out_of_scope", cited=("x",))),  # cited: not predicted OOS
            "h1": ("A person will help.", _meta("talk_to_human", route="handoff", escalate=True)),
            "r1": ("Here is how to reset it.", _meta("password_reset", cited=("x",))),
            "s1": ("Hello!", _meta("greeting", route="small_talk")),
        }
    )
    ticks = iter(float(n) / 1000 for n in range(0, 100, 5))  # every turn takes 5 ms on this clock
    outcomes = asyncio.run(run_items(graph, items, clock=lambda: next(ticks)))
    report = summarise(outcomes, engine_chain=["grounded"])

    assert [turn["text"] for turn in graph.turns] == [item.id for item in items]
    assert all("history" not in turn for turn in graph.turns), "each item is the first turn of a conversation"
    assert report.key_fact_with_citation.correct == 2 and report.key_fact_with_citation.total == 4
    assert report.key_fact_english.rate == pytest.approx(1 / 3, abs=1e-4)
    assert report.key_fact_by_language["es"].rate == 1.0
    assert report.fact_only.correct == 3 and report.citation_only.correct == 3
    assert report.kinds["out_of_scope"].precision == 1.0 and report.kinds["out_of_scope"].recall == 0.5
    assert report.kinds["handoff"].precision == 1.0 and report.kinds["handoff"].recall == 1.0
    assert report.kinds["refuse"].precision is None and report.kinds["refuse"].recall == 0.0
    assert report.small_talk.rate == 1.0
    assert report.intent.correct == 1 and report.intent.total == 2
    assert report.latency_ms == {"p50": 5.0, "p99": 5.0}
    flesch = flesch_reading_ease(plain)
    assert flesch is not None and flesch > 60
    # Every English reply that answered with a citation is scored (a1, a2, a3), with or without the fact.
    terse = flesch_reading_ease("No idea.")
    assert terse is not None
    assert report.flesch_english.count == 3 and report.flesch_english.p90 == max(flesch, terse)
    assert {verdict.id for verdict in report.failures()} == {"a2", "a3", "o2", "r1"}
    table = format_report(report, failures=True)
    assert "key fact with citation    50.0%  (2/4)" in table
    assert "refuse                   precision    n/a (0/0)  recall   0.0% (0/1)" in table
    assert "- a3 [en] expected answer (missing fact)" in table


def test_percentile_is_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.5) == 50.0 and percentile(values, 0.99) == 99.0
    assert percentile(values, 0.1) == 10.0 and percentile([], 0.5) is None


def test_a_stream_without_final_event_is_an_error() -> None:
    class Silent(_ScriptedTurns):
        async def remote(self, turn: dict[str, object]) -> AsyncIterator[dict[str, object]]:
            yield {"type": "delta", "text": "..."}

    with pytest.raises(TurnError, match="without a final event"):
        asyncio.run(run_items(Silent({}), [_item("s1", "small_talk")]))


def test_the_command_refuses_an_unknown_engine_and_an_empty_selection(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--engine", "no-such-engine", "--limit", "1"]) == 2
    assert "--engine no-such-engine" in capsys.readouterr().err
    assert main(["--languages", "xx"]) == 2
    assert "no evaluation items for languages ['xx']" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--limit", "0"])
    assert "--limit takes a whole number of items, at least 1" in capsys.readouterr().err


def test_a_spread_sample_keeps_every_language_in_proportion() -> None:
    from pipelines.eval.__main__ import spread_sample

    items = ITEMS
    sample = spread_sample(items, 100)
    assert len(sample) == 100 and len({item.id for item in sample}) == 100
    whole = Counter(item.language for item in items)
    part = Counter(item.language for item in sample)
    for language, count in whole.items():
        assert abs(part[language] - 100 * count / len(items)) <= 1, language
    assert spread_sample(items, len(items) + 5) == items
