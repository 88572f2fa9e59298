"""The story generator: a small simulated world that writes bAbI-format yes/no tasks.

One kind of story per bAbI yes/no task, each told from a hidden world state, so every answer and
supporting id follows from what the story has said:

- qa6: people move between places and pick up and drop objects (distractors). "Is Mary in the
  office?" is answered by her latest move.
- qa9: moves, "Mary is in the office.", and the negations "Mary is no longer in the office." and
  "Mary is not in the office." (after a negation, only its place is asked about: no).
- qa10: moves, "Mary is in the office.", and "Mary is either in the office or the park." (asked
  about one of the two: maybe; about another place: no).
- qa17: two sentences place three shapes on a grid ("The triangle is above the red square."),
  then eight questions relate the two shapes that do not share a sentence.
- qa18: facts about sizes ("The chest fits inside the box.", "The box is bigger than the
  chocolate."), then five questions about pairs linked by a chain of two facts.

Templates, word lists, story shapes, question placement and answer balance follow the real bAbI
v1.2 files (measured on en-10k). A share of the stories (`VARIETY_SHARE`) of tasks 6, 9 and 10
draws on wider word lists (more names, places, objects and two more verbs), so that a model does
not tie a word to one task and can read a little more than bAbI's own words.

Each task and split has its own random stream, seeded from (seed, task, split): the same seed
gives the same files, and adding a task to a run does not change another task's files.
"""

import random
from dataclasses import dataclass
from pathlib import Path

from chatbot import babi
from chatbot.errors import ChatbotError, UsageError

TASKS = {
    6: "qa6_yes-no-questions",
    9: "qa9_simple-negation",
    10: "qa10_indefinite-knowledge",
    17: "qa17_positional-reasoning",
    18: "qa18_size-reasoning",
}
SPLITS = ("train", "valid", "test")

# The words of the real tasks. Tasks 6 and 9 share a cast; task 10 has its own.
BABI_PEOPLE = ("Daniel", "John", "Mary", "Sandra")
BABI_PLACES = ("bathroom", "bedroom", "garden", "hallway", "kitchen", "office")
BABI_PEOPLE_10 = ("Bill", "Fred", "Julie", "Mary")
BABI_PLACES_10 = ("bedroom", "cinema", "kitchen", "office", "park", "school")
BABI_OBJECTS = ("apple", "football", "milk")
MOVES = ("moved to", "went to", "journeyed to", "travelled to", "went back to")
PICKS = ("got", "took", "picked up", "grabbed")  # always followed by "the X there."
DROPS = ("dropped", "discarded", "put down", "left")  # "the X." or, less often, "the X there."
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

# Wider word lists for the variety stories: bAbI's words and some more.
ALL_PEOPLE = tuple(sorted({*BABI_PEOPLE, *BABI_PEOPLE_10, "Emily", "Greg", "Jeff", "Lily"}))
ALL_PLACES = tuple(sorted({*BABI_PLACES, *BABI_PLACES_10, "attic", "cellar", "library"}))
ALL_OBJECTS = (*BABI_OBJECTS, "ball", "book", "cup")
ALL_MOVES = (*MOVES, "walked to", "ran to")
VARIETY_SHARE = 0.3  # of the stories of tasks 6, 9 and 10 (the rest use bAbI's words only)

