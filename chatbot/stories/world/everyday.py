"""Everyday wordings: a story the generator told in bAbI's words, told again as people say it.

`reword(lines, rng, female)` retells each sentence of a story in one of the common ways of
saying its fact, keeping what it means: moves with many verbs ("headed to", "went into",
"returned to"), "picked the lantern up", "put the apple down", "handed Kwame the lantern", "is
at the park", "isn't in", "is no longer at", "has left", "is in the P or in the Q", "to the
west of", "scared of", sizes said both ways ("is smaller than"), "fits in", a time of day at
either end, "Then Priya ..." and pronouns for whoever the sentence before was about ("it" for
the object it named: "She put it down."), and now
and then two sentences joined by "and" (the second without its subject where both are about
one person). Questions stay as they are; their supporting ids follow the joined lines.

It draws from a random stream of its own, so the stories told in bAbI's words do not change.
Every wording here is one `stories.sentence_forms` reads, which the tests check.
"""

import functools
import random
import re
from dataclasses import dataclass, replace

from chatbot.stories import babi
from chatbot.stories.world.words import KINDS_15

SINGULAR = {plural: kind for kind, plural in KINDS_15.items()}  # "mice" -> "mouse"

KEEP = 0.25  # of the sentences left in bAbI's words, as they were
PRONOUN = 0.4  # of the sentences about whom the sentence before was about, told by a pronoun
NAME = 0.5  # of bAbI's "Then she ..." told by the name: "Then Priya ..."
OPENER = 0.15  # of the other events opened by "Then", "After that", ...
JOIN = 0.15  # of the pairs of sentences in a row told as one, joined by "and"
ELIDE = 0.6  # of the joined pairs about one person whose second leaves out its subject

TIMES = {
    "yesterday": ("yesterday",),
    "this morning": ("this morning", "in the morning"),
    "this afternoon": ("this afternoon", "in the afternoon"),
    "this evening": ("this evening", "in the evening"),
}
OPENERS = ("Then", "After that", "Afterwards", "Later", "Later on", "Next", "Following that")
OPENER_WORDS = {opener.split()[0] for opener in OPENERS}
MOVES = (
    "moved to", "went to", "journeyed to", "travelled to", "went back to", "walked to",
    "ran to", "went down to", "went up to", "went out to", "headed to", "headed back to",
    "returned to", "hurried to", "rushed to",
    "strolled to", "came back to", "went over to", "went off to", "went into", "walked into",
    "ran into", "wandered into", "went back into", "made {their} way to", "{have} gone to",
    "arrived at", "arrived in", "left for",
)  # fmt: skip
MOVES_AFTER_OPENER = tuple(move for move in MOVES if "gone" not in move)
BEING = ("{be} in", "{be} at", "{be} now in", "{be} now at", "{be} inside")
EITHER = (
    "{be} either in the {0} or the {1}",
    "{be} either in the {0} or in the {1}",
    "{be} in the {0} or the {1}",
    "{be} in the {0} or in the {1}",
    "{be} either at the {0} or the {1}",
    "{be} in either the {0} or the {1}",
)
NOT_IN = ("{be} not in", "{isn't} in", "{be} not at", "{isn't} at")
NO_LONGER = (
    "{be} no longer in the {0}", "{be} no longer at the {0}", "{isn't} in the {0} anymore",
    "{be} not in the {0} any more", "{have} left the {0}",
)  # fmt: skip
# {0} is "the apple", or "it" for the object the sentence before named
PICKS = (
    "picked up {0}", "picked {0} up", "took {0}", "grabbed {0}", "got {0}", "collected {0}",
    "fetched {0}", "took hold of {0}", "now has {0}",
)  # fmt: skip
DROPS = (
    "dropped {0}", "put down {0}", "put {0} down", "set down {0}", "set {0} down",
    "laid down {0}", "left {0}", "discarded {0}", "let go of {0}", "got rid of {0}",
)  # fmt: skip
GIVES = (
    "gave {0} to {1}", "handed {0} to {1}", "passed {0} to {1}", "handed over {0} to {1}",
    "gave {1} {0}", "handed {1} {0}", "passed {1} {0}",  # (the last four: not with "it")
)  # fmt: skip
IT = 0.5  # of the objects the sentence before named, told as "it"
MOODS = ("{be} {0}", "{feels} {0}", "{be} feeling {0}", "became {0}", "got {0}")
FEARS = (
    "{0} are afraid of {1}", "{0} are scared of {1}", "{0} are frightened of {1}", "{0} fear {1}",
    "{a} {one} is afraid of {1}", "{a} {one} is scared of {1}",
)  # fmt: skip
DIRECTIONS = (
    "The {a} is {d} of the {b}", "The {a} is to the {d} of the {b}", "The {a} lies {d} of the {b}",
    "The {a} lies to the {d} of the {b}", "{D} of the {b} is the {a}",
    "To the {d} of the {b} is the {a}",
)  # fmt: skip
RELATIONS = {
    "above": ("above", "over"),
    "below": ("below", "under", "beneath"),
    "to the left of": ("to the left of", "left of", "on the left of"),
    "to the right of": ("to the right of", "right of", "on the right of"),
}
SIZES = (
    "The {small} fits inside the {big}", "The {small} fits in the {big}",
    "The {small} fits into the {big}", "The {small} can fit in the {big}",
    "The {big} is bigger than the {small}", "The {big} is larger than the {small}",
    "The {small} is smaller than the {big}", "The {big} can hold the {small}",
)  # fmt: skip
EVENTS = ("move", "pick", "drop", "give")
THINGS = ("pick", "drop", "give")  # the facts that name an object

