"""Tests for chatbot.text: tokenize, split_sentences, Vocabulary."""

import json
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chatbot.errors import ChatbotError
from chatbot.files import write_text_atomic
from chatbot.text import Vocabulary, split_sentences, tokenize


@pytest.mark.parametrize(
    "text, words",
    [
        ("Is Mary in the KITCHEN?", ["is", "mary", "in", "the", "kitchen"]),
        ("is mary in the KITCHEN", ["is", "mary", "in", "the", "kitchen"]),
        ("  Mary,  moved...to the bathroom!! ", ["mary", "moved", "to", "the", "bathroom"]),
        ("Mary's ball isn't here.", ["mary", "'s", "ball", "is", "n't", "here"]),
        ("Mary\u2019s ball", ["mary", "'s", "ball"]),
        (
            "They're sure she'd say we've done it, I'm told",
            ["they", "'re", "sure", "she", "'d"]
            + ["say", "we", "'ve", "done", "it", "i", "'m", "told"],
        ),
        ("can't won't aren't", ["ca", "n't", "wo", "n't", "are", "n't"]),
        ("at five o'clock, rock'n'roll", ["at", "five", "o'clock", "rock'n'roll"]),
        ("the students' books", ["the", "students", "books"]),
        ("'quoted' words", ["quoted", "words"]),
        ("apple,football", ["apple", "football"]),
        ("Room 101 is big_ish", ["room", "101", "is", "big", "ish"]),
        ("Zoë went to the café", ["zoë", "went", "to", "the", "café"]),
        ("", []),
        ("?!.,", []),
    ],
)
def test_tokenize(text, words):
    assert tokenize(text) == words


def test_typed_and_shouted_questions_encode_alike():
    vocabulary = Vocabulary.build(["Mary moved to the kitchen.", "Is Mary in the kitchen?"])
    assert vocabulary.encode(tokenize("is mary in the KITCHEN")) == vocabulary.encode(
        tokenize("Is Mary in the kitchen?")
    )


@pytest.mark.parametrize(
    "paragraph, sentences",
    [
        (
            "Mary moved to the bathroom. Sandra went to the garden.",
            ["Mary moved to the bathroom.", "Sandra went to the garden."],
        ),
        (
            "Mary moved to the bathroom.Is Mary in the bathroom?",
            ["Mary moved to the bathroom.", "Is Mary in the bathroom?"],
        ),
        ("John left\nis john in the park", ["John left", "is john in the park"]),
        ("Really?! Yes!!", ["Really?", "Yes!!"]),
        ("Is it 3.5 metres?", ["Is it 3.5 metres?"]),
        ("... ?? \n\n  . ", []),
        ("", []),
        ("  Where is Mary ?  ", ["Where is Mary?"]),
        ("Mary\tmoved to  the\tkitchen.", ["Mary moved to the kitchen."]),
    ],
)
def test_split_sentences(paragraph, sentences):
    assert split_sentences(paragraph) == sentences


def test_build_sorts_words_after_the_reserved_ids():
    vocabulary = Vocabulary.build(["The cat sat.", "Is the CAT here?", "yes"])
    assert vocabulary.words == ("cat", "here", "is", "sat", "the", "yes")
    assert len(vocabulary) == 8
    assert vocabulary.encode(["cat", "yes"]) == ([2, 7], [])
    assert vocabulary == Vocabulary.build(["yes", "Is the CAT here?", "The cat sat."])


def test_contains_knows_words_but_not_the_reserved_tokens():
    vocabulary = Vocabulary(["cat", "dog"])
    assert "cat" in vocabulary
    assert "bird" not in vocabulary
    assert "<pad>" not in vocabulary
    assert "<unk>" not in vocabulary


def test_encode_reports_unknown_words_once_in_order():
    vocabulary = Vocabulary(["in", "is", "kitchen", "mary", "the"])
    ids, unknown = vocabulary.encode(tokenize("Is Zorblax in the kitchen with zorblax and Bob?"))
    assert ids == [3, 1, 2, 6, 4, 1, 1, 1, 1]
    assert unknown == ["zorblax", "with", "and", "bob"]


def test_encode_tokenizes_a_string():
    vocabulary = Vocabulary(["in", "is", "kitchen", "mary", "the"])
    assert vocabulary.encode("Is Mary in the KITCHEN?") == ([3, 5, 2, 6, 4], [])


def test_decode_skips_padding_and_shows_unknown():
    vocabulary = Vocabulary(["in", "is", "kitchen", "mary", "the"])
    assert vocabulary.decode([0, 0, 3, 1, 2, 6, 4]) == ["is", "<unk>", "in", "the", "kitchen"]


def test_decode_rejects_ids_outside_the_vocabulary():
    with pytest.raises(ChatbotError) as error:
        Vocabulary(["cat"]).decode([2, 3])
    assert str(error.value) == (
        "word id 3 is outside this vocabulary (0 to 2); "
        "was the model built with another vocabulary?"
    )


def test_closest_suggests_similar_words():
    vocabulary = Vocabulary(["bathroom", "bedroom", "garden", "hallway", "kitchen"])
    assert vocabulary.closest("Kitchn") == ["kitchen"]
    assert vocabulary.closest("room", n=2) == ["bedroom", "bathroom"]
    assert vocabulary.closest("room", n=1) == ["bedroom"]
    assert vocabulary.closest("zzz") == []