QUESTIONS_PER_STORY = {6: 5, 9: 5, 10: 5, 17: 8, 18: 5}
RECENT_SENTENCES = 5  # bAbI asks about someone whose latest place-fact is this recent
RECENCY = 0.85  # and the more recently told of two such people a little more often
# Shares measured on en-10k (counts of sentences or questions in the real files).
EVENT_WEIGHTS_6 = {"move": 68, "pick": 12, "drop": 20}
DROP_THERE = 0.2  # "Mary dropped the milk there." rather than "Mary dropped the milk."
EVENT_WEIGHTS_9 = {"move": 50, "is in": 25, "is no longer in": 12.5, "is not in": 12.5}
EVENT_WEIGHTS_10 = {"move": 50, "is in": 25, "either": 25}
MAYBE_SHARE = 0.58  # of the questions asked after "is either in"
MIDDLE_FIRST = 2 / 3  # qa17: how often a sentence names the shared shape first
REPEAT_PAIR = 0.6  # qa18: how often a question repeats a pair already asked after the same facts
SHORT_BLOCK = 0.015  # qa18: how often a block of questions stops early and the story goes on
SHORT_BLOCK_WEIGHTS = (1, 4, 14, 14)  # of blocks of 1, 2, 3 and 4 questions


@dataclass(frozen=True)
class Words:
    """The words one story of tasks 6, 9 or 10 is told with."""

    people: tuple[str, ...]
    places: tuple[str, ...]
    objects: tuple[str, ...]
    moves: tuple[str, ...]


class _Lines:
    """The lines of one story as it is told, numbered as bAbI numbers them (from 1)."""

    def __init__(self):
        self.lines: list[babi.Sentence | babi.Question] = []
        self.sentence_ids: list[int] = []
        self.questions = 0

    def say(self, text: str) -> int:
        line_id = len(self.lines) + 1
        self.lines.append(babi.Sentence(line_id, text))
        self.sentence_ids.append(line_id)
        return line_id

    def ask(self, text: str, answer: str, supporting: tuple[int, ...]) -> None:
        self.lines.append(babi.Question(len(self.lines) + 1, text, answer, supporting))
        self.questions += 1


def _other(rng: random.Random, choices: tuple[str, ...], *excluded: str) -> str:
    return rng.choice([choice for choice in choices if choice not in excluded])


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _PlacesWorld:
    """People in places and the objects they carry: the world of tasks 6, 9 and 10.

    `where` is the truth, which a negation or an "either" hides; `told` is the latest thing the
    story said about where each person is: (kind, places, sentence id), kind being "at", "not"
    or "either".
    """

    def __init__(self, rng: random.Random, words: Words):
        self.rng, self.words, self.story = rng, words, _Lines()
        self.where = {person: rng.choice(words.places) for person in words.people}
        self.told: dict[str, tuple[str, tuple[str, ...], int]] = {}
        self.holder: dict[str, str] = {}  # object -> the person holding it

    def tell(self, task: int) -> None:
        """Tell one event of the kind `task`'s stories are made of."""
        rng, people = self.rng, self.words.people
        if task == 6:
            kind = _weighted(rng, EVENT_WEIGHTS_6)
            if kind == "drop" and not self.holder:
                kind = "pick"  # nothing to drop; with these weights the shares match bAbI's
            free = [thing for thing in self.words.objects if thing not in self.holder]
            if kind == "pick" and free:
                person, thing = rng.choice(people), rng.choice(free)
                self.holder[thing] = person
                self.story.say(f"{person} {rng.choice(PICKS)} the {thing} there.")
                return
            if kind == "drop" and self.holder:
                thing = rng.choice(list(self.holder))
                person = self.holder.pop(thing)
                there = " there" if rng.random() < DROP_THERE else ""
                self.story.say(f"{person} {rng.choice(DROPS)} the {thing}{there}.")
                return
            self.move(rng.choice(people), f"{rng.choice(self.words.moves)} the")
            return
        kind = _weighted(rng, EVENT_WEIGHTS_9 if task == 9 else EVENT_WEIGHTS_10)
        person = rng.choice(people)
        if kind == "move":
            self.move(person, f"{rng.choice(self.words.moves)} the")
        elif kind == "is in":
            self.move(person, "is in the")
        elif kind == "either":
            self.where[person] = _other(rng, self.words.places, self.where[person])
            # The other place is any place, so it can be the true one again, as in bAbI
            # ("Fred is either in the kitchen or the kitchen.", 17% of its "either" sentences).
            pair = [self.where[person], rng.choice(self.words.places)]
            rng.shuffle(pair)
            line_id = self.story.say(f"{person} is either in the {pair[0]} or the {pair[1]}.")
            self.told[person] = ("either", tuple(pair), line_id)
        else:  # a negation: of where they were last said to be, or of a place they are not in
            kind_told, places, _ = self.told.get(person, ("", (), 0))
            if kind_told == "at":
                place = places[0]  # where they are; now they leave for a place left unsaid
                self.where[person] = _other(rng, self.words.places, place)
            else:
                place = _other(rng, self.words.places, self.where[person])
            line_id = self.story.say(f"{person} {kind} the {place}.")
            self.told[person] = ("not", (place,), line_id)

    def move(self, person: str, verb_the: str) -> None:
        self.where[person] = _other(self.rng, self.words.places, self.where[person])
        line_id = self.story.say(f"{person} {verb_the} {self.where[person]}.")
        self.told[person] = ("at", (self.where[person],), line_id)

    def ask(self) -> bool:
        """Ask about someone the last few sentences placed; False when there is nobody."""
        rng, places = self.rng, self.words.places
        recent = set(self.story.sentence_ids[-RECENT_SENTENCES:])
        people = [person for person, (_, _, line_id) in self.told.items() if line_id in recent]
        if not people:
            return False
        people.sort(key=lambda person: -self.told[person][2])  # the most recently told first
        person = rng.choices(people, weights=[RECENCY**rank for rank in range(len(people))])[0]
        kind, told_places, line_id = self.told[person]
        if kind == "at" and rng.random() < 0.5:
            place, answer = told_places[0], "yes"
        elif kind == "either" and rng.random() < MAYBE_SHARE:
            place, answer = rng.choice(told_places), "maybe"
        elif kind == "not":
            place, answer = told_places[0], "no"
        else:
            place, answer = _other(rng, places, *told_places), "no"
        self.story.ask(f"Is {person} in the {place}?", answer, (line_id,))
        return True