_X = r"([a-z]+(?: [a-z]+)*?)"
_NAME = r"[A-Z][a-z]+"
_TIME = "|".join(TIMES)
# The generator's sentences about people: [time] subject predicate [time].
_PERSON = re.compile(
    rf"^(?:(?P<lead>{'|'.join(time.capitalize() for time in TIMES)}) )?"
    rf"(?:(?P<opener>Then|After that|Afterwards|Following that) (?P<pronoun>she|he|they)"
    rf"|(?P<who>{_NAME}(?: and {_NAME})*)) (?P<rest>.+?)(?: (?P<trail>{_TIME}))?\.$"
)
_PREDICATE_FORMS = [  # their predicates
    ("move", rf"^(?:moved|went|journeyed|travelled|went back|walked|ran) to the {_X}$"),
    ("is in", rf"^is in the {_X}$"),
    ("either", rf"^is either in the {_X} or the {_X}$"),
    ("no longer", rf"^is no longer in the {_X}$"),
    ("not in", rf"^is not in the {_X}$"),
    ("pick", rf"^(?:got|took|picked up|grabbed) the {_X}( there)?$"),
    ("drop", rf"^(?:dropped|discarded|put down|left) the {_X}( there)?$"),
    ("give", rf"^(?:gave|handed|passed) the {_X} to ({_NAME})$"),
    ("mood", r"^is (hungry|thirsty|tired|bored)$"),
    ("kind", rf"^is an? {_X}$"),
    ("colour", r"^is ([a-z]+)$"),
]
_OTHER_FORMS = [  # and the sentences about no one
    ("fear", rf"^({_NAME}) are afraid of {_X}$"),
    ("direction", rf"^The {_X} is (north|south|east|west) of the {_X}$"),
    ("position", rf"^The {_X} is ({'|'.join(RELATIONS)}) the {_X}$"),
    ("fits", rf"^The {_X} fits inside the {_X}$"),
    ("bigger", rf"^The {_X} is bigger than the {_X}$"),
]
_PREDICATES = [(kind, re.compile(pattern)) for kind, pattern in _PREDICATE_FORMS]
_OTHERS = [(kind, re.compile(pattern.removesuffix("$") + r"\.$")) for kind, pattern in _OTHER_FORMS]


@dataclass(frozen=True)
class Fact:
    """One sentence of the generator, taken apart."""

    kind: str  # "move", "pick", ..., or "fear", "direction", ... (no subject)
    parts: tuple[str, ...]  # the predicate's words: place, object, receiver, ...
    who: tuple[str, ...] = ()  # the people it is about, names resolved
    pronoun: bool = False  # told by a pronoun after an opener ("Then she ...")
    time: str = ""  # "yesterday", "this morning", ...


def take_apart(text: str, last: tuple[str, ...]) -> Fact | None:
    """The fact of one of the generator's sentences; None for a sentence of no known form.

    Args:
        text: the sentence as the generator told it.
        last: whom the sentence before was about (bAbI's "Then she" means them).
    """
    fact = _fact_of(text)
    if fact is None or not fact.pronoun:
        return fact
    return replace(fact, who=last) if last else None  # a pronoun of nobody named: as it is


