"""Benchmark: what `chatbot generate` writes, task by task, beside the real bAbI training file.

For each of the twenty tasks (and the mixed stories) it prints the generated train file's
stories, questions, answer shares and longest story, next to the real en training file's
(../shared/babi/en) stories, questions and answers (bAbI's own answers, before any yes/no
conversion: places, names, counts...). It also times one whole `generate_files` run.

Usage (from the project root):

    python benchmarks/generated_shares.py [--questions N] [--seed S] [--babi DIR]

Prints a Markdown table for docs/BENCHMARKS.md.
"""

import argparse
import os
import platform
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from chatbot.stories import world
from chatbot.stories.babi import read_stories

SHARED = os.environ.get("CHATBOT_SHARED") or Path(__file__).resolve().parents[2] / "shared"
BABI = Path(SHARED) / "babi" / "en"


def describe(path: Path, top: int = 4) -> tuple[int, int, str, str]:
    """(stories, questions, answer shares, "mean, longest" story in sentences) of one file."""
    stories = read_stories(path)
    answers = Counter(question.answer for story in stories for question in story.questions)
    total = answers.total()
    shares = ", ".join(
        f"{answer} {count / total:.0%}" for answer, count in answers.most_common(top)
    )
    if len(answers) > top:
        shares += f", ... ({len(answers)} answers)"
    lengths = [len(story.sentences) for story in stories]
    return len(stories), total, shares, f"{sum(lengths) / len(lengths):.1f}, {max(lengths)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--babi", type=Path, default=BABI, help="folder of real bAbI files")
    options = parser.parse_args()
    tasks = (*world.TASKS, world.MIX)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        world.generate_files(folder, options.questions, options.seed, tasks)
        seconds = time.perf_counter() - start
        print(
            f"`generate_files` of tasks 1-20 and mix, {options.questions:,} train questions each "
            f"(+ a tenth each for valid and test), seed {options.seed}: {seconds:.1f} s "
            f"({datetime.now(UTC):%Y-%m-%d}, {platform.processor() or platform.machine()}, "
            f"Python {platform.python_version()})\n"
        )
        print(
            "| task | generated: stories / questions / sentences (mean, most) | answers "
            "| real en: stories / questions / sentences (mean, most) | real answers |"
        )
        print("|---|---|---|---|---|")
        for task in tasks:
            made = describe(Path(folder) / world.file_name(task, "train"))
            real_files = sorted(options.babi.glob(f"qa{task}_*_train.txt"))
            real = describe(real_files[0]) if real_files else (0, 0, "-", "-")
            print(
                f"| {world.file_name(task, 'train').removesuffix('_train.txt')} "
                f"| {made[0]} / {made[1]} / {made[3]} | {made[2]} "
                f"| {real[0]} / {real[1]} / {real[3]} | {real[2]} |"
            )


if __name__ == "__main__":
    main()
