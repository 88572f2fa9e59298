"""The held-out sets of issue 12's Targets, written as bAbI files that `chatbot evaluate` reads.

Each builder writes its files under one folder and returns `Row`s: the questions of one task
(or one kind of story) with the accuracy target they are held to. Every set is deterministic:
the real files are converted with seed 0, stories are generated with seeds no training run
uses (`GENERATED_SEED`, `LONG_SEED`), and the unseen names are drawn per story from a seeded
random stream. Only bAbI's training files are read here: its test files stay the team's own
held-out check.

- `converted`: the real training files as `chatbot convert` writes them (yes/no forms).
- `as_asked`: tasks 6, 9, 10, 17 and 18's real training files as they are (already yes/no).
- `generated`: test-split stories of every task and the mixed stories, a new seed.
- `long_stories`: mixed stories, only the questions asked after 30 to 250 sentences.
- `unseen_names`: the converted stories with every name and place replaced by invented ones in
  no list of the generator (objects kept), each story consistently.
"""

import os
import random
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from chatbot.stories import world
from chatbot.stories.babi import Sentence, Story, examples_of, read_stories, task_of, write_stories
from chatbot.stories.convert import convert_files
from chatbot.stories.world.words import FEMALE, MALE, MOOD_PLACE, PLACES

# The shared folder beside the project: $CHATBOT_SHARED, else ../shared.
SHARED = Path(os.environ.get("CHATBOT_SHARED") or Path(__file__).resolve().parents[2] / "shared")
SHARED = SHARED / "babi"
YES_NO_TASKS = (6, 9, 10, 17, 18)  # bAbI's own yes/no tasks
GENERATED_SEED = 1001  # no training run uses it (training uses seed 0 and its own)
LONG_SEED = 1002
LONG = (30, 250)  # sentences before the question, both ends included
LONG_BUCKETS = ((30, 99), (100, 199), (200, 250))
ACCURACY = 0.99  # the target of every set but `as_asked`
AS_ASKED_ACCURACY = 0.999

# Invented for this benchmark: in no list of chatbot/world/words.py, and none one edit away
# from a word of those lists (checked again against each model's words by `check_invented`).
INVENTED_NAMES = (
    "Ayodele Bartholomew Cosima Dagny Eamon Fenella Gideon Hortense Ignatius Jolanda Kasimir "
    "Ludmila Mortimer Niamh Octavia Perpetua Quentin Rosalind Siddharth Thaddeus Ulrike "
    "Valentin Wilhelmina Xiomara Yevgeny Zebulon Augustin Bronwyn Cornelius Desmond Euphemia "
    "Florian Guinevere Horatio Isidore Jacinta Leopold Mireille Percival Solveig"
).split()
INVENTED_PLACES = (
    "abbey aquarium armory brewery bunker cabin canyon citadel cottage courthouse dormitory "
    "dungeon embassy foundry fortress gallery igloo kiosk lagoon mansion oasis palace parlour "
    "rectory scullery shipyard tavern treehouse wharf pavilion"
).split()
KNOWN_NAMES = frozenset(name.lower() for name in (*FEMALE, *MALE))
KNOWN_PLACES = frozenset(PLACES)
# Task 20's places where a mood sends people (kitchen, bedroom, garden): there they carry
# meaning ("hungry" goes with "kitchen"), so the main unseen-names set keeps them in qa20.
MOOD_PLACES = frozenset(MOOD_PLACE.values())
WORD = re.compile(r"[A-Za-z]+")


@dataclass
class Row:
    """The questions of one table row and what they are held to."""

    group: str  # the set: "converted en", "generated", ...
    name: str  # the task ("qa3") or kind of story
    path: Path  # the bAbI file they come from (`chatbot evaluate` reads it)
    examples: list = field(repr=False)
    target: float = ACCURACY
    compare_to: str | None = None  # the group whose row of the same name is the baseline


def train_files(folder: Path, tasks=None) -> list[Path]:
    """The real training files of a folder, in task order (tasks: numbers, None for all)."""
    paths = sorted(folder.glob("qa*_train.txt"), key=lambda path: int(task_of(path)[2:]))
    return [path for path in paths if tasks is None or int(task_of(path)[2:]) in tasks]


def rows_of(group: str, paths, limit: int | None, **settings) -> list[Row]:
    """One row per file: its questions (the first `limit`, if given)."""
    rows = []
    for path in paths:
        examples = examples_of(read_stories(path))[:limit]
        rows.append(Row(group, task_of(path) or Path(path).stem, Path(path), examples, **settings))
    return rows


def converted(out: Path, babi: Path, limit: int | None) -> list[Row]:
    """The real training files of `babi` (en or en-10k), converted to yes/no forms (seed 0)."""
    paths = convert_files(train_files(babi), out / f"converted-{babi.name}", seed=0)
    return rows_of(f"converted {babi.name}", paths, limit)


def as_asked(babi: Path, limit: int | None) -> list[Row]:
    """Tasks 6, 9, 10, 17 and 18's real training files as bAbI asks them."""
    paths = train_files(babi, YES_NO_TASKS)
    return rows_of(f"as asked {babi.name}", paths, limit, target=AS_ASKED_ACCURACY)


def generated(out: Path, questions: int) -> list[Row]:
    """Test-split stories of tasks 1-20 and mixed stories, seed `GENERATED_SEED`."""
    folder = out / "generated"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for task in (*world.TASKS, world.MIX):
        path = folder / world.file_name(task, "test")
        write_stories(world.generate_stories(task, questions, GENERATED_SEED, "test"), path)
        paths.append(path)
    return rows_of("generated", paths, None)


