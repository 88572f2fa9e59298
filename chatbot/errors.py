"""Exception classes, and messages that name an option. Library code raises them; the CLI and
REPL report them in one line.

A message that asks the user to change an option carries it as an `Option` part: the library
says it as its argument (`pass `overwrite=True``), the command line as its flag (`pass
--overwrite`), each from the same message, so no wording is rewritten by string replacement.

>>> message = Message("models/x already exists; ", OVERWRITE, " to replace it")
>>> str(message)
'models/x already exists; pass `overwrite=True` to replace it'
>>> message.for_command_line()
'models/x already exists; pass --overwrite to replace it'
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Option:
    """What a message asks to change, worded for each caller."""

    argument: str  # as the library's argument: "pass `overwrite=True`"
    flag: str  # as the command line's flag: "pass --overwrite"


# The options library messages ask for, each with the command line's wording.
OVERWRITE = Option("pass `overwrite=True`", "pass --overwrite")
EITHER_VALID = Option(
    "give either `valid` or `validation_split`", "give either --valid FILE or --validation-split"
)
A_VALID_FILE = Option("give a `valid` file", "give a --valid file")
OR_A_VALID_FILE = Option("or a `valid` file", "or a --valid FILE")
ANOTHER_OUT = Option("choose another `out`", "choose another --out")
WRITABLE_OUT = Option("choose a writable `out`", "choose a writable --out")
WITHOUT_RESUME = Option("train with `resume=False`", "run without --resume")
RESUME = Option("train again with `resume=True`", "run the same command with --resume")
QUESTIONS = Option("`questions`", "--questions")


class Message(str):
    """A message (a `str`: the library's wording) whose `Option` parts the CLI words as flags."""

    parts: tuple

    def __new__(cls, *parts: "str | Option") -> "Message":
        text = "".join(part.argument if isinstance(part, Option) else part for part in parts)
        message = super().__new__(cls, text)
        message.parts = parts
        return message

    def for_command_line(self) -> str:
        """The message with each option named by its flag."""
        return "".join(part.flag if isinstance(part, Option) else part for part in self.parts)


def for_command_line(text) -> str:
    """A message, or an error's, as the command line says it: options named by their flags.

    Args:
        text: a `str` (a `Message` or plain) or an exception whose first argument is one.
    """
    message = text.args[0] if isinstance(text, BaseException) and text.args else text
    if isinstance(message, Message):
        return message.for_command_line()
    return str(text)


class ChatbotError(Exception):
    """Something the user can fix: bad input, a missing file, a mismatched model.

    The message is one line that says what was wrong and how to fix it (a `Message` where it
    names an option).
    """


class UsageError(ChatbotError):
    """A command was called wrongly (exit code 2)."""


class CannotAnswer(ChatbotError):
    """The bot will not guess: unknown words, or not a yes/no question (exit code 3)."""


class BadRequest(ChatbotError):
    """A malformed or oversized request to `chatbot serve`; `status` is its HTTP status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status
