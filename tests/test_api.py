"""chatbot.frontends.api: request checks, batched model calls and examples, without a server."""

import random
import threading
from types import SimpleNamespace

import numpy as np
import pytest

from chatbot.errors import BadRequest
from chatbot.frontends.api import BatchedModel, example, parse_ask
from chatbot.stories.world import TASKS
from chatbot.untrusted import MAX_BODY_BYTES


class SlowBundle:
    """A stand-in `ModelBundle`: answers each row with its own id sum; records batch sizes."""

    def __init__(self, fail_once: bool = False):
        self.vocabulary, self.config, self.answers = object(), SimpleNamespace(), ["yes", "no"]
        self.lexicon = object()
        self.batches: list[int] = []
        self.started = threading.Event()
        self.release = threading.Event()
        self.fail_once = fail_once

    def predict_steps(self, story, question):
        self.batches.append(len(story))
        self.started.set()
        self.release.wait(30)  # holds the first batch until the test has queued more
        if self.fail_once:
            self.fail_once = False
            raise RuntimeError("model failed")
        sums = story.sum(axis=(1, 2)) + question.sum(axis=1)  # (N,)
        attention = story.sum(axis=2).astype(np.float32)
        return sums[:, None].astype(np.float32), attention, attention[:, None]


def ask_in_threads(model, count: int) -> tuple[list, list[threading.Thread]]:
    results = [None] * count

    def ask(index):
        story = np.full((1, 2, 3), index, dtype=np.int32)
        try:
            results[index] = model.predict(story, np.zeros((1, 4), dtype=np.int32))
        except RuntimeError as error:
            results[index] = error

    threads = [threading.Thread(target=ask, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    return results, threads


def test_waiting_questions_run_as_one_batch_and_each_gets_its_own_row():
    bundle = SlowBundle()
    model = BatchedModel(bundle, max_batch=64)
    results, threads = ask_in_threads(model, 1)
    assert bundle.started.wait(30)  # the first call holds the model
    more, more_threads = ask_in_threads(model, 10)
    while model._waiting.qsize() < 10:  # all ten wait for the next batch
        threading.Event().wait(0.01)
    bundle.release.set()
    for thread in threads + more_threads:
        thread.join(30)
    assert bundle.batches == [1, 10]
    for index, (probabilities, attention) in enumerate(more):
        assert probabilities.tolist() == [[index * 6]]  # (1, answers): this caller's row
        assert attention.tolist() == [[index * 3, index * 3]]  # (1, slots)


def test_a_failed_batch_reaches_its_callers_and_the_next_batch_runs():
    bundle = SlowBundle(fail_once=True)
    bundle.release.set()
    model = BatchedModel(bundle)
    results, threads = ask_in_threads(model, 1)
    threads[0].join(30)
    assert isinstance(results[0], RuntimeError)
    results, threads = ask_in_threads(model, 1)
    threads[0].join(30)
    assert results[0][0].tolist() == [[0]]


def test_batches_are_capped():
    bundle = SlowBundle()
    model = BatchedModel(bundle, max_batch=4)
    results, threads = ask_in_threads(model, 1)
    assert bundle.started.wait(30)
    more, more_threads = ask_in_threads(model, 9)
    while model._waiting.qsize() < 9:
        threading.Event().wait(0.01)
    bundle.release.set()
    for thread in threads + more_threads:
        thread.join(30)
    assert bundle.batches == [1, 4, 4, 1]


def test_parse_ask_takes_text_or_sentences():
    assert parse_ask(b'{"story": "Mary went home.", "question": "Is Mary home?"}') == (
        "Mary went home.",
        "Is Mary home?",
    )
    assert parse_ask('{"story": ["Ann ran."], "question": "Q?"}'.encode("utf-16")) == (
        ["Ann ran."],
        "Q?",
    )


def test_parse_ask_refuses_a_large_body_with_413():
    with pytest.raises(BadRequest, match="the request body has 65,537 bytes") as caught:
        parse_ask(b" " * (MAX_BODY_BYTES + 1))
    assert caught.value.status == 413


def test_example_takes_a_task_number_or_picks_one():
    rng = random.Random(0)
    assert example("qa9", rng)["task"] == example("9", rng)["task"] == 9
    assert example(None, rng)["task"] in TASKS
    with pytest.raises(BadRequest, match="no generator for task 'x'"):
        example("x", rng)


def test_a_lone_question_runs_at_once_without_waiting_for_company():
    bundle = SlowBundle()
    bundle.release.set()
    model = BatchedModel(bundle, max_batch=64)
    probabilities, _ = model.predict(np.ones((1, 2, 3), dtype=np.int32), np.zeros((1, 4), "int32"))
    assert bundle.batches == [1]  # run alone, as soon as it came: no wait for a fuller batch
    assert probabilities.tolist() == [[6]]
