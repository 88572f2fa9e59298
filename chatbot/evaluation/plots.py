"""Pictures: the evaluation report's confusion and attention, and training's loss curves.

Matplotlib draws without a screen (its Agg backend) and is imported only when a picture is made.
"""

import io

import numpy as np

from chatbot.evaluation.evaluate import confusion_labels, got_text, percent
from chatbot.files import write_bytes_atomic
from chatbot.text import shorten


def save_evaluation_plot(report: dict, path, mistakes: int = 3) -> None:
    """Draw the confusion matrix, the reliability diagram and the attention of a few mistakes
    into a PNG, atomically.

    Args:
        report: a report from `evaluate.build_report`.
        path: the PNG to write.
        mistakes: how many of the report's mistakes get an attention heatmap.
    """
    pyplot = _pyplot()
    shown = report["mistakes"][:mistakes]
    heights = [3.0, 3.0] + [1.0 + 0.3 * len(mistake["story"]) for mistake in shown]
    figure, axes = pyplot.subplots(
        len(heights),
        1,
        figsize=(9, sum(heights) + 1),
        height_ratios=heights,
        squeeze=False,
        layout="constrained",
    )
    _plot_confusion(axes[0, 0], report)
    _plot_reliability(axes[1, 0], report)
    for axis, mistake in zip(axes[2:, 0], shown, strict=True):
        _plot_attention(axis, mistake)
    write_bytes_atomic(path, _png_bytes(figure))


def _plot_confusion(axis, report: dict) -> None:
    confusion = report["confusion"]
    expected, labels = list(confusion), confusion_labels(report)
    matrix = np.array([[confusion[e].get(g, 0) for g in labels] for e in expected])
    axis.imshow(matrix, cmap="Blues")
    axis.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    axis.set_yticks(range(len(expected)), expected)
    axis.set_xlabel("got")
    axis.set_ylabel("expected")
    axis.set_title(
        f"accuracy {percent(report['accuracy'])} of {report['questions']:,} questions"
        f" (majority baseline {percent(report['baseline_accuracy'])})"
    )
    for (row, column), count in np.ndenumerate(matrix):
        color = "white" if count > matrix.max() / 2 else "black"
        axis.text(column, row, f"{count:,}", ha="center", va="center", color=color)


def _plot_reliability(axis, report: dict) -> None:
    """Accuracy against confidence, a bar per confidence bin: honest bars touch the diagonal."""
    bins = report["reliability"]
    axis.plot([0, 1], [0, 1], color="gray", linestyle="--", linewidth=1, label="calibrated")
    axis.bar(
        [item["low"] for item in bins],
        [item["accuracy"] for item in bins],
        width=[item["high"] - item["low"] for item in bins],
        align="edge",
        edgecolor="black",
        color="tab:blue",
        label="accuracy",
    )
    for item in bins:
        middle = (item["low"] + item["high"]) / 2
        axis.text(middle, 0.02, f"{item['questions']:,}", ha="center", fontsize=7, rotation=90)
    axis.set_xlim(0, 1)
    axis.set_ylim(0, 1)
    axis.set_xlabel("confidence")
    axis.set_ylabel("accuracy")
    axis.legend(loc="upper left", fontsize=8)
    axis.set_title(
        f"reliability: calibration error {percent(report['calibration_error'])},"
        f" {report['confident_mistakes']:,} mistakes at 95% or more (answered questions)"
    )


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
        f"{mistake['question']}  expected {mistake['expected']}, {got_text(mistake)};"
        " * = supporting sentence",
        fontsize=9,
    )


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # no screen needed
    from matplotlib import pyplot

    return pyplot


def _png_bytes(figure) -> bytes:
    """The figure as PNG bytes; the figure is closed, drawn or not."""
    try:
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()
    finally:
        _pyplot().close(figure)


def training_plot(history: dict[str, list[float]]) -> bytes:
    """Loss and accuracy per epoch, training and validation, as PNG bytes (`training.png`)."""
    figure, (loss_axes, accuracy_axes) = _pyplot().subplots(1, 2, figsize=(10, 4))
    for axes, metric, title in (
        (loss_axes, "loss", "loss"),
        (accuracy_axes, "answer_accuracy", "accuracy"),
    ):
        for prefix, label in (("", "training"), ("val_", "validation")):
            values = history.get(prefix + metric, [])
            axes.plot(range(1, len(values) + 1), values, marker="o", label=label)
        axes.set_title(title)
        axes.set_xlabel("epoch")
        axes.legend()
        axes.grid(alpha=0.3)
    figure.tight_layout()
    return _png_bytes(figure)
