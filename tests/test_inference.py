"""Tests for chatbot.network.inference: the one batched predict, distinct pairs, narrow memories."""

import numpy as np
import pytest

import chatbot  # noqa: F401  (first: it keeps TensorFlow's start-up logs quiet)
from chatbot.network import inference
from chatbot.network.inference import (
    FORM_QUESTIONS,
    _distinct_rows,
    calibrated,
    fit_form_temperatures,
    fit_temperature,
)

MARY, JOHN = "Mary moved to the bathroom.", "John went to the hallway."
OLD, SANDRA = "Daniel went to the garden.", "Sandra is either in the park or the office."


def ragged_examples(tmp_path, stories):
    from chatbot.stories.babi import examples_of, read_stories

    text = ""
    for length in stories:
        lines = [f"{i + 1} {[MARY, JOHN, OLD, SANDRA][i % 4]}" for i in range(length)]
        lines.append(f"{length + 1} Is Mary in the bathroom? \tyes\t1")
        text += "\n".join(lines) + "\n"
    path = tmp_path / "qa6_ragged_test.txt"
    path.write_text(text, encoding="utf-8")
    return examples_of(read_stories(path))


def test_batches_sorted_by_story_length_give_the_whole_models_outputs(
    tmp_path, monkeypatch, tiny_model_dir
):
    from chatbot.network.folder import load_model_dir
    from chatbot.reading.features import encode_examples

    bundle = load_model_dir(tiny_model_dir)  # seeded random weights: every slot matters
    examples = ragged_examples(tmp_path, [1, 2, 1, 3, 6, 2, 5, 1, 4, 2, 1, 1])
    encoded = encode_examples(
        examples, bundle.vocabulary, bundle.answers, bundle.config, bundle.lexicon
    )
    expected = bundle.model(
        {"story": encoded["story"], "question": encoded["question"]}, training=False
    )
    expected_probabilities = expected["answer"].numpy()
    expected_attention = expected["attention"].numpy()
    widths = []
    predict_batch = bundle._predict_batch
    bundle._predict_batch = lambda story, question: (
        widths.append(int(story.any(axis=(0, 2)).sum())),  # slots filled in some row
        predict_batch(story, question),
    )[1]
    monkeypatch.setattr(inference, "BATCH_SIZE", 2)
    probabilities, attention = bundle.predict(encoded["story"], encoded["question"])
    np.testing.assert_allclose(probabilities, expected_probabilities, atol=1e-5)
    np.testing.assert_allclose(attention, expected_attention, atol=1e-5)
    # Sorted by story length, so batches of short stories need few slots.
    assert widths == sorted(widths) and widths[0] < widths[-1] == bundle.config.max_sentences == 4


def test_a_model_that_cannot_read_fewer_slots_is_run_whole(tmp_path, monkeypatch, tiny_bundle):
    from chatbot.reading.features import encode_examples

    # The word-level tutorial network flattens all slots: its story input has a fixed width,
    # so every batch is run on the whole memory, stories narrower than it padded.
    words = [MARY, JOHN, OLD, SANDRA, "Is Mary in the bathroom?"]
    bundle = tiny_bundle(words, max_words=8, max_question_words=8, architecture="tutorial")
    vocabulary, config = bundle.vocabulary, bundle.config
    assert not bundle.flexible_memory
    examples = ragged_examples(tmp_path, [1, 2, 1, 3, 1, 2])
    encoded = encode_examples(examples, vocabulary, bundle.answers, config, bundle.lexicon)
    monkeypatch.setattr(inference, "BATCH_SIZE", 2)
    assert encoded["story"].shape[1] == 3  # the longest story needs only three slots
    probabilities, attention = bundle.predict(encoded["story"], encoded["question"])
    padded = np.pad(encoded["story"], ((0, 0), (1, 0), (0, 0)))
    expected = bundle.model({"story": padded, "question": encoded["question"]}, training=False)
    np.testing.assert_allclose(probabilities, expected["answer"].numpy(), atol=1e-6)
    assert attention.shape == encoded["story"].shape[:2]  # the slots it was given
    np.testing.assert_allclose(attention, expected["attention"].numpy()[:, 1:], atol=1e-6)


