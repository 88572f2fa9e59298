"""Tests for chatbot.evaluation.evaluate: the report from hand-made model outputs, its text,
JSON and plot."""

import json

import numpy as np
import pytest
from evaluation_data import (
    ALWAYS_YES,
    JSON_KEYS,
    MISTAKE_KEYS,
    build_always_yes_model,
    write_data,
)

from chatbot.errors import ChatbotError
from chatbot.evaluation.evaluate import (
    NO_ANSWER,
    build_report,
    evaluate,
    format_report,
    read_examples,
    save_json,
)
from chatbot.evaluation.plots import save_evaluation_plot
from chatbot.stories.babi import Example

ANSWERS = ["yes", "no", "maybe"]
MARY, JOHN = "Mary moved to the bathroom.", "John went to the hallway."
OLD, SANDRA = "Daniel went to the garden.", "Sandra is either in the park or the office."


def hand_made():
    """Five questions, one of each kind, with a memory of 3 sentences; outputs chosen by hand."""
    examples = [
        Example((MARY, JOHN), "Is Mary in the bathroom?", "yes", (0,), "qa6", "a.txt"),
        Example((MARY, JOHN), "Is John in the kitchen?", "no", (1,), "qa6", "a.txt"),
        # four sentences in a memory of three: the supporting one (the oldest) drops out
        Example(
            (OLD, MARY, JOHN, SANDRA), "Is Daniel in the park?", "maybe", (0,), "qa10", "b.txt"
        ),
        Example((SANDRA,), "Is Zorblax in the park?", "yes", (0,), "qa10", "b.txt"),  # unknown word
        Example((SANDRA,), "Where is Sandra?", "kitchen", (0,), "qa10", "b.txt"),  # unknown answer
    ]
    encoded = {
        "answer": np.array([0, 1, 2, 0, -1]),
        "supporting": np.array(
            [[0, 1, 0], [0, 0, 1], [0, 0, 0], [0, 0, 1], [0, 0, 1]], dtype=bool
        ),  # right-aligned: the newest sentence in the last slot
        "truncated": np.array([0, 0, 1, 0, 0]),
        "unknown": np.array([False, False, False, True, False]),
    }
    probabilities = np.array(
        [[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.8, 0.1, 0.1], [0.1, 0.85, 0.05]]
    )
    attention = np.array(
        [[0.0, 0.7, 0.3], [0.0, 0.6, 0.4], [0.2, 0.3, 0.5], [0.0, 0.0, 1.0], [0.0, 0.0, 1.0]]
    )
    return examples, encoded, probabilities, attention


def test_report_from_hand_made_outputs():
    report = build_report(*hand_made(), ANSWERS, mistakes=5)
    mistakes = report.pop("mistakes")
    assert report == {
        "accuracy": 0.4,  # 2 of 5: the unknown-word and unknown-answer questions count as wrong
        "questions": 5,
        "per_file": {
            "a.txt": {"accuracy": 1.0, "questions": 2},
            "b.txt": {"accuracy": 0.0, "questions": 3},
        },
        "per_task": {
            "qa6": {"accuracy": 1.0, "questions": 2},
            "qa10": {"accuracy": 0.0, "questions": 3},
        },
        "confusion": {
            "yes": {"yes": 1, NO_ANSWER: 1},
            "no": {"no": 1},
            "maybe": {"yes": 1},
            "kitchen": {"no": 1},
        },
        "answers": ANSWERS,
        "baseline_accuracy": 0.4,
        "baseline_answer": "yes",
        # 4 questions have a supporting sentence in memory; the first and the last look at it,
        # the second looks elsewhere, and the unknown-word one is not answered
        "support_accuracy": 0.5,
        "support_questions": 4,
        "unknown_word_questions": 1,
        "truncated_stories": 1,
        "unknown_answers": 1,
        # the four answered questions fall in four bins: |1 - 0.9|, |1 - 0.7|, |0 - 0.6| and
        # |0 - 0.85|, each weighted by 1/4
        "calibration_error": 0.4625,
        "confident_mistakes": 0,  # no wrong answer at 95% or more
        "reliability": [
            {"low": 0.6, "high": 0.7, "confidence": 0.6, "accuracy": 0.0, "questions": 1},
            {"low": 0.7, "high": 0.8, "confidence": 0.7, "accuracy": 1.0, "questions": 1},
            {"low": 0.8, "high": 0.9, "confidence": 0.85, "accuracy": 0.0, "questions": 1},
            {"low": 0.9, "high": 1.0, "confidence": 0.9, "accuracy": 1.0, "questions": 1},
        ],
        "refused": 1,  # the unknown-word question
        "mistake_count": 3,
    }
    # most confident first: the unknown answer (85%), the truncated story (60%), the unknown word
    assert [m["question"] for m in mistakes] == [
        "Where is Sandra?",
        "Is Daniel in the park?",
        "Is Zorblax in the park?",
    ]
    assert mistakes[1] == {
        "story": [OLD, MARY, JOHN, SANDRA],
        "question": "Is Daniel in the park?",
        "expected": "maybe",
        "got": "yes",
        "confidence": 0.6,
        "support": [
            {"sentence": SANDRA, "weight": 0.5},
            {"sentence": JOHN, "weight": 0.3},
            {"sentence": MARY, "weight": 0.2},
        ],
        "supporting": [OLD],
        "supporting_indices": [0],
        "attention": [0.0, 0.2, 0.3, 0.5],  # the oldest sentence fell out of the memory
        "source": "b.txt",
        "task": "qa10",
    }
    assert mistakes[2]["got"] is None and mistakes[2]["confidence"] == 0.0


