"""Fitting the network with Keras: a seeded tf.data stream, compiling, and a resumable fit.

`fit(prepared, settings, partial, ...)` builds the model (or restores it from the work folder's
checkpoints), fits both outputs (the answer, and the attention towards bAbI's supporting
sentences) and returns the best weights. Each epoch's batch order depends only on the seed and
the epoch number, so a resumed run sees exactly the batches the uninterrupted run would have.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from chatbot.config import TrainConfig
from chatbot.errors import RESUME, Message
from chatbot.network.backend import keras
from chatbot.network.model import build_model
from chatbot.training import checkpoints, dataset, distribute

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
    strategy=None,
) -> Fit:
    """Build the model, or resume it from the work folder, and fit it.

    Args:
        prepared: the encoded data and the model's sizes (`dataset.prepare`).
        settings: epochs, batch size, learning rate, patience, seed, ...
        partial: the work folder for the checkpoints (`work_folder.WorkFolder`).
        resume: continue from the work folder's last finished epoch.
        verbose: Keras progress: 0 silent, 1 progress bar, 2 one line per epoch.
        report: called with one line at a time for notices (resuming, interrupted).
        callbacks: extra Keras callbacks.
        strategy: a tf.distribute strategy (`distribute.start`), or None for one process.

    Returns the `Fit`, holding a clean copy of the model with the best weights.
    """
    import tensorflow as tf

    keras.utils.set_random_seed(settings.seed)
    tf.config.experimental.enable_op_determinism()  # the same seed, the same model
    fingerprint = dataset.fingerprint(prepared, settings)

    def new_model():
        model = build_model(prepared.config)
        if prepared.start_weights is not None:  # --start-from: its network, checked in prepare
            model.set_weights(prepared.start_weights.carried(model.get_weights()))
        _compile(model, settings)
        return model

    with distribute.scope(strategy):
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
            schedule = keras.callbacks.LearningRateScheduler(
                lambda epoch: learning_rate(settings, epoch)
            )
            everything = [schedule, stopping, progress, *callbacks]
            _fit_epochs(model, prepared, settings, first_epoch, everything, verbose, strategy)
        except KeyboardInterrupt:
            done = progress.state["epoch"] if progress.state else first_epoch
            where = f"interrupted after epoch {done}; the checkpoints are in {partial}: "
            report(Message(where, RESUME, " to continue"))
            raise
        state = progress.state or state
    return _result(model, prepared.config, state)


def learning_rate(settings: TrainConfig, epoch: int) -> float:
    """The learning rate of an epoch (0-based): constant for the first half of the epochs, then
    falling linearly to a tenth. It depends on the epoch alone, so a resumed run follows it too.
    """
    half = settings.epochs / 2
    fallen = max(0.0, (epoch - half) / max(half, 1.0))
    return settings.learning_rate * (1.0 - 0.9 * min(fallen, 1.0))


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
    strategy=None,
) -> None:
    """Keras' fit from `first_epoch` on, validating on the questions the loss can score."""
    config = prepared.config
    size, seed = settings.batch_size, settings.seed
    # The tutorial network reads a memory of fixed width; ours any width up to max_sentences.
    fixed = config.max_sentences if config.architecture == "tutorial" else None
    reads = config.steps if _reads_in_steps(config) else 1
    # Keras counts the same number of steps in every epoch: fresh stories' epochs are cut to
    # (or repeated up to) the first epoch's.
    steps = len(Batches(prepared.train_arrays, size, seed, 0, fixed))
    validation = Batches(prepared.valid_arrays, max(256, size), width=fixed, reads=reads)
    epochs = range(first_epoch, settings.epochs)

    def epoch_batches(epoch):
        return Batches(prepared.arrays_of(epoch), size, seed, epoch, fixed, reads).cycled(steps)

    if strategy is not None:  # Keras' fit fails there: see distribute
        return distribute.fit_epochs(
            strategy, model, settings, epoch_batches, validation, epochs, callbacks, verbose
        )
    model.fit(
        _stream(
            lambda: (epoch_batches(e) for e in epochs),
            config,
            steps * len(epochs),
        ),
        steps_per_epoch=steps,
        shuffle=False,  # the batches come shuffled, by (seed, epoch)
        epochs=settings.epochs,
        initial_epoch=first_epoch,
        validation_data=_stream(lambda: [validation], config, len(validation)),
        callbacks=callbacks,
        verbose=verbose,
    )


def _stream(epochs, config, batches: int):
    """A tf.data stream of the batches of each `Batches` that `epochs()` gives, in turn."""
    import tensorflow as tf

    def generate():
        for epoch in epochs():
            for index in range(len(epoch)):
                yield epoch[index]

    targets = {
        "answer": tf.TensorSpec((None,), tf.int32),
        "attention": tf.TensorSpec((None, None), tf.float32),
    }
    if _reads_in_steps(config):
        targets["steps"] = tf.TensorSpec((None, config.steps, None), tf.float32)
    signature = (
        {
            "story": tf.TensorSpec((None, None, config.max_words), tf.int32),
            "question": tf.TensorSpec((None, config.max_question_words), tf.int32),
        },
        targets,
    )
    stream = tf.data.Dataset.from_generator(generate, output_signature=signature)
    # The count tells Keras where an epoch ends, so it does not warn that the data ran out.
    return stream.apply(tf.data.experimental.assert_cardinality(batches)).prefetch(2)


