"""An independent reader of yes/no stories, for checking the generator (chatbot/world/).

It reads only the text of a story, sentence by sentence, and answers the questions of
../shared/YESNO_FORMS.md (and "Is X not in the P?") by the rules of that page's "yes when"
column. It imports nothing from chatbot.world: tests/test_world.py runs it on the generated
files and on the real bAbI files (asking bAbI's answers in their yes form), so that it is known
to read stories as bAbI means them.
"""

import re

NAME = r"[A-Z][a-z]+"
WORD = r"[a-z]+"
TIMES = {"yesterday": 0, "this morning": 1, "this afternoon": 2, "this evening": 3}
VERBS = r"moved|went|journeyed|travelled|went back|walked|ran"
THEN = r"Then|After that|Afterwards|Following that"
DIRECTIONS = {"north": (0, 1), "south": (0, -1), "east": (1, 0), "west": (-1, 0)}
OPPOSITE = {"north": "south", "south": "north", "east": "west", "west": "east"}
MOOD_PLACE = {"hungry": "kitchen", "thirsty": "kitchen", "tired": "bedroom", "bored": "garden"}
MOOD_OBJECT = {"hungry": "apple", "thirsty": "milk", "tired": "pajamas", "bored": "football"}
PLURAL = {"cats": "cat", "mice": "mouse", "sheep": "sheep", "wolves": "wolf"}
COUNTS = {"no objects": 0, "one object": 1, "two objects": 2, "three objects": 3}
SHAPE = r"(?:red |blue |pink |yellow )?(?:square|triangle|rectangle|sphere)"
THING = r"box of chocolates|chocolate|box|chest|container|suitcase"
STEP = {"above": (0, 1), "below": (0, -1), "to the left of": (-1, 0), "to the right of": (1, 0)}

MOVE = re.compile(
    rf"(?:(?P<time1>Yesterday|This morning|This afternoon|This evening) |(?P<then>{THEN}) )?"
    rf"(?P<who>{NAME}(?: and {NAME})?|he|she|they) (?:{VERBS}) to the (?P<place>{WORD})"
    rf"(?: (?P<time2>yesterday|this morning|this afternoon|this evening))?\."
)
SENTENCES = {
    "is in": re.compile(rf"({NAME}) is in the ({WORD})\."),
    "not": re.compile(rf"({NAME}) is (?:no longer|not) in the ({WORD})\."),
    "either": re.compile(rf"({NAME}) is either in the ({WORD}) or the ({WORD})\."),
    "pick": re.compile(rf"({NAME}) (?:got|took|picked up|grabbed) the ({WORD})(?: there)?\."),
    "drop": re.compile(rf"({NAME}) (?:dropped|discarded|put down|left) the ({WORD})(?: there)?\."),
    "give": re.compile(rf"({NAME}) (?:gave|handed|passed) the ({WORD}) to ({NAME})\."),
    "mood": re.compile(rf"({NAME}) is (hungry|thirsty|tired|bored)\."),
    "kind": re.compile(rf"({NAME}) is an? ({WORD})\."),
    "colour": re.compile(rf"({NAME}) is (gray|green|white|yellow)\."),
    "fear": re.compile(r"(Cats|Mice|Sheep|Wolves) are afraid of (cats|mice|sheep|wolves)\."),
    "link": re.compile(rf"The ({WORD}) is (north|south|east|west) of the ({WORD})\."),
    "shape": re.compile(
        rf"The ({SHAPE}) is (above|below|to the left of|to the right of) the ({SHAPE})\."
    ),
    "fits": re.compile(rf"The ({THING}) fits inside the ({THING})\."),
    "bigger": re.compile(rf"The ({THING}) is bigger than the ({THING})\."),
}
QUESTIONS = {
    "person in": re.compile(rf"Is ({NAME}) (not )?in the ({WORD})\?"),
    "object in": re.compile(rf"Is the ({WORD}) (not )?in the ({WORD})\?"),
    "object before": re.compile(rf"Was the ({WORD}) in the ({WORD}) before the ({WORD})\?"),
    "person before": re.compile(rf"Was ({NAME}) in the ({WORD}) before the ({WORD})\?"),
    "gave to": re.compile(rf"Did ({NAME}) give the ({WORD}) to ({NAME})\?"),
    "gave": re.compile(rf"Did ({NAME}) give the ({WORD})\?"),
    "received": re.compile(rf"Did ({NAME}) receive the ({WORD})\?"),
    "count": re.compile(
        rf"Is ({NAME}) carrying (no objects|one object|two objects|three objects)\?"
    ),
    "anything": re.compile(rf"Is ({NAME}) carrying anything\?"),
    "carrying": re.compile(rf"Is ({NAME}) carrying the ({WORD})\?"),
    "will": re.compile(rf"Will ({NAME}) go to the ({WORD})\?"),
    "why": re.compile(
        rf"Did ({NAME}) (go to|get) the ({WORD}) because (?:he was|she was|they were) ({WORD})\?"
    ),
    "afraid": re.compile(rf"Is ({NAME}) afraid of (cats|mice|sheep|wolves)\?"),
    "colour": re.compile(rf"Is ({NAME}) (gray|green|white|yellow)\?"),
    "direction": re.compile(rf"Is the ({WORD}) (north|south|east|west) of the ({WORD})\?"),
    "path": re.compile(
        rf"Can you get from the ({WORD}) to the ({WORD}) by going "
        r"(north|south|east|west) and then (north|south|east|west)\?"
    ),
    "shape": re.compile(
        rf"Is the ({SHAPE}) (above|below|to the left of|to the right of) the ({SHAPE})\?"
    ),
    "fits": re.compile(rf"Does the ({THING}) fit in the ({THING})\?"),
    "bigger": re.compile(rf"Is the ({THING}) bigger than the ({THING})\?"),
}


