"""`chatbot convert`: real bAbI files rewritten in the yes/no question forms
(docs/QUESTION_FORMS.md).

Each bAbI question becomes its yes form built from bAbI's answer, then one "no" form that
changes one part of it (a place, object, person, count, colour, kind, mood or direction pair;
in task 4 also the stated link the wrong way round). "No" forms are checked false by
`stories.yesno`'s reading of the story, so nothing true in plain English is asked as a "no".
Questions already yes/no (tasks 6, 9, 10, 17, 18) stay as they are. Story lines stay as they
are; ids are renumbered, supporting ids with them.
"""

import os
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from chatbot.errors import ChatbotError
from chatbot.files import write_files_atomic
from chatbot.stories.babi import (
    Question,
    Sentence,
    Story,
    expand_paths,
    format_stories,
    read_stories,
)
from chatbot.stories.rule_reader import OPPOSITE, WORDS, Reader, plural, singular
from chatbot.stories.yesno import answer_from

YES_NO = ("yes", "no", "maybe")
COUNT_FORMS = {  # bAbI's task 7 answer -> the count in the yes/no form
    "none": "no objects",
    "one": "one object",
    "two": "two objects",
    "three": "three objects",
}
_SHORT_DIRECTIONS = {direction[0]: direction for direction in OPPOSITE}


@dataclass(frozen=True)
class Form:
    """A bAbI question as a yes/no form with one part that can change."""

    value: str  # the changeable part as bAbI's answer fills it
    build: Callable[[str], str]  # the question with that part set to a value
    words: str  # its kind of word: a key of `Reader.words`, "counts" or "direction pairs"
    fixed: tuple[str, ...] = ()  # words the question already uses, never an alternative
    extra: tuple[str, ...] = ()  # other "no" candidates (task 4's link the wrong way round)
    # Task 4: alternatives must have a stated link with this place; one the story never
    # relates to it could lie in any direction, so asking it would not be plainly false.
    linked_to: str = ""
    first: str = ""  # the first question when it is not build(value) (task 8's "nothing")
    answer: str = "yes"  # the first question's answer


def _name(match, group="x"):
    return match[group].capitalize()


def _where_person(m, answer):
    return Form(answer, lambda p: f"Is {_name(m)} in the {p}?", "places")


def _where_thing(m, answer):
    return Form(answer, lambda p: f"Is the {m['o']} in the {p}?", "places")


def _before_thing(m, answer):
    build = lambda p: f"Was the {m['o']} in the {p} before the {m['q']}?"  # noqa: E731
    return Form(answer, build, "places", fixed=(m["q"],))


def _before_person(m, answer):
    build = lambda p: f"Was {_name(m)} in the {p} before the {m['q']}?"  # noqa: E731
    return Form(answer, build, "places", fixed=(m["q"],))


def _what_is_direction_of(m, answer):
    build = lambda q: f"Is the {q} {m['d']} of the {m['p']}?"  # noqa: E731
    wrong_way = f"Is the {m['p']} {m['d']} of the {answer}?"
    return Form(answer, build, "places", fixed=(m["p"],), extra=(wrong_way,), linked_to=m["p"])


def _what_is_place_direction_of(m, answer):
    build = lambda q: f"Is the {m['p']} {m['d']} of the {q}?"  # noqa: E731
    wrong_way = f"Is the {answer} {m['d']} of the {m['p']}?"
    return Form(answer, build, "places", fixed=(m["p"],), extra=(wrong_way,), linked_to=m["p"])


def _gave_what(m, answer):
    build = lambda o: f"Did {_name(m)} give the {o} to {_name(m, 'y')}?"  # noqa: E731
    return Form(answer, build, "objects")


def _gave_to_whom(m, answer):
    build = lambda y: f"Did {_name(m)} give the {m['o']} to {y}?"  # noqa: E731
    return Form(answer.capitalize(), build, "people", fixed=(_name(m),))


def _who_gave_to(m, answer):
    build = lambda x: f"Did {x} give the {m['o']} to {_name(m, 'y')}?"  # noqa: E731
    return Form(answer.capitalize(), build, "people", fixed=(_name(m, "y"),))


def _who_gave(m, answer):
    return Form(answer.capitalize(), lambda x: f"Did {x} give the {m['o']}?", "people")


def _who_received(m, answer):
    return Form(answer.capitalize(), lambda y: f"Did {y} receive the {m['o']}?", "people")


def _how_many(m, answer):
    if answer not in COUNT_FORMS:
        raise ValueError(f"cannot convert the count {answer!r}: expected none, one, two or three")
    return Form(COUNT_FORMS[answer], lambda count: f"Is {_name(m)} carrying {count}?", "counts")


def _carrying(m, answer):
    build = lambda o: f"Is {_name(m)} carrying the {o}?"  # noqa: E731
    if answer == "nothing":
        return Form("", build, "objects", first=f"Is {_name(m)} carrying anything?", answer="no")
    return Form(answer.split(",")[0], build, "objects", fixed=tuple(answer.split(",")))


