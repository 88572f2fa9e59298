"""Benchmark: how fast the bAbI reader reads a 10,000-question file (target: under 0.5 s CPU).

CPU time, not wall time: the machine may be shared and busy. This was a unit test; a speed
target depends on the machine, so it lives here and its result in docs/BENCHMARKS.md.

Usage (from the project root, with ../shared/babi present):

    python benchmarks/read_babi.py [FILE] [--repeats N]
"""

import argparse
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

from chatbot.stories.babi import read_stories

SHARED = os.environ.get("CHATBOT_SHARED") or Path(__file__).resolve().parents[2] / "shared"
DEFAULT = Path(SHARED) / "babi/en-10k/qa6_yes-no-questions_train.txt"
TARGET_SECONDS = 0.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(DEFAULT), help="a bAbI file")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs; the best is kept")
    arguments = parser.parse_args()
    best, questions = float("inf"), 0
    for _ in range(arguments.repeats):
        start = time.process_time()
        stories = read_stories(arguments.file)
        best = min(best, time.process_time() - start)
        questions = sum(len(story.questions) for story in stories)
    verdict = "met" if best < TARGET_SECONDS else "MISSED"
    print(
        f"| read {Path(arguments.file).name} ({questions:,} questions) | {best:.3f} s CPU"
        f" (best of {arguments.repeats}) | < {TARGET_SECONDS} s — {verdict} |"
        f" {platform.machine()}, {datetime.now(UTC):%Y-%m-%d} |"
    )


if __name__ == "__main__":
    main()
