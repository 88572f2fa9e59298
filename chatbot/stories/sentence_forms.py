"""The sentence forms the rule reader (`rule_reader`) reads: bAbI's, and everyday wordings.

`facts(sentence)` splits a sentence into the facts it states ("Mary went to the hall and
picked up the apple." holds two) and `parse(fact)` says what one fact is: its action ("move",
"take", ...), its named parts and the time of day it gives. Everyday wordings are read as their
bAbI forms: "walked into", "headed to", "returned to", "entered", "ended up in", "is sitting
in", "stays in" move; "took the cup with her", "is holding", "left the cup in the hall";
"Kwame received / got the lantern from Amara", "was given the lantern by" (its receiver is
whom a pronoun after it means); "isn't in", "is no longer at",
"has left" say where someone is not; "picked the lantern up", "put the apple down", "handed
Kwame the lantern", "now has"; "scared of", "A mouse is afraid of", "to the west of", "fits
in", "can hold", "is smaller than" (the sizes turned round, so the answer follows the
meaning); a time of day at either end; "Then Priya went ..." and pronouns ("put it down":
"it" is the object the latest fact named).

Like the reader, it imports nothing from the generator (`world/`).
"""

import functools
import re

from chatbot.errors import ChatbotError

OPPOSITE = {"north": "south", "south": "north", "east": "west", "west": "east"}
MOOD_PLACES = {"hungry": "kitchen", "thirsty": "kitchen", "tired": "bedroom", "bored": "garden"}
CLOCK = {"yesterday": 0, "this morning": 1, "this afternoon": 2, "this evening": 3}
# Everyday names of the times of day, read as CLOCK's.
CLOCK_WORDS = {
    **{time: time for time in CLOCK},
    "in the morning": "this morning",
    "in the afternoon": "this afternoon",
    "in the evening": "this evening",
}
# (dx, dy) of "A is <relation> B": where A lies seen from B.
OFFSETS = {"above": (0, 1), "below": (0, -1), "to the left of": (-1, 0), "to the right of": (1, 0)}
# Everyday relations, read as OFFSETS' ones.
RELATIONS = {
    **{relation: relation for relation in OFFSETS},
    "over": "above",
    "under": "below",
    "beneath": "below",
    "left of": "to the left of",
    "on the left of": "to the left of",
    "right of": "to the right of",
    "on the right of": "to the right of",
}

