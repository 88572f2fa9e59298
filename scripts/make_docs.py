"""Write the documentation pages made from the code: docs/COMMANDS.md and docs/QUESTION_FORMS.md.

COMMANDS.md is every command's own `--help`, as the CLI prints it on an 80-column terminal;
QUESTION_FORMS.md is the yes/no question forms as `stories/yesno.py` defines them, each with an
example question the generator asks. tests/test_docs.py fails when either page is stale.

Usage (from the project root):

    python scripts/make_docs.py          # rewrite the pages
    python scripts/make_docs.py --check  # exit 1, naming the stale pages, if any differs
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIDTH = 80  # columns of the help text
# What a form's named parts stand for, in the order the legend lists them.
PLACEHOLDERS = {
    "who": "X",
    "giver": "X",
    "receiver": "Y",
    "place": "P",
    "last": "Q",
    "thing": "O",
    "a": "A",
    "b": "B",
    "direction": "D",
    "first": "D1",
    "second": "D2",
    "kinds": "K",
    "colour": "C",
    "mood": "M",
}
LEGEND = """\
X, Y are names (of people; in tasks 15 and 16, of animals); O objects; P, Q places; A, B places
(tasks 4 and 19), shapes (17) or boxes (18); K animal kinds, as plurals (wolves, mice, cats,
sheep); C colours (bAbI spells "gray"); M moods (hungry, thirsty, tired, bored); D, D1, D2
directions (north, south, east, west). A part written `a / b` is one of those words; `[not ]`
may be left out. Names are capitalised in questions even where bAbI writes them in lower case."""
FORMS_INTRO = """\
# The yes/no question forms

bAbI asks most of its questions as "where", "what", "who", "how many", "how do you go" and
"why". The chatbot asks the same things as yes/no questions: "Where is the milk? garden"
becomes "Is the milk in the garden?" (yes) and "Is the milk in the kitchen?" (no). These are
the forms: the generator (`chatbot generate`) asks them, `chatbot convert` writes real bAbI
files as them, and a rule-based reader (`chatbot/stories/yesno.py`) answers them from the story
alone. Answers are yes or no, except task 10's maybe (the story leaves it open). Made by
`python scripts/make_docs.py` from `yesno.py`'s forms; a test fails when it is stale.
"""
FORMS_HEAD = """\
| bAbI tasks | form | yes when | example (generated) |
|---|---|---|---|"""
FORMS_END = """\
In task 20 "because he was", "because she was" and "because they were" are one form.
`chatbot convert` turns each bAbI question into its yes form and one "no" form, which changes
one part of the question (place, object, person, count, colour, kind, mood, direction) so that
the question is false; tasks 6, 9, 10, 17 and 18 keep their own questions. The model's own list
(`chatbot info`, `:help`) is the forms it met in training, one example question each.
"""


def command_reference() -> str:
    """docs/COMMANDS.md: `chatbot --help` and each command's `--help`, in the CLI's order."""
    from chatbot.cli import cli

    # As click prints help on an 80-column terminal (it leaves two columns free).
    root = cli.make_context("chatbot", [], resilient_parsing=True, terminal_width=WIDTH - 2)
    parts = [
        "# Command reference",
        "",
        "Each command's own `--help`, as `chatbot COMMAND --help` prints it. Made by `python",
        "scripts/make_docs.py` from the command line's code; a test fails when it is stale.",
        "",
        "```",
        cli.get_help(root),
        "```",
    ]
    for name in cli.list_commands(root):
        command = cli.get_command(root, name)
        context = command.make_context(name, [], parent=root, resilient_parsing=True)
        parts += ["", f"## chatbot {name}", "", "```", command.get_help(context), "```"]
    return "\n".join(parts) + "\n"


def template(pattern: str) -> str:
    """A form's regular expression as people read it: "Is X [not ]in the P?"."""
    out, position = [], 0
    while position < len(pattern):
        if pattern.startswith("(?P<", position) or pattern.startswith("(?:", position):
            end = _closing(pattern, position)
            optional = pattern[end + 1 : end + 2] == "?"
            if pattern.startswith("(?P<", position):
                name = pattern[position + 4 : pattern.index(">", position)]
                body = pattern[pattern.index(">", position) + 1 : end]
            else:
                name, body = None, pattern[position + 3 : end]
            if name in PLACEHOLDERS:
                text = PLACEHOLDERS[name]
            else:
                text = body.replace("|", " / ")
            out.append(f"[{text}]" if optional else text)
            position = end + (2 if optional else 1)
        else:
            out.append(pattern[position])
            position += 1
    return "".join(out) + "?"


def _closing(pattern: str, start: int) -> int:
    """The index of the parenthesis that closes the group opening at `start`."""
    depth = 0
    for index in range(start, len(pattern)):
        if pattern[index] == "(":
            depth += 1
        elif pattern[index] == ")":
            depth -= 1
            if depth == 0:
                return index
    raise ValueError(f"unbalanced group in {pattern!r}")


def examples() -> dict[str, str]:
    """For each form, the first question of it that the generator asks (seed 0, tasks in turn)."""
    from chatbot.stories import yesno
    from chatbot.stories.world import MIX, TASKS, generate_stories

    found: dict[str, str] = {}
    for task in [*sorted(TASKS), MIX]:
        for story in generate_stories(task, 200, seed=0):
            for question in story.questions:
                for name, compiled in yesno.FORMS:
                    if name not in found and compiled.match(question.text):
                        found[name] = question.text
    return found


def question_forms() -> str:
    """docs/QUESTION_FORMS.md: the forms of stories/yesno.py, their tasks, when yes, examples."""
    from chatbot.stories import yesno

    shown = examples()
    rows = [
        f"| {yesno.CONTRACT[name][0]} | {template(pattern)} | {yesno.CONTRACT[name][1]} "
        f"| {shown.get(name, '(none generated)')} |"
        for name, pattern in yesno._FORMS
    ]
    return f"{FORMS_INTRO}\n{LEGEND}\n\n{FORMS_HEAD}\n" + "\n".join(rows) + f"\n\n{FORMS_END}"


PAGES = {"docs/COMMANDS.md": command_reference, "docs/QUESTION_FORMS.md": question_forms}


def stale_pages() -> list[str]:
    """The pages whose text differs from what the code makes now."""
    return [
        page
        for page, make in PAGES.items()
        if not (ROOT / page).is_file() or (ROOT / page).read_text(encoding="utf-8") != make()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say which pages are stale")
    arguments = parser.parse_args()
    if arguments.check:
        stale = stale_pages()
        for page in stale:
            print(f"{page} is stale: run python scripts/make_docs.py")
        sys.exit(1 if stale else 0)
    for page, make in PAGES.items():
        (ROOT / page).write_text(make(), encoding="utf-8")
        print(f"wrote {page}")


if __name__ == "__main__":
    main()
