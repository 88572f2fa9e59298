"""Story writers of the tasks about kinds, directions, positions and sizes: 4, 15-19.

- qa4: two sentences set three places in a row ("The office is north of the kitchen."; one
  story in five has one sentence and two places); "Is the office north of the kitchen?" (yes
  when the links say so directly, reversed or by a chain in one direction; asked as a no only
  where the place is not that way at all).
- qa15: "Mice are afraid of wolves." "Gertrude is a mouse." "Is Gertrude afraid of wolves?".
- qa16: "Lily is a frog." "Lily is green." "Greg is a frog." "Is Greg green?" (the colour of the
  member of the kind most recently told to be one; as in bAbI, the asked animal's kind may be
  told anywhere, and now and then two members of a kind differ in colour).
- qa17: two sentences place two shapes around a third, then eight questions relate the two
  shapes that do not share a sentence ("Is the triangle above the red square?").
- qa18: facts about sizes ("The chest fits inside the box.", "The box is bigger than the
  chocolate."), then five questions about pairs linked by a chain of two facts.
- qa19: five sentences lay six places out on a grid, told in any order; "Can you get from the
  kitchen to the garden by going south and then east?" (along the stated links, each working
  both ways: "east and then south" is a no there, though it ends at the same spot).
"""

import random

from chatbot.stories.world.lines import Lines, other, wrong, yes_or_no
from chatbot.stories.world.words import COLOURS, DIRECTIONS, KINDS_15, KINDS_16

SHAPES = ("triangle", "red square", "blue square", "pink rectangle", "red sphere", "yellow square")
# (dx, dy) of the subject seen from the object: "A is above B" puts A one step up from B.
RELATIONS = {
    "above": (0, 1),
    "below": (0, -1),
    "to the left of": (-1, 0),
    "to the right of": (1, 0),
}
# In every story a chocolate fits in a box of chocolates, which fits in each of the other four.
SMALL_THINGS = ("chocolate", "box of chocolates")
CONTAINERS = ("box", "chest", "container", "suitcase")
QUESTIONS_17 = 8
QUESTIONS_18 = 5
MIDDLE_FIRST = 2 / 3  # qa17: how often a sentence names the shared shape first
REPEAT_PAIR = 0.6  # qa18: how often a question repeats a pair already asked after the same facts
SHORT_BLOCK = 0.015  # qa18: how often a block of questions stops early and the story goes on
SHORT_BLOCK_WEIGHTS = (1, 4, 14, 14)  # of blocks of 1, 2, 3 and 4 questions
QUESTIONS_15 = 4
LINKS_19 = 5
ONE_LINK = 0.2  # qa4: how often a story has one link, not bAbI's two
OWN_COLOURS = 0.1  # qa16: how often a story gives each animal a colour of its own, not its kind's
# qa16: how often the question is about an animal whose colour the story states (bAbI never
# asks that; a person does: "Julius is grey. Is Julius grey?" must not be read by its kind).
STATED_COLOUR = 0.15
NAME_OF_STEP = {step: name for name, step in DIRECTIONS.items()}


def positional_story(rng: random.Random) -> list:
    """A story of task 17: two sentences place two shapes around a third, then eight questions.

    The two outer shapes never land on the same spot (two steps apart on one axis, or one step
    on each), as in bAbI; "Is A above B?" is yes when A is higher than B.
    """
    story = Lines()
    middle, *ends = rng.sample(SHAPES, 3)
    while True:
        offsets = [rng.choice(list(RELATIONS.values())) for _ in ends]
        if offsets[0] != offsets[1]:
            break
    position = {middle: (0, 0), ends[0]: offsets[0], ends[1]: offsets[1]}
    name_of = {offset: relation for relation, offset in RELATIONS.items()}
    said_in = {}
    for end, (dx, dy) in zip(ends, offsets, strict=True):
        if rng.random() < MIDDLE_FIRST:
            sentence = f"The {middle} is {name_of[(-dx, -dy)]} the {end}."
        else:
            sentence = f"The {end} is {name_of[(dx, dy)]} the {middle}."
        said_in[end] = story.say(sentence)
    for _ in range(QUESTIONS_17):
        first, second = rng.sample(ends, 2)
        dx = position[first][0] - position[second][0]
        dy = position[first][1] - position[second][1]
        answer = rng.choice(("yes", "no"))
        relation = rng.choice(
            [
                relation
                for relation, (ux, uy) in RELATIONS.items()
                if (ux * dx + uy * dy > 0) == (answer == "yes")
            ]
        )
        story.ask(
            f"Is the {first} {relation} the {second}?", answer, (said_in[first], said_in[second])
        )
    return story.lines


