"""Tests of the story generator (chatbot/stories/world/) and `chatbot generate`: bAbI's own yes/no
tasks (6, 9, 10, 17, 18), files, seeds, streams and bad input. tests/test_world_stories.py
checks the stories of all twenty tasks and the mixed ones.

Every generated answer and supporting id of tasks 6, 9, 10, 17 and 18 is checked by `replay`,
written here from bAbI's rules: it reads only the written files and imports nothing from the
generator (world is imported only to run it). The same replay agrees with every question of
the real bAbI files, which shows that it encodes bAbI's meaning and not the generator's.
"""

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from chatbot.cli import main
from chatbot.errors import ChatbotError, UsageError
from chatbot.stories import world
from chatbot.stories.babi import Question, read_stories
from chatbot.text import tokenize

STEMS = {
    6: "qa6_yes-no-questions",
    9: "qa9_simple-negation",
    10: "qa10_indefinite-knowledge",
    17: "qa17_positional-reasoning",
    18: "qa18_size-reasoning",
}

# ---- the replay: bAbI's rules, from the text alone ------------------------------------------

IS_IN = re.compile(r"(\w+) is in the (\w+)\.")
NOT_IN = re.compile(r"(\w+) is (?:no longer|not) in the (\w+)\.")
EITHER = re.compile(r"(\w+) is either in the (\w+) or the (\w+)\.")
MOVE = re.compile(r"(\w+) [a-z]+(?: back)? to the (\w+)\.")
PICK = re.compile(r"(\w+) (?:got|took|picked up|grabbed) the (\w+) there\.")
DROP = re.compile(r"(\w+) (?:dropped|discarded|put down|left) the (\w+)(?: there)?\.")
IS_PERSON_IN = re.compile(r"Is (\w+) in the (\w+)\?")

THING = r"(?:red |blue |pink |yellow )?(?:square|triangle|rectangle|sphere)"
THING += r"|box of chocolates|chocolate|box|chest|container|suitcase"
RELATION = r"above|below|to the left of|to the right of"
PLACED = re.compile(rf"The ({THING}) is ({RELATION}) the ({THING})\.")
IS_PLACED = re.compile(rf"Is the ({THING}) ({RELATION}) the ({THING})\?")
STEP = {"above": (0, 1), "below": (0, -1), "to the left of": (-1, 0), "to the right of": (1, 0)}
FITS = re.compile(rf"The ({THING}) fits inside the ({THING})\.")
BIGGER = re.compile(rf"The ({THING}) is bigger than the ({THING})\.")
DOES_FIT = re.compile(rf"Does the ({THING}) fit in the ({THING})\?")
IS_BIGGER = re.compile(rf"Is the ({THING}) bigger than the ({THING})\?")


def replay_places(story) -> None:
    """Tasks 6, 9, 10: a person is where the latest fact about them says; objects are held by
    whoever picked them up until they drop them."""
    told = {}  # person -> (kind, places, id of the sentence)
    holder = {}  # object -> person
    for line in story.lines:
        where = f"{story.source}, story at line {story.line}, id {line.id}: {line.text!r}"
        if isinstance(line, Question):
            person, place = IS_PERSON_IN.fullmatch(line.text).groups()
            kind, places, line_id = told[person]
            if kind == "at":
                expected = "yes" if place == places[0] else "no"
            elif kind == "either":
                expected = "maybe" if place in places else "no"
            else:  # after "is not in the X", only X can be answered
                assert place == places[0], where
                expected = "no"
            assert (line.answer, line.supporting) == (expected, (line_id,)), where
        elif match := IS_IN.fullmatch(line.text) or MOVE.fullmatch(line.text):
            told[match[1]] = ("at", (match[2],), line.id)
        elif match := NOT_IN.fullmatch(line.text):
            told[match[1]] = ("not", (match[2],), line.id)
        elif match := EITHER.fullmatch(line.text):
            told[match[1]] = ("either", (match[2], match[3]), line.id)
        elif match := PICK.fullmatch(line.text):
            assert match[2] not in holder, where
            holder[match[2]] = match[1]
        elif match := DROP.fullmatch(line.text):
            assert holder.pop(match[2], None) == match[1], where
        else:
            raise AssertionError(f"not a sentence of tasks 6, 9, 10: {where}")


