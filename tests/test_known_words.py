"""Tests for chatbot.reading.known_words: the words a model knows, by role (`info --words`)."""

import pytest

from chatbot.reading.known_words import format_words, verb_of, words_by_role
from chatbot.reading.lexicon import Lexicon
from chatbot.text import tokenize

SENTENCES = [
    "Mary went back to the hallway.",
    "Then she picked up the football.",
    "John and Mary travelled to the office.",
    "Fred handed the milk to Bill.",
    "Sandra put down the apple there.",
    "Mary is in the kitchen.",
    "The cat is gray.",
]


@pytest.mark.parametrize(
    "shape, verb",
    [
        ("NAME went back to the PLACE", "went back"),
        ("this morning NAME journeyed to the PLACE", "journeyed"),
        ("NAME and NAME moved to the PLACE", "moved"),
        ("then they went to the PLACE", "went"),
        ("NAME gave the OBJECT to NAME", "gave"),
        ("NAME handed NAME the OBJECT", "handed"),
        ("NAME put the OBJECT down", "put down"),
        ("NAME picked up the OBJECT there", "picked up"),
        ("NAME is COLOUR", None),
    ],
)
def test_verb_of(shape, verb):
    assert verb_of(shape) == verb


def test_words_by_role_from_the_shapes_and_classes_of_a_lexicon():
    lexicon = Lexicon.of_world().learn_shapes(SENTENCES, ["Is Mary in the kitchen?"])
    vocabulary = sorted({w for text in SENTENCES for w in tokenize(text)} | {"<name0>"})
    words = words_by_role(lexicon, vocabulary)
    assert words["verbs"] == {
        "moving": ["travelled", "went back"],  # "is in" says where one is: no verb of moving
        "taking": ["picked up"],
        "putting down": ["put down"],
        "giving": ["handed"],
    }
    # bAbI's kinds and colours, and the everyday stories' (world/everyday_words.py)
    assert {"cat", "cats", "frog", "dog", "dogs", "foxes"} <= set(words["classes"]["kinds"])
    colours = {"blue", "gray", "green", "pink", "red", "white", "yellow", "purple", "brown"}
    assert colours <= set(words["classes"]["colours"])
    assert words["closed"] == ["and", "in", "is", "she", "the", "then", "there", "to"]
    # The generator's lexicon opens kinds and colours: new ones are read where they stand.
    assert words["read_where_they_stand"] == ["names", "places", "objects", "kinds", "colours"]
    assert list(words["known"]) == words["read_where_they_stand"]
    text = format_words(words)
    assert text.splitlines()[:5] == [
        "Words I know, by role:",
        "  moving: travelled, went back",
        "  taking: picked up",
        "  putting down: put down",
        "  giving: handed",
    ]
    assert "  other words: and, in, is, she, the, then, there, to" in text.splitlines()
    assert text.splitlines()[-2:] == [
        '  "Wilhelmina went to the lighthouse." reads like "Mary went to the kitchen."',
        '  "Rex is a dog." reads like "Lily is a swan."',
    ]
    assert "names, places, objects, kinds and colours I never saw are read where they stand" in (
        " ".join(text.splitlines())
    )


def test_the_shipped_model_knows_the_verbs_of_each_action():
    from chatbot.network.folder import describe_words, format_metadata

    words = describe_words()
    assert {"went", "journeyed"} <= set(words["verbs"]["moving"])
    assert {"picked up", "got"} <= set(words["verbs"]["taking"])
    assert "dropped" in words["verbs"]["putting down"] and "gave" in words["verbs"]["giving"]
    assert "mice" in words["classes"]["kinds"] and "gray" in words["classes"]["colours"]
    assert format_metadata(words=True) == format_words(words)
    # Trained on the everyday stories, whose kinds and colours are open: read where they stand.
    assert words["read_where_they_stand"] == ["names", "places", "objects", "kinds", "colours"]
    examples = format_words(words).splitlines()[-2:]
    assert examples[0].startswith('  "Wilhelmina went') and examples[1].startswith('  "Rex is a')