class Unanswerable(AssertionError):
    """The story does not settle the question (so the generator should not have asked it)."""


class Reader:
    """What a story has said so far, and the answers that follow from it."""

    def __init__(self):
        self.known = {}  # person -> ("at", P) | ("not", P) | ("either", P, Q)
        self.subject = ()  # the people the latest sentence was about, for pronouns
        self.timeline = {}  # person -> {time: place}, for moves told with a time of day
        self.holder, self.lying, self.trail = {}, {}, {}
        self.gifts = set()
        # (person, "go to"/"get", place or object) -> the moods it was done in that send one
        # to do it (None: done for no mood's sake)
        self.mood, self.motives = {}, {}
        self.kind, self.fear, self.colour = {}, {}, []  # colour: (name, colour) in order
        self.links, self.shapes, self.sizes = [], [], set()

    # ---- sentences ----------------------------------------------------------------------------

    def read(self, text: str) -> None:
        """Take in one sentence; AssertionError for a sentence of no known kind."""
        if match := MOVE.fullmatch(text):
            return self._move(match)
        for kind, pattern in SENTENCES.items():
            if match := pattern.fullmatch(text):
                self.subject = (
                    (match[1],)
                    if kind in ("is in", "not", "either", "pick", "drop", "give", "mood")
                    else ()
                )
                return getattr(self, "_" + kind.replace(" ", "_"))(*match.groups())
        raise AssertionError(f"not a sentence of any task: {text!r}")

    def _move(self, match) -> None:
        who = match["who"]
        people = self.subject if who in ("he", "she", "they") else tuple(who.split(" and "))
        if who in ("he", "she", "they"):
            assert (who == "they") == (len(people) == 2), f"whom does {who!r} mean here?"
        time = match["time1"] or match["time2"]
        for person in people:
            if time:
                self.timeline.setdefault(person, {})[TIMES[time.lower()]] = match["place"]
            else:
                self._arrive(person, match["place"])
        self.subject = people

    def _arrive(self, person: str, place: str) -> None:
        self.known[person] = ("at", place)
        for thing, holder in self.holder.items():
            if holder == person:
                self._travel(thing)
        mood = self.mood.get(person)
        self.motives.setdefault((person, "go to", place), set()).add(
            mood if MOOD_PLACE.get(mood) == place else None
        )

    def _travel(self, thing: str) -> None:
        """The object's places in order, None for a stretch where the story does not say."""
        where = self.known.get(self.holder[thing], ("none",))
        place = where[1] if where[0] == "at" else None
        trail = self.trail.setdefault(thing, [])
        if not trail or trail[-1] != place:
            trail.append(place)

    def _is_in(self, person, place):
        self._arrive(person, place)

    def _not(self, person, place):
        self._hide(person, ("not", place))

    def _either(self, person, first, second):
        self._hide(person, ("either", first, second))

    def _hide(self, person, known):
        self.known[person] = known
        for thing, holder in self.holder.items():
            if holder == person:
                self._travel(thing)

    def _pick(self, person, thing):
        self.holder[thing] = person
        self.lying.pop(thing, None)
        self._travel(thing)
        mood = self.mood.get(person)
        self.motives.setdefault((person, "get", thing), set()).add(
            mood if MOOD_OBJECT.get(mood) == thing else None
        )

    def _drop(self, person, thing):
        assert self.holder.pop(thing) == person, f"{person} drops the {thing} not holding it"
        if person in self.known:
            self.lying[thing] = self.known[person]

    def _give(self, giver, thing, receiver):
        assert self.holder.get(thing) == giver, f"{giver} gives the {thing} not holding it"
        self.holder[thing] = receiver
        self.gifts.add((giver, thing, receiver))
        self._travel(thing)

    def _mood(self, person, mood):
        self.mood[person] = mood

    def _kind(self, name, kind):
        self.kind.pop(name, None)  # kept in the order they were last told
        self.kind[name] = kind

    def _colour(self, name, colour):
        self.colour.append((name, colour))

    def _fear(self, kinds, feared):
        self.fear[PLURAL[kinds.lower()]] = PLURAL[feared]

    def _link(self, place, direction, anchor):
        self.links.append((place, direction, anchor))
        self.links.append((anchor, OPPOSITE[direction], place))

    def _shape(self, subject, relation, object_):
        self.shapes.append((subject, STEP[relation], object_))

    def _fits(self, small, big):
        self.sizes.add((small, big))

    def _bigger(self, big, small):
        self.sizes.add((small, big))

    # ---- questions ----------------------------------------------------------------------------

    def answer(self, text: str) -> str:
        """yes, no or maybe; Unanswerable where the story leaves it open."""
        for kind, pattern in QUESTIONS.items():
            if match := pattern.fullmatch(text):
                return getattr(self, "_ask_" + kind.replace(" ", "_"))(*match.groups())
        raise AssertionError(f"not a question of any task: {text!r}")

    @staticmethod
    def _in(known, place: str, negated) -> str:
        if known is None:
            raise Unanswerable("nothing is known of where it is")
        if known[0] == "at":
            answer = "yes" if known[1] == place else "no"
        elif known[0] == "either":
            answer = "maybe" if place in known[1:] else "no"
        elif known[1] == place:
            answer = "no"
        else:
            raise Unanswerable(f"only that it is not in the {known[1]}")
        return {"yes": "no", "no": "yes"}.get(answer, answer) if negated else answer

    def _ask_person_in(self, person, negated, place):
        return self._in(self.known.get(person), place, negated)

    def _ask_object_in(self, thing, negated, place):
        known = self.known.get(self.holder[thing]) if thing in self.holder else None
        return self._in(known or self.lying.get(thing), place, negated)

    def _ask_object_before(self, thing, place, goal):
        """Yes when the object was in `place` before its last arrival in `goal`."""
        trail = self.trail.get(thing) or []
        if goal not in trail:
            raise Unanswerable(f"the {thing} is not known to have been in the {goal}")
        before = trail[: len(trail) - 1 - trail[::-1].index(goal)]
        if place in before:
            return "yes"
        if None in before:
            raise Unanswerable(f"the {thing}'s way to the {goal} is not all told")
        return "no"

    def _ask_person_before(self, person, place, goal):
        times = self.timeline.get(person, {})
        visits = [time for time, where in times.items() if where == goal]
        if not visits or any(time not in times for time in range(max(visits))):
            raise Unanswerable(f"{person}'s day before the {goal} is not all told")
        return "yes" if place in [times[time] for time in range(max(visits))] else "no"

    def _ask_gave_to(self, giver, thing, receiver):
        return _yes((giver, thing, receiver) in self.gifts)

    def _ask_gave(self, giver, thing):
        return _yes(any(gift[:2] == (giver, thing) for gift in self.gifts))

    def _ask_received(self, receiver, thing):
        return _yes(any(gift[1:] == (thing, receiver) for gift in self.gifts))

    def _carried(self, person):
        return [thing for thing, holder in self.holder.items() if holder == person]

    def _ask_count(self, person, count):
        return _yes(len(self._carried(person)) == COUNTS[count])

    def _ask_anything(self, person):
        return _yes(bool(self._carried(person)))

    def _ask_carrying(self, person, thing):
        return _yes(thing in self._carried(person))

    def _ask_will(self, person, place):
        if person not in self.mood:
            raise Unanswerable(f"{person} has no mood")
        return _yes(MOOD_PLACE[self.mood[person]] == place)

    def _ask_why(self, person, verb, what, mood):
        """Yes when a mood that sends one there was the reason every time; asked only where
        it was always one mood (else the question has no one answer)."""
        moods = self.motives.get((person, verb, what), set())
        if len(moods) != 1 or None in moods:
            raise Unanswerable(f"{person} did not {verb} the {what} for one mood's sake")
        return _yes(mood in moods)

    def _ask_afraid(self, name, feared):
        kind = self.kind.get(name)
        if kind not in self.fear:
            raise Unanswerable(f"what {name} fears is not told")
        return _yes(self.fear[kind] == PLURAL[feared])

    def _ask_colour(self, name, colour):
        """X's stated colour, or else that of the member of X's kind told most recently to be
        one (bAbI's rule: its supporting sentences are that member's kind and colour)."""
        said = dict(self.colour)  # name -> its latest stated colour
        if name not in said:
            kin = [who for who in self.kind if who in said and self.kind[who] == self.kind[name]]
            if not kin:
                raise Unanswerable(f"no {self.kind.get(name)} has a colour")
            name = kin[-1]
        return _yes(said[name] == colour)

    def _positions(self, edges):
        """Places on a grid from (subject, (dx, dy), object) edges, relaxed until settled."""
        position = {edges[0][2]: (0, 0)}
        for _ in edges:
            for subject, (dx, dy), object_ in edges:
                if object_ in position:
                    position.setdefault(
                        subject, (position[object_][0] + dx, position[object_][1] + dy)
                    )
                elif subject in position:
                    position[object_] = (position[subject][0] - dx, position[subject][1] - dy)
        return position

    def _ask_direction(self, place, direction, anchor):
        """Yes when a chain of links in `direction` leads from `anchor` to `place`; a no must
        be plainly no: `place` is not that way at all."""
        reached, frontier = set(), [anchor]
        while frontier:
            here = frontier.pop()
            for there, way, origin in self.links:
                if origin == here and way == direction and there not in reached:
                    reached.add(there)
                    frontier.append(there)
        if place in reached:
            return "yes"
        position = self._positions([(a, DIRECTIONS[d], b) for a, d, b in self.links])
        dx = position[place][0] - position[anchor][0]
        dy = position[place][1] - position[anchor][1]
        if dx * DIRECTIONS[direction][0] + dy * DIRECTIONS[direction][1] > 0:
            raise Unanswerable(f"the {place} is partly {direction} of the {anchor}")
        return "no"

    def _ask_path(self, start, end, first, second):
        here = start
        for way in (first, second):
            steps = [there for there, link, origin in self.links if origin == here and link == way]
            if not steps:
                return "no"
            here = steps[0]
        return _yes(here == end)

    def _ask_shape(self, first, relation, second):
        position = self._positions(self.shapes)
        dx = position[first][0] - position[second][0]
        dy = position[first][1] - position[second][1]
        return _yes(dx * STEP[relation][0] + dy * STEP[relation][1] > 0)

    def _inside(self):
        inside = set(self.sizes)
        while more := {(a, d) for a, b in inside for c, d in inside if b == c} - inside:
            inside |= more
        assert all(a != b for a, b in inside), "sizes contradict each other"
        return inside

    def _ask_fits(self, small, big):
        inside = self._inside()
        if (small, big) not in inside and (big, small) not in inside:
            raise Unanswerable(f"the {small} and the {big} are not compared")
        return _yes((small, big) in inside)

    def _ask_bigger(self, big, small):
        return self._ask_fits(small, big)


