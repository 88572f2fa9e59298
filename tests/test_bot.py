"""The Chatbot: answers from the model's outputs, refusals, memory, loading in the background.

A tiny untrained model (conftest's tiny_model_dir) checks the wiring; answer quality is checked
only where the shipped default model is present.
"""

import json

import numpy as np
import pytest
from conftest import TINY_WORDS

from chatbot.answering.bot import Answer, Chatbot, as_sentences, is_question
from chatbot.errors import ChatbotError
from chatbot.reading.features import encode_question, encode_story
from chatbot.untrusted import read_story

STORY = ["Mary moved to the bathroom.", "Sandra journeyed to the bedroom."]


MAX_SENTENCES = 4  # the tiny model's memory (conftest.TINY_SIZES)


@pytest.fixture(scope="module")
def model_dir(tiny_model_dir):
    return tiny_model_dir


@pytest.fixture(scope="module")
def bot(model_dir):
    return Chatbot.load(model_dir)


def test_answer_is_the_models_most_probable_label_with_its_attention(bot):
    answer = bot.answer(STORY, "Is Mary in the bathroom?")
    config = bot.config
    reading = bot.read(STORY, ["Is Mary in the bathroom?"])
    assert reading.questions == (("is", "<name0>", "in", "the", "<place0>"),)
    encoded = encode_story(reading.sentences, bot.vocabulary, config.max_sentences, 10)
    question, _ = encode_question(reading.questions[0], bot.vocabulary, config.max_question_words)
    probabilities, attention = bot.bundle.predict(encoded.ids[None], question[None])
    best = int(np.argmax(probabilities[0]))
    assert answer.label == ["yes", "no", "maybe"][best]
    assert answer.confidence == pytest.approx(float(probabilities[0][best]))
    # Right-aligned memory: the two sentences sit in the last two slots.
    by_sentence = dict(answer.support)
    assert by_sentence == pytest.approx(
        {STORY[0]: float(attention[0][-2]), STORY[1]: float(attention[0][-1])}
    )
    assert sum(by_sentence.values()) == pytest.approx(1.0, abs=1e-4)
    weights = [weight for _, weight in answer.support]
    assert weights == sorted(weights, reverse=True)
    assert (answer.unknown_words, answer.reason, answer.truncated, answer.left_out) == (
        (), None, 0, ()
    )  # fmt: skip


def test_typed_text_case_and_punctuation_do_not_matter(bot):
    typed = bot.answer("mary moved to the BATHROOM sandra journeyed to the bedroom", "x")
    assert typed.reason is not None  # "x" is no question
    assert as_sentences("Mary moved to the bathroom. Sandra journeyed to the bedroom.") == STORY
    one = bot.answer(STORY, "Is Mary in the bathroom?")
    other = bot.answer(
        "Mary moved to the bathroom! sandra journeyed to the bedroom", "is MARY in the bathroom"
    )
    assert other.label == one.label
    assert other.confidence == pytest.approx(one.confidence)


def test_unknown_words_are_named_with_the_closest_known_words(bot):
    # "Marry" is one letter from "Mary", a name where a name stands: a typo, not a new name.
    # "zorblax" stands where a place stands: a new place, understood.
    answer = bot.answer(STORY, "Is Marry in the zorblax?")
    assert answer.label is None and answer.confidence == 0.0
    assert answer.unknown_words == ("marry",)
    assert answer.reason.startswith('I don\'t know the word "marry" (closest: mary, ')
    both = bot.answer(STORY, "Is Marry zorped in the kitchen?")
    assert both.unknown_words == ("marry", "zorped")
    assert both.reason.startswith('I don\'t know the words "marry" (closest: mary, ')
    story_word = bot.answer(
        ["Mary moved to the bathroom.", "Bob went home."], "Is Mary in the bathroom?"
    )
    assert story_word.unknown_words == ("bob", "home")
    # When it cannot answer, support still lists every story sentence, with weight 0.
    assert answer.support == ((STORY[0], 0.0), (STORY[1], 0.0))


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        (
            "Where is Mary?",
            'I answer yes/no questions, like "Is Mary in the kitchen?", not "where" questions',
        ),
        (
            "Mary in the bathroom?",
            'I answer yes/no questions, which begin with a word like "is" or "does" '
            '(as in "Is Mary in the kitchen?")',
        ),
        ("?", 'there is no question in that; ask like "Is Mary in the kitchen?"'),
        (
            "Is Mary in the bathroom or the bedroom or the kitchen or",
            "the question has 12 words and I read at most 10; ask it shorter",
        ),
    ],
)
def test_questions_it_will_not_guess(bot, question, reason):
    answer = bot.answer(STORY, question)
    assert (answer.label, answer.reason) == (None, reason)