def _words(rng: random.Random, task: int) -> Words:
    """bAbI's words for the task, or, in a share of the stories, a draw from wider lists."""
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


def _places_story(rng: random.Random, task: int) -> list:
    """A story of task 6, 9 or 10: events two at a time, each pair followed by a question.

    As in bAbI, two more events come before a question while nobody's place was told in the
    last few sentences.
    """
    world = _PlacesWorld(rng, _words(rng, task))
    while world.story.questions < QUESTIONS_PER_STORY[task]:
        world.tell(task)
        world.tell(task)
        while not world.ask():
            world.tell(task)
            world.tell(task)
    return world.story.lines


def _positional_story(rng: random.Random) -> list:
    """A story of task 17: two sentences place two shapes around a third, then eight questions.

    The two outer shapes never land on the same spot (two steps apart on one axis, or one step
    on each), as in bAbI; "Is A above B?" is yes when A is higher than B.
    """
    story = _Lines()
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
    for _ in range(QUESTIONS_PER_STORY[17]):
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


def _size_story(rng: random.Random) -> list:
    """A story of task 18: blocks of five size facts, then five questions.

    The questions ask about pairs linked by a chain of two facts (the supporting ones, the first
    time each was said), the one that names the bigger-than subject of the question first. A
    block with no such pair gets no questions; now and then a block stops early and the story
    goes on, as in bAbI.
    """
    story = _Lines()
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


def _check_task(task) -> int:
    if isinstance(task, bool) or task not in TASKS:
        known = ", ".join(map(str, TASKS))
        raise UsageError(f"no generator for task {task!r}; choose from {known}")
    return task


def _check_questions(questions) -> int:
    if isinstance(questions, bool) or not isinstance(questions, int) or questions < 1:
        raise UsageError(
            f"--questions must be a whole number >= 1 (questions per task); got {questions!r}"
        )
    return questions