def test_confusion_follows_the_answer_set_order():
    examples, encoded, probabilities, attention = hand_made()
    examples.reverse()  # the data meets "kitchen", "yes", "maybe", "no", "yes"
    for name in encoded:
        encoded[name] = encoded[name][::-1]
    report = build_report(examples, encoded, probabilities[::-1], attention[::-1], ANSWERS)
    assert list(report["confusion"]) == ["yes", "no", "maybe", "kitchen"]
    assert list(report["confusion"]["yes"]) == ["yes", NO_ANSWER]
    assert (
        format_report(report).splitlines()[15] == "           yes  no  maybe  kitchen  (no answer)"
    )


def test_mistakes_are_limited_and_can_be_none():
    assert len(build_report(*hand_made(), ANSWERS, mistakes=2)["mistakes"]) == 2
    assert build_report(*hand_made(), ANSWERS, mistakes=0)["mistakes"] == []


def test_support_accuracy_is_none_without_supporting_sentences_in_memory():
    examples, encoded, probabilities, attention = hand_made()
    encoded["supporting"][:] = False
    report = build_report(examples, encoded, probabilities, attention, ANSWERS)
    assert report["support_accuracy"] is None and report["support_questions"] == 0
    assert "Support accuracy: n/a" in format_report(report)


def test_no_examples_is_an_error():
    empty = {name: np.zeros((0,)) for name in ("answer", "truncated", "unknown")}
    with pytest.raises(ChatbotError, match="no questions to evaluate"):
        build_report([], empty, np.zeros((0, 3)), np.zeros((0, 3)), ANSWERS)


def test_format_report_text():
    text = format_report(build_report(*hand_made(), ANSWERS, mistakes=2))
    assert text.splitlines() == [
        'Accuracy: 40.0% (2 of 5 questions); majority baseline 40.0% (always "yes")',
        "Support accuracy: 50.0% (the most-attended sentence is a supporting one, of 4 questions)",
        "Questions with unknown words: 1",
        "Stories longer than the memory: 1",
        "Answers outside the answer set: 1",
        "Calibration error: 46.2% (over answered questions); confident mistakes (wrong at 95%"
        " or more): 0; refused: 1",
        "",
        "Per file:",
        "  100.0% of       2  a.txt",
        "    0.0% of       3  b.txt",
        "Per task:",
        "  100.0% of       2  qa6",
        "    0.0% of       3  qa10",
        "",
        "Confusion (rows: expected, columns: got):",
        "           yes  no  maybe  kitchen  (no answer)",
        "  yes        1   0      0        0            1",
        "  no         0   1      0        0            0",
        "  maybe      1   0      0        0            0",
        "  kitchen    0   1      0        0            0",
        "",
        "Mistakes (2 of 3, most confident first):",
        "  (attention on each sentence; * a supporting sentence; - out of memory)",
        "1. Where is Sandra?  expected kitchen, got no (85.0%)",
        "     [b.txt]",
        "    1  1.00 * Sandra is either in the park or the office.",
        "2. Is Daniel in the park?  expected maybe, got yes (60.0%)",
        "     [b.txt]",
        "    1     - * Daniel went to the garden.",
        "    2  0.20   Mary moved to the bathroom.",
        "    3  0.30   John went to the hallway.",
        "    4  0.50   Sandra is either in the park or the office.",
    ]


