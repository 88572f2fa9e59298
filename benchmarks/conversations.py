"""Benchmark: hand-written conversations, as a new user would type them.

Each case is a story, a question and what a careful reader would say: "yes", "no", "maybe", or
"refuse" (the bot should say "cannot answer": a word in a role it cannot read, a near-miss, a
person it was never told about, a question shape it never met). A case counts as right when
the bot gives that answer, or when it honestly refuses a question it was expected to answer
(counted apart: honest but unhelpful). Wrong is an answer other than the expected one, or an
answer where a refusal was expected.

None of these stories comes from the generator: they were written for this benchmark, with
names and places mostly outside the generator's lists.

Usage (from the project root):

    python benchmarks/conversations.py [--model DIR]
"""

import argparse
from collections import Counter

LONG = " ".join(
    [
        "Ophelia went to the observatory.",  # the deciding sentence comes first
        *[
            f"{name} {verb} the {place}."
            for _ in range(20)
            for name, verb, place in [
                ("Bartholomew", "moved to", "kitchen"),
                ("Clementine", "journeyed to", "garden"),
                ("Bartholomew", "went back to", "hallway"),
                ("Clementine", "travelled to", "office"),
                ("Bartholomew", "went to", "bathroom"),
                ("Clementine", "moved to", "bedroom"),
            ]
        ],
    ]
)  # 121 sentences

CASES = [
    # new names and places
    ("Wilhelmina went to the lighthouse. Barnaby journeyed to the kitchen.",
     "Is Wilhelmina in the lighthouse?", "yes"),
    ("Wilhelmina went to the lighthouse. Barnaby journeyed to the kitchen.",
     "Is Barnaby in the lighthouse?", "no"),
    ("Alice went to the library. Bob moved to the kitchen. Alice travelled to the garden.",
     "Is Alice in the library?", "no"),
    ("Alice went to the library. Bob moved to the kitchen. Alice travelled to the garden.",
     "Is Alice in the garden?", "yes"),
    ("Ezekiel journeyed to the greenhouse.", "Is Ezekiel in the greenhouse?", "yes"),
    ("Ezekiel journeyed to the greenhouse. Ezekiel is no longer in the greenhouse.",
     "Is Ezekiel in the greenhouse?", "no"),
    ("Priscilla is either in the atrium or the chapel.", "Is Priscilla in the atrium?", "maybe"),
    ("Priscilla is either in the atrium or the chapel.", "Is Priscilla in the kitchen?", "no"),
    # pronouns and "and"
    ("Mary went to the kitchen. Then she moved to the garden.", "Is Mary in the garden?", "yes"),
    ("Mary went to the kitchen. Then she moved to the garden.", "Is Mary in the kitchen?", "no"),
    ("Horatio moved to the cellar. Afterwards he went to the attic.",
     "Is Horatio in the attic?", "yes"),
    ("Lucinda and Mortimer went to the office. Then they journeyed to the park.",
     "Is Mortimer in the park?", "yes"),
    ("Lucinda and Mortimer went to the office. Then they journeyed to the park.",
     "Is Lucinda in the office?", "no"),
    # objects
    ("Mary picked up the apple. Mary went to the kitchen.", "Is the apple in the kitchen?", "yes"),
    ("Mary picked up the apple. Mary dropped the apple. Mary went to the kitchen.",
     "Is Mary carrying the apple?", "no"),
    ("Tobias grabbed the lantern. Tobias travelled to the boathouse.",
     "Is the lantern in the boathouse?", "yes"),
    ("Tobias grabbed the lantern. Tobias travelled to the boathouse.",
     "Is Tobias carrying anything?", "yes"),
    ("Tobias grabbed the lantern. Tobias put down the lantern.", "Is Tobias carrying anything?",
     "no"),
    ("Greta took the football. Greta handed the football to Bill.",
     "Did Greta give the football to Bill?", "yes"),
    ("Greta took the football. Greta handed the football to Bill.",
     "Is Bill carrying the football?", "yes"),
    # kinds, colours, moods, directions, shapes, sizes
    ("Wolves are afraid of mice. Ignatius is a wolf.", "Is Ignatius afraid of mice?", "yes"),
    ("Wolves are afraid of mice. Ignatius is a wolf.", "Is Ignatius afraid of cats?", "no"),
    ("Lily is a frog. Lily is green. Archibald is a frog.", "Is Archibald green?", "yes"),
    ("Rosalind is hungry.", "Will Rosalind go to the kitchen?", "yes"),
    ("Rosalind is tired.", "Will Rosalind go to the kitchen?", "no"),
    ("The kitchen is north of the garden.", "Is the garden south of the kitchen?", "yes"),
    ("The triangle is above the red square. The red square is above the blue square.",
     "Is the triangle above the blue square?", "yes"),
    ("The box is bigger than the chocolate. The suitcase is bigger than the box.",
     "Is the suitcase bigger than the chocolate?", "yes"),
    # long story: the deciding sentence is the first of 121
    (LONG, "Is Ophelia in the observatory?", "yes"),
    (LONG, "Is Bartholomew in the bathroom?", "yes"),
    (LONG, "Is Clementine in the garden?", "no"),
    # what it should refuse
    ("Mary went to the kitchen.", "Is Zorblax in the kitchen?", "refuse"),
    ("Mary zorped to the kitchen.", "Is Mary in the kitchen?", "refuse"),
    ("Mary went to the kitchn.", "Is Mary in the kitchen?", "refuse"),
    ("Mary went to the kitchen.", "Is Mary in the kitchen or the garden?", "refuse"),
    ("Mary went to the kitchen.", "Where is Mary?", "refuse"),
    ("Mary went to the kitchen.", "Is Mary happy about the kitchen?", "refuse"),
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model folder (default: the shipped default model)")
    arguments = parser.parse_args()

    from chatbot.answering.bot import Chatbot

    bot = Chatbot.load(arguments.model)
    outcomes, confident_mistakes = Counter(), 0
    for story, question, expected in CASES:
        answer = bot.answer(story, question)
        got = answer.label or "refuse"
        if got == expected:
            outcome = "right"
        elif got == "refuse":
            outcome = "refused (honest)"
        else:
            outcome = "WRONG"
            confident_mistakes += answer.confidence >= 0.95
        outcomes[outcome] += 1
        shown = f"{got} ({answer.confidence:.0%})" if answer.label else f"refuse: {answer.reason}"
        print(f"{outcome:>16}  {question}  expected {expected}, got {shown}")
    print(
        f"\n{len(CASES)} questions: {outcomes['right']} right, "
        f"{outcomes['refused (honest)']} refused (honest), {outcomes['WRONG']} wrong "
        f"({confident_mistakes} of them at 95% or more)"
    )


if __name__ == "__main__":
    from chatbot.frontends.native_log import filter_native_log

    with filter_native_log():
        main()