def _afraid(m, answer):
    build = lambda kind: f"Is {_name(m)} afraid of {plural(kind)}?"  # noqa: E731
    return Form(singular(answer), build, "kinds")


def _colour(m, answer):
    return Form(answer, lambda colour: f"Is {_name(m)} {colour}?", "colours")


def _path(m, answer):
    steps = answer.split(",")
    if len(steps) != 2 or not all(step in _SHORT_DIRECTIONS for step in steps):
        raise ValueError(f"cannot convert the path {answer!r}: expected two steps such as 's,e'")

    def build(pair: str) -> str:
        first, second = pair.split(",")
        return f"Can you get from the {m['p']} to the {m['q']} by going {first} and then {second}?"

    return Form(",".join(_SHORT_DIRECTIONS[step] for step in steps), build, "direction pairs")


def _will_go(m, answer):
    return Form(answer, lambda p: f"Will {_name(m)} go to the {p}?", "places")


def _why_go(m, answer):
    build = lambda mood: f"Did {_name(m)} go to the {m['p']} because he was {mood}?"  # noqa: E731
    return Form(answer, build, "moods")


def _why_get(m, answer):
    build = lambda mood: f"Did {_name(m)} get the {m['o']} because he was {mood}?"  # noqa: E731
    return Form(answer, build, "moods")


_N = r"[A-Za-z]+"
_D = "|".join(OPPOSITE)
_QUESTIONS = [
    (rf"Where is (?P<x>{_N})", _where_person),
    (rf"Where is the (?P<o>{WORDS})", _where_thing),
    (rf"Where was the (?P<o>{WORDS}) before the (?P<q>{WORDS})", _before_thing),
    (rf"Where was (?P<x>{_N}) before the (?P<q>{WORDS})", _before_person),
    (rf"What is (?P<d>{_D}) of the (?P<p>{WORDS})", _what_is_direction_of),
    (rf"What is the (?P<p>{WORDS}) (?P<d>{_D}) of", _what_is_place_direction_of),
    (rf"What did (?P<x>{_N}) give to (?P<y>{_N})", _gave_what),
    (rf"Who did (?P<x>{_N}) give the (?P<o>{WORDS}) to", _gave_to_whom),
    (rf"Who gave the (?P<o>{WORDS}) to (?P<y>{_N})", _who_gave_to),
    (rf"Who gave the (?P<o>{WORDS})", _who_gave),
    (rf"Who received the (?P<o>{WORDS})", _who_received),
    (rf"How many objects is (?P<x>{_N}) carrying", _how_many),
    (rf"What is (?P<x>{_N}) carrying", _carrying),
    (rf"What is (?P<x>{_N}) afraid of", _afraid),
    (rf"What colou?r is (?P<x>{_N})", _colour),
    (rf"How do you go from the (?P<p>{WORDS}) to the (?P<q>{WORDS})", _path),
    (rf"Where will (?P<x>{_N}) go", _will_go),
    (rf"Why did (?P<x>{_N}) go to the (?P<p>{WORDS})", _why_go),
    (rf"Why did (?P<x>{_N}) get the (?P<o>{WORDS})", _why_get),
]
QUESTIONS = [(re.compile(rf"^{pattern}\?$"), form) for pattern, form in _QUESTIONS]


def form_of(question: str, answer: str) -> Form:
    """The yes/no `Form` of one bAbI question and its answer.

    Raises:
        ValueError: a question or answer of no bAbI task's kind (the message says which).
    """
    text = question.strip()
    for pattern, make in QUESTIONS:
        match = pattern.match(text)
        if match:
            return make(match, answer)
    raise ValueError(f"cannot convert {question!r}: expected a question of bAbI's twenty tasks")


def alternatives(words: str, known: dict[str, set[str]]) -> list[str]:
    """The values of one kind of word: from `known` (`Reader.words`), sorted."""
    if words == "counts":
        return sorted(COUNT_FORMS.values())
    if words == "direction pairs":
        return sorted(f"{a},{b}" for a in known["directions"] for b in known["directions"])
    return sorted(known[words])


def yes_no_questions(reader: Reader, question: Question, rng: random.Random, file_words):
    """A bAbI question as [(text, answer)]: the yes form, then a "no" form where one exists.

    Questions already answered yes, no or maybe come back unchanged. The "no" form's value
    comes from the story read so far (`reader`), else from `file_words` (the whole file's
    words); among those whose question `reader` answers "no", `rng` picks one.
    """
    if question.answer in YES_NO:
        return [(question.text, question.answer)]
    form = form_of(question.text, question.answer)
    first = form.first or form.build(form.value)
    for known in (reader.words, file_words):
        unwanted = {form.value, *form.fixed}
        values = [value for value in alternatives(form.words, known) if value not in unwanted]
        if form.linked_to:
            values = [value for value in values if value in reader.neighbours(form.linked_to)]
        candidates = [
            text
            for text in sorted(set(map(form.build, values)) | set(form.extra))
            if text != first and answer_from(reader, text) == "no"
        ]
        if candidates:
            return [(first, form.answer), (rng.choice(candidates), "no")]
    return [(first, form.answer)]