def size_story(rng: random.Random) -> list:
    """A story of task 18: blocks of five size facts, then five questions.

    The questions ask about pairs linked by a chain of two facts (the supporting ones, the first
    time each was said), the one that names the bigger-than subject of the question first. A
    block with no such pair gets no questions; now and then a block stops early and the story
    goes on, as in bAbI.
    """
    story = Lines()
    order = [*SMALL_THINGS, *rng.sample(CONTAINERS, len(CONTAINERS))]  # smallest first
    rank = {thing: index for index, thing in enumerate(order)}
    first_said: dict[tuple[str, str], int] = {}  # (smaller, bigger) -> sentence id
    while True:
        for _ in range(5):
            smaller, bigger = sorted(rng.sample(order, 2), key=rank.get)
            if rng.random() < 0.5:
                line_id = story.say(f"The {smaller} fits inside the {bigger}.")
            else:
                line_id = story.say(f"The {bigger} is bigger than the {smaller}.")
            first_said.setdefault((smaller, bigger), line_id)
        chains: dict[tuple[str, str], list[str]] = {}
        for small, middle in first_said:
            for middle_again, big in first_said:
                if middle_again == middle:
                    chains.setdefault((small, big), []).append(middle)
        if not chains:
            continue
        block = 5
        if rng.random() < SHORT_BLOCK:
            block = rng.choices((1, 2, 3, 4), weights=SHORT_BLOCK_WEIGHTS)[0]
        asked: list[tuple[str, str]] = []
        for _ in range(block):
            if asked and rng.random() < REPEAT_PAIR:
                pair = rng.choice(asked)
            else:
                pair = rng.choice(sorted(chains))
            asked.append(pair)
            small, big = pair
            middle = rng.choice(chains[pair])
            supporting = {small: first_said[(small, middle)], big: first_said[(middle, big)]}
            answer = rng.choice(("yes", "no"))
            # The bigger-than subject: Y of "Does X fit in Y?", X of "Is X bigger than Y?".
            subject, other = (big, small) if answer == "yes" else (small, big)
            if rng.random() < 0.5:
                text = f"Does the {other} fit in the {subject}?"
            else:
                text = f"Is the {subject} bigger than the {other}?"
            story.ask(text, answer, (supporting[subject], supporting[other]))
        if block == 5:
            return story.lines


def _layout(rng: random.Random, places, links: int, in_a_row: bool):
    """Places on a grid, each linked to one placed before: {place: (x, y)} and the links
    (place, direction, place) in the order they were made."""
    names = rng.sample(list(places), links + 1)
    position = {names[0]: (0, 0)}
    made = []
    axis = rng.choice((("north", "south"), ("east", "west")))
    for name in names[1:]:
        while True:
            anchor = names[0] if in_a_row else rng.choice(list(position))
            direction = rng.choice(axis if in_a_row else tuple(DIRECTIONS))
            dx, dy = DIRECTIONS[direction]
            spot = (position[anchor][0] + dx, position[anchor][1] + dy)
            if spot not in position.values():
                break
        position[name] = spot
        made.append((name, direction, anchor))
    return position, made


def _say_link(rng: random.Random, story: Lines, link) -> int:
    """ "The office is north of the kitchen.", or the same link told the other way round."""
    place, direction, anchor = link
    if rng.random() < 0.5:
        opposite = NAME_OF_STEP[tuple(-d for d in DIRECTIONS[direction])]
        return story.say(f"The {anchor} is {opposite} of the {place}.")
    return story.say(f"The {place} is {direction} of the {anchor}.")


