"""The lines of one story as it is told, and the small random helpers every story writer uses."""

import random
import re

from chatbot.stories import babi

# How often a "no" question asks about something the story names (a place someone else went,
# a colour another animal has), as `chatbot convert` picks its "no" forms from the story; the
# rest ask about anything, named or not.
NAMED_SHARE = 0.85


class Lines:
    """The lines of one story as it is told, numbered as bAbI numbers them (from 1)."""

    def __init__(self):
        self.lines: list[babi.Sentence | babi.Question] = []
        self.sentence_ids: list[int] = []
        self.questions = 0
        self.told_words: set[str] = set()  # every word of the sentences told so far, lower case

    def say(self, text: str) -> int:
        """Tell a sentence; its line id."""
        line_id = len(self.lines) + 1
        self.lines.append(babi.Sentence(line_id, text))
        self.sentence_ids.append(line_id)
        self.told_words.update(re.findall(r"[a-z]+", text.lower()))
        return line_id

    def ask(self, text: str, answer: str, supporting: tuple[int, ...]) -> None:
        """Ask a question, with its answer and the ids of the sentences it rests on."""
        self.lines.append(babi.Question(len(self.lines) + 1, text, answer, supporting))
        self.questions += 1

    @property
    def sentences(self) -> int:
        return len(self.sentence_ids)

    def names(self, value: str) -> bool:
        """Whether the story has told every word of `value` ("box of chocolates", "Mary")."""
        return all(word in self.told_words for word in value.lower().split())


def other(rng: random.Random, choices, *excluded: str) -> str:
    """A random choice that is none of `excluded`."""
    return rng.choice([choice for choice in choices if choice not in excluded])


def wrong(rng: random.Random, story: Lines, choices, *excluded: str) -> str:
    """A value for a "no" question that is none of `excluded`: mostly one the story names, the
    hard case (see NAMED_SHARE), else any."""
    left = [choice for choice in choices if choice not in excluded]
    named = [choice for choice in left if story.names(choice)]
    return rng.choice(named if named and rng.random() < NAMED_SHARE else left)


def weighted(rng: random.Random, weights: dict[str, float]) -> str:
    """A key of `weights`, drawn in proportion to its weight."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def yes_or_no(rng: random.Random) -> str:
    return rng.choice(("yes", "no"))
