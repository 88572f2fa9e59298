"""Which stories there are, and writing them: tasks 1-20 and the mixed stories, split by split.

Each task and split has its own random stream, seeded from (seed, task, split): the same seed
gives the same files, and adding a task to a run does not change another task's files.
"""

import random
import re
from pathlib import Path

from chatbot.errors import QUESTIONS, Message, UsageError
from chatbot.files import write_set
from chatbot.stories import babi
from chatbot.stories.world.everyday import reword
from chatbot.stories.world.everyday_words import FEMALE_NAMES, recast
from chatbot.stories.world.mixed import mixed_story
from chatbot.stories.world.tasks_logic import (
    colour_story,
    direction_story,
    fear_story,
    path_story,
    positional_story,
    size_story,
)
from chatbot.stories.world.tasks_objects import motivation_story, object_story
from chatbot.stories.world.tasks_places import legacy_story, movement_story, time_story, words_for
from chatbot.stories.world.words import (
    BABI_ANIMAL_NAMES_15,
    BABI_ANIMAL_NAMES_16,
    BABI_PEOPLE_10,
    BABI_PLACES,
    BABI_PLACES_10,
)
from chatbot.untrusted import shorten_word

TASKS = {
    1: "qa1_single-supporting-fact",
    2: "qa2_two-supporting-facts",
    3: "qa3_three-supporting-facts",
    4: "qa4_two-arg-relations",
    5: "qa5_three-arg-relations",
    6: "qa6_yes-no-questions",
    7: "qa7_counting",
    8: "qa8_lists-sets",
    9: "qa9_simple-negation",
    10: "qa10_indefinite-knowledge",
    11: "qa11_basic-coreference",
    12: "qa12_conjunction",
    13: "qa13_compound-coreference",
    14: "qa14_time-reasoning",
    15: "qa15_basic-deduction",
    16: "qa16_basic-induction",
    17: "qa17_positional-reasoning",
    18: "qa18_size-reasoning",
    19: "qa19_path-finding",
    20: "qa20_agents-motivations",
}
MIX = "mix"  # the mixed stories, asked for as a task: --tasks 1,2,mix
MIX_STEM = "mix_stories"  # their files: mix_stories_train.txt (not qa..., so no bAbI task)
DEFAULT_TASKS = (6, 9, 10, 17, 18)  # bAbI's own yes/no tasks: what `generate` writes unasked
# What the shipped model is trained on (`chatbot train generated`): every task and the mixed
# stories, each with this share of `--questions`. A first model that saw 2,000 questions of each
# got tasks 1, 6, 9-14 and 20 right 99-100% of the time, and 2, 3, 5, 8, 15-17, 19 and the
# mixed stories 56-92%; the next, with these shares at 0.5, 1 and 1.5, still erred most on
# tasks 3, 2, 19 and 16 and the mixed stories, and short of 99.9% on 17 and 18.
# The step network (issue 21) then read 2, 3 and 16 at 96-100% on stories of unseen names but
# 4, 19 and 20 at 78%, 74% and 92%: those got more.
TRAINING_SHARES = {
    **dict.fromkeys((1, 6, 9, 10, 11, 12, 13, 14), 0.5),
    **dict.fromkeys((7, 8, 15, 20), 1.0),
    **dict.fromkeys((5, 17, 18), 1.5),
    **dict.fromkeys((16, MIX), 2.0),
    **dict.fromkeys((2, 4), 2.5),
    **dict.fromkeys((3, 19), 3.0),
}
SPLITS = ("train", "valid", "test")
MAX_QUESTIONS = 1_000_000  # per task and split: ten times bAbI's largest files
EXAMPLE_QUESTIONS = 8  # questions of an example story: enough for one whole story
CHOICES = "task numbers 1 to 20 and mix"
BABI, EVERYDAY = "babi", "everyday"
WORDINGS = (BABI, EVERYDAY)  # how the stories' sentences are told (`generate_stories`)


