"""Story writers of the tasks about objects and moods: 2, 3, 5, 7, 8 and 20.

- qa2: people move and pick up and drop objects; "Is the football in the garden?" (a carried
  object is where its carrier is).
- qa3: the same, longer; "Was the football in the office before the bathroom?".
- qa5: objects are also given, handed and passed; "Did Bill give the milk to Fred?", "Did
  Bill give the milk?", "Did Fred receive the milk?".
- qa7: "Is Mary carrying two objects?".
- qa8: "Is Mary carrying the milk?", "Is Mary carrying anything?".
- qa20: "Sumit is tired." "Will Sumit go to the bedroom?" "Sumit went back to the bedroom."
  "Did Sumit go to the bedroom because he was tired?" "Sumit grabbed the pajamas there." "Did
  Sumit get the pajamas because he was tired?".
"""

import random
from dataclasses import dataclass

from chatbot.stories.world import questions
from chatbot.stories.world.lines import other, weighted, yes_or_no
from chatbot.stories.world.people import PeopleWorld
from chatbot.stories.world.tasks_places import QUESTIONS_PER_STORY, words_for
from chatbot.stories.world.words import (
    BABI_OBJECTS,
    BABI_PEOPLE,
    BABI_PEOPLE_5,
    BABI_PEOPLE_20,
    BABI_PLACES,
    DROPS,
    GIVES,
    MOOD_OBJECT,
    MOOD_PLACE,
    MOODS,
    MOVES,
    PICKS,
    Words,
)

RECENT = 4  # sentences: bAbI asks about what the last few sentences touched
LONGEST = 250  # sentences; a story still without all its questions stops there
TRIES = 5  # draws of an event's kind before settling for a move
# Drops and gifts need someone holding something, so they are drawn more often than bAbI's
# shares to end up near them.
CATCH_UP = {"drop": 1.8, "give": 1.6}


@dataclass(frozen=True)
class ObjectTask:
    """How one task's stories are told: sentence shares measured on the real files."""

    weights: dict[str, float]  # move, pick, drop, give
    pick_there: float  # "Mary got the milk there." rather than "Mary got the milk."
    drop_there: float  # "Mary dropped the milk there." rather than "Mary dropped the milk."
    people: tuple[str, ...] = BABI_PEOPLE


OBJECT_TASKS = {
    2: ObjectTask({"move": 31384, "pick": 9569, "drop": 7377}, 1.0, 0.2),
    3: ObjectTask({"move": 9433, "pick": 2780, "drop": 2583}, 0.19, 0.22),
    5: ObjectTask(
        {"move": 33237, "pick": 10083, "drop": 6941, "give": 9309}, 1.0, 0.2, BABI_PEOPLE_5
    ),
    7: ObjectTask({"move": 17112, "pick": 5222, "drop": 2660, "give": 3688}, 1.0, 0.2),
    8: ObjectTask({"move": 19440, "pick": 6181, "drop": 3697}, 1.0, 0.2),
}


def tell(world: PeopleWorld, spec: ObjectTask) -> None:
    """One event: a move, or an object picked up (where it lies), dropped or given. A kind that
    cannot happen now (nothing to drop) is drawn again, so the shares stay bAbI's."""
    rng, words = world.rng, world.words
    for _ in range(TRIES):
        kind = weighted(rng, {k: w * CATCH_UP.get(k, 1) for k, w in spec.weights.items()})
        if kind in ("drop", "give") and not world.holder:
            kind = "pick"  # nothing to put down or give yet: something is picked up first
        person = rng.choice(words.people)
        # someone where an object lies, somewhere the story has said ("there")
        pickers = [p for p in words.people if p in world.told and world.pickable(p)]
        if kind == "pick" and pickers:
            person = rng.choice(pickers)
            there = " there" if rng.random() < spec.pick_there else ""
            world.pick(person, rng.choice(world.pickable(person)), rng.choice(PICKS), there)
            return
        if kind in ("drop", "give") and world.holder:
            thing = rng.choice(sorted(world.holder))
            if kind == "drop":
                there = " there" if rng.random() < spec.drop_there else ""
                world.drop(thing, rng.choice(DROPS), there)
            else:
                receiver = other(rng, words.people, world.holder[thing])
                world.give(thing, receiver, rng.choice(GIVES))
            return
        if kind == "move":
            break
    world.move(person, f"{rng.choice(words.moves)} the")


