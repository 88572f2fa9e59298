"""Training: bAbI stories in, a complete model folder out, written atomically.

`train(data, out)` wires the parts together: `dataset` reads, splits, sizes and encodes the
data; `fitting` fits the model with Keras, `checkpoints` saving every epoch into the work
folder `OUT.partial` (so `resume=True` continues an interrupted run); `evaluate` scores the
final weights on the validation stories, exactly as `chatbot evaluate` would; `artifacts`
writes the model folder. `OUT` itself appears, or is replaced, only when the run is complete.

This module imports Keras at the top: the CLI imports it only inside `chatbot train`.
"""

import os
import platform
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from chatbot import __version__
from chatbot.config import TrainConfig
from chatbot.errors import EITHER_VALID, Message, UsageError
from chatbot.evaluation import plots
from chatbot.evaluation.evaluate import build_report
from chatbot.files import check_replaceable
from chatbot.network.backend import keras
from chatbot.network.folder import PLOT_FILE, not_a_model_folder, save_model_dir
from chatbot.network.inference import ModelBundle
from chatbot.stories.world.tasks import check_wordings
from chatbot.training import dataset, fitting
from chatbot.training import distribute as distributing
from chatbot.training.work_folder import WorkFolder
from chatbot.untrusted import MAX_STORY_SENTENCES

# The whole-number settings: (least, most). The caps keep a typo from running for days.
SETTING_BOUNDS = {
    "epochs": (1, 10_000),
    "batch_size": (1, 65_536),
    "patience": (0, 10_000),
    "memory": (1, MAX_STORY_SENTENCES),
    "generated_questions": (1, 1_000_000),  # world.MAX_QUESTIONS
    "seed": (0, 2**32 - 1),  # what NumPy's and TensorFlow's seeds take
}


@dataclass
class TrainResult:
    bundle: ModelBundle  # the trained model, best weights restored
    history: dict[str, list[float]]  # per epoch: loss, answer_accuracy, val_loss, val_...
    metadata: dict  # what metadata.json holds
    path: Path  # the model folder written


def train(
    data: Sequence[str | os.PathLike],
    out: str | os.PathLike,
    settings: TrainConfig | None = None,
    *,
    valid: str | os.PathLike | None = None,
    validation_split: float | None = None,
    resume: bool = False,
    overwrite: bool = False,
    model_options: dict | None = None,
    verbose: int = 1,
    report: Callable[[str], None] | None = None,
    callbacks: Sequence = (),
    distribute: str = "none",
    devices: int | None = None,
) -> TrainResult:
    """Train a model on bAbI stories and write its folder.

    Args:
        data: bAbI files, folders (meaning their `*_train.txt` files), or "generated" for the
            built-in stories of every task and the mixed stories (`world.TRAINING_SHARES`).
        out: the model folder to write; it appears only when the run is complete.
        settings: epochs, batch size, learning rate, patience, seed, ...; defaults `TrainConfig()`.
        valid: bAbI validation stories (a file, glob or folder) instead of a held-out share.
        validation_split: the share held out (default `settings.validation_split`), or `valid`.
        resume: continue from the checkpoints in `OUT.partial` of an interrupted run.
        overwrite: replace an existing `out` (it stays intact until the new one is complete).
        model_options: `ModelConfig` fields to set (embedding_dim, hidden_dim, blocks, heads,
            architecture); the sizes of vocabulary, answers and memory always come from the data.
        verbose: Keras progress: 0 silent, 1 progress bar, 2 one line per epoch.
        report: called with one line at a time for notices (sizes, overlap, where it saved).
        callbacks: extra Keras callbacks.
        distribute: "none" (one process), "mirrored" (local GPUs, or `devices` logical CPU
            devices) or "multi-worker" (TF_CONFIG's workers): `training.distribute`.
        devices: for "mirrored", how many devices (logical CPU devices where there is no GPU).

    Returns:
        The `TrainResult`.

    Raises:
        UsageError: contradictory or impossible settings (no data, epochs < 1, ...).
        ChatbotError: unreadable data, no questions, answers with nothing in common, an
            existing `out` without `overwrite`, an unwritable `out`, a mismatched checkpoint.
    """
    settings = _checked_settings(data, settings or TrainConfig(), valid, validation_split)
    report, out, started = report or (lambda line: None), Path(out), time.monotonic()
    strategy = distributing.start(distribute, devices)
    if not distributing.is_chief(strategy):  # trains along, into a folder of its own
        with tempfile.TemporaryDirectory(prefix="chatbot-worker-") as own:
            if resume and Path(f"{out}.partial").is_dir():  # the chief's, on a shared disk
                shutil.copytree(f"{out}.partial", Path(own, f"{out.name}.partial"))
            return _train(data, Path(own, out.name), settings, strategy, valid, resume, True,
                          model_options, verbose, report, callbacks, started)  # fmt: skip
    return _train(data, out, settings, strategy, valid, resume, overwrite, model_options,
                  verbose, report, callbacks, started)  # fmt: skip


