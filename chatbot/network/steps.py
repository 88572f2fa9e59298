"""Reading the memory in steps: each step's query is rewritten by what the step before it read.

One read of the memory cannot follow a chain whose second link depends on what the first found
("Is the milk in the kitchen?": who dropped the milk, then where that person went next). The
`StepReasoner` reads K times. Step k scores each sentence by three things:
- what its state asks (a query, as one read does): the state starts as the question;
- words it shares with what was read so far (`mentioned`: the question's words at the first
  step, then the words of the sentences the previous step read), each word weighted by how much
  the state cares about it: "the milk" leads to the drop, the drop's "<name2>" to <name2>'s
  moves (names are story slots, so the link is the same word, whoever it is);
- where it stands against the previous read (`time_features`): after it or before it, which
  "where did they go next" and "where was it before" need.
The state is then updated with what the step read (a gate keeps what is still needed), and the
answer is read from the question, the last state and every step's read.

Training pulls step k's attention towards the k-th supporting sentence bAbI lists
(chatbot/training/dataset.step_targets), so each step's attention is an explanation in order.

Sentences are encoded once, without the question (`WordEncoder`: a state per word and one per
sentence). The question joins after the sentence reader: each word's state is read beside which
question word it repeats (`question_matches`) and the sentence keeps the strongest of those
(`QuestionMatch`). A word's state knows its part in the sentence, so "the kitchen is north of
the office" and "the office is north of the kitchen" differ for the question "Is the office
north of the kitchen?", which a bag of matched words cannot tell apart.
"""

from chatbot.network.backend import keras
from chatbot.network.model import Reasoner, SentenceEncoder, inputs, named_model

layers, ops = keras.layers, keras.ops


def question_matches(story, question):
    """Per story word, which question word it repeats: int (batch, sentences, words), 0 for
    none and k + 1 for question word k."""
    same = ops.logical_and(
        ops.equal(story[..., None], question[:, None, None, :]),
        ops.not_equal(question, 0)[:, None, None, :],
    )  # (batch, sentences, words, question_words)
    matched = ops.where(ops.any(same, axis=-1), ops.argmax(same, axis=-1) + 1, 0)
    return ops.where(ops.not_equal(story, 0), matched, 0)


@keras.saving.register_keras_serializable(package="chatbot")
class WordEncoder(SentenceEncoder):
    """Word ids (..., words) -> (a state per word (..., words, hidden), one per sentence
    (..., hidden)), via a masked LSTM; each distinct sentence once, without the question."""

    def __init__(self, vocabulary_size, embedding_dim, hidden_dim, **kwargs):
        super().__init__(vocabulary_size, embedding_dim, hidden_dim, **kwargs)
        self.lstm = layers.LSTM(hidden_dim, return_sequences=True, return_state=True, name="lstm")

    def call(self, ids):
        import tensorflow as tf  # unique rows need a TensorFlow op; Keras has none

        words = ids.shape[-1]
        unique, position = tf.raw_ops.UniqueV2(x=ops.reshape(ids, (-1, words)), axis=[0])
        # (the reshape restores the static word count UniqueV2 loses)
        states, sentence = self.encode_rows(ops.reshape(unique, (-1, words)))
        states = ops.take(states, position, axis=0)
        sentence = ops.take(sentence, position, axis=0)
        shape = ops.shape(ids)[:-1]
        return (
            ops.reshape(states, (*shape, words, self.hidden_dim)),
            ops.reshape(sentence, (*shape, self.hidden_dim)),
        )

    def encode_rows(self, rows):
        """(a state per word (R, words, hidden), one per sentence (R, hidden)) of word-id rows
        (R, words); padding words and sentences stay zeros."""
        mask = ops.not_equal(rows, 0)
        states, sentence, _ = self.lstm(self.embedding(rows), mask=mask)
        filled = ops.cast(mask, states.dtype)
        return states * filled[..., None], sentence * ops.max(filled, axis=-1, keepdims=True)


