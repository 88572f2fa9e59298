"""The rule-based reader (chatbot.stories.rule_reader) and its answers to the question forms."""

import subprocess
import sys

import pytest

from chatbot.errors import ChatbotError
from chatbot.stories.rule_reader import Reader, parse, plural, singular
from chatbot.stories.yesno import answer, answer_from

MOVES = [
    "Mary moved to the bathroom.",
    "Then she went to the garden.",
    "John and Sandra travelled to the office.",
    "Afterwards they journeyed to the hallway.",
    "Daniel went back to the kitchen.",
    "Following that he went to the bedroom.",
]


@pytest.mark.parametrize(
    "question, expected",
    [
        ("Is Mary in the garden?", "yes"),
        ("Is Mary in the bathroom?", "no"),
        ("Is John in the hallway?", "yes"),
        ("Is Sandra in the hallway?", "yes"),
        ("Is Sandra in the office?", "no"),
        ("Is Daniel in the bedroom?", "yes"),
        ("Is Daniel not in the bedroom?", "no"),
        ("Is Daniel not in the kitchen?", "yes"),
        ("Is Fred in the kitchen?", "maybe"),  # never named: the story leaves it open
    ],
)
def test_people_move_with_pronouns_and_conjunctions(question, expected):
    assert answer(MOVES, question) == expected


@pytest.mark.parametrize(
    "story, question, expected",
    [
        (["Fred is either in the school or the park."], "Is Fred in the park?", "maybe"),
        (["Fred is either in the school or the park."], "Is Fred in the office?", "no"),
        (["Fred is either in the school or the park."], "Is Fred not in the park?", "maybe"),
        (["Fred is either in the school or the park."], "Is Fred not in the office?", "yes"),
        (["Mary is no longer in the bedroom."], "Is Mary in the bedroom?", "no"),
        (["Mary went to the bedroom.", "Mary is not in the bedroom."],
         "Is Mary in the bedroom?", "no"),
        (["Mary is no longer in the bedroom."], "Is Mary in the kitchen?", "maybe"),
        (["Fred is either in the school or the park.", "Fred is in the office."],
         "Is Fred in the office?", "yes"),
    ],
)  # fmt: skip
def test_negation_and_either_or(story, question, expected):
    assert answer(story, question) == expected


OBJECTS = [
    "Mary moved to the bathroom.",
    "Mary got the football there.",
    "Mary grabbed the milk.",
    "Mary went to the garden.",
    "John went to the garden.",
    "Mary dropped the milk.",
    "Mary handed the football to John.",
    "John travelled to the kitchen.",
]


@pytest.mark.parametrize(
    "question, expected",
    [
        ("Is the milk in the garden?", "yes"),
        ("Is the football in the kitchen?", "yes"),  # given to John, who carried it there
        ("Is the football in the garden?", "no"),
        ("Was the football in the garden before the kitchen?", "yes"),
        ("Was the football in the bathroom before the kitchen?", "yes"),
        ("Was the milk in the kitchen before the garden?", "no"),
        ("Did Mary give the football to John?", "yes"),
        ("Did John give the football to Mary?", "no"),
        ("Did Mary give the milk to John?", "no"),
        ("Did Mary give the football?", "yes"),
        ("Did John give the football?", "no"),
        ("Did John receive the football?", "yes"),
        ("Did John receive the milk?", "no"),
        ("Is Mary carrying no objects?", "yes"),
        ("Is John carrying one object?", "yes"),
        ("Is John carrying two objects?", "no"),
        ("Is Mary carrying anything?", "no"),
        ("Is John carrying the football?", "yes"),
        ("Is John carrying the milk?", "no"),
    ],
)
def test_objects_move_with_their_carrier(question, expected):
    assert answer(OBJECTS, question) == expected


def test_an_object_with_a_carrier_of_unknown_whereabouts_is_maybe_there():
    story = ["Mary went to the hall.", "Mary took the apple.", "Mary is not in the hall."]
    assert answer(story, "Is the apple in the hall?") == "no"
    assert answer(story, "Is the apple in the garden?") == "maybe"


TIMES = [
    "Mary went to the school yesterday.",
    "This afternoon Mary journeyed to the cinema.",
    "Mary went back to the park this morning.",
    "This evening Mary travelled to the office.",
]


@pytest.mark.parametrize(
    "question, expected",
    [
        ("Was Mary in the park before the cinema?", "yes"),  # morning comes before afternoon
        ("Was Mary in the school before the cinema?", "yes"),  # true in plain English, too
        ("Was Mary in the office before the cinema?", "no"),
        ("Was Mary in the cinema before the park?", "no"),
        ("Is Mary in the office?", "yes"),
    ],
)
def test_times_of_day_order_the_visits(question, expected):
    assert answer(TIMES, question) == expected


DIRECTIONS = [
    "The office is north of the kitchen.",
    "The garden is north of the office.",
    "The hallway is east of the garden.",
]


@pytest.mark.parametrize(
    "question, expected",
    [
        ("Is the office north of the kitchen?", "yes"),
        ("Is the kitchen south of the office?", "yes"),  # the reverse
        ("Is the garden north of the kitchen?", "yes"),  # a chain in the same direction
        ("Is the kitchen north of the office?", "no"),  # the link the wrong way round
        ("Is the hallway north of the kitchen?", "no"),
        ("Can you get from the kitchen to the garden by going north and then north?", "yes"),
        ("Can you get from the office to the hallway by going north and then east?", "yes"),
        ("Can you get from the hallway to the office by going west and then south?", "yes"),
        ("Can you get from the office to the hallway by going east and then north?", "no"),
    ],
)
def test_directions_reverse_and_chain(question, expected):
    assert answer(DIRECTIONS, question) == expected


