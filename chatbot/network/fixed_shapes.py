"""One question at a time (a conversation) through calls of fixed shapes, compiled by XLA.

A graph of dynamic shapes runs each of its few hundred small operations one by one, which for a
single question costs far more than its arithmetic. XLA fuses them, but only for shapes fixed
when it compiles, which takes seconds. `OneQuestion` holds three compiled parts for one
question: a sentence's encoding (one row), a question's vector, and the reasoning over a memory
of each width bucket (`inference.width_bucket`: the story padded on the left, as the memory is
right-aligned, which gives the same numbers). A part is compiled in a background thread the
first time it is asked for, and until it is ready the caller runs the graph of dynamic shapes
(network/split.py): the first answer never waits for a compilation. The next width is prepared
ahead, as a conversation's story grows.
"""

import atexit
import queue
import threading

import numpy as np

SENTENCE, QUESTION = "sentence", "question"


class OneQuestion:
    """The step network's parts for one question, XLA-compiled per shape in the background.

    Args:
        model: the step network (`split.can_split`).
        config: its `ModelConfig`.
    """

    def __init__(self, model, config):
        import tensorflow as tf

        self.config = config
        encoder = model.get_layer("story_encoder")
        question_encoder = model.get_layer("question_encoder")
        reasoner = model.get_layer("reasoner")
        self.hidden = reasoner.hidden_dim

        def sentence(rows):  # (1, words) -> (projected word states, sentence vector)
            states, vector = encoder.encode_rows(rows)
            return reasoner.project_words(states), vector

        def question(ids):  # (1, question words) -> (1, hidden)
            return question_encoder.encode_rows(ids, tf.zeros_like(ids))

        def reason(projected, vectors, story, question_vector, question_ids):
            answer, _, steps = reasoner.read_projected(
                projected, vectors, story, question_vector, question_ids, xla=True
            )
            return answer, steps

        self._functions = {
            SENTENCE: tf.function(sentence, jit_compile=True),
            QUESTION: tf.function(question, jit_compile=True),
            "reason": tf.function(reason, jit_compile=True),
        }
        self._parts: dict = {}  # part -> its concrete function, once compiled
        self._ready: set = set()
        self._asked: set = set()
        self._lock = threading.Lock()
        self._waiting: queue.Queue = queue.Queue()
        self._stopping = False
        # A daemon thread, stopped at exit after the compilation under way (TensorFlow must
        # not be torn down under it): leaving `chat` never waits for the rest.
        self._compiler = threading.Thread(target=self._compile_waiting, name="compile", daemon=True)
        self._compiler.start()
        atexit.register(self._stop)

    def ready(self, part) -> bool:
        """Whether a part (SENTENCE, QUESTION or a memory width) is compiled."""
        with self._lock:
            return part in self._ready

    def prepare(self, *parts) -> None:
        """Compile these parts in the background, those not yet compiled or asked for."""
        with self._lock:
            for part in parts:
                if part not in self._asked:
                    self._asked.add(part)
                    self._waiting.put(part)

    def wait(self) -> None:
        """Wait until every part asked for so far is compiled (or failed to)."""
        self._waiting.join()

    def sentence(self, row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(projected word states (words, hidden), sentence vector (hidden,)) of one row."""
        projected, vector = self._parts[SENTENCE](np.ascontiguousarray(row[None]))
        return projected.numpy()[0], vector.numpy()[0]

    def question(self, ids: np.ndarray) -> np.ndarray:
        """The question vector (hidden,) of one question's ids."""
        return self._parts[QUESTION](ids[None]).numpy()[0]

    def reason(self, projected, vectors, story, question_vector, question_ids):
        """(answer (1, answers), steps (1, K, S)) of one question whose memory (S slots) has
        the given encodings; padded to its compiled width (`ready(width)` first)."""
        from chatbot.network.inference import width_bucket

        slots = len(story)
        pad = width_bucket(slots) - slots
        answer, steps = self._parts[slots + pad](
            np.pad(projected, ((pad, 0), (0, 0), (0, 0)))[None],
            np.pad(vectors, ((pad, 0), (0, 0)))[None],
            np.pad(story, ((pad, 0), (0, 0)))[None],
            question_vector[None],
            question_ids[None],
        )
        return answer.numpy(), steps.numpy()[:, :, pad:]

    def _stop(self) -> None:
        self._stopping = True
        self._waiting.put(None)  # wakes the thread if it waits
        self._compiler.join(timeout=60)

    def _compile_waiting(self) -> None:
        while True:
            part = self._waiting.get()
            try:
                if self._stopping:
                    return
                self._compile(part)
            except Exception:  # noqa: BLE001  the graph of dynamic shapes answers instead
                pass
            finally:
                self._waiting.task_done()

    def _compile(self, part) -> None:
        """Trace a part for its shape and compile it on zeros (XLA compiles on the first run)."""
        words, asked, hidden = self.config.max_words, self.config.max_question_words, self.hidden
        if part in (SENTENCE, QUESTION):
            inputs = [np.zeros((1, words if part == SENTENCE else asked), np.int32)]
            function = self._functions[part]
        else:
            story = np.zeros((1, part, words), np.int32)
            story[0, -1, 0] = 1  # a memory of one sentence, as a real one has
            inputs = [
                np.zeros((1, part, words, hidden), np.float32),
                np.zeros((1, part, hidden), np.float32),
                story,
                np.zeros((1, hidden), np.float32),
                np.zeros((1, asked), np.int32),
            ]
            function = self._functions["reason"]
        compiled = function.get_concrete_function(*inputs)
        compiled(*inputs)
        with self._lock:
            self._parts[part] = compiled
            self._ready.add(part)
