"""Per-story slots: each story numbers its own people, places and objects ("<name0>"), at most
`SLOTS` of each; a text that would name one more is crowded out rather than numbered.
"""

import random
from collections.abc import Sequence

NAME, PLACE, OBJECT = "NAME", "PLACE", "OBJECT"
ROLES = (NAME, PLACE, OBJECT)
# Slots per role and story: more than the people, places or objects of any generated story.
SLOTS = 40


def slot(role: str, index: int) -> str:
    """The token of a story's `index`-th person, place or object: "<name3>"."""
    return f"<{role.lower()}{index}>"


SLOT_TOKENS = tuple(slot(role, index) for role in ROLES for index in range(SLOTS))
ROLE_OF_SLOT = {slot(role, index): role for role in ROLES for index in range(SLOTS)}


def numbering(words, roles: dict, kept, rng: random.Random | None) -> dict[str, str]:
    """Entity word -> its slot token: first mention first, or at random when training.

    Args:
        words: the story's entity words, each once, in order of first mention.
    """
    numbering, counts = {}, dict.fromkeys(ROLES, 0)
    order = {role: list(range(SLOTS)) for role in ROLES}
    if rng is not None:
        for numbers in order.values():
            rng.shuffle(numbers)
    for word in words:
        role = roles.get(word)
        if role is None or word in kept:
            continue
        numbering[word] = slot(role, order[role][counts[role]])
        counts[role] += 1
    return numbering


def crowded(entities: Sequence[tuple[str, ...]], roles: dict, kept) -> set[int]:
    """The texts (by index, in order) that would name one entity more than `SLOTS` of a role;
    their entities get no slot, so the texts after them are read as if they were not there."""
    counted, counts, crowded = set(), dict.fromkeys(ROLES, 0), set()
    for index, words in enumerate(entities):
        fresh = [
            word
            for word in dict.fromkeys(words)
            if word not in counted and word not in kept and roles.get(word) in counts
        ]
        added = {role: sum(roles[word] == role for word in fresh) for role in ROLES}
        if any(counts[role] + added[role] > SLOTS for role in ROLES):
            crowded.add(index)
            continue
        counted.update(fresh)
        for role in ROLES:
            counts[role] += added[role]
    return crowded


def anonymise(tokens: Sequence[str], numbering: dict[str, str]) -> tuple[str, ...]:
    return tuple(numbering.get(word, word) for word in tokens)
