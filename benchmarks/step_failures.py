"""Benchmark report: the questions a model gets wrong, each with the sentence every reading step
rested on and the supporting sentences bAbI lists, as Markdown.

    python benchmarks/step_failures.py FILE... [--model DIR] [--limit 5]

It says where a chain broke: a step that read the wrong sentence, or steps that read the right
ones and an answer that still went wrong. Refused questions are counted, not listed.
"""

import argparse
from collections import Counter

import chatbot  # noqa: F401  (first: it keeps TensorFlow's start-up logs quiet)
from chatbot.answering.bot import Chatbot
from chatbot.stories import babi


def failures(bot: Chatbot, path: str, limit: int) -> tuple[Counter, list[str]]:
    """(counts of right, wrong and refused, a Markdown block per wrong question up to `limit`)."""
    counts, blocks = Counter(), []
    for example in babi.examples_of(babi.read_stories(path)):
        answer = bot.answer(list(example.story), example.question)
        outcome = (
            "refused" if answer.label is None else "right" if answer.label == example.answer else
            "wrong"
        )  # fmt: skip
        counts[outcome] += 1
        if outcome == "wrong" and len(blocks) < limit:
            blocks.append(_described(example, answer))
    return counts, blocks


def _described(example, answer) -> str:
    supports = "; ".join(f'"{example.story[i]}"' for i in example.supporting) or "none listed"
    lines = [
        f"- **{example.question}** wanted {example.answer}, got {answer.label} "
        f"({answer.confidence:.0%}); supporting: {supports}"
    ]
    for number, step in enumerate(answer.steps, 1):
        sentence, weight = step[0]
        lines.append(f'  - step {number}: "{sentence}" ({weight:.0%})')
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", help="bAbI files with yes/no questions")
    parser.add_argument("--model", help="model folder (default: the shipped default model)")
    parser.add_argument("--limit", type=int, default=5, help="wrong questions listed per file")
    options = parser.parse_args()
    bot = Chatbot.load(options.model)
    for path in options.files:
        counts, blocks = failures(bot, path, options.limit)
        asked = sum(counts.values())
        print(
            f"\n### {path.rsplit('/', 1)[-1]}: {counts['right']} of {asked} right, "
            f"{counts['wrong']} wrong, {counts['refused']} refused\n"
        )
        print("\n".join(blocks) or "(no wrong answers)")


if __name__ == "__main__":
    main()