def replay_positions(story) -> None:
    """Task 17: shapes on a grid, one step per relation; "Is A above B?" is yes when A is
    higher than B. The support names the sentence of A, then that of B."""
    said = {}  # shape -> id of the sentence that names it
    edges = []  # (subject, (dx, dy), object)
    for line in story.lines:
        where = f"{story.source}, story at line {story.line}, id {line.id}: {line.text!r}"
        if not isinstance(line, Question):
            subject, relation, object_ = PLACED.fullmatch(line.text).groups()
            edges.append((subject, STEP[relation], object_))
            said.setdefault(subject, line.id)
            said.setdefault(object_, line.id)
            continue
        first, relation, second = IS_PLACED.fullmatch(line.text).groups()
        position = {edges[0][2]: (0, 0)}
        for _ in edges:  # relax until every shape has a place
            for subject, (dx, dy), object_ in edges:
                if object_ in position:
                    position[subject] = (position[object_][0] + dx, position[object_][1] + dy)
                elif subject in position:
                    position[object_] = (position[subject][0] - dx, position[subject][1] - dy)
        offset = (
            position[first][0] - position[second][0],
            position[first][1] - position[second][1],
        )
        assert offset != (0, 0), where
        step = STEP[relation]
        expected = "yes" if offset[0] * step[0] + offset[1] * step[1] > 0 else "no"
        assert (line.answer, line.supporting) == (expected, (said[first], said[second])), where


def replay_sizes(story) -> None:
    """Task 18: sizes are ordered transitively. The support is a chain of two facts from the
    smaller to the bigger thing, the one naming the bigger-than subject first (Y of "Does X fit
    in Y?", X of "Is X bigger than Y?")."""
    facts = {}  # id -> (smaller, bigger)
    for line in story.lines:
        where = f"{story.source}, story at line {story.line}, id {line.id}: {line.text!r}"
        if not isinstance(line, Question):
            if match := FITS.fullmatch(line.text):
                facts[line.id] = (match[1], match[2])
            else:
                bigger, smaller = BIGGER.fullmatch(line.text).groups()
                facts[line.id] = (smaller, bigger)
            continue
        if match := DOES_FIT.fullmatch(line.text):
            small, big = match[1], match[2]  # the question's claim: small fits in big
        else:
            big, small = IS_BIGGER.fullmatch(line.text).groups()
        inside = set(facts.values())
        while True:  # transitive closure
            more = {(a, d) for a, b in inside for c, d in inside if b == c} - inside
            if not more:
                break
            inside |= more
        assert all(a != b for a, b in inside), f"sizes contradict each other: {where}"
        assert ((small, big) in inside) != ((big, small) in inside), where
        expected = "yes" if (small, big) in inside else "no"
        lower, upper = (small, big) if expected == "yes" else (big, small)
        assert len(line.supporting) == 2, where
        first, second = (facts[i] for i in line.supporting)
        assert big in first, where  # the first names the bigger-than subject of the question
        middles = {b for a, b in (first, second) if a == lower}
        assert middles & {a for a, b in (first, second) if b == upper}, where
        assert line.answer == expected, where


REPLAY = {6: replay_places, 9: replay_places, 10: replay_places}
REPLAY |= {17: replay_positions, 18: replay_sizes}


def replay(path, task) -> int:
    """Check every answer and support of a file; the number of questions checked."""
    stories = read_stories(path)
    for story in stories:
        REPLAY[task](story)
    return sum(len(story.questions) for story in stories)


# ---- helpers --------------------------------------------------------------------------------


