"""Benchmark data: real bAbI stories retold in everyday wordings, asked as yes/no questions.

For each real bAbI file given (by default the training files of ../shared/babi/en), converts it
as `chatbot convert` does (the yes/no forms, seed 0), retells every story's sentences in the
everyday wordings of the generator (`chatbot/stories/world/everyday.py`: the same facts, said
as people say them; questions unchanged) and writes it under the same name into OUT. Prints one
Markdown row per file: stories, questions, the share of sentences retold, and how many answers
the rule reader (`chatbot/stories/yesno.py`, reading only the retold text) agrees with: every
one, or the retelling changed a fact.

Issue 20's target: a model answers these as well, within one point, as the same stories in
bAbI's own words (`chatbot evaluate --model M OUT/qa1_..._train.txt` beside the converted file).
The shared folder holds only bAbI's training halves: hold out what a model trains on.

Usage (from the project root):

    python benchmarks/retell_babi.py --out /tmp/retold [FILE_OR_FOLDER...] [--seed S]
"""

import argparse
import os
import random
from dataclasses import replace
from pathlib import Path

from chatbot.stories import babi, yesno
from chatbot.stories.convert import convert_file
from chatbot.stories.rule_reader import Reader
from chatbot.stories.world.everyday import reword
from chatbot.stories.world.words import FEMALE

# The shared folder beside the project: $CHATBOT_SHARED, else ../shared.
SHARED = Path(os.environ.get("CHATBOT_SHARED") or Path(__file__).resolve().parents[2] / "shared")


def retell(path: Path, seed: int) -> list[babi.Story]:
    """The yes/no stories of one real bAbI file, their sentences in everyday wordings."""
    rng = random.Random(f"retell/{seed}/{path.name}")
    return [
        replace(story, lines=reword(story.lines, rng, frozenset(FEMALE)))
        for story in convert_file(path, seed)
    ]


def agreement(stories: list[babi.Story]) -> tuple[int, int]:
    """(questions, those whose answer the rule reader gives from the retold text)."""
    asked = agreed = 0
    for story in stories:
        reader = Reader()
        for line in story.lines:
            if isinstance(line, babi.Question):
                asked += 1
                agreed += yesno.answer_from(reader, line.text) == line.answer
            else:
                reader.read(line.text)
    return asked, agreed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=[SHARED / "babi" / "en"])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    arguments.out.mkdir(parents=True, exist_ok=True)
    print("| file | stories | questions | sentences retold | reader agrees |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for path in babi.expand_paths(arguments.paths):
        plain = convert_file(path, arguments.seed)
        stories = retell(path, arguments.seed)
        kept = told = 0  # sentences, and those told again as they were
        for old, new in zip(plain, stories, strict=True):
            after = {line.text for line in new.lines if not _asks(line)}
            before = [line.text for line in old.lines if not _asks(line)]
            told += len(before)
            kept += sum(text in after for text in before)
        retold = 1 - kept / max(1, told)
        asked, agreed = agreement(stories)
        babi.write_stories(stories, arguments.out / path.name)
        print(f"| {path.name} | {len(stories)} | {asked} | {retold:.0%} | {agreed}/{asked} |")


def _asks(line) -> bool:
    return isinstance(line, babi.Question)


if __name__ == "__main__":
    main()
