"""Tests for chatbot.reading.lexicon: per-story slots for names, places and objects, and shapes."""

import json
import random

import pytest

from chatbot.errors import ChatbotError
from chatbot.reading.lexicon import Lexicon, slot
from chatbot.text import tokenize

SENTENCES = ["Mary went to the hallway.", "John got the football there."]
QUESTIONS = ["Is Mary in the hallway?", "Is the football in the hallway?"]
KNOWN = tokenize("went to the got there is in")


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.of_world().learn_shapes(SENTENCES, QUESTIONS)


def test_shapes_set_names_places_objects_and_word_classes_aside(lexicon):
    assert lexicon.shape(tokenize("Is Mary in the hallway?")) == "is NAME in the PLACE"
    assert lexicon.shape(tokenize("The cat is gray.")) == "the KIND is COLOUR"
    assert lexicon.shape(("<name3>", "went", "to", "the", "<place0>")) == "NAME went to the PLACE"
    assert lexicon.sentence_shapes == {
        "NAME went to the PLACE": "Mary went to the hallway.",
        "NAME got the OBJECT there": "John got the football there.",
    }
    assert lexicon.forms == ("Is Mary in the hallway?", "Is the football in the hallway?")


def test_the_generators_held_out_words_have_no_role():
    from chatbot.stories.world import words

    roles = Lexicon.of_world().roles
    assert roles["mary"] == "NAME" and roles["hallway"] == "PLACE" and roles["ball"] == "OBJECT"
    assert not {"saanvi", "lighthouse", "teapot"} & set(roles)
    assert words.HELD_OUT_FEMALE[-1] == "Saanvi"


def test_entities_become_slots_numbered_by_first_mention(lexicon):
    reading = lexicon.read(
        ["Mary went to the hallway.", "John went to the office."], ["Is John in the hallway?"],
        KNOWN,
    )  # fmt: skip
    assert reading.sentences == (
        ("<name0>", "went", "to", "the", "<place0>"),
        ("<name1>", "went", "to", "the", "<place1>"),
    )
    assert reading.questions == (("is", "<name1>", "in", "the", "<place0>"),)
    assert (reading.unknown, reading.left_out, reading.strange, reading.unmentioned) == (
        (), (), (False,), ((),)
    )  # fmt: skip
    assert not reading.refused(0)


def test_kept_words_stay_words(lexicon):
    """Task 20's places and objects mean something of their own (hungry -> kitchen)."""
    reading = lexicon.read(["Mary went to the kitchen."], known=KNOWN)
    assert reading.sentences == (("<name0>", "went", "to", "the", "kitchen"),)
    assert "kitchen" in lexicon.kept


def test_new_words_take_the_role_their_place_in_a_known_shape_gives(lexicon):
    reading = lexicon.read(
        ["Zelda went to the lighthouse.", "Saanvi got the teapot there."],
        ["Is the teapot in the lighthouse?"],
        KNOWN,
    )
    assert reading.roles == {
        "zelda": "NAME", "lighthouse": "PLACE", "saanvi": "NAME", "teapot": "OBJECT",
    }  # fmt: skip
    assert reading.unknown == () and not reading.refused(0)
    assert reading.questions == (("is", "the", "<object0>", "in", "the", "<place0>"),)


def test_words_it_cannot_place_near_misses_and_strange_texts(lexicon):
    reading = lexicon.read(
        ["Mary zorped to the hallway.", "Mary to the hallway went."],
        ["Is Mary in the hallwy?", "Is Mary the hallway in?", "Is Zorblax in the hallway?"],
        KNOWN,
    )
    assert reading.unknown == ("zorped", "hallwy")
    assert reading.near_misses == ("hallwy",)
    assert reading.left_out == (1,)  # known words, a shape never met; 0 has an unknown word
    assert reading.strange == (False, True, False)
    assert reading.unmentioned == ((), (), ("zorblax",))
    assert reading.roles["zorblax"] == "NAME"


def test_training_numbers_slots_at_random_and_the_same_seed_alike(lexicon):
    story = [f"{name} went to the hallway." for name in ("Mary", "John", "Sandra", "Daniel")]
    first = lexicon.read(story, known=KNOWN, rng=random.Random(1))
    assert first == lexicon.read(story, known=KNOWN, rng=random.Random(1))
    names = [sentence[0] for sentence in first.sentences]
    assert len(set(names)) == 4 and names != [slot("NAME", i) for i in range(4)]
    assert lexicon.read(story, known=KNOWN).sentences[3][0] == "<name3>"


