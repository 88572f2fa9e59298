"""A rule-based reader of bAbI story text: it reads the sentences one at a time and keeps the
state of the world they describe, for all twenty bAbI tasks.

It reads only the written text and imports nothing from the generator (`world/`), so it can
replay the generator's stories as an independent check. It tracks people's places (with
pronouns, "X and Y", "then", times of day, "is not in", "is either in ... or ..."), the
objects they carry (which move with them), gifts, animal kinds, fears and colours, moods,
directions between places, and the positions and sizes of shapes and boxes. `stories.yesno`
answers questions from this state.

The sentences it reads, bAbI's and the everyday wordings, and two facts joined by "and", are
`sentence_forms`'. A sentence it cannot read raises `ChatbotError` naming it.
"""

import re
from dataclasses import dataclass, field

from chatbot.errors import ChatbotError
from chatbot.stories.sentence_forms import (  # noqa: F401 (NAME, WORDS, CLOCK: the forms' words)
    CLOCK,
    MOOD_PLACES,
    NAME,
    OFFSETS,
    OPPOSITE,
    WORDS,
    facts,
    parse,
)

MOOD_OBJECTS = {"hungry": "apple", "thirsty": "milk", "tired": "pajamas", "bored": "football"}
_PLURALS = {"mouse": "mice", "sheep": "sheep", "wolf": "wolves", "goose": "geese", "fish": "fish"}
_SINGULARS = {plural: singular for singular, plural in _PLURALS.items()}


def singular(kind: str) -> str:
    """An animal kind in the singular: "mice" -> "mouse", "cats" -> "cat", "cat" -> "cat"."""
    if kind in _SINGULARS or kind in _PLURALS:
        return _SINGULARS.get(kind, kind)
    if re.search(r"(s|x|ch|sh)es$", kind):
        return kind[:-2]
    return kind[:-1] if kind.endswith("s") and not kind.endswith("ss") else kind


def plural(kind: str) -> str:
    """An animal kind in the plural: "mouse" -> "mice", "cat" -> "cats"."""
    if kind in _PLURALS:
        return _PLURALS[kind]
    return kind + "es" if re.search(r"(s|x|ch|sh)$", kind) else kind + "s"


@dataclass
class Person:
    place: str | None = None  # where the person is now, when the story says
    not_in: str | None = None  # "is not in" / "is no longer in" this place; place unknown
    either: tuple[str, ...] = ()  # "is either in the P or the Q"; place unknown
    visits: list[tuple[int, int, str]] = field(default_factory=list)  # (clock, sentence, place)
    mood: str | None = None
    arrivals: list[tuple[str, str | None]] = field(default_factory=list)  # (place, mood then)
    gettings: list[tuple[str, str | None]] = field(default_factory=list)  # (object, mood then)
    carrying: list[str] = field(default_factory=list)  # objects, in the order picked up
    kind: str | None = None  # singular: "mouse"
    colour: str | None = None
    described: int = -1  # the sentence that last gave its kind


@dataclass
class Thing:
    holder: str | None = None  # the person carrying it
    place: str | None = None  # where it lies when nobody carries it, when the story says
    not_in: str | None = None  # left by someone who "is not in" this place
    either: tuple[str, ...] = ()  # left by someone "either in the P or the Q"
    history: list[str] = field(default_factory=list)  # places it has been in, repeats merged


