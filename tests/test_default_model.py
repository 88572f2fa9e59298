"""The shipped default model: it loads from the package and answers stories it never saw."""

import pytest
from conftest import needs_default_model

from chatbot import babi, world
from chatbot.artifacts import default_model_dir, load_model_dir, read_metadata
from chatbot.evaluate import evaluate

pytestmark = pytest.mark.slow  # loads and runs the shipped model on thousands of questions

# The default model was trained on generated stories of seed 0 (train split); these come from
# another seed, so none of their stories were seen in training.
UNSEEN_SEED = 20261127
QUESTIONS_PER_TASK = 300


@pytest.fixture(scope="module")
def bot():
    from chatbot.bot import Chatbot

    return Chatbot.load()


@needs_default_model
def test_the_default_model_is_shipped_and_was_trained_on_generated_stories_only():
    assert (default_model_dir() / "model.keras").is_file()
    sources = read_metadata()["training"]["data"]
    assert [source["path"] for source in sources] == ["generated"]


@needs_default_model
def test_the_default_model_scores_99_percent_on_each_task_of_an_unseen_seed(bot):
    examples = []
    for task in world.DEFAULT_TASKS:
        stories = world.generate_stories(task, QUESTIONS_PER_TASK, seed=UNSEEN_SEED, split="test")
        examples += babi.examples_of(stories)
    report = evaluate(bot.bundle, examples)
    assert report["questions"] == QUESTIONS_PER_TASK * len(world.DEFAULT_TASKS)
    for task, scores in report["per_task"].items():
        assert scores["accuracy"] >= 0.99, (task, scores)
    assert report["support_accuracy"] >= 0.9


@needs_default_model
def test_the_default_model_answers_the_readme_story(bot):
    story = "Mary moved to the bathroom. John went to the hallway."
    assert bot.answer(story, "Is Mary in the bathroom?").label == "yes"
    assert bot.answer(story, "Is John in the bathroom?").label == "no"
    maybe = bot.answer("Fred is either in the park or the school.", "Is Fred in the park?")
    assert maybe.label == "maybe"


@needs_default_model
def test_the_default_model_loads_with_its_vocabulary_and_answers():
    bundle = load_model_dir()
    assert bundle.answers == ["maybe", "no", "yes"]
    # Places are read as the story's slots: the vocabulary holds the slots, the lexicon the word.
    assert "<place0>" in bundle.vocabulary and "hallway" not in bundle.vocabulary
    assert bundle.lexicon.roles["hallway"] == "PLACE"
    assert "is NAME in the PLACE" in bundle.lexicon.question_shapes