def direction_story(rng: random.Random, places) -> list:
    """A story of task 4: two links set three places in a row (now and then one link sets two,
    as people tell it: "The kitchen is north of the garden."), then one question."""
    story = Lines()
    position, links = _layout(rng, places, 1 if rng.random() < ONE_LINK else 2, in_a_row=True)
    said = [_say_link(rng, story, link) for link in links]
    ask_direction(rng, story, position, links, said)
    return story.lines


def is_that_way(position, place: str, direction: str, anchor: str) -> bool | None:
    """True when `place` lies straight `direction` of `anchor`; False when not that way at
    all; None when it is partly that way (asking would not be plain English)."""
    dx = position[place][0] - position[anchor][0]
    dy = position[place][1] - position[anchor][1]
    ux, uy = DIRECTIONS[direction]
    if dx * ux + dy * uy <= 0:
        return False
    return True if dx * uy == dy * ux else None


def ask_direction(rng: random.Random, story: Lines, position, links, said) -> None:
    """ "Is the office north of the kitchen?" about one stated link, as told or reversed, or
    for a no with one part changed."""
    index = rng.randrange(len(links))
    place, direction, anchor = links[index]
    if rng.random() < 0.5:
        place, anchor = anchor, place
        direction = NAME_OF_STEP[tuple(-d for d in DIRECTIONS[direction])]
    if yes_or_no(rng) == "no":
        for _ in range(20):
            # (with two places only, no other place can stand in)
            changes = ("place", "direction", "swap") if len(position) > 2 else ("direction", "swap")
            change = rng.choice(changes)
            if change == "place":
                new = (other(rng, list(position), place, anchor), direction, anchor)
            elif change == "direction":
                new = (place, other(rng, list(DIRECTIONS), direction), anchor)
            else:
                new = (anchor, direction, place)
            if is_that_way(position, *new) is False:
                place, direction, anchor = new
                break
    answer = is_that_way(position, place, direction, anchor)
    story.ask(
        f"Is the {place} {direction} of the {anchor}?", "yes" if answer else "no", (said[index],)
    )


def path_story(rng: random.Random, places) -> list:
    """A story of task 19: five links lay six places out, then one question about a walk of
    two steps."""
    while True:
        story = Lines()
        position, links = _layout(rng, places, LINKS_19, in_a_row=False)
        links = rng.sample(links, len(links))  # bAbI tells them in any order
        said = [_say_link(rng, story, link) for link in links]
        step = {}  # (place, direction) -> (next place, id of the sentence of that link)
        for (place, direction, anchor), line_id in zip(links, said, strict=True):
            step[(anchor, direction)] = (place, line_id)
            back = NAME_OF_STEP[tuple(-d for d in DIRECTIONS[direction])]
            step[(place, back)] = (anchor, line_id)
        walks = [
            (start, first, second)
            for (start, first), (middle, _) in step.items()
            for (again, second), (end, _) in step.items()
            if again == middle and end != start
        ]
        if walks:
            ask_path(rng, story, step, rng.choice(sorted(walks)))
            return story.lines


def walk(step, start: str, first: str, second: str) -> str | None:
    """Where going `first` then `second` from `start` along the links leads (None: nowhere)."""
    return _route(step, start, first, second)[0]


def _route(step, start: str, first: str, second: str) -> tuple[str | None, tuple[int, ...]]:
    """(where the walk ends or None, the ids of the link sentences it walks, in order)."""
    middle = step.get((start, first))
    if middle is None:
        return None, ()
    end = step.get((middle[0], second))
    return (end[0], (middle[1], end[1])) if end else (None, (middle[1],))


