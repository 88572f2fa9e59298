"""Tests for chatbot.reading.unread: no answer built on a sentence it could not read."""

import pytest

from chatbot.reading.lexicon import Lexicon
from chatbot.reading.unread import needed_unread
from chatbot.text import tokenize

ROLES = {
    **dict.fromkeys(["priya", "kwame", "lily", "bernhard", "gertrude"], "NAME"),
    **dict.fromkeys(["kitchen", "attic", "garden"], "PLACE"),
    "lantern": "OBJECT",
}
CLASSES = {"swan": "KIND", "sheep": "KIND", "wolves": "KIND", "white": "COLOUR", "box": "THING"}


def needed(story: list[str], left_out: set[int], question: str):
    words = [tuple(tokenize(sentence)) for sentence in story]
    return needed_unread(words, left_out, tokenize(question), ROLES, CLASSES)


@pytest.mark.parametrize(
    "story, left_out, question, want",
    [
        # the asked person; another person's question is answered from the rest
        (["Priya went to the kitchen.", "Then Priya went to the attic."], {1},
         "Is Priya in the attic?", (1, ("priya",))),
        (["Kwame went to the kitchen.", "Then Priya went to the attic."], {1},
         "Is Kwame in the attic?", None),
        # a later move of the same person replaces it; "is not in" does not, nor a time phrase
        (["Then Priya went to the attic.", "Priya went to the garden."], {0},
         "Is Priya in the attic?", None),
        (["Then Priya went to the attic.", "Priya is not in the garden."], {0},
         "Is Priya in the attic?", (0, ("priya",))),
        (["Yesterday Priya went off to the attic.", "Priya went to the garden."], {0},
         "Is Priya in the attic?", (0, ("priya",))),
        # a move does not replace a sentence about an object
        (["Priya snatched the lantern.", "Priya went to the garden."], {0},
         "Is Priya carrying the lantern?", (0, ("priya", "lantern"))),
        # an asked object's carrier
        (["Priya picked up the lantern.", "Then Priya went to the attic."], {1},
         "Is the lantern in the attic?", (1, ("priya",))),
        (["Priya picked up the lantern.", "Then Kwame went to the attic."], {1},
         "Is the lantern in the attic?", None),
        # a pronoun names the people of the sentence before it
        (["Priya went to the kitchen.", "Then she zorbled to the attic."], {1},
         "Is Priya in the attic?", (1, ("priya",))),
        # the other members of an asked animal's kind, and the kind itself
        (["Lily is a swan.", "Bernhard is a swan.", "Lily zorbled white."], {2},
         "Is Bernhard white?", (2, ("lily",))),
        (["Gertrude is a sheep.", "Sheep are scared of wolves."], {1},
         "Is Gertrude afraid of wolves?", (1, ("sheep",))),
        (["Gertrude is a swan.", "Sheep are scared of wolves."], {1},
         "Is Gertrude afraid of wolves?", None),
        # things; places only when the question names no one and nothing
        (["The box fits in the suitcase."], {0}, "Is the box bigger than the chocolate?",
         (0, ("box",))),
        (["The attic is up from the kitchen.", "Priya went to the kitchen."], {0},
         "Is Priya in the kitchen?", None),
        (["The attic is up from the kitchen."], {0}, "Is the kitchen north of the garden?",
         (0, ("kitchen",))),
        ([], set(), "Is Priya in the attic?", None),
    ],
)  # fmt: skip
def test_which_left_out_sentence_an_answer_needs(story, left_out, question, want):
    assert needed(story, left_out, question) == want


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.of_world().learn_shapes(
        ["Mary went to the hallway."], ["Is Mary in the hallway?"]
    )


KNOWN = tokenize("then went to the is in")


def test_the_reading_refuses_a_question_that_needs_a_sentence_left_out(lexicon):
    story = [
        "Mary went to the hallway.",
        "Then Mary went to the office.",
        "John went to the office.",
    ]
    reading = lexicon.read(story, ["Is Mary in the office?", "Is John in the office?"], KNOWN)
    assert reading.left_out == (1,)
    assert reading.unread == ((1, ("mary",)), None)
    assert reading.refused(0) and not reading.refused(1)


def test_sentences_the_caller_left_out_are_neither_placed_nor_unknown(lexicon):
    """A conversation leaves out a sentence with a word it does not know, with a notice; its
    words are not reported again with every question, but the rule still sees it."""
    story = ["Mary went to the hallway.", "Mary zorbled to the office."]
    reading = lexicon.read(story, ["Is Mary in the office?"], KNOWN, unreadable=[1])
    assert (reading.unknown, reading.left_out, reading.unread) == ((), (1,), ((1, ("mary",)),))
    assert reading.sentences[1] == tuple(tokenize(story[1]))
    plain = lexicon.read(story, ["Is Mary in the office?"], KNOWN)
    assert plain.unknown == ("zorbled",) and plain.unread == (None,)


def test_kinds_may_be_roles_where_the_lexicon_opens_them():
    """A model trained with open kinds gives "dog" the role KIND, not a closed class."""
    roles = {"rex": "NAME", "fido": "NAME", "dog": "KIND", "dogs": "KIND", "cats": "KIND"}
    story = [("rex", "is", "a", "dog"), ("dogs", "are", "scared", "of", "cats")]
    question = ("is", "rex", "afraid", "of", "cats")
    assert needed_unread(story, {1}, question, roles, {}) == (1, ("dogs",))
    members = story[:1] + [("fido", "is", "a", "dog"), ("fido", "zorbled", "cats")]
    assert needed_unread(members, {2}, question, roles, {}) == (2, ("fido",))
