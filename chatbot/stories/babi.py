"""The bAbI file format (v1.2, all 20 tasks): read and write stories and their questions.

A file is a run of stories. Each line is `ID text`; an ID of 1 starts a new story and every
other ID is the previous one plus 1. A question line is `ID question<TAB>answer<TAB>supporting
IDs`; most real files put a space before the first tab, and the answers of tasks 8 and 19 are
comma-separated lists ("apple,football"). A question does not end its story: it sees every
sentence before it, and later sentences continue the story.

Bad input raises `ChatbotError` naming the file, the line and what was expected.
"""

import glob
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from chatbot.errors import ChatbotError
from chatbot.files import write_text_atomic
from chatbot.untrusted import (
    MAX_FILE_BYTES,
    MAX_STORY_SENTENCES,
    check_text,
    decode_utf8,
    printable,
    read_file,
)

# A story's sentences and questions: room for MAX_STORY_SENTENCES sentences and as many questions.
MAX_STORY_LINES = 2 * MAX_STORY_SENTENCES


@dataclass(frozen=True)
class Sentence:
    id: int  # the bAbI line id (1 starts a story)
    text: str  # "Mary moved to the bathroom."


@dataclass(frozen=True)
class Question:
    id: int
    text: str  # "Is Mary in the bathroom?"
    answer: str  # as written: "yes", or "apple,football" (tasks 8 and 19)
    supporting: tuple[int, ...]  # ids of the supporting sentences


@dataclass
class Story:
    lines: list[Sentence | Question] = field(default_factory=list)  # in file order
    task: str = ""  # "qa6", from the file name; "" when unknown
    source: str = ""  # the path it was read from
    line: int = 0  # 1-based line number of its first line in `source`

    @property
    def sentences(self) -> list[Sentence]:
        return [line for line in self.lines if isinstance(line, Sentence)]

    @property
    def questions(self) -> list[Question]:
        return [line for line in self.lines if isinstance(line, Question)]


@dataclass(frozen=True)
class Example:  # one question with everything it may use
    story: tuple[str, ...]  # texts of the sentences before the question, oldest first
    question: str
    answer: str
    supporting: tuple[int, ...]  # 0-based indices into `story`
    task: str
    source: str


_TASK = re.compile(r"^(qa\d+)_")
_DIGITS = re.compile(r"(\d+)")
_GLOB_CHARACTERS = re.compile(r"[*?\[]")
QUESTION_FORMAT = "'ID question<TAB>answer<TAB>supporting IDs'"
FORMAT_HINT = f"lines are 'ID sentence' or {QUESTION_FORMAT}"
# Control characters other than tab and line breaks mean the file is not text.
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def task_of(path: str | os.PathLike) -> str:
    """The bAbI task a file holds, from its name: "qa6" for qa6_yes-no-questions_train.txt.

    Returns "mix" for the generator's mixed stories (mix_stories_train.txt), and "" when the
    name starts with neither `qa<number>_` nor `mix_`.
    """
    match = _TASK.match(Path(path).name)
    return match.group(1) if match else ("mix" if Path(path).name.startswith("mix_") else "")


def read_stories(path: str | os.PathLike) -> list[Story]:
    """Read one bAbI file.

    Args:
        path: the file.

    Returns:
        Its stories, in file order.

    Raises:
        ChatbotError: the file is missing, unreadable, empty, not a regular file, over
            `MAX_FILE_BYTES`, not UTF-8 text, holds a line or word over the caps of
            `chatbot.untrusted`, or breaks the format; the message names the file and line and
            says what was expected.
    """
    source = printable(str(path))
    try:
        data = read_file(path, MAX_FILE_BYTES, "give a bAbI text file")
    except FileNotFoundError:
        raise ChatbotError(
            f"{source}: no such file; give a bAbI file such as qa6_yes-no-questions_train.txt"
        ) from None
    except IsADirectoryError:
        raise ChatbotError(f"{source} is a folder; give the bAbI files in it") from None
    except OSError as error:
        raise ChatbotError(f"cannot read {source}: {error.strerror}") from None
    binary = _BINARY.search(data)
    if binary:
        line_number = data.count(b"\n", 0, binary.start()) + 1
        raise ChatbotError(
            f"{source}, line {line_number}: binary data (byte {data[binary.start()]:#04x}); "
            "expected a bAbI text file"
        )
    text = decode_utf8(data, source, "expected a bAbI text file")
    text = text.removeprefix("\ufeff")  # a byte-order mark some editors write
    if "\r" in text:  # files written on Windows (CR LF) or old Macs (CR alone)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    check_text(text, source)
    if not text.strip():
        raise ChatbotError(f"{source} is empty; expected bAbI stories, one line per sentence")
    return _parse(text, source, task_of(path))