def _story(rng: random.Random, task, split: str) -> list:
    """The lines of one story of `task`."""
    if task == MIX:
        return mixed_story(rng, split)
    if task in (6, 9, 10):
        return legacy_story(rng, task)
    if task in (1, 11, 12, 13):
        return movement_story(rng, task, split)
    if task in (2, 3, 5, 7, 8):
        return object_story(rng, task, split)
    if task == 14:
        return time_story(rng, words_for(rng, split, BABI_PEOPLE_10, BABI_PLACES_10))
    if task in (15, 16):
        babi_names = BABI_ANIMAL_NAMES_15 if task == 15 else BABI_ANIMAL_NAMES_16
        names = words_for(rng, split, babi_names, ()).people
        return fear_story(rng, names) if task == 15 else colour_story(rng, names)
    if task in (4, 19):
        places = words_for(rng, split, (), BABI_PLACES).places
        return direction_story(rng, places) if task == 4 else path_story(rng, places)
    if task == 17:
        return positional_story(rng)
    if task == 18:
        return size_story(rng)
    return motivation_story(rng, split)


def _check_task(task):
    if isinstance(task, bool) or task not in (*TASKS, MIX):
        raise UsageError(f"no generator for task {task!r}; choose from {CHOICES}")
    return task


def check_wordings(wordings) -> str:
    """`wordings` if it is one of `WORDINGS`; else UsageError."""
    if wordings not in WORDINGS:
        raise UsageError(f"no wordings {wordings!r}; choose from {', '.join(WORDINGS)}")
    return wordings


def _check_questions(questions) -> int:
    if isinstance(questions, bool) or not isinstance(questions, int) or questions < 1:
        raise UsageError(
            Message(
                QUESTIONS, f" must be a whole number >= 1 (questions per task); got {questions!r}"
            )
        )
    if questions > MAX_QUESTIONS:
        raise UsageError(
            f"--questions must be at most {MAX_QUESTIONS:,} (questions per task); got {questions:,}"
        )
    return questions


def example_story(task, seed: int):
    """One generated story to show a person (`:example`, `GET /api/example`, `/api/info`).

    Args:
        task: a bAbI task number, 1 to 20, or "mix".
        seed: any integer; the same seed gives the same story.

    Returns:
        The first `babi.Story` of `EXAMPLE_QUESTIONS` generated questions.
    """
    return generate_stories(task, EXAMPLE_QUESTIONS, seed)[0]


def questions_to_try(story) -> list[str]:
    """The distinct questions of a story, in order, without their answers (which hold where
    each question stands in the story, not after the whole of it)."""
    return list(dict.fromkeys(question.text for question in story.questions))


def parse_tasks(text: str) -> tuple:
    """The --tasks value, "6,9,10,mix", as tasks in the given order, each once.

    Raises:
        UsageError: an empty item or a task without a generator.
    """
    tasks: list = []
    for item in text.split(","):
        item = item.strip().lower().removeprefix("qa")
        if not item:
            raise UsageError(f"--tasks takes {CHOICES} separated by commas, such as 6,9,10,mix")
        task = task_named(item)
        if task is None:
            raise UsageError(
                f"--tasks: no generator for task {shorten_word(item)!r}; use {CHOICES}"
            )
        if task not in tasks:
            tasks.append(task)
    return tuple(tasks)


