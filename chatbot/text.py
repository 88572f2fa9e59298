"""Words: tokenizing, splitting typed text into sentences, and the vocabulary of word ids.

Everything here works without downloaded data (NLTK's punkt cannot be had offline), and
nothing here imports TensorFlow. NLTK itself is imported on the first call to `tokenize`,
because importing it pulls in SciPy and costs over a second that `chatbot --help` should not pay.
"""

import difflib
import functools
import json
import os
import re
from collections.abc import Iterable, Sequence

from chatbot.errors import ChatbotError
from chatbot.files import write_text_atomic

PAD, UNKNOWN = "<pad>", "<unk>"
PAD_ID, UNKNOWN_ID = 0, 1
RESERVED = (PAD, UNKNOWN)

# A word is a run of letters or digits, with apostrophes allowed inside ("o'clock"). As NLTK's
# Treebank tokenizer does, "n't" and the clitics 's 're 've 'll 'd 'm are words of their own:
# "isn't" -> "is", "n't"; "can't" -> "ca", "n't"; "Mary's" -> "mary", "'s" (a possessive and
# "is" alike: the model reads "'s" in its place). A quote around a word is dropped.
_LETTERS = r"[^\W_]"
_CLITIC = r"'(?:s|re|ve|ll|d|m)\b"
WORD_PATTERN = (
    rf"{_LETTERS}+?(?=n't\b)"  # "is" of "isn't"
    rf"|(?<={_LETTERS})n't\b"  # its "n't"
    rf"|(?<={_LETTERS}){_CLITIC}"  # "'s" of "mary's"
    rf"|{_LETTERS}+(?:'(?!(?:s|re|ve|ll|d|m|t)\b){_LETTERS}+)*"  # a word, "o'clock"
)
# Typographic apostrophes and quotes become the plain one, so "Mary’s" tokenizes as "mary's".
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
# A sentence ends at a run of . ! ? (a full stop between digits, as in 3.5, does not end one).
_ENDING = re.compile(r"[.!?]+")

VOCABULARY_FORMAT = "chatbot-vocabulary"


@functools.cache
def _word_tokenizer():
    from nltk.tokenize import RegexpTokenizer  # imported late: NLTK takes over a second to load

    return RegexpTokenizer(WORD_PATTERN)


def tokenize(text: str) -> list[str]:
    """Split text into lower-case words, dropping punctuation.

    Args:
        text: any text, typed or read from a file.

    Returns:
        The words, in order.

    >>> tokenize("Is Mary in the KITCHEN?")
    ['is', 'mary', 'in', 'the', 'kitchen']
    >>> tokenize("Mary's ball isn't here, the apple,football")
    ['mary', "'s", 'ball', 'is', "n't", 'here', 'the', 'apple', 'football']
    """
    if len(text) > 1000:  # long pasted text: not worth remembering
        return list(_tokenize_now(text))
    return list(_tokens(text))


# bAbI-style data repeats the same few thousand sentences, and NLTK's tokenizer runs every match
# under a timeout guard (tens of microseconds a call): remembering results makes reruns free.
@functools.lru_cache(maxsize=1 << 16)
def _tokens(text: str) -> tuple[str, ...]:
    return _tokenize_now(text)


def _tokenize_now(text: str) -> tuple[str, ...]:
    try:
        return tuple(_word_tokenizer().tokenize(text.translate(_APOSTROPHES).lower()))
    except TimeoutError:  # NLTK gives up on a match after seconds: only absurdly long input
        raise ChatbotError(
            f"text of {len(text):,} characters is too long to read; give shorter sentences"
        ) from None


def split_sentences(paragraph: str, limit: int | None = None) -> list[str]:
    """Split typed text into sentences at . ! ? and line breaks, without punkt.

    Each sentence keeps the punctuation that ended it, so a caller can tell a question by its
    final "?" (a run such as "?!" that holds a question mark becomes "?"). Pieces with no word
    in them are dropped. Memory beyond the sentences found stays constant, however long a line.

    Args:
        paragraph: text as a person typed it, one or several sentences, maybe several lines.
        limit: the most sentences accepted; more raise ChatbotError (None: no limit).

    Returns:
        The sentences, stripped of surrounding space, in order.

    >>> split_sentences("Mary went home. Is she in the kitchen?! yes")
    ['Mary went home.', 'Is she in the kitchen?', 'yes']
    """
    sentences = []
    for line in paragraph.splitlines():
        for piece in _pieces(line):
            body = piece.rstrip(".!? \t")
            if not tokenize(body):
                continue
            ending = piece[len(body) :].strip()
            if "?" in ending:
                ending = "?"
            # Tabs and runs of spaces become one space: a story line holds no tab in bAbI.
            sentences.append(" ".join(body.split()) + ending)
            if limit is not None and len(sentences) > limit:
                raise ChatbotError(
                    f"the story has more than {limit:,} sentences, the most I read; "
                    "give a shorter one"
                )
    return sentences


def _pieces(line: str):
    """The pieces of a line, each up to and including a run of . ! ? (or the line's end)."""
    start = 0
    for match in _ENDING.finditer(line):
        begin, end = match.span()
        if (  # a decimal point, as in 3.5
            end - begin == 1
            and line[begin] == "."
            and 0 < begin
            and end < len(line)
            and line[begin - 1].isdecimal()
            and line[end].isdecimal()
        ):
            continue
        yield line[start:end]
        start = end
    if start < len(line):
        yield line[start:]


