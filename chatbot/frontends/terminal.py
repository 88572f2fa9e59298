"""The conversation on a terminal: the prompt, its history file and Tab completion.

`run_terminal` holds a `repl.Session` through a prompt_toolkit prompt (Ctrl-C clears the line,
Ctrl-D leaves); prompt_toolkit is imported only here, and only when a terminal session starts.
"""

import os
import re
import stat
from pathlib import Path

from chatbot.files import user_path
from chatbot.frontends.repl import BANNER, COMMANDS, NOTICE, OUTPUT, Session, _notice, _safe_handle
from chatbot.text import WORD_PATTERN
from chatbot.untrusted import printable

HISTORY_VARIABLE = "CHATBOT_HISTORY"  # where the terminal history goes, if set


def history_path() -> Path:
    """Where the terminal history lives: $CHATBOT_HISTORY, else the user's state folder."""
    if os.environ.get(HISTORY_VARIABLE):
        return user_path(os.environ[HISTORY_VARIABLE])
    state = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(state) / "chatbot" / "history"


def open_history(path: Path) -> str | None:
    """Make the history file ready (0600, in a 0700 folder if it makes one), or say why not.

    Returns:
        None when `path` is a regular file that can be read and appended to, else the problem.
    """
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK, 0o600)
    except OSError as error:
        return f"cannot open {printable(str(path))} ({error.strerror})"
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return f"{printable(str(path))} is not a regular file"
    finally:
        os.close(handle)
    return None


def completer(session: Session):
    """Tab's completer: the commands, the words the model knows, and the names, places and
    objects typed so far in this story, as typed ("Is Sand" + Tab: "Is Sandra")."""
    from prompt_toolkit.completion import WordCompleter

    return WordCompleter(lambda: completions(session), ignore_case=True, WORD=True)


def completions(session: Session) -> list[str]:
    """The words Tab completes now (see `completer`), each once."""
    known = session.bot.known_words
    return list(dict.fromkeys([*COMMANDS, *known, *story_words(session.story, known)]))


def story_words(story: list[str], known) -> list[str]:
    """The words of the story the model does not know as words, first spelling first: the
    names, places and objects it read as slots ("Sandra", "lighthouse").

    >>> story_words(["Sandra went to the lighthouse.", "sandra left."], ["went", "to", "the"])
    ['Sandra', 'lighthouse', 'left']
    """
    known = {word.lower() for word in known}
    found: dict[str, str] = {}
    for sentence in story:
        for word in re.findall(WORD_PATTERN, sentence):
            if word.lower() not in known:
                found.setdefault(word.lower(), word)
    return list(found.values())


def run_terminal(session: Session) -> None:
    """Hold `session` on the terminal: a prompt with history and completion, in colour."""
    from prompt_toolkit import PromptSession, print_formatted_text
    from prompt_toolkit.formatted_text import FormattedText
    from prompt_toolkit.history import FileHistory, InMemoryHistory
    from prompt_toolkit.styles import Style

    style = Style.from_dict({"answer": "bold", "notice": "ansiyellow", "banner": "ansicyan"})

    def show(text: str, kind: str = OUTPUT) -> None:
        text = printable(text, newlines=True)
        print_formatted_text(FormattedText([(f"class:{kind}", text)]), style=style)

    path = history_path()
    problem = open_history(path)
    if problem:
        history = InMemoryHistory()
        show(f"history will not be kept: {problem}", NOTICE)
    else:
        history = FileHistory(str(path))
    prompt = PromptSession(
        history=history, completer=completer(session), complete_while_typing=False
    )
    show(BANNER, "banner")
    while not session.finished:
        try:
            line = prompt.prompt("> ")
        except KeyboardInterrupt:  # Ctrl-C: the line is dropped, a fresh prompt follows
            continue
        except EOFError:  # Ctrl-D
            break
        try:
            replies = _safe_handle(session, line)
        except KeyboardInterrupt:
            replies = _notice("(interrupted)")
        for reply in replies:
            show(reply.text, reply.kind)
