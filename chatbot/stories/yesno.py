"""The yes/no question forms (docs/QUESTION_FORMS.md), answered by rule from a story.

`answer(story, question)` reads the story with `rule_reader` and answers one question in
its forms "yes", "no" or "maybe", by each form's "yes when" (`CONTRACT`). It imports
nothing from the generator, so the generator's tests can use it as an independent replay.
For many questions about one story, read it once and ask `answer_from(reader, question)`.

>>> answer(["Mary moved to the bathroom.", "Then she went to the garden."], "Is Mary in the hall?")
'no'
>>> answer("John and Mary went to the den. Then they went to the hall.", "Is John in the hall?")
'yes'
"""

import re
from collections.abc import Iterable

from chatbot.errors import ChatbotError
from chatbot.stories.rule_reader import (
    MOOD_OBJECTS,
    MOOD_PLACES,
    NAME,
    OFFSETS,
    OPPOSITE,
    WORDS,
    Reader,
    singular,
)
from chatbot.text import split_sentences

COUNTS = {"no objects": 0, "one object": 1, "two objects": 2, "three objects": 3}
_DIRECTION = "|".join(OPPOSITE)
_BECAUSE = rf"because (?:he was|she was|they were) (?P<mood>{'|'.join(MOOD_PLACES)})"
_FORMS = [
    ("person_in", rf"Is (?P<who>{NAME}) (?P<negated>not )?in the (?P<place>{WORDS})"),
    ("thing_in", rf"Is the (?P<thing>{WORDS}) (?P<negated>not )?in the (?P<place>{WORDS})"),
    (
        "person_before",
        rf"Was (?P<who>{NAME}) in the (?P<place>{WORDS}) before the (?P<last>{WORDS})",
    ),
    (
        "thing_before",
        rf"Was the (?P<thing>{WORDS}) in the (?P<place>{WORDS}) before the (?P<last>{WORDS})",
    ),
    ("direction", rf"Is the (?P<a>{WORDS}) (?P<direction>{_DIRECTION}) of the (?P<b>{WORDS})"),
    ("gave_to", rf"Did (?P<giver>{NAME}) give the (?P<thing>{WORDS}) to (?P<receiver>{NAME})"),
    ("gave", rf"Did (?P<giver>{NAME}) give the (?P<thing>{WORDS})"),
    ("received", rf"Did (?P<receiver>{NAME}) receive the (?P<thing>{WORDS})"),
    ("count", rf"Is (?P<who>{NAME}) carrying (?P<count>{'|'.join(COUNTS)})"),
    ("anything", rf"Is (?P<who>{NAME}) carrying anything"),
    ("carrying", rf"Is (?P<who>{NAME}) carrying the (?P<thing>{WORDS})"),
    ("afraid", rf"Is (?P<who>{NAME}) afraid of (?P<kinds>{WORDS})"),
    ("colour", rf"Is (?P<who>{NAME}) (?P<colour>[a-z]+)"),
    ("position", rf"Is the (?P<a>{WORDS}) (?P<relation>{'|'.join(OFFSETS)}) the (?P<b>{WORDS})"),
    ("fits", rf"Does the (?P<a>{WORDS}) fit in the (?P<b>{WORDS})"),
    ("bigger", rf"Is the (?P<a>{WORDS}) bigger than the (?P<b>{WORDS})"),
    (
        "path",
        rf"Can you get from the (?P<a>{WORDS}) to the (?P<b>{WORDS}) "
        rf"by going (?P<first>{_DIRECTION}) and then (?P<second>{_DIRECTION})",
    ),
    ("will_go", rf"Will (?P<who>{NAME}) go to the (?P<place>{WORDS})"),
    ("went_because", rf"Did (?P<who>{NAME}) go to the (?P<place>{WORDS}) {_BECAUSE}"),
    ("got_because", rf"Did (?P<who>{NAME}) get the (?P<thing>{WORDS}) {_BECAUSE}"),
]
FORMS = [(name, re.compile(rf"^{pattern}\?$")) for name, pattern in _FORMS]
# Each form: the bAbI tasks that ask it, and when its answer is yes (docs/QUESTION_FORMS.md is
# made from these and _FORMS by scripts/make_docs.py).
CONTRACT = {
    "person_in": (
        "1, 6, 9, 10, 11, 12, 13",
        "X is in P now; task 10 answers maybe where the story leaves it open; "
        '"Is X not in the P?" swaps yes and no',
    ),
    "thing_in": ("2", "O is in P now (a carried object is where its carrier is)"),
    "person_before": (
        "14",
        "X was in P at some time before X's last visit to Q, by the story's clock (yesterday < "
        "this morning < this afternoon < this evening)",
    ),
    "thing_before": ("3", "O was in P at some time before its last arrival in Q"),
    "direction": (
        "4",
        "the story's links say so: directly, as the reverse, or through a chain of links in the "
        "same direction",
    ),
    "gave_to": ("5", "X gave, handed or passed O to Y at some time"),
    "gave": ("5", "X gave O to someone at some time"),
    "received": ("5", "someone gave O to Y at some time"),
    "count": ("7", "X carries exactly that many objects now"),
    "anything": ("8", "X carries at least one object now"),
    "carrying": ("8", "X carries O now"),
    "afraid": ("15", "X's kind is afraid of K"),
    "colour": (
        "16",
        "X's colour is C: stated, or else that of the most recently described member of X's kind",
    ),
    "position": ("17", "the positions the story states put A there, seen from B"),
    "fits": ("18", "the sizes the story states make A smaller than B"),
    "bigger": ("18", "the sizes the story states make A bigger than B"),
    "path": (
        "19",
        "walking D1 then D2 along the links the story states (each works both ways) leads "
        "from A to B",
    ),
    "will_go": (
        "20",
        "P is where X's mood sends X: hungry or thirsty: kitchen, tired: bedroom, bored: garden",
    ),
    "went_because": ("20", "X's mood when X went to P was M"),
    "got_because": (
        "20",
        "X's mood when X got O was M (hungry: apple, thirsty: milk, tired: pajamas, "
        "bored: football)",
    ),
}


