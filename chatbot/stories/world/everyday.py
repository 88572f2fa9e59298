"""Everyday wordings: a story the generator told in bAbI's words, told again as people say it.

`reword(lines, rng, female)` retells each sentence of a story in one of the common ways of
saying its fact, keeping what it means (the wordings: world/phrasings.py): moves with many
verbs ("headed to", "went into", "entered", "dashed over to", "ended up in", "is sitting in"),
"picked the lantern up", "took the cup with her", "is holding", "left the cup in the hall"
(where the story says they are), "Kwame received the lantern from Amara", "put the apple
down", "handed Kwame the lantern", "is at the park", "isn't in", "is no longer at", "has
left", "is in the P or in the Q", "to the west of", "scared of", sizes said both ways ("is
smaller than"), "fits in", a time of day at either end, "Then Priya ..." and pronouns for
whoever the sentence before was about ("it" for the object it named: "She put it down."),
and now and then two sentences joined by "and" (the second without its subject where both
are about one person). Questions stay as they are; their supporting ids follow the joined lines.

It draws from a random stream of its own, so the stories told in bAbI's words do not change.
Every wording here is one `stories.sentence_forms` reads, which the tests check.
"""

import functools
import random
import re
from dataclasses import dataclass, replace

from chatbot.stories import babi
from chatbot.stories.world.everyday_words import ALL_KINDS
from chatbot.stories.world.phrasings import (
    BEING,
    DIRECTIONS,
    DROP_IN,
    DROPS,
    DROPS_IN,
    EITHER,
    FEARS,
    GIVES,
    GIVES_TWO,
    HOLD,
    HOLDING,
    MOODS,
    MOVES,
    MOVES_AFTER_OPENER,
    NO_LONGER,
    NOT_IN,
    OPENER_WORDS,
    OPENERS,
    PICKS,
    RECEIVE,
    RECEIVES,
    RELATIONS,
    SIZES,
    STATE,
    STATES,
    TIMES,
)

SINGULAR = {plural: kind for kind, plural in ALL_KINDS.items()}  # "mice" -> "mouse"

KEEP = 0.25  # of the sentences left in bAbI's words, as they were
PRONOUN = 0.4  # of the sentences about whom the sentence before was about, told by a pronoun
NAME = 0.5  # of bAbI's "Then she ..." told by the name: "Then Priya ..."
OPENER = 0.15  # of the other events opened by "Then", "After that", ...
JOIN = 0.15  # of the pairs of sentences in a row told as one, joined by "and"
ELIDE = 0.6  # of the joined pairs about one person whose second leaves out its subject
IT = 0.5  # of the objects the sentence before named, told as "it"

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
        "stays": "stay" if many else "stays",
        "their": "their" if many else ("her" if who[0] in female else "his"),
        "them": "them" if many else ("her" if who[0] in female else "him"),
    }


def predicate(fact: Fact, rng: random.Random, verbs: dict[str, str]) -> str:
    """What a fact about people says of them, in one of its everyday wordings."""
    parts, choice = fact.parts, rng.choice
    still = not verbs.get("opened")  # "is now in", "is holding": never after "Then" or a time
    if fact.kind == "move":  # ("Then she has gone to ..." is not said, nor "Yesterday ...")
        if still and rng.random() < STATE:
            return f"{choice(STATES).format(**verbs)} the {parts[0]}"
        moves = MOVES if still else MOVES_AFTER_OPENER
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
    if fact.kind == "pick":
        if still and not parts[1] and rng.random() < HOLD:
            return choice(HOLDING).format(thing, **verbs)
        return _there(choice(PICKS), thing, parts[1], verbs)
    if fact.kind == "drop":
        place = verbs.get("place")  # where the one putting it down is, if known
        if place and not parts[1] and rng.random() < DROP_IN:
            return choice(DROPS_IN).format(thing, place)
        return _there(choice(DROPS), thing, parts[1], verbs)
    if fact.kind == "give":
        return choice(GIVES if thing == "it" else GIVES + GIVES_TWO).format(thing, parts[1])
    if fact.kind == "mood":
        return choice(MOODS).format(parts[0], **verbs)
    if fact.kind == "kind":
        return f"{verbs['be']} {'an' if parts[0][0] in 'aeiou' else 'a'} {parts[0]}"
    return f"{verbs['be']} {parts[0]}"  # a colour


def _there(wording: str, thing: str, there: str, verbs: dict) -> str:
    """A wording with bAbI's " there" after it where it may take it: not after "on the floor",
    "behind" or "with her" (which say no more than it)."""
    said = wording.format(thing, **verbs)
    return said + there if wording.endswith(("{0}", " up", " down", " away")) else said


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
    if fact.pronoun and fact.who == last and rng.random() >= NAME:
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
    last: tuple[str, ...] = ()  # whom the sentence before was about (bAbI's "she")
    spoken: tuple[str, ...] = ()  # whom a pronoun now means: the receiver, after "received"
    it = None  # the object the sentence before named
    where: dict[str, str] = {}  # where people are, as far as the story says
    for line in lines:
        if isinstance(line, babi.Question):
            out.append(line)
            continue
        fact = take_apart(line.text, last)
        text = line.text
        retold = fact is not None and (rng.random() >= KEEP or fact.pronoun and fact.who != spoken)
        received = retold and fact.kind == "give" and not fact.time and rng.random() < RECEIVE
        if received:  # "Kwame received the lantern from Amara."
            text = rng.choice(RECEIVES).format(f"the {fact.parts[0]}", fact.parts[1], fact.who[0])
            text += "."
        elif retold and fact.who:
            subject = _subject(fact, rng, spoken, female, first=not out)
            verbs = _verbs(fact.who, female)
            opened = subject.split()[0].rstrip(",") in OPENER_WORDS
            verbs["opened"] = opened or bool(fact.time)  # not "Yesterday she has gone"
            verbs["it"] = it
            verbs["place"] = where.get(fact.who[0]) if len(fact.who) == 1 else None
            text = f"{subject} {predicate(fact, rng, verbs)}"
            text = _timed(text, fact.time, rng) + "."
        elif retold:
            text = other_sentence(fact, rng) + "."
        previous = out[-1] if out and not isinstance(out[-1], babi.Question) else None
        if (
            previous is not None
            and not received
            and _joinable(previous, fact)
            and rng.random() < JOIN
        ):
            previous[0] = _join(previous, fact, text, rng, female, it)
            previous[2].append(line.id)
            previous[1] = None  # joined once: never again
        else:
            out.append([text, None if received else fact, [line.id]])
        last = fact.who if fact is not None else ()
        spoken = (fact.parts[1],) if received else last
        it = fact.parts[0] if fact is not None and fact.kind in THINGS else None
        _follow(where, fact)
    return _numbered(out)


def _follow(where: dict[str, str], fact: Fact | None) -> None:
    """Update where people are known to be (a move or "is in" of no time of day)."""
    if fact is None or not fact.who:
        return
    for person in fact.who:
        if fact.kind in ("move", "is in") and not fact.time:
            where[person] = fact.parts[0]
        elif fact.kind in ("move", "is in", "not in", "no longer", "either"):
            where.pop(person, None)


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