def words_of(path) -> set[str]:
    """The words of a file's sentences, questions and answers (not its ids)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {word for line in lines for word in tokenize(line) if not word.isdigit()}


def template(text: str) -> str:
    """A sentence with its names, places, objects and shapes taken out."""
    text = re.sub(rf"\b(the|The) (?:{THING})\b", r"\1 X", text)
    text = re.sub(r"\bthe (?!(?:X|left|right)\b)\w+", "the X", text)
    return re.sub(r"\b(?!(?:The|Is|Does)\b)[A-Z][a-z]+\b", "P", text)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Generated files of bAbI's five yes/no tasks: 3,000 train questions each, seed 0."""
    folder = tmp_path_factory.mktemp("generated")
    world.generate_files(folder, questions=3000, seed=0, tasks=tuple(STEMS))
    return folder


# ---- answers and supports -------------------------------------------------------------------


@pytest.mark.parametrize("task", STEMS)
def test_every_generated_answer_and_support_agrees_with_the_replay(generated, task):
    for split, questions in (("train", 3000), ("valid", 300), ("test", 300)):
        assert replay(generated / f"{STEMS[task]}_{split}.txt", task) == questions


@pytest.mark.parametrize("task", STEMS)
def test_the_replay_agrees_with_every_real_question(shared_babi, task):
    checked = sum(replay(path, task) for path in shared_babi.glob(f"en*/qa{task}_*.txt"))
    assert checked == 11_000


def test_the_replay_catches_a_wrong_answer_and_a_wrong_support(tmp_path):
    good = "1 Mary moved to the office.\n2 Is Mary in the office?\tyes\t1\n"
    path = tmp_path / "qa6_yes-no-questions_train.txt"
    path.write_text(good)
    assert replay(path, 6) == 1
    for bad in (good.replace("yes", "no"), good.replace("\t1", "\t2")):
        path.write_text(bad.replace("2 Is", "2 John went to the hallway.\n3 Is"))
        with pytest.raises(AssertionError):
            replay(path, 6)


# ---- like the real files --------------------------------------------------------------------


def test_every_word_of_the_real_yes_no_files_occurs_in_the_generated_ones(shared_babi, generated):
    made = set().union(*(words_of(path) for path in generated.glob("*.txt")))
    for task in STEMS:
        for path in shared_babi.glob(f"en*/qa{task}_*.txt"):
            assert words_of(path) <= made, (path, sorted(words_of(path) - made))


@pytest.mark.parametrize("task", STEMS)
def test_templates_answers_and_story_shapes_follow_the_real_files(shared_babi, generated, task):
    real = read_stories(next(shared_babi.glob(f"en-10k/qa{task}_*.txt")))
    made = read_stories(generated / f"{STEMS[task]}_train.txt")

    def shares(keys):
        counts = Counter(keys)
        return {name: count / counts.total() for name, count in counts.items()}

    def lines(stories):
        return [line for story in stories for line in story.lines]

    real_templates = shares(template(line.text) for line in lines(real))
    made_templates = shares(template(line.text) for line in lines(made))
    for name, share in real_templates.items():
        # every real template, at a similar rate (the generator adds a few of its own)
        assert 0.5 * share <= made_templates.get(name, 0) <= 1.5 * share, (name, share)
    real_answers = shares(line.answer for line in lines(real) if isinstance(line, Question))
    made_answers = shares(line.answer for line in lines(made) if isinstance(line, Question))
    assert made_answers.keys() == real_answers.keys()
    for name, share in real_answers.items():
        assert abs(made_answers[name] - share) < 0.03, name

    def mean_shape(stories):
        questions = sum(len(story.questions) for story in stories) / len(stories)
        sentences = sum(len(story.sentences) for story in stories) / len(stories)
        return questions, sentences

    for real_mean, made_mean in zip(mean_shape(real), mean_shape(made), strict=True):
        assert made_mean == pytest.approx(real_mean, rel=0.05)


