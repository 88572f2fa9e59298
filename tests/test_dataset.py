"""Tests for chatbot.training.dataset: splitting by story, overlap, attention targets (no Keras)."""

import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from chatbot.config import TrainConfig
from chatbot.errors import ChatbotError
from chatbot.stories import babi
from chatbot.training.dataset import (
    attention_targets,
    count_overlap,
    prepare,
    split_by_story,
    step_targets,
)  # fmt: skip


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


def test_step_targets_follow_the_supports_in_their_order():
    order = np.array([[3, 0, -1, -1], [2, -1, -1, -1], [0, 1, 2, 3], [-1, -1, -1, -1]])
    targets = step_targets(order, steps=3, slots=4)
    assert targets.shape == (4, 3, 4)
    # Two supports, three steps: the drop, the carrier's move, then the move again.
    assert targets[0].argmax(axis=1).tolist() == [3, 0, 0]
    assert targets[1].argmax(axis=1).tolist() == [2, 2, 2]  # one support: every step on it
    # Four supports, three steps: the last step spreads over the two left.
    assert targets[2, :2].argmax(axis=1).tolist() == [0, 1]
    assert targets[2, 2].tolist() == [0.0, 0.0, 0.5, 0.5]
    assert not targets[3].any()  # no support in memory: no loss
    np.testing.assert_allclose(targets[:3].sum(axis=2), 1.0)


def test_fresh_stories_are_new_every_epoch_and_the_same_on_a_rerun():
    settings = TrainConfig(generated_questions=12, validation_split=0.25, seed=5)
    prepared = prepare(["generated"], settings, None, {}, report=lambda line: None)
    first, second = prepared.arrays_of(0), prepared.arrays_of(1)
    assert first is prepared.train_arrays
    again = prepare(["generated"], settings, None, {}, report=lambda line: None).arrays_of(1)
    assert all(np.array_equal(second[name], again[name]) for name in second)
    texts = [{tuple(row) for row in arrays["sentences"]} for arrays in (first, second)]
    assert texts[0] != texts[1]  # another epoch, other stories
    # Every epoch's words were sized for: nothing reads as unknown.
    assert not second["unknown"].any()
    same = prepare(["generated"], replace(settings, fresh_stories=False), None, {}, print)
    assert same.arrays_of(1) is same.train_arrays
