"""The step network run in two parts: each distinct sentence encoded once, then the questions.

The step network (network/steps.py) encodes a sentence without the question: its word states,
its sentence vector and the question-free half of `word_match` (`StepReasoner.project_words`)
are the same for every question about it, in every story it is in. `SplitInference` keeps them
per distinct sentence (its word ids) in a bounded cache, encodes only the sentences it has not
met (in `chat`, a story that grows by one sentence encodes that one), and runs the reasoning
per question on the cached tables, gathered inside the compiled call. Same weights, same
numbers as the whole model (to float rounding); the one-read network encodes its sentences
in the light of the question, so it is run whole (`inference.ModelBundle`).

TensorFlow is imported when the parts are traced, as `inference` does.
"""

import threading
from collections import OrderedDict

import numpy as np

from chatbot.network.inference import _distinct_rows, width_bucket

# Distinct sentences whose encodings are kept (each words x hidden floats: 6 KB for the
# step-candidate model, so 50 MB at most): far more than the sentences of one evaluation batch
# or a long conversation.
CACHED_SENTENCES = 8192
FEW = 4  # new sentences of one question encoded one by one by a compiled call of fixed shape


def can_split(model) -> bool:
    """Whether a model is the step network, whose sentences are encoded without the question."""
    from chatbot.network.steps import StepReasoner, WordEncoder

    names = {layer.name: layer for layer in model.layers}
    return isinstance(names.get("story_encoder"), WordEncoder) and isinstance(
        names.get("reasoner"), StepReasoner
    )


class SplitInference:
    """(story ids (N, S, W), question ids (N, Q)) -> (answer (N, answers), steps (N, K, S)),
    as the whole model's compiled call gives them, each distinct sentence encoded once.

    Args:
        model: the step network (`can_split`).
        config: its `ModelConfig` (word and question sizes).
        cached: distinct sentences whose encodings are kept, the least recently used dropped.
    """

    def __init__(self, model, config, cached: int = CACHED_SENTENCES):
        self.cached = cached
        self.model, self.config = model, config
        self._cache: OrderedDict[bytes, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._questions: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._encode, self._reason = _traced(model, config)
        self.one = None  # the parts for one question at a time, once asked for

    def prepare_conversation(self) -> None:
        """Compile the parts of fixed shapes for one question at a time (`fixed_shapes`) in the
        background, from then on used once ready: a conversation's answers."""
        from chatbot.network.fixed_shapes import OneQuestion

        with self._lock:
            if self.one is None:
                self.one = OneQuestion(self.model, self.config)

    def __call__(self, story: np.ndarray, question: np.ndarray):
        if self.one is not None and len(story) == 1:
            return self._one_question(story[0], question[0])
        return self._many(story, question)

    def _many(self, story: np.ndarray, question: np.ndarray):
        count, slots, words = story.shape
        rows = story.reshape(count * slots, words)
        first, inverse = _distinct_rows(rows)
        distinct = np.ascontiguousarray(rows[first])
        projected, sentences = self.encodings(distinct)
        answer, steps = self._reason(
            projected, sentences, distinct, inverse.reshape(count, slots).astype(np.int32), question
        )
        return answer.numpy(), steps.numpy()

    def _one_question(self, story: np.ndarray, question: np.ndarray):
        """`__call__` for one question (story (S, W), question (Q,)) through the compiled parts
        of fixed shapes that are ready, the graph of dynamic shapes for the rest."""
        from chatbot.network.fixed_shapes import QUESTION, SENTENCE

        first, inverse = _distinct_rows(story)
        distinct = np.ascontiguousarray(story[first])
        projected, vectors = self.encodings(distinct)
        width = width_bucket(len(story))
        if not self.one.ready(width) or not self.one.ready(QUESTION):
            answer, steps = self._reason(
                projected, vectors, distinct, inverse[None].astype(np.int32), question[None]
            )
            self.one.prepare(SENTENCE, QUESTION, width, width_bucket(width + 1))  # after it
            return answer.numpy(), steps.numpy()
        self.one.prepare(width_bucket(width + 1))  # the story grows: the next width, ahead
        key = question.tobytes()
        with self._lock:
            vector = self._questions.get(key)
        if vector is None:
            vector = self.one.question(question)
            with self._lock:
                self._questions[key] = vector
                while len(self._questions) > self.cached:
                    self._questions.popitem(last=False)
        return self.one.reason(projected[inverse], vectors[inverse], story, vector, question)

    def encodings(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(projected word states (R, W, hidden), sentence vectors (R, hidden)) of distinct
        sentence rows (R, W): from the cache, the rest encoded in one call (or one compiled
        call of fixed shape each, for the few of a conversation)."""
        from chatbot.network.fixed_shapes import SENTENCE

        keys = [row.tobytes() for row in rows]
        with self._lock:
            found = [self._cache.get(key) for key in keys]
        missing = [index for index, entry in enumerate(found) if entry is None]
        one = self.one
        if missing and one is not None and len(missing) <= FEW and one.ready(SENTENCE):
            for index in missing:
                found[index] = one.sentence(rows[index])
        elif missing:
            projected, sentences = self._encode(rows[missing])
            projected, sentences = projected.numpy(), sentences.numpy()
            for position, index in enumerate(missing):
                found[index] = (projected[position], sentences[position])
        with self._lock:
            for key, entry in zip(keys, found, strict=True):
                self._cache[key] = entry
                self._cache.move_to_end(key)
            while len(self._cache) > self.cached:
                self._cache.popitem(last=False)
        return np.stack([entry[0] for entry in found]), np.stack([entry[1] for entry in found])


def _traced(model, config):
    """(encode, reason): the model's two parts as concrete TensorFlow graphs, any batch size."""
    import tensorflow as tf

    encoder = model.get_layer("story_encoder")
    question_encoder = model.get_layer("question_encoder")
    reasoner = model.get_layer("reasoner")
    words, hidden = config.max_words, reasoner.hidden_dim

    @tf.function(input_signature=[tf.TensorSpec((None, words), tf.int32)])
    def encode(rows):
        states, sentences = encoder(rows)  # (R, W, hidden), (R, hidden)
        return reasoner.project_words(states), sentences

    @tf.function(
        input_signature=[
            tf.TensorSpec((None, words, hidden), tf.float32),
            tf.TensorSpec((None, hidden), tf.float32),
            tf.TensorSpec((None, words), tf.int32),
            tf.TensorSpec((None, None), tf.int32),
            tf.TensorSpec((None, config.max_question_words), tf.int32),
        ]
    )
    def reason(projected, sentences, rows, slots, question):
        # Each question's memory gathered from the distinct sentences' tables.
        story = tf.gather(rows, slots)  # (N, S, W)
        answer, _, steps = reasoner.read_projected(
            tf.gather(projected, slots),  # (N, S, W, hidden)
            tf.gather(sentences, slots),  # (N, S, hidden)
            story,
            question_encoder(question),
            question,
        )
        return answer, steps

    return encode.get_concrete_function(), reason.get_concrete_function()