def _train(data, out, settings, strategy, valid, resume, overwrite, model_options, verbose,
           report, callbacks, started) -> TrainResult:  # fmt: skip
    check_replaceable(out, overwrite, not_a_model_folder)
    with WorkFolder(out) as claimed:  # ours, and locked: a second run to `out` is refused
        partial = claimed.path
        prepared = _prepare(data, claimed, settings, valid, model_options, report)
        fit = fitting.fit(
            prepared, settings, partial, resume=resume, verbose=verbose, report=report,
            callbacks=callbacks, strategy=strategy,
        )  # fmt: skip
        bundle, scored = _calibrated_bundle(fit, prepared, settings)
        bundle.metadata = _metadata(bundle, prepared, fit, scored, time.monotonic() - started)
        files = {PLOT_FILE: plots.training_plot(fit.history)}
        save_model_dir(bundle, out, overwrite=overwrite, files=files)
        shutil.rmtree(partial, ignore_errors=True)
    report(
        f"saved {out}: validation accuracy {scored['accuracy']:.2%} after {fit.epochs} epochs "
        f"(best epoch {fit.best_epoch})"
    )
    return TrainResult(bundle, fit.history, bundle.metadata, out)


def _calibrated_bundle(fit, prepared: dataset.Prepared, settings: TrainConfig):
    """(the trained model with what it reads by, its confidence calibrated on validation;
    `evaluate`'s report on the validation stories).

    The validation questions are encoded and run once: the temperatures (the model's, and
    their own for forms it answers worse) are fitted on the raw probabilities, and the report
    scores them calibrated as `ModelBundle.predict` would give them, so metadata.json says what
    `chatbot evaluate` says (the one definition of "correct").
    """
    from chatbot.network.inference import calibrated, fit_form_temperatures
    from chatbot.reading.features import encode_examples

    bundle = ModelBundle(
        fit.model, prepared.vocabulary, prepared.config, prepared.answers, prepared.lexicon
    )
    bundle.train_config = settings
    examples = prepared.valid_examples
    encoded = encode_examples(
        examples, bundle.vocabulary, bundle.answers, bundle.config, bundle.lexicon
    )
    raw, attention = bundle.predict(encoded["story"], encoded["question"])  # temperature 1
    # Honest confidence: the temperature that makes the answered validation questions'
    # confidence match their accuracy.
    scored = (encoded["answer"] >= 0) & ~encoded["unknown"]
    temperature, own = fit_form_temperatures(
        raw[scored], encoded["answer"][scored], bundle.question_forms(encoded["question"][scored])
    )
    bundle.config = replace(bundle.config, temperature=temperature, form_temperatures=own)
    probabilities = calibrated(raw, bundle.temperatures(encoded["question"]))
    report = build_report(examples, encoded, probabilities, attention, bundle.answers, 0)
    return bundle, report


def _prepare(data, claimed: WorkFolder, settings, valid, model_options, report):
    """The prepared data; a failure leaves no work folder this run made behind."""
    try:
        return dataset.prepare(data, settings, valid, model_options or {}, report)
    except BaseException:
        if claimed.created:
            shutil.rmtree(claimed.path, ignore_errors=True)
        raise


def _checked_settings(data, settings: TrainConfig, valid, validation_split) -> TrainConfig:
    """The settings to train with, `validation_split` applied; impossible ones refused."""
    if validation_split is not None and valid is not None:
        raise UsageError(Message(EITHER_VALID, ", not both"))
    if validation_split is not None:
        settings = replace(settings, validation_split=validation_split)
    if not data:
        raise UsageError("no training data; name bAbI files or folders, or `generated`")
    for name, (minimum, maximum) in SETTING_BOUNDS.items():
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise UsageError(
                f"{name.replace('_', ' ')} must be a whole number >= {minimum}; received {value!r}"
            )
        if value > maximum:
            raise UsageError(
                f"{name.replace('_', ' ')} must be at most {maximum:,}; received {value:,}"
            )
    if not 0 < settings.validation_split < 1:
        raise UsageError(
            f"the validation split is a share of the stories between 0 and 1 (e.g. 0.1); "
            f"received {settings.validation_split}"
        )
    if not settings.learning_rate > 0:
        raise UsageError(f"the learning rate must be positive; received {settings.learning_rate}")
    check_wordings(settings.wordings)
    return settings


def _metadata(bundle, prepared: dataset.Prepared, fit: fitting.Fit, scored: dict, seconds) -> dict:
    """What metadata.json holds: versions, date, model size, training and validation.

    `scored` is `evaluate`'s report on the validation stories, so the validation figures are
    the ones `chatbot evaluate` gives on the same stories.
    """
    import tensorflow as tf

    training, validation = prepared.training, prepared.validation
    answers = Counter(example.answer for example in prepared.train_examples)
    per_task = sorted(scored["per_task"].items(), key=lambda item: (len(item[0]), item[0]))
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": {
            "chatbot": __version__,
            "python": platform.python_version(),
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
        },
        "model": {"parameters": int(bundle.model.count_params())},
        "training": {
            "data": training.sources,  # files with sha256, or the generated set
            "stories": len(training.stories),
            "questions": len(prepared.train_examples),
            "answers": dict(sorted(answers.items())),
            "epochs": fit.epochs,  # run in all, resumed runs included
            "best_epoch": fit.best_epoch,  # whose weights were kept
            "seconds": round(fit.seconds, 1),  # fitting, resumed runs included
            "total_seconds": round(seconds, 1),  # this run, reading and saving included
        },
        "validation": {
            "data": validation.sources,  # a file with sha256, or the split
            "stories": len(validation.stories),
            "questions": scored["questions"],
            "unknown_answers": scored["unknown_answers"],  # answers never seen in training
            "overlap": prepared.overlap,  # identical stories and questions in both
            "accuracy": scored["accuracy"],  # as `chatbot evaluate` counts it
            "per_task": {task: group["accuracy"] for task, group in per_task},  # qa6 before qa10
            "unknown_word_questions": scored["unknown_word_questions"],  # counted as wrong
        },
    }