def test_confident_mistakes_and_a_report_with_nothing_answered():
    examples, encoded, probabilities, attention = hand_made()
    probabilities[2] = [0.97, 0.02, 0.01]  # the wrong "yes" to a "maybe", now at 97%
    report = build_report(examples, encoded, probabilities, attention, ANSWERS)
    assert report["confident_mistakes"] == 1
    assert 0 <= report["calibration_error"] <= 1
    encoded["unknown"] = np.ones(5, dtype=bool)
    report = build_report(examples, encoded, probabilities, attention, ANSWERS)
    assert (report["calibration_error"], report["confident_mistakes"], report["refused"]) == (
        0.0,
        0,
        5,
    )
    assert report["reliability"] == []


def test_format_report_of_an_unanswered_mistake():
    report = build_report(*hand_made(), ANSWERS, mistakes=3)
    report["mistakes"] = report["mistakes"][2:]
    assert format_report(report).splitlines()[-3:] == [
        "1. Is Zorblax in the park?  expected yes, not answered (unknown words)",
        "     [b.txt]",
        "    1  1.00 * Sandra is either in the park or the office.",
    ]


def test_format_report_without_mistakes_shown():
    assert format_report(build_report(*hand_made(), ANSWERS, mistakes=0)).endswith("Mistakes: 3")


def test_save_json_round_trips_with_the_promised_keys(tmp_path):
    from chatbot.evaluation.consistency import summarize

    # `evaluate` adds `consistency` to `build_report`'s report: it asks the model more questions
    report = build_report(*hand_made(), ANSWERS) | {"consistency": summarize([])}
    save_json(report, tmp_path / "report.json")
    loaded = json.loads((tmp_path / "report.json").read_text())
    assert loaded == report
    assert JSON_KEYS <= set(loaded)
    assert all(MISTAKE_KEYS <= set(mistake) for mistake in loaded["mistakes"])
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left


