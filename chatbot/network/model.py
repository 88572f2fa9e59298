"""The Keras memory network: LSTM-encoded sentences, relations between them, attention over them.

`build_model(config)` returns a functional model with two named inputs and two named outputs:

    story     int32 (batch, sentences, words)   newest sentence in the last slot, 0 = padding
    question  int32 (batch, question_words)
    answer    float (batch, answers)             softmax over the answer set
    attention float (batch, sentences)           which sentences the answer rests on

Names, places and objects arrive as their story's slots ("<name0>", reading/lexicon.py), so
the network learns what people do, never who they are. It has two parts: a `SentenceEncoder`
(embedding + LSTM, one vector per sentence, read in the light of the question) and a
`Reasoner` (self-attention across the sentence memories, then one attention over them that the
answer is read from). `architecture="tutorial"` builds the seed tutorial's one-hop word-level
network instead, kept only as a baseline for benchmarks.

A network of `config.steps` > 1 (the default) reads in steps instead: network/steps.py, which
adds a third output, `steps`, each step's attention.

Training (training/fitting.py) fits both outputs: the answer, and the attention towards bAbI's
supporting sentences.
"""

import warnings

from chatbot.config import ModelConfig
from chatbot.network.backend import keras

layers, ops = keras.layers, keras.ops

# Sentence ages (0 = newest) in buckets: one each up to 7, then two per doubling up to 4,096.
EXACT_AGES = 8
AGE_BUCKETS = EXACT_AGES + 2 * 9 + 1


def age_buckets(ages):
    """The age bucket of each age: near ages apart, far ones by their order of magnitude."""
    far = ops.log(ops.maximum(ops.cast(ages, "float32"), 1.0) / EXACT_AGES) / ops.log(2.0)
    bucket = EXACT_AGES + ops.cast(ops.floor(2.0 * ops.maximum(far, 0.0)), "int32")
    return ops.minimum(
        ops.where(ages < EXACT_AGES, ops.cast(ages, "int32"), bucket), AGE_BUCKETS - 1
    )


class _ConfiguredLayer(layers.Layer):
    """A layer whose Keras config is its constructor arguments, named in `CONFIG`.

    Keras saves `get_config()` and rebuilds the layer from it on loading.
    """

    CONFIG: tuple[str, ...] = ()

    def get_config(self):
        return {**super().get_config(), **{name: getattr(self, name) for name in self.CONFIG}}


@keras.saving.register_keras_serializable(package="chatbot")
class SentenceEncoder(_ConfiguredLayer):
    """Word ids (..., words) -> one vector per sentence (..., hidden_dim), via a masked LSTM.

    Given the question, each story word also carries which question word it repeats (if any):
    "mary" in "Mary went to the office." is marked as the question's second word. Reading a
    sentence in the light of the question is what lets one sentence vector say "the person
    asked about went to the place asked about", and two of them combine into positions and sizes.
    """

    CONFIG = ("vocabulary_size", "embedding_dim", "hidden_dim", "max_question_words")

    def __init__(self, vocabulary_size, embedding_dim, hidden_dim, max_question_words=0, **kwargs):
        super().__init__(**kwargs)
        self.vocabulary_size = vocabulary_size
        self.embedding_dim = embedding_dim
        self.hidden_dim = hidden_dim
        self.max_question_words = max_question_words
        self.embedding = layers.Embedding(vocabulary_size, embedding_dim, name="embedding")
        # Index 0: the word is not in the question; k + 1: it repeats question word k.
        self.match = layers.Embedding(max_question_words + 1, embedding_dim, name="match")
        self.lstm = layers.LSTM(hidden_dim, name="lstm")

    def call(self, ids, question=None):
        import tensorflow as tf  # unique rows need a TensorFlow op; Keras has none

        words = ids.shape[-1]
        if question is None:
            matched = ops.zeros_like(ids)
        else:  # ids (batch, sentences, words), question (batch, question_words)
            same = ops.logical_and(
                ops.equal(ids[..., None], question[:, None, None, :]),
                ops.not_equal(question, 0)[:, None, None, :],
            )  # (batch, sentences, words, question_words)
            matched = ops.where(ops.any(same, axis=-1), ops.argmax(same, axis=-1) + 1, 0)
            matched = ops.where(ops.not_equal(ids, 0), matched, 0)
        rows = ops.concatenate(
            [ops.reshape(ids, (-1, words)), ops.reshape(ops.cast(matched, ids.dtype), (-1, words))],
            axis=-1,
        )  # (batch * sentences, 2 * words)
        # Most memory slots are padding and bAbI repeats its sentences: encode each distinct
        # row once and gather the results back.
        unique, position = tf.raw_ops.UniqueV2(x=rows, axis=[0])
        # (the reshape restores the static word count that UniqueV2 loses)
        encoded = self.encode_rows(
            ops.reshape(unique[:, :words], (-1, words)), ops.reshape(unique[:, words:], (-1, words))
        )  # (distinct, hidden)
        encoded = ops.take(encoded, position, axis=0)  # (batch * sentences, hidden)
        return ops.reshape(encoded, (*ops.shape(ids)[:-1], self.hidden_dim))

    def encode_rows(self, ids, matched):
        """One vector (R, hidden) per row of word ids (R, words), each word's question match
        (R, words) beside it (zeros: no question)."""
        mask = ops.not_equal(ids, 0)
        encoded = self.lstm(self.embedding(ids) + self.match(matched), mask=mask)
        # An all-padding sentence encodes to zeros; the reasoner masks it out anyway.
        return encoded * ops.cast(ops.any(mask, axis=-1, keepdims=True), encoded.dtype)


