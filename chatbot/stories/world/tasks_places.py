"""Story writers of the tasks about where people are: 1, 6, 9, 10, 11, 12, 13 and 14.

Each tells its task's stories as bAbI tells them (templates, word lists, story shapes and
question placement measured on the real v1.2 files), asked as yes/no questions:

- qa1: people move; "Is Mary in the office?" after every two sentences.
- qa6: moves, and objects picked up and dropped (distractors).
- qa9: moves, "Mary is in the office.", "Mary is no longer in the office." and "Mary is not in
  the office." (after a negation, only its place is asked about: no).
- qa10: moves, "Mary is in the office." and "Mary is either in the office or the park."
  (asked about one of the two: maybe; about another place: no).
- qa11: a move, then the same person again: "After that she went to the bedroom.".
- qa12: "Mary and Daniel travelled to the bathroom.".
- qa13: "Mary and Daniel went to the bathroom." then "Then they journeyed to the hallway.".
- qa14: moves at times of day, told out of order ("Yesterday Julie went to the office.",
  "Julie went to the school this morning."); "Was Julie in the office before the school?".
"""

import random

from chatbot.stories.world import questions
from chatbot.stories.world.lines import Lines, other, weighted, wrong, yes_or_no
from chatbot.stories.world.people import PeopleWorld
from chatbot.stories.world.words import (
    BABI_OBJECTS,
    BABI_PEOPLE,
    BABI_PEOPLE_10,
    BABI_PLACES,
    BABI_PLACES_10,
    DROPS,
    MOVES,
    PICKS,
    THEN,
    Words,
    pools,
)

# Wider word lists for a share of the stories of tasks 6, 9 and 10 (as before issue 11).
ALL_PEOPLE = tuple(sorted({*BABI_PEOPLE, *BABI_PEOPLE_10, "Emily", "Greg", "Jeff", "Lily"}))
ALL_PLACES = tuple(sorted({*BABI_PLACES, *BABI_PLACES_10, "attic", "cellar", "library"}))
ALL_OBJECTS = (*BABI_OBJECTS, "ball", "book", "cup")
ALL_MOVES = (*MOVES, "walked to", "ran to")
VARIETY_SHARE = 0.3  # of the stories told with wider word lists than bAbI's

QUESTIONS_PER_STORY = 5
RECENT_SENTENCES = 5  # bAbI asks about someone whose latest place-fact is this recent
RECENCY = 0.85  # and the more recently told of two such people a little more often
# Shares measured on en-10k (counts of sentences in the real files).
EVENT_WEIGHTS_6 = {"move": 68, "pick": 12, "drop": 20}
DROP_THERE = 0.2  # "Mary dropped the milk there." rather than "Mary dropped the milk."
EVENT_WEIGHTS_9 = {"move": 50, "is in": 25, "is no longer in": 12.5, "is not in": 12.5}
EVENT_WEIGHTS_10 = {"move": 50, "is in": 25, "either": 25}
MAYBE_SHARE = 0.58  # of the questions asked after "is either in"
TIMES = ("yesterday", "this morning", "this afternoon", "this evening")  # the story's clock
TIME_FIRST = 0.5  # "Yesterday Julie went to the office." rather than "... office yesterday."
OUT_OF_ORDER = 0.3  # qa14: how often a person's later time is told before an earlier one
TIMES_TOLD = (0.1, 0.22, 0.28, 0.4)  # qa14: how often a person's day is told up to each time


def legacy_words(rng: random.Random, task: int) -> Words:
    """bAbI's words for task 6, 9 or 10, or, in a share of the stories, wider lists."""
    if rng.random() < VARIETY_SHARE:
        return Words(
            people=tuple(rng.sample(ALL_PEOPLE, 4)),
            places=tuple(rng.sample(ALL_PLACES, 6)),
            objects=tuple(rng.sample(ALL_OBJECTS, 3)),
            moves=ALL_MOVES,
        )
    if task == 10:
        return Words(BABI_PEOPLE_10, BABI_PLACES_10, (), MOVES)
    return Words(BABI_PEOPLE, BABI_PLACES, BABI_OBJECTS if task == 6 else (), MOVES)