# ---- files, seeds and streams ---------------------------------------------------------------


def test_generate_files_writes_three_splits_per_task_named_like_babi(tmp_path):
    paths = world.generate_files(tmp_path, questions=30, seed=1, tasks=(17, 6))
    names = [
        f"{STEMS[task]}_{split}.txt" for task in (17, 6) for split in ("train", "valid", "test")
    ]
    assert paths == [tmp_path / name for name in names]
    assert sorted(os.listdir(tmp_path)) == sorted(names)
    counts = [sum(len(story.questions) for story in read_stories(path)) for path in paths]
    assert counts == [30, 3, 3, 30, 3, 3]
    assert {task: world.TASKS[task] for task in STEMS} == STEMS
    assert world.DEFAULT_TASKS == tuple(STEMS)


def test_a_story_stops_at_the_last_question_asked_for():
    stories = world.generate_stories(6, 7, seed=0)
    assert [len(story.questions) for story in stories] == [5, 2]
    assert isinstance(stories[-1].lines[-1], Question)
    assert {story.task for story in stories} == {"qa6"}
    longer = world.generate_stories(6, 50, seed=0)
    assert longer[0].lines == stories[0].lines  # fewer questions give a prefix


def test_the_same_seed_gives_identical_files_and_another_seed_other_files(tmp_path):
    first, again, other = (tmp_path / name for name in ("first", "again", "other"))
    everything = (*world.TASKS, world.MIX)
    world.generate_files(first, questions=40, seed=7, tasks=everything)
    world.generate_files(again, questions=40, seed=7, tasks=everything)
    world.generate_files(other, questions=40, seed=8, tasks=everything)
    assert len(os.listdir(first)) == 3 * 21
    for path in first.iterdir():
        assert path.read_bytes() == (again / path.name).read_bytes()
        assert path.read_bytes() != (other / path.name).read_bytes()
    train, valid = (first / f"{STEMS[9]}_{split}.txt" for split in ("train", "valid"))
    assert read_stories(train)[0].lines != read_stories(valid)[0].lines


def test_a_task_s_files_do_not_change_when_other_tasks_are_added(tmp_path):
    everything = (*world.TASKS, world.MIX)
    for alone in (10, 3, world.MIX):
        world.generate_files(tmp_path / f"{alone}", questions=40, seed=3, tasks=(alone,))
    world.generate_files(tmp_path / "all", questions=40, seed=3, tasks=everything)
    assert len(os.listdir(tmp_path / "all")) == 3 * 21
    for alone in (10, 3, world.MIX):
        for path in (tmp_path / f"{alone}").iterdir():
            assert path.read_bytes() == (tmp_path / "all" / path.name).read_bytes()


def test_the_checked_in_data_is_what_the_command_in_its_readme_makes(tmp_path):
    data = Path(__file__).resolve().parent.parent / "data"
    assert (
        "chatbot generate --out data --questions 1000 --seed 0" in (data / "README.md").read_text()
    )
    written = world.generate_files(tmp_path, questions=1000, seed=0)
    assert sorted(path.name for path in data.glob("*.txt")) == sorted(p.name for p in written)
    for path in written:
        assert (data / path.name).read_bytes() == path.read_bytes(), path.name


