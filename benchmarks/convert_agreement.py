"""Benchmark: how `chatbot convert`'s reader agrees with bAbI's answers, per task.

For every real bAbI training file in the folders given (by default ../shared/babi/en and
../shared/babi/en-10k), converts it as `chatbot convert` does (seed 0) and prints one Markdown
table row per task: bAbI's questions, the converted file's questions ("no" forms included),
how many bAbI questions the reader's answer to the first yes/no form agrees with, and how many
"no" forms the reader answers "no". Then the totals per folder and the time taken.

Usage (from the project root):

    python benchmarks/convert_agreement.py [FOLDER...]
"""

import argparse
import os
import time
from pathlib import Path

from chatbot.stories.babi import expand_paths, task_of
from chatbot.stories.convert import agreement

# The shared folder beside the project: $CHATBOT_SHARED, else ../shared.
SHARED = Path(os.environ.get("CHATBOT_SHARED") or Path(__file__).resolve().parents[2] / "shared")
SHARED = SHARED / "babi"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", default=[SHARED / "en", SHARED / "en-10k"])
    folders = parser.parse_args().folders
    for folder in folders:
        print("| file | bAbI questions | converted questions | agreement | no forms false |")
        print("| --- | ---: | ---: | ---: | ---: |")
        started, totals, disagreements = time.perf_counter(), [0, 0, 0, 0], []
        for path in expand_paths([folder]):
            result = agreement(path)
            counts = [
                result.questions,
                result.questions + result.no_forms,
                result.agreed,
                result.no_forms_false,
            ]
            disagreements += [f"{path.name}: {line}" for line in result.disagreements]
            totals = [total + count for total, count in zip(totals, counts, strict=True)]
            print(_row(f"{Path(folder).name}/{task_of(path)}", counts, result.no_forms))
        print(_row(f"**{Path(folder).name}, all**", totals, totals[1] - totals[0]))
        print(f"\n{Path(folder).name}: {time.perf_counter() - started:.1f} s\n")
        for line in disagreements:
            print("  disagrees:", line)


def _row(name: str, counts: list[int], no_forms: int) -> str:
    questions, converted, agreed, false = counts
    share = 100 * agreed / questions if questions else 0.0
    return (
        f"| {name} | {questions:,} | {converted:,} | {agreed:,} ({share:.2f}%) "
        f"| {false:,} of {no_forms:,} |"
    )


if __name__ == "__main__":
    main()