def ask_path(rng: random.Random, story: Lines, step, path) -> None:
    """ "Can you get from the P to the Q by going D1 and then D2?".

    The supporting sentences are the links the asked walk takes, in the order walked (a reader
    checks the first step, then the second from where it led); where the asked walk has no
    first link, the links of the real way.
    """
    start, first, second = path
    end, support = _route(step, start, first, second)
    asked = (first, second)
    if yes_or_no(rng) == "no":
        detours = [
            (one, two)
            for one in DIRECTIONS
            for two in DIRECTIONS
            if walk(step, start, one, two) != end
        ]
        asked = rng.choice(detours)
    reached, walked = _route(step, start, *asked)
    answer = "yes" if reached == end else "no"
    story.ask(
        f"Can you get from the {start} to the {end} by going {asked[0]} and then {asked[1]}?",
        answer,
        walked or support,
    )


def fear_story(rng: random.Random, names) -> list:
    """A story of task 15: what each kind fears and what each of four animals is, mixed; then
    four questions "Is Gertrude afraid of wolves?"."""
    story = Lines()
    kinds = list(KINDS_15)
    fears = {kind: other(rng, kinds, kind) for kind in kinds}
    animals = {name: rng.choice(kinds) for name in rng.sample(list(names), 4)}
    items = [("fear", kind) for kind in kinds] + [("is", name) for name in animals]
    rng.shuffle(items)
    said = {}
    for what, key in items:
        if what == "fear":
            said[key] = story.say(
                f"{KINDS_15[key].capitalize()} are afraid of {KINDS_15[fears[key]]}."
            )
        else:
            said[key] = story.say(f"{key} is a {animals[key]}.")
    for _ in range(QUESTIONS_15):
        ask_fear(rng, story, animals, fears, said)
    return story.lines


def ask_fear(rng: random.Random, story: Lines, animals, fears, said) -> None:
    name = rng.choice(sorted(animals))
    kind = animals[name]
    feared = fears[kind] if yes_or_no(rng) == "yes" else other(rng, list(KINDS_15), fears[kind])
    answer = "yes" if feared == fears[kind] else "no"
    support = (said[name], said[kind])
    story.ask(f"Is {name} afraid of {KINDS_15[feared]}?", answer, support)


def colour_story(rng: random.Random, names) -> list:
    """A story of task 16: four animals' kinds and colours and a fifth animal's kind, of a kind
    already described, told in any order; then "Is Greg green?" (the colour of the member of
    its kind most recently told to be one), or now and then about an animal whose colour the
    story states."""
    story = Lines()
    five = rng.sample(list(names), 5)
    described, asked = five[:4], five[4]
    kinds = {name: rng.choice(KINDS_16) for name in described}
    kinds[asked] = rng.choice(sorted(set(kinds.values())))
    colour_of_kind = {kind: rng.choice(COLOURS) for kind in KINDS_16}
    own = rng.random() < OWN_COLOURS
    colours = {
        name: rng.choice(COLOURS) if own else colour_of_kind[kinds[name]] for name in described
    }
    queue = [[("kind", name), ("colour", name)] for name in described] + [[("kind", asked)]]
    said = {}
    while any(queue):
        name_steps = rng.choice([steps for steps in queue if steps])
        what, name = name_steps.pop(0)
        if what == "kind":
            said[(what, name)] = story.say(f"{name} is a {kinds[name]}.")
        else:
            said[(what, name)] = story.say(f"{name} is {colours[name]}.")
    # bAbI's support: the member of the kind most recently told to be one, and its colour
    kin = max(
        (name for name in described if kinds[name] == kinds[asked]),
        key=lambda name: said[("kind", name)],
    )
    colour = colours[kin]
    support = (said[("kind", asked)], said[("kind", kin)], said[("colour", kin)])
    if rng.random() < STATED_COLOUR:
        asked = rng.choice(described)
        colour, support = colours[asked], (said[("colour", asked)],)
    asked_colour = colour if yes_or_no(rng) == "yes" else wrong(rng, story, COLOURS, colour)
    story.ask(f"Is {asked} {asked_colour}?", "yes" if asked_colour == colour else "no", support)
    return story.lines