ANIMALS = [
    "Mice are afraid of wolves.",
    "Gertrude is a mouse.",
    "Lily is a swan.",
    "Lily is white.",
    "Bernhard is a swan.",
    "Julius is a swan.",
    "Julius is gray.",
    "Greg is a frog.",
]


@pytest.mark.parametrize(
    "question, expected",
    [
        ("Is Gertrude afraid of wolves?", "yes"),
        ("Is Gertrude afraid of cats?", "no"),
        ("Is Lily white?", "yes"),
        ("Is Bernhard gray?", "yes"),  # Julius's kind was told after Lily's
        ("Is Bernhard white?", "no"),
        ("Is Greg gray?", "no"),  # no frog's colour is known
    ],
)
def test_kinds_fears_and_colours(question, expected):
    assert answer(ANIMALS, question) == expected


@pytest.mark.parametrize(
    "story, question, expected",
    [
        (["The triangle is above the pink rectangle.",
          "The blue square is to the left of the triangle."],
         "Is the pink rectangle to the right of the blue square?", "yes"),
        (["The triangle is above the pink rectangle.",
          "The blue square is to the left of the triangle."],
         "Is the blue square below the pink rectangle?", "no"),
        (["The box fits inside the chest.", "The chest is bigger than the suitcase.",
          "The container is bigger than the box."], "Does the box fit in the container?", "yes"),
        (["The box fits inside the chest.", "The suitcase is bigger than the chest."],
         "Is the suitcase bigger than the box?", "yes"),
        (["The box fits inside the chest.", "The suitcase is bigger than the chest."],
         "Does the suitcase fit in the box?", "no"),
    ],
)  # fmt: skip
def test_positions_and_sizes(story, question, expected):
    assert answer(story, question) == expected


MOODS = [
    "Sumit is tired.",
    "Sumit went back to the bedroom.",
    "Sumit grabbed the pajamas there.",
    "Sumit is hungry.",
    "Sumit went to the bedroom.",
    "Sumit took the milk there.",
]


@pytest.mark.parametrize(
    "question, expected",
    [
        ("Will Sumit go to the kitchen?", "yes"),
        ("Will Sumit go to the bedroom?", "no"),
        ("Did Sumit go to the bedroom because he was tired?", "yes"),  # the first time
        ("Did Sumit go to the bedroom because they were tired?", "yes"),
        ("Did Sumit go to the bedroom because he was hungry?", "no"),  # hunger sends elsewhere
        ("Did Sumit get the pajamas because she was tired?", "yes"),
        ("Did Sumit get the pajamas because he was bored?", "no"),
        ("Did Sumit get the milk because he was hungry?", "no"),  # hunger: the apple
    ],
)
def test_moods(question, expected):
    assert answer(MOODS, question) == expected


def test_an_object_left_where_the_story_is_unsure_is_where_its_carrier_was():
    story = [
        "Mary went to the hall.",
        "Mary took the apple.",
        "Mary is either in the den or the hall.",
    ]
    dropped = [*story, "Mary dropped the apple.", "Mary went to the attic."]
    assert answer(dropped, "Is the apple in the den?") == "maybe"
    assert answer(dropped, "Is the apple in the attic?") == "no"
    negated = ["Mary took the apple.", "Mary is no longer in the den.", "Mary left the apple."]
    assert answer(negated, "Is the apple in the den?") == "no"
    assert answer(negated, "Is the apple in the hall?") == "maybe"


def test_reading_incrementally_gives_the_same_answers_as_reading_afresh():
    reader = Reader()
    for count, sentence in enumerate(MOVES, start=1):
        reader.read(sentence)
        for name in ("Mary", "Sandra", "Daniel"):
            question = f"Is {name} in the hallway?"
            assert answer_from(reader, question) == answer(MOVES[:count], question)


def test_sentences_parse_into_actions_with_times():
    assert parse("Yesterday Julie went to the office.") == (
        "move",
        (("who", "Julie"), ("place", "office")),
        0,
    )
    assert parse("After that she went back to the bedroom.")[:2] == (
        "move",
        (("who", "she"), ("place", "bedroom")),
    )
    assert parse("The box of chocolates fits inside the chest.")[1] == (
        ("a", "box of chocolates"),
        ("b", "chest"),
    )


def test_kinds_in_singular_and_plural():
    assert [singular(word) for word in ("mice", "wolves", "sheep", "cats", "foxes")] == [
        "mouse",
        "wolf",
        "sheep",
        "cat",
        "fox",
    ]
    assert [plural(word) for word in ("mouse", "wolf", "sheep", "cat")] == [
        "mice",
        "wolves",
        "sheep",
        "cats",
    ]


@pytest.mark.parametrize(
    "story, question, message",
    [
        (["Mary flew to the moon."], "Is Mary in the moon?", "cannot read the sentence"),
        (["He went to the garden."], "Is Mary in the garden?", "before anyone is named"),
        (["Mary went to the garden."], "Where is Mary?", "not a question form"),
        (["Mary went to the garden."], "is mary in the garden?", "not a question form"),
    ],
)
def test_what_it_cannot_read_is_a_one_line_error(story, question, message):
    with pytest.raises(ChatbotError, match=message) as error:
        answer(story, question)
    assert "\n" not in str(error.value)


def test_the_reader_imports_nothing_from_the_generator():
    code = (
        "import sys, chatbot.stories.yesno, chatbot.stories.convert; "
        "print('chatbot.stories.world' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_a_story_given_as_one_text_is_split_into_sentences():
    story = "John and Mary went to the den. Then they went to the hall."
    assert answer(story, "Is Mary in the hall?") == "yes"
    assert answer(story, "Is John in the den?") == "no"
