"""The conversation: a story told line by line, yes/no questions answered against it, commands.

`Session` holds one conversation and gives each typed line its meaning; it reads and writes
nothing, so tests drive it line by line. `run_session` feeds it: on a terminal through a
prompt_toolkit prompt (history, completion, Ctrl-C clears the line, Ctrl-D leaves), otherwise
line by line from a stream in batch mode, where each question gives exactly one line on stdout
and every notice goes to stderr. The terminal's prompt, history and completion are
`frontends.terminal`'s.

The session needs a bot with `answer(story, question, unreadable) -> Answer`,
`check_statement(sentence, story)` (why a sentence cannot join the story, or None),
`crowded_out(sentences)` and `left_out_notice(sentence)` (one name too many), `memory`
(sentences a question can see), `known_words` (completion), `forms` (for :help) and `words` (for
:help words); `answering.bot.Chatbot` is one, tests use a fake.
"""

import random
import sys
from collections import deque
from dataclasses import dataclass

from chatbot import __version__
from chatbot.answering.bot import LEFT_OUT, is_question
from chatbot.errors import ChatbotError
from chatbot.files import user_path
from chatbot.frontends.explain import explain, format_answer
from chatbot.text import shorten, split_sentences
from chatbot.untrusted import MAX_STORY_SENTENCES, control_characters, invalid_bytes, printable

MAX_LINE = 2000  # characters; a longer line is refused rather than cut somewhere arbitrary
MAX_UNDO = 100  # changes :undo can take back; older ones are forgotten

ANSWER, OUTPUT, NOTICE = "answer", "output", "notice"

COMMANDS = (":help", ":story", ":why", ":undo", ":reset", ":save", ":save!", ":load", ":example")
COMMANDS += (":quit",)
BANNER = (
    f"chatbot {__version__}: tell me a story, then ask yes/no questions about it.\n"
    "Commands: :help :story :why :undo :reset :save FILE :load FILE [N] :example [TASK] :quit"
)
HELP = """\
Tell me a story, a sentence or a few at a time, and ask yes/no questions about it:
  Mary moved to the bathroom. John went to the hallway.
  Is Mary in the bathroom?
Commands:
  :help            this help (:help words: the words I know, by role)
  :story           the story so far, numbered
  :why             the sentences the last answer rests on, with attention weights
  :undo            take back the last change to the story
  :reset           start again with an empty story
  :save FILE       save the story as a bAbI file (:save! FILE replaces an existing one)
  :load FILE [N]   load the N-th story of a bAbI file (default the first)
  :example [TASK]  a generated story (task 1 to 20, or mix; without TASK any of them) with
                   questions to try
  :quit            leave (Ctrl-D too)"""
EMPTY_LINE = "type a sentence of the story, a yes/no question, or :help"
EMPTY_STORY = 'the story is empty; tell me one, like "Mary moved to the bathroom."'


@dataclass(frozen=True)
class Reply:
    text: str
    kind: str = OUTPUT  # ANSWER: one per question; OUTPUT: what a command shows; NOTICE: stderr


def _notice(text: str) -> list[Reply]:
    return [Reply(text, NOTICE)]


def _odd_characters(text: str) -> str | None:
    """Why typed text is not plain text (undecodable bytes, control characters), or None."""
    bad = invalid_bytes(text) + (["U+FFFD"] if "\ufffd" in text else [])
    if bad:
        return f"that line holds bytes that are not UTF-8 text ({', '.join(bad[:5])})"
    controls = control_characters(text)
    if controls:
        return f"that line holds control characters ({', '.join(controls[:5])})"
    return None


