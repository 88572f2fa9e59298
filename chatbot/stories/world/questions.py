"""Questions about the world of people, in the forms of docs/QUESTION_FORMS.md (`yesno.FORMS`).

Each function asks one question about the given person or object and answers it from what the
story has said (`PeopleWorld.told`, `lying`, `objects`, `gifts`, `changes`, `motives`), with
the ids of the sentences it rests on. The answer is drawn first (`want`: yes or no) and the
question made to fit, so answers are balanced; a function returns False, asking nothing, where
the world holds no such question.
"""

from chatbot.stories.world.lines import wrong
from chatbot.stories.world.people import Known, PeopleWorld
from chatbot.stories.world.words import MOOD_PLACE, MOODS

COUNTS = ("no objects", "one object", "two objects", "three objects")
JUST_BEFORE = 0.8  # of the "yes" questions of task 3 about the place just before (bAbI's answer)
MAYBE_SHARE = 0.58  # of the questions about someone "either" in one of two places
NOT_SWAPPED = {"yes": "no", "no": "yes", "maybe": "maybe"}  # "Is X not in the P?"


def where(world: PeopleWorld, known: Known, want: str) -> tuple[str, str] | None:
    """A place to ask about and the answer, from what is known: (place, answer)."""
    rng, places = world.rng, world.words.places
    if known.kind == "at" and want == "yes":
        return known.places[0], "yes"
    if known.kind == "either" and rng.random() < MAYBE_SHARE:
        return rng.choice(known.places), "maybe"
    if known.kind == "not":
        return known.places[0], "no"
    if len(set(places) - set(known.places)) == 0:
        return None
    return wrong(rng, world.story, places, *known.places), "no"


def person_in(world: PeopleWorld, person: str, want: str, negated: bool = False) -> bool:
    """ "Is Mary in the office?", or "Is Mary not in the office?" with yes and no swapped."""
    known = world.told.get(person)
    asked = known and where(world, known, want)
    if not asked:
        return False
    return _ask_in(world, person, asked, known.support, negated)


def object_in(world: PeopleWorld, thing: str, want: str, negated: bool = False) -> bool:
    """ "Is the milk in the office?": where its carrier is, or where it was put down. Asked
    only where the story says where that is (a carrier "not in" a place or "either in" one of
    two leaves it to judgement whether the object's place is "no" or "maybe")."""
    known = world.known_object(thing)
    asked = known and known.kind == "at" and where(world, known, want)
    if not asked:
        return False
    return _ask_in(world, f"the {thing}", asked, known.support, negated)


def _ask_in(world: PeopleWorld, subject: str, asked, support, negated: bool) -> bool:
    """Ask "Is SUBJECT in the P?" (or "... not in ...", yes and no swapped) with its answer."""
    place, answer = asked
    if negated:
        world.story.ask(f"Is {subject} not in the {place}?", NOT_SWAPPED[answer], support)
    else:
        world.story.ask(f"Is {subject} in the {place}?", answer, support)
    return True


def object_before(world: PeopleWorld, thing: str, want: str, places: int = 2) -> bool:
    """ "Was the milk in the P before the Q?", Q where it is now: yes when it was in P at some
    time before it last arrived in Q. Asked once it has been in `places` places."""
    carried = world.objects.get(thing)
    known = world.known_object(thing)
    if not carried or not carried.trail or len(carried.trail) < places or not known:
        return False
    if known.kind != "at" or carried.trail[-1][0] != known.places[0]:
        return False
    now, earlier = carried.trail[-1], carried.trail[:-1]
    before = {place for place, _ in earlier}
    # bAbI's support: the pick-up or drop, the last arrival and the arrival just before it
    support = (carried.event, now[1], earlier[-1][1])
    if want == "yes":  # mostly, as bAbI asks it, the place just before; else an older one
        place = earlier[-1][0]
        older = {p: line_id for p, line_id in earlier if p not in (now[0], place)}
        if older and world.rng.random() >= JUST_BEFORE:
            place = world.rng.choice(sorted(older))
            support = (carried.event, now[1], older[place])  # its latest arrival there
    else:
        unvisited = set(world.words.places) - before - {now[0]}
        if not unvisited:
            return False
        place = wrong(world.rng, world.story, sorted(unvisited))
    answer = "yes" if place in before else "no"
    world.story.ask(f"Was the {thing} in the {place} before the {now[0]}?", answer, support)
    return True


