"""The grounded composer's choices: which article, which section, how much of the summary, which sentences."""

from models.engines.grounded import choose_article, compose, select_units
from models.retrieval import Passage, ScoredUnit


def _passage(
    chunk_id: str, score: float, sentences: list[str], *, title: str = "Title", heading: str = "Summary"
) -> Passage:
    article_id = chunk_id.split("#")[0]
    return Passage(
        chunk_id=chunk_id,
        article_id=article_id,
        title=title,
        url=None,
        product_area="admin",
        heading=heading,
        text=" ".join(sentences),
        score=score,
        units=[
            ScoredUnit(text=text, kind="prose", score=score, position=i) for i, text in enumerate(sentences)
        ],
    )


def test_an_article_with_several_matching_sections_beats_one_stray_section() -> None:
    stray = _passage("stray#3", 0.60, ["One stray line about something close."], heading="Other")
    backed = [
        _passage("backed#1", 0.58, ["The answer is here."], heading="Answer"),
        _passage("backed#2", 0.55, ["More on the answer."], heading="More"),
    ]
    assert choose_article("what is the answer", [stray, *backed]) == "backed"
    # With no second section behind it, the close runner-up does not take over.
    assert choose_article("what is the answer", [stray, backed[0]]) == "stray"


def test_the_question_s_words_in_a_title_pick_between_near_ties() -> None:
    email = _passage("email#1", 0.655, ["Email-to-Case handles 1,000 emails."], title="Email-to-Case limits")
    web = _passage(
        "web#1", 0.645, ["Web-to-Case creates up to 5,000 cases a day."], title="Web-to-Case daily limit"
    )
    assert choose_article("how many cases can web-to-case create per day", [email, web]) == "web"


def test_the_section_whose_heading_asks_the_question_is_quoted() -> None:
    passages = [
        _passage("a#0", 0.50, ["A summary sentence."]),
        _passage(
            "a#2",
            0.60,
            ["Click New and fill in the fields."],
            heading="How do I check the report step by step?",
        ),
        _passage(
            "a#4",
            0.59,
            ["A report shows 2,000 rows; export it to see all."],
            heading="Why does my report show only 2,000 rows?",
        ),
    ]
    text, cited = compose("report only shows 2000 rows, how do i see the rest", passages, 8, 0.35)
    assert "2,000 rows; export" in text and "Click New" not in text
    assert cited == ["a"]


def test_before_a_section_the_summary_gives_only_its_best_lines() -> None:
    summary = _passage("a#0", 0.55, [f"Summary sentence number {n}." for n in range(6)])
    summary.units[4].score = 0.7
    section = _passage("a#1", 0.56, ["The section answers it.", "It says how."], heading="How?")
    chosen = select_units("how", [section, summary], 8)
    quoted = [s.unit.text for s in chosen]
    assert quoted[-2:] == ["The section answers it.", "It says how."]
    assert len(quoted) == 5 and "Summary sentence number 4." in quoted


def test_of_two_equally_matching_sentences_the_plainer_one_is_quoted() -> None:
    dense = "Asynchronous transactional processing necessitates comprehensive governor limitation analysis."
    plain = "Each job gets its own limits, so split the work."
    summary = _passage("a#0", 0.55, ["Intro.", dense, plain, "Outro line here.", "Last one."])
    section = _passage("a#1", 0.56, ["The section answers it."], heading="How?")
    for unit in summary.units:
        unit.score = 0.5 if unit.text in (dense, plain) else 0.2
    quoted = [s.unit.text for s in select_units("jobs", [section, summary], 8)]
    assert plain in quoted and dense in quoted
    for tied in (0, 3):  # two more sentences tie: the summary's three lines go to the plainest three
        summary.units[tied].score = 0.5
    quoted = [s.unit.text for s in select_units("jobs", [section, summary], 8)]
    assert plain in quoted and dense not in quoted


def test_a_near_tied_second_article_keeps_room_for_its_best_lines() -> None:
    first = [
        _passage("first#0", 0.60, [f"First summary line {n}." for n in range(4)]),
        _passage("first#1", 0.62, [f"First section line {n}." for n in range(8)], heading="Section"),
    ]
    second = _passage("second#2", 0.55, ["The second article says this.", "And this too."], heading="Other")
    far = _passage("far#1", 0.40, ["A far article line."], heading="Far")
    text, cited = compose("question", [*first, second, far], 8, 0.35)
    assert cited == ["first", "second"]
    assert "The second article says this. And this too. [2]" in text
    assert "A far article line." not in text
    assert text.count("First") == 6, "the first article gives up two of its eight lines"

    # With fewer lines to give, the summary takes at most half of what the first article has left.
    text, cited = compose("question", [*first, second, far], 6, 0.35)
    assert cited == ["first", "second"]
    assert text.count("First summary") == 2 and text.count("First section") == 2