def words_for(rng: random.Random, split: str, people, places, objects=()) -> Words:
    """bAbI's words, or, in a share of the stories, as many drawn from the long lists."""
    if rng.random() >= VARIETY_SHARE:
        return Words(tuple(people), tuple(places), tuple(objects), MOVES)
    names, all_places, all_objects = pools(split)
    return Words(
        people=tuple(rng.sample(names, len(people))),
        places=tuple(rng.sample(all_places, len(places))),
        objects=tuple(rng.sample(all_objects, len(objects))),
        moves=MOVES,
    )


def tell_legacy(world: PeopleWorld, task: int) -> None:
    """Tell one event of the kind task 6's, 9's or 10's stories are made of."""
    rng, people = world.rng, world.words.people
    if task == 6:
        kind = weighted(rng, EVENT_WEIGHTS_6)
        if kind == "drop" and not world.holder:
            kind = "pick"  # nothing to drop; with these weights the shares match bAbI's
        free = [thing for thing in world.words.objects if thing not in world.holder]
        if kind == "pick" and free:
            person, thing = rng.choice(people), rng.choice(free)
            world.pick(person, thing, rng.choice(PICKS))
        elif kind == "drop" and world.holder:
            thing = rng.choice(list(world.holder))
            there = " there" if rng.random() < DROP_THERE else ""  # drawn first, as always
            world.drop(thing, rng.choice(DROPS), there)
        else:
            world.move(rng.choice(people), f"{rng.choice(world.words.moves)} the")
        return
    kind = weighted(rng, EVENT_WEIGHTS_9 if task == 9 else EVENT_WEIGHTS_10)
    person = rng.choice(people)
    if kind == "move":
        world.move(person, f"{rng.choice(world.words.moves)} the")
    elif kind == "is in":
        world.move(person, "is in the")
    elif kind == "either":
        world.either(person)
    else:
        world.negate(person, kind)


def recent_people(world: PeopleWorld) -> list[str]:
    """People the last few sentences placed, the most recently told first."""
    recent = set(world.story.sentence_ids[-RECENT_SENTENCES:])
    people = [person for person, known in world.told.items() if known.support[-1] in recent]
    people.sort(key=lambda person: -world.told[person].support[-1])
    return people


def ask_legacy(world: PeopleWorld) -> bool:
    """Ask about someone the last few sentences placed; False when there is nobody."""
    rng, places = world.rng, world.words.places
    people = recent_people(world)
    if not people:
        return False
    person = rng.choices(people, weights=[RECENCY**rank for rank in range(len(people))])[0]
    known = world.told[person]
    if known.kind == "at" and rng.random() < 0.5:
        place, answer = known.places[0], "yes"
    elif known.kind == "either" and rng.random() < MAYBE_SHARE:
        place, answer = rng.choice(known.places), "maybe"
    elif known.kind == "not":
        place, answer = known.places[0], "no"
    else:
        place, answer = wrong(rng, world.story, places, *known.places), "no"
    world.story.ask(f"Is {person} in the {place}?", answer, known.support)
    return True


def ask_recent(world: PeopleWorld) -> bool:
    """ "Is Mary in the office?" about someone the last few sentences placed."""
    people = recent_people(world)
    if not people:
        return False
    person = world.rng.choices(people, weights=[RECENCY**rank for rank in range(len(people))])[0]
    return questions.person_in(world, person, yes_or_no(world.rng))


def legacy_story(rng: random.Random, task: int) -> list:
    """A story of task 6, 9 or 10: events two at a time, each pair followed by a question.

    As in bAbI, two more events come before a question while nobody's place was told in the
    last few sentences.
    """
    world = PeopleWorld(rng, legacy_words(rng, task))
    while world.story.questions < QUESTIONS_PER_STORY:
        tell_legacy(world, task)
        tell_legacy(world, task)
        while not ask_legacy(world):
            tell_legacy(world, task)
            tell_legacy(world, task)
    return world.story.lines


