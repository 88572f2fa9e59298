"""A model folder on disk: everything needed to rebuild the bot, and nothing that runs code.

A folder holds `model.keras` (loaded only with Keras `safe_mode=True`; no pickle anywhere),
`vocabulary.json`, `config.json` (`{"model": ModelConfig, "answers": [...], "train":
TrainConfig}`), `metadata.json` and, when it was trained here, `training.png`. Loading checks
that the files belong together and names the file that is missing, damaged or mismatched.

Saving is atomic: the folder is written under a temporary name beside its destination and then
swapped in, so a reader (or a crash) sees the old folder or the whole new one, never a mix.

TensorFlow and Keras are imported inside the functions that need them, so reading a folder's
metadata (`chatbot info`) stays fast.
"""

import importlib.resources
import json
import os
from pathlib import Path

from chatbot.config import ModelConfig, TrainConfig
from chatbot.errors import ChatbotError
from chatbot.files import check_replaceable, write_folder_atomic, write_text_atomic
from chatbot.network.inference import ModelBundle
from chatbot.reading.lexicon import Lexicon
from chatbot.text import Vocabulary
from chatbot.untrusted import check_archive, load_json, printable

MODEL_FILE = "model.keras"
VOCABULARY_FILE = "vocabulary.json"
LEXICON_FILE = "lexicon.json"
CONFIG_FILE = "config.json"
METADATA_FILE = "metadata.json"
PLOT_FILE = "training.png"
REQUIRED_FILES = (MODEL_FILE, VOCABULARY_FILE, LEXICON_FILE, CONFIG_FILE, METADATA_FILE)
REBUILD_DEFAULT = "chatbot train generated --out models/default --overwrite"
# What `chatbot train` writes into a model folder: only a folder holding nothing else is
# replaced by --overwrite (a folder of the user's files never is).
WRITTEN_FILES = frozenset((*REQUIRED_FILES, PLOT_FILE))
REDO = "train the model again or copy the whole folder"
# The largest sizes a config.json may give: far beyond bAbI, far below what exhausts memory.


def default_model_dir() -> Path:
    """The shipped default model's folder, in a regular or an editable install.

    A built package carries the repository's `models/default` as `chatbot/default_model`
    (pyproject.toml maps it); a source checkout or an editable install uses `models/default`.
    """
    packaged = Path(str(importlib.resources.files("chatbot") / "default_model"))
    checkout = Path(__file__).resolve().parents[2] / "models" / "default"
    return packaged if packaged.is_dir() or not checkout.is_dir() else checkout


def _missing_folder_message(folder: Path, is_default: bool) -> str:
    if is_default:
        return (
            f"the shipped default model is missing ({folder}); rebuild it with `{REBUILD_DEFAULT}`"
        )
    return (
        f"model folder {folder} does not exist; give a folder made by `chatbot train` "
        "(it holds model.keras, vocabulary.json, lexicon.json, config.json, metadata.json)"
    )


def model_folder(path: str | os.PathLike | None = None) -> Path:
    """The model folder `path` names, checked to hold every file; None: the shipped default.

    Raises:
        ChatbotError: the folder or one of its files is missing.
    """
    folder = default_model_dir() if path is None else Path(path)
    is_default = folder == default_model_dir()
    # An installed package whose build found no model has an empty default_model folder.
    if not folder.is_dir() or (is_default and not (folder / MODEL_FILE).exists()):
        raise ChatbotError(_missing_folder_message(folder, is_default))
    for name in REQUIRED_FILES:
        if not (folder / name).is_file():
            raise ChatbotError(
                f"model folder {folder} lacks {name}; the folder is incomplete: "
                "train it again or copy the whole folder"
            )
    return folder


def _read_json(path: Path) -> dict:
    try:
        data = load_json(path, hint=REDO)
    except OSError as error:
        raise ChatbotError(
            f"cannot read {printable(str(path))} ({error.strerror}); {REDO}"
        ) from None
    if not isinstance(data, dict):
        raise ChatbotError(f"{path} must hold a JSON object; train the model again")
    return data


def read_config(folder: str | os.PathLike) -> tuple[ModelConfig, list[str], TrainConfig | None]:
    """Read a model folder's config.json without loading Keras.

    Returns:
        (model config, answer set, training config or None).

    Raises:
        ChatbotError: the file is missing, damaged or does not describe a model.
    """
    path = Path(folder) / CONFIG_FILE
    data = _read_json(path)
    answers = data.get("answers")
    model = data.get("model")
    if (
        not isinstance(model, dict)
        or not isinstance(answers, list)
        or not answers
        or not all(isinstance(answer, str) for answer in answers)
        or len(set(answers)) != len(answers)
    ):
        raise ChatbotError(
            f'{path} must hold "model" (the model config) and "answers" (distinct strings); '
            "train the model again"
        )
    try:
        config = ModelConfig.from_dict(model)
        train = data.get("train")
        train_config = TrainConfig.from_dict(train) if isinstance(train, dict) else None
    except TypeError as error:
        raise ChatbotError(f"{path} holds an incomplete config ({error}); train again") from None
    except ChatbotError as error:  # sizes no network can have
        raise ChatbotError(f"{path}: {error}; train the model again") from None
    if config.answer_count != len(answers):
        raise ChatbotError(
            f"{path} lists {len(answers)} answers but its model config says answer_count "
            f"{config.answer_count}; train the model again"
        )
    return config, answers, train_config


