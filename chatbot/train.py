"""Training: bAbI stories in, a complete model folder out, written atomically.

`train(data, out)` reads the stories (files, folders or the built-in `generated` stories),
holds out validation stories (whole stories, never single questions: the questions of a story
share its sentences), builds the vocabulary, answer set and model sizes from the training data,
fits the model with Keras and writes the model folder.

A run is safe to stop at any moment. Every finished epoch is checkpointed into the work folder
`OUT.partial` beside `OUT` (model with optimizer state, the early-stopping state, the best
weights so far and a small `state.json` that commits them); `resume=True` continues from it and
ends as the uninterrupted run would, because each epoch's batch order depends only on the seed
and the epoch number. `OUT` itself appears, or is replaced, only when the run is complete.

This module imports Keras at the top: the CLI imports it only inside `chatbot train`.
"""

import hashlib
import io
import json
import math
import os
import platform
import shutil
import time
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import keras
import numpy as np

from chatbot import __version__, babi, world
from chatbot.config import ModelConfig, TrainConfig
from chatbot.errors import ChatbotError, UsageError
from chatbot.text import Vocabulary, tokenize, write_bytes_atomic, write_text_atomic

GENERATED = "generated"  # the DATA word for the built-in stories
STATE_FILE = "state.json"
MONITOR = "val_answer_accuracy"  # Keras names a dict output's metric after the output
PREDICT_BATCH = 1024


@dataclass
class TrainResult:
    bundle: object  # the trained `artifacts.ModelBundle`, best weights restored
    history: dict[str, list[float]]  # per epoch: loss, answer_accuracy, val_loss, val_...
    metadata: dict  # what metadata.json holds
    path: Path  # the model folder written


@dataclass
class _Data:
    stories: list  # babi.Story
    sources: list[dict]  # for metadata: {"path", "sha256"} or the generated set's description


def work_folder(out: str | os.PathLike) -> Path:
    """The sibling folder where a run to `out` keeps its checkpoints: `OUT.partial`."""
    out = Path(out)
    return out.with_name(out.name + ".partial")


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
        model_options: `ModelConfig` fields to set (embedding_dim, hidden_dim, architecture);
            the sizes of vocabulary, answers and memory always come from the data.
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
        raise UsageError("give either --valid FILE or --validation-split, not both")
    if validation_split is not None:
        settings = replace(settings, validation_split=validation_split)
    _check_settings(settings, data)
    partial, created = _prepare_folders(out, overwrite)
    started = time.monotonic()
    try:
        prepared = _prepare_data(data, settings, valid, model_options or {}, report)
    except BaseException:
        if created:  # leave nothing behind when the data is bad
            shutil.rmtree(partial, ignore_errors=True)
        raise
    fingerprint = _fingerprint(prepared, settings)
    fit = _fit(prepared, settings, partial, fingerprint, resume, verbose, report, callbacks)
    from chatbot.artifacts import PLOT_FILE, ModelBundle, save_model_dir

    bundle = ModelBundle(fit.model, prepared.vocabulary, prepared.config, prepared.answers, {},
                         settings)  # fmt: skip
    accuracy, per_task = _accuracy(bundle, prepared.valid_arrays, prepared.valid_examples)
    bundle.metadata = _metadata(
        bundle, prepared, fit, accuracy, per_task, time.monotonic() - started
    )
    save_model_dir(bundle, out, overwrite=overwrite, files={PLOT_FILE: _plot(fit.history)})
    shutil.rmtree(partial, ignore_errors=True)
    report(
        f"saved {out}: validation accuracy {accuracy:.2%} after {fit.epochs} epochs "
        f"(best epoch {fit.best_epoch})"
    )
    return TrainResult(bundle, fit.history, bundle.metadata, out)


@dataclass
class _Prepared:
    """Everything training needs before Keras: the data, split, sized and encoded."""

    training: _Data
    validation: _Data
    train_examples: list
    valid_examples: list  # those with an answer seen in training
    vocabulary: Vocabulary
    answers: list[str]
    config: ModelConfig
    train_arrays: dict
    valid_arrays: dict
    overlap: dict[str, int]
    unknown_answers: int  # validation questions dropped: their answer never occurs in training


