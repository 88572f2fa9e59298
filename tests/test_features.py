"""Tests for chatbot.reading.features: stories and questions -> padded arrays."""

import numpy as np
import pytest
from conftest import tiny_lexicon, tiny_vocabulary

from chatbot.reading.features import EncodedStory, encode_examples, encode_question, encode_story
from chatbot.stories import babi
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


def example_texts(examples) -> list[str]:
    return [text for example in examples for text in (*example.story, example.question)]


def test_encode_examples_on_hand_written_stories(four_stories, tiny_config):
    examples = babi.examples_of(babi.read_stories(four_stories))
    lexicon = tiny_lexicon(example_texts(examples))
    vocabulary = tiny_vocabulary(example_texts(examples), lexicon)
    config = tiny_config(vocabulary_size=len(vocabulary), answer_count=2, max_sentences=3,
                         max_words=8, max_question_words=5)  # fmt: skip
    encoded = encode_examples(examples, vocabulary, ["no", "yes"], config, lexicon)
    assert sorted(encoded) == [
        "answer", "cut_words", "question", "sentences", "story", "story_rows", "support_order",
        "supporting", "truncated", "unknown",
    ]  # fmt: skip
    assert encoded["story"].shape == (8, 3, 8) and encoded["story"].dtype == np.int32
    assert encoded["question"].shape == (8, 5) and encoded["question"].dtype == np.int32
    assert (encoded["sentences"][encoded["story_rows"]] == encoded["story"]).all()
    # Names and places are the story's slots, numbered by first mention; "bedroom" keeps its
    # word (a tired person goes there in task 20).
    assert vocabulary.decode(encoded["story"][0, 1][:5]) == ["<name0>", "moved", "to", "the",
                                                             "<place0>"]  # fmt: skip
    assert vocabulary.decode(encoded["story"][0, 2][:5]) == ["<name1>", "journeyed", "to", "the",
                                                             "bedroom"]  # fmt: skip
    assert vocabulary.decode(encoded["question"][0]) == ["is", "<name1>", "in", "the", "<place1>"]
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
    # The same slots in the order the data lists them, -1 past the last.
    assert encoded["support_order"][:, :2].tolist() == [[2, -1]] * 5 + [[0, -1]] + [[2, -1]] * 2
    assert encoded["unknown"].tolist() == [False] * 8
    # The two "... is either in the ... or the park." sentences have 9 words: one cut from each.
    assert encoded["cut_words"].tolist() == [0, 0, 0, 0, 1, 2, 0, 0]


def test_encode_examples_agrees_with_the_reading_and_encode_story(four_stories, tiny_config):
    examples = babi.examples_of(babi.read_stories(four_stories))
    texts = ["Mary moved to the bathroom.", "Sandra journeyed to the bedroom.",
             "Daniel went back to the hallway.", "Daniel travelled to the kitchen.",
             "Is Daniel in the hallway?"]  # fmt: skip
    lexicon = tiny_lexicon(texts)
    vocabulary = tiny_vocabulary(texts, lexicon)
    config = tiny_config(vocabulary_size=len(vocabulary), max_sentences=2, max_words=3,
                         max_question_words=4)  # fmt: skip
    encoded = encode_examples(examples, vocabulary, ["maybe", "no", "yes"], config, lexicon)
    assert encoded["unknown"].any() and not encoded["unknown"].all()
    for index, example in enumerate(examples):
        reading = lexicon.read(example.story, [example.question], vocabulary.words)
        story = encode_story(reading.sentences, vocabulary, 2, 3)
        question, question_unknown = encode_question(reading.questions[0], vocabulary, 4)
        assert encoded["story"][index].tolist() == story.ids.tolist()
        assert encoded["question"][index].tolist() == question.tolist()
        assert encoded["truncated"][index] == story.truncated
        # What the bot refuses: words it cannot place, a shape never met, someone never
        # mentioned, or a word the vocabulary lacks ("garden" here: a kept word, not a slot).
        refused = reading.refused(0) or bool(story.unknown_words or question_unknown)
        assert encoded["unknown"][index] == refused