def file_words(stories: Iterable[Story]) -> dict[str, set[str]]:
    """Every word of each kind that the stories' sentences name (alternatives of last resort)."""
    words: dict[str, set[str]] = {}
    for story in stories:
        reader = Reader()
        for offset, line in enumerate(story.lines):
            if isinstance(line, Sentence):
                try:
                    reader.read(line.text)
                except ChatbotError as error:
                    raise ChatbotError(f"{_where(story, offset)}: {error}") from None
        for kind, found in reader.words.items():
            words.setdefault(kind, set()).update(found)
    return words


def _where(story: Story, offset: int) -> str:
    """The file and line of a story's line (real files have no blank lines inside a story)."""
    return f"{story.source or '?'}, line {story.line + offset}"


def convert_story(story: Story, rng: random.Random, words: dict[str, set[str]], check=None):
    """One story with its questions as yes/no forms, ids and supporting ids renumbered.

    `check`, if given, is called as check(reader, question, forms) for every bAbI question,
    with the world read up to it and its [(text, answer)] forms.
    """
    reader, lines, new_id = Reader(), [], {}
    for offset, line in enumerate(story.lines):
        try:
            if isinstance(line, Sentence):
                reader.read(line.text)
                new_id[line.id] = len(lines) + 1
                lines.append(Sentence(len(lines) + 1, line.text))
                continue
            forms = yes_no_questions(reader, line, rng, words)
            if check is not None:
                check(reader, line, forms)
        except (ChatbotError, ValueError) as error:
            raise ChatbotError(f"{_where(story, offset)}: {error}") from None
        supporting = tuple(new_id[old] for old in line.supporting)
        for text, answer in forms:
            lines.append(Question(len(lines) + 1, text, answer, supporting))
    return replace(story, lines=lines)


def convert_file(path: str | os.PathLike, seed: int = 0, check=None) -> list[Story]:
    """The yes/no version of one bAbI file's stories (same seed and file name, same result).

    `check` is passed on to `convert_story`.
    """
    stories = read_stories(path)
    words = file_words(stories)
    rng = random.Random(f"{seed}:{Path(path).name}")
    return [convert_story(story, rng, words, check) for story in stories]


def convert_files(paths: Iterable[str | os.PathLike], out_dir: str | os.PathLike, seed: int = 0):
    """Write the yes/no version of bAbI files into `out_dir` under the same names.

    Every file is read and converted before any is written, and the files are written as one
    (`files.write_files_atomic`): a failure leaves the old files, never some of each.

    Returns:
        The paths written, in the order given.

    Raises:
        ChatbotError: no files, two files of one name, a file that would overwrite its own
            input, an `out_dir` that is a file, or a file that is not bAbI text.
    """
    paths = list(paths)
    if not paths:
        raise ChatbotError("no bAbI files given; name the files to convert")
    paths, out = expand_paths(paths, "*.txt"), Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ChatbotError(f"--out {out} is a file; give a folder to write the files into")
    targets = [out / path.name for path in paths]
    for path, target in zip(paths, targets, strict=True):
        if targets.count(target) > 1:
            raise ChatbotError(f"two files named {path.name}; convert them into different --out")
        if target.exists() and target.resolve() == path.resolve():
            raise ChatbotError(f"{path} would overwrite itself; give another --out folder")
    converted = [convert_file(path, seed) for path in paths]
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ChatbotError(f"cannot make the folder {out}: {error.strerror}") from None
    # all or nothing: a kill or a full disk never leaves files of two seeds side by side
    contents = {
        target: format_stories(stories).encode("utf-8")
        for stories, target in zip(converted, targets, strict=True)
    }
    write_files_atomic(contents, name=out)
    return targets


@dataclass
class Agreement:
    """How the reader's answers compare with a bAbI file's (see `agreement`)."""

    questions: int = 0  # bAbI questions
    agreed: int = 0  # whose first yes/no form the reader answers as the file does
    no_forms: int = 0  # "no" forms written
    no_forms_false: int = 0  # of those, the ones the reader (read afresh) answers "no"
    disagreements: list[str] = field(default_factory=list)  # the first few, for a person


def agreement(path: str | os.PathLike, seed: int = 0, keep: int = 5) -> Agreement:
    """Convert one bAbI file and check every question's forms against the reader.

    A bAbI question agrees when the reader answers its first form as the converted file does
    (with bAbI's answer: "yes" for a yes form, bAbI's own answer for an unchanged question);
    every "no" form must be answered "no".
    """
    result = Agreement()

    def check(reader, question, forms):
        (first, expected), *no_forms = forms
        result.questions += 1
        label = answer_from(reader, first)
        result.agreed += label == expected
        if label != expected and len(result.disagreements) < keep:
            result.disagreements.append(f"{question.text} {question.answer}: {first} {label}")
        for text, _ in no_forms:
            result.no_forms += 1
            result.no_forms_false += answer_from(reader, text) == "no"

    convert_file(path, seed, check)
    return result