class Vocabulary:
    """Word ids: 0 is padding ("<pad>"), 1 stands for any unknown word ("<unk>"), then the words.

    Args:
        words: the known words, each once, in the order of their ids (the first gets id 2).

    >>> vocabulary = Vocabulary.build(["Mary moved.", "Is Mary in the kitchen?"])
    >>> vocabulary.words
    ('in', 'is', 'kitchen', 'mary', 'moved', 'the')
    >>> vocabulary.encode(tokenize("Is John in the kitchen?"))
    ([3, 1, 2, 7, 4], ['john'])
    """

    def __init__(self, words: Iterable[str]):
        self._words = tuple(words)
        self._ids = {word: index for index, word in enumerate(RESERVED + self._words)}
        if len(self._ids) != len(self._words) + len(RESERVED):
            seen, repeated = set(), []
            for word in RESERVED + self._words:
                if word in seen:
                    repeated.append(word)
                seen.add(word)
            raise ChatbotError(
                f"a vocabulary lists each word once and not {PAD} or {UNKNOWN}; "
                f"found again: {', '.join(repeated[:5])}"
            )

    @classmethod
    def build(cls, texts: Iterable[str]) -> "Vocabulary":
        """The vocabulary of every word in `texts`, sorted: the same texts give the same ids.

        Args:
            texts: sentences, questions, answers; each is tokenized.

        Returns:
            The vocabulary.
        """
        words = set()
        for text in texts:
            words.update(tokenize(text))
        return cls(sorted(words))

    @property
    def words(self) -> tuple[str, ...]:
        """The known words without the reserved two; `words[i]` has id i + 2."""
        return self._words

    def __len__(self) -> int:
        """The number of ids, the reserved padding and unknown ids included."""
        return len(self._ids)

    def __contains__(self, word: object) -> bool:
        return word in self._ids and word not in RESERVED

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocabulary) and self._words == other._words

    def __hash__(self) -> int:
        return hash(self._words)

    def __repr__(self) -> str:
        return f"Vocabulary({len(self._words)} words)"

    def encode(self, tokens: Sequence[str] | str) -> tuple[list[int], list[str]]:
        """Turn words into ids; unknown words get id 1 and are reported, never dropped.

        Args:
            tokens: words as `tokenize` gives them (a string is tokenized first).

        Returns:
            The ids, one per word, and the unknown words, each once, in the order they came.
        """
        if isinstance(tokens, str):
            tokens = tokenize(tokens)
        ids, unknown = [], []
        for token in tokens:
            index = self._ids.get(token, UNKNOWN_ID)
            if index == UNKNOWN_ID and token not in unknown:
                unknown.append(token)
            ids.append(index)
        return ids, unknown

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Turn ids back into words, leaving out padding; ids out of range raise ChatbotError."""
        words = []
        for index in ids:
            index = int(index)
            if not 0 <= index < len(self._ids):
                raise ChatbotError(
                    f"word id {index} is outside this vocabulary (0 to {len(self._ids) - 1}); "
                    "was the model built with another vocabulary?"
                )
            if index != PAD_ID:
                words.append(RESERVED[index] if index < len(RESERVED) else self._words[index - 2])
        return words

    def closest(self, word: str, n: int = 3) -> list[str]:
        """The known words most like `word`, best first, for a "did you mean" hint."""
        return difflib.get_close_matches(word.lower(), self._words, n=n)

    def save(self, path: str | os.PathLike) -> None:
        """Write the vocabulary as JSON, atomically (a half-written file never appears)."""
        data = {"format": VOCABULARY_FORMAT, "words": list(RESERVED + self._words)}
        write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=0) + "\n")

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Vocabulary":
        """Read a vocabulary written by `save`; a missing or damaged file raises ChatbotError."""
        from chatbot.untrusted import MAX_VOCABULARY_BYTES, parse_json, printable, read_file

        hint = "rebuild the model folder"
        try:
            data = read_file(path, MAX_VOCABULARY_BYTES, hint)
        except FileNotFoundError:
            raise ChatbotError(f"vocabulary file {path} does not exist") from None
        except OSError as error:
            raise ChatbotError(
                f"cannot read vocabulary file {path} ({error.strerror}); {hint}"
            ) from None
        data = parse_json(data, f"vocabulary file {printable(str(path))}", hint)
        if not isinstance(data, dict):
            data = {}
        words = data.get("words")
        if (
            data.get("format") != VOCABULARY_FORMAT
            or not isinstance(words, list)
            or tuple(words[: len(RESERVED)]) != RESERVED
            or not all(isinstance(word, str) for word in words)
        ):
            raise ChatbotError(
                f"{path} is not a chatbot vocabulary (expected JSON with "
                f'"format": "{VOCABULARY_FORMAT}" and "words" starting with {PAD}, {UNKNOWN})'
            )
        try:
            return cls(words[len(RESERVED) :])
        except ChatbotError as error:
            raise ChatbotError(f"{path}: {error}") from None


def shorten(text: str, limit: int, ellipsis: str = "...") -> str:
    """`text` cut to at most `limit` characters, ending in `ellipsis` where it was cut."""
    return text if len(text) <= limit else text[: limit - len(ellipsis)] + ellipsis


def one_edit(word: str, other: str) -> bool:
    """Whether `other` is `word` with one letter changed, added, dropped or two swapped.

    >>> one_edit("kitchn", "kitchen"), one_edit("towel", "tower"), one_edit("cat", "dog")
    (True, True, False)
    """
    if word == other or abs(len(word) - len(other)) > 1:
        return False
    if len(word) == len(other):
        diffs = [i for i, (a, b) in enumerate(zip(word, other, strict=True)) if a != b]
        if len(diffs) == 1:
            return True
        i = diffs[0]
        return (
            len(diffs) == 2
            and diffs[1] == i + 1
            and (word[i], word[i + 1]) == (other[i + 1], other[i])
        )
    short, long = sorted((word, other), key=len)
    i = next((i for i, (a, b) in enumerate(zip(short, long, strict=False)) if a != b), len(short))
    return short[i:] == long[i + 1 :]
