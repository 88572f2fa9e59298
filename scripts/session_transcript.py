"""Print a scripted `chatbot chat` session as it appears on a terminal, for docs/USAGE.md and the
README.

The lines go through the same `Session` that `chatbot chat` runs, with the real bot, and each is
shown after the prompt `> ` followed by the replies, as on the screen (without colour). A reply
longer than `SHOWN_LINES` lines (the long story `:load` lists) is shortened here, and says so.

Usage (from the project root):

    python scripts/session_transcript.py [--model DIR]
"""

import argparse

LINES = [
    "Mary moved to the bathroom.",
    "Sandra journeyed to the bedroom.",
    "Is Mary in the bathroom?",
    "is sandra in the BATHROOM",
    ":why",
    "Mary is either in the office or the kitchen. Is Mary in the office?",
    "Where is Mary?",
    # a name, a place and an object it never saw, and a pronoun
    "Wilhelmina went to the lighthouse. Then she journeyed to the greenhouse.",
    "Is Wilhelmina in the greenhouse?",
    "Wilhelmina picked up the lantern. Wilhelmina went back to the kitchen.",
    "Is the lantern in the kitchen?",
    ":why",
    "Is Zorblax in the kitchen?",
    "Wilhelmina went back to the kitchn.",
    "Is Wilhelmina in the kitchen or the garden?",
    # a long story: the deciding sentence is the first of 120
    ":load docs/long_story.txt",
    "Is Ophelia in the observatory?",
    ":why",
    ":quit",
]


SHOWN_LINES = 12


def shortened(text: str) -> str:
    """The text, its middle lines left out (and counted) when it has more than SHOWN_LINES."""
    lines = text.splitlines()
    if len(lines) <= SHOWN_LINES:
        return text
    half = SHOWN_LINES // 2
    hidden = len(lines) - 2 * half
    return "\n".join([*lines[:half], f"[... {hidden} lines not shown here ...]", *lines[-half:]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model folder (default: the shipped default model)")
    arguments = parser.parse_args()

    from chatbot.answering.bot import Chatbot
    from chatbot.frontends.repl import BANNER, Session

    session = Session(Chatbot.load(arguments.model), seed=0)
    print("$ chatbot chat" + (f" --model {arguments.model}" if arguments.model else ""))
    print(BANNER)
    for line in LINES:
        print(f"> {line}")
        for reply in session.handle(line):
            print(shortened(reply.text))


if __name__ == "__main__":
    from chatbot.frontends.native_log import filter_native_log

    with filter_native_log():  # TensorFlow's native start-up lines stay off stderr, as in chat
        main()