class Session:
    """One conversation: the story so far, the last answer, and what `:undo` can take back.

    Args:
        bot: answers questions; see the module docstring for what it needs.
        seed: seeds the stories `:example` generates (None: different each run).
    """

    def __init__(self, bot, seed: int | None = None):
        self.bot = bot
        self.story: list[str] = []  # every sentence told, oldest first; the bot sees the newest
        # Sentences it could not read and left out: (story sentences told before it, text). The
        # bot refuses a question that depends on one (`reading.unread`).
        self.unread: list[tuple[int, str]] = []
        self.last: tuple[str, object] | None = None  # (question, Answer)
        self.finished = False
        # (how to say it is undone, story before, unread before), newest last
        self._undo: deque[tuple[str, list[str], list]] = deque(maxlen=MAX_UNDO)
        self._random = random.Random(seed)

    def handle(self, line: str) -> list[Reply]:
        """The replies to one typed line (without its line break)."""
        text = line.strip()
        if not text:
            return _notice(EMPTY_LINE)
        if len(text) > MAX_LINE:
            return _notice(
                f"that line is {len(text)} characters long; I read at most {MAX_LINE} "
                "at a time, so type it in parts"
            )
        odd = _odd_characters(text)
        if odd:
            return _notice(f"{odd}; type plain sentences")
        if text.startswith(":"):
            return self._command(text)
        sentences = split_sentences(text)
        if not sentences:
            return _notice(f"I found no words in that; {EMPTY_LINE}")
        replies, before, unread_before = [], list(self.story), list(self.unread)
        for sentence in sentences:
            if is_question(sentence):
                replies.append(self._ask(sentence))
            else:
                replies.extend(self._tell(sentence))
        if self.story != before or self.unread != unread_before:
            told = self.story[len(before) :] + [
                text for _, text in self.unread[len(unread_before) :]
            ]
            said = " ".join(f'"{s}"' for s in told) if len(told) <= 2 else f"{len(told)} sentences"
            self._undo.append((f"took back {said}", before, unread_before))
            replies.extend(self._memory_notice(len(before)))
        return replies

    def _ask(self, question: str) -> Reply:
        story, unreadable = list(self.story), []
        for offset, (position, text) in enumerate(self.unread):  # back in the order told
            story.insert(position + offset, text)
            unreadable.append(position + offset)
        answer = self.bot.answer(story, question, unreadable=unreadable)
        self.last = (question, answer)
        return Reply(format_answer(answer), ANSWER)

    def _tell(self, sentence: str) -> list[Reply]:
        if len(self.story) + len(self.unread) >= MAX_STORY_SENTENCES:
            told = f"the story has {len(self.story):,} sentences, the most I keep"
            return _notice(f"{told}; :reset starts a new one")
        problem = self.bot.check_statement(sentence, self.story)
        if sentence[-1] not in ".!":
            sentence += "."
        if problem:
            self.unread.append((len(self.story), sentence))
            return _notice(f"{problem}; {LEFT_OUT}")
        self.story.append(sentence)
        return []

    def _memory_notice(self, length_before: int) -> list[Reply]:
        """A notice naming what just dropped out of the memory, if anything did."""
        memory = self.bot.memory
        dropped = self.story[max(length_before - memory, 0) : max(len(self.story) - memory, 0)]
        if not dropped:
            return []
        what = f'"{shorten(dropped[0], 40)}"' if len(dropped) == 1 else f"the oldest {len(dropped)}"
        return _notice(
            f"my memory holds {memory} sentences, so {what} dropped out of it "
            "(:story shows the whole story)"
        )

    def _change_story(self, what: str, sentences: list[str]) -> list[Reply]:
        self._undo.append((f"undid {what}", list(self.story), list(self.unread)))
        self.story, self.unread = list(sentences), []
        self.last = None
        return self._memory_notice(0)

    # Commands -------------------------------------------------------------------------------

    def _command(self, text: str) -> list[Reply]:
        name, _, argument = text.replace("\t", " ").partition(" ")
        name, argument = name.lower(), argument.strip()
        handlers = {
            ":help": self._help,
            ":h": self._help,
            ":story": self._show_story,
            ":why": self._why,
            ":undo": self._undo_last,
            ":reset": self._reset,
            ":save": self._save,
            ":save!": lambda argument: self._save(argument, replace=True),
            ":load": self._load,
            ":example": self._example,
            ":quit": self._quit,
            ":q": self._quit,
            ":exit": self._quit,
        }
        handler = handlers.get(name)
        if handler is None:
            return _notice(f'unknown command "{shorten(name, 30)}"; :help lists them')
        try:
            return handler(argument)
        except ChatbotError as error:
            return _notice(str(error))

    def _help(self, argument: str) -> list[Reply]:
        if argument.lower() == "words":
            return [Reply(self.bot.words)]
        forms = "".join(f"\n  {form}" for form in self.bot.forms)
        heading = "\nQuestions I understand (one of each form):" if forms else ""
        return [Reply(HELP + heading + forms)]

    def _show_story(self, argument: str) -> list[Reply]:
        if not self.story:
            return [Reply(EMPTY_STORY)]
        forgotten = max(len(self.story) - self.bot.memory, 0)
        width = len(str(len(self.story)))
        lines = [
            f"{number:>{width}}. {sentence}" + ("  (forgotten)" if number <= forgotten else "")
            for number, sentence in enumerate(self.story, start=1)
        ]
        return [Reply("\n".join(lines))]

    def _why(self, argument: str) -> list[Reply]:
        if self.last is None:
            return [Reply("ask a question first; then :why shows what the answer rests on")]
        question, answer = self.last
        if answer.label is None:
            return [Reply(f'I did not answer "{question}": {answer.reason}')]
        return [Reply(explain(question, answer))]

    def _undo_last(self, argument: str) -> list[Reply]:
        if not self._undo:
            return _notice("nothing to undo")
        what, self.story, self.unread = self._undo.pop()
        self.last = None
        return [Reply(f"{what}; the story has {_count(self.story)}")]

    def _reset(self, argument: str) -> list[Reply]:
        if not self.story and not self.unread:
            return [Reply(EMPTY_STORY)]
        self._change_story(":reset", [])
        return [Reply("started a new, empty story (:undo brings the old one back)")]

    def _save(self, argument: str, replace: bool = False) -> list[Reply]:
        from chatbot.stories.babi import Sentence, Story, write_stories

        if not argument:
            return _notice("usage: :save FILE")
        if not self.story:
            return _notice(f"nothing to save: {EMPTY_STORY}")
        path = user_path(argument)
        if not replace and (path.exists() or path.is_symlink()):
            return _notice(f"{path} already exists; :save! {argument} replaces it")
        lines = [Sentence(number, text) for number, text in enumerate(self.story, start=1)]
        write_stories([Story(lines)], path)
        return [Reply(f"saved {_count(self.story)} to {path}")]

    def _load(self, argument: str) -> list[Reply]:
        from chatbot.stories.babi import read_stories

        words = argument.split()
        if not words:
            return _notice("usage: :load FILE [N]  (N: which story of the file, default 1)")
        number = 1
        if len(words) > 1 and words[-1].isascii() and words[-1].isdigit():
            number = int(words[-1][:12])  # more digits than any file has stories
            argument = argument[: argument.rstrip().rfind(words[-1])].strip()
        path = user_path(argument)
        stories = read_stories(path)
        if not 1 <= number <= len(stories):
            return _notice(
                f"{path} holds {_count(stories, 'story')}; choose N from 1 to {len(stories)}"
            )
        story = stories[number - 1]
        where = f"story {number} of {len(stories)} from {path}"
        return self._take_story(f":load {where}", where, story)

    def _example(self, argument: str) -> list[Reply]:
        from chatbot.stories.world import MIX, TASKS, example_story, task_named

        if argument:
            task = task_named(argument)
            if task is None:
                return _notice("usage: :example [TASK], TASK a number from 1 to 20, or mix")
        else:  # any of the tasks the shipped model was trained on
            task = self._random.choice([*sorted(TASKS), MIX])
        seed = self._random.randrange(2**31)
        story = example_story(task, seed)
        name = "mixed stories" if task == MIX else f"task qa{task}"
        return self._take_story(":example", f"an example story of {name}", story)

    def _take_story(self, what: str, where: str, story) -> list[Reply]:
        """Make a bAbI story the current one and list its questions to try."""
        from chatbot.stories.world import questions_to_try

        sentences = [sentence.text for sentence in story.sentences]
        if len(sentences) > MAX_STORY_SENTENCES:
            return _notice(
                f"cannot use {where}: it has {len(sentences):,} sentences, over the "
                f"{MAX_STORY_SENTENCES:,} I keep; load a shorter story"
            )
        for number, sentence in enumerate(sentences, start=1):
            problem = self.bot.check_statement(sentence)
            if problem:
                return _notice(f"cannot use {where}: sentence {number}: {problem}")
        if not sentences:
            return _notice(f"{where} has no sentences")
        crowded = set(self.bot.crowded_out(sentences))  # one name too many: left out
        left = [
            _notice(f"sentence {number + 1}: {self.bot.left_out_notice(sentences[number])}")[0]
            for number in sorted(crowded)[:3]
        ]
        if len(crowded) > 3:
            left += _notice(f"and {len(crowded) - 3} more sentences left out for the same reason")
        sentences = [text for number, text in enumerate(sentences) if number not in crowded]
        notices = left + self._change_story(what, sentences)
        lines = [f"{where}:", self._show_story("")[0].text]
        questions = questions_to_try(story)
        if questions:
            lines.append("questions to try:")
            lines.extend(f"  {question}" for question in questions)
        return [Reply("\n".join(lines)), *notices]

    def _quit(self, argument: str) -> list[Reply]:
        self.finished = True
        return []


