"""The shipped default model: it loads from the package and answers stories it never saw."""

import pytest

from chatbot.evaluation.evaluate import evaluate
from chatbot.network.folder import default_model_dir, load_model_dir, read_metadata
from chatbot.stories import babi, world

pytestmark = pytest.mark.slow  # loads and runs the shipped model on thousands of questions

# The default model was trained on generated stories of seed 0 (train split); these come from
# another seed and the test split (held-out names, places and objects too), so none of their
# stories were seen in training.
UNSEEN_SEED = 20261127
QUESTIONS_PER_TASK = 200
# What the shipped model reaches on each task of these questions, less about five points (the
# step network of issue 21 got 100% on tasks 1, 2, 5, 6, 8-16, 18 and 20, 99.5% on 17, 99% on
# the mixed stories, 97.5% on 7, 96% on 4, 94.5% on 19 and 88.5% on 3). The target is 99% on
# every task (see docs/BENCHMARKS.md); these floors keep a retrained model from quietly doing
# worse.
FLOORS = {
    **{f"qa{task}": 0.97 for task in range(1, 21)},
    "qa3": 0.83, "qa4": 0.91, "qa7": 0.92, "qa17": 0.94, "qa19": 0.89, "mix": 0.94,
}  # fmt: skip


@pytest.fixture(scope="module")
def bot():
    from chatbot.answering.bot import Chatbot

    return Chatbot.load()


def test_the_default_model_is_shipped_and_was_trained_on_generated_stories_only():
    assert (default_model_dir() / "model.keras").is_file()
    sources = read_metadata()["training"]["data"]
    assert [source["path"] for source in sources] == ["generated"]
    assert sources[0]["tasks"] == [str(task) for task in world.TRAINING_SHARES]


def test_the_default_model_keeps_its_floor_on_each_task_of_an_unseen_seed(bot):
    examples = []
    for task in world.TRAINING_SHARES:
        stories = world.generate_stories(task, QUESTIONS_PER_TASK, seed=UNSEEN_SEED, split="test")
        examples += babi.examples_of(stories)
    report = evaluate(bot.bundle, examples)
    assert report["questions"] == QUESTIONS_PER_TASK * len(world.TRAINING_SHARES)
    assert set(report["per_task"]) == set(FLOORS)
    for task, scores in report["per_task"].items():
        assert scores["accuracy"] >= FLOORS[task], (task, scores)
    assert 0 <= report["calibration_error"] <= 0.05


def test_the_default_model_answers_the_readme_story(bot):
    story = "Mary moved to the bathroom. John went to the hallway."
    assert bot.answer(story, "Is Mary in the bathroom?").label == "yes"
    assert bot.answer(story, "Is John in the bathroom?").label == "no"
    maybe = bot.answer("Fred is either in the park or the school.", "Is Fred in the park?")
    assert maybe.label == "maybe"


def test_the_default_model_understands_names_and_places_it_never_saw(bot):
    story = "Wilhelmina went to the lighthouse. Barnaby journeyed to the kitchen."
    assert bot.answer(story, "Is Wilhelmina in the lighthouse?").label == "yes"
    assert bot.answer(story, "Is Barnaby in the lighthouse?").label == "no"


def test_the_default_model_answers_a_250_sentence_story_from_its_first_sentence(bot):
    people = ["Mary", "John", "Sandra", "Daniel"]
    places = ["kitchen", "garden", "hallway", "office", "bathroom"]
    story = ["Ophelia went to the observatory."] + [
        f"{people[i % 4]} moved to the {places[i % 5]}." for i in range(249)
    ]
    answer = bot.answer(story, "Is Ophelia in the observatory?")
    assert answer.truncated == 0 and answer.label == "yes", answer
    assert answer.support[0][0] == story[0]  # the most attended sentence is the first


def test_the_default_model_loads_with_its_vocabulary_and_answers():
    bundle = load_model_dir()
    assert bundle.answers == ["maybe", "no", "yes"]
    assert bundle.config.max_sentences >= 250
    # Places are read as the story's slots: the vocabulary holds the slots, the lexicon the word.
    assert "<place0>" in bundle.vocabulary and "hallway" not in bundle.vocabulary
    assert bundle.lexicon.roles["hallway"] == "PLACE"
    assert "is NAME in the PLACE" in bundle.lexicon.question_shapes
    assert 0.01 <= bundle.config.temperature <= 100
