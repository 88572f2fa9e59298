"""Held-out scoring: how often a model is right, on which questions it errs, and why.

`evaluate(bundle, examples)` answers every question through `ModelBundle.predict` and returns
a report, a plain dict that `format_report` prints, `save_json` writes and
`plots.save_evaluation_plot` draws. The report itself is computed by `build_report`, a pure
function of the examples, their encoding and the model's outputs, so it can be checked with
hand-made arrays. This is the one definition of "correct": `chatbot evaluate` and training's
validation figures (metadata.json) both come from it.

How odd questions count, so that no question is ever left out of the total:
- A question that, or whose sentences in memory, hold words the model does not know is not
  answered, as the bot does not guess on unknown words: it counts as wrong, its answer is
  `NO_ANSWER`, and its attention does not count as pointing at a supporting sentence.
- A question whose expected answer is outside the model's answer set counts as wrong: the model
  cannot give it.
- A story longer than the memory is answered from its newest sentences; such questions are
  counted in `truncated_stories` (one per question whose story was cut) and scored as usual.
- Support accuracy counts only questions with at least one supporting sentence in the memory.
- Words beyond what a sentence or question slot holds are cut, as in training (the bot refuses
  such typed input instead; bAbI sentences fit).
"""

import json
from collections import Counter

import numpy as np

from chatbot.errors import ChatbotError
from chatbot.evaluation import consistency
from chatbot.files import write_text_atomic

NO_ANSWER = "(no answer)"  # what the bot "got" on a question with unknown words
TEST_FILES = "*_test.txt"  # the files a folder stands for


def read_examples(paths) -> list:
    """Read the questions to evaluate from bAbI files or folders (a folder: its test files).

    Args:
        paths: file or folder paths, as given on the command line.

    Returns:
        A list of `Example`s, in file order.
    """
    from chatbot.stories.babi import examples_of, read_paths

    examples = examples_of(read_paths(paths, TEST_FILES))
    if not examples:
        names = ", ".join(str(path) for path in paths)
        raise ChatbotError(f"no questions to evaluate in {names}; give bAbI files with questions")
    return examples


def evaluate(bundle, examples, mistakes: int = 5) -> dict:
    """Answer every example with the model and score the answers.

    Args:
        bundle: a loaded `inference.ModelBundle` (a `Chatbot`'s `bundle`, or a freshly trained one).
        examples: the `Example`s to score.
        mistakes: how many mistakes to keep in the report, most confident first.

    Returns:
        The report dict described in `build_report`, and `consistency`: how often a question
        and its partner of the same story agree (`evaluation.consistency`).
    """
    from chatbot.reading.features import encode_examples

    if not examples:
        raise ChatbotError("no questions to evaluate; give bAbI files with questions")
    encoded = encode_examples(
        examples, bundle.vocabulary, bundle.answers, bundle.config, bundle.lexicon
    )
    probabilities, attention = bundle.predict(encoded["story"], encoded["question"])
    report = build_report(examples, encoded, probabilities, attention, bundle.answers, mistakes)
    labels = consistency.labels(probabilities, encoded["unknown"], bundle.answers)
    del encoded, probabilities, attention  # the partners' arrays take their place in memory
    report["consistency"] = consistency.measure(bundle, examples, labels)
    return report