def long_stories(out: Path, questions: int) -> list[Row]:
    """Mixed test stories (seed `LONG_SEED`), keeping the questions asked after 30-250 sentences.

    One row per length bucket (`LONG_BUCKETS`); the whole range is their sum.
    """
    stories = world.generate_stories(world.MIX, questions, LONG_SEED, "test")
    kept = [story for story in map(_long_questions_only, stories) if story.questions]
    path = out / "long" / world.file_name(world.MIX, "test")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_stories(kept, path)
    examples = examples_of(read_stories(path))
    return [
        Row(
            f"long stories {LONG[0]}-{LONG[1]}",
            f"{low}-{high} sentences",
            path,
            [example for example in examples if low <= len(example.story) <= high],
        )
        for low, high in LONG_BUCKETS
    ]


def _long_questions_only(story: Story) -> Story:
    """The story without the questions asked after fewer than 30 or more than 250 sentences,
    its lines numbered again (bAbI ids run 1, 2, ... in each story)."""
    lines, new_id, told = [], {}, 0
    for line in story.lines:
        if isinstance(line, Sentence):
            told += 1
            new_id[line.id] = len(lines) + 1
            lines.append(replace(line, id=len(lines) + 1))
        elif LONG[0] <= told <= LONG[1]:
            supporting = tuple(new_id[index] for index in line.supporting)
            lines.append(replace(line, id=len(lines) + 1, supporting=supporting))
    # A story ending in sentences no question follows would only lengthen the file.
    while lines and isinstance(lines[-1], Sentence):
        lines.pop()
    return Story(lines=lines, task=story.task)


def unseen_names(out: Path, converted_rows: list[Row], keep_mood_places: bool) -> list[Row]:
    """The converted stories with every name and place replaced by invented ones.

    Args:
        out: the folder to write into.
        converted_rows: the rows of `converted` (their files are renamed, the same questions).
        keep_mood_places: keep task 20's kitchen, bedroom and garden there (the main set); else
            replace them too, which only changes qa20, so only qa20's row is made.
    """
    label = converted_rows[0].group.split()[-1]  # en or en-10k
    group = f"unseen names {label}" + ("" if keep_mood_places else ", qa20 mood places too")
    folder = out / (f"unseen-names-{label}" + ("" if keep_mood_places else "-all-places"))
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for row in converted_rows:
        if not keep_mood_places and row.name != "qa20":
            continue
        keep = MOOD_PLACES if keep_mood_places and row.name == "qa20" else frozenset()
        renamed = [
            rename(story, random.Random(f"heldout/{row.path.name}/{index}"), keep)
            for index, story in enumerate(read_stories(row.path))
        ]
        path = folder / row.path.name
        write_stories(renamed, path)
        examples = examples_of(read_stories(path))[: len(row.examples)]
        rows.append(Row(group, row.name, path, examples, compare_to=row.group))
    return rows


def rename(story: Story, rng: random.Random, keep: frozenset = frozenset()) -> Story:
    """The story with each name and place (but those in `keep`) replaced by an invented one,
    the same one wherever it stands; names stay capitalised, places lower case.

    >>> from chatbot.stories.babi import Question
    >>> story = Story([Sentence(1, "Mary went to the kitchen."),
    ...                Question(2, "Is Mary in the office?", "no", (1,))])
    >>> [line.text for line in rename(story, random.Random(0)).lines]
    ['Yevgeny went to the scullery.', 'Is Yevgeny in the wharf?']
    """
    names, places = {}, {}
    for line in story.lines:
        for word in WORD.findall(line.text):
            lower = word.lower()
            if lower in KNOWN_NAMES and word[0].isupper():
                names.setdefault(lower, None)
            elif word in KNOWN_PLACES and word not in keep:
                places.setdefault(word, None)
    if len(names) > len(INVENTED_NAMES) or len(places) > len(INVENTED_PLACES):
        raise ValueError(f"a story of {len(names)} names and {len(places)} places: too many")
    mapping = dict(zip(names, rng.sample(INVENTED_NAMES, len(names)), strict=True))
    mapping |= dict(zip(places, rng.sample(INVENTED_PLACES, len(places)), strict=True))

    def renamed(text: str) -> str:
        return WORD.sub(lambda match: mapping.get(match[0].lower(), match[0]), text)

    lines = [replace(line, text=renamed(line.text)) for line in story.lines]
    left = {
        word
        for line in lines
        for word in WORD.findall(line.text)
        if (word.lower() in KNOWN_NAMES and word[0].isupper())
        or (word in KNOWN_PLACES and word not in keep)
    }
    if left:  # a check that can fail: the regex missed a spelling
        raise RuntimeError(f"names or places left after renaming: {sorted(left)}")
    return replace(story, lines=lines)


def check_invented(known_words) -> None:
    """Raise if an invented word is one the model knows, or one edit from one (a "typo")."""
    from chatbot.text import one_edit as _one_edit

    known = {word.lower() for word in known_words} | KNOWN_NAMES | KNOWN_PLACES
    for word in (name.lower() for name in (*INVENTED_NAMES, *INVENTED_PLACES)):
        clashes = [other for other in known if other == word or _one_edit(word, other)]
        if clashes:
            raise RuntimeError(f"the invented word {word!r} is, or is near, {clashes[:3]}")