def test_save_plot_writes_a_png(tmp_path):
    save_evaluation_plot(build_report(*hand_made(), ANSWERS), tmp_path / "report.png")
    assert (tmp_path / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.png"]


def test_save_plot_without_mistakes(tmp_path):
    save_evaluation_plot(build_report(*hand_made(), ANSWERS, mistakes=0), tmp_path / "report.png")
    assert (tmp_path / "report.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("save", [save_json, save_evaluation_plot])
def test_unwritable_output_is_a_one_line_error(tmp_path, save):
    with pytest.raises(ChatbotError, match=r"^cannot write .*missing/report: "):
        save(build_report(*hand_made(), ANSWERS), tmp_path / "missing" / "report")


@pytest.fixture(scope="module")
def model_dir(tiny_bundle, tmp_path_factory):
    folder = tmp_path_factory.mktemp("models") / "always-yes"
    build_always_yes_model(tiny_bundle, folder)
    return folder


@pytest.fixture
def data_dir(tmp_path):
    write_data(tmp_path)
    return tmp_path


def test_evaluate_a_tiny_model_on_hand_made_files(model_dir, data_dir):
    from chatbot.answering.bot import Chatbot

    report = evaluate(Chatbot.load(model_dir).bundle, read_examples([data_dir]), mistakes=10)
    first, second, third = (
        str(data_dir / name)
        for name in ("qa6_first_test.txt", "qa10_second_test.txt", "qa6_third_test.txt")
    )
    mistakes = report.pop("mistakes")
    # Each "Is X in the P?" asked as "Is X not in the P?" too: the network answers its positive
    # form ("yes", always) and the answer is turned around ("no"), so each pair agrees; the
    # Zorblax pair is refused (the story never mentions him).
    assert report.pop("consistency") == {
        "agreement": pytest.approx(5 / 6),
        "pairs": 6,
        "agreeing": 5,
        "refused": 1,
        "per_kind": {"not": {"agreement": pytest.approx(5 / 6), "pairs": 6}},
        "disagreements": [
            {"kind": "not", "question": "Is Zorblax in the office?", "answer": None,
             "partner": "Is Zorblax not in the office?", "partner_answer": None}
        ],
    }  # fmt: skip
    assert report == {
        "accuracy": pytest.approx(3 / 7),  # the three "yes" questions the model can answer
        "questions": 7,
        "per_file": {  # natural order: qa6 files before qa10
            first: {"accuracy": pytest.approx(2 / 3), "questions": 3},
            third: {"accuracy": 1.0, "questions": 1},
            second: {"accuracy": 0.0, "questions": 3},
        },
        "per_task": {
            "qa6": {"accuracy": 0.75, "questions": 4},  # the files of one task pooled
            "qa10": {"accuracy": 0.0, "questions": 3},
        },
        "confusion": {
            "yes": {"yes": 3, NO_ANSWER: 1},
            "no": {"yes": 1},
            "maybe": {"yes": 1},
            "office": {"yes": 1},
        },
        "answers": ["yes", "no", "maybe"],
        "baseline_accuracy": pytest.approx(4 / 7),
        "baseline_answer": "yes",
        # hits where the supporting sentence is the oldest in memory: FIRST's first question,
        # THIRD's, and SECOND's last two; the Zorblax question is not answered
        "support_accuracy": pytest.approx(4 / 7),
        "support_questions": 7,
        "unknown_word_questions": 1,
        "truncated_stories": 1,
        "unknown_answers": 1,
        # six answered questions, all "yes" at ALWAYS_YES (one bin), three of them right
        "calibration_error": pytest.approx(ALWAYS_YES - 0.5, abs=1e-4),
        "confident_mistakes": 3,
        "reliability": [
            {
                "low": 0.9,
                "high": 1.0,
                "confidence": pytest.approx(ALWAYS_YES, abs=1e-4),
                "accuracy": 0.5,
                "questions": 6,
            }
        ],
        "refused": 1,
        "mistake_count": 4,
    }
    assert [(m["question"], m["got"]) for m in mistakes] == [
        ("Is John in the kitchen?", "yes"),
        ("Is Sandra in the office?", "yes"),
        ("Where is Sandra?", "yes"),
        ("Is Zorblax in the office?", None),  # least confident: not answered at all
    ]
    assert [m["confidence"] for m in mistakes] == pytest.approx([ALWAYS_YES] * 3 + [0.0])
    assert mistakes[0]["attention"] == pytest.approx([1 / 3] * 3)
    assert mistakes[0]["supporting"] == ["John went to the hallway."]


def test_format_report_groups_thousands():
    report = build_report(*hand_made(), ANSWERS)
    report |= {"questions": 20000, "accuracy": 0.5}
    report["per_file"] = {"big.txt": {"accuracy": 0.5, "questions": 20000}}
    report["confusion"]["yes"]["yes"] = 12345
    lines = format_report(report).splitlines()
    assert lines[0].startswith("Accuracy: 50.0% (10,000 of 20,000 questions);")
    assert "   50.0% of  20,000  big.txt" in lines
    assert "  yes      12,345   0      0        0            1" in lines


def test_only_the_listed_copy_of_a_repeated_sentence_is_starred():
    from chatbot.evaluation.evaluate import _mistake, _mistake_lines
    from chatbot.stories.babi import Example

    example = Example((MARY, JOHN, MARY), "Is Mary in the bathroom?", "yes", (0,), "qa6", "a.txt")
    mistake = _mistake(example, "no", 0.9, np.array([0.1, 0.1, 0.8]), None)
    assert mistake["supporting_indices"] == [0]
    lines = _mistake_lines(1, mistake)[2:]
    assert [line.split()[2] == "*" for line in lines] == [True, False, False]