def _prepare_data(data, settings: TrainConfig, valid, model_options: dict, report) -> _Prepared:
    """Read and split the data, size the model, encode the arrays: everything before Keras."""
    training = _load_data(data, settings)
    _check_answers(training.stories)
    if valid is not None:
        # A folder means its validation files; a file or a glob is read as given.
        files = babi.expand_paths([valid], "*_valid.txt")
        stories = [story for file in files for story in babi.read_stories(file)]
        validation = _Data(stories, [_file_source(file) for file in files])
        if not any(story.questions for story in validation.stories):
            raise ChatbotError(f"validation file {valid} holds no questions")
    else:
        training, validation = _split(training, settings)
    train_examples = babi.examples_of(training.stories)
    valid_examples = babi.examples_of(validation.stories)

    vocabulary, answers, config = _describe(train_examples, settings, model_options)
    overlap = _count_overlap(training.stories, validation.stories, train_examples, valid_examples)
    report(
        f"training on {len(train_examples)} questions ({len(training.stories)} stories), "
        f"validating on {len(valid_examples)} ({len(validation.stories)} stories); "
        f"overlap: {overlap['stories']} identical stories, {overlap['questions']} identical "
        "questions"
    )

    from chatbot.features import encode_examples

    train_arrays = encode_examples(train_examples, vocabulary, answers, config)
    valid_arrays = encode_examples(valid_examples, vocabulary, answers, config)
    # Validation questions whose answer never occurs in training cannot be scored by the loss.
    known = valid_arrays["answer"] >= 0
    unknown_answers = int((~known).sum())
    if not known.any():
        raise ChatbotError(
            "no validation question has an answer seen in training; give a --valid file of the "
            "same kind of task as the training data"
        )
    if unknown_answers:
        report(f"{unknown_answers} validation questions have answers never seen in training")
        valid_arrays = {name: array[known] for name, array in valid_arrays.items()}
        valid_examples = [
            example for example, keep in zip(valid_examples, known, strict=True) if keep
        ]

    return _Prepared(
        training, validation, train_examples, valid_examples, vocabulary, answers, config,
        train_arrays, valid_arrays, overlap, unknown_answers,
    )  # fmt: skip


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


def _prepare_folders(out: Path, overwrite: bool) -> tuple[Path, bool]:
    """Fail early on an existing or unwritable `out`; make the work folder.

    Returns:
        The work folder, and whether this call created it.
    """
    if out.exists() and not overwrite:
        raise ChatbotError(f"{out} already exists; pass --overwrite to replace it")
    if out.exists() and not out.is_dir():
        raise ChatbotError(f"{out} is a file, not a model folder; choose another --out")
    partial = work_folder(out)
    created = not partial.exists()
    try:
        partial.mkdir(parents=True, exist_ok=True)
        probe = partial / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise ChatbotError(
            f"cannot write {out}: {error.strerror or error}; choose a writable --out"
        ) from None
    return partial, created


