"""Tests for chatbot.evaluation.consistency: a question and its partner of the same story."""

import pytest

from chatbot.evaluation.consistency import agree, format_line, pairs_of, partner, summarize
from chatbot.stories.babi import Example


@pytest.mark.parametrize(
    "question, want",
    [
        ("Is Mary in the kitchen?", ("not", "Is Mary not in the kitchen?")),
        ("Is Mary not in the kitchen? ", ("not", "Is Mary in the kitchen?")),
        ("Is the apple in the garden?", ("not", "Is the apple not in the garden?")),
        (
            "Is the box bigger than the suitcase?",
            ("bigger", "Is the suitcase bigger than the box?"),
        ),
        ("Did Fred give the milk to Bill?", ("gave", "Did Bill receive the milk?")),
        ("Did Bill receive the milk?", None),
        ("Is Mary carrying the apple?", None),
    ],
)
def test_partner(question, want):
    assert partner(question) == want


@pytest.mark.parametrize(
    "kind, first, second, want",
    [
        ("not", "yes", "no", True), ("not", "no", "yes", True), ("not", "maybe", "maybe", True),
        ("not", "yes", "yes", False), ("not", "maybe", "no", False), ("not", None, "no", False),
        ("bigger", "yes", "no", True), ("bigger", "no", "no", False),
        ("gave", "yes", "yes", True), ("gave", "no", "yes", True), ("gave", "no", "no", True),
        ("gave", "yes", "no", False), ("gave", "yes", None, False),
    ],
)  # fmt: skip
def test_agree(kind, first, second, want):
    assert agree(kind, first, second) is want


def example(story: str, question: str) -> Example:
    return Example(tuple(story.split(". ")), question, "yes", (), "qa18", "")


def test_bigger_pairs_only_where_the_story_settles_them():
    settled = example(
        "The box is bigger than the suitcase.", "Is the box bigger than the suitcase?"
    )
    open_ = example("The box is bigger than the suitcase.", "Is the box bigger than the chest?")
    gave = example("Fred gave the milk to Bill.", "Did Fred give the milk to Bill?")
    found = pairs_of([settled, open_, gave])
    assert [(index, kind, e.question, e.story) for index, kind, e in found] == [
        (0, "bigger", "Is the suitcase bigger than the box?", settled.story),
        (2, "gave", "Did Bill receive the milk?", gave.story),
    ]


def test_summarize_and_its_line():
    pairs = [
        ("not", "Is Mary in the kitchen?", "yes", "Is Mary not in the kitchen?", "no"),
        ("not", "Is John in the kitchen?", "no", "Is John not in the kitchen?", "no"),
        ("gave", "Did Fred give the milk to Bill?", "no", "Did Bill receive the milk?", None),
        ("bigger", "Is the box bigger than the chest?", "yes", "Is the chest bigger than the box?",
         "no"),
    ]  # fmt: skip
    summary = summarize(pairs)
    assert summary == {
        "agreement": 0.5,
        "pairs": 4,
        "agreeing": 2,
        "refused": 1,
        "per_kind": {
            "not": {"agreement": 0.5, "pairs": 2},
            "bigger": {"agreement": 1.0, "pairs": 1},
            "gave": {"agreement": 0.0, "pairs": 1},
        },
        "disagreements": [
            {"kind": "not", "question": "Is John in the kitchen?", "answer": "no",
             "partner": "Is John not in the kitchen?", "partner_answer": "no"},
            {"kind": "gave", "question": "Did Fred give the milk to Bill?", "answer": "no",
             "partner": "Did Bill receive the milk?", "partner_answer": None},
        ],
    }  # fmt: skip
    assert format_line(summary) == (
        "Consistency: 50.0% of 4 partner pairs agree (not 50.0% of 2, bigger 100.0% of 1,"
        " gave 0.0% of 1); refused: 1"
    )
    assert summarize([])["agreement"] is None
    assert format_line(summarize([])).startswith("Consistency: n/a")
