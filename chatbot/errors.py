"""Exception classes. Library code raises them; the CLI and REPL report them in one line."""


class ChatbotError(Exception):
    """Something the user can fix: bad input, a missing file, a mismatched model.

    The message is one line that says what was wrong and how to fix it.
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
