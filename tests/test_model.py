"""What the network promises: padding slots get no attention, the answer reads the story only
through the attention, the config describes the whole network, and save -> load -> same outputs.
"""

import numpy as np
import pytest

import chatbot  # noqa: F401  (first: it keeps TensorFlow's start-up logs quiet)
from chatbot.config import ModelConfig
from chatbot.errors import ChatbotError
from chatbot.network.folder import load_model_dir, save_model_dir


def random_inputs(config: ModelConfig, count: int, filled: list[int], seed: int = 0):
    """Random word ids; story i has only its newest filled[i] slots filled (right-aligned)."""
    rng = np.random.default_rng(seed)
    story = rng.integers(2, config.vocabulary_size, (count, config.max_sentences, config.max_words))
    for row, sentences in enumerate(filled):
        story[row, : config.max_sentences - sentences] = 0
    question = rng.integers(2, config.vocabulary_size, (count, config.max_question_words))
    return story.astype(np.int32), question.astype(np.int32)


def outputs(model, story, question):
    result = model({"story": story, "question": question}, training=False)
    return result["answer"].numpy(), result["attention"].numpy()


def test_padding_slots_get_exactly_zero_attention(tiny_bundle):
    bundle = tiny_bundle()  # seeded random weights: nothing trained to ignore padding
    story, question = random_inputs(bundle.config, 4, filled=[1, 2, 3, 4])
    _, attention = outputs(bundle.model, story, question)
    padding = ~story.any(axis=2)  # (stories, slots)
    assert padding.sum() == 6
    assert (attention[padding] == 0).all()
    np.testing.assert_allclose(attention.sum(axis=1), 1.0, rtol=1e-5)


def test_the_answer_reads_the_story_only_through_the_attention():
    """A sentence the attention gives exactly zero weight cannot change the answer.

    Without self-attention blocks (blocks=0) and with the previous-sentence context switched off
    (both mix sentences into each other's memories), each memory is its own sentence, so the
    only way a sentence reaches the answer is the final attention's read.
    """
    from chatbot.network.model import AGE_BUCKETS, Reasoner

    reasoner = Reasoner(max_sentences=2, hidden_dim=4, answer_count=3, blocks=0, heads=1)
    question = np.array([[1.0, 0.0, 0.0, 0.0]], dtype=np.float32)
    mask = np.array([[True, True]])
    ignored, read = [-1.0, 0.3, -0.2, 0.5], [1.0, 0.0, 0.0, 0.0]
    reasoner(np.array([[ignored, read]], dtype=np.float32), mask, question)  # builds the weights
    reasoner.age.set_weights([np.zeros((AGE_BUCKETS, 4))])
    reasoner.context.set_weights([np.zeros((4, 4)), np.zeros(4)])
    reasoner.query.set_weights([100 * np.eye(4), np.zeros(4)])  # score = 100 x first component

    def answer(first, second):
        memories = np.array([[first, second]], dtype=np.float32)
        probabilities, attention = reasoner(memories, mask, question)
        return probabilities.numpy(), attention.numpy()

    probabilities, attention = answer(ignored, read)
    assert attention.tolist() == [[0.0, 1.0]]  # exp(-200) underflows to exactly 0
    # The unattended sentence changes (still unattended): the answer does not move at all.
    same, _ = answer([-1.0, -4.0, 2.0, 7.0], read)
    np.testing.assert_array_equal(same, probabilities)
    # The attended sentence changes: the answer moves.
    other, _ = answer(ignored, [1.0, 3.0, -2.0, 1.0])
    assert np.abs(other - probabilities).max() > 1e-3


def test_sentence_ages_are_exact_when_near_and_bucketed_by_magnitude_when_far():
    from chatbot.network.model import AGE_BUCKETS, EXACT_AGES, age_buckets

    ages = np.arange(4097)
    buckets = np.asarray(age_buckets(ages))
    assert buckets[:EXACT_AGES].tolist() == list(range(EXACT_AGES))
    assert (np.diff(buckets) >= 0).all() and buckets.max() == AGE_BUCKETS - 1
    # A 250-sentence story: its oldest sentence has an age of its own, apart from the newest.
    assert buckets[249] not in buckets[:EXACT_AGES] and buckets[249] > buckets[100]


def test_the_config_describes_the_whole_network(tiny_bundle):
    bundle = tiny_bundle(hidden_dim=6, blocks=1, heads=3)
    reasoner = bundle.model.get_layer("reasoner")
    assert (reasoner.blocks, reasoner.heads) == (1, 3)
    assert len(reasoner.attention_blocks) == 1
    for attention in reasoner.attention_blocks[0]:  # over later and over earlier sentences
        assert attention.num_heads == 3
        assert attention.key_dim == 2  # hidden_dim // heads


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"hidden_dim": 3, "heads": 4}, "model hidden_dim must be at least heads"),
        ({"heads": 0}, "model heads must be a whole number >= 1, not 0"),
        ({"blocks": -1}, "model blocks must be a whole number >= 0, not -1"),
        ({"max_sentences": 2.5}, "model max_sentences must be a whole number >= 1, not 2.5"),
        ({"architecture": "lstm"}, "model architecture must be one of relational, tutorial; "),
    ],
)
def test_sizes_that_cannot_work_are_refused(tiny_config, changes, message):
    with pytest.raises(ChatbotError, match=f"^{message}"):
        tiny_config(**changes)


@pytest.mark.parametrize("architecture", ["relational", "tutorial"])
def test_save_load_gives_the_same_outputs(tiny_bundle, tmp_path, architecture):
    bundle = tiny_bundle(architecture=architecture)
    save_model_dir(bundle, tmp_path / "model")
    loaded = load_model_dir(tmp_path / "model")
    assert loaded.config == bundle.config
    story, question = random_inputs(bundle.config, 5, filled=[4, 1, 3, 2, 4], seed=3)
    expected = outputs(bundle.model, story, question)
    for mine, theirs in zip(outputs(loaded.model, story, question), expected, strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)
