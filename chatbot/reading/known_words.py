"""What a model knows, word by word: `chatbot info --words` and `:help words` in chat.

The words come from the model folder itself: the verbs of each action are read off the shapes
of the sentences it met in training (each shape's example is read by `stories.rule_reader` to
tell moving from taking), the kinds, colours and other closed classes from its lexicon, and
the rest of its vocabulary are the closed words. Names, places and objects (and kinds and
colours, where the lexicon opens them: `Lexicon.open_roles`) it never saw are read where they
stand, so they are counted, not listed.
"""

import textwrap
from collections.abc import Iterable

from chatbot.errors import ChatbotError
from chatbot.reading.lexicon import ROLES, SLOT_TOKENS, Lexicon

ACTIONS = {"move": "moving", "take": "taking", "drop": "putting down", "give": "giving"}
ACTIONS["receive"] = "giving"  # "Kwame received the lantern from Amara"
CLASSES = {  # the lexicon's closed classes, as `info --words` names them, in this order
    "KIND": "kinds",
    "COLOUR": "colours",
    "MOOD": "moods",
    "DIRECTION": "directions",
    "SHAPE": "shapes",
    "THING": "things (sizes)",
}
ROLE_NAMES = {"NAME": "names", "PLACE": "places", "OBJECT": "objects", "KIND": "kinds"}
ROLE_NAMES |= {"COLOUR": "colours"}
SUBJECTS = frozenset({"NAME", "he", "she", "they"})
PARTICLES = frozenset({"up", "down", "away", "back", "over", "off"})  # "put the apple down"
WIDTH = 100  # columns the listing is wrapped to
KIND_EXAMPLE = '"Rex is a dog." reads like "Lily is a swan."'
EXAMPLE = '"Wilhelmina went to the lighthouse." reads like "Mary went to the kitchen."'


def verb_of(shape: str) -> str | None:
    """The verb of a sentence shape of an action: the words between its subject and its object.

    >>> [verb_of(s) for s in ("NAME went back to the PLACE", "then she picked up the OBJECT",
    ...                       "NAME handed NAME the OBJECT", "NAME put the OBJECT down there")]
    ['went back', 'picked up', 'handed', 'put down']
    """
    tokens = shape.split()
    subject = None
    for index, token in enumerate(tokens):
        if token in SUBJECTS and (subject is None or tokens[subject + 1 : index] == ["and"]):
            subject = index  # the last of "NAME and NAME", not the receiver of "handed NAME"
        elif token in ("the", "to") and subject is not None:
            verb = [word for word in tokens[subject + 1 : index] if word not in ROLES]
            after = tokens[index:]
            if "OBJECT" in after:
                rest = after[after.index("OBJECT") + 1 :]
                verb += [word for word in rest[:1] if word in PARTICLES]
            return " ".join(verb) or None
    return None


def words_by_role(lexicon: Lexicon, vocabulary: Iterable[str]) -> dict:
    """The words a model reads, by role.

    Args:
        lexicon: the model's `Lexicon` (roles, closed classes, the shapes met in training).
        vocabulary: the model's vocabulary words.

    Returns:
        {"verbs": {action: [verb, ...]} (moving, taking, putting down, giving), "classes":
        {class: [word, ...]} (kinds, colours, ...), "known": {role: how many known} (names,
        places, objects), "closed": [every other word it reads], "read_where_they_stand":
        [the roles a word it never saw is read in]}.
    """
    from chatbot.stories.rule_reader import parse

    verbs: dict[str, dict[str, None]] = {action: {} for action in ACTIONS.values()}
    for shape, example in sorted(lexicon.sentence_shapes.items()):
        try:
            action = ACTIONS.get(parse(example)[0])
        except ChatbotError:
            continue
        verb = verb_of(shape)
        if action and verb and verb.split()[0] not in ("is", "are"):  # "is in": being, not moving
            verbs[action][verb] = None
    classes = {  # kinds and colours are closed classes, or roles where the lexicon opens them
        name: sorted(
            {w for w, c in (*lexicon.classes.items(), *lexicon.roles.items()) if c == code}
        )
        for code, name in CLASSES.items()
    }
    verb_words = {word for found in verbs.values() for verb in found for word in verb.split()}
    taken = verb_words | set(lexicon.classes) | set(lexicon.roles) | set(SLOT_TOKENS)
    return {
        "verbs": {action: list(found) for action, found in verbs.items()},
        "classes": {name: words for name, words in classes.items() if words},
        "known": {
            ROLE_NAMES.get(role, role.lower() + "s"): sum(
                1 for r in lexicon.roles.values() if r == role
            )
            for role in lexicon.open_roles
        },
        "closed": sorted(set(vocabulary) - taken),
        "read_where_they_stand": [
            ROLE_NAMES.get(role, role.lower() + "s") for role in lexicon.open_roles
        ],
    }


def format_words(words: dict) -> str:
    """`words_by_role` as the lines `chatbot info --words` and `:help words` print."""
    rows = [(action, found) for action, found in words["verbs"].items() if found]
    rows += list(words["classes"].items()) + [("other words", words["closed"])]
    lines = ["Words I know, by role:"]
    for name, found in rows:
        lines += textwrap.wrap(
            f"{name}: {', '.join(found)}", WIDTH, initial_indent="  ", subsequent_indent="    "
        )
    known = _joined([f"{count:,} {role}" for role, count in words["known"].items()])
    stand = _joined(words["read_where_they_stand"])
    told = f"I know {known} by name; {stand} I never saw are read where they stand:"
    lines += textwrap.wrap(told, WIDTH) + [f"  {EXAMPLE}"]
    if "kinds" in words["read_where_they_stand"]:
        lines.append(f"  {KIND_EXAMPLE}")
    return "\n".join(lines)


def _joined(items: list[str]) -> str:
    """ "names, places and objects" """
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def listing(lexicon: Lexicon, vocabulary: Iterable[str]) -> str:
    """`format_words(words_by_role(lexicon, vocabulary))`: what `:help words` prints."""
    return format_words(words_by_role(lexicon, vocabulary))