@functools.lru_cache(maxsize=1 << 16)  # stories repeat their sentences
def _fact_of(text: str) -> Fact | None:
    """`take_apart` before a pronoun is resolved (its `who` left empty)."""
    for kind, pattern in _OTHERS:
        match = pattern.match(text)
        if match:
            return Fact(kind, match.groups())
    match = _PERSON.match(text)
    if not match:
        return None
    rest = match["rest"]
    for kind, pattern in _PREDICATES:
        found = pattern.match(rest)
        if found:
            who = () if match["pronoun"] else tuple(match["who"].split(" and "))
            time = (match["lead"] or match["trail"] or "").lower()
            parts = tuple(part or "" for part in found.groups())
            return Fact(kind, parts, who, bool(match["pronoun"]), time)
    return None


def _verbs(who: tuple[str, ...], female: frozenset[str]) -> dict[str, str]:
    """The words that agree with the subject: "is"/"are", "has"/"have", "her"/"his"/"their"."""
    many = len(who) > 1
    return {
        "be": "are" if many else "is",
        "isn't": "aren't" if many else "isn't",
        "have": "have" if many else "has",
        "feels": "feel" if many else "feels",
        "their": "their" if many else ("her" if who[0] in female else "his"),
    }


def predicate(fact: Fact, rng: random.Random, verbs: dict[str, str]) -> str:
    """What a fact about people says of them, in one of its everyday wordings."""
    parts, choice = fact.parts, rng.choice
    if fact.kind == "move":  # ("Then she has gone to ..." is not said, nor "Yesterday ...")
        moves = MOVES_AFTER_OPENER if verbs.get("opened") else MOVES
        return f"{choice(moves).format(**verbs)} the {parts[0]}"
    if fact.kind == "is in":
        return f"{choice(BEING).format(**verbs)} the {parts[0]}"
    if fact.kind == "either":
        return choice(EITHER).format(*parts, **verbs)
    if fact.kind == "not in":
        return f"{choice(NOT_IN).format(**verbs)} the {parts[0]}"
    if fact.kind == "no longer":
        return choice(NO_LONGER).format(parts[0], **verbs)
    thing = "it" if verbs.get("it") == parts[0] and rng.random() < IT else f"the {parts[0]}"
    if fact.kind in ("pick", "drop"):
        return choice(PICKS if fact.kind == "pick" else DROPS).format(thing) + parts[1]
    if fact.kind == "give":
        return choice(GIVES[:3] if thing == "it" else GIVES).format(thing, parts[1])
    if fact.kind == "mood":
        return choice(MOODS).format(parts[0], **verbs)
    if fact.kind == "kind":
        return f"{verbs['be']} a {parts[0]}"
    return f"{verbs['be']} {parts[0]}"  # a colour


def other_sentence(fact: Fact, rng: random.Random) -> str:
    """A fact of no subject (fears, directions, positions, sizes) in an everyday wording."""
    parts = fact.parts
    if fact.kind == "fear":  # "Mice are afraid of wolves.", "A mouse is scared of wolves."
        one = SINGULAR.get(parts[0].lower(), parts[0].lower().removesuffix("s"))
        return rng.choice(FEARS).format(*parts, one=one, a="An" if one[0] in "aeiou" else "A")
    if fact.kind == "direction":
        a, d, b = parts
        return rng.choice(DIRECTIONS).format(a=a, d=d, D=d.capitalize(), b=b)
    if fact.kind == "position":
        return f"The {parts[0]} is {rng.choice(RELATIONS[parts[1]])} the {parts[2]}"
    small, big = parts if fact.kind == "fits" else parts[::-1]
    return rng.choice(SIZES).format(small=small, big=big)


def _subject(fact: Fact, rng: random.Random, last, female, first: bool) -> str:
    """Who a sentence is about: the names, a pronoun for whom the last sentence was about, or
    "Then Priya" (with bAbI's "Then she" told by the name, now and then)."""
    if fact.pronoun and rng.random() >= NAME:
        return f"{rng.choice(OPENERS)}{_comma(rng)} {_pronoun(fact.who, female).lower()}"
    if not fact.pronoun and fact.who == last and rng.random() < PRONOUN:
        pronoun = _pronoun(fact.who, female)
        if fact.kind in EVENTS and not fact.time and rng.random() < 0.5:
            return f"{rng.choice(OPENERS)}{_comma(rng)} {pronoun.lower()}"
        return pronoun
    names = " and ".join(fact.who)
    opener = fact.pronoun or fact.kind in EVENTS and rng.random() < OPENER and not first
    if opener and not fact.time:
        return f"{rng.choice(OPENERS)}{_comma(rng)} {names}"
    return names