def _recent(world: PeopleWorld, ids) -> bool:
    return bool(ids) and max(ids) in world.story.sentence_ids[-RECENT:]


def ask(world: PeopleWorld, task: int) -> bool:
    """One question of the task about something the last few sentences touched."""
    rng, want = world.rng, yes_or_no(world.rng)
    if task in (2, 3):
        things = [
            thing
            for thing in world.words.objects
            if (known := world.known_object(thing)) and _recent(world, known.support)
        ]
        rng.shuffle(things)
        if task == 2:  # as bAbI: about an object carried somewhere since it was picked up,
            # or put down (its two supporting facts: the carrier's move and the pick or drop)
            things = [
                thing
                for thing in things
                if thing not in world.holder
                or world.known_object(thing).support[1] > world.objects[thing].event
            ]
            return any(questions.object_in(world, thing, want) for thing in things[:1])
        # bAbI asks once the object has come a long way (its stories run to 74 sentences)
        return any(questions.object_before(world, thing, want, places=6) for thing in things)
    if task == 5:
        gifts = [gift for gift in world.gifts if _recent(world, (gift[3],))]
        return bool(gifts) and questions.gave(world, rng.choice(gifts), want)
    people = [person for person in world.changes if _recent(world, world.changes[person])]
    if not people:
        return False
    person = rng.choice(sorted(people))
    if task == 7:
        return questions.counting(world, person, want)
    return questions.carrying(world, person, want)


def object_story(rng: random.Random, task: int, split: str) -> list:
    """A story of task 2, 3, 5, 7 or 8: two events, then a question when one can be asked about
    what they touched, else two more events."""
    spec = OBJECT_TASKS[task]
    world = PeopleWorld(rng, words_for(rng, split, spec.people, BABI_PLACES, BABI_OBJECTS))
    while world.story.questions < QUESTIONS_PER_STORY and world.story.sentences < LONGEST:
        tell(world, spec)
        tell(world, spec)
        while not ask(world, task) and world.story.sentences < LONGEST:
            tell(world, spec)
            tell(world, spec)
    return world.story.lines


def motivation_story(rng: random.Random, split: str) -> list:
    """A story of task 20: each person feels a mood, goes where it sends them and (mostly)
    gets what it wants, their steps interleaved; a question follows every sentence."""
    names = words_for(rng, split, BABI_PEOPLE_20, ()).people
    places = tuple(sorted(set(MOOD_PLACE.values())))
    world = PeopleWorld(rng, Words(names, places, tuple(sorted(MOOD_OBJECT.values())), MOVES))
    steps = {person: ["feel", "go", "get"][: 3 if rng.random() < 0.7 else 2] for person in names}
    while any(steps.values()):
        person = rng.choice([p for p in names if steps[p]])
        step, want = steps[person].pop(0), yes_or_no(rng)
        if step == "feel":
            world.feel(person, rng.choice(MOODS))
            questions.will_go(world, person, want)
            continue
        mood = world.mood[person][0]
        if step == "go":
            world.go((person,), f"{rng.choice(MOVES)} the", MOOD_PLACE[mood])
            key = (person, "go to", MOOD_PLACE[mood])
        elif MOOD_OBJECT[mood] in world.holder:
            continue  # someone else has it
        else:
            world.pick(person, MOOD_OBJECT[mood], rng.choice(PICKS))
            key = (person, "get", MOOD_OBJECT[mood])
        questions.why(world, person, want, key)
    return world.story.lines