NAME = r"[A-Z][a-z]+"
WORDS = r"[a-z]+(?: [a-z]+)*?"  # a noun phrase after "the": "kitchen", "box of chocolates"
_WHO = rf"(?P<who>{NAME}(?: and {NAME})*|he|she|they)"
_THING = rf"(?P<thing>the {WORDS}|it)"  # "it": the object the latest fact about one named
_BE = r"(?:is|are)"
# Verbs of moving, each followed by "the P": bAbI's five, then the everyday ones.
_MOVES = (
    r"(?:moved|went back|went|journeyed|travelled|traveled|walked|ran) to"
    r"|(?:headed|headed back|returned|hurried|rushed|strolled|came back|went over|went off) to"
    r"|went (?:down|up|out) to"
    r"|(?:went|walked|ran|wandered|went back|came back|headed) into"
    r"|made (?:his|her|their) way to|arrived (?:at|in)|(?:has|have) gone (?:to|into)|left for"
    r"|(?:dashed|raced|sprinted|walked back|ran back|got|made it|came|headed off|went on) to"
    r"|(?:walked|ran|hurried|rushed|strolled|wandered|dashed|raced|headed|popped) over to"
    r"|(?:stepped|came|moved|popped|hurried|rushed|dashed|went back) into"
    r"|went (?:inside|upstairs to|downstairs to|across to)|entered|reached|ended up (?:in|at)"
    r"|found (?:his|her|their) way to"
)
# Saying where someone is: "is in", "is now at", "is back in", "is sitting in", "stays in".
_BEING = r"(?:(?:is|are)(?: now| back| still)?(?: sitting| standing| waiting| staying)?|stays|stay)"
_NOT = rf"(?:{_BE} (?:not|no longer)|isn't|aren't)"
_AGAIN = r"(?: any ?more| any longer)?"
_PICKS = (
    r"picked up|got|grabbed|took|collected|fetched|took hold of|lifted up|snatched|now has"
    r"|got hold of|lifted|scooped up|(?:is|are)(?: now)? (?:carrying|holding)"
)
_DROPS = r"dropped|discarded|put down|left|set down|laid down|let go of|got rid of|threw away"
_GIVES = r"gave|handed|passed|lent|brought"
_FEARS = r"(?:are|were) (?:afraid|scared|frightened) of|fear"
_DIRECTION = "|".join(OPPOSITE)
_HEADING = "|".join(f"[{word[0].upper()}{word[0]}]{word[1:]}" for word in OPPOSITE)
_RELATION = "|".join(sorted(RELATIONS, key=len, reverse=True))
_SENTENCES = [
    ("move", rf"{_WHO} (?:{_MOVES}) the (?P<place>{WORDS})"),
    ("not_in", rf"{_WHO} {_NOT} (?:in|at) the (?P<place>{WORDS}){_AGAIN}"),
    ("not_in", rf"{_WHO} (?:has|have) left the (?P<place>{WORDS})"),
    (
        "either",
        rf"{_WHO} {_BE} (?:either )?(?:in|at) (?:either )?the (?P<first>{WORDS}) "
        rf"or (?:in |at )?the (?P<second>{WORDS})",
    ),
    ("move", rf"{_WHO} {_BEING} (?:in|at|inside) the (?P<place>{WORDS})"),
    # (before the general forms, which would take "apple with her" for an object)
    ("take", rf"{_WHO} (?:took|grabbed|picked up) {_THING} with (?:her|him|them)"),
    (
        "drop",
        rf"{_WHO} (?:left|put|placed|set|dropped) {_THING} "
        rf"(?:on the floor|behind|(?:in|at) the {WORDS})",
    ),
    ("receive", rf"(?P<receiver>{NAME}) (?:received|got) the (?P<thing>{WORDS}) from {_WHO}"),
    (
        "receive",
        rf"(?P<receiver>{NAME}) was (?:given|handed|passed|lent) the (?P<thing>{WORDS}) by {_WHO}",
    ),
    ("take", rf"{_WHO} (?:{_PICKS}) {_THING}(?: there)?"),
    ("take", rf"{_WHO} (?:picked|lifted) {_THING} up(?: there)?"),
    ("drop", rf"{_WHO} (?:{_DROPS}) {_THING}(?: there)?"),
    ("drop", rf"{_WHO} (?:put|set|laid|placed) {_THING} down(?: there)?"),
    ("drop", rf"{_WHO} threw {_THING} away(?: there)?"),
    (
        "give",
        rf"{_WHO} (?:{_GIVES}|handed over) {_THING} (?:over )?to (?P<receiver>{NAME})",
    ),
    ("give", rf"{_WHO} (?:{_GIVES}) (?P<receiver>{NAME}) the (?P<thing>{WORDS})"),
    ("kind", rf"{_WHO} is an? (?P<kind>{WORDS})"),
    ("fear", rf"(?P<kinds>{NAME}) (?:{_FEARS}) (?P<feared>{WORDS})"),
    ("fear", rf"An? (?P<kinds>[a-z]+) is (?:afraid|scared|frightened) of (?P<feared>{WORDS})"),
    (
        "mood",
        rf"{_WHO} (?:is|are|feels|feel|is feeling|are feeling|became|got) "
        rf"(?P<mood>{'|'.join(MOOD_PLACES)})",
    ),
    ("colour", rf"{_WHO} is (?P<colour>[a-z]+)"),
    (
        "direction",
        rf"The (?P<a>{WORDS}) (?:is|lies) (?:to the )?(?P<direction>{_DIRECTION}) "
        rf"of the (?P<b>{WORDS})",
    ),
    (
        "direction",
        rf"(?:To the )?(?P<direction>{_HEADING}) of the (?P<b>{WORDS}) is the (?P<a>{WORDS})",
    ),
    ("position", rf"The (?P<a>{WORDS}) is (?P<relation>{_RELATION}) the (?P<b>{WORDS})"),
    (
        "fits",
        rf"The (?P<a>{WORDS}) (?:fits|can fit|will fit) (?:inside|in|into) the (?P<b>{WORDS})",
    ),
    ("bigger", rf"The (?P<a>{WORDS}) is (?:bigger|larger) than the (?P<b>{WORDS})"),
    ("fits", rf"The (?P<a>{WORDS}) is smaller than the (?P<b>{WORDS})"),
    ("fits", rf"The (?P<b>{WORDS}) can hold the (?P<a>{WORDS})"),
]
SENTENCES = [(action, re.compile(f"^{pattern}$")) for action, pattern in _SENTENCES]
_TIMES = "|".join(CLOCK_WORDS)
_LEADING_TIME = re.compile(rf"^({_TIMES}),? ", re.IGNORECASE)
_TRAILING_TIME = re.compile(rf",? ({_TIMES})$")
_CONNECTIVE = re.compile(
    r"^(?:Then|After that|Afterwards|Following that|Later on|Later|Next|Soon after"
    r"|Shortly after that|Shortly afterwards|A little later|Some time later|After a while"
    r"|Eventually|Finally),? "
)
_PRONOUN = re.compile(r"^(He|She|They) ")
_JOIN = re.compile(r",? and (?:then )?")


