from models.guard import check_grounded
from models.knowledge import split_sentences, split_units
from models.readability import flesch_reading_ease, prose_of
from models.retrieval import Passage, ScoredUnit


def _passage(text: str) -> Passage:
    return Passage(
        chunk_id="a#0",
        article_id="a",
        title="A",
        url=None,
        product_area="apex",
        heading="Summary",
        text=text,
        score=0.8,
        units=[ScoredUnit(text=text, kind="prose", score=0.8, position=0)],
    )


def test_sentences_keep_abbreviations_together() -> None:
    assert split_sentences("Use a map, e.g. Map<Id, Account>. Then query once.") == [
        "Use a map, e.g. Map<Id, Account>.",
        "Then query once.",
    ]


def test_units_keep_lists_and_code_whole() -> None:
    units = split_units(
        "Do this. Then that.\n\n1. Open Setup.\n2. Click Users.\n\n```apex\nList<Account> a = [SELECT Id FROM Account];\n```\n"
    )
    assert [u.kind for u in units] == ["prose", "prose", "list", "code"]
    assert units[2].text.count("\n") == 1


def test_flesch_scores_plain_text_high_and_dense_text_low() -> None:
    plain = flesch_reading_ease("You can reset your password. Open the login page. Click the link.")
    dense = flesch_reading_ease(
        "Asynchronous transactional processing necessitates comprehensive understanding of governor limitations."
    )
    assert plain is not None and dense is not None
    assert plain > 60 > dense
    assert flesch_reading_ease("```apex\ncode\n```") is None


def test_guard_passes_supported_drafts_and_rejects_invented_numbers() -> None:
    evidence = [_passage("A synchronous Apex transaction can run 100 SOQL queries.")]
    assert check_grounded("A synchronous Apex transaction can run 100 SOQL queries.", evidence).passed
    wrong = check_grounded("A synchronous Apex transaction can run 150 SOQL queries.", evidence)
    assert not wrong.passed and wrong.unsupported
    assert not check_grounded("Bananas are yellow fruit grown in warm places.", evidence).passed
    assert check_grounded("anything", []).reason == "no evidence"


def test_verbatim_setup_paths_quoted_errors_and_codes_are_not_counted_against_readability() -> None:
    plain = "Go to it and set the level to All email. If you see it, wait until midnight."
    verbatim = (
        "Go to Setup > Email > Deliverability and set the level to All email. "
        'If you see "Single email limit exceeded (SINGLE_EMAIL_LIMIT_EXCEEDED)", wait until midnight.'
    )
    assert "Deliverability" not in prose_of(verbatim) and "exceeded" not in prose_of(verbatim)
    assert "set the level to All email" in prose_of(verbatim), "the sentence around a Setup path still counts"
    assert flesch_reading_ease(verbatim) == flesch_reading_ease(plain)


def test_bold_screen_labels_are_verbatim_but_bold_lead_ins_count() -> None:
    labelled = "Click **Allow submitters to recall approval requests**, then click **Save**."
    assert "recall" not in prose_of(labelled)
    assert flesch_reading_ease(labelled) == flesch_reading_ease("Click it, then click it.")
    lead_in = "- **Rule not active:** The rule you edited is not the active rule."
    assert "Rule not active" in prose_of(lead_in), (
        "an article's own bold lead-in is prose, not a screen label"
    )


def test_syllables_hear_silent_endings_contractions_and_spelled_acronyms() -> None:
    from models.readability import syllables

    heard = {"rule": 1, "rules": 1, "table": 2, "named": 1, "cases": 2, "changes": 2, "updated": 3, "free": 1}
    heard |= {"doesn't": 2, "don't": 1, "API": 3, "DML": 3, "Salesforce": 2}
    assert {word: syllables(word) for word in heard} == heard