def read_lexicon(folder: str | os.PathLike) -> Lexicon:
    """Read a model folder's lexicon.json (word roles and the shapes met in training)."""
    path = Path(folder) / LEXICON_FILE
    return Lexicon.from_json(_read_json(path), printable(str(path)))


def read_metadata(folder: str | os.PathLike | None = None) -> dict:
    """A model folder's metadata.json (None: the shipped default model), without loading Keras."""
    return _read_json(model_folder(folder) / METADATA_FILE)


def read_small_files(path: str | os.PathLike | None = None):
    """A model folder's small files, read without Keras: what a bot needs before the network.

    Args:
        path: the folder; None means the shipped default model.

    Returns:
        (folder, config, answers, train_config, vocabulary, lexicon).

    Raises:
        ChatbotError: naming the file that is missing or damaged.
    """
    folder = model_folder(path)
    config, answers, train_config = read_config(folder)
    vocabulary = Vocabulary.load(folder / VOCABULARY_FILE)
    return folder, config, answers, train_config, vocabulary, read_lexicon(folder)


def load_model_dir(path: str | os.PathLike | None = None) -> ModelBundle:
    """Load a model folder and check that its files belong together.

    Args:
        path: the folder; None means the shipped default model.

    Returns:
        The `ModelBundle`.

    Raises:
        ChatbotError: naming the file that is missing, damaged or does not match the others.
    """
    folder, config, answers, train_config, vocabulary, lexicon = read_small_files(path)
    if len(vocabulary) != config.vocabulary_size:
        raise ChatbotError(
            f"{folder / VOCABULARY_FILE} has {len(vocabulary)} word ids but {CONFIG_FILE} says "
            f"vocabulary_size {config.vocabulary_size}: the files come from different models; "
            "train again or copy the whole folder"
        )
    metadata = _read_json(folder / METADATA_FILE)
    check_archive(folder / MODEL_FILE, f"cannot load {printable(str(folder / MODEL_FILE))}", REDO)
    model = _load_keras_model(folder / MODEL_FILE)
    _check_model_matches(model, config, folder / MODEL_FILE)
    return ModelBundle(model, vocabulary, config, answers, lexicon, metadata, train_config)


def _load_keras_model(path: Path):
    from chatbot.network.model import load_model

    try:
        return load_model(path)
    except Exception as error:  # Keras raises many kinds for a damaged archive
        raise ChatbotError(
            f"cannot load {path}: it is damaged or not a Keras model "
            f"({type(error).__name__}: {_first_line(error)}); train again or copy the folder again"
        ) from None


def _check_model_matches(model, config: ModelConfig, path: Path) -> None:
    """The network's input and output sizes and word embeddings must be those of config.json."""
    from chatbot.network.backend import keras

    try:
        inputs = {tensor.name: tuple(tensor.shape[1:]) for tensor in model.inputs}
        answer_width = model.output["answer"].shape[-1]
        attention_width = model.output["attention"].shape[-1]
    except (AttributeError, KeyError, TypeError):
        raise ChatbotError(
            f"{path} is not a chatbot model (inputs story, question; outputs answer, attention); "
            "train again"
        ) from None
    expected = {
        "story": (config.max_sentences, config.max_words),
        "question": (config.max_question_words,),
    }
    if inputs.get("story", (None,))[0] is None:  # a memory of any width up to max_sentences
        inputs["story"] = (config.max_sentences, *inputs["story"][1:])
    if (
        inputs != expected
        or answer_width != config.answer_count
        or attention_width not in (None, config.max_sentences)
    ):
        raise ChatbotError(
            f"{path} does not match {CONFIG_FILE}: the model reads {inputs} and gives "
            f"{answer_width} answers, the config says {expected} and {config.answer_count}; "
            "train again or copy the whole folder"
        )
    layers = model._flatten_layers(include_self=False, recursive=True)
    word_sizes = {layer.input_dim for layer in layers if isinstance(layer, keras.layers.Embedding)}
    if config.vocabulary_size not in word_sizes:
        raise ChatbotError(
            f"{path} does not match {CONFIG_FILE}: no word embedding has "
            f"vocabulary_size {config.vocabulary_size} rows (found {sorted(word_sizes)}); "
            "train again or copy the whole folder"
        )


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__


