"""Inference: a loaded model and the one way to run it, `ModelBundle.predict`.

Everything that answers questions (the bot, `chatbot evaluate`, training's final validation
score) calls `ModelBundle.predict`, which runs the model as a compiled TensorFlow graph in
batches of `BATCH_SIZE` questions. Four savings give the model's own outputs, only sooner:
- Equal inputs give equal outputs, so each distinct (story, question) pair is run once: bAbI
  repeats them (the real qa17 file holds 5,812 distinct pairs among 10,000 questions).
- Questions go in batches sorted by story length, each of one width bucket (`width_bucket`), and
  a model with a flexible memory runs only the slots filled in some row of the batch (the
  memory is right-aligned, so those come last): short stories are not padded to long ones.
- The step network encodes each distinct sentence once, for every question and call
  (network/split.py).
- The graph is traced once per bundle; `warm_up` does it ahead of the first real question.

TensorFlow is imported inside the functions that run the model, so building a bundle's other
parts stays light.
"""

import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from chatbot.config import ModelConfig, TrainConfig
from chatbot.errors import ChatbotError
from chatbot.reading.lexicon import Lexicon
from chatbot.text import UNKNOWN_ID, Vocabulary

# Questions per compiled call. Larger calls pay the per-call overhead less often and share more
# work (each distinct sentence is encoded once per call); a bound keeps one call's memory small
# whatever the size of the data. Every caller uses it, so the same questions always meet the
# same batches and get the same outputs.
BATCH_SIZE = 4096
# Memory slots per compiled call: a step network holds a bag of words per slot, so a call of
# 4,096 long stories would hold gigabytes; long stories go in smaller calls.
SLOTS_PER_CALL = 4096 * 32
FORM_QUESTIONS = 200  # validation questions a form needs for a temperature of its own


