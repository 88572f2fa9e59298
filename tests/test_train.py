"""Tests for chatbot.training.train and `chatbot train`: splits, bad input, resume, kill,
determinism.

Most training tests use a tiny relational network: they test the training machinery, which
does not depend on the network. (The seed tutorial's network traces faster, but its fixed-width
memory cannot take the length-bucketed batches training now makes.) One test trains our own
network at its default depth through the same path.
"""

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from cli_runner import run

import chatbot  # noqa: F401  (first: it keeps TensorFlow's start-up logs quiet)
from chatbot.config import TrainConfig
from chatbot.errors import ChatbotError, UsageError
from chatbot.network.folder import load_model_dir
from chatbot.stories import babi, world
from chatbot.text import Vocabulary
from chatbot.training.dataset import count_overlap, split_by_story
from chatbot.training.train import train
from chatbot.training.work_folder import work_folder

ROOT = Path(__file__).resolve().parent.parent
TINY = {"embedding_dim": 4, "hidden_dim": 4, "blocks": 1, "heads": 1}  # see the docstring
METADATA_KEYS = {
    "date": None,
    "versions": ["chatbot", "keras", "python", "tensorflow"],
    "model": ["parameters"],
    "training": [
        "answers", "best_epoch", "data", "epochs", "questions", "seconds", "stories",
        "total_seconds",
    ],
    "validation": [
        "accuracy", "data", "overlap", "per_task", "questions", "stories", "unknown_answers",
        "unknown_word_questions",
    ],
}  # fmt: skip
WHERE_STORY = "1 Mary went to the kitchen.\n2 Where is Mary? \tkitchen\t1\n"


def tiny_settings(**changes) -> TrainConfig:
    """12 generated questions per task (60 in all), 3 epochs."""
    defaults = dict(epochs=3, batch_size=8, generated_questions=12, validation_split=0.25)
    return TrainConfig(**{**defaults, **changes})


def generated_stories(questions: int = 12, seed: int = 0) -> list:
    """The stories `train generated` reads: each task's share of `questions`, and mixed ones."""
    return [
        story
        for task, share in world.TRAINING_SHARES.items()
        for story in world.generate_stories(task, max(1, round(share * questions)), seed)
    ]


def tiny_train(out, **keywords):
    settings = keywords.pop("settings", tiny_settings())
    return train(["generated"], out, settings, model_options=TINY, verbose=0, **keywords)


