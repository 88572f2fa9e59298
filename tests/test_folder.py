"""Tests for chatbot.network.folder: saving and loading a model folder, compiled inference."""

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from cli_runner import run
from conftest import tiny_lexicon, tiny_vocabulary

import chatbot  # noqa: F401  (first: it keeps TensorFlow's start-up logs quiet)
from chatbot import files
from chatbot.config import ModelConfig, TrainConfig
from chatbot.errors import ChatbotError
from chatbot.network import folder as artifacts
from chatbot.network.folder import load_model_dir, save_model_dir
from chatbot.text import Vocabulary

TEXTS = ["Mary went to the kitchen.", "Is Mary in the kitchen?"]
VOCABULARY = tiny_vocabulary(TEXTS)  # went, to, the, is, in, kitchen (kept), the slots
ANSWERS = ["maybe", "no", "yes"]
METADATA = {"validation_accuracy": 0.5, "overlap": {"stories": 0, "questions": 1}}


@pytest.fixture(scope="module")
def bundle(tiny_bundle):
    """The tiny network, with a vocabulary, answer set, sizes and metadata of its own."""
    made = tiny_bundle(TEXTS, ANSWERS, max_words=6, max_question_words=5)
    made.metadata, made.train_config = dict(METADATA), TrainConfig(epochs=3)
    assert made.vocabulary == VOCABULARY
    return made