def build_report(examples, encoded, probabilities, attention, answers, mistakes: int = 5) -> dict:
    """Score the model's outputs against the expected answers.

    Args:
        examples: the N `Example`s, in order.
        encoded: `encode_examples` output; uses "answer" (N,) index into `answers` or -1,
            "supporting" (N, S) bool, "truncated" (N,) int and "unknown" (N,) bool.
        probabilities: (N, len(answers)) answer probabilities.
        attention: (N, S) attention over the memory slots, newest sentence last.
        answers: the model's answer set; column i of `probabilities` is `answers[i]`.
        mistakes: how many mistakes to keep, most confident first (ties in data order).

    Returns:
        A dict with the keys `accuracy` (0-1), `questions`, `per_file` and `per_task`
        ({name: {"accuracy", "questions"}}), `answers` (the model's answer set), `confusion`
        ({expected: {got: count}}, the model's answers first, in its order),
        `baseline_accuracy`, `baseline_answer`, `support_accuracy` (None when no question has a
        supporting sentence in memory), `support_questions`, `unknown_word_questions`,
        `truncated_stories`, `unknown_answers`, those of `_calibration`, `mistake_count` and
        `mistakes` (a list of
        {"story", "question", "expected", "got", "confidence", "support", "supporting",
        "supporting_indices", "attention", "source", "task"}).
    """
    count = len(examples)
    if count == 0:
        raise ChatbotError("no questions to evaluate; give bAbI files with questions")
    probabilities, attention = np.asarray(probabilities, float), np.asarray(attention, float)
    expected_index = np.asarray(encoded["answer"])
    unknown = np.asarray(encoded["unknown"], dtype=bool)
    supporting = np.asarray(encoded["supporting"], dtype=bool)
    predicted = probabilities.argmax(axis=1)
    confidence = np.where(unknown, 0.0, probabilities.max(axis=1))
    correct = ~unknown & (expected_index >= 0) & (predicted == expected_index)
    got = [NO_ANSWER if unknown[i] else answers[predicted[i]] for i in range(count)]

    support_accuracy, support_questions = _support(supporting, attention, unknown)
    baseline_answer, baseline_hits = Counter(ex.answer for ex in examples).most_common(1)[0]
    # The wrong answers, most confident first (the sort is stable: ties stay in data order).
    wrong = sorted(np.flatnonzero(~correct), key=lambda i: -confidence[i])
    return {
        "accuracy": float(correct.mean()),
        "questions": count,
        "per_file": _accuracy_by([example.source for example in examples], correct),
        "per_task": _accuracy_by([example.task or "(unknown)" for example in examples], correct),
        "answers": list(answers),
        "confusion": _confusion([example.answer for example in examples], got, answers),
        "baseline_accuracy": baseline_hits / count,
        "baseline_answer": baseline_answer,
        "support_accuracy": support_accuracy,
        "support_questions": support_questions,
        "unknown_word_questions": int(unknown.sum()),
        "truncated_stories": int((np.asarray(encoded["truncated"]) > 0).sum()),
        "unknown_answers": int((expected_index < 0).sum()),
        **_calibration(confidence, correct, unknown),
        "mistake_count": len(wrong),
        "mistakes": [
            _mistake(examples[i], got[i], confidence[i], attention[i], supporting[i])
            for i in wrong[:mistakes]
        ],
    }


CALIBRATION_BINS = 10  # equal-width confidence bins for the calibration error
CONFIDENT = 0.95  # a wrong answer at this confidence or more is a confident mistake


def _calibration(confidence: np.ndarray, correct: np.ndarray, refused: np.ndarray) -> dict:
    """How honest the confidence is: how far it is from accuracy over the answered questions.

    `calibration_error` is the expected calibration error: the questions put in 10 equal-width
    confidence bins, each bin's |accuracy - mean confidence| weighted by its share of the
    questions (0 when nothing was answered). `reliability` lists the non-empty bins, for the
    reliability diagram. `refused` counts the questions not answered (they count as wrong).

    Bins 0.6-0.7 (1 question, right at 0.6) and 0.9-1.0 (3, one right, mean 0.9233):
    0.25 * |1 - 0.6| + 0.75 * |0.3333 - 0.9233| = 0.5425.

    >>> confidence, correct = np.array([0.9, 0.9, 0.6, 0.97]), np.array([1, 0, 1, 0], bool)
    >>> report = _calibration(confidence, correct, np.zeros(4, bool))
    >>> report["calibration_error"], report["confident_mistakes"], len(report["reliability"])
    (0.5425, 1, 2)
    """
    confidence, correct = confidence[~refused], correct[~refused]
    bins = np.minimum((confidence * CALIBRATION_BINS).astype(int), CALIBRATION_BINS - 1)
    error, reliability = 0.0, []
    for index in np.unique(bins):
        members = bins == index
        mean_confidence, accuracy = confidence[members].mean(), correct[members].mean()
        error += members.mean() * abs(accuracy - mean_confidence)
        reliability.append(
            {
                "low": int(index) / CALIBRATION_BINS,
                "high": (int(index) + 1) / CALIBRATION_BINS,
                "confidence": round(float(mean_confidence), 4),
                "accuracy": round(float(accuracy), 4),
                "questions": int(members.sum()),
            }
        )
    return {
        "calibration_error": round(float(error), 4),
        "confident_mistakes": int((~correct & (confidence >= CONFIDENT)).sum()),
        "reliability": reliability,
        "refused": int(refused.sum()),
    }


