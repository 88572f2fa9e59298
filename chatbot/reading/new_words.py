"""Words the model does not know: placed by where they stand, taken as typos, or read with
the noun they stand before.

A word that stands where a name, place, object, kind or colour stands in a shape met in
training is read as a new one of those (`place_new`), unless it is a typo of a known word.

People also name things with a word before a noun. A word the model does not know, after "the"
(or "a", "his", ...) and before a noun (a known place or object, or another word it does not
know), is read with that noun as one new name (`read_joined`): "the tennis ball" is one object,
apart from "the ball" if the story has one too, and stands where objects stand. Where two new
words so joined fit no known shape ("the boy ran to the kitchen"), they are read apart again.
"""

import itertools
from collections import ChainMap
from collections.abc import Callable, Collection

from chatbot.reading import near_miss
from chatbot.reading.slots import ROLES
from chatbot.text import one_edit

WORD = "WORD"  # a known word of no role ("then", "went"), as a near-miss finds it
MOST_NEW_WORDS = 3  # new words one text may hold and still be placed (3 ** 3 shapes to try)
NEAR_MISS_LENGTH = 5  # a word this long, one edit from a known word, is taken as a typo
CACHED_WORDS = 10_000  # unknown words whose near misses are remembered


DETERMINERS = frozenset({"the", "a", "an", "his", "her", "their", "my", "your", "our", "its"})
NOUN_ROLES = frozenset({"OBJECT", "PLACE"})


def join_nouns(text: tuple[str, ...], new: Collection[str], roles) -> tuple[str, ...]:
    """A tokenized text with each new word between a determiner and a noun joined to the noun.

    >>> join_nouns(("the", "tennis", "ball", "is", "red"), {"tennis"}, {"ball": "OBJECT"})
    ('the', 'tennis ball', 'is', 'red')
    >>> join_nouns(("mary", "went", "to", "the", "living", "room"), {"living", "room"}, {})
    ('mary', 'went', 'to', 'the', 'living room')
    >>> join_nouns(("the", "tennis", "is", "fun"), {"tennis"}, {})
    ('the', 'tennis', 'is', 'fun')
    """
    joined, index = [], 0
    while index < len(text):
        word, head = text[index], text[index + 1] if index + 1 < len(text) else None
        if (
            joined
            and joined[-1] in DETERMINERS
            and word in new
            and head is not None
            and (head in new or roles.get(head) in NOUN_ROLES)
        ):
            joined.append(f"{word} {head}")
            index += 2
        else:
            joined.append(word)
            index += 1
    return tuple(joined)


def split_apart(text: tuple[str, ...], apart: Collection[str]) -> tuple[str, ...]:
    """A text with the joined words of `apart` split into their words again."""
    return tuple(part for word in text for part in (word.split() if word in apart else (word,)))


def read_joined(every: list, asked: list, new: set[str], roles, place: Callable) -> tuple:
    """(sentences, questions, `place(sentences, questions)`) with two-word names joined, and
    read apart where they fit nowhere joined; `place` returns (story, new words, placed -> role,
    typos)."""
    if new:
        every, asked = ([join_nouns(text, new, roles) for text in part] for part in (every, asked))
    placing = place(every, asked)
    apart = {word for word in placing[1] if " " in word and word not in placing[2]}
    if apart:
        every, asked = ([split_apart(text, apart) for text in part] for part in (every, asked))
        placing = place(every, asked)
    return every, asked, placing


def place_new(lexicon, story, asked, new: set[str], known) -> tuple[dict, set]:
    """(new word -> the role it stands in, the new words taken as typos).

    A word that stands where a name, place, object, kind or colour stands is read as a new
    one, even one edit from a known word ("Sarah" beside "Sara", "towel" beside "tower"),
    unless the story or question itself uses a known word of that role one edit away: then
    it is a typo of that word ("Mary went to the kitchen. Is Mary in the kitchn?"). A word
    its position does not place is a typo where it is one edit from a known word of no role.
    """
    placed = _place(lexicon, story, asked, new) if new else {}
    used = {word for text in story + asked for word in text if word in lexicon.roles}
    near = {
        word
        for word in new
        if (WORD in _near_roles(lexicon, word, known) and word not in placed)
        or (
            word in placed
            and len(word) >= NEAR_MISS_LENGTH
            and any(
                lexicon.roles[other] == placed[word] and one_edit(word, other) for other in used
            )
        )
    }
    return {word: role for word, role in placed.items() if word not in near}, near


def _place(lexicon, story, asked, new: set[str]) -> dict[str, str]:
    """Roles for new words: those that give every text holding them a known shape.

    A text no choice of roles makes known (a strange question, say) decides nothing.
    """
    choices: dict[str, set[str]] = {}
    for texts, shapes in ((story, lexicon.sentence_shapes), (asked, lexicon.question_shapes)):
        for text in set(texts):
            words = sorted(new.intersection(text))
            if not words or len(words) > MOST_NEW_WORDS:
                continue
            fitting: dict[str, set[str]] = {word: set() for word in words}
            for guess in itertools.product(lexicon.open_roles, repeat=len(words)):
                guessed = ChainMap(dict(zip(words, guess, strict=True)), lexicon.roles)
                if lexicon.shape(text, guessed) in shapes:
                    for word, role in zip(words, guess, strict=True):
                        fitting[word].add(role)
            if any(fitting.values()):
                for word in words:
                    choices[word] = choices.get(word, set(ROLES)) & fitting[word]
    return {word: min(roles, key=ROLES.index) for word, roles in choices.items() if roles}


def _near_roles(lexicon, word: str, known: frozenset[str]) -> set:
    """The roles of the known words one edit from `word` (WORD for a word of no role).

    The known words are indexed by themselves and their one-letter deletions, so a look-up
    costs the length of `word`, not the number of known words; the answers are remembered,
    the least recently used forgotten past `CACHED_WORDS`.
    """
    if len(word) < NEAR_MISS_LENGTH:
        return set()
    found = lexicon._cache.setdefault("near", {})
    if word in found:
        found[word] = found.pop(word)  # most recently used last
        return found[word]
    index = lexicon._cache.get("index")
    if index is None:
        words = itertools.chain(known, lexicon.roles)
        index = lexicon._cache["index"] = near_miss.deletion_index(words)
    found[word] = {lexicon.roles.get(other, WORD) for other in near_miss.near(word, index)}
    if len(found) > CACHED_WORDS:
        del found[next(iter(found))]
    return found[word]