def test_each_distinct_pair_is_run_once(monkeypatch, tiny_bundle):
    bundle = tiny_bundle(["a b c d e f g"], max_sentences=2, max_words=2, max_question_words=2,
                         architecture="tutorial")  # fmt: skip
    story = np.array([[[0, 0], [1, 2]], [[0, 0], [1, 1]], [[0, 0], [1, 2]], [[3, 1], [1, 1]]])
    question = np.array([[1, 0], [1, 0], [1, 0], [2, 0]])
    rows, predict_batch = [], bundle._predict_batch
    bundle._predict_batch = lambda s, q: (rows.append(len(s)), predict_batch(s, q))[1]
    monkeypatch.setattr(inference, "BATCH_SIZE", 2)
    probabilities, attention = bundle.predict(story, question)
    assert rows == [2, 1]  # three distinct pairs of four
    expected = bundle.model({"story": story, "question": question}, training=False)
    np.testing.assert_allclose(probabilities, expected["answer"].numpy(), atol=1e-6)
    np.testing.assert_array_equal(probabilities[0], probabilities[2])


def test_distinct_rows_survives_a_hash_collision():
    rows = np.array([[0, 1_000_003], [1, 0], [0, 1_000_003]])  # the first two hash alike
    first, inverse = _distinct_rows(rows)
    assert first.tolist() == [0, 1] and inverse.tolist() == [0, 1, 0]


def test_distinct_rows_keep_data_order():
    rows = np.array([[5, 5], [1, 2], [5, 5], [0, 0], [1, 2]])
    first, inverse = _distinct_rows(rows)
    assert first.tolist() == [0, 1, 3] and inverse.tolist() == [0, 1, 0, 2, 1]


def toy_probabilities(confidence: float, rows: int = 100) -> np.ndarray:
    return np.tile([confidence, 1 - confidence, 0.0], (rows, 1)).astype(np.float32)


def test_calibrated_softens_or_sharpens_and_never_changes_the_answer():
    rng = np.random.default_rng(0)
    probabilities = rng.dirichlet([0.5, 0.5, 0.5], size=50).astype(np.float32)
    assert calibrated(probabilities, 1.0) is probabilities
    for temperature in (0.5, 2.0, 10.0):
        scaled = calibrated(probabilities, temperature)
        np.testing.assert_array_equal(scaled.argmax(axis=1), probabilities.argmax(axis=1))
        np.testing.assert_allclose(scaled.sum(axis=1), 1.0, rtol=1e-5)
        softer = scaled.max(axis=1) <= probabilities.max(axis=1) + 1e-6
        assert softer.all() if temperature > 1 else (~softer | np.isclose(scaled, 1).any(1)).any()


def test_fit_temperature_softens_a_too_confident_set_to_its_accuracy():
    # 99% sure every time, right 70 times in 100: too confident.
    probabilities = toy_probabilities(0.99)
    answers = np.array([0] * 70 + [1] * 30)
    temperature = fit_temperature(probabilities, answers)
    assert temperature > 1
    assert calibrated(probabilities, temperature)[0, 0] == pytest.approx(0.7, abs=0.02)
    # A set already calibrated (80% sure, 80% right) keeps a temperature near 1; none gives 1.
    honest = fit_temperature(toy_probabilities(0.8), np.array([0] * 80 + [1] * 20))
    assert honest == pytest.approx(1.0, abs=0.05)
    assert fit_temperature(probabilities[:0], answers[:0]) == 1.0


def test_predict_gives_the_calibrated_probabilities(tiny_bundle):
    from dataclasses import replace

    bundle = tiny_bundle()
    warm = replace(bundle, config=replace(bundle.config, temperature=3.0))
    rng = np.random.default_rng(1)
    story = rng.integers(0, 9, (5, 4, 10)).astype(np.int32)
    question = rng.integers(0, 9, (5, 10)).astype(np.int32)
    raw, attention = bundle.predict(story, question)
    scaled, same_attention = warm.predict(story, question)
    np.testing.assert_allclose(scaled, calibrated(raw, 3.0), atol=1e-6)
    np.testing.assert_array_equal(scaled.argmax(axis=1), raw.argmax(axis=1))
    np.testing.assert_allclose(same_attention, attention, atol=1e-6)


def test_a_not_question_is_its_positive_form_with_yes_and_no_swapped(tiny_bundle):
    bundle = tiny_bundle(["Mary moved to the bathroom.", "Is Mary not in the bathroom?"])
    ids = {word: bundle.vocabulary.encode([word])[0][0] for word in ("is", "mary", "in", "not")}
    story = np.random.default_rng(1).integers(1, 9, (1, 4, 10)).astype(np.int32)
    asked = np.zeros((2, 10), dtype=np.int32)
    asked[0, :3] = [ids["is"], ids["mary"], ids["in"]]  # "is mary in"
    asked[1, :4] = [ids["is"], ids["mary"], ids["not"], ids["in"]]  # "is mary not in"
    probabilities, attention = bundle.predict(story[[0, 0]], asked)
    yes, no, maybe = (bundle.answers.index(answer) for answer in ("yes", "no", "maybe"))
    assert probabilities[0, yes] != probabilities[0, no]  # the swap shows
    np.testing.assert_array_equal(
        probabilities[1, [yes, no, maybe]], probabilities[0, [no, yes, maybe]]
    )
    np.testing.assert_array_equal(attention[1], attention[0])