def _count(items, noun: str = "sentence") -> str:
    plural = "stories" if noun == "story" else noun + "s"
    return f"{len(items)} {noun if len(items) == 1 else plural}"


# Running a session ----------------------------------------------------------------------------


def run_session(bot, input=None, output=None, errors=None, interactive=None, seed=None) -> None:
    """Hold a conversation until the input ends or the person types :quit.

    Args:
        bot: the bot that answers (see the module docstring).
        input, output, errors: text streams; default stdin, stdout and stderr.
        interactive: True for the terminal prompt, False for batch mode; None decides by
            whether input and output are terminals.
        seed: seeds `:example`.
    """
    if input is None:
        # Undecodable bytes are kept as surrogates, so the notice can name them; unprintable
        # characters become "?" on the way out: never a crash.
        for stream, handling in ((sys.stdin, "surrogateescape"), (sys.stdout, "replace")):
            if hasattr(stream, "reconfigure"):
                stream.reconfigure(errors=handling)
        if hasattr(sys.stderr, "reconfigure"):
            sys.stderr.reconfigure(errors="replace")
    input = input or sys.stdin
    output = output or sys.stdout
    errors = errors or sys.stderr
    if interactive is None:
        interactive = input.isatty() and output.isatty()
    session = Session(bot, seed=seed)
    if interactive:
        from chatbot.frontends.terminal import run_terminal  # prompt_toolkit: only here

        run_terminal(session)
    else:
        _run_batch(session, input, output, errors)


def _safe_handle(session: Session, line: str) -> list[Reply]:
    """`session.handle`, with any unexpected failure turned into a notice: never a traceback."""
    try:
        return session.handle(line)
    except ChatbotError:
        raise  # the model itself failed: the CLI reports it and stops
    except Exception as error:  # a bug; say so in one line and go on
        return _notice(
            f"something went wrong ({type(error).__name__}: {error}); the session goes on"
        )


def _run_batch(session: Session, input, output, errors) -> None:
    for line in input:
        for reply in _safe_handle(session, line.rstrip("\r\n")):
            stream = errors if reply.kind == NOTICE else output
            stream.write(printable(reply.text, newlines=True) + "\n")
            stream.flush()
        if session.finished:
            break