def _parse(text: str, source: str, task: str) -> list[Story]:
    """Parse the text of a bAbI file; see `read_stories`."""
    stories: list[Story] = []
    lines: list[Sentence | Question] = []  # the lines of the story being read
    question_ids: set[int] = set()  # its questions' ids, which no question may rest on
    previous_id = line_number = 0

    def error(problem: str) -> ChatbotError:
        return ChatbotError(f"{source}, line {line_number}: {problem}")

    for line_number, line in enumerate(text.split("\n"), start=1):
        if not line or line.isspace():
            continue  # blank lines (a trailing newline, a gap between stories) mean nothing
        number, _, rest = line.partition(" ")
        if not (number.isdigit() and number.isascii()):
            raise error(
                f"expected a line ID (a number) first, got {printable(repr(number[:20]))}; "
                f"{FORMAT_HINT}"
            )
        line_id = int(number[:6])  # longer IDs are over the cap, refused just below
        if len(number) > 6 or line_id > MAX_STORY_LINES:
            raise error(
                f"ID {number[:12]}{'...' * (len(number) > 12)}: a story holds at most "
                f"{MAX_STORY_LINES:,} lines; split it into shorter stories"
            )
        if line_id == 1:
            lines = []
            question_ids = set()
            stories.append(Story(lines, task=task, source=source, line=line_number))
        elif not stories:
            raise error(f"the first story starts with ID {line_id}; expected ID 1")
        elif line_id != previous_id + 1:
            raise error(
                f"ID {line_id} does not follow ID {previous_id}; "
                f"expected {previous_id + 1}, or 1 to start a new story"
            )
        previous_id = line_id

        if "\t" not in rest:
            sentence = rest.strip()
            if not sentence:
                raise error(f"ID {line_id} has no text; {FORMAT_HINT}")
            if sentence[-1] == "?":
                raise error(f"a question without an answer; expected {QUESTION_FORMAT}")
            lines.append(Sentence(line_id, sentence))
            continue

        question, answer, *more = rest.split("\t")
        question, answer = question.strip(), answer.strip()
        if not question:
            raise error(f"ID {line_id} has an answer but no question; {FORMAT_HINT}")
        if not answer:
            raise error(f"a question without an answer; expected {QUESTION_FORMAT}")
        if len(more) > 1 and any(part.strip() for part in more[1:]):
            raise error(f"too many tabs; {FORMAT_HINT}")
        supporting = tuple(_supporting_ids(more[0] if more else "", line_id, question_ids, error))
        lines.append(Question(line_id, question, answer, supporting))
        question_ids.add(line_id)
    return stories


def _supporting_ids(field: str, question_id: int, question_ids: set[int], error) -> list[int]:
    """The supporting ids of a question line, each checked to be a sentence before it."""
    ids = []
    for item in field.split():
        if not (item.isdigit() and item.isascii()):
            raise error(
                f"supporting ID {printable(repr(item[:20]))} is not a number; expected line IDs"
            )
        support_id = int(item)
        if support_id >= question_id:
            what = "is the question itself" if support_id == question_id else "points past it"
            problem = f"supporting ID {support_id} of question {question_id} {what}"
        elif support_id in question_ids:
            problem = f"supporting ID {support_id} is a question"
        elif support_id < 1:
            problem = f"supporting ID {support_id} is not a line of this story"
        else:
            ids.append(support_id)
            continue
        raise error(f"{problem}; expected IDs of sentences before it")
    return ids


