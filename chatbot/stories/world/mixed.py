"""Mixed stories: every kind of sentence in one story, any person with any place and object.

A mixed story is 1 to `LONGEST` sentences long. Its people live in one `PeopleWorld` where
any of them may move alone or in twos, be told by a pronoun, be placed, negated or "either"
placed, pick up, drop and give any object and feel moods that send them places. Between their
sentences stand, now and then, whole small stories of the other kinds (times of day, fears,
colours, directions, paths, positions, sizes), each with a cast of its own so the facts never
tangle, their questions asked at any later point where the answer cannot have changed.
Questions about the people's world ask about anyone or anything at any distance back.
"""

import random

from chatbot.stories import babi
from chatbot.stories.world import questions
from chatbot.stories.world.lines import Lines, weighted, yes_or_no
from chatbot.stories.world.people import PeopleWorld
from chatbot.stories.world.tasks_logic import (
    colour_story,
    direction_story,
    fear_story,
    path_story,
    positional_story,
    size_story,
)
from chatbot.stories.world.tasks_places import time_story
from chatbot.stories.world.words import (
    DROPS,
    GIVES,
    MOOD_OBJECT,
    MOOD_PLACE,
    MOODS,
    MOVES,
    PICKS,
    THEN,
    Words,
    pools,
)

LONGEST = 250  # sentences
# sentences in a story: shares of ranges, and some of the longest, so every run has them
LENGTHS = {(1, 10): 0.25, (11, 50): 0.35, (51, 150): 0.25, (151, LONGEST): 0.12}
LENGTHS[(LONGEST, LONGEST)] = 0.03
QUESTION_RATE = 0.3  # questions per sentence of the people's world
NEGATED_SHARE = 0.15  # of the questions about places asked as "Is Mary not in the office?"
OPTIONAL_KINDS = ("is in", "negation", "either", "objects", "give", "pronoun", "pair", "mood")
KIND_SHARE = 0.6  # how often a story has each optional kind of sentence
EVENT_WEIGHTS = {
    "move": 30, "is in": 8, "negation": 6, "either": 6, "pick": 12, "drop": 8, "give": 6,
    "pronoun": 8, "pair": 8, "mood": 4, "motivated": 6,
}  # fmt: skip
THREAD_SHARE = 0.3  # how often a long enough story holds each kind of small story
# Small stories that may stand inside a mixed one; their answers never change after they are
# told, except task 14's (a later time can change someone's last visit), asked at once.
THREADS = ("time", "fear", "colour", "direction", "path", "position", "size")


def _length(rng: random.Random) -> int:
    low, high = weighted(rng, {f"{a},{b}": share for (a, b), share in LENGTHS.items()}).split(",")
    return rng.randint(int(low), int(high))


def _threads(rng: random.Random, length: int, names: list[str], places) -> dict[str, list]:
    """The small stories this mixed story holds, each told with names taken from `names`."""
    chosen = [thread for thread in THREADS if rng.random() < THREAD_SHARE]
    if "path" in chosen and len(places) < 6:
        chosen.remove("path")  # six places on the map
    if "direction" in chosen and "path" in chosen:
        chosen.remove(rng.choice(("direction", "path")))  # one map of the places per story
    threads, room = {}, length // 2
    for thread in chosen:
        if thread == "time":
            cast = tuple(names.pop() for _ in range(rng.randint(1, 3)))
            lines = time_story(rng, Words(cast, tuple(places), (), MOVES))
        elif thread in ("fear", "colour"):
            count = 4 if thread == "fear" else 5
            lines = (fear_story if thread == "fear" else colour_story)(
                rng, [names.pop() for _ in range(count)]
            )
        elif thread in ("direction", "path"):
            lines = (direction_story if thread == "direction" else path_story)(rng, places)
        else:
            lines = (positional_story if thread == "position" else size_story)(rng)
        sentences = sum(isinstance(line, babi.Sentence) for line in lines)
        if sentences <= room:
            threads[thread], room = lines, room - sentences
    return threads


