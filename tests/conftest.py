"""Shared fixtures: a four-story bAbI file, the tiny model of every model test, real bAbI files.

`tiny_config`, `tiny_bundle` and `tiny_model_dir` are the one tiny network the tests use:
untrained with seeded weights, so its answers are arbitrary but deterministic. Tests built on
it check wiring, formats, shapes and refusals, never answer quality. Its lexicon and vocabulary
are built as `dataset.prepare` builds them: the generator's word roles plus the shapes of the
tiny texts, and a vocabulary without names, places and objects but with every slot token.
"""

import os
from pathlib import Path

import pytest

from chatbot.config import ModelConfig
from chatbot.reading.lexicon import SLOT_TOKENS, Lexicon
from chatbot.text import Vocabulary, tokenize

# Four short stories with yes/no questions in the style of bAbI tasks 6 (movement), 9 (negation)
# and 10 (indefinite knowledge). Like most real files, questions have a space before the tab.
FOUR_STORIES = """\
1 Mary moved to the bathroom.
2 Sandra journeyed to the bedroom.
3 Is Sandra in the hallway? \tno\t2
4 Mary went back to the bedroom.
5 Daniel went back to the hallway.
6 Is Daniel in the hallway? \tyes\t5
1 John got the football there.
2 John is no longer in the garden.
3 Is John in the garden? \tno\t2
4 Sandra is not in the kitchen.
5 Is Sandra in the kitchen? \tno\t4
1 Fred is either in the school or the park.
2 Mary went back to the office.
3 Is Mary in the office? \tyes\t2
4 Bill is either in the kitchen or the park.
5 Is Fred in the park? \tmaybe\t1
1 Daniel travelled to the kitchen.
2 Is Daniel in the kitchen? \tyes\t1
3 Daniel journeyed to the garden.
4 Is Daniel in the kitchen? \tno\t3
"""

# The shared folder beside the project (real bAbI files): $CHATBOT_SHARED, else ../shared.
SHARED = Path(os.environ.get("CHATBOT_SHARED") or Path(__file__).resolve().parents[2] / "shared")
SHARED_BABI = SHARED / "babi"


# The shipped model predates entity slots and shapes (issue 12) until the lead retrains it:
# tests of its answers wait for a models/default with a lexicon.json.
@pytest.fixture
def four_stories(tmp_path) -> Path:
    """FOUR_STORIES written to a file named like a bAbI task 6 training file."""
    path = tmp_path / "qa6_yes-no-questions_train.txt"
    path.write_text(FOUR_STORIES, encoding="utf-8")
    return path


@pytest.fixture
def shared_babi() -> Path:
    """The folder of real bAbI v1.2 training files (../shared/babi), or skip where it is absent."""
    if not (SHARED_BABI / "en").is_dir():
        pytest.skip(f"real bAbI files not found at {SHARED_BABI}")
    return SHARED_BABI


TINY_WORDS = [
    "Mary moved to the bathroom.",
    "Sandra journeyed to the bedroom.",
    "John went to the hallway.",
    "Daniel went back to the garden.",
    "Mary is either in the office or the kitchen.",
    "Is Mary in the bathroom?",
]
TINY_ANSWERS = ("yes", "no", "maybe")


def tiny_lexicon(texts=TINY_WORDS) -> Lexicon:
    """The world's word roles and the shapes of `texts` (those ending in "?" are questions)."""
    texts = list(texts)
    questions = [text for text in texts if text.rstrip().endswith("?")]
    sentences = [text for text in texts if not text.rstrip().endswith("?")]
    return Lexicon.of_world().learn_shapes(sentences, questions)


def tiny_vocabulary(texts=TINY_WORDS, lexicon: Lexicon | None = None) -> Vocabulary:
    """The words of `texts` but names, places and objects (read as slots), and every slot."""
    lexicon = lexicon or tiny_lexicon(texts)
    words = {word for text in texts for word in tokenize(text)}
    return Vocabulary(sorted(words - (set(lexicon.roles) - lexicon.kept)) + list(SLOT_TOKENS))


TINY_SIZES = dict(
    answer_count=len(TINY_ANSWERS),
    max_sentences=4,  # a small memory, so tests reach it quickly
    max_words=10,
    max_question_words=10,
    embedding_dim=4,
    hidden_dim=4,
)


@pytest.fixture(scope="session")
def tiny_config():
    """Makes a tiny `ModelConfig`: `tiny_config(vocabulary_size=9, max_words=3)`.

    Every size not given is TINY_SIZES'; the vocabulary size defaults to TINY_WORDS'.
    """

    def make(**changes) -> ModelConfig:
        vocabulary_size = len(tiny_vocabulary())
        return ModelConfig(**{"vocabulary_size": vocabulary_size, **TINY_SIZES, **changes})

    return make


@pytest.fixture(scope="session")
def tiny_bundle(tiny_config):
    """Makes a tiny untrained `ModelBundle` with seeded weights: `tiny_bundle(words, **sizes)`."""

    def make(words=TINY_WORDS, answers=TINY_ANSWERS, **changes):
        from chatbot.network.backend import keras
        from chatbot.network.inference import ModelBundle
        from chatbot.network.model import build_model

        keras.utils.set_random_seed(0)
        lexicon = tiny_lexicon(words)
        vocabulary = tiny_vocabulary(words, lexicon)
        config = tiny_config(vocabulary_size=len(vocabulary), answer_count=len(answers), **changes)
        return ModelBundle(build_model(config), vocabulary, config, list(answers), lexicon)

    return make


@pytest.fixture(scope="session")
def tiny_model_dir(tiny_bundle, tmp_path_factory) -> Path:
    """A tiny untrained model folder; tests read it and never change it."""
    from chatbot.network.folder import save_model_dir

    path = tmp_path_factory.mktemp("models") / "tiny"
    save_model_dir(tiny_bundle(), path)
    return path


@pytest.fixture(scope="session")
def tiny_bot(tiny_model_dir):
    """The tiny model folder loaded once (`Chatbot.load`): loading takes seconds."""
    from chatbot.answering.bot import Chatbot

    return Chatbot.load(tiny_model_dir)


@pytest.fixture
def quick_load(monkeypatch, tiny_bot, tiny_model_dir):
    """`Chatbot.load` hands back `tiny_bot` for the tiny model's folder, so that commands run
    in-process (`ask --model` it) skip the load; other folders load as usual."""
    from chatbot.answering.bot import Chatbot

    real_load = Chatbot.load.__func__

    def load(cls, path=None, wait=True):
        if path is not None and Path(path) == tiny_model_dir:
            return tiny_bot
        return real_load(cls, path, wait)

    monkeypatch.setattr(Chatbot, "load", classmethod(load))