def _support(supporting, attention, unknown) -> tuple[float | None, int]:
    """How often the most-attended slot holds a supporting sentence, of how many questions.

    Only questions with a supporting sentence in memory count; an unanswered one is a miss.
    """
    has_support = supporting.any(axis=1)
    attended = supporting[np.arange(len(supporting)), attention.argmax(axis=1)] & ~unknown
    questions = int(has_support.sum())
    return (float(attended[has_support].mean()) if questions else None), questions


def _confusion(expected: list[str], got: list[str], answers) -> dict[str, dict[str, int]]:
    """{expected: {got: count}}: the model's answers in its order, then the expected ones it
    cannot give, then no answer."""
    confusion: dict[str, dict[str, int]] = {}
    for wanted, label in zip(expected, got, strict=True):
        row = confusion.setdefault(wanted, {})
        row[label] = row.get(label, 0) + 1
    labels = dict.fromkeys([*answers, *confusion, NO_ANSWER])
    order = {label: rank for rank, label in enumerate(labels)}
    return {
        wanted: {label: confusion[wanted][label] for label in sorted(row, key=order.get)}
        for wanted, row in sorted(confusion.items(), key=lambda item: order[item[0]])
    }


def _accuracy_by(names: list[str], correct: np.ndarray) -> dict:
    """{name: {"accuracy", "questions"}} over the questions of each name, in first-seen order."""
    groups: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        groups.setdefault(name, []).append(index)
    return {
        name: {"accuracy": float(correct[indices].mean()), "questions": len(indices)}
        for name, indices in groups.items()
    }


def _mistake(example, got, confidence, attention, supporting) -> dict:
    """One wrong answer with what the model looked at: story sentences mapped to memory slots."""
    slots = len(attention)
    story = list(example.story)
    # The memory holds the newest `slots` sentences, right-aligned: slot j is sentence
    # len(story) - slots + j; older sentences were dropped and got no attention.
    first = len(story) - slots
    weights = [float(attention[j - first]) if j >= first else 0.0 for j in range(len(story))]
    in_memory = range(max(first, 0), len(story))
    support = sorted(
        ({"sentence": story[j], "weight": weights[j]} for j in in_memory),
        key=lambda item: -item["weight"],
    )
    return {
        "story": story,
        "question": example.question,
        "expected": example.answer,
        "got": None if got == NO_ANSWER else got,
        "confidence": float(confidence),
        "support": support,
        "supporting": [story[j] for j in example.supporting if 0 <= j < len(story)],
        # by position: bAbI repeats sentences word for word, and only the listed one supports
        "supporting_indices": sorted(j for j in example.supporting if 0 <= j < len(story)),
        "attention": weights,
        "source": example.source,
        "task": example.task,
    }