def bag_of_words(ids, vocabulary_size, scatter: bool = False):
    """Which vocabulary words occur in each row of ids: float (..., vocabulary_size); padding out.

    (A count per row, not a one-hot per word: that would hold words x vocabulary per sentence.
    `scatter`: scattered ones instead of `bincount`, which XLA does not compile, for
    network/fixed_shapes.py; the same numbers, slower without XLA.)
    """
    import tensorflow as tf  # a count per row needs a TensorFlow op; Keras has none

    rows = ops.reshape(ids, (-1, ops.shape(ids)[-1]))  # (rows, words)
    if scatter:
        count, words = ops.shape(rows)[0], ops.shape(rows)[1]
        row = ops.repeat(ops.arange(count)[:, None], words, axis=1)
        where = ops.reshape(ops.stack([row, ops.cast(rows, row.dtype)], axis=-1), (-1, 2))
        counts = tf.scatter_nd(where, ops.ones((count * words,)), (count, vocabulary_size))
        present = ops.minimum(counts, 1.0)
    else:
        present = tf.math.bincount(
            rows, minlength=vocabulary_size, maxlength=vocabulary_size, binary_output=True, axis=-1
        )
    present = ops.cast(present, "float32") * ops.cast(ops.arange(vocabulary_size) > 0, "float32")
    return ops.reshape(present, (*ops.shape(ids)[:-1], vocabulary_size))


def time_features(attention):
    """Where each sentence stands against a read: (batch, sentences, 2), the read's weight on
    sentences before it and on sentences after it."""
    before = ops.cumsum(attention, axis=-1) - attention  # weight read earlier than this slot
    after = ops.sum(attention, axis=-1, keepdims=True) - before - attention
    return ops.stack([before, after], axis=-1)