class Reader:
    """The world of one story as read so far. Call `read` with each sentence in order."""

    def __init__(self):
        self.people: dict[str, Person] = {}
        self.things: dict[str, Thing] = {}
        self.gifts: list[tuple[str, str, str]] = []  # (giver, object, receiver)
        self.fears: dict[str, set[str]] = {}  # kind -> kinds it is afraid of (singular)
        self.links: dict[str, dict[str, set[str]]] = {}  # place -> direction -> places there
        self.offsets: dict[str, dict[str, tuple[int, int]]] = {}  # shape -> shape -> (dx, dy)
        self.bigger: dict[str, set[str]] = {}  # box -> boxes stated bigger than it
        self.words: dict[str, set[str]] = {  # what the story named, for alternatives
            kind: set()
            for kind in ("people", "places", "objects", "kinds", "colours", "moods", "directions")
        }
        self.subjects: tuple[str, ...] = ()  # who "he", "she" and "they" mean
        self.it: str | None = None  # the object "it" means: the latest one a fact named
        self.clock = 0  # the latest time of day told so far
        self.count = 0  # sentences read

    def read(self, sentence: str) -> None:
        """Read one sentence of the story, each fact it states in turn, and update the world.

        Raises:
            ChatbotError: a sentence of a kind the reader does not know (`sentence_forms`).
        """
        for fact in facts(sentence):
            self._read_fact(fact, sentence)

    def _read_fact(self, fact: str, sentence: str) -> None:
        action, fields, clock = parse(fact)
        fields = dict(fields)
        if clock is not None:
            self.clock = max(self.clock, clock)
        if "who" in fields:
            fields["who"] = self._resolve(fields["who"], sentence)
        if fields.get("thing") == "it":
            if self.it is None:
                raise ChatbotError(f"{sentence!r}: 'it' comes before any object is named")
            fields["thing"] = self.it
        elif "thing" in fields:
            self.it = fields["thing"]
        getattr(self, "_" + action)(clock=self.clock if clock is None else clock, **fields)
        self.count += 1

    def person(self, name: str) -> Person:
        """The person called `name` (a new one if the story has not named them)."""
        name = name.capitalize()
        if name not in self.people:
            self.people[name] = Person()
            self.words["people"].add(name)
        return self.people[name]

    def thing(self, name: str) -> Thing:
        """The object called `name` (a new one if the story has not named it)."""
        if name not in self.things:
            self.things[name] = Thing()
            self.words["objects"].add(name)
        return self.things[name]

    def _resolve(self, who: str, sentence: str) -> tuple[str, ...]:
        if who in ("he", "she", "they"):
            if not self.subjects:
                raise ChatbotError(f"{sentence!r}: {who!r} comes before anyone is named")
            return self.subjects
        self.subjects = tuple(who.split(" and "))
        return self.subjects

    def _move(self, who, place, clock):
        self.words["places"].add(place)
        for name in who:
            person = self.person(name)
            latest = max(((c, s) for c, s, _ in person.visits), default=(-1, -1))
            person.visits.append((clock, self.count, place))
            person.arrivals.append((place, person.mood))
            if (clock, self.count) >= latest:  # a visit told later but dated earlier is history
                person.place, person.not_in, person.either = place, None, ()
                for carried in person.carrying:
                    self._record(self.things[carried], place)

    def _not_in(self, who, place, clock):
        self.words["places"].add(place)
        for name in who:
            person = self.person(name)
            person.place, person.not_in, person.either = None, place, ()

    def _either(self, who, first, second, clock):
        self.words["places"].update((first, second))
        for name in who:
            person = self.person(name)
            person.place, person.not_in, person.either = None, None, (first, second)

    def _take(self, who, thing, clock):
        person, item = self.person(who[0]), self.thing(thing)
        if item.holder and thing in self.person(item.holder).carrying:
            self.person(item.holder).carrying.remove(thing)
        item.holder = who[0].capitalize()
        person.carrying.append(thing)
        person.gettings.append((thing, person.mood))
        self._record(item, person.place)

    def _drop(self, who, thing, clock):
        person, item = self.person(who[0]), self.thing(thing)
        if thing in person.carrying:
            person.carrying.remove(thing)
        # It lies where they are, as far as the story says.
        item.place, item.not_in, item.either = person.place, person.not_in, person.either
        item.holder = None
        self._record(item, item.place)

    def _give(self, who, thing, receiver, clock):
        giver, taker, item = self.person(who[0]), self.person(receiver), self.thing(thing)
        if thing in giver.carrying:
            giver.carrying.remove(thing)
        taker.carrying.append(thing)
        item.holder = receiver.capitalize()
        self.gifts.append((who[0].capitalize(), thing, receiver.capitalize()))
        self._record(item, taker.place)

    def _receive(self, who, thing, receiver, clock):
        """ "Kwame received the lantern from Amara": a gift, told by its receiver, whom a
        pronoun after it means."""
        self._give(who, thing, receiver, clock)
        self.subjects = (receiver,)

    @staticmethod
    def _record(item: Thing, place: str | None) -> None:
        if place is not None:
            item.place, item.not_in, item.either = place, None, ()
            if not item.history or item.history[-1] != place:
                item.history.append(place)

    def _kind(self, who, kind, clock):
        self.words["kinds"].add(singular(kind))
        for name in who:
            person = self.person(name)
            person.kind, person.described = singular(kind), self.count

    def _fear(self, kinds, feared, clock):
        self.words["kinds"].update((singular(kinds.lower()), singular(feared)))
        self.fears.setdefault(singular(kinds.lower()), set()).add(singular(feared))

    def _mood(self, who, mood, clock):
        self.words["moods"].add(mood)
        for name in who:
            self.person(name).mood = mood

    def _colour(self, who, colour, clock):
        self.words["colours"].add(colour)
        for name in who:
            self.person(name).colour = colour

    def _direction(self, a, direction, b, clock):
        self.words["places"].update((a, b))
        self.words["directions"].update((direction, OPPOSITE[direction]))
        self.links.setdefault(b, {}).setdefault(direction, set()).add(a)
        self.links.setdefault(a, {}).setdefault(OPPOSITE[direction], set()).add(b)

    def _position(self, a, relation, b, clock):
        dx, dy = OFFSETS[relation]
        self.offsets.setdefault(b, {})[a] = (dx, dy)
        self.offsets.setdefault(a, {})[b] = (-dx, -dy)

    def _fits(self, a, b, clock):
        self.bigger.setdefault(a, set()).add(b)

    def _bigger(self, a, b, clock):
        self.bigger.setdefault(b, set()).add(a)

    def colour_of(self, name: str) -> str | None:
        """An animal's colour: stated, or else that of the member of its kind with a known
        colour whose kind the story told last (bAbI task 16's induction)."""
        person = self.people.get(name.capitalize())
        if person is None or person.colour is not None:
            return person and person.colour
        kin = [
            other
            for other in self.people.values()
            if other is not person and other.kind == person.kind and other.colour
        ]
        return max(kin, key=lambda other: other.described).colour if kin and person.kind else None

    def reachable(self, start: str, direction: str) -> set[str]:
        """The places that lie `direction` of `start` through a chain of links."""
        found, frontier = set(), [start]
        while frontier:
            place = frontier.pop()
            for there in self.links.get(place, {}).get(direction, ()):
                if there not in found:
                    found.add(there)
                    frontier.append(there)
        return found

    def neighbours(self, place: str) -> set[str]:
        """The places a stated link joins to `place`, in any direction."""
        return {there for places in self.links.get(place, {}).values() for there in places}

    def walk(self, start: str, *directions: str) -> set[str]:
        """Where walking `directions` one link each from `start` can lead."""
        here = {start}
        for direction in directions:
            here = {
                there for place in here for there in self.links.get(place, {}).get(direction, ())
            }
        return here

    def offset(self, a: str, b: str) -> tuple[int, int] | None:
        """Where shape `a` lies seen from shape `b`, in grid steps, or None if unlinked."""
        seen, frontier = {b: (0, 0)}, [b]
        while frontier:
            shape = frontier.pop()
            for other, (dx, dy) in self.offsets.get(shape, {}).items():
                if other not in seen:
                    x, y = seen[shape]
                    seen[other] = (x + dx, y + dy)
                    frontier.append(other)
        return seen.get(a)

    def is_bigger(self, a: str, b: str) -> bool:
        """Whether box `a` is bigger than box `b` through a chain of stated sizes."""
        found, frontier = set(), [b]
        while frontier:
            for larger in self.bigger.get(frontier.pop(), ()):
                if larger not in found:
                    found.add(larger)
                    frontier.append(larger)
        return a in found
