"""Training: bAbI stories in, a complete model folder out, written atomically.

`train(data, out)` wires the parts together: `dataset` reads, splits, sizes and encodes the
data; Keras fits the model on a seeded tf.data stream, with `checkpoints` saving every epoch
into the work folder `OUT.partial` (so `resume=True` continues an interrupted run); `evaluate`
scores the final weights on the validation stories, exactly as `chatbot evaluate` would; and
`artifacts` writes the model folder. `OUT` itself appears, or is replaced, only when the run is
complete.

This module imports Keras at the top: the CLI imports it only inside `chatbot train`.
"""

import math
import os
import platform
import shutil
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from chatbot import __version__, checkpoints, dataset, plots
from chatbot.artifacts import PLOT_FILE, save_model_dir
from chatbot.backend import keras
from chatbot.config import TrainConfig
from chatbot.errors import UsageError
from chatbot.evaluate import evaluate
from chatbot.inference import ModelBundle
from chatbot.model import build_model

MONITOR = "val_answer_accuracy"  # Keras names a dict output's metric after the output


@dataclass
class TrainResult:
    bundle: ModelBundle  # the trained model, best weights restored
    history: dict[str, list[float]]  # per epoch: loss, answer_accuracy, val_loss, val_...
    metadata: dict  # what metadata.json holds
    path: Path  # the model folder written


@dataclass
class _Fit:
    model: object
    history: dict[str, list[float]]
    epochs: int  # epochs run in all, resumed runs included
    best_epoch: int  # 1-based
    seconds: float  # training time in all, resumed runs included


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
) -> TrainResult:
    """Train a model on bAbI stories and write its folder.

    Args:
        data: bAbI files, folders (meaning their `*_train.txt` files), or "generated" for the
            built-in stories of tasks 6, 9, 10, 17, 18 (`settings.generated_questions` each).
        out: the model folder to write; it appears only when the run is complete.
        settings: epochs, batch size, learning rate, patience, seed, ...; defaults `TrainConfig()`.
        valid: a bAbI file of validation stories, instead of holding out part of `data`.
        validation_split: share of the stories held out (default `settings.validation_split`);
            not together with `valid`.
        resume: continue from the checkpoints in `OUT.partial` of an interrupted run.
        overwrite: replace an existing `out` (it stays intact until the new one is complete).
        model_options: `ModelConfig` fields to set (embedding_dim, hidden_dim, blocks, heads,
            architecture); the sizes of vocabulary, answers and memory always come from the data.
        verbose: Keras progress: 0 silent, 1 progress bar, 2 one line per epoch.
        report: called with one line at a time for notices (sizes, overlap, where it saved).
        callbacks: extra Keras callbacks.

    Returns:
        The `TrainResult`.

    Raises:
        UsageError: contradictory or impossible settings (no data, epochs < 1, ...).
        ChatbotError: unreadable data, no questions, answers with nothing in common, an
            existing `out` without `overwrite`, an unwritable `out`, a mismatched checkpoint.
    """
    settings = settings or TrainConfig()
    report = report or (lambda line: None)
    out = Path(out)
    if validation_split is not None and valid is not None:
        raise UsageError("give either `valid` or `validation_split`, not both")
    if validation_split is not None:
        settings = replace(settings, validation_split=validation_split)
    _check_settings(settings, data)
    partial, created = checkpoints.prepare_work_folder(out, overwrite)
    started = time.monotonic()
    try:
        prepared = dataset.prepare(data, settings, valid, model_options or {}, report)
    except BaseException:
        if created:  # leave nothing behind when the data is bad
            shutil.rmtree(partial, ignore_errors=True)
        raise
    fit = _fit(prepared, settings, partial, resume, verbose, report, callbacks)
    bundle = ModelBundle(fit.model, prepared.vocabulary, prepared.config, prepared.answers, {},
                         settings)  # fmt: skip
    # The one definition of "correct": metadata.json says what `chatbot evaluate` would say.
    scored = evaluate(bundle, prepared.valid_examples, mistakes=0)
    bundle.metadata = _metadata(bundle, prepared, fit, scored, time.monotonic() - started)
    files = {PLOT_FILE: plots.training_plot(fit.history)}
    save_model_dir(bundle, out, overwrite=overwrite, files=files)
    shutil.rmtree(partial, ignore_errors=True)
    report(
        f"saved {out}: validation accuracy {scored['accuracy']:.2%} after {fit.epochs} epochs "
        f"(best epoch {fit.best_epoch})"
    )
    return TrainResult(bundle, fit.history, bundle.metadata, out)


def _check_settings(settings: TrainConfig, data) -> None:
    if not data:
        raise UsageError("no training data; name bAbI files or folders, or `generated`")
    for name in ("epochs", "batch_size", "patience", "memory", "generated_questions"):
        value = getattr(settings, name)
        minimum = 0 if name == "patience" else 1
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise UsageError(
                f"{name.replace('_', ' ')} must be a whole number >= {minimum}; received {value!r}"
            )
    if not 0 < settings.validation_split < 1:
        raise UsageError(
            f"the validation split is a share of the stories between 0 and 1 (e.g. 0.1); "
            f"received {settings.validation_split}"
        )
    if not settings.learning_rate > 0:
        raise UsageError(f"the learning rate must be positive; received {settings.learning_rate}")