def _reads_in_steps(config) -> bool:
    return config.architecture != "tutorial" and config.steps > 1


# Batch widths: a batch holds as many memory slots as its longest story needs, rounded up to
# one of these, so that stories of 10 sentences do not pay for those of 250 and the training
# step is traced for a few shapes only.
WIDTHS = (8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096)
SORTED_TOGETHER = 32  # batches drawn at random and then sorted by story length among them


class Batches:
    """Training or validation batches, each as wide as its longest story needs.

    With a seed, each epoch's batches are drawn from (seed, epoch) alone: the questions are
    shuffled, sorted by story length within runs of `SORTED_TOGETHER` batches, cut into
    batches, and the batches shuffled again; a resumed run sees exactly the batches the
    uninterrupted run would have seen. Without a seed, the questions go in order of length.
    """

    def __init__(
        self, arrays: dict, batch_size: int, seed: int | None = None, epoch: int = 0,
        width: int | None = None, reads: int = 1,
    ):  # fmt: skip
        self.arrays, self.batch_size, self.seed, self.epoch = arrays, batch_size, seed, epoch
        self.width = width  # every batch this wide (a fixed memory), or as its stories need
        self.reads = reads  # the network's reading steps; more than one get "steps" targets
        self.lengths = (arrays["story_rows"] != 0).sum(axis=1)
        self.targets = dataset.attention_targets(arrays["supporting"])
        self.batches = self._draw()

    def _draw(self) -> list[np.ndarray]:
        count, size = len(self.lengths), self.batch_size
        if self.seed is None:
            order = np.argsort(self.lengths, kind="stable")
            return [order[start : start + size] for start in range(0, count, size)]
        rng = np.random.default_rng([self.seed, self.epoch])
        order, run = rng.permutation(count), size * SORTED_TOGETHER
        batches = []
        for start in range(0, count, run):
            part = order[start : start + run]
            part = part[np.argsort(self.lengths[part], kind="stable")]
            batches += [part[first : first + size] for first in range(0, len(part), size)]
        return [batches[index] for index in rng.permutation(len(batches))]

    def __len__(self) -> int:
        return len(self.batches)

    def cycled(self, count: int) -> "Batches":
        """These batches cut to `count`, or repeated in turn up to it."""
        self.batches = [self.batches[index % len(self.batches)] for index in range(count)]
        return self

    def __getitem__(self, index: int):
        rows = self.batches[index]
        story_rows, slots = self.arrays["story_rows"][rows], self.arrays["story_rows"].shape[1]
        width = self.width
        if width is None:
            longest = int(self.lengths[rows].max(initial=1))
            width = min(next(w for w in WIDTHS if w >= longest), slots)
        story_rows = np.pad(story_rows, ((0, 0), (max(width - slots, 0), 0)))[:, -width:]
        story = self.arrays["sentences"][story_rows]
        attention = np.pad(self.targets[rows], ((0, 0), (max(width - slots, 0), 0)))[:, -width:]
        inputs = {"story": story.astype(np.int32), "question": self.arrays["question"][rows]}
        targets = {
            "answer": self.arrays["answer"][rows],
            "attention": attention,
        }
        if self.reads > 1:  # the support slots, moved as the memory was widened or cut
            order = self.arrays["support_order"][rows]
            moved = order + (width - slots)
            order = np.where((order >= 0) & (moved >= 0), moved, -1)
            targets["steps"] = dataset.step_targets(order, self.reads, width)
        return inputs, targets


def _compile(model, settings: TrainConfig) -> None:
    # bAbI names the sentences each answer rests on. Training the attention towards them (as
    # strongly supervised memory networks do) makes `:why` show the facts the answer is read
    # from; the answer sees the story only through that attention (see model.Reasoner).
    # A network that reads in steps has each step pulled towards its own supporting sentence
    # instead (dataset.step_targets); its "attention" is the last step's, already pulled there.
    supervised = "steps" if "steps" in model.output else "attention"
    loss = {"answer": keras.losses.SparseCategoricalCrossentropy(), "attention": None}
    weights = {"answer": 1.0, "attention": 0.0}
    if settings.attention_weight:
        loss[supervised] = keras.losses.CategoricalCrossentropy()
        weights[supervised] = settings.attention_weight
    model.compile(
        optimizer=keras.optimizers.get(
            {"class_name": settings.optimizer, "config": {"learning_rate": settings.learning_rate}}
        ),
        loss=loss,
        loss_weights=weights,
        metrics={"answer": ["accuracy"]},
        jit_compile=settings.jit_compile,
    )