def generate_stories(
    task, questions: int, seed: int = 0, split: str = "train", wordings: str = BABI
) -> list:
    """Generate stories of one task, or mixed stories.

    Args:
        task: a bAbI task number, 1 to 20, or "mix".
        questions: how many questions in all; the last story ends after the last of them.
        seed: any integer; the same (seed, task, split) gives the same stories.
        split: "train", "valid" or "test"; each split has its own random stream. Only test
            stories use the held-out names, places and objects (world/words.py).
        wordings: "babi", bAbI's own templates, or "everyday": the same stories with their
            sentences told in the common ways people say them (world/everyday.py), drawn from
            a stream of their own, so the stories and questions are the same as with "babi".

    Returns:
        `babi.Story` objects with `task` set ("qa6", or "mix"); a smaller `questions` gives a
        prefix of the stories of a larger one.

    Raises:
        UsageError: an unknown task, split or wordings, or fewer than 1 question.
    """
    _check_task(task)
    _check_questions(questions)
    check_wordings(wordings)
    if split not in SPLITS:
        raise UsageError(f"no split {split!r}; choose from {', '.join(SPLITS)}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise UsageError(f"the seed must be a whole number; got {seed!r}")
    name = MIX if task == MIX else f"qa{task}"
    # A string seed is hashed (SHA-512) by random.Random, the same on every machine and run.
    rng = random.Random(f"chatbot.world/{seed}/{name}/{split}")
    words_rng = random.Random(f"chatbot.world/{seed}/{name}/{split}/{wordings}")
    stories = []
    remaining = questions
    while remaining > 0:
        lines = _story(rng, task, split)
        question_ends = [i for i, line in enumerate(lines, 1) if isinstance(line, babi.Question)]
        if not question_ends:
            continue  # a story that found nothing to ask (rare): told again
        if len(question_ends) > remaining:
            lines = lines[: question_ends[remaining - 1]]
        remaining -= min(remaining, len(question_ends))
        if wordings == EVERYDAY:
            lines = recast(reword(lines, words_rng, FEMALE_NAMES), words_rng, split)
        stories.append(babi.Story(lines=lines, task=name))
    return stories


def task_named(text: str):
    """The task a person names, as `generate_stories` takes it: "6", "qa6", "QA06" -> 6, "mix"
    -> MIX; None where no generator has that name.

    >>> task_named(" qa6"), task_named("Mix"), task_named("21")
    (6, 'mix', None)
    """
    name = text.strip().lower().removeprefix("qa")
    if name.isascii() and name.isdigit():
        name = name.lstrip("0")  # compared as text: no int() of a 5,000-digit number
    return {str(task): task for task in (*TASKS, MIX)}.get(name)


def file_name(task, split: str) -> str:
    """A task's file, the split last: "qa6_yes-no-questions_train.txt", "mix_stories_test.txt"."""
    return f"{MIX_STEM if task == MIX else TASKS[task]}_{split}.txt"


def generate_files(
    out_dir,
    questions: int = 10_000,
    seed: int = 0,
    tasks=DEFAULT_TASKS,
    overwrite: bool = False,
    wordings: str = BABI,
) -> list[Path]:
    """Write train, valid and test files of each task into `out_dir` (made if missing).

    Args:
        out_dir: the folder; files go flat into it, named as `file_name` says. A set there is
            replaced whole, never mixed with the new one (`files.write_set`).
        questions: per task in the train file; valid and test get a tenth each (at least 1).
        seed: any integer; a task's files depend only on the seed, never on the other tasks.
        tasks: task numbers from `TASKS`, and `MIX` for the mixed stories.
        overwrite: replace a folder holding a generated set.
        wordings: "babi" or "everyday", as `generate_stories` takes it.

    Returns:
        The paths written, task by task, train, valid, test. Each file is written atomically.

    Raises:
        UsageError: an unknown task or wordings, no tasks, or fewer than 1 or over
            `MAX_QUESTIONS` questions.
        ChatbotError: a set is there without `overwrite`, or the folder cannot be written.
    """
    tasks = tuple(tasks)
    if not tasks:
        raise UsageError(f"no tasks to generate; choose from {CHOICES}")
    for task in tasks:
        _check_task(task)
    _check_questions(questions)
    check_wordings(wordings)
    counts = {"train": questions, "valid": max(1, questions // 10), "test": max(1, questions // 10)}
    names = [
        (task, split, file_name(task, split)) for task in dict.fromkeys(tasks) for split in SPLITS
    ]

    def fill(folder: Path) -> None:
        for task, split, name in names:
            babi.write_stories(
                generate_stories(task, counts[split], seed, split, wordings), folder / name
            )

    write_set(Path(out_dir), fill, _SET_FILE.fullmatch, "a generated set", overwrite)
    return [Path(out_dir) / name for _, _, name in names]


# The names of generated files, which a generated set holds (and --overwrite replaces).
_SET_FILE = re.compile(rf"(?:qa\d+_[\w-]+|{MIX_STEM})_(?:{'|'.join(SPLITS)})\.txt")