@keras.saving.register_keras_serializable(package="chatbot")
class Reasoner(_ConfiguredLayer):
    """Sentence memories + question -> (answer probabilities, attention over the memories).

    Memories get an embedding of their age bucket (`age_buckets`) and a view of the sentence
    before them (pronouns), then self-attention blocks let each sentence look at the sentences
    told after it and, separately, at those told before: objects follow their carrier, paths
    and sizes need two facts combined, and the masks keep the order of any two sentences exact
    however long the story. A final question-to-memory attention picks what the
    answer is read from; the answer sees the story only through it, so that distribution is the
    model's real explanation.
    """

    CONFIG = ("max_sentences", "hidden_dim", "answer_count", "blocks", "heads")

    def __init__(self, max_sentences, hidden_dim, answer_count, blocks=2, heads=4, **kwargs):
        super().__init__(**kwargs)
        self.max_sentences = max_sentences
        self.hidden_dim = hidden_dim
        self.answer_count = answer_count
        self.blocks = blocks
        self.heads = heads
        self.age = layers.Embedding(AGE_BUCKETS, hidden_dim, name="age")
        self.context = layers.Dense(hidden_dim, name="context")
        # Per block one attention over the sentences told after each one and one over those
        # told before: the order of any two sentences is exact at every distance, so "the
        # latest fact about Mary" is found 200 sentences back as well as 2.
        self.attention_blocks = [
            (
                layers.MultiHeadAttention(heads, hidden_dim // heads, name=f"later_{i}"),
                layers.MultiHeadAttention(heads, hidden_dim // heads, name=f"earlier_{i}"),
            )
            for i in range(blocks)
        ]
        self.attention_norms = [layers.LayerNormalization(name=f"norm_a{i}") for i in range(blocks)]
        self.feed_forwards = [
            keras.Sequential(
                [layers.Dense(2 * hidden_dim, activation="relu"), layers.Dense(hidden_dim)],
                name=f"feed_forward_{i}",
            )
            for i in range(blocks)
        ]
        self.forward_norms = [layers.LayerNormalization(name=f"norm_f{i}") for i in range(blocks)]
        self.query = layers.Dense(hidden_dim, name="query")
        self.answer_hidden = layers.Dense(hidden_dim, activation="relu", name="answer_hidden")
        self.answer_logits = layers.Dense(answer_count, name="answer_logits")

    def relate(self, memories, memory_mask):
        """Memories (batch, sentences, hidden) in the light of their age, the sentence before
        each and the sentences around it."""
        sentences = ops.shape(memories)[1]  # any number up to max_sentences
        ages = ops.arange(sentences)[::-1]  # the newest sentence, in the last slot, has age 0
        # Each sentence also reads the one before it: "Then she went to the garden." needs it.
        # (Read before the ages are added: a padding slot stays zeros, however wide the memory.)
        previous = ops.pad(memories[:, :-1], ((0, 0), (1, 0), (0, 0)))
        memories = memories + self.age(age_buckets(ages))[None] + self.context(previous)
        pair_mask = ops.logical_and(memory_mask[:, :, None], memory_mask[:, None, :])
        slot = ops.arange(sentences)
        later = ops.logical_and(pair_mask, (slot[None, :] >= slot[:, None])[None])
        earlier = ops.logical_and(pair_mask, (slot[None, :] <= slot[:, None])[None])
        for (attend_later, attend_earlier), norm_a, forward, norm_f in zip(
            self.attention_blocks,
            self.attention_norms,
            self.feed_forwards,
            self.forward_norms,
            strict=True,
        ):
            # Pre-norm residual blocks over the memories only: the answer sees the story solely
            # through the final attention, so that attention is the real explanation.
            normed = norm_a(memories)
            memories = (
                memories
                + attend_later(normed, normed, attention_mask=later)
                + attend_earlier(normed, normed, attention_mask=earlier)
            )
            memories = memories + forward(norm_f(memories))
        return memories

    def call(self, memories, memory_mask, question):
        # memories (batch, sentences, hidden), memory_mask (batch, sentences),
        # question (batch, hidden)
        memories = self.relate(memories, memory_mask)
        scores = ops.einsum("bh,bsh->bs", self.query(question), memories)
        scores = ops.where(memory_mask, scores, -1e9)
        attention = ops.softmax(scores, axis=-1)  # (batch, sentences)
        read = ops.einsum("bs,bsh->bh", attention, memories)
        hidden = self.answer_hidden(ops.concatenate([question, read], axis=-1))
        return ops.softmax(self.answer_logits(hidden), axis=-1), attention


@keras.saving.register_keras_serializable(package="chatbot")
class NamedOutput(layers.Layer):
    """Identity layer whose only job is to give a model output its name."""

    def call(self, x):
        return x


def load_model(path, compile: bool = False) -> keras.Model:
    """Load a saved network (a `.keras` file) with Keras' `safe_mode`, our layers registered.

    Args:
        path: the `.keras` file.
        compile: also restore the optimizer and losses (a training checkpoint).

    Raises:
        Whatever Keras raises for a missing or damaged file; callers say what to do about it.
    """
    import chatbot.network.steps  # noqa: F401  (registers the step network's layers)

    with warnings.catch_warnings():
        # Keras warns developers about layers without build(); the checks on loading and the
        # tests (save -> load -> same outputs) are what guard a loaded model.
        warnings.simplefilter("ignore", UserWarning)
        return keras.saving.load_model(path, compile=compile, safe_mode=True)


def inputs(config: ModelConfig, flexible_memory: bool):
    # A flexible memory takes any number of sentence slots up to max_sentences, so short
    # stories can be answered through a narrower (cheaper) memory with the same result.
    slots = None if flexible_memory else config.max_sentences
    story = keras.Input((slots, config.max_words), dtype="int32", name="story")
    question = keras.Input((config.max_question_words,), dtype="int32", name="question")
    return story, question


def named_model(story, question, answer, attention, name: str, steps=None) -> keras.Model:
    """The functional model with the named inputs and outputs every architecture shares, and
    each step's attention where the network reads in steps."""
    outputs = {
        "answer": NamedOutput(name="answer")(answer),
        "attention": NamedOutput(name="attention")(attention),
    }
    if steps is not None:
        outputs["steps"] = NamedOutput(name="steps")(steps)
    return keras.Model({"story": story, "question": question}, outputs, name=name)


def build_model(config: ModelConfig) -> keras.Model:
    """Builds the network that `config.architecture` names.

    Args:
        config: sizes of the vocabulary, answer set, memory and layers.

    Returns:
        A functional `keras.Model` with inputs `story`, `question` and outputs `answer`,
        `attention` (and `steps`, where `config.steps` > 1); not compiled.
    """
    if config.architecture == "tutorial":
        return _build_tutorial(config)
    if config.steps > 1:
        from chatbot.network.steps import build_step_model  # it builds on this module's layers

        return build_step_model(config)
    story, question = inputs(config, flexible_memory=True)
    story_encoder = SentenceEncoder(
        config.vocabulary_size,
        config.embedding_dim,
        config.hidden_dim,
        config.max_question_words,
        name="story_encoder",
    )
    question_encoder = SentenceEncoder(
        config.vocabulary_size, config.embedding_dim, config.hidden_dim, name="question_encoder"
    )
    memories = story_encoder(story, question)  # (batch, sentences, hidden)
    memory_mask = ops.any(ops.not_equal(story, 0), axis=-1)  # (batch, sentences)
    answer, attention = Reasoner(
        config.max_sentences,
        config.hidden_dim,
        config.answer_count,
        blocks=config.blocks,
        heads=config.heads,
        name="reasoner",
    )(memories, memory_mask, question_encoder(question))
    return named_model(story, question, answer, attention, "memory_network")


@keras.saving.register_keras_serializable(package="chatbot")
class TutorialMemory(_ConfiguredLayer):
    """The seed tutorial's one-hop word-level memory network, as one layer (baseline only).

    Story words flattened; embeddings m (64-d) and c (question-length-d); match = softmax(m · q);
    response = permute(match + c); concatenated with the question; LSTM(32); dense softmax.
    Sentence attention = the word-level match summed over each sentence's words.
    """

    CONFIG = ("vocabulary_size", "max_sentences", "max_words", "max_question_words", "answer_count")

    def __init__(
        self, vocabulary_size, max_sentences, max_words, max_question_words, answer_count, **kwargs
    ):
        super().__init__(**kwargs)
        self.vocabulary_size = vocabulary_size
        self.max_sentences = max_sentences
        self.max_words = max_words
        self.max_question_words = max_question_words
        self.answer_count = answer_count
        self.memory_m = layers.Embedding(vocabulary_size, 64)
        self.memory_c = layers.Embedding(vocabulary_size, max_question_words)
        self.question_embedding = layers.Embedding(vocabulary_size, 64)
        self.dropout = layers.Dropout(0.3)
        self.lstm = layers.LSTM(32)
        self.dense = layers.Dense(answer_count)

    def call(self, story, question, training=False):
        words = ops.reshape(story, (-1, self.max_sentences * self.max_words))
        m = self.dropout(self.memory_m(words), training=training)  # (batch, story_words, 64)
        c = self.dropout(self.memory_c(words), training=training)  # (batch, story_words, q_words)
        q = self.dropout(self.question_embedding(question), training=training)  # (batch, q, 64)
        match = ops.softmax(ops.einsum("bwd,bqd->bwq", m, q), axis=1)  # (batch, story_words, q)
        response = ops.transpose(match + c, (0, 2, 1))  # (batch, q_words, story_words)
        hidden = self.lstm(ops.concatenate([response, q], axis=-1))
        hidden = self.dropout(hidden, training=training)
        per_sentence = ops.reshape(
            ops.mean(match, axis=-1), (-1, self.max_sentences, self.max_words)
        )
        attention = ops.sum(per_sentence, axis=-1)
        return ops.softmax(self.dense(hidden), axis=-1), attention


def _build_tutorial(config: ModelConfig) -> keras.Model:
    story, question = inputs(config, flexible_memory=False)
    answer, attention = TutorialMemory(
        config.vocabulary_size,
        config.max_sentences,
        config.max_words,
        config.max_question_words,
        config.answer_count,
        name="tutorial_memory",
    )(story, question)
    return named_model(story, question, answer, attention, "tutorial_memory_network")