@functools.lru_cache(maxsize=1 << 16)  # stories repeat their sentences; replays reread them
def facts(sentence: str) -> tuple[str, ...]:
    """The facts a sentence states: itself, or the two it joins with "and".

    The second of two joined facts may leave out its subject, which is the first's: "Mary went
    to the hall and picked up the apple." gives "Mary went to the hall" and "they picked up the
    apple" (a pronoun: whoever the first fact is about).

    >>> facts("The box fits in the chest and the chest is bigger than the cup.")
    ('The box fits in the chest', 'The chest is bigger than the cup')
    """
    text = sentence.strip().rstrip(".")
    for match in _JOIN.finditer(text):
        first, second = text[: match.start()], _second(text[match.end() :])
        if second is not None and _parses(first):
            return first, second
    return (sentence,)


def _second(text: str) -> str | None:
    """The second of two joined facts as a fact of its own, or None if it is none.

    "the chest is ..." is read as "The chest is ...", "picked up the apple" as "they picked up
    the apple"; a lower-case first word is never taken for a name ("has left the hall").
    """
    capital = text[:1].upper() + text[1:]
    for candidate in (capital, "they " + text):
        try:
            _, fields, _ = parse(candidate)
        except ChatbotError:
            continue
        if (
            candidate is capital
            and text[:1].islower()
            and dict(fields).get("who") == capital.split()[0]
        ):
            continue
        return candidate
    return None


def _parses(text: str) -> bool:
    try:
        parse(text)
    except ChatbotError:
        return False
    return True


@functools.lru_cache(maxsize=1 << 16)
def parse(sentence: str) -> tuple[str, tuple[tuple[str, str], ...], int | None]:
    """What one fact says, before pronouns are resolved.

    Returns:
        (action, fields, clock): the `SENTENCES` action ("move", "take", ...), its named parts
        as (name, text) pairs, and the time of day it gives (a `CLOCK` value) or None. Everyday
        words come back as bAbI's: "is smaller than" as "fits", "under" as "below".

    Raises:
        ChatbotError: a sentence of a kind bAbI does not write.
    """
    clock, text = _time_of(sentence.strip().rstrip("."))
    text = _PRONOUN.sub(lambda match: match.group(1).lower() + " ", _CONNECTIVE.sub("", text))
    for action, pattern in SENTENCES:
        match = pattern.match(text)
        if match:
            fields = match.groupdict()
            if "direction" in fields:
                fields["direction"] = fields["direction"].lower()
            if "thing" in fields and fields["thing"] != "it":
                fields["thing"] = fields["thing"].removeprefix("the ")
            if "relation" in fields:
                fields["relation"] = RELATIONS[fields["relation"]]
            return action, tuple(fields.items()), clock
    raise ChatbotError(
        f"cannot read the sentence {sentence!r}; expected a sentence of bAbI's twenty tasks"
    )


def _time_of(text: str) -> tuple[int | None, str]:
    """The time of day a sentence gives (CLOCK's value) and the sentence without it."""
    for pattern in (_LEADING_TIME, _TRAILING_TIME):
        match = pattern.search(text)
        if match:
            text = text[: match.start()] + text[match.end() :]
            if pattern is _LEADING_TIME:
                text = text[:1].upper() + text[1:]
            return CLOCK[CLOCK_WORDS[match.group(1).lower()]], text
    return None, text