def test_calibrated_takes_one_temperature_per_row():
    probabilities = toy_probabilities(0.9, rows=3)
    scaled = calibrated(probabilities, np.array([1.0, 2.0, 4.0]))
    for row, temperature in enumerate((1.0, 2.0, 4.0)):
        np.testing.assert_allclose(
            scaled[row], calibrated(probabilities[row : row + 1], temperature)[0], atol=1e-6
        )
    assert scaled[0, 0] > scaled[1, 0] > scaled[2, 0]


def test_a_form_answered_worse_gets_a_softer_temperature_of_its_own():
    # All 99% sure; "hard" is right 60 times in 100, "easy" 95, "rare" has too few questions.
    n = FORM_QUESTIONS
    probabilities = toy_probabilities(0.99, rows=2 * n + 10)
    easy = [0] * (n * 95 // 100) + [1] * (n * 5 // 100)
    answers = np.array(easy + [0] * (n * 6 // 10) + [1] * (n * 4 // 10) + [1] * 10)
    forms = ["easy"] * n + ["hard"] * n + ["rare"] * 10
    overall, own = fit_form_temperatures(probabilities, answers, forms)
    assert set(own) == {"hard"}  # "easy" is never made sharper; "rare" has too few questions
    assert calibrated(probabilities[n : n + 1], own["hard"])[0, 0] == pytest.approx(0.6, abs=0.02)
    # The model's temperature is fitted without "hard": "easy" shows its own 95%, not less.
    assert overall < own["hard"] and overall < fit_temperature(probabilities, answers)
    rest = np.r_[0:n, 2 * n : 2 * n + 10]
    assert overall == fit_temperature(probabilities[rest], answers[rest])
    # With no form of its own, the model's temperature is the one fitted on everything.
    assert fit_form_temperatures(probabilities[:n], answers[:n], forms[:n]) == (
        fit_temperature(probabilities[:n], answers[:n]),
        {},
    )


def test_predict_uses_a_form_temperature_for_its_form_only(tiny_bundle):
    from dataclasses import replace

    bundle = tiny_bundle()
    rng = np.random.default_rng(2)
    story = rng.integers(0, 9, (6, 4, 10)).astype(np.int32)
    question = rng.integers(0, 9, (6, 10)).astype(np.int32)
    question[:3] = question[0]  # three questions of one form, three of others
    form = bundle.question_forms(question[:1])[0]
    assert form not in bundle.question_forms(question[3:])
    softened = replace(bundle, config=replace(bundle.config, form_temperatures={form: 5.0}))
    raw, _ = bundle.predict(story, question)
    scaled, _ = softened.predict(story, question)
    np.testing.assert_allclose(scaled[:3], calibrated(raw[:3], 5.0), atol=1e-6)
    np.testing.assert_allclose(scaled[3:], raw[3:], atol=1e-6)


def test_one_question_at_a_time_gives_the_whole_models_outputs_compiled_or_not(
    tmp_path, tiny_model_dir
):
    from chatbot.network.fixed_shapes import QUESTION, SENTENCE
    from chatbot.network.folder import load_model_dir
    from chatbot.reading.features import encode_examples

    bundle = load_model_dir(tiny_model_dir)  # the step network: encoded once, then reasoned
    examples = ragged_examples(tmp_path, [4, 5, 6])  # all of the whole memory's width
    encoded = encode_examples(
        examples, bundle.vocabulary, bundle.answers, bundle.config, bundle.lexicon
    )
    story, question = encoded["story"], encoded["question"]
    expected = bundle.model({"story": story, "question": question}, training=False)
    bundle.prepare_conversation()
    one = bundle._inference().one
    assert not one.ready(4)  # nothing compiled before the first answer: it is not delayed
    first = bundle.predict(story[1:2], question[1:2])
    np.testing.assert_allclose(first[0], expected["answer"].numpy()[1:2], atol=1e-5)
    one.wait()  # the compilations the answer asked for
    assert one.ready(SENTENCE) and one.ready(QUESTION) and one.ready(4)
    for row in range(len(story)):
        probabilities, attention = bundle.predict(story[row : row + 1], question[row : row + 1])
        np.testing.assert_allclose(
            probabilities, expected["answer"].numpy()[row : row + 1], atol=1e-5
        )
        np.testing.assert_allclose(
            attention, expected["attention"].numpy()[row : row + 1], atol=1e-5
        )
