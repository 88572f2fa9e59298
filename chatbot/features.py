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

    def row(self, text: str) -> int:
        index = self.row_of.get(text)
        if index is None:
            ids, unknown = self.vocabulary.encode(tokenize(text))
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
    question: str, vocabulary: Vocabulary, max_question_words: int
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
    ids, unknown = vocabulary.encode(tokenize(question))
    row = np.zeros(max_question_words, dtype=np.int32)
    kept = ids[:max_question_words]
    row[: len(kept)] = kept
    return row, tuple(unknown)


def encode_examples(examples: Iterable, vocabulary: Vocabulary, answers: Sequence[str], config):
    """Encode many examples at once into the arrays that training and evaluation use.

    Args:
        examples: `babi.Example`s.
        vocabulary: word ids.
        answers: the answer set; an answer's index is its class.
        config: a `ModelConfig` (uses max_sentences, max_words, max_question_words).

    Returns:
        A dict of numpy arrays, N being the number of examples:
        "story" int32 (N, S, W); "question" int32 (N, Q); "answer" int32 (N,), the index into
        `answers` or -1 when the answer is outside the answer set; "supporting" bool (N, S),
        True where a slot holds a supporting sentence; "truncated" int32 (N,), the oldest
        sentences that did not fit; "unknown" bool (N,), the question or its kept sentences hold
        words the vocabulary lacks; "cut_words" int32 (N,), words cut from over-long kept
        sentences and from the question.
    """
    examples = list(examples)
    count, slots = len(examples), config.max_sentences
    sentences = _SentenceTable(vocabulary, config.max_words)
    questions = _SentenceTable(vocabulary, config.max_question_words)
    answer_index = {answer: index for index, answer in enumerate(answers)}

    story_rows = np.zeros((count, slots), dtype=np.int64)
    question_rows = np.zeros(count, dtype=np.int64)
    answer = np.full(count, -1, dtype=np.int32)
    supporting = np.zeros((count, slots), dtype=bool)
    truncated = np.zeros(count, dtype=np.int32)
    for number, example in enumerate(examples):
        first_sentence, first_slot = _slots(len(example.story), slots)
        story_rows[number, first_slot:] = [
            sentences.row(text) for text in example.story[first_sentence:]
        ]
        question_rows[number] = questions.row(example.question)
        answer[number] = answer_index.get(example.answer, -1)
        for index in example.supporting:
            if index >= first_sentence:
                supporting[number, first_slot + index - first_sentence] = True
        truncated[number] = first_sentence

    # Per distinct sentence: does it hold unknown words, how many words were cut.
    sentence_unknown = np.array([bool(words) for words in sentences.unknown])
    sentence_cut = np.array(sentences.cut, dtype=np.int32)
    question_unknown = np.array([bool(words) for words in questions.unknown])
    question_cut = np.array(questions.cut, dtype=np.int32)
    return {
        "story": sentences.array()[story_rows],
        "question": questions.array()[question_rows],
        "answer": answer,
        "supporting": supporting,
        "truncated": truncated,
        "unknown": sentence_unknown[story_rows].any(axis=1) | question_unknown[question_rows],
        "cut_words": (sentence_cut[story_rows].sum(axis=1) + question_cut[question_rows]).astype(
            np.int32
        ),
    }