@keras.saving.register_keras_serializable(package="chatbot")
class StepReasoner(Reasoner):
    """Sentence memories + question -> (answer, last step's attention, every step's attention).

    The memories are related as `Reasoner` relates them (age, the sentence before, self-attention
    across sentences), after the question's matches are added; then K steps read them (see the
    module's docstring). The answer sees the story only through the steps' reads.
    """

    CONFIG = (*Reasoner.CONFIG, "steps", "vocabulary_size", "max_question_words")

    def __init__(
        self, max_sentences, hidden_dim, answer_count, blocks=2, heads=4, steps=3,
        vocabulary_size=1, max_question_words=1, **kwargs,
    ):  # fmt: skip
        super().__init__(max_sentences, hidden_dim, answer_count, blocks, heads, **kwargs)
        self.steps = steps
        self.vocabulary_size = vocabulary_size
        self.max_question_words = max_question_words
        # Which question word a story word repeats (0: none), read beside the word's state.
        self.match = layers.Embedding(max_question_words + 1, hidden_dim, name="match")
        self.word_match = layers.Dense(hidden_dim, activation="relu", name="word_match")
        # Step 0 asks with the Reasoner's own query layer, each later step with one of its own.
        self.queries = [self.query] + [
            layers.Dense(hidden_dim, name=f"query_{k}") for k in range(1, steps)
        ]
        self.links = [
            layers.Dense(vocabulary_size, activation="softplus", name=f"links_{k}")
            for k in range(steps)
        ]
        self.times = [layers.Dense(2, name=f"time_{k}") for k in range(steps)]
        self.update = layers.Dense(hidden_dim, activation="tanh", name="update")
        self.gate = layers.Dense(hidden_dim, activation="sigmoid", name="gate")

    def call(self, words, memories, story, question, question_ids):
        # words (batch, sentences, words, hidden), memories (batch, sentences, hidden), story
        # int (batch, sentences, words), question (batch, hidden), question_ids int (batch,
        # question_words)
        return self.read_projected(
            self.project_words(words), memories, story, question, question_ids
        )

    def project_words(self, words):
        """The part of `word_match` that does not depend on the question: each word's state
        times its half of the kernel, (..., words, hidden). Computed once per sentence, it
        serves every question about it (network/split.py)."""
        self._build_word_match()
        return ops.matmul(words, self.word_match.kernel[: self.hidden_dim])

    def read_projected(self, projected, memories, story, question, question_ids, xla=False):
        """The answer from projected word states (`project_words`), with the arguments of
        `call` otherwise (`xla`: in a graph XLA compiles, see `bag_of_words`).

        `word_match` reads each word's state beside its question match; its kernel is split in
        two halves, one per input, so relu(concat(state, match) @ kernel + bias) is
        relu(projected + match's row of (match embeddings @ lower half) + bias): the same
        numbers, the word states' half computed without the question.
        """
        memory_mask = ops.any(ops.not_equal(story, 0), axis=-1)  # (batch, sentences)
        kernel = self.word_match.kernel[self.hidden_dim :]
        matches = ops.matmul(self.match.embeddings, kernel)  # (question_words + 1, hidden)
        read = ops.relu(
            projected
            + ops.take(matches, question_matches(story, question_ids), axis=0)
            + self.word_match.bias
        )  # (batch, sentences, words, hidden)
        word_mask = ops.cast(ops.not_equal(story, 0), read.dtype)[..., None]
        memories = memories + ops.max(read * word_mask, axis=2)  # relu: padding adds nothing
        memories = self.relate(memories, memory_mask)
        bags = bag_of_words(story, self.vocabulary_size, xla)  # (batch, sentences, vocabulary)
        state = question
        mentioned = bag_of_words(question_ids, self.vocabulary_size, xla)  # (batch, vocabulary)
        attention = ops.zeros_like(ops.cast(memory_mask, memories.dtype))
        reads, steps = [], []
        for k in range(self.steps):
            scores = ops.einsum("bh,bsh->bs", self.queries[k](state), memories)
            scores += ops.einsum("bsv,bv->bs", bags, mentioned * self.links[k](state))
            if k:  # the first step has no read to stand against
                scores += ops.einsum("bst,bt->bs", time_features(attention), self.times[k](state))
            scores = ops.where(memory_mask, scores, -1e9)
            attention = ops.softmax(scores, axis=-1)  # (batch, sentences)
            read = ops.einsum("bs,bsh->bh", attention, memories)
            both = ops.concatenate([state, read], axis=-1)
            keep = self.gate(both)
            state = keep * state + (1.0 - keep) * self.update(both)
            mentioned = ops.einsum("bs,bsv->bv", attention, bags)
            reads.append(read)
            steps.append(attention)
        hidden = self.answer_hidden(ops.concatenate([question, state, *reads], axis=-1))
        answer = ops.softmax(self.answer_logits(hidden), axis=-1)
        return answer, attention, ops.stack(steps, axis=1)

    def _build_word_match(self):
        """Build the two layers `read_projected` uses by their weights, not by calling them."""
        if not self.match.built:
            self.match.build()
        if not self.word_match.built:
            self.word_match.build((None, 2 * self.hidden_dim))


def build_step_model(config) -> keras.Model:
    """The network that reads in `config.steps` steps (see `model.build_model`)."""
    story, question = inputs(config, flexible_memory=True)
    encoder = WordEncoder(
        config.vocabulary_size, config.embedding_dim, config.hidden_dim, name="story_encoder"
    )
    question_encoder = SentenceEncoder(
        config.vocabulary_size, config.embedding_dim, config.hidden_dim, name="question_encoder"
    )
    words, sentences = encoder(story)  # each sentence alone: its encodings serve all questions
    answer, attention, steps = StepReasoner(
        config.max_sentences,
        config.hidden_dim,
        config.answer_count,
        blocks=config.blocks,
        heads=config.heads,
        steps=config.steps,
        vocabulary_size=config.vocabulary_size,
        max_question_words=config.max_question_words,
        name="reasoner",
    )(
        words,
        sentences,
        story,
        question_encoder(question),
        question,
    )
    return named_model(story, question, answer, attention, "step_memory_network", steps)