def test_save_and_load_give_the_same_lexicon(lexicon):
    text = lexicon.to_json()
    assert Lexicon.from_json(json.loads(text), "lexicon.json") == lexicon
    assert json.loads(text)["format"] == "chatbot-lexicon"


@pytest.mark.parametrize(
    "data",
    [{}, {"format": "chatbot-lexicon"}, [], {"format": "chatbot-lexicon", "roles": {"a": 1}}],
)
def test_a_damaged_lexicon_is_named(lexicon, data):
    if isinstance(data, dict) and len(data) == 2:
        data = {**json.loads(lexicon.to_json()), **data}
    with pytest.raises(ChatbotError) as error:
        Lexicon.from_json(data, "models/x/lexicon.json")
    assert str(error.value) == (
        "models/x/lexicon.json is not a lexicon file; rebuild the model folder"
    )


# ---- open kinds, colours and containers; which wins, a new word or a near miss ----------------

OPEN_SENTENCES = [
    "Lily is a frog.", "Lily is green.", "Mice are afraid of wolves.",
    "The box fits inside the chest.", "The chest is bigger than the box.",
    *SENTENCES,
]  # fmt: skip
OPEN_QUESTIONS = [
    "Is Lily green?",
    "Is Lily afraid of wolves?",
    "Is the box bigger than the chest?",
]
OPEN_KNOWN = (*KNOWN, *tokenize("a are afraid of fits inside bigger than"))


@pytest.fixture(scope="module")
def open_lexicon() -> Lexicon:
    return Lexicon.of_world().learn_shapes(OPEN_SENTENCES, [*QUESTIONS, *OPEN_QUESTIONS])


def test_new_kinds_colours_and_containers_are_read_where_they_stand(open_lexicon):
    reading = open_lexicon.read(
        ["Rex is a dog.", "Dogs are afraid of cats.", "Rex is brown.", "The box fits inside "
         "the wardrobe.", "The piano is bigger than the box."],
        ["Is Rex afraid of cats?", "Is Rex brown?", "Is the piano bigger than the wardrobe?"],
        OPEN_KNOWN,
    )  # fmt: skip
    assert reading.unknown == () and not any(map(reading.refused, range(3)))
    assert reading.roles == {
        "rex": "NAME", "dog": "KIND", "dogs": "KIND", "cats": "KIND", "brown": "COLOUR",
        "box": "OBJECT", "wardrobe": "OBJECT", "piano": "OBJECT",
    }  # fmt: skip
    # A kind and its plural share a slot: "Dogs are afraid of cats." is about Rex's kind.
    assert reading.sentences[:2] == (
        ("<name0>", "is", "a", "<kind0>"),
        ("<kind0>", "are", "afraid", "of", "<kind1>"),
    )
    assert reading.questions[0] == ("is", "<name0>", "afraid", "of", "<kind1>")


def test_a_lexicon_without_the_open_roles_keeps_kinds_and_colours_closed(open_lexicon):
    """A lexicon of before the open roles gives no word the role KIND or COLOUR: it reads as
    before, kinds and colours as the words they are, a new one unknown."""
    roles = {word: role for word, role in open_lexicon.roles.items() if role in ("NAME", "PLACE")}
    classes = {"frog": "KIND", "mice": "KIND", "wolves": "KIND", "green": "COLOUR", "box": "THING"}
    closed = Lexicon(roles, open_lexicon.kept, {**open_lexicon.classes, **classes},
                     open_lexicon.sentence_shapes, open_lexicon.question_shapes)  # fmt: skip
    assert closed.open_roles == ("NAME", "PLACE", "OBJECT")
    known = (*OPEN_KNOWN, *classes)  # its vocabulary holds them as words
    reading = closed.read(["Lily is a frog.", "Rex is a dog."], ["Is Lily green?"], known)
    assert reading.sentences[0] == ("<name0>", "is", "a", "frog")
    assert reading.unknown == ("rex", "dog")


def test_a_new_word_before_a_noun_names_one_new_thing_with_it(lexicon):
    # "ball" is a known object; "tennis" and "living room" are new.
    story = [
        "John got the tennis ball there.",
        "John got the ball there.",
        "Mary went to the living room.",
    ]
    reading = lexicon.read(story, ["Is the tennis ball in the living room?"], KNOWN)
    assert reading.unknown == ()
    assert reading.roles == {"john": "NAME", "tennis ball": "OBJECT", "ball": "OBJECT",
                             "mary": "NAME", "living room": "PLACE"}  # fmt: skip
    tennis_ball, ball = reading.sentences[0][-2], reading.sentences[1][-2]
    assert tennis_ball != ball and reading.questions[0][2] == tennis_ball
    # Two new words that fit nowhere joined are two unknown words.
    apart = lexicon.read(["The boy ran to the hallway."], (), KNOWN)
    assert apart.unknown == ("boy", "ran") and apart.roles == {"hallway": "PLACE"}


