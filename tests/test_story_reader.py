"""A story read once for all its questions reads as `Lexicon.read` reads each question's story."""

import pytest

from chatbot.reading.lexicon import SLOTS, Lexicon
from chatbot.reading.story_reader import StoryReader
from chatbot.stories.world import words
from chatbot.text import tokenize

NAMES = (words.FEMALE + words.MALE)[: SLOTS + 2]
KNOWN = tuple(tokenize("went to the is in then moved journeyed a are afraid of cats mice"))


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.of_world().learn_shapes(
        ["Mary went to the hallway.", "Then Mary moved to the kitchen."],
        ["Is Mary in the hallway?"],
    )


def read_each(lexicon, story, questions):
    """Per question (at its number of sentences), the two readings: sentence by sentence and
    whole."""
    reader = StoryReader(lexicon, KNOWN)
    pairs = []
    for told, question in questions:
        assert reader.continues(story[:told])
        reader.tell(story[len(reader.texts) : told])
        pairs.append((reader.read(question), lexicon.read(story[:told], [question], KNOWN)))
    return pairs


def test_each_question_reads_as_its_story_read_whole(lexicon):
    story = [
        "Mary went to the hallway.",
        "Then Mary moved to the kitchen.",  # the same name: the same slot
        "Sandra journeyed to the garden.",  # a shape never met: left out
        "Daniel went to the garden.",
    ]
    questions = [(1, "Is Mary in the hallway?"), (2, "Is Daniel in the kitchen?"),
                 (4, "Is Daniel in the garden?"), (4, "Is Sandra in the office?")]  # fmt: skip
    for fast, whole in read_each(lexicon, story, questions):
        assert fast == whole
    assert whole.left_out == (2,) and whole.questions[0][1] == "<name1>"


def test_a_crowded_story_reads_as_read_whole(lexicon):
    story = [f"{name} went to the hallway." for name in NAMES]  # two names too many
    asked = [(SLOTS, NAMES[0]), (SLOTS + 2, NAMES[-1]), (SLOTS + 2, NAMES[3])]
    questions = [(told, f"Is {name} in the hallway?") for told, name in asked]
    pairs = read_each(lexicon, story, questions)
    for fast, whole in pairs:
        assert fast == whole
    assert pairs[-1][1].left_out == (SLOTS, SLOTS + 1)


def test_a_new_word_is_read_whole_from_then_on(lexicon):
    reader = StoryReader(lexicon, KNOWN)
    reader.tell(["Mary went to the hallway."])
    assert reader.read("Is Zorblax in the hallway?") is None  # a new word in the question
    assert reader.read("Is Mary in the hallway?") is not None
    reader.tell(["Zorblax went to the hallway."])
    assert reader.read("Is Mary in the hallway?") is None
    assert not reader.continues(["Sandra went to the hallway."])