def parse_tasks(text: str) -> tuple[int, ...]:
    """Tasks written as on the command line, "6,9,10", in the given order, each once.

    Raises:
        UsageError: an empty item or a task without a generator.
    """
    known = ",".join(map(str, TASKS))
    tasks: list[int] = []
    for item in text.split(","):
        item = item.strip().removeprefix("qa")
        if not item:
            raise UsageError(f"--tasks takes task numbers separated by commas, such as {known}")
        if not (item.isascii() and item.isdigit()) or int(item) not in TASKS:
            raise UsageError(f"--tasks: no generator for task {item!r}; use some of {known}")
        if int(item) not in tasks:
            tasks.append(int(item))
    return tuple(tasks)


def generate_stories(task: int, questions: int, seed: int = 0, split: str = "train") -> list:
    """Generate stories of one bAbI yes/no task.

    Args:
        task: 6, 9, 10, 17 or 18.
        questions: how many questions in all; the last story ends after the last of them.
        seed: any integer; the same (seed, task, split) gives the same stories.
        split: "train", "valid" or "test"; each split has its own random stream.

    Returns:
        `babi.Story` objects with `task` set ("qa6"); a smaller `questions` gives a prefix of
        the stories of a larger one.

    Raises:
        UsageError: an unknown task or split, or fewer than 1 question.
    """
    _check_task(task)
    _check_questions(questions)
    if split not in SPLITS:
        raise UsageError(f"no split {split!r}; choose from {', '.join(SPLITS)}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise UsageError(f"the seed must be a whole number; got {seed!r}")
    # A string seed is hashed (SHA-512) by random.Random, the same on every machine and run.
    rng = random.Random(f"chatbot.world/{seed}/qa{task}/{split}")
    stories = []
    remaining = questions
    while remaining > 0:
        if task == 17:
            lines = _positional_story(rng)
        elif task == 18:
            lines = _size_story(rng)
        else:
            lines = _places_story(rng, task)
        question_ends = [i for i, line in enumerate(lines, 1) if isinstance(line, babi.Question)]
        if len(question_ends) > remaining:
            lines = lines[: question_ends[remaining - 1]]
        remaining -= min(remaining, len(question_ends))
        stories.append(babi.Story(lines=lines, task=f"qa{task}"))
    return stories


def file_name(task: int, split: str) -> str:
    """bAbI's name for a task's file, the split last: "qa6_yes-no-questions_train.txt"."""
    return f"{TASKS[task]}_{split}.txt"


def generate_files(
    out_dir, questions: int = 10_000, seed: int = 0, tasks=tuple(TASKS)
) -> list[Path]:
    """Write train, valid and test files of each task into `out_dir` (made if missing).

    Args:
        out_dir: the folder; files go flat into it, named as `file_name` says.
        questions: questions per task in the train file; valid and test get a tenth each
            (at least 1).
        seed: any integer; a task's files depend only on the seed, never on the other tasks.
        tasks: task numbers, from `TASKS`.

    Returns:
        The paths written, task by task, train, valid, test. Each file is written atomically.

    Raises:
        UsageError: an unknown task, no tasks, or fewer than 1 question.
        ChatbotError: the folder cannot be made or written to.
    """
    tasks = tuple(tasks)
    if not tasks:
        raise UsageError("no tasks to generate; choose from " + ", ".join(map(str, TASKS)))
    for task in tasks:
        _check_task(task)
    _check_questions(questions)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise ChatbotError(f"{out} is a file; give a folder to write the stories into") from None
    except OSError as error:
        raise ChatbotError(f"cannot make the folder {out}: {error.strerror}") from None
    counts = {"train": questions, "valid": max(1, questions // 10), "test": max(1, questions // 10)}
    paths = []
    for task in dict.fromkeys(tasks):
        for split in SPLITS:
            path = out / file_name(task, split)
            babi.write_stories(generate_stories(task, counts[split], seed, split), path)
            paths.append(path)
    return paths
