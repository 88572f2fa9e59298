"""Held-out scoring: how often a model is right, on which questions it errs, and why.

`evaluate(bot, examples)` answers every question in large compiled batches and returns a report,
a plain dict that `format_report` prints, `save_json` writes and `save_plot` draws. The report
itself is computed by `build_report`, a pure function of the examples, their encoding and the
model's outputs, so it can be checked with hand-made arrays.

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

import io
import json
from collections import Counter

import numpy as np

from chatbot.errors import ChatbotError
from chatbot.text import shorten, write_bytes_atomic, write_text_atomic

NO_ANSWER = "(no answer)"  # what the bot "got" on a question with unknown words
TEST_FILES = "*_test.txt"  # the files a folder stands for
BATCH_SIZE = 4096  # questions per compiled call: the model shares sentence work within one


def read_examples(paths) -> list:
    """Read the questions to evaluate from bAbI files or folders (a folder: its test files).

    Args:
        paths: file or folder paths, as given on the command line.

    Returns:
        A list of `Example`s, in file order.
    """
    from chatbot.babi import examples_of, read_paths

    examples = examples_of(read_paths(paths, TEST_FILES))
    if not examples:
        names = ", ".join(str(path) for path in paths)
        raise ChatbotError(f"no questions to evaluate in {names}; give bAbI files with questions")
    return examples


def evaluate(bot, examples, mistakes: int = 5, batch_size: int = BATCH_SIZE) -> dict:
    """Answer every example with the bot's model in compiled batches and score the answers.

    Args:
        bot: a loaded `Chatbot`; its `bundle` holds the model, vocabulary and answer set.
        examples: the `Example`s to score.
        mistakes: how many mistakes to keep in the report, most confident first.
        batch_size: questions per compiled call.

    Returns:
        The report dict described in `build_report`.
    """
    from chatbot.features import encode_examples

    if not examples:
        raise ChatbotError("no questions to evaluate; give bAbI files with questions")
    bundle = bot.bundle
    encoded = encode_examples(examples, bundle.vocabulary, bundle.answers, bundle.config)
    probabilities, attention = predict_in_batches(bundle, encoded, batch_size)
    return build_report(examples, encoded, probabilities, attention, bundle.answers, mistakes)


def predict_in_batches(bundle, encoded: dict, batch_size: int = BATCH_SIZE):
    """Answer encoded questions with the bundle's compiled inference, in large batches.

    Two savings that give the model's own outputs:
    - Equal inputs give equal outputs, so each distinct (story, question) pair is run once: bAbI
      repeats them (the real qa17 file holds 5,812 distinct pairs among 10,000 questions).
    - Questions go in batches sorted by story length, so that each batch's memory is only as
      wide as its longest story (`ModelBundle.predict` skips the slots empty in every row).

    Returns:
        (probabilities (N, answers), attention (N, max_sentences)) as numpy arrays.
    """
    story, question = encoded["story"], encoded["question"]
    count = len(story)
    if count == 0:
        return bundle.predict(story, question)
    first, inverse = _distinct_rows(np.concatenate([story.reshape(count, -1), question], axis=1))
    story, question = story[first], question[first]
    # Right-aligned memory: a story fills the slots from its oldest sentence to the last one.
    filled = story.any(axis=2)  # (distinct, slots)
    lengths = np.where(filled.any(axis=1), filled.shape[1] - filled.argmax(axis=1), 0)
    order = np.argsort(lengths, kind="stable")
    probabilities = np.zeros((len(first), len(bundle.answers)), dtype=np.float32)
    attention = np.zeros((len(first), story.shape[1]), dtype=np.float32)
    for start in range(0, len(first), batch_size):
        batch = order[start : start + batch_size]
        probabilities[batch], attention[batch] = bundle.predict(story[batch], question[batch])
    return probabilities[inverse], attention[inverse]


def _distinct_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(index of the first of each distinct row, for each row the number of its distinct row).

    Fast through a hash of each row; the result is checked against the rows themselves.
    """
    key = np.zeros(len(rows), dtype=np.uint64)
    for column in rows.T:  # a polynomial hash; it wraps around, as meant
        key = key * np.uint64(1_000_003) + column.astype(np.uint64)
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    if not np.array_equal(rows[first][inverse.reshape(-1)], rows):  # a collision: compare rows
        _, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
    # Number the distinct rows in data order, so that neighbours (the questions of one story,
    # which share sentences the model encodes once per batch) stay together.
    order = np.argsort(first)
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return first[order], rank[inverse.reshape(-1)]


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
        `truncated_stories`, `unknown_answers`, `mistake_count` and `mistakes` (a list of
        {"story", "question", "expected", "got", "confidence", "support", "supporting",
        "supporting_indices", "attention", "source", "task"}).
    """
    count = len(examples)
    if count == 0:
        raise ChatbotError("no questions to evaluate; give bAbI files with questions")
    probabilities = np.asarray(probabilities, dtype=np.float64)
    attention = np.asarray(attention, dtype=np.float64)
    expected_index = np.asarray(encoded["answer"])
    unknown = np.asarray(encoded["unknown"], dtype=bool)
    supporting = np.asarray(encoded["supporting"], dtype=bool)
    truncated = np.asarray(encoded["truncated"])

    predicted = probabilities.argmax(axis=1)
    confidence = np.where(unknown, 0.0, probabilities.max(axis=1))
    correct = ~unknown & (expected_index >= 0) & (predicted == expected_index)
    got = [NO_ANSWER if unknown[i] else answers[predicted[i]] for i in range(count)]

    # Support: does the most-attended slot hold one of bAbI's supporting sentences?
    has_support = supporting.any(axis=1)
    attended = supporting[np.arange(count), attention.argmax(axis=1)] & ~unknown
    support_questions = int(has_support.sum())

    expected_counts = Counter(example.answer for example in examples)
    baseline_answer, baseline_hits = expected_counts.most_common(1)[0]

    confusion: dict[str, dict[str, int]] = {}
    for example, label in zip(examples, got, strict=True):
        row = confusion.setdefault(example.answer, {})
        row[label] = row.get(label, 0) + 1
    # The model's answers in its order, then the expected ones it cannot give, then no answer.
    labels = dict.fromkeys([*answers, *confusion, NO_ANSWER])
    order = {label: rank for rank, label in enumerate(labels)}
    confusion = {
        expected: {label: confusion[expected][label] for label in sorted(row, key=order.get)}
        for expected, row in sorted(confusion.items(), key=lambda item: order[item[0]])
    }

    wrong = [i for i in range(count) if not correct[i]]
    wrong.sort(key=lambda i: -confidence[i])  # stable: ties stay in data order
    return {
        "accuracy": float(correct.mean()),
        "questions": count,
        "per_file": _accuracy_by([example.source for example in examples], correct),
        "per_task": _accuracy_by([example.task or "(unknown)" for example in examples], correct),
        "answers": list(answers),
        "confusion": confusion,
        "baseline_accuracy": baseline_hits / count,
        "baseline_answer": baseline_answer,
        "support_accuracy": float(attended[has_support].mean()) if support_questions else None,
        "support_questions": support_questions,
        "unknown_word_questions": int(unknown.sum()),
        "truncated_stories": int((truncated > 0).sum()),
        "unknown_answers": int((expected_index < 0).sum()),
        "mistake_count": len(wrong),
        "mistakes": [
            _mistake(examples[i], got[i], confidence[i], attention[i], supporting[i])
            for i in wrong[:mistakes]
        ],
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
        f"Accuracy: {_percent(report['accuracy'])}"
        f" ({correct:,} of {report['questions']:,} questions);"
        f" majority baseline {_percent(report['baseline_accuracy'])}"
        f' (always "{report["baseline_answer"]}")',
    ]
    if report["support_accuracy"] is None:
        lines.append("Support accuracy: n/a (no question has a supporting sentence in memory)")
    else:
        lines.append(
            f"Support accuracy: {_percent(report['support_accuracy'])} (the most-attended sentence"
            f" is a supporting one, of {report['support_questions']:,} questions)"
        )
    lines += [
        f"Questions with unknown words: {report['unknown_word_questions']}",
        f"Stories longer than the memory: {report['truncated_stories']}",
        f"Answers outside the answer set: {report['unknown_answers']}",
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


def _got_text(mistake: dict) -> str:
    if mistake["got"] is None:
        return "not answered (unknown words)"
    return f"got {mistake['got']} ({_percent(mistake['confidence'])})"


def _percent(fraction: float) -> str:
    return f"{100 * fraction:.1f}%"


def _table(groups: dict) -> list[str]:
    return [
        f"  {_percent(group['accuracy']):>6} of {group['questions']:>7,}  {name}"
        for name, group in groups.items()
    ]


def _labels(report: dict) -> list[str]:
    """Every label of the confusion matrix: the model's answers first, in its order."""
    confusion = report["confusion"]
    seen = set(confusion).union(*confusion.values())
    order = [*report["answers"], *confusion, NO_ANSWER]
    return [label for label in dict.fromkeys(order) if label in seen]