def bot_of(bundle) -> Chatbot:
    return Chatbot(bundle)


def test_empty_story_and_overlong_sentences_are_refused(bot, tiny_bundle):
    assert bot.answer([], "Is Mary in the bathroom?").reason == (
        'the story is empty; tell me one first, like "Mary went to the kitchen."'
    )
    long = "Mary is either in the office or the kitchen."  # 9 words, of a shape it knows
    small = bot_of(tiny_bundle(max_words=6))
    assert small.answer([long], "Is Mary in the office?").reason == (
        '"Mary is either in the office or the k..." has 9 words and I read at most 6 per '
        "sentence; split it into shorter sentences"
    )
    assert small.check_statement(long) == small.too_long(long)
    # A long sentence of a shape never met is not understood, whatever its length.
    odd = "Mary moved to the bathroom to the bedroom to the kitchen"
    assert bot.check_statement(odd).startswith(f'I don\'t understand sentences like "{odd}"; ')
    assert bot.check_statement("Bob went home.").startswith('I don\'t know the words "bob"')
    assert bot.check_statement("Mary went to the kitchen.") is None


def test_a_story_longer_than_the_memory_drops_its_oldest_sentences(bot):
    story = [f"Mary moved to the {place}." for place in ("bathroom", "bedroom", "hallway")] * 2
    answer = bot.answer(story, "Is Mary in the bathroom?")
    assert answer.truncated == len(story) - MAX_SENTENCES
    remembered = {sentence for sentence, weight in answer.support[:MAX_SENTENCES]}
    assert remembered == set(story[-MAX_SENTENCES:])
    assert answer.support[MAX_SENTENCES:] == tuple((s, 0.0) for s in story[:2])


def test_to_json_has_the_keys_ask_prints(bot):
    data = bot.answer(STORY, "Is Mary in the bathroom?").to_json()
    assert list(data) == [
        "answer", "confidence", "support", "unknown_words", "reason", "left_out", "steps"
    ]  # fmt: skip
    assert [item["sentence"] for item in data["support"]] == [
        s for s, _ in bot.answer(STORY, "Is Mary in the bathroom?").support
    ]
    # One list per reading step like `support`, the last one being `support`.
    assert len(data["steps"]) == bot.bundle.steps and data["steps"][-1] == data["support"]
    json.dumps(data)  # plain JSON types only
    refused = Answer(None, 0.0, (("A.", 0.0),), ("zorblax",), "why", 0).to_json()
    assert refused == {
        "answer": None,
        "confidence": 0.0,
        "support": [{"sentence": "A.", "weight": 0.0}],
        "unknown_words": ["zorblax"],
        "reason": "why",
        "left_out": [],
        "steps": [],
    }


def test_loading_in_the_background_gives_the_same_answers(bot, model_dir):
    background = Chatbot.load(model_dir, wait=False)
    assert background.known_words == bot.known_words and background.memory == MAX_SENTENCES
    assert background.check_statement("Bob went home.") == bot.check_statement("Bob went home.")
    assert background.answer(STORY, "Is Mary in the bathroom?") == bot.answer(
        STORY, "Is Mary in the bathroom?"
    )


def test_missing_and_damaged_model_folders_are_one_line_errors(tmp_path, model_dir):
    for wait in (True, False):
        with pytest.raises(ChatbotError, match="does not exist"):
            Chatbot.load(tmp_path / "nothing", wait=wait)
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    for file in model_dir.iterdir():
        (damaged / file.name).write_bytes(file.read_bytes())
    (damaged / "model.keras").write_bytes(b"not a zip file")
    with pytest.raises(ChatbotError, match="cannot load"):
        Chatbot.load(damaged)
    background = Chatbot.load(damaged, wait=False)  # the small files are fine: it starts
    with pytest.raises(ChatbotError, match="cannot load"):
        background.answer(STORY, "Is Mary in the bathroom?")


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("Is Mary in the kitchen?", True),
        ("is mary in the kitchen", True),
        ("DOES the box fit in the chest", True),
        ("Where is Mary", True),
        ("Mary is in the kitchen?", True),
        ("Mary is in the kitchen.", False),
        ("The triangle is above the box", False),
        ("", False),
    ],
)
def test_is_question(text, question):
    assert is_question(text) is question


