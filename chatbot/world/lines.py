"""The lines of one story as it is told, and the small random helpers every story writer uses."""

import random

from chatbot import babi


class Lines:
    """The lines of one story as it is told, numbered as bAbI numbers them (from 1)."""

    def __init__(self):
        self.lines: list[babi.Sentence | babi.Question] = []
        self.sentence_ids: list[int] = []
        self.questions = 0

    def say(self, text: str) -> int:
        """Tell a sentence; its line id."""
        line_id = len(self.lines) + 1
        self.lines.append(babi.Sentence(line_id, text))
        self.sentence_ids.append(line_id)
        return line_id

    def ask(self, text: str, answer: str, supporting: tuple[int, ...]) -> None:
        """Ask a question, with its answer and the ids of the sentences it rests on."""
        self.lines.append(babi.Question(len(self.lines) + 1, text, answer, supporting))
        self.questions += 1

    @property
    def sentences(self) -> int:
        return len(self.sentence_ids)


def other(rng: random.Random, choices, *excluded: str) -> str:
    """A random choice that is none of `excluded`."""
    return rng.choice([choice for choice in choices if choice not in excluded])


def weighted(rng: random.Random, weights: dict[str, float]) -> str:
    """A key of `weights`, drawn in proportion to its weight."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def yes_or_no(rng: random.Random) -> str:
    return rng.choice(("yes", "no"))