@pytest.fixture(scope="module")
def saved(bundle, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("models") / "tiny"
    save_model_dir(bundle, folder, files={"training.png": b"png bytes"})
    return folder


@pytest.fixture
def copy(saved, tmp_path) -> Path:
    """A copy of the saved folder that a test may damage."""
    return Path(shutil.copytree(saved, tmp_path / "copy"))


def random_inputs(config: ModelConfig, count: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    story = rng.integers(0, config.vocabulary_size, (count, config.max_sentences, config.max_words))
    question = rng.integers(0, config.vocabulary_size, (count, config.max_question_words))
    return story.astype(np.int32), question.astype(np.int32)


def test_save_writes_the_folder(saved, bundle):
    assert sorted(path.name for path in saved.iterdir()) == [
        "config.json", "lexicon.json", "metadata.json", "model.keras", "training.png",
        "vocabulary.json",
    ]  # fmt: skip
    assert json.loads((saved / "config.json").read_text()) == {
        "model": bundle.config.to_dict(),
        "answers": ANSWERS,
        "train": TrainConfig(epochs=3).to_dict(),
    }
    assert json.loads((saved / "metadata.json").read_text()) == METADATA
    assert (saved / "training.png").read_bytes() == b"png bytes"
    assert [path.name for path in saved.parent.iterdir()] == ["tiny"]  # no temporary left


def test_load_gives_back_the_same_model(saved, bundle):
    loaded = load_model_dir(saved)
    assert (loaded.config, loaded.answers, loaded.metadata) == (bundle.config, ANSWERS, METADATA)
    assert loaded.vocabulary == VOCABULARY
    assert loaded.lexicon == tiny_lexicon(TEXTS) == bundle.lexicon
    assert loaded.lexicon.question_shapes == {"is NAME in the PLACE": "Is Mary in the kitchen?"}
    assert loaded.train_config == TrainConfig(epochs=3)
    story, question = random_inputs(bundle.config, 7)
    probabilities, attention = loaded.predict(story, question)
    expected = bundle.model({"story": story, "question": question}, training=False)
    assert probabilities.shape == (7, 3) and attention.shape == (7, 4)
    np.testing.assert_allclose(probabilities, expected["answer"].numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(attention, expected["attention"].numpy(), rtol=1e-5, atol=1e-6)


def test_predict_batches_of_any_size_agree(bundle):
    story, question = random_inputs(bundle.config, 5, seed=1)
    together = bundle.predict(story, question)
    one_by_one = [bundle.predict(story[i : i + 1], question[i : i + 1]) for i in range(5)]
    np.testing.assert_allclose(together[0], np.concatenate([p for p, _ in one_by_one]), atol=1e-6)
    np.testing.assert_allclose(together[1], np.concatenate([a for _, a in one_by_one]), atol=1e-6)
    empty = bundle.predict(story[:0], question[:0])
    assert (empty[0].shape, empty[1].shape) == ((0, 3), (0, 4))


@pytest.mark.parametrize(
    "story_shape, question_shape, message",
    [
        ((2, 4, 7), (2, 5), r"story ids must have the shape \(N, {slots}, 6\) for this model; "),
        ((2, 5, 6), (2, 5), r"story ids must have the shape \(N, {slots}, 6\)"),
        ((4, 6), (5,), r"story ids must have the shape \(N, {slots}, 6\)"),
        ((2, 4, 6), (3, 5), r"question ids must have the shape \(2, 5\) for this model"),
    ],
)
def test_predict_rejects_wrong_shapes(bundle, story_shape, question_shape, message):
    with pytest.raises(ChatbotError, match=message.format(slots="1 to 4")):
        bundle.predict(np.zeros(story_shape), np.zeros(question_shape))


def test_predict_skips_the_slots_empty_in_every_row_with_the_same_outputs(bundle):
    assert bundle.flexible_memory
    story, question = random_inputs(bundle.config, 3, seed=2)
    story[:, :-2] = 0  # stories of two sentences: the older slots are empty in every row
    compiled, widths = bundle._inference(), []
    bundle._inference = lambda: lambda s, q: (widths.append(s.shape[1]), compiled(s, q))[1]
    probabilities, attention = bundle.predict(story, question)
    expected = bundle.model({"story": story, "question": question}, training=False)
    assert widths == [2] and attention.shape == story.shape[:2]
    np.testing.assert_allclose(probabilities, expected["answer"].numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(attention, expected["attention"].numpy(), rtol=1e-5, atol=1e-6)


def test_overwrite_replaces_the_folder_whole(bundle, tmp_path):
    folder = tmp_path / "model"
    save_model_dir(bundle, folder, files={"training.png": b"old plot"})
    save_model_dir(replace(bundle, metadata={"second": True}), folder)
    assert "training.png" not in [path.name for path in folder.iterdir()]
    assert load_model_dir(folder).metadata == {"second": True}
    assert [path.name for path in tmp_path.iterdir()] == ["model"]


def test_overwrite_without_atomic_exchange_also_replaces(bundle, saved, tmp_path, monkeypatch):
    monkeypatch.setattr(files, "_exchange", lambda first, second: False)
    folder = Path(shutil.copytree(saved, tmp_path / "model"))
    save_model_dir(replace(bundle, metadata={"second": True}), folder)
    assert load_model_dir(folder).metadata == {"second": True}
    assert [path.name for path in tmp_path.iterdir()] == ["model"]


def test_a_failed_save_leaves_the_old_folder_intact(bundle, saved, tmp_path, monkeypatch):
    folder = Path(shutil.copytree(saved, tmp_path / "model"))
    before = {path.name: path.read_bytes() for path in folder.iterdir()}

    class Interrupted(KeyboardInterrupt):
        pass

    def save_then_interrupt(path):
        Path(path).write_bytes(b"half a model")
        raise Interrupted

    monkeypatch.setattr(bundle.model, "save", save_then_interrupt)
    with pytest.raises(Interrupted):
        save_model_dir(bundle, folder)
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before
    assert [path.name for path in tmp_path.iterdir()] == ["model"]


def test_save_refuses_an_existing_folder_without_overwrite(saved, bundle):
    with pytest.raises(ChatbotError, match="already exists; pass `overwrite=True` to replace it"):
        save_model_dir(bundle, saved, overwrite=False)


def test_save_into_a_missing_parent_is_an_error(bundle, tmp_path):
    with pytest.raises(ChatbotError, match="^cannot write .*missing/model: No such file"):
        save_model_dir(bundle, tmp_path / "missing" / "model")


def test_missing_folder(tmp_path):
    with pytest.raises(ChatbotError, match=f"^model folder {tmp_path}/nothing does not exist"):
        load_model_dir(tmp_path / "nothing")


def test_missing_default_model_says_how_to_rebuild(tmp_path, monkeypatch):
    monkeypatch.setattr(artifacts, "default_model_dir", lambda: tmp_path / "default")
    message = (
        f"the shipped default model is missing ({tmp_path}/default); rebuild it with "
        "`chatbot train generated --out models/default --overwrite`"
    )
    with pytest.raises(ChatbotError) as error:
        load_model_dir()
    assert str(error.value) == message


@pytest.mark.parametrize(
    "name", ["model.keras", "vocabulary.json", "lexicon.json", "config.json", "metadata.json"]
)
def test_missing_file_is_named(copy, name):
    (copy / name).unlink()
    with pytest.raises(ChatbotError, match=f"^model folder {copy} lacks {name}; "):
        load_model_dir(copy)


def test_truncated_model_is_named(copy):
    content = (copy / "model.keras").read_bytes()
    (copy / "model.keras").write_bytes(content[: len(content) // 2])
    with pytest.raises(ChatbotError, match=f"^cannot load {copy}/model.keras: it is damaged"):
        load_model_dir(copy)


def test_mismatched_vocabulary_is_named(copy):
    Vocabulary.build(["Sandra journeyed to the garden."]).save(copy / "vocabulary.json")
    message = (
        f"{copy}/vocabulary.json has 7 word ids but config.json says vocabulary_size 152: "
        "the files come from different models; train again or copy the whole folder"
    )
    with pytest.raises(ChatbotError) as error:
        load_model_dir(copy)
    assert str(error.value) == message


def test_config_and_vocabulary_of_another_size_than_the_model(copy):
    """config.json and vocabulary.json agree with each other but not with model.keras."""
    words = [*VOCABULARY.words, "sandra"]
    Vocabulary(words).save(copy / "vocabulary.json")
    config = json.loads((copy / "config.json").read_text())
    config["model"]["vocabulary_size"] = len(words) + 2
    (copy / "config.json").write_text(json.dumps(config))
    with pytest.raises(
        ChatbotError, match=f"^{copy}/model.keras does not match config.json: no word"
    ):
        load_model_dir(copy)


def test_answers_not_matching_the_model_output(copy):
    config = json.loads((copy / "config.json").read_text())
    config["answers"] = ["no", "yes"]
    config["model"]["answer_count"] = 2
    (copy / "config.json").write_text(json.dumps(config))
    with pytest.raises(ChatbotError, match=f"^{copy}/model.keras does not match config.json: the"):
        load_model_dir(copy)


def test_answers_not_matching_the_answer_count(copy):
    config = json.loads((copy / "config.json").read_text())
    config["answers"] = ["no", "yes"]
    (copy / "config.json").write_text(json.dumps(config))
    with pytest.raises(ChatbotError, match="lists 2 answers but its model config says answer_co"):
        load_model_dir(copy)


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", r"^cannot read .*config.json \(Expecting property name"),
        ("[1, 2]", r"config.json must hold a JSON object"),
        ('{"model": {}, "answers": ["yes"]}', r"config.json holds an incomplete config"),
        ('{"answers": ["yes"]}', r'config.json must hold "model" \(the model config\)'),
    ],
)
def test_damaged_config_is_named(copy, content, message):
    (copy / "config.json").write_text(content)
    with pytest.raises(ChatbotError, match=message):
        load_model_dir(copy)


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", r"^cannot read .*lexicon.json \(Expecting property name"),
        ('{"format": "chatbot-vocabulary"}', r"lexicon.json is not a lexicon file; rebuild the"),
        ('{"format": "chatbot-lexicon", "roles": []}', r"lexicon.json is not a lexicon file; "),
        ("[1, 2]", r"lexicon.json"),
    ],
)
def test_damaged_lexicon_is_a_one_line_error(capsys, copy, content, message):
    (copy / "lexicon.json").write_text(content)
    with pytest.raises(ChatbotError, match=message):
        load_model_dir(copy)
    code, out, err = run(capsys, "info", "--model", str(copy))
    assert (code, out) == (1, "")
    assert err.startswith("Error: ") and err.count("\n") == 1 and "lexicon.json" in err


def test_default_model_dir_in_a_checkout():
    # The editable install this suite runs in finds the clone's models/default.
    expected = Path(__file__).resolve().parent.parent / "models" / "default"
    assert artifacts.default_model_dir() == expected


def test_format_metadata(copy):
    (copy / "metadata.json").write_text(json.dumps({
        "date": "2026-11-27", "validation_accuracy_per_task": {"qa6": 1.0, "qa9": 0.5},
        "data": [{"path": "a.txt", "sha256": "ab"}, {"path": "b.txt", "sha256": "cd"}],
    }))  # fmt: skip
    assert artifacts.format_metadata(copy).splitlines() == [
        f"folder: {copy}",
        "date: 2026-11-27",
        "validation_accuracy_per_task:",
        "  qa6: 1.0",
        "  qa9: 0.5",
        "data:",
        "  - path: a.txt",
        "    sha256: ab",
        "  - path: b.txt",
        "    sha256: cd",
        "answer_set: maybe, no, yes",
        "model:",
        "  vocabulary_size: 152",
        "  answer_count: 3",
        "  max_sentences: 4",
        "  max_words: 6",
        "  max_question_words: 5",
        "  embedding_dim: 4",
        "  hidden_dim: 4",
        f"  architecture: {ModelConfig.architecture}",
        "  blocks: 2",
        "  heads: 4",
        "  steps: 3",
        "  temperature: 1.0",
        "  form_temperatures: {}",
        "question forms it knows (1):",
        "  Is Mary in the kitchen?",
    ]


# The `chatbot info` command.


def test_cli_info_prints_the_metadata(capsys, saved):
    code, out, err = run(capsys, "info", "--model", str(saved))
    assert (code, err) == (0, "")
    assert out == artifacts.format_metadata(saved) + "\n"
    assert out.startswith(f"folder: {saved}\nvalidation_accuracy: 0.5\noverlap:\n  stories: 0\n")


def test_cli_info_json_says_the_same_with_the_forms(capsys, saved):
    code, out, err = run(capsys, "info", "--model", str(saved), "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data == artifacts.describe_model(saved)
    assert data["forms"] == ["Is Mary in the kitchen?"]
    assert (data["folder"], data["answer_set"], data["validation_accuracy"]) == (
        str(saved), ANSWERS, 0.5
    )  # fmt: skip


def test_cli_info_words_lists_the_words_it_knows_by_role(capsys, saved):
    from chatbot.reading.known_words import format_words

    code, out, err = run(capsys, "info", "--model", str(saved), "--words")
    assert (code, err) == (0, "")
    assert out == format_words(artifacts.describe_words(saved)) + "\n"
    assert out.startswith("Words I know, by role:\n")
    code, out, err = run(capsys, "info", "--model", str(saved), "--words", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data == artifacts.describe_words(saved)
    assert data["read_where_they_stand"][:3] == ["names", "places", "objects"]


def test_cli_info_on_a_missing_folder_is_a_one_line_error(capsys, tmp_path):
    code, out, err = run(capsys, "info", "--model", str(tmp_path / "nothing"))
    assert (code, out) == (1, "")
    assert err == (
        f"Error: model folder {tmp_path}/nothing does not exist; give a folder made by "
        "`chatbot train` (it holds model.keras, vocabulary.json, lexicon.json, config.json, "
        "metadata.json)\n"
    )


@pytest.mark.parametrize(
    "change, message",
    [
        ({"hidden_dim": 2, "heads": 4}, "model hidden_dim must be at least heads, so that each"),
        ({"max_words": 0}, "model max_words must be a whole number >= 1, not 0"),
        ({"architecture": "lstm"}, "model architecture must be one of relational, tutorial"),
        ({"temperature": 0}, "model temperature must be a number from 0.01 to 100, not 0"),
        ({"form_temperatures": [2.0]}, "model form_temperatures must map question forms to"),
        ({"form_temperatures": {"": True}}, "model temperature of the form '' must be a number"),
        (
            {"form_temperatures": {"is NAME in the PLACE": "hot"}},
            "model temperature of the form 'is NAME in the PLACE' must be a number from 0.01",
        ),
    ],
)
def test_impossible_sizes_in_config_are_named(copy, change, message):
    config = json.loads((copy / "config.json").read_text())
    config["model"].update(change)
    (copy / "config.json").write_text(json.dumps(config))
    with pytest.raises(ChatbotError, match=f"^{copy}/config.json: {message}"):
        load_model_dir(copy)


def test_a_config_written_before_blocks_and_heads_reads_as_the_network_was_built(copy):
    """Older folders lack blocks, heads and temperatures: 2, 4 and 1.0 (for every form) were
    built."""
    from chatbot.network.folder import read_config

    config = json.loads((copy / "config.json").read_text())
    for name in ("blocks", "heads", "temperature", "form_temperatures"):
        del config["model"][name]
    (copy / "config.json").write_text(json.dumps(config))
    read, _, _ = read_config(copy)
    assert (read.blocks, read.heads, read.temperature, read.form_temperatures) == (2, 4, 1.0, {})
    reasoner = [layer for layer in load_model_dir(copy).model.layers if layer.name == "reasoner"][0]
    assert (reasoner.blocks, reasoner.heads) == (read.blocks, read.heads)


def test_form_temperatures_go_through_the_folder(bundle, tmp_path):
    from dataclasses import replace

    forms = {"is NAME in the PLACE": 2.5, "was NAME in the PLACE before the PLACE": 4.0}
    warm = replace(bundle, config=replace(bundle.config, form_temperatures=forms))
    save_model_dir(warm, tmp_path / "warm")
    loaded = load_model_dir(tmp_path / "warm")
    assert loaded.config == warm.config and loaded.config.form_temperatures == forms
