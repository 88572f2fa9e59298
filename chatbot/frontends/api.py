"""What `chatbot serve` answers, without the HTTP: requests checked, model calls batched.

`parse_ask` turns the body of `POST /api/ask` into a story and a question, or raises
`BadRequest` saying what is wrong (status 413 for too large a body, 400 otherwise).
`BatchedModel` lets many request threads share one model: a single worker thread runs whatever
questions are waiting as one batch, so the model is never called from two threads at once and a
busy server answers many questions per model call. `describe` and `example` are the bodies of
`GET /api/info` and `GET /api/example`.

Nothing here imports the web server, so it is tested without one.
"""

import json
import queue
import random
import threading
from concurrent.futures import Future

import numpy as np

from chatbot.errors import BadRequest
from chatbot.untrusted import (
    MAX_BODY_BYTES,
    MAX_LISTED_SENTENCES,
    MAX_QUESTION_CHARACTERS,
    MAX_STORY_CHARACTERS,
)

MAX_BATCH = 64  # questions per model call; more waiting ones go in the next call
ASK_KEYS = ("story", "question")
ASK_SHAPE = '{"story": "text" or ["sentence", ...], "question": "Is ...?"}'


def parse_ask(body: bytes) -> tuple[str | list[str], str]:
    """The story and question of a `POST /api/ask` body.

    Args:
        body: the request body, JSON.

    Returns:
        (story, question): the story as text or a list of sentences, as given.

    Raises:
        BadRequest: 413 for a body over `MAX_BODY_BYTES`, 400 for anything else that is wrong.
    """
    if len(body) > MAX_BODY_BYTES:
        raise BadRequest(
            f"the request body has {len(body):,} bytes; send at most {MAX_BODY_BYTES:,}", 413
        )
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise BadRequest(f"the body is not JSON ({error}); send {ASK_SHAPE}") from None
    if not isinstance(data, dict):
        raise BadRequest(f"the body must be a JSON object, {ASK_SHAPE}")
    missing = [key for key in ASK_KEYS if key not in data]
    extra = sorted(set(data) - set(ASK_KEYS))
    if missing or extra:
        problem = f"missing {', '.join(missing)}" if missing else f"unknown {', '.join(extra)}"
        raise BadRequest(f"{problem}: the body must be {ASK_SHAPE}")
    story, question = data["story"], data["question"]
    if not isinstance(question, str):
        raise BadRequest(f'"question" must be a string; send {ASK_SHAPE}')
    if len(question) > MAX_QUESTION_CHARACTERS:
        raise BadRequest(
            f"the question has {len(question):,} characters; ask in at most "
            f"{MAX_QUESTION_CHARACTERS}"
        )
    _check_story(story)
    for name, text in (("question", question), ("story", story)):
        _check_unicode(name, text if isinstance(text, str) else "".join(text))
    return story, question