def _tell_pair(world: PeopleWorld, task: int) -> None:
    """Two sentences of task 1, 11, 12 or 13."""
    rng, words = world.rng, world.words
    verbs = [f"{rng.choice(words.moves)} the" for _ in range(2)]
    if task in (12, 13):
        people = tuple(rng.sample(words.people, 2))
    else:
        people = (rng.choice(words.people),)
    first = other(rng, words.places, world.where[people[0]])
    world.go(people, verbs[0], first)
    if task in (11, 13):  # the same people again, told by a pronoun
        world.go(people, verbs[1], other(rng, words.places, first), rng.choice(THEN))
        return
    people = tuple(rng.sample(words.people, len(people)))
    world.go(people, verbs[1], other(rng, words.places, world.where[people[0]]))


def movement_story(rng: random.Random, task: int, split: str) -> list:
    """A story of task 1, 11, 12 or 13: two sentences, then "Is Mary in the office?"."""
    world = PeopleWorld(rng, words_for(rng, split, BABI_PEOPLE, BABI_PLACES))
    while world.story.questions < QUESTIONS_PER_STORY:
        _tell_pair(world, task)
        ask_recent(world)
    return world.story.lines


def time_story(rng: random.Random, words: Words) -> list:
    """A story of task 14: people's places at up to four times of day (from yesterday on),
    each told once, a person's times mostly in order; after every two sentences (or more,
    until someone has two), "Was Julie in the office before the school?". Where nobody ever
    has two, the story ends without its questions."""
    story = Lines()
    plan = {}  # person -> their places, one per time
    for person in words.people:
        places = [rng.choice(words.places)]
        for _ in range(rng.choices((1, 2, 3, 4), weights=TIMES_TOLD)[0] - 1):
            places.append(other(rng, words.places, places[-1]))
        plan[person] = places
    told: dict[str, dict[int, int]] = {person: {} for person in words.people}  # time -> id
    while story.questions < QUESTIONS_PER_STORY:
        untold_people = [p for p in words.people if len(told[p]) < len(plan[p])]
        for _ in range(2):
            untold_people = [p for p in words.people if len(told[p]) < len(plan[p])]
            if not untold_people:
                break  # everything is told; the questions go on
            person = rng.choice(untold_people)
            untold = [time for time in range(len(plan[person])) if time not in told[person]]
            time = untold[1] if len(untold) > 1 and rng.random() < OUT_OF_ORDER else untold[0]
            told[person][time] = story.say(_timed(rng, words, person, plan[person][time], time))
        if not ask_before(rng, story, words.places, plan, told) and not untold_people:
            break
    return story.lines


def _timed(rng: random.Random, words: Words, person: str, place: str, time: int) -> str:
    verb = rng.choice(words.moves)
    if rng.random() < TIME_FIRST:
        return f"{TIMES[time][0].upper()}{TIMES[time][1:]} {person} {verb} the {place}."
    return f"{person} {verb} the {place} {TIMES[time]}."


def ask_before(rng: random.Random, story: Lines, places, plan, told) -> bool:
    """ "Was Julie in the P before the Q?": yes when, by the story's clock, she was in P at a
    time before her last told visit to Q. Asked where every earlier time is told."""
    choices = []
    for person, times in told.items():
        for time in times:
            earlier = range(time)
            later_visit = any(t > time and plan[person][t] == plan[person][time] for t in times)
            if time and all(t in times for t in earlier) and not later_visit:
                choices.append((person, time))
    if not choices:
        return False
    person, time = rng.choice(choices)
    goal = plan[person][time]
    before = {plan[person][t] for t in range(time)}
    options = sorted(before - {goal}) if yes_or_no(rng) == "yes" else []
    options = options or sorted(set(places) - before - {goal})
    if not options:
        return False
    place = rng.choice(options)
    answer = "yes" if place in before else "no"
    support = (told[person][time], told[person][time - 1])
    story.ask(f"Was {person} in the {place} before the {goal}?", answer, support)
    return True
