"""Benchmark: hand-written conversations, as a person would tell a story and ask about it.

The conversations are plain-text files under benchmarks/conversations/ (one file per theme; the
format is in benchmarks/conversations/README.md): a story, then questions, each with what a
careful reader would say: "yes", "no", "maybe", or (earlier.txt only) "refuse", where the bot
should say "cannot answer". They were written by hand, not by the generator, and are never read
by the generator or by training: they are held out.

For each file it reports: right (the expected answer), wrong (another answer, or an answer
where a refusal was expected; and how many of those at 95% or more), and refused (the bot said
"cannot answer" to a question with an answer: honest but unhelpful), with its share; and how
many answers were given while a story sentence was left out as unreadable.

Usage (from the project root):

    python benchmarks/conversations.py [--model DIR] [--folder DIR] [--show wrong|all|none]
"""

import argparse
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

FOLDER = Path(__file__).parent / "conversations"
ANSWERS = ("yes", "no", "maybe")  # what the new files expect
REFUSE = "refuse"  # expected only where the bot should say "cannot answer"
EARLIER = "earlier.txt"  # issue 12's questions, the only file that expects refusals
CONFIDENT = 0.95  # a wrong answer at this confidence or more is a confident mistake


@dataclass(frozen=True)
class Case:
    """One question of a conversation file, with its story and what a careful reader says."""

    file: str  # the file's name, e.g. "places.txt"
    line: int  # the question's line number in the file, from 1
    story: str  # the story's lines joined by spaces
    question: str
    expected: str  # one of ANSWERS, or REFUSE


def parse_conversations(text: str, name: str) -> list[Case]:
    """Reads one conversation file.

    Args:
        text: the file's text. Blocks are separated by blank lines; a block is one or more story
            lines, then one or more question lines `- QUESTION? ANSWER`. Lines starting with `#`
            are comments.
        name: the file's name, for the cases and the error messages.

    Returns:
        The file's questions, in order.

    Raises:
        ValueError: a block without a story or without questions, a story line after a question,
            a question line without "?" or with an answer not in yes/no/maybe/refuse.

    >>> cases = parse_conversations("Ann went home.\\n- Is Ann in the home? yes\\n", "x")
    >>> [(case.story, case.question, case.expected) for case in cases]
    [('Ann went home.', 'Is Ann in the home?', 'yes')]
    """
    cases: list[Case] = []
    story: list[str] = []
    asked = False  # the current block has had a question line

    def close_block(line_number: int) -> None:
        if story and not asked:
            raise ValueError(
                f"{name}:{line_number}: a story without questions; add lines "
                f'"- QUESTION? ANSWER" after it. Received: "{" ".join(story)[:80]}"'
            )

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#"):
            continue
        if not line:
            close_block(number)
            story, asked = [], False
            continue
        if line.startswith("- "):
            question, mark, answer = line[2:].rpartition("?")
            answer = answer.strip()
            if not mark or not question.strip():
                raise ValueError(
                    f'{name}:{number}: a question line is "- QUESTION? ANSWER", with a "?". '
                    f'Received: "{line}"'
                )
            if answer not in (*ANSWERS, REFUSE):
                raise ValueError(
                    f"{name}:{number}: the answer must be one of yes, no, maybe, refuse. "
                    f'Received: "{answer}"'
                )
            if not story:
                raise ValueError(
                    f"{name}:{number}: a question without a story; write the story's lines "
                    f'above it. Received: "{line}"'
                )
            cases.append(Case(name, number, " ".join(story), question.strip() + "?", answer))
            asked = True
        elif asked:
            raise ValueError(
                f"{name}:{number}: a story line after the questions; leave a blank line "
                f'between blocks. Received: "{line}"'
            )
        else:
            story.append(line)
    close_block(len(text.splitlines()) + 1)
    return cases


def read_conversations(folder: Path = FOLDER) -> dict[str, list[Case]]:
    """Reads every `*.txt` file of the folder, by file name (sorted)."""
    paths = sorted(folder.glob("*.txt"))
    if not paths:
        raise ValueError(f"no conversation files (*.txt) in {folder}. Received: {folder}")
    return {path.name: parse_conversations(path.read_text(encoding="utf-8"), path.name)
            for path in paths}  # fmt: skip


def outcome(expected: str, label: str | None) -> str:
    """ "right", "wrong" or "refused" for the bot's label (None when it said cannot answer)."""
    got = label or REFUSE
    if got == expected:
        return "right"
    return "refused" if got == REFUSE else "wrong"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model folder (default: the shipped default model)")
    parser.add_argument("--folder", type=Path, default=FOLDER, help="the conversation files")
    parser.add_argument(
        "--show",
        choices=["wrong", "all", "none"],
        default="wrong",
        help="the questions to print one by one (default: wrong and refused)",
    )
    arguments = parser.parse_args()
    try:
        files = read_conversations(arguments.folder)
    except (OSError, ValueError) as error:
        raise SystemExit(f"Error: {error}") from None

    from chatbot.answering.bot import Chatbot

    bot = Chatbot.load(arguments.model)
    rows, total = [], Counter()
    for name, cases in files.items():
        counts = Counter()
        for case in cases:
            answer = bot.answer(case.story, case.question)
            result = outcome(case.expected, answer.label)
            counts[result] += 1
            counts["confident"] += result == "wrong" and answer.confidence >= CONFIDENT
            counts["left out"] += answer.label is not None and bool(answer.left_out)
            if arguments.show == "all" or (arguments.show == "wrong" and result != "right"):
                got = (f"{answer.label} ({answer.confidence:.0%})" if answer.label
                       else f"cannot answer: {answer.reason}")  # fmt: skip
                print(f"{result:>7}  {name}:{case.line}  {case.question}  "
                      f"expected {case.expected}, got {got}")  # fmt: skip
        counts["questions"] = len(cases)
        rows.append((name, counts))
        total.update(counts)
    earlier = dict(rows).get(EARLIER)
    if earlier is not None and len(rows) > 1:  # issue 20's files apart from issue 12's
        rows.append((f"all but {EARLIER}", total - earlier))
    rows.append(("all files", total))
    print(f"\n{'file':<20} {'questions':>9} {'right':>6} {'wrong':>6} {'at 95%+':>8} "
          f"{'refused':>8} {'share':>6} {'left out':>8}")  # fmt: skip
    for name, counts in rows:
        share = counts["refused"] / counts["questions"]
        print(f"{name:<20} {counts['questions']:>9} {counts['right']:>6} {counts['wrong']:>6} "
              f"{counts['confident']:>8} {counts['refused']:>8} {share:>6.1%} "
              f"{counts['left out']:>8}")  # fmt: skip
    print("\n'at 95%+': wrong answers given at 95% confidence or more; 'left out': answers given "
          "while a story sentence was left out as unreadable.")  # fmt: skip


if __name__ == "__main__":
    from chatbot.frontends.native_log import filter_native_log

    with filter_native_log():
        main()
