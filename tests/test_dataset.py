"""Tests for chatbot.training.dataset: splitting by story, overlap, attention targets (no Keras)."""

import subprocess
import sys

import numpy as np
import pytest

from chatbot.errors import ChatbotError
from chatbot.stories import babi
from chatbot.training.dataset import attention_targets, count_overlap, split_by_story


def four(four_stories):
    return babi.read_stories(four_stories)


def test_split_holds_out_whole_stories_by_seed(four_stories):
    stories = four(four_stories)
    training, validation = split_by_story(stories, 0.5, seed=3)
    assert (len(training), len(validation)) == (2, 2)
    assert sorted(map(id, training + validation)) == sorted(map(id, stories))
    assert [stories.index(story) for story in training] == sorted(
        stories.index(story) for story in training
    )  # original order kept
    again = split_by_story(stories, 0.5, seed=3)
    assert again == (training, validation)
    others = {tuple(map(id, split_by_story(stories, 0.5, seed)[1])) for seed in range(10)}
    assert len(others) > 1  # the seed chooses


@pytest.mark.parametrize("share, held", [(0.01, 1), (0.25, 1), (0.5, 2), (0.99, 3)])
def test_split_holds_out_at_least_one_story_and_never_all(four_stories, share, held):
    training, validation = split_by_story(four(four_stories), share, seed=0)
    assert (len(training), len(validation)) == (4 - held, held)


def test_split_of_one_story_is_an_error(four_stories):
    with pytest.raises(ChatbotError, match="need at least two stories with questions"):
        split_by_story(four(four_stories)[:1], 0.1, seed=0)


def test_overlap_counts_identical_stories_and_questions(four_stories):
    stories = four(four_stories)
    assert count_overlap(stories[:3], [stories[0], stories[3]]) == {"stories": 1, "questions": 2}
    # A story that shares its first question with a training story, but not its ending.
    prefix = babi.Story(lines=stories[0].lines[:3], task="qa6")
    assert count_overlap(stories[:1], [prefix]) == {"stories": 0, "questions": 1}
    assert count_overlap(stories[:2], stories[2:]) == {"stories": 0, "questions": 0}


def test_attention_targets_spread_over_the_supporting_sentences():
    supporting = np.array([[False, True, True], [False, False, False], [True, False, False]])
    np.testing.assert_array_equal(
        attention_targets(supporting), [[0, 0.5, 0.5], [0, 0, 0], [1, 0, 0]]
    )


def test_the_dataset_imports_no_tensorflow():
    code = (
        "import sys, chatbot.training.dataset; "
        "print(sorted({'tensorflow', 'keras'} & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout == "[]\n"
