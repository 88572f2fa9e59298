"""Tests for chatbot.features: stories and questions -> padded arrays."""

import numpy as np
import pytest

from chatbot import babi
from chatbot.features import EncodedStory, encode_examples, encode_question, encode_story
from chatbot.text import Vocabulary

# ids: 0 pad, 1 unknown, then sorted words: in=2, is=3, john=4, kitchen=5, mary=6, the=7,
# to=8, went=9
VOCABULARY = Vocabulary.build(["Mary went to the kitchen.", "Is John in the kitchen?"])


def test_story_is_right_aligned_newest_last():
    encoded = encode_story(["Mary went.", "John went to the kitchen."], VOCABULARY, 3, 5)
    assert encoded == EncodedStory(
        ids=encoded.ids, sentences=("Mary went.", "John went to the kitchen."), truncated=0,
        unknown_words=(), cut_words=0,
    )  # fmt: skip
    assert encoded.ids.dtype == np.int32
    assert encoded.ids.tolist() == [[0, 0, 0, 0, 0], [6, 9, 0, 0, 0], [4, 9, 8, 7, 5]]


def test_story_keeps_the_newest_sentences_and_counts_the_rest():
    sentences = ["Mary went.", "John went.", "Mary went to the kitchen."]
    encoded = encode_story(sentences, VOCABULARY, 2, 3)
    assert encoded.ids.tolist() == [[4, 9, 0], [6, 9, 8]]
    assert encoded.sentences == ("John went.", "Mary went to the kitchen.")
    assert encoded.truncated == 1
    assert encoded.cut_words == 2  # "the kitchen" did not fit in 3 words


def test_story_reports_unknown_words_of_kept_sentences_once_in_order():
    sentences = ["Bob ran.", "Sandra went to the garden.", "Sandra ran."]
    encoded = encode_story(sentences, VOCABULARY, 2, 5)
    assert encoded.unknown_words == ("sandra", "garden", "ran")  # "bob" dropped out of memory
    assert encoded.ids.tolist() == [[1, 9, 8, 7, 1], [1, 1, 0, 0, 0]]


def test_empty_story_is_all_padding():
    encoded = encode_story([], VOCABULARY, 2, 3)
    assert encoded.ids.tolist() == [[0, 0, 0], [0, 0, 0]]
    assert (encoded.sentences, encoded.truncated, encoded.unknown_words) == ((), 0, ())


def test_question_is_left_aligned_cut_and_reports_unknown_words():
    ids, unknown = encode_question("Is Bob in the KITCHEN", VOCABULARY, 6)
    assert ids.dtype == np.int32
    assert (ids.tolist(), unknown) == ([3, 1, 2, 7, 5, 0], ("bob",))
    ids, unknown = encode_question("Is John in the kitchen?", VOCABULARY, 3)
    assert (ids.tolist(), unknown) == ([3, 4, 2], ())


def test_encode_examples_on_hand_written_stories(four_stories, tiny_config):
    examples = babi.examples_of(babi.read_stories(four_stories))
    vocabulary = Vocabulary.build(
        [text for example in examples for text in (*example.story, example.question)]
    )
    config = tiny_config(vocabulary_size=len(vocabulary), answer_count=2, max_sentences=3,
                         max_words=8, max_question_words=5)  # fmt: skip
    encoded = encode_examples(examples, vocabulary, ["no", "yes"], config)
    assert sorted(encoded) == [
        "answer", "cut_words", "question", "story", "supporting", "truncated", "unknown",
    ]  # fmt: skip
    assert encoded["story"].shape == (8, 3, 8) and encoded["story"].dtype == np.int32
    assert encoded["question"].shape == (8, 5) and encoded["question"].dtype == np.int32
    # Answers: "maybe" is outside the answer set ["no", "yes"] and gets -1.
    assert encoded["answer"].tolist() == [0, 1, 0, 0, 1, -1, 1, 0]
    # Question 2 sees 4 sentences (memory 3): one truncated, its supporting sentence
    # (index 3 in the story) sits in the last slot.
    assert encoded["truncated"].tolist() == [0, 1, 0, 0, 0, 0, 0, 0]
    assert encoded["supporting"].tolist() == [
        [False, False, True], [False, False, True], [False, False, True],
        [False, False, True], [False, False, True], [True, False, False],
        [False, False, True], [False, False, True],
    ]  # fmt: skip
    assert encoded["unknown"].tolist() == [False] * 8
    # The two "... is either in the ... or the park." sentences have 9 words: one cut from each.
    assert encoded["cut_words"].tolist() == [0, 0, 0, 0, 1, 2, 0, 0]


def test_encode_examples_agrees_with_encode_story_and_encode_question(four_stories, tiny_config):
    examples = babi.examples_of(babi.read_stories(four_stories))
    vocabulary = Vocabulary.build(["Mary moved to the bathroom.", "Is Daniel in the hallway?"])
    config = tiny_config(vocabulary_size=len(vocabulary), max_sentences=2, max_words=3,
                         max_question_words=4)  # fmt: skip
    encoded = encode_examples(examples, vocabulary, ["maybe", "no", "yes"], config)
    for index, example in enumerate(examples):
        story = encode_story(example.story, vocabulary, 2, 3)
        question, question_unknown = encode_question(example.question, vocabulary, 4)
        assert encoded["story"][index].tolist() == story.ids.tolist()
        assert encoded["question"][index].tolist() == question.tolist()
        assert encoded["truncated"][index] == story.truncated
        assert encoded["unknown"][index] == bool(story.unknown_words or question_unknown)


def test_encode_no_examples_gives_empty_arrays(tiny_config):
    config = tiny_config(answer_count=2, max_sentences=2, max_words=3, max_question_words=4)
    encoded = encode_examples([], VOCABULARY, ["no", "yes"], config)
    assert encoded["story"].shape == (0, 2, 3)
    assert encoded["question"].shape == (0, 4)
    assert encoded["answer"].shape == (0,)


@pytest.mark.parametrize("slots", [1, 20])
def test_repeated_sentences_are_encoded_once(monkeypatch, slots, tiny_config):
    """bAbI repeats sentences: each distinct text is tokenized once per call."""
    import chatbot.features as features

    calls = []
    real = features.tokenize
    monkeypatch.setattr(features, "tokenize", lambda text: calls.append(text) or real(text))
    example = babi.Example(
        ("Mary went.", "Mary went."), "Is Mary in the kitchen?", "no", (), "", ""
    )
    config = tiny_config(answer_count=2, max_sentences=slots, max_words=3, max_question_words=6)
    encode_examples([example] * 50, VOCABULARY, ["no", "yes"], config)
    assert sorted(calls) == ["Is Mary in the kitchen?", "Mary went."]