def test_a_sentence_of_a_shape_never_met_is_left_out_and_support_follows(tiny_config):
    lexicon = tiny_lexicon(["Mary went to the kitchen.", "Is Mary in the kitchen?"])
    vocabulary = tiny_vocabulary(["Mary went to the kitchen.", "Is Mary in the kitchen?",
                                  "Mary to the kitchen went."], lexicon)  # fmt: skip
    config = tiny_config(vocabulary_size=len(vocabulary), max_sentences=4)
    story = ("Mary went to the kitchen.", "Mary to the kitchen went.", "John went to the office.")
    examples = [
        babi.Example(story, "Is John in the kitchen?", "no", (2,), "", ""),
        babi.Example(story, "Is Mary in the kitchen?", "yes", (0,), "", ""),
    ]
    encoded = encode_examples(examples, vocabulary, ["no", "yes"], config, lexicon)
    assert encoded["story"].shape == (2, 2, config.max_words)  # the odd sentence is left out
    assert [vocabulary.decode(row)[1] for row in encoded["story"][0]] == ["went", "went"]
    assert encoded["supporting"].tolist() == [[False, True], [True, False]]
    # The sentence left out is about Mary: a question about her is not answered (the bot
    # refuses it: `reading.unread`), one about John is.
    assert encoded["unknown"].tolist() == [False, True]


def test_a_250_sentence_story_keeps_its_first_sentence_in_a_memory_of_256(tiny_config):
    """Memory 256 (TrainConfig's default) holds bAbI's longest stories whole."""
    from chatbot.config import TrainConfig

    assert TrainConfig().memory == 256
    texts = ["Mary went to the kitchen.", "Is Mary in the kitchen?"]
    lexicon, vocabulary = tiny_lexicon(texts), tiny_vocabulary(texts)
    config = tiny_config(vocabulary_size=len(vocabulary), max_sentences=TrainConfig().memory)
    story = ("Mary went to the kitchen.",) + ("John went to the office.",) * 249
    example = babi.Example(story, "Is Mary in the kitchen?", "yes", (0,), "", "")
    encoded = encode_examples([example], vocabulary, ["no", "yes"], config, lexicon)
    assert encoded["story"].shape == (1, 250, config.max_words)
    assert encoded["truncated"].tolist() == [0]
    assert encoded["supporting"][0].nonzero()[0].tolist() == [0]  # the first sentence, kept
    assert vocabulary.decode(encoded["story"][0, 0][:5]) == ["<name0>", "went", "to", "the",
                                                             "kitchen"]  # fmt: skip


def test_encode_no_examples_gives_empty_arrays(tiny_config):
    config = tiny_config(answer_count=2, max_sentences=2, max_words=3, max_question_words=4)
    encoded = encode_examples([], tiny_vocabulary(), ["no", "yes"], config, tiny_lexicon())
    assert encoded["story"].shape == (0, 1, 3)  # one slot at least: a model reads no fewer
    assert encoded["question"].shape == (0, 4)
    assert encoded["answer"].shape == (0,)


@pytest.mark.parametrize("slots", [1, 20])
def test_repeated_sentences_are_encoded_once(monkeypatch, slots, tiny_config):
    """bAbI repeats sentences: each distinct sentence, as read, is encoded once per call."""
    vocabulary = tiny_vocabulary()
    calls = []
    real = vocabulary.encode
    monkeypatch.setattr(vocabulary, "encode", lambda tokens: calls.append(tokens) or real(tokens))
    example = babi.Example(
        ("Mary went to the hallway.",) * 2, "Is Mary in the kitchen?", "no", (), "", ""
    )
    config = tiny_config(answer_count=2, max_sentences=slots, max_words=3, max_question_words=6)
    encode_examples([example] * 50, vocabulary, ["no", "yes"], config, tiny_lexicon())
    assert sorted(calls) == [
        ("<name0>", "went", "to", "the", "<place0>"), ("is", "<name0>", "in", "the", "kitchen"),
    ]  # fmt: skip