def _yes(truth: bool) -> str:
    return "yes" if truth else "no"


def replay(story) -> list[tuple]:
    """Read a `babi.Story` line by line: (question line, the reader's answer) per question."""
    reader, answers = Reader(), []
    for line in story.lines:
        if hasattr(line, "answer"):
            answers.append((line, reader.answer(line.text)))
        else:
            reader.read(line.text)
    return answers


# ---- bAbI's own questions, asked in their yes form --------------------------------------------

SINGULAR_TO_PLURAL = {"cat": "cats", "mouse": "mice", "sheep": "sheep", "wolf": "wolves"}
COUNT_WORDS = {"none": "no objects", "one": "one object", "two": "two objects"}
COUNT_WORDS["three"] = "three objects"
STEP_WORDS = {"n": "north", "s": "south", "e": "east", "w": "west"}
BABI_FORMS = [
    (r"Where is the (\w+)\?", lambda m, a: [f"Is the {m[1]} in the {a}?"]),
    (r"Where is (\w+)\?", lambda m, a: [f"Is {m[1]} in the {a}?"]),
    (
        r"Where was the (\w+) before the (\w+)\?",
        lambda m, a: [f"Was the {m[1]} in the {a} before the {m[2]}?"],
    ),
    (
        r"Where was (\w+) before the (\w+)\?",
        lambda m, a: [f"Was {m[1]} in the {a} before the {m[2]}?"],
    ),
    (r"What is (\w+) of the (\w+)\?", lambda m, a: [f"Is the {a} {m[1]} of the {m[2]}?"]),
    (r"What is the (\w+) (\w+) of\?", lambda m, a: [f"Is the {m[1]} {m[2]} of the {a}?"]),
    (r"What did (\w+) give to (\w+)\?", lambda m, a: [f"Did {m[1]} give the {a} to {m[2]}?"]),
    (r"Who did (\w+) give the (\w+) to\?", lambda m, a: [f"Did {m[1]} give the {m[2]} to {a}?"]),
    (r"Who gave the (\w+) to (\w+)\?", lambda m, a: [f"Did {a} give the {m[1]} to {m[2]}?"]),
    (r"Who gave the (\w+)\?", lambda m, a: [f"Did {a} give the {m[1]}?"]),
    (r"Who received the (\w+)\?", lambda m, a: [f"Did {a} receive the {m[1]}?"]),
    (
        r"How many objects is (\w+) carrying\?",
        lambda m, a: [f"Is {m[1]} carrying {COUNT_WORDS[a]}?"],
    ),
    (
        r"What is (\w+) carrying\?",
        lambda m, a: (
            [f"Is {m[1]} carrying the {o}?" for o in a.split(",") if a != "nothing"]
            or [(f"Is {m[1]} carrying anything?", "no")]
        ),
    ),
    (
        r"What is (\w+) afraid of\?",
        lambda m, a: [f"Is {m[1].capitalize()} afraid of {SINGULAR_TO_PLURAL[a]}?"],
    ),
    (r"What color is (\w+)\?", lambda m, a: [f"Is {m[1]} {a}?"]),
    (
        r"How do you go from the (\w+) to the (\w+)\?",
        lambda m, a: [
            f"Can you get from the {m[1]} to the {m[2]} by going "
            + " and then ".join(STEP_WORDS[step] for step in a.split(","))
            + "?"
        ],
    ),
    (r"Where will (\w+) go\?", lambda m, a: [f"Will {m[1].capitalize()} go to the {a}?"]),
    (
        r"Why did (\w+) (go to|get) the (\w+)\?",
        lambda m, a: [f"Did {m[1].capitalize()} {m[2]} the {m[3]} because he was {a}?"],
    ),
    (r"(Is|Does) .*\?", lambda m, a: [(m[0], a)]),  # tasks 6, 9, 10, 17, 18: already yes/no
]


def yes_forms(question: str, answer: str) -> list[tuple[str, str]]:
    """bAbI's question and answer as yes/no questions with their answers (mostly "yes")."""
    for pattern, forms in BABI_FORMS:
        if match := re.fullmatch(pattern, question):
            return [
                form if isinstance(form, tuple) else (form, "yes") for form in forms(match, answer)
            ]
    raise AssertionError(f"not a bAbI question: {question!r}")


def replay_babi(story) -> list[tuple[str, str, str]]:
    """Read a real bAbI story: (yes/no question, bAbI's answer, the reader's) per question."""
    reader, answers = Reader(), []
    for line in story.lines:
        if hasattr(line, "answer"):
            for text, expected in yes_forms(line.text, line.answer):
                answers.append((text, expected, reader.answer(text)))
        else:
            reader.read(line.text)
    return answers