def format_report(report: dict) -> str:
    """The report as the text `chatbot evaluate` prints."""
    correct = round(report["accuracy"] * report["questions"])
    lines = [
        f"Accuracy: {percent(report['accuracy'])}"
        f" ({correct:,} of {report['questions']:,} questions);"
        f" majority baseline {percent(report['baseline_accuracy'])}"
        f' (always "{report["baseline_answer"]}")',
    ]
    if report["support_accuracy"] is None:
        lines.append("Support accuracy: n/a (no question has a supporting sentence in memory)")
    else:
        lines.append(
            f"Support accuracy: {percent(report['support_accuracy'])} (the most-attended sentence"
            f" is a supporting one, of {report['support_questions']:,} questions)"
        )
    lines += [
        f"Questions with unknown words: {report['unknown_word_questions']}",
        f"Stories longer than the memory: {report['truncated_stories']}",
        f"Answers outside the answer set: {report['unknown_answers']}",
        f"Calibration error: {percent(report['calibration_error'])} (over answered questions);"
        f" confident mistakes (wrong at {CONFIDENT:.0%} or more): {report['confident_mistakes']};"
        f" refused: {report['refused']}",
        *([consistency.format_line(report["consistency"])] if "consistency" in report else []),
        "",
        "Per file:",
        *_table(report["per_file"]),
        "Per task:",
        *_table(report["per_task"]),
        "",
        "Confusion (rows: expected, columns: got):",
        *_confusion_lines(report),
        "",
    ]
    shown, total = len(report["mistakes"]), report["mistake_count"]
    if shown:
        lines += [
            f"Mistakes ({shown} of {total:,}, most confident first):",
            "  (attention on each sentence; * a supporting sentence; - out of memory)",
        ]
        for number, mistake in enumerate(report["mistakes"], 1):
            lines += _mistake_lines(number, mistake)
    else:
        lines.append(f"Mistakes: {total:,}" if total else "Mistakes: none")
    return "\n".join(lines)


def got_text(mistake: dict) -> str:
    if mistake["got"] is None:
        return "not answered (unknown words)"
    return f"got {mistake['got']} ({percent(mistake['confidence'])})"


def percent(fraction: float) -> str:
    return f"{100 * fraction:.1f}%"


def _table(groups: dict) -> list[str]:
    return [
        f"  {percent(group['accuracy']):>6} of {group['questions']:>7,}  {name}"
        for name, group in groups.items()
    ]


def confusion_labels(report: dict) -> list[str]:
    """Every label of the confusion matrix: the model's answers first, in its order."""
    confusion = report["confusion"]
    seen = set(confusion).union(*confusion.values())
    order = [*report["answers"], *confusion, NO_ANSWER]
    return [label for label in dict.fromkeys(order) if label in seen]


def _confusion_lines(report: dict) -> list[str]:
    confusion, labels = report["confusion"], confusion_labels(report)
    rows = [[row.get(label, 0) for label in labels] for row in confusion.values()]
    widths = [
        max(len(label), *(len(f"{row[i]:,}") for row in rows)) + 2 for i, label in enumerate(labels)
    ]
    first = max(len(label) for label in confusion) + 2
    lines = [
        " " * first + "".join(f"{label:>{w}}" for label, w in zip(labels, widths, strict=True))
    ]
    for expected, row in zip(confusion, rows, strict=True):
        counts = "".join(f"{count:>{w},}" for count, w in zip(row, widths, strict=True))
        lines.append(f"  {expected:<{first - 2}}{counts}")
    return lines


def _mistake_lines(number: int, mistake: dict) -> list[str]:
    got = got_text(mistake)
    lines = [f"{number}. {mistake['question']}  expected {mistake['expected']}, {got}"]
    lines.append(f"     [{mistake['source']}]")
    dropped = len(mistake["story"]) - len(mistake["support"])  # the oldest, out of memory
    for index, (sentence, weight) in enumerate(
        zip(mistake["story"], mistake["attention"], strict=True)
    ):
        shown = "   -" if index < dropped else f"{weight:.2f}"
        marker = "*" if index in mistake["supporting_indices"] else " "
        lines.append(f"  {index + 1:>3}  {shown} {marker} {sentence}")
    return lines


def save_json(report: dict, path) -> None:
    """Write the report as one JSON object, atomically."""
    write_text_atomic(path, json.dumps(report, indent=2) + "\n")