def _confusion_lines(report: dict) -> list[str]:
    confusion, labels = report["confusion"], _labels(report)
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
    got = _got_text(mistake)
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


def save_plot(report: dict, path, mistakes: int = 3) -> None:
    """Draw the confusion matrix and the attention of a few mistakes into a PNG, atomically.

    Args:
        report: a report from `build_report`.
        path: the PNG to write.
        mistakes: how many of the report's mistakes get an attention heatmap.
    """
    import matplotlib

    matplotlib.use("Agg")  # no screen needed
    from matplotlib import pyplot

    shown = report["mistakes"][:mistakes]
    heights = [3.0] + [1.0 + 0.3 * len(mistake["story"]) for mistake in shown]
    figure, axes = pyplot.subplots(
        len(heights),
        1,
        figsize=(9, sum(heights) + 1),
        height_ratios=heights,
        squeeze=False,
        layout="constrained",
    )
    _plot_confusion(axes[0, 0], report)
    for axis, mistake in zip(axes[1:, 0], shown, strict=True):
        _plot_attention(axis, mistake)
    try:
        write_bytes_atomic(path, _png_bytes(figure))
    finally:
        pyplot.close(figure)


def _plot_confusion(axis, report: dict) -> None:
    confusion = report["confusion"]
    expected, labels = list(confusion), _labels(report)
    matrix = np.array([[confusion[e].get(g, 0) for g in labels] for e in expected])
    axis.imshow(matrix, cmap="Blues")
    axis.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    axis.set_yticks(range(len(expected)), expected)
    axis.set_xlabel("got")
    axis.set_ylabel("expected")
    axis.set_title(
        f"accuracy {_percent(report['accuracy'])} of {report['questions']:,} questions"
        f" (majority baseline {_percent(report['baseline_accuracy'])})"
    )
    for (row, column), count in np.ndenumerate(matrix):
        color = "white" if count > matrix.max() / 2 else "black"
        axis.text(column, row, f"{count:,}", ha="center", va="center", color=color)


def _plot_attention(axis, mistake: dict) -> None:
    """One column of attention weights, a row per story sentence, supporting sentences starred."""
    weights = np.array(mistake["attention"])[:, None]  # (sentences, 1)
    axis.imshow(weights, cmap="Oranges", vmin=0, vmax=1, aspect="auto")
    labels = [
        ("* " if index in mistake["supporting_indices"] else "") + shorten(sentence, 50, "…")
        for index, sentence in enumerate(mistake["story"])
    ]
    axis.set_yticks(range(len(labels)), labels, fontsize=8)
    axis.set_xticks([])
    dropped = len(mistake["story"]) - len(mistake["support"])  # the oldest, out of memory
    for row, weight in enumerate(mistake["attention"]):
        text = "out of memory" if row < dropped else f"{weight:.2f}"
        color = "white" if weight > 0.5 else "black"
        axis.text(0, row, text, ha="center", va="center", fontsize=8, color=color)
    axis.set_title(
        f"{mistake['question']}  expected {mistake['expected']}, {_got_text(mistake)};"
        " * = supporting sentence",
        fontsize=9,
    )


def _png_bytes(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()
