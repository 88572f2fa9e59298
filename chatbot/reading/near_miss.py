"""Near misses: which known words are one edit (a typo) from a word, found in time that depends
on the word's length, not on how many words are known.

>>> index = deletion_index(["kitchen", "garden"])
>>> sorted(other for other in near("kitchn", index))
['kitchen']
"""

from collections.abc import Iterable

from chatbot.text import one_edit

SHORTEST = 4  # known words shorter than this are never a near miss of a word long enough to ask


def near(word: str, index: dict[str, list[str]]) -> set[str]:
    """The indexed words one edit from `word` (see `one_edit`)."""
    candidates = set().union(*(index.get(key, ()) for key in deletions(word)))
    return {other for other in candidates if one_edit(word, other)}


def deletions(word: str) -> set[str]:
    """`word` and every word it gives with one letter dropped."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def deletion_index(words: Iterable[str]) -> dict[str, list[str]]:
    """Each word and each of its one-letter deletions -> the words it comes from; two words
    one edit apart (`one_edit`) always share a key."""
    index: dict[str, list[str]] = {}
    for word in dict.fromkeys(words):
        if len(word) >= SHORTEST:
            for key in deletions(word):
                index.setdefault(key, []).append(word)
    return index