class InterruptAfterFirstEpoch:
    """A Keras callback that acts like Ctrl-C once the first epoch is saved."""

    def __new__(cls):
        import keras

        class Interrupt(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                raise KeyboardInterrupt

        return Interrupt()


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


# Bad input (no training).


@pytest.fixture
def files(tmp_path, four_stories):
    """Named bAbI-like files for bad-input tests."""
    paths = {
        "good": four_stories,
        "no_questions": tmp_path / "qa6_statements_train.txt",
        "empty": tmp_path / "qa6_empty_train.txt",
        "where": tmp_path / "qa1_single-supporting-fact_train.txt",
    }
    paths["no_questions"].write_text("1 Mary went to the kitchen.\n2 John went home.\n")
    paths["empty"].write_text("")
    paths["where"].write_text(WHERE_STORY * 3)
    return paths


@pytest.mark.parametrize(
    "data, settings, keywords, error, message",
    [
        ([], {}, {}, UsageError, "^no training data; name bAbI files or folders, or `generated`$"),
        (["good"], {"epochs": 0}, {}, UsageError, "^epochs must be a whole number >= 1; received"),
        (["good"], {"batch_size": -1}, {}, UsageError, "^batch size must be a whole number >= 1"),
        (["good"], {}, {"validation_split": 1.5}, UsageError, "^the validation split is a share"),
        (["good"], {}, {"validation_split": 0.2, "valid": "good"}, UsageError,
         "^give either `valid` or `validation_split`, not both$"),
        (["no_questions"], {}, {}, ChatbotError, "qa6_statements_train.txt holds no questions; "),
        (["good", "where"], {}, {}, ChatbotError,
         r"qa1_single-supporting-fact_train.txt shares no answer with the rest of the data \("
         r"kitchen vs maybe, no, yes\); train on tasks of one kind"),
        (["missing"], {}, {}, ChatbotError, "missing: no such file or folder"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_before_training(
    files, tmp_path, data, settings, keywords, error, message
):
    data = [str(files.get(item, tmp_path / item)) for item in data]
    if "valid" in keywords:
        keywords["valid"] = str(files[keywords["valid"]])
    out = tmp_path / "model"
    with pytest.raises(error, match=message):
        train(data, out, TrainConfig(**settings), **keywords)
    assert not out.exists() and not work_folder(out).exists()


def test_existing_out_needs_overwrite(files, tmp_path):
    out = tmp_path / "model"
    out.mkdir()
    with pytest.raises(ChatbotError, match=f"^{out} already exists; pass `overwrite=True`"):
        train([str(files["good"])], out)


def test_unwritable_out(files, tmp_path):
    out = files["good"] / "model"  # under a file
    with pytest.raises(ChatbotError, match=f"^cannot write {out}: Not a directory; choose a"):
        train([str(files["good"])], out)


def test_model_options_cannot_set_the_sizes_from_the_data(files, tmp_path):
    with pytest.raises(UsageError, match="model options can set architecture, blocks, embedd"):
        train([str(files["good"])], tmp_path / "model", model_options={"max_words": 3})
    assert not work_folder(tmp_path / "model").exists()


# Training (tiny, but real).


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """One uninterrupted tiny run: (result, report lines)."""
    lines = []
    out = tmp_path_factory.mktemp("reference") / "model"
    return tiny_train(out, report=lines.append), lines


@pytest.mark.slow
def test_a_run_writes_a_complete_model_folder(reference):
    result, lines = reference
    out = result.path
    assert sorted(path.name for path in out.parent.iterdir()) == ["model"]  # no .partial left
    assert sorted(path.name for path in out.iterdir()) == [
        "config.json", "lexicon.json", "metadata.json", "model.keras", "training.png",
        "vocabulary.json",
    ]  # fmt: skip
    assert (out / "training.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    metadata = json.loads((out / "metadata.json").read_text())
    assert metadata == result.metadata
    assert {key: sorted(value) if isinstance(value, dict) else None
            for key, value in metadata.items()} == METADATA_KEYS  # fmt: skip
    assert metadata["versions"]["chatbot"] == chatbot.__version__
    training_part, validation_part = metadata["training"], metadata["validation"]
    assert training_part["epochs"] == 3 and len(result.history["val_answer_accuracy"]) == 3

    # The data, split and sizes, recomputed independently.
    stories = generated_stories()
    training, validation = split_by_story(stories, 0.25, 0)
    train_questions = sum(len(story.questions) for story in training)
    valid_questions = sum(len(story.questions) for story in validation)
    assert (training_part["stories"], validation_part["stories"]) == (
        len(training), len(validation)
    )  # fmt: skip
    assert (training_part["questions"], validation_part["questions"]) == (
        train_questions, valid_questions
    )  # fmt: skip
    assert train_questions + valid_questions == sum(len(story.questions) for story in stories)
    assert training_part["data"] == [
        {
            "path": "generated", "tasks": [str(task) for task in world.TRAINING_SHARES],
            "questions_per_task": 12,
            "shares": {str(task): share for task, share in world.TRAINING_SHARES.items()},
            "seed": 0, "fresh_stories": True, "wordings": "babi",
            "sha256": training_part["data"][0]["sha256"],
        }
    ]  # fmt: skip
    assert set(world.TRAINING_SHARES) == {*world.TASKS, world.MIX}  # all twenty and mixed
    assert len(training_part["data"][0]["sha256"]) == 64
    assert validation_part["data"] == [{"split": 0.25, "by": "story", "seed": 0}]
    overlap = count_overlap(training, validation)
    assert validation_part["overlap"] == overlap
    assert lines[0] == (
        f"training on {train_questions} questions ({len(training)} stories), validating on "
        f"{valid_questions} ({len(validation)} stories); overlap: {overlap['stories']} "
        f"identical stories, {overlap['questions']} identical questions"
    )
    assert lines[-1] == (
        f"saved {out}: validation accuracy {validation_part['accuracy']:.2%} after 3 epochs "
        f"(best epoch {training_part['best_epoch']})"
    )

    # Validation figures: what `evaluate` says of the saved folder on the validation stories.
    from chatbot.evaluation.evaluate import evaluate
    from chatbot.reading.features import encode_examples

    bundle = load_model_dir(out)
    examples = babi.examples_of(validation)
    scored = evaluate(bundle, examples)
    assert validation_part["accuracy"] == scored["accuracy"]
    assert validation_part["per_task"] == {
        task: group["accuracy"] for task, group in scored["per_task"].items()
    }
    tasks = list(validation_part["per_task"])
    assert tasks == sorted({example.task for example in examples}, key=lambda t: (len(t), t))
    assert training_part["best_epoch"] in range(1, 4)
    encoded = encode_examples(
        examples, bundle.vocabulary, bundle.answers, bundle.config, bundle.lexicon
    )
    probabilities, _ = bundle.predict(encoded["story"], encoded["question"])
    # Saved and loaded: the same (calibrated) outputs as the trained model.
    assert bundle.config.temperature == result.bundle.config.temperature
    assert bundle.lexicon == result.bundle.lexicon
    expected, _ = result.bundle.predict(encoded["story"], encoded["question"])
    np.testing.assert_allclose(probabilities, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.slow
def test_the_same_seed_gives_the_same_model_even_interrupted_and_resumed(reference, tmp_path):
    """A second run of the reference's seed, interrupted after its first epoch and resumed,
    ends with the reference's history, weights and validation accuracy."""
    out = tmp_path / "model"
    out.mkdir()
    old = {"model.keras": b"the old model", "config.json": b"{}"}  # what --overwrite may replace
    for name, content in old.items():
        (out / name).write_bytes(content)
    lines = []
    with pytest.raises(KeyboardInterrupt):
        tiny_train(out, overwrite=True, callbacks=[InterruptAfterFirstEpoch()], report=lines.append)
    assert folder_bytes(out) == old  # intact
    state = json.loads((work_folder(out) / "state.json").read_text())
    assert state["epoch"] == 1
    assert lines[-1] == (
        f"interrupted after epoch 1; the checkpoints are in {work_folder(out)}: train again "
        "with `resume=True` to continue"
    )

    resumed = tiny_train(out, overwrite=True, resume=True, report=lines.append)
    assert lines[-2] == f"resuming after epoch 1 from {work_folder(out)}"
    assert resumed.history == reference[0].history
    accuracy = resumed.metadata["validation"]["accuracy"]
    assert accuracy == reference[0].metadata["validation"]["accuracy"]
    for mine, theirs in zip(
        resumed.bundle.model.get_weights(), reference[0].bundle.model.get_weights(), strict=True
    ):
        np.testing.assert_array_equal(mine, theirs)
    assert folder_bytes(out)["model.keras"] != old["model.keras"]
    assert not work_folder(out).exists()


class WeightsAtStart:
    """A Keras callback that keeps the model's weights as training begins."""

    def __new__(cls, kept: list):
        import keras

        class Keep(keras.callbacks.Callback):
            def on_train_begin(self, logs=None):
                kept.extend(self.model.get_weights())

        return Keep()


def test_start_from_refuses_another_network(reference, tmp_path):
    settings = tiny_settings(start_from=str(reference[0].path))
    with pytest.raises(ChatbotError, match="its network has another steps; start from a model"):
        train(["generated"], tmp_path / "other", settings, model_options={**TINY, "steps": 1})
    assert not (tmp_path / "other").exists()


def test_start_from_a_model_of_fewer_words_gives_the_new_words_fresh_rows(reference):
    from chatbot.network.model import build_model
    from chatbot.training.dataset import _started_from

    trained = reference[0].bundle
    words = Vocabulary([*trained.vocabulary.words[:3], "zebra"])  # one word it never saw
    config = replace(trained.config, vocabulary_size=len(words))
    merged, sized, start = _started_from(str(reference[0].path), words, trained.answers, config)
    assert set(merged.words) == {*trained.vocabulary.words, "zebra"}
    assert sized.vocabulary_size == len(merged)
    zebra = merged.encode(["zebra"])[0][0]
    assert start.rows[zebra] == -1
    assert all(
        trained.vocabulary.words[start.rows[index] - 2] == word
        for index, word in enumerate(merged.words, 2)
        if word != "zebra"
    )
    by_word = build_model(sized).get_weights()  # the weights with an axis by word grow
    fresh = [np.full(w.shape, 7.0) for w in by_word]
    carried = start.carried(fresh)
    grown = [i for i, w in enumerate(start.weights) if w.shape != fresh[i].shape]
    assert grown  # the word tables at least
    for index in grown:
        axis = next(a for a, size in enumerate(fresh[index].shape) if size == len(merged))
        mine, theirs = (
            np.moveaxis(carried[index], axis, 0),
            np.moveaxis(start.weights[index], axis, 0),
        )
        assert (mine[zebra] == 7.0).all()
        np.testing.assert_array_equal(mine[zebra - 1], theirs[start.rows[zebra - 1]])


KILLED_RUN = """
import sys
import chatbot
from chatbot.config import TrainConfig
from chatbot.text import Vocabulary
from chatbot.training.train import train
settings = TrainConfig(epochs=10_000, patience=10_000, batch_size=8, generated_questions=12,
                       validation_split=0.25)
train(["generated"], sys.argv[1], settings,
      model_options={"embedding_dim": 4, "hidden_dim": 4, "blocks": 1, "heads": 1}, verbose=0)
"""


@pytest.mark.slow
def test_a_killed_run_leaves_no_folder_and_resumes_with_its_own_settings_only(tmp_path):
    out = tmp_path / "model"
    state = work_folder(out) / "state.json"
    process = subprocess.Popen([sys.executable, "-c", KILLED_RUN, str(out)], cwd=tmp_path)
    try:
        deadline = time.monotonic() + 240
        while not state.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert state.exists(), "the run never finished an epoch"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert not out.exists()
    done = json.loads(state.read_text())["epoch"]
    assert done >= 1

    settings = tiny_settings(epochs=done + 1, patience=10_000)
    with pytest.raises(ChatbotError, match="other data or settings; train with `resume=False`"):
        tiny_train(out, resume=True, settings=replace(settings, seed=1))
    assert not out.exists()
    result = tiny_train(out, resume=True, settings=settings)
    assert result.metadata["training"]["epochs"] == done + 1
    assert load_model_dir(out).config == result.bundle.config
    assert not work_folder(out).exists()


# The `chatbot train` command and scripts/train.py.


def test_cli_passes_the_options_to_train(capsys, monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(
        "chatbot.training.train.train", lambda *args, **keywords: calls.append((args, keywords))
    )
    code, out, err = run(
        capsys, "train", "a.txt", "generated", "--out", "models/x", "--epochs", "2",
        "--batch-size", "8", "--seed", "3", "--validation-split", "0.2", "--resume", "--overwrite",
    )  # fmt: skip
    assert (code, out, err) == (0, "", "")
    [(args, keywords)] = calls
    assert args == (("a.txt", "generated"), "models/x", TrainConfig(epochs=2, batch_size=8, seed=3))
    assert keywords["valid"] is None and keywords["validation_split"] == 0.2
    assert keywords["resume"] is True and keywords["overwrite"] is True
    code, out, err = run(capsys, "train", "generated", "--out", "y", "--valid", "v.txt")
    assert calls[1][0] == (("generated",), "y", TrainConfig())
    assert calls[1][1]["valid"] == "v.txt" and calls[1][1]["resume"] is False


@pytest.mark.parametrize(
    "arguments, code, message",
    [
        (["--out", "{tmp}/m"], 2, "Error: no training data; name bAbI files or folders, or "
         "`generated`"),
        (["{good}", "--out", "{tmp}/m", "--epochs", "0"], 2,
         "Error: epochs must be a whole number >= 1; received 0"),
        (["{good}", "--out", "{tmp}/m", "--valid", "{good}", "--validation-split", "0.2"], 2,
         "Error: give either --valid FILE or --validation-split, not both"),
        (["{no_questions}", "--out", "{tmp}/m"], 1,
         "Error: {no_questions} holds no questions; give bAbI files with question lines"),
        (["{good}", "{where}", "--out", "{tmp}/m"], 1,
         "Error: {where} shares no answer with the rest of the data (kitchen vs maybe, no, yes); "
         "train on tasks of one kind, e.g. the yes/no tasks 6, 9, 10, 17, 18"),
        (["{good}", "--out", "{good}/m"], 1,
         "Error: cannot write {good}/m: Not a directory; choose a writable --out"),
        (["{good}", "--out", "{tmp}"], 1,
         "Error: {tmp} already exists; pass --overwrite to replace it"),
    ],
)  # fmt: skip
def test_cli_bad_input_is_a_one_line_error(capsys, files, tmp_path, arguments, code, message):
    names = {name: str(path) for name, path in files.items()} | {"tmp": str(tmp_path)}
    result = run(capsys, "train", *(argument.format(**names) for argument in arguments))
    assert result == (code, "", message.format(**names) + "\n")


def test_cli_empty_file_is_a_one_line_error(capsys, files, tmp_path):
    code, out, err = run(capsys, "train", str(files["empty"]), "--out", str(tmp_path / "m"))
    assert (code, out) == (1, "")
    assert err.startswith(f"Error: {files['empty']}") and err.count("\n") == 1


@pytest.mark.slow
def test_script_is_the_same_command(tmp_path):
    completed = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "train.py"), "--out", str(tmp_path / "m")],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert (completed.returncode, completed.stdout, completed.stderr) == (
        2, "", "Error: no training data; name bAbI files or folders, or `generated`\n",
    )  # fmt: skip


@pytest.mark.slow
def test_a_valid_file_replaces_the_split_and_a_run_can_start_from_a_trained_model(
    reference, capsys, tmp_path
):
    """One run, starting from the reference's weights, validated on a file: the file replaces
    the split, the metadata says what `chatbot evaluate` says of the same stories (one
    definition of "correct": unknown words and unseen answers count alike in both), and the
    run began from the reference's weights and words."""
    valid = tmp_path / "qa6_yes-no-questions_valid.txt"
    stories = world.generate_stories(6, 12, seed=5, split="valid")
    stories[0].lines[0] = babi.Sentence(1, "Zorblax went to the kitchen.")  # an unknown word
    babi.write_stories(stories, valid)
    valid.write_text(
        valid.read_text() + "1 Mary went to the moon.\n2 Is Mary on the moon? \tsure\t1\n"
    )
    trained, at_start = reference[0], []
    settings = tiny_settings(epochs=1, start_from=str(trained.path))  # the same words
    result = tiny_train(
        tmp_path / "model", valid=valid, settings=settings, callbacks=[WeightsAtStart(at_start)]
    )

    # --start-from: the reference's weights at the start, its words, said in config.json.
    for mine, theirs in zip(at_start, trained.bundle.model.get_weights(), strict=True):
        np.testing.assert_array_equal(mine, theirs)
    assert result.bundle.vocabulary.words == trained.bundle.vocabulary.words
    assert result.bundle.train_config.start_from == str(trained.path)

    # The file replaces the split.
    validation = result.metadata["validation"]
    assert validation["data"] == [
        {"path": str(valid), "sha256": hashlib.sha256(valid.read_bytes()).hexdigest()}
    ]
    questions = sum(len(story.questions) for story in generated_stories())
    assert (result.metadata["training"]["questions"], validation["questions"]) == (questions, 13)
    assert list(validation["per_task"]) == ["qa6"]
    assert validation["overlap"] == count_overlap(generated_stories(), babi.read_stories(valid))

    # metadata.json says what `chatbot evaluate` says on the same stories.
    report = tmp_path / "report.json"
    code, _, _ = run(capsys, "evaluate", str(valid), "--model", str(result.path), "--json",
                     str(report))  # fmt: skip
    assert code == 0
    evaluated = json.loads(report.read_text())
    validation = json.loads((result.path / "metadata.json").read_text())["validation"]
    assert evaluated["unknown_word_questions"] >= 1 and evaluated["unknown_answers"] == 1
    for key in ("accuracy", "questions", "unknown_answers", "unknown_word_questions"):
        assert validation[key] == evaluated[key], key
    assert validation["per_task"] == {
        task: group["accuracy"] for task, group in evaluated["per_task"].items()
    }


@pytest.mark.slow
def test_our_network_trains_saves_and_loads_with_supervised_attention(tmp_path):
    """The relational network itself through the same path: fit, save, load, same outputs;
    validated on a folder, meaning its valid files."""
    from chatbot.reading.features import encode_examples

    folder = tmp_path / "generated"
    world.generate_files(folder, questions=20, seed=5, tasks=(6, 9))  # 2 questions per valid file
    settings = tiny_settings(epochs=2)
    result = train(
        ["generated"], tmp_path / "ours", settings, valid=folder, verbose=0,
        model_options={"embedding_dim": 4, "hidden_dim": 8},
    )  # fmt: skip
    validation = result.metadata["validation"]
    names = [Path(source["path"]).name for source in validation["data"]]
    assert names == ["qa6_yes-no-questions_valid.txt", "qa9_simple-negation_valid.txt"]
    assert validation["questions"] == 4
    assert result.bundle.config.architecture == "relational" and result.bundle.steps == 3
    # Each reading step's supporting sentence is a training target.
    losses = result.history["steps_loss"]
    assert len(losses) == 2 and all(np.isfinite(losses)) and losses[0] > 0
    bundle = load_model_dir(result.path)
    stories = [s for task in world.DEFAULT_TASKS for s in world.generate_stories(task, 12, 0)]
    encoded = encode_examples(
        babi.examples_of(stories), bundle.vocabulary, bundle.answers, bundle.config, bundle.lexicon
    )
    probabilities, attention, steps = bundle.predict_steps(encoded["story"], encoded["question"])
    expected = result.bundle.predict_steps(encoded["story"], encoded["question"])
    np.testing.assert_allclose(probabilities, expected[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(attention, expected[1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(steps, expected[2], rtol=1e-5, atol=1e-6)
    assert steps.shape[1] == 3 and (steps[:, -1] == attention).all()