def _cast(rng: random.Random, split: str, length: int):
    """The words of the people's world and the names left for the small stories."""
    names, places, objects = pools(split)
    names = rng.sample(names, 30)
    kinds = {kind for kind in OPTIONAL_KINDS if rng.random() < KIND_SHARE}
    people = tuple(names.pop() for _ in range(rng.randint(3, max(3, min(12, 3 + length // 12)))))
    places = rng.sample(places, rng.randint(4, 10))
    stuff = rng.sample(objects, rng.randint(2, 6))
    if "mood" in kinds:
        places += MOOD_PLACE.values()
        stuff += MOOD_OBJECT.values()
    places, stuff = tuple(dict.fromkeys(places)), tuple(dict.fromkeys(stuff))
    return Words(people, places, stuff, MOVES), names, kinds


def mixed_story(rng: random.Random, split: str) -> list:
    """One mixed story: its lines, at least one question."""
    length = _length(rng)
    words, names, kinds = _cast(rng, split, length)
    story = Lines()
    world = PeopleWorld(rng, words, story)
    threads = _threads(rng, length, names, words.places)
    sources = [thread for thread, lines in threads.items() for line in lines if _is_sentence(line)]
    sources += ["people"] * (length - len(sources))
    rng.shuffle(sources)
    if "people" in sources:  # the people's world opens with a move, so it can be asked about
        sources.remove("people")
        sources.insert(0, "people")
    later = _schedule(rng, threads, sources)
    told = {thread: iter(filter(_is_sentence, lines)) for thread, lines in threads.items()}
    id_map: dict[tuple[str, int], int] = {}
    for index, source in enumerate(sources):
        if source == "people":
            _tell(world, kinds, first=index == 0)
            if rng.random() < QUESTION_RATE:
                ask(world)
        else:
            line = next(told[source])
            id_map[(source, line.id)] = story.say(line.text)
            world.subject, world.named = (), 0  # a pronoun never reaches past this sentence
        for thread, question in later.get(index, ()):
            supporting = tuple(id_map[(thread, line_id)] for line_id in question.supporting)
            story.ask(question.text, question.answer, supporting)
    if isinstance(story.lines[-1], babi.Sentence):
        ask(world)  # the story ends with a question where it can
    return story.lines


def _is_sentence(line) -> bool:
    return isinstance(line, babi.Sentence)


def _schedule(rng: random.Random, threads, sources) -> dict[int, list]:
    """Where each small story's questions go: after the sentence at that index of the story,
    at once for task 14, else at any later point."""
    at = {}
    for thread, lines in threads.items():
        indices = [index for index, source in enumerate(sources) if source == thread]
        told = 0
        for line in lines:
            if _is_sentence(line):
                told += 1
                continue
            first = indices[told - 1]
            index = first if thread == "time" else rng.randint(first, len(sources) - 1)
            at.setdefault(index, []).append((thread, line))
    return at


def _tell(world: PeopleWorld, kinds: set[str], first: bool = False) -> None:
    """One sentence of the people's world, of a kind the story has."""
    rng, words = world.rng, world.words
    weights = {
        kind: weight
        for kind, weight in EVENT_WEIGHTS.items()
        if kind == "move"
        or kind in kinds
        or (kind in ("pick", "drop") and "objects" in kinds)
        or (kind == "motivated" and "mood" in kinds)
    }
    kind = "move" if first else weighted(rng, weights)
    if "pronoun" in kinds and world.named and len(world.subject) == 2 and rng.random() < 0.5:
        kind = "pronoun"  # "Then they ...", after "Mary and John ..." as in bAbI's task 13
    person = rng.choice(words.people)
    verb = f"{rng.choice(MOVES)} the"
    if kind == "pronoun" and world.named and 0 < len(world.subject) <= 2:
        place = rng.choice(words.places)
        world.go(world.subject, verb, place, rng.choice(THEN))
    elif kind == "pair":
        world.go(tuple(rng.sample(words.people, 2)), verb, rng.choice(words.places))
    elif kind == "is in":
        world.move(person, "is in the")
    elif kind == "negation":
        world.negate(person, rng.choice(("is no longer in", "is not in")))
    elif kind == "either":
        world.either(person)
    elif kind in ("pick", "drop", "give") and _handle(world, kind, person):
        return
    elif kind == "mood":
        world.feel(person, rng.choice(MOODS))
    elif kind == "motivated" and world.pending:
        person = rng.choice(sorted(world.pending))
        world.go((person,), verb, MOOD_PLACE[world.mood[person][0]])
    else:
        world.move(person, verb)


def _handle(world: PeopleWorld, kind: str, person: str) -> bool:
    """Pick up something lying where `person` is, drop or give something; False if nothing."""
    rng, words = world.rng, world.words
    if kind == "pick":
        here = world.pickable(person)
        if not here:
            return False
        world.pick(person, rng.choice(here), rng.choice(PICKS), rng.choice((" there", "")))
        return True
    if not world.holder:
        return False
    thing = rng.choice(sorted(world.holder))
    if kind == "drop":
        world.drop(thing, rng.choice(DROPS), rng.choice((" there", "")))
    else:
        receiver = rng.choice([p for p in words.people if p != world.holder[thing]])
        world.give(thing, receiver, rng.choice(GIVES))
    return True


def ask(world: PeopleWorld) -> bool:
    """A question about anyone or anything of the people's world, at any distance back."""
    rng, words = world.rng, world.words
    want = yes_or_no(rng)
    negated = rng.random() < NEGATED_SHARE
    options = {
        "person": lambda: questions.person_in(world, rng.choice(sorted(world.told)), want, negated),
        "object": lambda: questions.object_in(world, rng.choice(words.objects), want, negated),
        "before": lambda: questions.object_before(world, rng.choice(words.objects), want),
        "gift": lambda: questions.gave(world, rng.choice(world.gifts), want),
        "count": lambda: questions.counting(world, rng.choice(sorted(world.changes)), want),
        "carry": lambda: questions.carrying(world, rng.choice(sorted(world.changes)), want),
        "will": lambda: questions.will_go(world, rng.choice(sorted(world.pending)), want),
        "why": lambda: questions.why(world, rng.choice(sorted(world.mood)), want),
    }
    available = {
        "person": world.told,
        "object": words.objects,
        "before": words.objects,
        "gift": world.gifts,
        "count": world.changes,
        "carry": world.changes,
        "will": world.pending,
        "why": world.mood,
    }
    kinds = [kind for kind in options if available[kind]]
    rng.shuffle(kinds)
    return any(options[kind]() for kind in kinds[:3])