@dataclass
class ModelBundle:
    """A loaded (or freshly trained) model with what it needs to read stories and name answers."""

    model: Any  # keras.Model with inputs "story", "question" and outputs "answer", "attention"
    vocabulary: Vocabulary
    config: ModelConfig
    answers: list[str]  # column i of the "answer" output is answers[i]
    lexicon: Lexicon  # how its stories are read: word roles, the shapes met in training
    metadata: dict = field(default_factory=dict)
    train_config: TrainConfig | None = None  # how it was trained, saved in config.json
    _compiled: Any = field(default=None, init=False, repr=False, compare=False)
    _lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )

    def predict(self, story, question) -> tuple[np.ndarray, np.ndarray]:
        """(answer probabilities (N, answers), attention (N, S)): `predict_steps` without the
        steps."""
        probabilities, attention, _ = self.predict_steps(story, question)
        return probabilities, attention

    @property
    def steps(self) -> int:
        """How many times the network reads its memory (1: the one-read network)."""
        return self.model.output["steps"].shape[1] if "steps" in self.model.output else 1

    def predict_steps(self, story, question) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Answer encoded questions, any number of them, with the compiled model.

        Args:
            story: int (N, S, max_words) word ids, right-aligned as `features` encodes them;
                S is max_sentences or fewer (the newest S slots). A model that reads a narrower
                memory runs only the slots filled (faster); one of a fixed width (the tutorial
                network) gets the older slots padded.
            question: int (N, max_question_words) word ids.

        Returns:
            (answer probabilities float32 (N, answers), attention float32 (N, S), each reading
            step's attention float32 (N, steps, S), the last being `attention`).

        Raises:
            ChatbotError: arrays of a shape this model does not read.
        """
        story, question = self._checked(story, question)
        question, negated = self._turned_around(question)
        width = story.shape[1]
        if not self.flexible_memory:
            story = np.pad(story, ((0, 0), (self.config.max_sentences - width, 0), (0, 0)))
        count = len(story)
        rows = np.concatenate([story.reshape(count, story.shape[1] * story.shape[2]), question], 1)
        first, inverse = _distinct_rows(rows)
        story, question = story[first], question[first]
        # Right-aligned memory: a story fills the slots from its oldest sentence to the last one.
        filled = story.any(axis=2)  # (distinct, slots)
        lengths = np.where(filled.any(axis=1), filled.shape[1] - filled.argmax(axis=1), 0)
        order = np.argsort(lengths, kind="stable")
        probabilities = np.zeros((len(first), len(self.answers)), dtype=np.float32)
        steps = np.zeros((len(first), self.steps, story.shape[1]), dtype=np.float32)
        start, sorted_lengths = 0, lengths[order]
        while start < len(first):
            # At most BATCH_SIZE questions, and at most SLOTS_PER_CALL memory slots in all: the
            # sorted order puts the longest story of a call last. A call holds stories of one
            # width bucket, so short stories are not padded to the width of long ones.
            limit = width_bucket(max(int(sorted_lengths[start]), 1))
            end = min(start + BATCH_SIZE, int(np.searchsorted(sorted_lengths, limit, "right")))
            longest = max(int(lengths[order[end - 1]]), 1)
            end = min(end, start + max(1, SLOTS_PER_CALL // longest))
            batch = order[start:end]
            probabilities[batch], steps[batch] = self._predict_batch(story[batch], question[batch])
            start = end
        steps = steps[inverse][..., steps.shape[-1] - width :]  # the slots given
        probabilities = calibrated(probabilities, self.temperatures(question))[inverse]
        if negated.any():  # the answer to "Is X not in the P?": yes and no swapped
            yes, no = self.answers.index("yes"), self.answers.index("no")
            probabilities[np.ix_(negated, [yes, no])] = probabilities[np.ix_(negated, [no, yes])]
        return probabilities, steps[:, -1], steps

    def _turned_around(self, question: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(the questions with "not" taken out, which ones had it).

        "Is Mary not in the kitchen?" is asked as "Is Mary in the kitchen?", and its yes and no
        swapped (docs/QUESTION_FORMS.md), so the two questions never disagree. Only the word
        "not": "Isn't Mary in the kitchen?" asks whether she is.
        """
        ids, _ = self.vocabulary.encode(["not"])
        negated = np.zeros(len(question), dtype=bool)
        if ids[0] == UNKNOWN_ID or not {"yes", "no"} <= set(self.answers):
            return question, negated
        negated = (question == ids[0]).sum(axis=1) == 1
        if not negated.any():
            return question, negated
        kept = question != ids[0]
        order = np.argsort(~kept, axis=1, kind="stable")  # "not" to the end, the rest in order
        turned = np.take_along_axis(question, order, 1) * np.take_along_axis(kept, order, 1)
        return np.where(negated[:, None], turned, question), negated

    def question_forms(self, question: np.ndarray) -> list[str]:
        """Each encoded question's form, as the lexicon shapes it: "is NAME in the PLACE"."""
        return [self.lexicon.shape(self.vocabulary.decode(row[row != 0])) for row in question]

    def temperatures(self, question: np.ndarray) -> np.ndarray | float:
        """The temperature of each encoded question: its form's own, else the model's."""
        config = self.config
        if not config.form_temperatures:
            return config.temperature
        first, inverse = _distinct_rows(question)  # a few hundred forms among many questions
        return np.array(
            [
                config.form_temperatures.get(form, config.temperature)
                for form in self.question_forms(question[first])
            ]
        )[inverse]

    @property
    def flexible_memory(self) -> bool:
        """Whether the model's story input takes any number of sentence slots."""
        names = [tensor.name for tensor in self.model.inputs]
        return self.model.inputs[names.index("story")].shape[1] is None

    def prepare_conversation(self) -> None:
        """Compile, in the background, the calls of fixed shapes that answer one question at a
        time sooner (network/fixed_shapes.py; the step network only). `chat` asks for it."""
        compiled = self._inference()
        if hasattr(compiled, "prepare_conversation"):
            compiled.prepare_conversation()

    def _checked(self, story, question) -> tuple[np.ndarray, np.ndarray]:
        story = np.asarray(story, dtype=np.int32)
        question = np.asarray(question, dtype=np.int32)
        config = self.config
        if (
            story.ndim != 3
            or story.shape[2] != config.max_words
            or not 1 <= story.shape[1] <= config.max_sentences
        ):
            raise ChatbotError(
                f"story ids must have the shape (N, 1 to {config.max_sentences}, "
                f"{config.max_words}) for this model; received {story.shape}"
            )
        if question.shape != (len(story), config.max_question_words):
            raise ChatbotError(
                f"question ids must have the shape ({len(story)}, {config.max_question_words}) "
                f"for this model; received {question.shape}"
            )
        return story, question

    def _predict_batch(self, story: np.ndarray, question: np.ndarray):
        """One compiled call. A flexible memory runs only the slots filled in some row."""
        empty = 0
        if self.flexible_memory:
            filled = story.any(axis=(0, 2))  # (slots,)
            empty = int(filled.argmax()) if filled.any() else story.shape[1] - 1
        probabilities, steps = self._inference()(story[:, empty:], question)
        return np.asarray(probabilities), np.pad(np.asarray(steps), ((0, 0), (0, 0), (empty, 0)))

    def _inference(self):
        """The model call traced once as a TensorFlow graph; batch size and slots may vary.

        The step network is run in two parts, each distinct sentence encoded once
        (`split.SplitInference`); another network whole."""
        with self._lock:
            if self._compiled is None:
                from chatbot.network import split

                if split.can_split(self.model):
                    self._compiled = split.SplitInference(self.model, self.config)
                    return self._compiled
                import tensorflow as tf

                config, model = self.config, self.model
                slots = None if self.flexible_memory else config.max_sentences
                signature = [
                    tf.TensorSpec((None, slots, config.max_words), tf.int32),
                    tf.TensorSpec((None, config.max_question_words), tf.int32),
                ]

                @tf.function(input_signature=signature)
                def infer(story, question):
                    outputs = model({"story": story, "question": question}, training=False)
                    # A one-read network's attention is its one step.
                    steps = outputs.get("steps", outputs["attention"][:, None])
                    return outputs["answer"], steps

                # The concrete graph skips tf.function's per-call argument matching.
                self._compiled = infer.get_concrete_function()
            return self._compiled


def width_bucket(slots: int) -> int:
    """The widest memory of `slots`' bucket: each width up to 8, then four buckets a doubling,
    so a call pads its stories by a quarter at most.

    >>> [width_bucket(n) for n in (1, 8, 9, 11, 17, 26, 234)]
    [1, 8, 10, 12, 20, 28, 256]
    """
    if slots <= 8:
        return slots
    step = 2 ** ((slots - 1).bit_length() - 3)
    return -(-slots // step) * step


def calibrated(probabilities: np.ndarray, temperature: float | np.ndarray) -> np.ndarray:
    """Softmax probabilities with their logits divided by `temperature` (temperature scaling):
    one for all rows, or one per row.

    A temperature above 1 softens over-confident answers; the argmax never changes.
    """
    if np.all(np.equal(temperature, 1.0)):
        return probabilities
    temperature = np.asarray(temperature, dtype=np.float64)
    if temperature.ndim and temperature.shape != (len(probabilities),):
        raise ValueError(f"{temperature.shape} temperatures for {len(probabilities)} rows")
    temperature = temperature.reshape(-1, 1)
    logits = np.log(np.maximum(probabilities, 1e-30)) / temperature
    logits -= logits.max(axis=-1, keepdims=True)
    scaled = np.exp(logits)
    return (scaled / scaled.sum(axis=-1, keepdims=True)).astype(np.float32)


def fit_temperature(probabilities: np.ndarray, answers: np.ndarray) -> float:
    """The temperature that gives these answers the least log loss (1.0 when none is given).

    Args:
        probabilities: (N, answers) uncalibrated answer probabilities.
        answers: (N,) the index of each right answer.

    Returns:
        The best of a grid from 0.5 to 20, spaced evenly in log scale.
    """
    if len(answers) == 0:
        return 1.0
    grid = np.exp(np.linspace(np.log(0.5), np.log(20.0), 121))

    def loss(temperature: float) -> float:
        right = calibrated(probabilities, temperature)[np.arange(len(answers)), answers]
        return float(-np.log(np.maximum(right, 1e-12)).mean())

    return round(float(min(grid, key=loss)), 4)


def fit_form_temperatures(
    probabilities: np.ndarray, answers: np.ndarray, forms: list[str]
) -> tuple[float, dict[str, float]]:
    """(the model's temperature, {form: its own temperature}) for these answers.

    A question form with at least `FORM_QUESTIONS` answers gets a temperature of its own where
    that is softer than the rest's: a form answered worse (task 3's "Was the O in the P before
    the Q?") shows less confidence, and its mistakes no longer soften every other form. No form
    is made sharper than the rest on so few questions. The model's temperature is then fitted
    on the forms without one of their own.
    """
    forms = np.array(forms, dtype=object)
    overall = fit_temperature(probabilities, answers)
    own = {}
    for form in sorted(set(forms.tolist())):
        chosen = forms == form
        if chosen.sum() >= FORM_QUESTIONS:
            temperature = fit_temperature(probabilities[chosen], answers[chosen])
            if temperature > overall:
                own[form] = temperature
    rest = ~np.isin(forms, list(own))
    if own and rest.any():
        overall = fit_temperature(probabilities[rest], answers[rest])
    return overall, own


def warm_up(bundle: ModelBundle) -> None:
    """Run the compiled inference once, so the first real answer does not pay for tracing."""
    config = bundle.config
    word = min(2, config.vocabulary_size - 1)  # any real word
    story = np.zeros((1, config.max_sentences, config.max_words), dtype="int32")
    story[0, -1, 0] = word  # an all-padding story might take another path
    question = np.full((1, config.max_question_words), word, dtype="int32")
    bundle.predict(story, question)


def _distinct_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(index of the first of each distinct row, for each row the number of its distinct row).

    Fast through a hash of each row; the result is checked against the rows themselves.
    """
    if len(rows) < 2:
        return np.arange(len(rows)), np.zeros(len(rows), dtype=np.int64)
    # A random linear hash, in one vectorized product; it wraps around, as meant.
    weights = np.random.default_rng(0).integers(1, 2**63, rows.shape[1], dtype=np.uint64)
    key = rows.astype(np.uint64) @ weights
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    if not np.array_equal(rows[first][inverse.reshape(-1)], rows):  # a collision: compare rows
        _, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
    # Number the distinct rows in data order, so that neighbours (the questions of one story,
    # which share sentences the model encodes once per batch) stay together.
    order = np.argsort(first)
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return first[order], rank[inverse.reshape(-1)]
