"""Per-story slots: each story numbers its own people, places, objects, kinds and colours
("<name0>"), at most `ROLE_SLOTS` of each role; a text that would name one more is crowded out
rather than numbered.
"""

import random
from collections.abc import Sequence

from chatbot.stories.rule_reader import singular

NAME, PLACE, OBJECT, KIND, COLOUR = "NAME", "PLACE", "OBJECT", "KIND", "COLOUR"
# The roles a word may stand in, in order of preference where several fit. A model whose lexicon
# gives no word the role KIND or COLOUR (the shipped default, trained before they were open)
# keeps kinds and colours as closed classes: it reads no new one.
ROLES = (NAME, PLACE, OBJECT, KIND, COLOUR)
# Slots per role and story: more than the people, places, objects (boxes and chests among them),
# kinds or colours of any generated story.
SLOTS = 40
ROLE_SLOTS = {NAME: SLOTS, PLACE: SLOTS, OBJECT: SLOTS, KIND: 12, COLOUR: 12}


def slot(role: str, index: int) -> str:
    """The token of a story's `index`-th person, place or object: "<name3>"."""
    return f"<{role.lower()}{index}>"


SLOT_TOKENS = tuple(slot(role, index) for role in ROLES for index in range(ROLE_SLOTS[role]))
ROLE_OF_SLOT = {token: token[1:].rstrip("0123456789>").upper() for token in SLOT_TOKENS}


def _key(word: str, role: str) -> tuple[str, str]:
    """What shares a slot: a word, or a kind and its plural ("dogs" is a "dog"'s slot)."""
    return (role, singular(word) if role == KIND else word)


def numbering(words, roles: dict, kept, rng: random.Random | None) -> dict[str, str]:
    """Entity word -> its slot token: first mention first, or at random when training.

    Args:
        words: the story's entity words, each once, in order of first mention, no more of a
            role than its slots (`crowded` leaves out the texts that would name more).
    """
    numbered, counts, slot_of = {}, dict.fromkeys(ROLES, 0), {}
    order = {role: list(range(ROLE_SLOTS[role])) for role in ROLES}
    if rng is not None:
        for numbers in order.values():
            rng.shuffle(numbers)
    for word in words:
        role = roles.get(word)
        if role is None or word in kept:
            continue
        key = _key(word, role)
        if key not in slot_of:
            slot_of[key] = slot(role, order[role][counts[role]])
            counts[role] += 1
        numbered[word] = slot_of[key]
    return numbered


def crowded(entities: Sequence[tuple[str, ...]], roles: dict, kept) -> set[int]:
    """The texts (by index, in order) that would name one entity more than the slots of its
    role; their entities get no slot, so the texts after them read as if they were not there."""
    counted, counts, crowded_out = set(), dict.fromkeys(ROLES, 0), set()
    for index, words in enumerate(entities):
        fresh = {
            _key(word, roles[word])
            for word in words
            if word not in kept and roles.get(word) in counts
        } - counted
        added = {role: sum(key[0] == role for key in fresh) for role in ROLES}
        if any(counts[role] + added[role] > ROLE_SLOTS[role] for role in ROLES):
            crowded_out.add(index)
            continue
        counted |= fresh
        for role in ROLES:
            counts[role] += added[role]
    return crowded_out


def anonymise(tokens: Sequence[str], numbered: dict[str, str]) -> tuple[str, ...]:
    return tuple(numbered.get(word, word) for word in tokens)
