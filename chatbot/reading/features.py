"""Stories and questions -> the padded integer arrays the model reads.

The story is a matrix of sentences x words: the newest `max_sentences` sentences before the
question, right-aligned so that the newest sentence is always in the last slot (the model learns
sentence age from the slot), padded with 0. Words beyond `max_words` in a sentence, or beyond
`max_question_words` in a question, are cut and counted.

bAbI repeats sentences a great deal (every question of a story sees the same sentences again, and
"Mary went to the kitchen." recurs across stories), so `encode_examples` encodes each distinct
sentence text once and builds the story arrays by indexing a table of encoded sentences.
Nothing here imports TensorFlow.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from chatbot.text import Vocabulary, tokenize

# Supporting sentences kept in order per question: bAbI lists at most 3 for a chain, and up to 8
# for counting and lists.
MAX_SUPPORTS = 8


@dataclass(frozen=True)
class EncodedStory:
    ids: np.ndarray  # int32 (max_sentences, max_words), right-aligned: newest sentence last
    sentences: tuple[str, ...]  # the sentence texts that fit, oldest first
    truncated: int  # how many of the oldest sentences did not fit in the memory
    unknown_words: tuple[str, ...]  # words of the kept sentences the vocabulary lacks
    cut_words: int = 0  # words dropped because a kept sentence had more than max_words


class _SentenceTable:
    """Encodes sentence texts to fixed-length id rows, each distinct text once.

    Row 0 is all padding, so an index array of shape (N, S) with 0 for empty slots turns into
    the story array (N, S, W) with one fancy-indexing step.
    """

    def __init__(self, vocabulary: Vocabulary, max_words: int):
        self.vocabulary = vocabulary
        self.max_words = max_words
        self.row_of: dict[str, int] = {}
        self.rows: list[list[int]] = [[0] * max_words]
        self.unknown: list[tuple[str, ...]] = [()]
        self.cut: list[int] = [0]

    def row(self, text: str | tuple[str, ...]) -> int:
        """The row of a sentence: its text, or its tokens (as `entities` reads them)."""
        index = self.row_of.get(text)
        if index is None:
            ids, unknown = self.vocabulary.encode(tokenize(text) if isinstance(text, str) else text)
            kept = ids[: self.max_words]
            index = len(self.rows)
            self.rows.append(kept + [0] * (self.max_words - len(kept)))
            self.unknown.append(tuple(unknown))
            self.cut.append(len(ids) - len(kept))
            self.row_of[text] = index
        return index

    def array(self) -> np.ndarray:
        return np.asarray(self.rows, dtype=np.int32).reshape(len(self.rows), self.max_words)


def _slots(sentence_count: int, max_sentences: int) -> tuple[int, int]:
    """(first kept sentence, first filled slot) for a story of `sentence_count` sentences."""
    kept = min(sentence_count, max_sentences)
    return sentence_count - kept, max_sentences - kept


def encode_story(
    sentences: Sequence[str], vocabulary: Vocabulary, max_sentences: int, max_words: int
) -> EncodedStory:
    """Encode the newest `max_sentences` sentences of a story, newest in the last slot.

    Args:
        sentences: the story's sentence texts, oldest first.
        vocabulary: word ids; unknown words get id 1 and are reported.
        max_sentences: memory slots.
        max_words: words per slot; longer sentences are cut (and counted in `cut_words`).

    Returns:
        The `EncodedStory`.

    >>> vocabulary = Vocabulary.build(["Mary went home.", "John left."])
    >>> encoded = encode_story(["Mary went home.", "John left.", "Bob ran."], vocabulary, 2, 3)
    >>> encoded.ids.tolist(), encoded.truncated, encoded.unknown_words
    ([[3, 4, 0], [1, 1, 0]], 1, ('bob', 'ran'))
    """
    table = _SentenceTable(vocabulary, max_words)
    first_sentence, first_slot = _slots(len(sentences), max_sentences)
    kept = tuple(sentences[first_sentence:])
    rows = [table.row(text) for text in kept]
    ids = np.zeros((max_sentences, max_words), dtype=np.int32)
    if rows:
        ids[first_slot:] = table.array()[rows]
    unknown: dict[str, None] = {}  # ordered set: each word once, in the order met
    for row in rows:
        unknown.update(dict.fromkeys(table.unknown[row]))
    return EncodedStory(
        ids=ids,
        sentences=kept,
        truncated=first_sentence,
        unknown_words=tuple(unknown),
        cut_words=sum(table.cut[row] for row in rows),
    )


def encode_question(
    question: str | Sequence[str], vocabulary: Vocabulary, max_question_words: int
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Encode a question as int32 (max_question_words,), left-aligned, padded with 0.

    Args:
        question: the question text; case and punctuation do not matter.
        vocabulary: word ids.
        max_question_words: words kept; the rest are cut.

    Returns:
        The ids and the unknown words.

    >>> vocabulary = Vocabulary.build(["Is Mary home?"])
    >>> ids, unknown = encode_question("Is Bob home?", vocabulary, 4)
    >>> ids.tolist(), unknown
    ([3, 1, 2, 0], ('bob',))
    """
    ids, unknown = vocabulary.encode(question)  # a string is tokenized
    row = np.zeros(max_question_words, dtype=np.int32)
    kept = ids[:max_question_words]
    row[: len(kept)] = kept
    return row, tuple(unknown)