def test_read_story(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Mary moved to the bathroom.\nSandra journeyed to the bedroom.\n")
    assert as_sentences(read_story(path)) == STORY
    with pytest.raises(ChatbotError, match="no such file"):
        read_story(tmp_path / "missing.txt")
    with pytest.raises(ChatbotError, match="is a folder"):
        read_story(tmp_path)
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(ChatbotError, match="not UTF-8"):
        read_story(path)


def test_the_default_model_answers_the_contract_story():
    bot = Chatbot.load()
    story = [
        "Mary moved to the bathroom.",
        "Sandra journeyed to the bedroom.",
    ]
    assert bot.answer(story, "Is Mary in the bathroom?").label == "yes"
    assert bot.answer(story, "is sandra in the BATHROOM").label == "no"
    story.append("Mary is either in the office or the kitchen.")
    assert bot.answer(story, "Is Mary in the office?").label == "maybe"
    assert bot.answer(story, "Is Zorblax in the kitchen?").reason == (
        'the story never mentions "Zorblax"; ask about someone or something in it'
    )
    story.append("Alice went to the library.")  # a new name and a new place: understood
    assert bot.answer(story, "Is Alice in the library?").label == "yes"


@pytest.mark.slow
def test_keras_runs_on_tensorflow_whatever_the_environment_says():
    import subprocess
    import sys

    environment = dict(__import__("os").environ, KERAS_BACKEND="jax")
    code = (
        "import chatbot, os; before = os.environ['KERAS_BACKEND']; "
        "from chatbot.network.backend import keras; print(before, keras.backend.backend())"
    )
    printed = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    assert printed.stdout.split() == ["jax", "tensorflow"]  # `import chatbot` changes nothing


# Issue 12: names, places and objects it never saw; what it does not understand, it says.

OBJECT_WORDS = [*TINY_WORDS, "Sandra got the ball there.", "Is the ball in the bedroom?"]


@pytest.fixture(scope="module")
def object_bot(tiny_bundle):
    """The tiny model, also trained (in shapes) on an object sentence and question."""
    return bot_of(tiny_bundle(OBJECT_WORDS))


def test_new_names_places_and_objects_read_as_known_ones_and_are_answered(object_bot):
    known = ["Mary went to the hallway.", "Sandra got the ball there."]
    new = ["Saanvi went to the lighthouse.", "Zelda got the teapot there."]  # never in training
    for question, other in [
        ("Is Mary in the hallway?", "Is Saanvi in the lighthouse?"),
        ("Is the ball in the hallway?", "Is the teapot in the lighthouse?"),
    ]:
        reading, new_reading = object_bot.read(known, [question]), object_bot.read(new, [other])
        assert (new_reading.sentences, new_reading.questions) == (
            reading.sentences,
            reading.questions,
        )
        answer, new_answer = object_bot.answer(known, question), object_bot.answer(new, other)
        assert new_answer.reason is None and new_answer.label is not None
        assert (new_answer.label, new_answer.confidence) == (answer.label, answer.confidence)
    roles = object_bot.read(new).roles
    assert (roles["saanvi"], roles["zelda"], roles["lighthouse"], roles["teapot"]) == (
        "NAME", "NAME", "PLACE", "OBJECT"
    )  # fmt: skip
    assert object_bot.unknown_words("Zelda went to the lighthouse.") == ()


def test_an_unknown_word_in_another_role_is_refused_by_name(bot):
    story = ["Mary zorped to the kitchen."]
    assert bot.check_statement(story[0]).startswith('I don\'t know the word "zorped"')
    answer = bot.answer(story, "Is Mary in the kitchen?")
    assert (answer.label, answer.unknown_words) == (None, ("zorped",))
    assert answer.reason.startswith('I don\'t know the word "zorped"')


def test_a_near_miss_of_a_known_word_is_refused_with_the_word_suggested(bot):
    story = ["Mary went to the kitchen."]
    assert bot.read(story, ["Is Mary in the kitchn?"]).near_misses == ("kitchn",)
    answer = bot.answer(story, "Is Mary in the kitchn?")
    assert (answer.label, answer.unknown_words) == (None, ("kitchn",))
    assert answer.reason.startswith('I don\'t know the word "kitchn" (closest: kitchen')


def test_a_question_about_someone_or_something_never_mentioned_is_refused(bot, object_bot):
    story = ["Mary went to the kitchen."]
    assert bot.answer(story, "Is Zorblax in the kitchen?").reason == (
        'the story never mentions "Zorblax"; ask about someone or something in it'
    )
    assert object_bot.answer(story, "Is the teapot in the kitchen?").reason == (
        'the story never mentions "teapot"; ask about someone or something in it'
    )
    # Known names and objects are asked about in training though the story never mentions
    # them ("Is Sandra carrying the milk?": no), and a place may be new: these are answered.
    assert bot.answer(story, "Is Sandra in the kitchen?").reason is None
    assert object_bot.answer(story, "Is the ball in the kitchen?").reason is None
    assert bot.answer(story, "Is Mary in the bathroom?").reason is None


def test_a_question_of_a_shape_never_met_is_refused_with_an_example(bot):
    question = "Is Mary either in the office or the kitchen?"  # known words, unknown shape
    answer = bot.answer(["Mary is either in the office or the kitchen."], question)
    assert (answer.label, answer.unknown_words) == (None, ())
    assert answer.reason == (
        f'I don\'t understand questions like "{question}"; I understand questions like '
        '"Is Mary in the bathroom?"'
    )
    assert bot.forms == ("Is Mary in the bathroom?",)


def test_a_sentence_of_a_shape_never_met_is_left_out_and_the_rest_answered(bot):
    # Known words, unknown shape; it names no one the kept sentences do not (so the slots agree).
    odd = "Mary went to the hallway or the bedroom."
    kept = ["Sandra journeyed to the bedroom.", "Mary moved to the hallway."]
    answer = bot.answer([kept[0], odd, kept[1]], "Is Mary in the hallway?")
    assert answer.left_out == (odd,) and answer.to_json()["left_out"] == [odd]
    assert answer.reason is None and {sentence for sentence, _ in answer.support} == set(kept)
    without = bot.answer(kept, "Is Mary in the hallway?")
    assert (answer.label, answer.confidence) == (without.label, without.confidence)
    assert bot.left_out_notice(odd) == (
        f'I don\'t understand sentences like "{odd}"; I understand sentences like '
        '"John went to the hallway."; I left that sentence out of the story'
    )


def test_a_250_sentence_story_is_remembered_whole_from_its_first_sentence(tiny_bundle):
    from chatbot.config import TrainConfig
    from chatbot.frontends.repl import Session

    memory = TrainConfig().memory
    assert memory == 256
    long_bot = bot_of(tiny_bundle(max_sentences=memory))
    story = ["Mary went to the kitchen."] + [
        f"{name} went to the hallway." for name in ("John", "Sandra") * 125
    ][:249]
    answer = long_bot.answer(story, "Is Mary in the kitchen?")
    assert answer.reason is None and answer.truncated == 0
    assert len(answer.support) == 250 and dict(answer.support)[story[0]] > 0
    session = Session(long_bot)
    for sentence in story:
        assert session.handle(sentence) == []  # no notice: nothing drops out of memory
    shown = session.handle(":story")[0].text.splitlines()
    assert len(shown) == 250 and shown[0] == "  1. Mary went to the kitchen."
    assert not any("(forgotten)" in line for line in shown)


def test_the_session_leaves_out_a_told_sentence_of_an_unknown_form_and_lists_the_forms(bot):
    from chatbot.frontends.repl import HELP, NOTICE, Reply, Session

    session = Session(bot)
    odd = "Mary went to the hallway or the bedroom."
    assert session.handle(odd) == [Reply(bot.left_out_notice(odd), NOTICE)]
    assert session.handle(odd)[0].text.endswith("; I left that sentence out of the story")
    assert session.story == []
    assert session.handle(":help") == [
        Reply(f"{HELP}\nQuestions I understand (one of each form):\n  Is Mary in the bathroom?")
    ]


def test_the_session_will_not_answer_from_what_is_left_of_a_story_it_could_not_read(bot):
    """A told sentence it could not read (a new verb here) is left out with a notice; a question
    about the person it names is refused, until a later sentence says where she went."""
    from chatbot.frontends.repl import ANSWER, Reply, Session

    session = Session(bot)
    session.handle("Mary moved to the bathroom. Mary zorbled to the bedroom.")
    refusal = 'cannot answer: I could not read "Mary zorbled to the bedroom.", which is about Mary'
    assert session.handle("Is Mary in the bedroom?") == [Reply(refusal, ANSWER)]
    assert session.handle("Is Sandra in the bedroom?")[0].text.startswith(("yes", "no", "maybe"))
    session.handle("Mary journeyed to the bedroom.")
    assert session.handle("Is Mary in the bedroom?")[0].text.startswith(("yes", "no", "maybe"))