def _pronoun(who: tuple[str, ...], female) -> str:
    return "They" if len(who) > 1 else "She" if who[0] in female else "He"


def _comma(rng: random.Random) -> str:
    return "," if rng.random() < 0.3 else ""


def _timed(sentence: str, time: str, rng: random.Random) -> str:
    """A time of day at the start ("Yesterday, Julie ...") or the end ("... yesterday")."""
    if not time:
        return sentence
    said = rng.choice(TIMES[time])
    if rng.random() < 0.5:
        pronoun = sentence.split()[0] in ("She", "He", "They")
        sentence = sentence[:1].lower() + sentence[1:] if pronoun else sentence
        return f"{said.capitalize()}{_comma(rng)} {sentence}"
    return f"{sentence} {said}"


def reword(lines: list, rng: random.Random, female: frozenset[str]) -> list:
    """A story's lines with its sentences in everyday wordings (see the module's docstring).

    Args:
        lines: the story's `babi.Sentence` and `babi.Question` lines, as the generator told them.
        rng: the stream the wordings are drawn from.
        female: the names "she" stands for.

    Returns:
        The lines, renumbered from 1, the questions' supporting ids pointing at the new lines.
    """
    out: list = []  # sentences as [text, fact, old ids] and questions, in order
    last: tuple[str, ...] = ()
    it = None  # the object the sentence before named
    for line in lines:
        if isinstance(line, babi.Question):
            out.append(line)
            continue
        fact = take_apart(line.text, last)
        text = line.text
        if fact is not None and rng.random() >= KEEP:
            if fact.who:
                subject = _subject(fact, rng, last, female, first=not out)
                verbs = _verbs(fact.who, female)
                opened = subject.split()[0].rstrip(",") in OPENER_WORDS
                verbs["opened"] = opened or bool(fact.time)  # not "Yesterday she has gone"
                verbs["it"] = it
                text = f"{subject} {predicate(fact, rng, verbs)}"
                text = _timed(text, fact.time, rng) + "."
            else:
                text = other_sentence(fact, rng) + "."
        previous = out[-1] if out and not isinstance(out[-1], babi.Question) else None
        if previous is not None and _joinable(previous, fact) and rng.random() < JOIN:
            previous[0] = _join(previous, fact, text, rng, female, it)
            previous[2].append(line.id)
            previous[1] = None  # joined once: never again
        else:
            out.append([text, fact, [line.id]])
        last = fact.who if fact is not None else ()
        it = fact.parts[0] if fact is not None and fact.kind in THINGS else None
    return _numbered(out)


def _joinable(previous, fact: Fact | None) -> bool:
    return previous[1] is not None and fact is not None and not previous[1].time and not fact.time


def _join(previous, fact: Fact, text: str, rng: random.Random, female, it) -> str:
    """Two sentences as one: "A and B", or "Mary went to the hall and (then) took the apple"."""
    first = previous[0].removesuffix(".")
    same = len(fact.who) == 1 and fact.who == previous[1].who and fact.kind in EVENTS
    if same and rng.random() < ELIDE:
        verbs = {**_verbs(fact.who, female), "opened": True, "it": it}  # not "and has gone"
        then = "then " if rng.random() < 0.4 else ""
        return f"{first} and {then}{predicate(fact, rng, verbs)}."
    if fact.who and fact.who == previous[1].who and text.startswith(fact.who[0] + " "):
        # the same people again: "Mary took the milk and she went ...", not "and Mary went"
        text = f"{_pronoun(fact.who, female)} {text[len(' and '.join(fact.who)) + 1 :]}"
    # The second keeps its capital where it opens with a name: "... and John took the milk."
    named = fact.who and not fact.pronoun and text.startswith(fact.who[0] + " ")
    second = text if named else text[:1].lower() + text[1:]
    return f"{first}{_comma(rng)} and {second}"


def _numbered(out: list) -> list:
    """The lines numbered from 1, supporting ids mapped to the lines that now hold them."""
    lines, new_id = [], {}
    for item in out:
        if isinstance(item, babi.Question):
            supporting = tuple(dict.fromkeys(new_id[old] for old in item.supporting))
            lines.append(replace(item, id=len(lines) + 1, supporting=supporting))
            continue
        for old in item[2]:
            new_id[old] = len(lines) + 1
        lines.append(babi.Sentence(len(lines) + 1, item[0]))
    return lines