def encode_examples(
    examples: Iterable,
    vocabulary: Vocabulary,
    answers: Sequence[str],
    config,
    lexicon,
    rng=None,
    materialize: bool = True,
):
    """Encode many examples at once into the arrays that training and evaluation use.

    Each example is read through the lexicon (`Lexicon.read`): entities become its story's
    slots, sentences of a shape never met are left out, and a question the bot would refuse
    (unknown words, a shape never met, someone the story never mentions) is marked "unknown".

    Args:
        examples: `babi.Example`s.
        vocabulary: word ids.
        answers: the answer set; an answer's index is its class.
        config: a `ModelConfig` (uses max_sentences, max_words, max_question_words).
        lexicon: the model's `lexicon.Lexicon`.
        rng: a `random.Random` numbers each example's slots at random (training); None numbers
            them in order of first mention.
        materialize: also build "story" (N, S, W); training gathers batches from the rows.

    Returns:
        A dict of numpy arrays, N being the number of examples and S the memory slots the
        longest story needs (at most max_sentences):
        "story" int32 (N, S, W), the right-aligned sentences (when `materialize`);
        "story_rows" int (N, S), the same as rows of "sentences" (R, W), row 0 being padding;
        "question" int32 (N, Q); "answer" int32 (N,), the index into `answers`, -1 outside it;
        "supporting" bool (N, S), True where a slot holds a supporting sentence;
        "support_order" int32 (N, MAX_SUPPORTS), their slots in the order the data lists them
        (the order a reader uses them), -1 past the last; "truncated" int32 (N,), the oldest
        sentences that did not fit; "unknown" bool (N,), the question cannot be answered as
        read (see above); "cut_words" int32 (N,), words cut from kept sentences and question.
    """
    examples = list(examples)
    sentences = _SentenceTable(vocabulary, config.max_words)
    questions = _SentenceTable(vocabulary, config.max_question_words)
    answer_index = {answer: index for index, answer in enumerate(answers)}
    rows, support, question_rows, truncated, refused = _read_examples(
        examples, lexicon, vocabulary.words, rng, config.max_sentences, sentences, questions
    )
    story_rows, supporting, support_order = _right_aligned(rows, support, config.max_sentences)
    unknown, cut_words = _unread_words(sentences, questions, story_rows, question_rows)
    encoded = {
        "story_rows": story_rows,
        "sentences": sentences.array(),
        "question": questions.array()[question_rows],
        "answer": np.array([answer_index.get(e.answer, -1) for e in examples], dtype=np.int32),
        "supporting": supporting,
        "support_order": support_order,
        "truncated": truncated,
        "unknown": refused | unknown,
        "cut_words": cut_words,
    }
    if materialize:
        encoded["story"] = encoded["sentences"][story_rows]
    return encoded


def _read_examples(examples, lexicon, known, rng, max_sentences, sentences, questions):
    """Read each example through the lexicon into table rows (see `encode_examples`).

    Returns:
        (per example the rows of its remembered sentences, oldest first; per example the
        positions of its supporting sentences among them; question rows (N,); truncated (N,);
        refused (N,): the reading alone refuses the question).
    """
    from chatbot.reading.story_reader import StoryReader

    rows, support = [], []
    question_rows = np.zeros(len(examples), dtype=np.int64)
    truncated = np.zeros(len(examples), dtype=np.int32)
    refused = np.zeros(len(examples), dtype=bool)
    story = StoryReader(lexicon, known)
    for number, example in enumerate(examples):
        reading = None
        if rng is None:  # each story read once for all its questions, as far as it can be
            if not story.continues(example.story):
                story = StoryReader(lexicon, known)
            story.tell(example.story[len(story.texts) :])
            reading = story.read(example.question)
        if reading is None:
            reading = lexicon.read(example.story, [example.question], known, rng)
        left_out = set(reading.left_out)
        kept = [i for i in range(len(example.story)) if i not in left_out]
        first = max(0, len(kept) - max_sentences)
        rows.append([sentences.row(reading.sentences[i]) for i in kept[first:]])
        position = {index: slot for slot, index in enumerate(kept[first:])}
        support.append([position[i] for i in example.supporting if i in position])
        question_rows[number] = questions.row(reading.questions[0])
        truncated[number] = first
        refused[number] = reading.refused(0)
    return rows, support, question_rows, truncated, refused


def _right_aligned(rows, support, max_sentences: int):
    """(story rows (N, S), supporting (N, S), support order (N, MAX_SUPPORTS)), S the slots the
    longest story needs (1 at least)."""
    slots = max((len(row) for row in rows), default=0) or min(1, max_sentences)
    story_rows = np.zeros((len(rows), slots), dtype=np.int64)
    supporting = np.zeros((len(rows), slots), dtype=bool)
    order = np.full((len(rows), MAX_SUPPORTS), -1, dtype=np.int32)
    for number, (row, held) in enumerate(zip(rows, support, strict=True)):
        if row:
            story_rows[number, slots - len(row) :] = row
        held = [slots - len(row) + slot for slot in held]
        supporting[number, held] = True
        order[number, : len(held[:MAX_SUPPORTS])] = held[:MAX_SUPPORTS]
    return story_rows, supporting, order


def _unread_words(sentences, questions, story_rows, question_rows):
    """Per example: (the vocabulary lacks a word of it (N,), words cut from its slots (N,))."""
    sentence_unknown = np.array([bool(words) for words in sentences.unknown])
    sentence_cut = np.array(sentences.cut, dtype=np.int32)
    question_unknown = np.array([bool(words) for words in questions.unknown])
    question_cut = np.array(questions.cut, dtype=np.int32)
    unknown = sentence_unknown[story_rows].any(axis=1) | question_unknown[question_rows]
    cut = sentence_cut[story_rows].sum(axis=1) + question_cut[question_rows]
    return unknown, cut.astype(np.int32)