def expand_paths(paths: Iterable[str | os.PathLike], pattern: str = "*_train.txt") -> list[Path]:
    """The files meant by `paths`: files as given, folders as their files matching `pattern`,
    globs as what they match.

    Folder and glob contents come in natural order (qa2 before qa10); a file met twice is kept
    once, where it first came.

    Raises:
        ChatbotError: a path that does not exist, or a folder or glob that matches nothing.
    """
    files: list[Path] = []
    for given in paths:
        given_text = str(given)
        path = Path(given)
        if path.is_dir():
            found = sorted((p for p in path.glob(pattern) if p.is_file()), key=_natural)
            if not found:
                raise ChatbotError(f"folder {given_text} holds no files matching {pattern}")
            files.extend(found)
        elif path.exists():
            files.append(path)
        elif _GLOB_CHARACTERS.search(given_text):
            matches = sorted((Path(p) for p in glob.glob(given_text)), key=_natural)
            if not matches:
                raise ChatbotError(f"no files match {given_text}")
            files.extend(expand_paths(matches, pattern))
        else:
            raise ChatbotError(f"{given_text}: no such file or folder")
    unique, seen = [], set()
    for file in files:
        key = file.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(file)
    return unique


def _natural(path: Path) -> list:
    """Sort key that orders the numbers in names by value: qa2 before qa10."""
    return [int(part) if part.isdigit() else part for part in _DIGITS.split(str(path))]


def read_paths(paths: Iterable[str | os.PathLike], pattern: str = "*_train.txt") -> list[Story]:
    """Read the stories of several bAbI files, given as files, folders or globs.

    Args:
        paths: files, folders (a folder means its files matching `pattern`) and globs.
        pattern: which files of a folder to read.

    Returns:
        The stories of every file, file after file, in the order of `expand_paths`.
    """
    paths = list(paths)
    if not paths:
        raise ChatbotError("no bAbI files given; name files, folders or globs")
    stories = []
    for path in expand_paths(paths, pattern):
        stories.extend(read_stories(path))
    return stories


def format_stories(stories: Iterable[Story]) -> str:
    """The bAbI text of `stories` (questions get no space before the tab)."""
    out = []
    for story in stories:
        for expected_id, line in enumerate(story.lines, start=1):
            if isinstance(line, Question):
                supporting = " ".join(map(str, line.supporting))
                fields = (line.text, line.answer, supporting)
                text = f"{line.text}\t{line.answer}\t{supporting}"
            else:
                fields = (line.text,)
                text = line.text
            # What the reader could not read back: wrong ids, empty text, tabs or line breaks.
            if (
                line.id != expected_id
                or not all(fields[:2])
                or text.count("\t") != len(fields) - 1
                or "\n" in text
                or "\r" in text
            ):
                raise _unwritable(story, line, expected_id)
            out.append(f"{line.id} {text}\n")
    return "".join(out)


def _unwritable(story: Story, line: Sentence | Question, expected_id: int) -> ChatbotError:
    where = f"story at {story.source or '?'}, line {story.line}"
    if line.id != expected_id:
        return ChatbotError(f"{where}: ID {line.id} where {expected_id} was expected")
    return ChatbotError(
        f"{where}: ID {line.id} has empty text or a tab or line break in it, "
        "which the bAbI format cannot hold"
    )


def write_stories(stories: Iterable[Story], path: str | os.PathLike) -> None:
    """Write stories as a bAbI file, atomically (a half-written file never appears).

    `read_stories` gives back the same stories. Questions are written `ID question<TAB>answer
    <TAB>supporting IDs`, without the space some real files have before the tab.
    """
    write_text_atomic(path, format_stories(stories))


def examples_of(stories: Iterable[Story]) -> list[Example]:
    """One `Example` per question: the texts of the sentences before it and its answer.

    Supporting ids become 0-based indices into the example's `story`.
    """
    examples = []
    for story in stories:
        texts: list[str] = []
        index_of: dict[int, int] = {}
        for line in story.lines:
            if isinstance(line, Sentence):
                index_of[line.id] = len(texts)
                texts.append(line.text)
                continue
            try:
                supporting = tuple(index_of[support_id] for support_id in line.supporting)
            except KeyError as error:
                raise ChatbotError(
                    f"story at {story.source or '?'}, line {story.line}: question {line.id} "
                    f"is supported by {error.args[0]}, which is not a sentence before it"
                ) from None
            examples.append(
                Example(tuple(texts), line.text, line.answer, supporting, story.task, story.source)
            )
    return examples