def test_a_new_word_that_fits_its_place_wins_over_a_near_miss_unless_the_story_has_the_word(
    lexicon,
):
    # "Sandra" and "hallway" are known; "Sandro" stands as a name, "hallwy" as a place.
    new = lexicon.read(["Sandro went to the hallwy."], ["Is Sandro in the hallwy?"], KNOWN)
    assert new.unknown == () and new.roles == {"sandro": "NAME", "hallwy": "PLACE"}
    # Where the story itself names "hallway", "hallwy" is taken for it, a typo.
    typo = lexicon.read(["Mary went to the hallway."], ["Is Mary in the hallwy?"], KNOWN)
    assert typo.unknown == typo.near_misses == ("hallwy",)
    # One edit from a known word of another role stays new: "towel" beside the place "tower".
    other = lexicon.read(["Mary went to the tower.", "John got the towel there."], (), KNOWN)
    assert other.roles["towel"] == "OBJECT" and other.unknown == ()


def test_two_known_sentence_shapes_joined_by_and_are_known_where_training_joined_facts():
    alone = ["Mary went to the hallway.", "John got the football there."]
    joined = Lexicon.of_world().learn_shapes(
        [*alone, "Mary went to the hallway and John got the football there."], []
    )
    both = "NAME went to the PLACE and NAME got the OBJECT there"
    never = "NAME got the OBJECT there and NAME went to the PLACE"  # not met, yet two known facts
    assert joined.sentence_shapes.joined and never in joined.sentence_shapes
    strict = Lexicon.of_world().learn_shapes(alone, [])
    assert not strict.sentence_shapes.joined and both not in strict.sentence_shapes
    assert "NAME and NAME went to the PLACE" not in joined.sentence_shapes  # "NAME": no shape


def test_a_known_fact_in_a_frame_training_used_is_known_and_a_second_fact_may_lack_its_subject():
    met = [
        "Mary went to the hallway.", "Then John went to the office.", "John went to the office.",
        "Mary got the football there.", "Mary got the football.", "Sandra dropped the apple.",
        "Mary went to the hallway and John got the football.",
    ]  # fmt: skip
    shapes = Lexicon.of_world().learn_shapes(met, []).sentence_shapes
    assert shapes.frames == ({("then",)}, {("there",)})
    assert "then NAME dropped the OBJECT" in shapes  # a frame met around another fact
    assert "then NAME dropped the OBJECT there" in shapes
    assert "NAME went to the PLACE and then dropped the OBJECT" in shapes  # Mary dropped it
    assert "NAME went to the PLACE and dropped the OBJECT there" in shapes
    assert "afterwards NAME dropped the OBJECT" not in shapes  # a frame never met
    assert "NAME dropped the OBJECT NAME" not in shapes  # a frame names no one
    assert "NAME and NAME went to the PLACE" not in shapes
    assert "then" not in shapes and "NAME went to the PLACE and then" not in shapes
    strict = Lexicon.of_world().learn_shapes(met[:-1], []).sentence_shapes  # never joined
    assert "NAME went to the PLACE and then dropped the OBJECT" not in strict
    assert "then NAME dropped the OBJECT" in strict  # frames do not need joined facts


def test_joined_shapes_are_not_saved_and_load_as_known():
    sentences = ["Mary went to the hallway.", "John got the football there.",
                 "Mary went to the hallway and John got the football there."]  # fmt: skip
    lexicon = Lexicon.of_world().learn_shapes(sentences, [])
    saved = json.loads(lexicon.to_json())
    assert sorted(saved["sentence_shapes"]) == [
        "NAME got the OBJECT there", "NAME went to the PLACE"
    ]  # fmt: skip
    assert saved["joined_sentences"] is True
    loaded = Lexicon.from_json(saved, "lexicon.json")
    assert all(shape in loaded.sentence_shapes for shape in lexicon.sentence_shapes)
    older = {key: value for key, value in saved.items() if key != "joined_sentences"}
    older["sentence_shapes"] = dict(lexicon.sentence_shapes)  # before: every shape met, kept
    assert Lexicon.from_json(older, "lexicon.json").sentence_shapes.joined


def test_a_lexicon_whose_joined_flag_is_not_true_or_false_is_refused():
    saved = json.loads(Lexicon.of_world().to_json())
    with pytest.raises(ChatbotError, match="is not a lexicon file; rebuild the model folder"):
        Lexicon.from_json({**saved, "joined_sentences": "yes"}, "lexicon.json")