@pytest.mark.parametrize("words", [["cat", "cat"], ["<pad>", "cat"], ["cat", "<unk>"]])
def test_vocabulary_rejects_repeated_and_reserved_words(words):
    with pytest.raises(ChatbotError, match="lists each word once"):
        Vocabulary(words)


def test_save_writes_json_and_load_reads_it_back(tmp_path):
    path = tmp_path / "vocabulary.json"
    vocabulary = Vocabulary(["café", "kitchen"])
    vocabulary.save(path)
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "format": "chatbot-vocabulary",
        "words": ["<pad>", "<unk>", "café", "kitchen"],
    }
    assert Vocabulary.load(path) == vocabulary
    assert [p.name for p in tmp_path.iterdir()] == ["vocabulary.json"]  # no temporary file left


def test_save_replaces_an_existing_file(tmp_path):
    path = tmp_path / "vocabulary.json"
    Vocabulary(["old"]).save(path)
    Vocabulary(["new"]).save(path)
    assert Vocabulary.load(path).words == ("new",)


def test_save_into_a_missing_folder_fails_clearly(tmp_path):
    path = tmp_path / "missing" / "vocabulary.json"
    with pytest.raises(ChatbotError) as error:
        Vocabulary(["cat"]).save(path)
    assert str(error.value) == f"cannot write {path}: No such file or directory"


def test_load_missing_file(tmp_path):
    path = tmp_path / "vocabulary.json"
    with pytest.raises(ChatbotError) as error:
        Vocabulary.load(path)
    assert str(error.value) == f"vocabulary file {path} does not exist"


def test_load_truncated_file(tmp_path):
    path = tmp_path / "vocabulary.json"
    path.write_text('{"format": "chatbot-vocabulary", "words": ["<pad>", ', encoding="utf-8")
    with pytest.raises(ChatbotError, match=r"^cannot read vocabulary file .*vocabulary\.json \("):
        Vocabulary.load(path)


def test_load_binary_file(tmp_path):
    path = tmp_path / "vocabulary.json"
    path.write_bytes(b"\x80\x81\xff")
    with pytest.raises(ChatbotError, match=r"^cannot read vocabulary file .*; rebuild the model"):
        Vocabulary.load(path)


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"words": ["<pad>", "<unk>", "cat"]},
        {"format": "chatbot-vocabulary", "words": ["cat"]},
        {"format": "chatbot-vocabulary", "words": ["<pad>", "<unk>", 7]},
    ],
)
def test_load_rejects_json_that_is_not_a_vocabulary(tmp_path, data):
    path = tmp_path / "vocabulary.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ChatbotError) as error:
        Vocabulary.load(path)
    assert str(error.value) == (
        f'{path} is not a chatbot vocabulary (expected JSON with "format": "chatbot-vocabulary" '
        'and "words" starting with <pad>, <unk>)'
    )


def test_load_rejects_repeated_words(tmp_path):
    path = tmp_path / "vocabulary.json"
    words = ["<pad>", "<unk>", "cat", "cat"]
    path.write_text(json.dumps({"format": "chatbot-vocabulary", "words": words}), encoding="utf-8")
    with pytest.raises(ChatbotError) as error:
        Vocabulary.load(path)
    assert str(error.value) == (
        f"{path}: a vocabulary lists each word once and not <pad> or <unk>; found again: cat"
    )


def test_write_text_atomic_keeps_the_old_file_when_writing_fails(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("old\n", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        write_text_atomic(path, "new \ud800 text")  # a lone surrogate cannot be encoded
    assert path.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["story.txt"]


@settings(deadline=None)
@given(st.text(max_size=200))
def test_any_text_tokenizes_to_lower_case_words_and_splits_into_worded_sentences(text):
    for word in tokenize(text):
        assert word == word.lower()
        assert word
        # no punctuation, symbols, spaces or control characters (the apostrophe inside a word aside;
        # "Cn" is left out because the regex module knows newer Unicode than unicodedata here)
        categories = {unicodedata.category(character) for character in word.replace("'", "")}
        assert not {category for category in categories if category[0] in "PSZ"}
        assert not categories & {"Cc", "Cf", "Cs", "Co"}
    for sentence in split_sentences(text):
        assert sentence == sentence.strip()
        assert "\n" not in sentence
        assert tokenize(sentence)


def test_tokenize_reports_a_tokenizer_timeout_as_a_one_line_error(monkeypatch):
    class SlowTokenizer:
        def tokenize(self, text):
            raise TimeoutError("regex match timed out")

    monkeypatch.setattr("chatbot.text._word_tokenizer", SlowTokenizer)
    with pytest.raises(ChatbotError) as error:
        tokenize("word " * 1000)
    assert str(error.value) == (
        "text of 5,000 characters is too long to read; give shorter sentences"
    )


def test_shorten_cuts_long_text_to_the_limit_with_an_ellipsis():
    from chatbot.text import shorten

    assert shorten("Mary moved.", 11) == "Mary moved."
    assert shorten("Mary moved to the bathroom.", 10) == "Mary mo..."
    assert shorten("Mary moved to the bathroom.", 10, "…") == "Mary move…"