def save_model_dir(
    bundle: ModelBundle,
    path: str | os.PathLike,
    overwrite: bool = True,
    files: dict[str, bytes] | None = None,
) -> None:
    """Write a model folder atomically: the old folder stays whole until the new one is complete.

    Args:
        bundle: what to save.
        path: the folder; its parent must exist.
        overwrite: replace an existing folder (else an existing folder is an error).
        files: extra files to put in the folder, name -> bytes (e.g. "training.png").

    Raises:
        ChatbotError: the folder exists and `overwrite` is False, or it cannot be written.
    """
    folder = Path(path)
    check_replaceable(folder, overwrite, not_a_model_folder)
    write_folder_atomic(folder, lambda temporary: _write_folder(bundle, temporary, files or {}))


def not_a_model_folder(folder: Path) -> str | None:
    """Why `folder` is not a model folder `chatbot train` wrote, or None if it is one."""
    problem = _model_folder_problem(folder)
    if problem is None:
        return None
    return f"not a model folder ({problem}), and --overwrite replaces only a model folder"


def _model_folder_problem(folder: Path) -> str | None:
    if folder.is_symlink():
        return "it is a symbolic link"
    if not folder.is_dir():
        return "it is a file"
    entries = list(os.scandir(folder))
    others = sorted(
        entry.name
        for entry in entries
        if entry.name not in WRITTEN_FILES or not entry.is_file(follow_symlinks=False)
    )
    if others:
        listed = ", ".join(printable(name[:40]) for name in others[:3])
        return f"it holds {listed}{', ...' if len(others) > 3 else ''}"
    missing = {MODEL_FILE, CONFIG_FILE} - {entry.name for entry in entries}
    if missing:
        return f"it lacks {', '.join(sorted(missing))}"
    return None


def _write_folder(bundle: ModelBundle, folder: Path, files: dict[str, bytes]) -> None:
    config = {
        "model": bundle.config.to_dict(),
        "answers": list(bundle.answers),
        "train": bundle.train_config.to_dict() if bundle.train_config else None,
    }
    # an OSError here (no space, ...) is reported by write_folder_atomic, naming the target
    bundle.model.save(folder / MODEL_FILE)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    bundle.vocabulary.save(folder / VOCABULARY_FILE)
    write_text_atomic(folder / LEXICON_FILE, bundle.lexicon.to_json() + "\n")
    write_text_atomic(folder / CONFIG_FILE, json.dumps(config, indent=2) + "\n")
    write_text_atomic(folder / METADATA_FILE, json.dumps(bundle.metadata, indent=2) + "\n")


def describe_model(folder: str | os.PathLike | None = None) -> dict:
    """What `chatbot info` says, without Keras.

    Args:
        folder: the model folder; None means the shipped default model.

    Returns:
        {"folder", **metadata.json, "answer_set", "model" (its config), "forms" (an example
        question of each form it knows, shortest first)}.
    """
    folder = model_folder(folder)
    metadata = read_metadata(folder)
    config, answers, _ = read_config(folder)
    # metadata.json may hold anything, a "folder" too: shown, never taken for the folder's own
    described = {"folder": str(folder)} | {
        key: value for key, value in metadata.items() if key != "folder"
    }
    described["answer_set"] = answers
    return described | {"model": config.to_dict(), "forms": list(read_lexicon(folder).forms)}


def describe_words(folder: str | os.PathLike | None = None) -> dict:
    """What `chatbot info --words` says: `reading.known_words.words_by_role` of the folder."""
    from chatbot.reading.known_words import words_by_role

    *_, vocabulary, lexicon = read_small_files(folder)
    return words_by_role(lexicon, vocabulary.words)


def format_metadata(folder: str | os.PathLike | None = None, words: bool = False) -> str:
    """`describe_model` as indented `key: value` lines, the question forms one per line; with
    `words`, `describe_words` as `known_words.format_words` lays it out instead."""
    if words:
        from chatbot.reading.known_words import format_words

        return format_words(describe_words(folder))
    described = describe_model(folder)
    forms = described.pop("forms")
    lines = _lines(described) + [f"question forms it knows ({len(forms)}):"]
    return "\n".join(lines + [f"  {printable(form)}" for form in forms])


def _lines(value, indent: str = "") -> list[str]:
    lines = []
    for key, item in value.items():
        key = printable(str(key))  # metadata.json may hold anything: shown, never obeyed
        if isinstance(item, dict) and item:
            lines.append(f"{indent}{key}:")
            lines += _lines(item, indent + "  ")
        elif isinstance(item, list) and any(isinstance(element, dict) for element in item):
            lines.append(f"{indent}{key}:")
            for element in item:
                nested = _lines(element, indent + "    ") if isinstance(element, dict) else []
                if nested:  # the first key goes on the dash line, YAML-like
                    lines.append(f"{indent}  - {nested[0].strip()}")
                    lines += nested[1:]
                else:
                    lines.append(f"{indent}  - {printable(str(element))}")
        elif isinstance(item, list):
            listed = ", ".join(str(element) for element in item)
            lines.append(f"{indent}{key}: {printable(listed)}")
        else:
            lines.append(f"{indent}{key}: {printable(str(item))}")
    return lines