def gave(world: PeopleWorld, gift: tuple[str, str, str, int], want: str) -> bool:
    """ "Did Bill give the milk to Fred?", "Did Bill give the milk?", "Did Fred receive the
    milk?" about one gift told (asked as it was, or with one part changed)."""
    rng = world.rng
    giver, thing, receiver, line_id = gift
    form = rng.choice(("to", "to", "gave", "received"))
    if want == "no":
        part = rng.choice(("giver", "thing", "receiver") if form == "to" else ("person", "thing"))
        if part == "thing":
            thing = wrong(rng, world.story, world.words.objects, thing)
        elif part in ("giver", "person") and form != "received":
            giver = wrong(rng, world.story, world.words.people, giver, receiver)
        else:
            receiver = wrong(rng, world.story, world.words.people, giver, receiver)
    told = {gift[:3] for gift in world.gifts}
    if form == "to":
        text, answer = f"Did {giver} give the {thing} to {receiver}?", (giver, thing, receiver)
        answer = answer in told
    elif form == "gave":
        text, answer = f"Did {giver} give the {thing}?", (giver, thing) in {g[:2] for g in told}
    else:
        text, answer = (
            f"Did {receiver} receive the {thing}?",
            (thing, receiver) in {g[1:] for g in told},
        )
    world.story.ask(text, "yes" if answer else "no", (line_id,))
    return True


def counting(world: PeopleWorld, person: str, want: str) -> bool:
    """ "Is Mary carrying two objects?": how many she carries now."""
    if person not in world.changes:
        return False
    count = min(len(world.carried_by(person)), len(COUNTS) - 1)
    # every wrong count, "three objects" too: `chatbot convert` asks them all
    wrong_counts = [n for n in range(len(COUNTS)) if n != count]
    asked = count if want == "yes" else world.rng.choice(wrong_counts)
    answer = "yes" if asked == len(world.carried_by(person)) else "no"
    world.story.ask(f"Is {person} carrying {COUNTS[asked]}?", answer, tuple(world.changes[person]))
    return True


def carrying(world: PeopleWorld, person: str, want: str) -> bool:
    """ "Is Mary carrying the milk?" or "Is Mary carrying anything?"."""
    if person not in world.changes:
        return False
    held = world.carried_by(person)
    support = tuple(world.changes[person])
    if world.rng.random() < 0.2 or not held and want == "no" and world.rng.random() < 0.5:
        world.story.ask(f"Is {person} carrying anything?", "yes" if held else "no", support)
        return True
    free = [thing for thing in world.words.objects if thing not in held]
    if want == "yes" and held:
        thing = world.rng.choice(held)
    elif free:
        thing = wrong(world.rng, world.story, free)
    else:
        return False
    answer = "yes" if thing in held else "no"
    world.story.ask(f"Is {person} carrying the {thing}?", answer, support)
    return True


def _because(world: PeopleWorld, person: str) -> str:
    if world.rng.random() < 0.2:
        return "they were"
    return "she was" if person in world.words.female else "he was"


def will_go(world: PeopleWorld, person: str, want: str) -> bool:
    """ "Will Sumit go to the kitchen?": asked while the mood has not yet sent them anywhere."""
    if person not in world.pending:
        return False
    mood, line_id = world.mood[person]
    goal = MOOD_PLACE[mood]
    place = goal if want == "yes" else wrong(world.rng, world.story, world.words.places, goal)
    answer = "yes" if place == goal else "no"
    world.story.ask(f"Will {person} go to the {place}?", answer, (line_id,))
    return True


def why(world: PeopleWorld, person: str, want: str, key=None) -> bool:
    """ "Did Sumit go to the kitchen because he was hungry?" or "Did Sumit get the apple
    because he was hungry?", about `key` (person, "go to" or "get", place or object) or else
    anything a mood made them do."""
    done = world.reasons(person)
    if not done or key is not None and key not in done:
        return False
    key = key or world.rng.choice(done)
    _, verb, what = key
    moods = world.motives[key]
    true_mood = world.rng.choice(sorted(moods))
    mood = true_mood if want == "yes" else wrong(world.rng, world.story, MOODS, *moods)
    answer = "yes" if mood in moods else "no"
    world.story.ask(
        f"Did {person} {verb} the {what} because {_because(world, person)} {mood}?",
        answer,
        (moods[true_mood],),
    )
    return True
