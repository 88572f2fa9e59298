"""The world of people: where they are, what they carry, give and feel, told sentence by sentence.

Each event changes the world and tells one sentence. The world keeps the truth (`where`: where
everyone really is; objects lie where they were put down or go with whoever carries them) apart
from what the story has said (`told`, `lying`): "Mary is not in the office." or "Mary is either
in the office or the park." hides the truth, and questions (world/questions.py) are
answered only from what was said, with the ids of the sentences that said it.
"""

import random
from dataclasses import dataclass, field

from chatbot.stories.world.lines import Lines, other
from chatbot.stories.world.words import MOOD_OBJECT, MOOD_PLACE, Words


@dataclass(frozen=True)
class Known:
    """What the story has said about where someone or something is.

    kind "at": in places[0]; "not": not in places[0] (nothing more); "either": in one of
    places. `support` holds the ids of the sentences that say so, the latest event first.
    """

    kind: str
    places: tuple[str, ...]
    support: tuple[int, ...]


@dataclass
class Carried:
    """What the story has said about one object's travels."""

    event: int = 0  # id of the latest sentence that picked it up, dropped it or passed it on
    trail: list[tuple[str, int]] | None = field(default_factory=list)  # (place, id it arrived)


class PeopleWorld:
    """People in places, the objects they carry, their gifts and their moods.

    `where` is the truth; `told` the latest thing the story said about where each person is;
    `holder` who holds each held object; `lying` where the put-down objects are known to lie.
    """

    def __init__(self, rng: random.Random, words: Words, story: Lines | None = None):
        self.rng, self.words = rng, words
        self.story = story if story is not None else Lines()
        self.where = {person: rng.choice(words.places) for person in words.people}
        self.told: dict[str, Known] = {}
        self.holder: dict[str, str] = {}  # object -> the person holding it
        self.lying: dict[str, Known] = {}  # put-down object -> where the story says it lies
        self.objects: dict[str, Carried] = {}
        self.truly_lying: dict[str, str] = {}  # put-down object -> the place it really is
        self.changes: dict[str, list[int]] = {}  # person -> ids that changed what they carry
        self.gifts: list[tuple[str, str, str, int]] = []  # (giver, object, receiver, id)
        self.mood: dict[str, tuple[str, int]] = {}  # person -> (mood, id of the sentence)
        self.pending: set[str] = set()  # people whose mood has not yet sent them anywhere
        # (person, "go to" or "get", place or object) -> {mood that sent them: id of the mood};
        # None once they also did it for no mood's sake
        self.motives: dict[tuple[str, str, str], dict[str, int] | None] = {}
        self.subject: tuple[str, ...] = ()  # whom the latest sentence was about
        self.named = 0  # its id, if it named them (a pronoun may follow), else 0

    # ---- telling ------------------------------------------------------------------------------

    def say(self, text: str, subject: tuple[str, ...] = (), named: bool = True) -> int:
        """Tell a sentence about `subject`; `named`: by name, so a pronoun can follow."""
        self.subject = subject
        line_id = self.story.say(text)
        self.named = line_id if named else 0
        return line_id

    def name(self, people: tuple[str, ...], opener: str = "") -> str:
        """The subject of a sentence: "Mary", "Mary and John", or a pronoun after `opener`."""
        if not opener:
            return " and ".join(people)
        if len(people) > 1:
            pronoun = "they"
        else:
            pronoun = "she" if people[0] in self.words.female else "he"
        return f"{opener} {pronoun}"

    def move(self, person: str, verb_the: str) -> int:
        """`person` goes somewhere else, told "Mary moved to the P." or "Mary is in the P."."""
        return self.go((person,), verb_the, other(self.rng, self.words.places, self.where[person]))

    def go(self, people: tuple[str, ...], verb_the: str, place: str, opener="", time="") -> int:
        """`people` arrive in `place`: "Mary and John went to the P.", "Then she went to ..."."""
        when = f" {time}" if time else ""
        antecedent = self.named
        text = f"{self.name(people, opener)} {verb_the} {place}{when}."
        line_id = self.say(text, people, named=not opener)
        support = (antecedent, line_id) if opener else (line_id,)
        for person in people:
            self.where[person] = place
            self.told[person] = Known("at", (place,), support)
            self._arrived(person, place, line_id)
        return line_id

    def _arrived(self, person: str, place: str, line_id: int) -> None:
        for thing, holder in self.holder.items():
            if holder == person:
                self._travel(thing, place, line_id)
        mood = self.mood.get(person)
        self._motive(
            (person, "go to", place), mood if mood and MOOD_PLACE[mood[0]] == place else None
        )
        if mood and MOOD_PLACE[mood[0]] == place:
            self.pending.discard(person)

    def _motive(self, key: tuple[str, str, str], mood: tuple[str, int] | None) -> None:
        """Something was done in a `mood` that sends one to do it (None: for no mood's sake)."""
        moods = self.motives.setdefault(key, {})
        if moods is not None and mood is not None:
            moods[mood[0]] = mood[1]
        elif moods is not None:
            self.motives[key] = None

    def reasons(self, person: str) -> list[tuple[str, str, str]]:
        """What `person` has done only ever for one mood's sake (so "why" has one answer)."""
        return sorted(
            key
            for key, moods in self.motives.items()
            if key[0] == person and moods and len(moods) == 1
        )

    def _travel(self, thing: str, place: str | None, line_id: int) -> None:
        """The object arrives in `place` (None: somewhere the story does not say)."""
        carried = self.objects.setdefault(thing, Carried())
        if place is None:
            carried.trail = None
        elif carried.trail is not None and (not carried.trail or carried.trail[-1][0] != place):
            carried.trail.append((place, line_id))

    def hide(self, person: str, known: Known) -> None:
        """The story now says only `known` about where `person` is."""
        self.told[person] = known
        for thing, holder in self.holder.items():
            if holder == person:
                self._travel(thing, None, known.support[0])

    def either(self, person: str) -> int:
        """ "Mary is either in the P or the Q.": she is in one of them, which is left open."""
        rng, places = self.rng, self.words.places
        self.where[person] = other(rng, places, self.where[person])
        # The other place is any place, so it can be the true one again, as in bAbI
        # ("Fred is either in the kitchen or the kitchen.", 17% of its "either" sentences).
        pair = [self.where[person], rng.choice(places)]
        rng.shuffle(pair)
        line_id = self.say(f"{person} is either in the {pair[0]} or the {pair[1]}.", (person,))
        self.hide(person, Known("either", tuple(pair), (line_id,)))
        return line_id

    def negate(self, person: str, kind: str) -> int:
        """`kind` "is no longer in" or "is not in": of where they were last said to be, or of a
        place they are not in."""
        known = self.told.get(person)
        if known and known.kind == "at":
            place = known.places[0]  # where they are; now they leave for a place left unsaid
            self.where[person] = other(self.rng, self.words.places, place)
        else:
            place = other(self.rng, self.words.places, self.where[person])
        line_id = self.say(f"{person} {kind} the {place}.", (person,))
        self.hide(person, Known("not", (place,), (line_id,)))
        return line_id

    def pick(self, person: str, thing: str, verb: str, there: str = " there") -> int:
        line_id = self.say(f"{person} {verb} the {thing}{there}.", (person,))
        self.holder[thing] = person
        self.lying.pop(thing, None)
        self.truly_lying.pop(thing, None)
        self.objects.setdefault(thing, Carried()).event = line_id
        self.changes.setdefault(person, []).append(line_id)
        known = self.told.get(person)
        if known and known.kind == "at":
            self._travel(thing, known.places[0], known.support[0])
        else:
            self._travel(thing, None, line_id)
        mood = self.mood.get(person)
        self._motive(
            (person, "get", thing), mood if mood and MOOD_OBJECT[mood[0]] == thing else None
        )
        return line_id

    def drop(self, thing: str, verb: str, there: str = "") -> int:
        person = self.holder[thing]
        line_id = self.say(f"{person} {verb} the {thing}{there}.", (person,))
        known = self.told.get(person)
        del self.holder[thing]
        self.truly_lying[thing] = self.where[person]
        if known:
            self.lying[thing] = Known(known.kind, known.places, (line_id, *known.support))
        self.objects.setdefault(thing, Carried()).event = line_id
        self.changes.setdefault(person, []).append(line_id)
        return line_id

    def give(self, thing: str, receiver: str, verb: str) -> int:
        giver = self.holder[thing]
        line_id = self.say(f"{giver} {verb} the {thing} to {receiver}.", (giver,))
        self.holder[thing] = receiver
        self.objects.setdefault(thing, Carried()).event = line_id
        self.gifts.append((giver, thing, receiver, line_id))
        for person in (giver, receiver):
            self.changes.setdefault(person, []).append(line_id)
        known = self.told.get(receiver)
        self._travel(thing, known.places[0] if known and known.kind == "at" else None, line_id)
        return line_id

    def feel(self, person: str, mood: str) -> int:
        line_id = self.say(f"{person} is {mood}.", (person,))
        self.mood[person] = (mood, line_id)
        self.pending.add(person)
        return line_id

    # ---- what the story has said ----------------------------------------------------------

    def known_object(self, thing: str) -> Known | None:
        """Where the story puts an object: its carrier's place, or where it was put down."""
        if thing in self.holder:
            known = self.told.get(self.holder[thing])
            if known is None:
                return None
            return Known(known.kind, known.places, (self.objects[thing].event, *known.support))
        return self.lying.get(thing)

    def true_place(self, thing: str) -> str | None:
        """Where an object really is (None: nobody has touched it yet)."""
        if thing in self.holder:
            return self.where[self.holder[thing]]
        return self.truly_lying.get(thing)

    def pickable(self, person: str) -> list[str]:
        """Objects nobody holds that lie where `person` really is (or were never placed)."""
        return [
            thing
            for thing in self.words.objects
            if thing not in self.holder and self.true_place(thing) in (None, self.where[person])
        ]

    def carried_by(self, person: str) -> list[str]:
        return [thing for thing, holder in self.holder.items() if holder == person]