def answer(story: Iterable[str] | str, question: str) -> str:
    """Answer a yes/no question of one of the forms about a story, by rule.

    Args:
        story: the story's sentences, oldest first ("Mary moved to the bathroom."), or the
            story as one text, split at full stops.
        question: one question in a form of `FORMS` ("Is Mary in the bathroom?"),
            or "Is X not in the P?" (yes and no swapped).

    Returns:
        "yes", "no" or "maybe".

    Raises:
        ChatbotError: a sentence or a question in no form the reader knows.
    """
    reader = Reader()
    for sentence in split_sentences(story) if isinstance(story, str) else story:
        reader.read(sentence)
    return answer_from(reader, question)


def answer_from(reader: Reader, question: str) -> str:
    """Answer `question` from the world `reader` has read so far (see `answer`)."""
    text = question.strip()
    for name, pattern in FORMS:
        match = pattern.match(text)
        if match:
            return globals()["_" + name](reader, **match.groupdict())
    raise ChatbotError(
        f"cannot answer {question!r}: not a question form of docs/QUESTION_FORMS.md "
        "(for example 'Is Mary in the kitchen?')"
    )


def _yes(condition: bool) -> str:
    return "yes" if condition else "no"


def _negate(label: str, negated: str | None) -> str:
    """The answer to "Is X not in the P?": yes and no swapped, maybe stays maybe."""
    return {"yes": "no", "no": "yes"}.get(label, label) if negated else label


def _whereabouts(known, place: str) -> str:
    """Is a person or object (`known`: its place, or "not in" or "either" facts) in `place`?"""
    if known is None:
        return "maybe"  # the story has not named it
    if known.place is not None:
        return _yes(known.place == place)
    if known.either:
        return "maybe" if place in known.either else "no"
    return "no" if known.not_in == place else "maybe"


def _person_in(reader, who, place, negated):
    return _negate(_whereabouts(reader.people.get(who), place), negated)


def _thing_in(reader, thing, place, negated):
    item = reader.things.get(thing)
    if item is not None and item.holder:  # where its carrier is, as far as the story says
        return _person_in(reader, item.holder, place, negated)
    return _negate(_whereabouts(item, place), negated)


def _was_before(places: list[str], place: str, last: str) -> str:
    """Yes when `place` comes before the last arrival in `last` in the list of places."""
    if last not in places:
        return "no"
    arrival = len(places) - 1 - places[::-1].index(last)
    return _yes(place in places[:arrival])


def _person_before(reader, who, place, last):
    person = reader.people.get(who)
    visits = sorted(person.visits) if person else []  # by the story's clock, then as told
    return _was_before([visited for _, _, visited in visits], place, last)


def _thing_before(reader, thing, place, last):
    item = reader.things.get(thing)
    return _was_before(item.history if item else [], place, last)


def _direction(reader, a, direction, b):
    return _yes(a in reader.reachable(b, direction))


def _gave_to(reader, giver, thing, receiver):
    return _yes((giver, thing, receiver) in reader.gifts)


def _gave(reader, giver, thing):
    return _yes(any(gift[:2] == (giver, thing) for gift in reader.gifts))


def _received(reader, receiver, thing):
    return _yes(any(gift[1:] == (thing, receiver) for gift in reader.gifts))


def _carried(reader, who) -> list[str]:
    person = reader.people.get(who)
    return person.carrying if person else []


def _count(reader, who, count):
    return _yes(len(_carried(reader, who)) == COUNTS[count])


def _anything(reader, who):
    return _yes(bool(_carried(reader, who)))


def _carrying(reader, who, thing):
    return _yes(thing in _carried(reader, who))


def _afraid(reader, who, kinds):
    person = reader.people.get(who)
    feared = reader.fears.get(person.kind, set()) if person else set()
    return _yes(singular(kinds) in feared)


def _colour(reader, who, colour):
    return _yes(reader.colour_of(who) == colour)


def _position(reader, a, relation, b):
    offset = reader.offset(a, b)
    if offset is None:
        return "no"
    dx, dy = OFFSETS[relation]
    return _yes(offset[0] * dx > 0 or offset[1] * dy > 0)


def _fits(reader, a, b):
    return _yes(reader.is_bigger(b, a))


def _bigger(reader, a, b):
    return _yes(reader.is_bigger(a, b))


def _path(reader, a, b, first, second):
    return _yes(b in reader.walk(a, first, second))


def _will_go(reader, who, place):
    person = reader.people.get(who)
    return _yes(person is not None and MOOD_PLACES.get(person.mood) == place)


def _went_because(reader, who, place, mood):
    """Yes when X arrived in P at some time while in the mood that sends people to P."""
    person = reader.people.get(who)
    moods = {then for went, then in person.arrivals if went == place} if person else set()
    return _yes(mood in moods and MOOD_PLACES[mood] == place)


def _got_because(reader, who, thing, mood):
    """Yes when X got O at some time while in the mood that makes people get O."""
    person = reader.people.get(who)
    moods = {then for got, then in person.gettings if got == thing} if person else set()
    return _yes(mood in moods and MOOD_OBJECTS[mood] == thing)
