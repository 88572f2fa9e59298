"""Fitting the network with Keras: a seeded tf.data stream, compiling, and a resumable fit.

`fit(prepared, settings, partial, ...)` builds the model (or restores it from the work folder's
checkpoints), fits both outputs (the answer, and the attention towards bAbI's supporting
sentences) and returns the best weights. Each epoch's batch order depends only on the seed and
the epoch number, so a resumed run sees exactly the batches the uninterrupted run would have.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from chatbot import checkpoints, dataset
from chatbot.backend import keras
from chatbot.config import TrainConfig
from chatbot.model import build_model

MONITOR = "val_answer_accuracy"  # Keras names a dict output's metric after the output


@dataclass
class Fit:
    model: object
    history: dict[str, list[float]]
    epochs: int  # epochs run in all, resumed runs included
    best_epoch: int  # 1-based
    seconds: float  # training time in all, resumed runs included


def fit(
    prepared: dataset.Prepared,
    settings: TrainConfig,
    partial: Path,
    *,
    resume: bool = False,
    verbose: int = 0,
    report: Callable[[str], None] = print,
    callbacks: Sequence = (),
) -> Fit:
    """Build the model, or resume it from the work folder, and fit it.

    Args:
        prepared: the encoded data and the model's sizes (`dataset.prepare`).
        settings: epochs, batch size, learning rate, patience, seed, ...
        partial: the work folder for the checkpoints (`checkpoints.prepare_work_folder`).
        resume: continue from the work folder's last finished epoch.
        verbose: Keras progress: 0 silent, 1 progress bar, 2 one line per epoch.
        report: called with one line at a time for notices (resuming, interrupted).
        callbacks: extra Keras callbacks.

    Returns:
        The `Fit`, holding a clean copy of the model with the best weights.
    """
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
        state, partial, MONITOR, settings.patience, verbose
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
    return _result(model, prepared.config, state)


def _result(model, config, state: dict) -> Fit:
    """A clean copy of the model without optimizer state or training setup: what ships."""
    final = build_model(config)
    final.set_weights(model.get_weights())
    return Fit(
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