def test_a_failed_write_leaves_the_old_file_and_no_partial_file(tmp_path, monkeypatch):
    out = tmp_path / "set"
    out.mkdir()
    old = out / f"{STEMS[6]}_train.txt"
    old.write_text("1 Mary moved to the office.\n")

    def fail(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(ChatbotError, match="No space left on device"):
        world.generate_files(out, questions=10, tasks=(6,), overwrite=True)
    assert os.listdir(out) == [old.name]
    assert os.listdir(tmp_path) == ["set"]
    assert old.read_text() == "1 Mary moved to the office.\n"


def test_generating_10000_questions_of_every_task_takes_a_few_seconds_of_cpu():
    start = os.times()
    for task in STEMS:
        assert sum(len(s.questions) for s in world.generate_stories(task, 10_000)) == 10_000
    used = os.times()
    seconds = used.user + used.system - start.user - start.system
    assert seconds < 5, f"{seconds:.1f} s of CPU"


# ---- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((21, 10), "no generator for task 21; choose from task numbers 1 to 20 and mix"),
        (("6", 10), "no generator for task '6'; choose from task numbers 1 to 20 and mix"),
        ((True, 10), "no generator for task True; choose from task numbers 1 to 20 and mix"),
        ((6, 0), "`questions` must be a whole number >= 1 (questions per task); got 0"),
        ((6, -5), "`questions` must be a whole number >= 1 (questions per task); got -5"),
        ((6, 2.5), "`questions` must be a whole number >= 1 (questions per task); got 2.5"),
        ((6, 10, 0, "dev"), "no split 'dev'; choose from train, valid, test"),
        ((6, 10, "x"), "the seed must be a whole number; got 'x'"),
    ],
)
def test_generate_stories_refuses_bad_arguments(arguments, message):
    with pytest.raises(UsageError) as caught:
        world.generate_stories(*arguments)
    assert str(caught.value) == message


def test_generate_files_refuses_no_tasks_and_a_file_for_a_folder(tmp_path):
    with pytest.raises(
        UsageError, match="^no tasks to generate; choose from task numbers 1 to 20 and mix$"
    ):
        world.generate_files(tmp_path, tasks=())
    with pytest.raises(UsageError, match="^no generator for task 0;"):
        world.generate_files(tmp_path, tasks=(6, 0))
    (tmp_path / "a file").write_text("")
    with pytest.raises(ChatbotError, match="a file is a file; give a folder to write into"):
        world.generate_files(tmp_path / "a file", questions=1)
    assert os.listdir(tmp_path) == ["a file"]


# ---- the command ----------------------------------------------------------------------------


def test_generate_command_writes_the_files_and_prints_their_paths(tmp_path, capsys):
    main(["generate", "--out", str(tmp_path / "out"), "--questions", "20", "--tasks", "18,9"])
    names = [
        f"{STEMS[task]}_{split}.txt" for task in (18, 9) for split in ("train", "valid", "test")
    ]
    assert capsys.readouterr() == (
        "".join(f"{tmp_path / 'out' / name}\n" for name in names),
        "",
    )
    world.generate_files(tmp_path / "api", questions=20, seed=0, tasks=(9, 18))
    for name in names:
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "api" / name).read_bytes()


QUESTIONS_ERROR = "Error: --questions must be a whole number >= 1 (questions per task); got 0"
TASKS_ERROR = "Error: --tasks: no generator for task '21'; use task numbers 1 to 20 and mix"
FOLDER_ERROR = "Error: {tmp}/a file is a file; give a folder to write into"


@pytest.mark.parametrize(
    ("flags", "code", "message"),
    [
        (["--tasks", "6,21"], 2, TASKS_ERROR),
        (["--questions", "0"], 2, QUESTIONS_ERROR),
        (["--out", "{tmp}/a file"], 1, FOLDER_ERROR),
    ],
)
def test_generate_command_bad_input_is_one_line_and_an_exit_code(
    tmp_path, capsys, flags, code, message
):
    (tmp_path / "a file").write_text("")
    flags = [flag.format(tmp=tmp_path) for flag in flags]
    with pytest.raises(SystemExit) as caught:
        main(["generate", "--out", str(tmp_path / "out"), *flags])
    assert caught.value.code == code
    assert capsys.readouterr() == ("", message.format(tmp=tmp_path) + "\n")
    assert not (tmp_path / "out").exists()


def test_world_imports_no_tensorflow():
    code = (
        "import sys, chatbot.stories.world; "
        "print(sorted({'tensorflow', 'keras'} & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout == "[]\n"