def _file_source(path: Path) -> dict:
    return {"path": str(path), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


def _load_data(data, settings: TrainConfig) -> _Data:
    """Read the DATA arguments: files and folders through `babi`, `generated` through `world`."""
    stories, sources = [], []
    paths = [item for item in data if str(item) != GENERATED]
    if len(paths) < len(data):
        generated = []
        for task in world.DEFAULT_TASKS:
            generated += world.generate_stories(task, settings.generated_questions, settings.seed)
        stories += generated
        text = babi.format_stories(generated).encode("utf-8")
        sources.append(
            {
                "path": GENERATED,
                "tasks": list(world.DEFAULT_TASKS),
                "questions_per_task": settings.generated_questions,
                "seed": settings.seed,
                "sha256": hashlib.sha256(text).hexdigest(),
            }
        )
    if paths:
        files = babi.expand_paths(paths)
        for file in files:
            stories += babi.read_stories(file)
            sources.append(_file_source(file))
    if not any(story.questions for story in stories):
        raise ChatbotError(
            f"{' '.join(str(item) for item in data)} holds no questions; "
            "give bAbI files with question lines"
        )
    return _Data(stories, sources)


def split_by_story(stories: list, share: float, seed: int) -> tuple[list, list]:
    """Hold out whole stories for validation, never single questions.

    Args:
        stories: `babi.Story`s; only stories with questions are held out.
        share: the share of those stories to hold out (at least one, never all).
        seed: which stories; the same seed holds out the same ones.

    Returns:
        (training stories, validation stories), each in the original order.

    Raises:
        ChatbotError: fewer than two stories with questions.
    """
    with_questions = [index for index, story in enumerate(stories) if story.questions]
    if len(with_questions) < 2:
        raise ChatbotError(
            "need at least two stories with questions to hold one out for validation; "
            "give more data or a --valid FILE"
        )
    held = min(max(1, round(share * len(with_questions))), len(with_questions) - 1)
    chosen = set(np.random.default_rng(seed).permutation(with_questions)[:held].tolist())
    training = [story for index, story in enumerate(stories) if index not in chosen]
    validation = [story for index, story in enumerate(stories) if index in chosen]
    return training, validation


def _split(data: _Data, settings: TrainConfig) -> tuple[_Data, _Data]:
    training, validation = split_by_story(data.stories, settings.validation_split, settings.seed)
    split = {"split": settings.validation_split, "by": "story", "seed": settings.seed}
    return _Data(training, data.sources), _Data(validation, [split])


def _check_answers(stories) -> None:
    """Reject data whose parts share no answer: one model cannot learn two unrelated tasks."""
    answers_of: dict[str, set[str]] = {}
    sizes: Counter = Counter()
    for story in stories:
        part = story.source or story.task or "data"  # a file, or a generated task
        for question in story.questions:
            answers_of.setdefault(part, set()).add(question.answer)
            sizes[part] += 1
    for name in sorted(answers_of, key=sizes.get):  # name the odd one out: the smaller part
        answers = answers_of[name]
        others = set().union(*(other for key, other in answers_of.items() if key != name))
        if len(answers_of) > 1 and not answers & others:
            mine, theirs = ", ".join(sorted(answers)[:4]), ", ".join(sorted(others)[:4])
            raise ChatbotError(
                f"{name} shares no answer with the rest of the data ({mine} vs {theirs}); "
                "train on tasks of one kind, e.g. the yes/no tasks 6, 9, 10, 17, 18"
            )


def _describe(examples, settings: TrainConfig, model_options: dict):
    """Vocabulary, answer set and model sizes, all from the training data."""
    sentences = {text for example in examples for text in example.story}
    questions = {example.question for example in examples}
    vocabulary = Vocabulary.build(sorted(sentences | questions))
    answers = sorted({example.answer for example in examples})
    sized = {
        "vocabulary_size": len(vocabulary),
        "answer_count": len(answers),
        "max_sentences": min(settings.memory, max(len(example.story) for example in examples)),
        "max_words": max((len(tokenize(text)) for text in sentences), default=1),
        "max_question_words": max(len(tokenize(text)) for text in questions),
    }
    sized = {name: max(1, value) for name, value in sized.items()}
    unknown = set(model_options) - set(ModelConfig.__dataclass_fields__)
    if unknown or set(model_options) & set(sized):
        raise UsageError(
            f"model options can set embedding_dim, hidden_dim, architecture; "
            f"received {sorted(model_options)}"
        )
    return vocabulary, answers, ModelConfig(**sized, **model_options)


def _story_key(story) -> tuple:
    return tuple(
        (line.text, line.answer) if isinstance(line, babi.Question) else line.text
        for line in story.lines
    )


def count_overlap(train_stories: list, valid_stories: list) -> dict[str, int]:
    """How much of the validation data occurs, word for word, in the training data.

    Returns:
        {"stories": validation stories identical to a training story, "questions": validation
        questions whose story so far and question text both occur in training}.
    """
    return _count_overlap(
        train_stories, valid_stories, babi.examples_of(train_stories),
        babi.examples_of(valid_stories),
    )  # fmt: skip


def _count_overlap(train_stories, valid_stories, train_examples, valid_examples) -> dict:
    train_keys = {_story_key(story) for story in train_stories}
    seen = {(example.story, example.question) for example in train_examples}
    return {
        "stories": sum(_story_key(story) in train_keys for story in valid_stories),
        "questions": sum((example.story, example.question) in seen for example in valid_examples),
    }


def _fingerprint(prepared: _Prepared, settings: TrainConfig) -> str:
    """What a checkpoint must match to be resumed: data, validation, settings but epochs."""
    described = {
        "training": prepared.training.sources,
        "validation": prepared.validation.sources,
        "settings": {**settings.to_dict(), "epochs": None},
        "model": prepared.config.to_dict(),
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()


@dataclass
class _Fit:
    model: object
    history: dict[str, list[float]]
    epochs: int  # epochs run in all, resumed runs included
    best_epoch: int  # 1-based
    seconds: float  # training time in all, resumed runs included


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
    attention = tf.constant(attention_targets(arrays["supporting"]))

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


def attention_targets(supporting: np.ndarray) -> np.ndarray:
    """The attention a question should have: spread evenly over its supporting sentences.

    A question with no supporting sentence in memory gets all zeros, which adds no loss.
    """
    supporting = supporting.astype(np.float32)  # (questions, slots)
    return supporting / np.maximum(supporting.sum(axis=1, keepdims=True), 1.0)


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


def _read_state(partial: Path) -> dict | None:
    try:
        return json.loads((partial / STATE_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise ChatbotError(
            f"cannot read {partial / STATE_FILE} ({error}); delete {partial} and run without "
            "--resume"
        ) from None


def _fit(prepared: _Prepared, settings, partial, fingerprint, resume, verbose, report, callbacks):
    """Build or resume the model and fit it; returns a `_Fit` with the best weights."""
    import tensorflow as tf

    from chatbot.model import build_model

    train_arrays, valid_arrays, config = (
        prepared.train_arrays,
        prepared.valid_arrays,
        prepared.config,
    )
    keras.utils.set_random_seed(settings.seed)
    tf.config.experimental.enable_op_determinism()
    state = _read_state(partial) if resume else None
    if resume and state is None:
        report(f"nothing to resume in {partial}; starting from the first epoch")
    if state is not None and state.get("fingerprint") != fingerprint:
        raise ChatbotError(
            f"{partial} holds a run with other data or settings; run without --resume to "
            "start afresh"
        )
    if state is None:
        for leftover in partial.iterdir():  # an older run's checkpoints
            shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
        model = build_model(config)
        _compile(model, settings)
        first_epoch, history, seconds = 0, {}, 0.0
    else:
        model = _load_checkpoint(partial / state["checkpoint"])
        # Keras does not restore the random generators' states (dropout) from a .keras file.
        for variable, value in zip(
            _random_states(model), _load_npz(partial / state["random_states"]), strict=True
        ):
            variable.assign(value)
        first_epoch, history, seconds = state["epoch"], state["history"], state["seconds"]
        report(f"resuming after epoch {first_epoch} from {partial}")

    stopping = _ResumableEarlyStopping(
        state,
        partial,
        monitor=MONITOR,
        mode="max",
        patience=settings.patience,
        restore_best_weights=True,
        verbose=1 if verbose else 0,
    )
    progress = _SaveProgress(partial, fingerprint, stopping, history, seconds)
    finished = state is not None and (state["stopped"] or first_epoch >= settings.epochs)
    if finished:
        model.set_weights(stopping.saved_best_weights())
    else:
        steps = math.ceil(len(train_arrays["answer"]) / settings.batch_size)
        validation = (
            {"story": valid_arrays["story"], "question": valid_arrays["question"]},
            {
                "answer": valid_arrays["answer"],
                "attention": attention_targets(valid_arrays["supporting"]),
            },
        )
        try:
            model.fit(
                _batches(
                    train_arrays, settings.batch_size, settings.seed, first_epoch, settings.epochs
                ),
                steps_per_epoch=steps,
                shuffle=False,  # the batches come shuffled, by (seed, epoch)
                epochs=settings.epochs,
                initial_epoch=first_epoch,
                validation_data=validation,
                validation_batch_size=max(256, settings.batch_size),
                callbacks=[stopping, progress, *callbacks],
                verbose=verbose,
            )
        except KeyboardInterrupt:
            done = progress.state.get("epoch", first_epoch) if progress.state else first_epoch
            report(
                f"interrupted after epoch {done}; the checkpoints are in {partial}: "
                "run the same command with --resume to continue"
            )
            raise
        state = progress.state or state
    # A clean copy without optimizer state or training setup: what the folder ships.
    final = build_model(config)
    final.set_weights(model.get_weights())
    return _Fit(
        model=final,
        history=state["history"],
        epochs=state["epoch"],
        best_epoch=state["early_stopping"]["best_epoch"] + 1,
        seconds=state["seconds"],
    )


def _load_checkpoint(path: Path):
    import chatbot.model  # noqa: F401  registers the custom layers

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # as in artifacts: for developers only
            return keras.saving.load_model(path, safe_mode=True)
    except Exception as error:
        raise ChatbotError(
            f"cannot load the checkpoint {path} ({type(error).__name__}); delete "
            f"{path.parent} and run without --resume"
        ) from None


def _random_states(model) -> list:
    """The model's random generator state variables (dropout), in a stable order."""
    return [variable for variable in model.variables if "seed_generator" in variable.path]


def _save_npz(path: Path, arrays: list) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, *arrays)
    write_bytes_atomic(path, buffer.getvalue())


def _load_npz(path: Path) -> list:
    with np.load(path, allow_pickle=False) as saved:
        return [saved[f"arr_{index}"] for index in range(len(saved.files))]


class _ResumableEarlyStopping(keras.callbacks.EarlyStopping):
    """Keras early stopping whose state (best score, wait, best weights) survives a resume."""

    def __init__(self, state, partial, **kwargs):
        super().__init__(**kwargs)
        self.resumed = state["early_stopping"] if state else None
        self.partial = partial

    def saved_best_weights(self):
        return _load_npz(self.partial / self.resumed["best_weights"])

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        if self.resumed:
            self.wait = self.resumed["wait"]
            self.best = self.resumed["best"]
            self.best_epoch = self.resumed["best_epoch"]
            self.best_weights = self.saved_best_weights()


class _SaveProgress(keras.callbacks.Callback):
    """After each epoch: checkpoint, best weights, then state.json, which commits both.

    Files carry the epoch number and state.json names them, so a kill at any point leaves
    the previous epoch's complete set in place (a plain ModelCheckpoint can leave a
    half-written file behind).
    """

    def __init__(self, partial, fingerprint, stopping, history, seconds):
        super().__init__()
        self.partial, self.fingerprint, self.stopping = partial, fingerprint, stopping
        self.history = {name: list(values) for name, values in history.items()}
        self.seconds = seconds
        self.state = None

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.monotonic()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds += time.monotonic() - self.started
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(float(value))
        checkpoint = f"checkpoint-{epoch + 1}.keras"
        self.model.save(self.partial / f".{checkpoint}.tmp.keras")
        os.replace(self.partial / f".{checkpoint}.tmp.keras", self.partial / checkpoint)
        random_states = f"random-{epoch + 1}.npz"
        _save_npz(self.partial / random_states, [np.asarray(v) for v in _random_states(self.model)])
        previous = (self.state or {}).get("early_stopping", {}).get("best_weights")
        best_weights = previous or (
            self.stopping.resumed["best_weights"] if self.stopping.resumed else None
        )
        if self.stopping.best_epoch == epoch and self.stopping.best_weights is not None:
            best_weights = f"best-{epoch + 1}.npz"
            _save_npz(self.partial / best_weights, self.stopping.best_weights)
        self.state = {
            "fingerprint": self.fingerprint,
            "epoch": epoch + 1,
            "checkpoint": checkpoint,
            "random_states": random_states,
            "stopped": bool(self.model.stop_training),
            "seconds": self.seconds,
            "history": self.history,
            "early_stopping": {
                "wait": self.stopping.wait,
                "best": None if self.stopping.best is None else float(self.stopping.best),
                "best_epoch": self.stopping.best_epoch,
                "best_weights": best_weights,
            },
        }
        write_text_atomic(self.partial / STATE_FILE, json.dumps(self.state) + "\n")
        keep = {checkpoint, random_states, best_weights, STATE_FILE}
        for old in self.partial.glob("*"):
            if old.name not in keep and not old.name.startswith("."):
                old.unlink()


def _accuracy(bundle, arrays: dict, examples) -> tuple[float, dict[str, float]]:
    """Validation accuracy with the final weights, overall and per task."""
    from chatbot.evaluate import predict_in_batches

    probabilities, _ = predict_in_batches(bundle, arrays, PREDICT_BATCH)
    correct = probabilities.argmax(axis=1) == arrays["answer"]
    tasks = np.array([example.task or "unknown" for example in examples])
    names = sorted(set(tasks.tolist()), key=lambda task: (len(task), task))  # qa6 before qa10
    per_task = {task: float(correct[tasks == task].mean()) for task in names}
    return float(correct.mean()), per_task


def _metadata(bundle, prepared: _Prepared, fit: _Fit, accuracy, per_task, seconds) -> dict:
    """What metadata.json holds: versions, date, model size, training and validation."""
    import tensorflow as tf

    training, validation = prepared.training, prepared.validation
    answers = Counter(example.answer for example in prepared.train_examples)
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
            "questions": len(prepared.valid_examples) + prepared.unknown_answers,
            "unknown_answers": prepared.unknown_answers,  # answers never seen in training
            "overlap": prepared.overlap,  # identical stories and questions in both
            "accuracy": accuracy,
            "per_task": per_task,
        },
    }


def _plot(history: dict[str, list[float]]) -> bytes:
    """Loss and accuracy per epoch, training and validation, as PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")  # no screen needed
    from matplotlib import pyplot

    figure, (loss_axes, accuracy_axes) = pyplot.subplots(1, 2, figsize=(10, 4))
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
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    pyplot.close(figure)
    return buffer.getvalue()