def _fit(
    prepared: dataset.Prepared,
    settings: TrainConfig,
    partial: Path,
    resume: bool,
    verbose: int,
    report,
    callbacks,
) -> _Fit:
    """Build or resume the model and fit it; returns a `_Fit` with the best weights."""
    import tensorflow as tf

    keras.utils.set_random_seed(settings.seed)
    tf.config.experimental.enable_op_determinism()
    fingerprint = dataset.fingerprint(prepared, settings)

    def new_model():
        model = build_model(prepared.config)
        _compile(model, settings)
        return model

    model, state = checkpoints.start(partial, fingerprint, resume, new_model, report)
    stopping = checkpoints.ResumableEarlyStopping(
        state,
        partial,
        monitor=MONITOR,
        mode="max",
        patience=settings.patience,
        restore_best_weights=True,
        verbose=1 if verbose else 0,
    )
    progress = checkpoints.SaveProgress(partial, fingerprint, stopping, state)
    if checkpoints.finished(state, settings.epochs):
        model.set_weights(stopping.saved_best_weights())
    else:
        first_epoch = state["epoch"] if state else 0
        try:
            everything = [stopping, progress, *callbacks]
            _fit_epochs(model, prepared, settings, first_epoch, everything, verbose)
        except KeyboardInterrupt:
            done = progress.state["epoch"] if progress.state else first_epoch
            report(
                f"interrupted after epoch {done}; the checkpoints are in {partial}: "
                "train again with `resume=True` to continue"
            )
            raise
        state = progress.state or state
    # A clean copy without optimizer state or training setup: what the folder ships.
    final = build_model(prepared.config)
    final.set_weights(model.get_weights())
    return _Fit(
        model=final,
        history=state["history"],
        epochs=state["epoch"],
        best_epoch=state["early_stopping"]["best_epoch"] + 1,
        seconds=state["seconds"],
    )


def _fit_epochs(
    model,
    prepared: dataset.Prepared,
    settings: TrainConfig,
    first_epoch: int,
    callbacks: list,
    verbose: int,
) -> None:
    """Keras' fit from `first_epoch` on, validating on the questions the loss can score."""
    train_arrays, valid_arrays = prepared.train_arrays, prepared.valid_arrays
    validation = (
        {"story": valid_arrays["story"], "question": valid_arrays["question"]},
        {
            "answer": valid_arrays["answer"],
            "attention": dataset.attention_targets(valid_arrays["supporting"]),
        },
    )
    model.fit(
        _batches(train_arrays, settings.batch_size, settings.seed, first_epoch, settings.epochs),
        steps_per_epoch=math.ceil(len(train_arrays["answer"]) / settings.batch_size),
        shuffle=False,  # the batches come shuffled, by (seed, epoch)
        epochs=settings.epochs,
        initial_epoch=first_epoch,
        validation_data=validation,
        validation_batch_size=max(256, settings.batch_size),
        callbacks=callbacks,
        verbose=verbose,
    )


def _batches(arrays: dict, batch_size: int, seed: int, first_epoch: int, epochs: int):
    """A tf.data stream of training batches for epochs first_epoch..epochs-1.

    Each epoch's order is a permutation drawn from (seed, epoch) alone, so a resumed run sees
    exactly the batches the uninterrupted run would have seen.
    """
    import tensorflow as tf

    count = len(arrays["answer"])
    orders = np.stack(
        [
            np.random.default_rng([seed, epoch]).permutation(count)
            for epoch in range(first_epoch, epochs)
        ]
    ).astype(np.int32)
    story, question = tf.constant(arrays["story"]), tf.constant(arrays["question"])
    answer = tf.constant(arrays["answer"])
    attention = tf.constant(dataset.attention_targets(arrays["supporting"]))

    def gather(indices):
        inputs = {"story": tf.gather(story, indices), "question": tf.gather(question, indices)}
        targets = {"answer": tf.gather(answer, indices), "attention": tf.gather(attention, indices)}
        return inputs, targets

    return (
        tf.data.Dataset.from_tensor_slices(orders)
        .flat_map(lambda order: tf.data.Dataset.from_tensor_slices(order).batch(batch_size))
        .map(gather)
        .prefetch(2)
    )


def _compile(model, settings: TrainConfig) -> None:
    # bAbI names the sentences each answer rests on. Training the attention towards them (as
    # strongly supervised memory networks do) makes `:why` show the facts the answer is read
    # from; the answer sees the story only through that attention (see model.Reasoner).
    attention_loss = keras.losses.CategoricalCrossentropy() if settings.attention_weight else None
    model.compile(
        optimizer=keras.optimizers.get(
            {"class_name": settings.optimizer, "config": {"learning_rate": settings.learning_rate}}
        ),
        loss={"answer": keras.losses.SparseCategoricalCrossentropy(), "attention": attention_loss},
        loss_weights={"answer": 1.0, "attention": settings.attention_weight},
        metrics={"answer": ["accuracy"]},
        jit_compile=settings.jit_compile,
    )


def _metadata(bundle, prepared: dataset.Prepared, fit: _Fit, scored: dict, seconds) -> dict:
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