def _check_unicode(name: str, text: str) -> None:
    """Refuse text UTF-8 cannot encode: JSON's "\\ud800" (half of a pair) is no character."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        code = f"\\u{ord(text[error.start]):04x}"
        raise BadRequest(
            f'"{name}" holds {code}, half of a surrogate pair and no character; send the whole '
            "pair or UTF-8 text"
        ) from None


def _check_story(story) -> None:
    if isinstance(story, list):
        if not all(isinstance(sentence, str) for sentence in story):
            raise BadRequest(f'"story" as a list must hold only strings; send {ASK_SHAPE}')
        if len(story) > MAX_LISTED_SENTENCES:
            raise BadRequest(
                f"the story has {len(story):,} sentences; send at most {MAX_LISTED_SENTENCES} "
                "(the model remembers only the newest few)"
            )
        characters = sum(map(len, story))
    elif isinstance(story, str):
        characters = len(story)
    else:
        raise BadRequest(f'"story" must be text or a list of sentences; send {ASK_SHAPE}')
    if characters > MAX_STORY_CHARACTERS:
        raise BadRequest(
            f"the story has {characters:,} characters; send at most {MAX_STORY_CHARACTERS:,} "
            "(the model remembers only the newest few sentences)"
        )


class BatchedModel:
    """A `ModelBundle` stand-in whose `predict` many threads may call at once.

    Each call waits while one worker thread runs the questions waiting at that moment as one
    batch: the model is never called concurrently, and under load one call answers many.

    Args:
        bundle: the loaded `ModelBundle`.
        max_batch: most questions per model call.
    """

    def __init__(self, bundle, max_batch: int = MAX_BATCH):
        self._bundle = bundle
        self._max_batch = max_batch
        self._waiting = queue.SimpleQueue()  # (story ids, question ids, Future)
        worker = threading.Thread(target=self._run, name="model-batches", daemon=True)
        worker.start()

    def __getattr__(self, name: str):
        """The bundle's own fields (vocabulary, config, answers, lexicon, ...): not copies."""
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._bundle, name)

    def predict(self, story, question) -> tuple[np.ndarray, np.ndarray]:
        """`ModelBundle.predict`, run in the next batch; blocks until it is done."""
        return self.predict_steps(story, question)[:2]

    def predict_steps(self, story, question) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`ModelBundle.predict_steps`, run in the next batch; blocks until it is done."""
        future = Future()
        self._waiting.put((np.asarray(story), np.asarray(question), future))
        return future.result()

    def _run(self) -> None:
        # Whatever waits when the model comes free runs now, as one batch: a lone question never
        # waits for company, and under load the batches grow by themselves.
        while True:
            jobs = [self._waiting.get()]
            while len(jobs) < self._max_batch:
                try:
                    jobs.append(self._waiting.get_nowait())
                except queue.Empty:
                    break
            self._run_batch(jobs)

    def _run_batch(self, jobs: list) -> None:
        try:
            outputs = self._bundle.predict_steps(
                np.concatenate([story for story, _, _ in jobs]),  # (N, slots, words)
                np.concatenate([question for _, question, _ in jobs]),  # (N, question words)
            )
        except BaseException as error:  # each waiting caller gets the error, the worker goes on
            for _, _, future in jobs:
                future.set_exception(error)
            return
        start = 0
        for story, _, future in jobs:
            end = start + len(story)
            future.set_result(tuple(output[start:end] for output in outputs))
            start = end


def describe(model_dir, bot) -> dict:
    """The body of `GET /api/info`: what `chatbot info --json` says, and the memory and answers.

    `forms` (from `chatbot info`) holds an example question of each form the model knows;
    `example_tasks` names the tasks whose stories `example` generates, each with one sentence
    and question, and `words_known`: whether the model can read every word of a sample story of
    that task, new names, places and objects included (a story with a word it cannot read gets
    "cannot answer").
    """
    from chatbot.network.folder import describe_model
    from chatbot.stories.world import TASKS, example_story

    tasks = []
    for task, name in sorted(TASKS.items()):
        story = example_story(task, seed=0)
        sentence, question = story.sentences[0].text, story.questions[0].text
        texts = [line.text for line in story.sentences], [line.text for line in story.questions]
        known = not bot.read(*texts).unknown  # new names, places and objects are read
        tasks.append(
            {"task": task, "name": name, "sentence": sentence, "question": question}
            | {"words_known": known}
        )
    return {
        **describe_model(model_dir),
        "memory": bot.memory,
        "vocabulary_size": len(bot.vocabulary),
        "answers": list(bot.answers),
        "example_tasks": tasks,
    }


def example(task: str | None, rng: random.Random) -> dict:
    """The body of `GET /api/example?task=N`: a generated story and questions to try.

    Args:
        task: the task number as given in the query ("6", "qa6"), or None for any task.
        rng: picks the task when none is given, and the story.

    Raises:
        BadRequest: a task with no generator.
    """
    from chatbot.stories.world import TASKS, example_story, questions_to_try, task_named

    known = sorted(TASKS)
    number = rng.choice(known) if not task else task_named(task)
    if number not in TASKS:  # None, or the mixed stories: the page shows one task's story
        raise BadRequest(f"no generator for task {task[:20]!r}; use one of {known}")
    story = example_story(number, rng.randrange(2**31))
    return {
        "task": number,
        "name": TASKS[number],
        "story": [sentence.text for sentence in story.sentences],
        "questions": questions_to_try(story),
    }
