"""The session: what each line means, every command, odd input, batch and terminal transcripts.

Most tests drive `Session` or `run_session` with the fake bot of fake_bot.py (instant, no
TensorFlow); the real bot and the `chatbot chat` command are tested in test_bot.py and
test_cli_chat.py.
"""

import io
import tempfile

import pytest
from fake_bot import FakeBot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatbot.frontends.explain import attention_bar, format_answer
from chatbot.frontends.repl import (
    ANSWER,
    BANNER,
    EMPTY_LINE,
    HELP,
    MAX_LINE,
    NOTICE,
    OUTPUT,
    Reply,
    Session,
    run_session,
)
from chatbot.frontends.terminal import history_path
from chatbot.stories.world import MIX, TASKS, generate_stories, words
from chatbot.text import Vocabulary

# The generated stories' words: every name, place and object, and the rest as some stories use.
GENERATED_WORDS = Vocabulary.build(
    [
        " ".join(words.FEMALE + words.MALE + words.PLACES + words.OBJECTS),
        *(line.text for task in [*TASKS, MIX] for story in generate_stories(task, 40, 1)
          for line in story.lines),
    ]
).words  # fmt: skip
NOT_YES_NO = 'cannot answer: I answer yes/no questions, which begin with a word like "is" or "does"'


def batch(lines, bot=None, seed=0):
    """Run a batch session over `lines`; returns (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    text = "".join(line + "\n" for line in lines)
    run_session(bot or FakeBot(), io.StringIO(text), out, err, interactive=False, seed=seed)
    return out.getvalue(), err.getvalue()


def replies(session, line):
    return [(reply.kind, reply.text) for reply in session.handle(line)]


def test_batch_mode_gives_one_stdout_line_per_question_and_notices_on_stderr():
    out, err = batch(
        [
            "Mary moved to the bathroom.",
            "Sandra journeyed to the bedroom.",
            "Is Mary in the bathroom?",
            "is sandra in the BATHROOM",
            "Mary is either in the office or the kitchen.",
            "Is Mary in the office?",
            "Is Zorblax in the kitchen?",
            "Where is Mary?",
            "Zorblax went to the kitchen.",
            "",
        ]
    )
    assert out == (
        "yes (90%)\n"
        "no (90%)\n"
        "maybe (90%)\n"
        'cannot answer: I don\'t know the word "zorblax"\n'
        f"{NOT_YES_NO}\n"
    )
    assert err == (
        f'I don\'t know the word "zorblax"; I left that sentence out of the story\n{EMPTY_LINE}\n'
    )


def test_a_line_of_several_sentences_is_split_and_read_in_order():
    bot = FakeBot()
    out, err = batch(
        ["Mary moved to the bathroom. Is Mary in the kitchen? Mary went to the kitchen", ":story"],
        bot,
    )
    assert out == "no (90%)\n1. Mary moved to the bathroom.\n2. Mary went to the kitchen.\n"
    assert err == ""
    # The question saw only the sentence told before it on the line.
    assert bot.questions == [(["Mary moved to the bathroom."], "Is Mary in the kitchen?")]


def test_case_and_missing_punctuation_do_not_matter():
    out, _ = batch(
        ["MARY MOVED TO THE BATHROOM", "is mary in the bathroom", "Is Mary in the bathroom?"]
    )
    assert out == "yes (90%)\nyes (90%)\n"


def test_story_lists_numbered_sentences_and_marks_those_out_of_memory():
    session = Session(FakeBot())
    assert replies(session, ":story") == [
        (OUTPUT, 'the story is empty; tell me one, like "Mary moved to the bathroom."')
    ]
    session.handle("Mary moved to the bathroom. Sandra journeyed to the bedroom.")
    assert replies(session, "John went to the hallway. Daniel went to the garden.") == [
        (
            NOTICE,
            'my memory holds 3 sentences, so "Mary moved to the bathroom." dropped out of '
            "it (:story shows the whole story)",
        )
    ]
    assert replies(session, ":story") == [
        (
            OUTPUT,
            "1. Mary moved to the bathroom.  (forgotten)\n"
            "2. Sandra journeyed to the bedroom.\n"
            "3. John went to the hallway.\n"
            "4. Daniel went to the garden.",
        )
    ]


def test_why_draws_the_attention_of_the_last_answer_as_bars():
    session = Session(FakeBot())
    assert replies(session, ":why") == [
        (OUTPUT, "ask a question first; then :why shows what the answer rests on")
    ]
    session.handle("Mary moved to the bathroom. Sandra journeyed to the bedroom.")
    session.handle("Is Mary in the bathroom?")
    assert replies(session, ":why") == [
        (
            OUTPUT,
            '"Is Mary in the bathroom?": yes (90%), resting on\n'
            "  ███████████████       75%  Mary moved to the bathroom.\n"
            "  █████                 25%  Sandra journeyed to the bedroom.",
        )
    ]
    session.handle("Where is Mary?")
    assert replies(session, ":why") == [
        (OUTPUT, 'I did not answer "Where is Mary?": ' + NOT_YES_NO.removeprefix("cannot answer: "))
    ]


class ChainBot(FakeBot):
    """FakeBot whose answers are read in two steps: the first sentence, then its own support."""

    def answer(self, story, question, unreadable=()):
        from dataclasses import replace

        answer = super().answer(story, question, unreadable)
        first = ((story[0], 0.9), *((sentence, 0.1 / (len(story) - 1)) for sentence in story[1:]))
        return replace(answer, steps=(first, answer.support))


def test_why_shows_the_steps_in_order_then_the_last_steps_sentences():
    session = Session(ChainBot())
    session.handle("John went to the hallway. Mary moved to the bathroom.")
    session.handle("Is Mary in the bathroom?")
    assert replies(session, ":why") == [
        (
            OUTPUT,
            '"Is Mary in the bathroom?": yes (90%), read in 2 steps\n'
            "  step 1: ██████████████████    90%  John went to the hallway.\n"
            "  step 2: ███████████████       75%  Mary moved to the bathroom.\n"
            "  the last step, which the answer is read from:\n"
            "  ███████████████       75%  Mary moved to the bathroom.\n"
            "  █████                 25%  John went to the hallway.",
        )
    ]


def test_why_leaves_out_sentences_below_one_percent():
    session = Session(FakeBot())
    session.handle("John went to the hallway. Mary moved to the bathroom.")
    session.handle("Sandra journeyed to the bedroom. Daniel went to the garden.")
    session.handle("Is Mary in the bathroom?")
    assert replies(session, ":why")[0][1].splitlines()[1:] == [
        "  ███████████████       75%  Mary moved to the bathroom.",
        "  ██▌                   12%  Sandra journeyed to the bedroom.",
        "  ██▌                   12%  Daniel went to the garden.",
        "  (and 1 more sentence below 1%)",
    ]


def test_attention_bar_is_drawn_in_eighths():
    assert attention_bar(1.0) == "█" * 20
    assert attention_bar(0.0) == " " * 20
    assert attention_bar(0.5, width=4) == "██  "
    assert attention_bar(0.0625, width=4) == "▎   "  # two eighths of one character
    assert attention_bar(7.0, width=2) == "██"  # clamped


def test_undo_takes_back_the_last_line_then_reset_then_nothing():
    session = Session(FakeBot())
    session.handle("Mary moved to the bathroom.")
    session.handle("John went to the hallway. Is John in the hallway? Daniel went to the garden.")
    assert replies(session, ":undo") == [
        (
            OUTPUT,
            'took back "John went to the hallway." "Daniel went to the garden."; '
            "the story has 1 sentence",
        )
    ]
    assert replies(session, ":reset") == [
        (OUTPUT, "started a new, empty story (:undo brings the old one back)")
    ]
    assert session.story == []
    assert replies(session, ":undo") == [(OUTPUT, "undid :reset; the story has 1 sentence")]
    assert session.story == ["Mary moved to the bathroom."]
    assert replies(session, ":undo") == [
        (OUTPUT, 'took back "Mary moved to the bathroom."; the story has 0 sentences')
    ]
    assert replies(session, ":undo") == [(NOTICE, "nothing to undo")]
    session.handle("Mary moved to the bathroom. John went to the hallway. Mary went to the garden.")
    assert replies(session, ":undo") == [
        (OUTPUT, "took back 3 sentences; the story has 0 sentences")
    ]
    assert replies(session, ":reset") == [
        (OUTPUT, 'the story is empty; tell me one, like "Mary moved to the bathroom."')
    ]


def test_questions_leave_nothing_to_undo():
    session = Session(FakeBot())
    session.handle("Is Mary in the kitchen?")
    assert replies(session, ":undo") == [(NOTICE, "nothing to undo")]


def test_a_sentence_left_out_is_kept_aside_for_the_bot_and_can_be_taken_back():
    """The bot refuses a question that depends on a sentence it could not read, so the
    session hands it the left-out sentences in the order told; :undo takes one back."""
    bot = FakeBot()
    session = Session(bot)
    session.handle("Mary moved to the bathroom. Zorblax went home")
    session.handle("John went to the hallway.")
    assert session.unread == [(1, "Zorblax went home.")]
    session.handle("Is Mary in the bathroom?")
    assert bot.unreadable[-1] == (
        ["Mary moved to the bathroom.", "Zorblax went home.", "John went to the hallway."],
        [1],
    )
    session.handle(":undo")
    assert replies(session, ":undo") == [
        (OUTPUT, 'took back "Mary moved to the bathroom." "Zorblax went home."; the story has 0 '
         "sentences")
    ]  # fmt: skip
    assert session.unread == [] and replies(session, ":undo") == [(NOTICE, "nothing to undo")]


def test_save_then_load_gives_back_the_story(tmp_path):
    session = Session(FakeBot())
    session.handle("Mary moved to the bathroom. Sandra journeyed to the bedroom")
    path = tmp_path / "story.txt"
    assert replies(session, f":save {path}") == [(OUTPUT, f"saved 2 sentences to {path}")]
    assert path.read_text() == "1 Mary moved to the bathroom.\n2 Sandra journeyed to the bedroom.\n"
    fresh = Session(FakeBot())
    assert replies(fresh, f":load {path}") == [
        (
            OUTPUT,
            f"story 1 of 1 from {path}:\n"
            "1. Mary moved to the bathroom.\n"
            "2. Sandra journeyed to the bedroom.",
        )
    ]
    assert fresh.story == session.story


def test_load_takes_the_nth_story_and_lists_its_questions(four_stories):
    session = Session(FakeBot())
    assert replies(session, f":load {four_stories} 4") == [
        (
            OUTPUT,
            f"story 4 of 4 from {four_stories}:\n"
            "1. Daniel travelled to the kitchen.\n"
            "2. Daniel journeyed to the garden.\n"
            "questions to try:\n"
            "  Is Daniel in the kitchen?",
        )
    ]
    assert replies(session, ":undo") == [
        (OUTPUT, f"undid :load story 4 of 4 from {four_stories}; the story has 0 sentences")
    ]


def test_load_refuses_a_story_with_words_the_bot_does_not_know(four_stories):
    session = Session(FakeBot())
    assert replies(session, f":load {four_stories}") == [
        (
            NOTICE,
            f"cannot use story 1 of 4 from {four_stories}: sentence 3: "
            'I don\'t know the word "back"',
        )
    ]
    assert session.story == []


def test_a_home_folder_of_no_known_user_is_taken_as_typed(tmp_path, monkeypatch):
    # Path.expanduser raises RuntimeError for "~0" when no user "0" exists (found by hypothesis)
    monkeypatch.chdir(tmp_path)
    session = Session(FakeBot())
    assert replies(session, ":load ~no-such-user-here") == [
        (
            NOTICE,
            "~no-such-user-here: no such file; give a bAbI file such as "
            "qa6_yes-no-questions_train.txt",
        )
    ]
    replies(session, "Mary moved to the bathroom.")
    (tmp_path / "~no-such-user-here").mkdir()
    assert replies(session, ":save ~no-such-user-here/story.txt") == [
        (OUTPUT, "saved 1 sentence to ~no-such-user-here/story.txt")
    ]
    assert (tmp_path / "~no-such-user-here" / "story.txt").read_text() == (
        "1 Mary moved to the bathroom.\n"
    )


def test_save_and_load_problems_are_one_line_notices(tmp_path, four_stories):
    session = Session(FakeBot())
    missing = tmp_path / "missing.txt"
    assert replies(session, ":save") == [(NOTICE, "usage: :save FILE")]
    assert replies(session, f":save {tmp_path}/x.txt") == [
        (
            NOTICE,
            'nothing to save: the story is empty; tell me one, like "Mary moved to the bathroom."',
        )
    ]
    session.handle("Mary moved to the bathroom.")
    assert replies(session, f":save {tmp_path}/no/such/folder.txt")[0][0] == NOTICE
    assert replies(session, ":load") == [
        (NOTICE, "usage: :load FILE [N]  (N: which story of the file, default 1)")
    ]
    # babi.py words the file errors; the session passes them on as one notice.
    ((kind, text),) = replies(session, f":load {missing}")
    assert kind == NOTICE and text.startswith(f"{missing}: no such file")
    assert replies(session, f":load {four_stories} 9") == [
        (NOTICE, f"{four_stories} holds 4 stories; choose N from 1 to 4")
    ]
    assert replies(session, f":load {four_stories} 0") == [
        (NOTICE, f"{four_stories} holds 4 stories; choose N from 1 to 4")
    ]
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"1 Mary\x00\n")
    ((kind, text),) = replies(session, f":load {binary}")
    assert kind == NOTICE and text.startswith(f"{binary}, line 1: binary data")
    assert session.story == ["Mary moved to the bathroom."]


def test_example_tells_a_generated_story_with_questions_to_try():
    import random

    session = Session(FakeBot(words=GENERATED_WORDS, memory=50), seed=3)
    # With the task given, the session draws only the generator's seed from its own stream.
    story = generate_stories(6, 8, random.Random(3).randrange(2**31))[0]
    sentences = [sentence.text for sentence in story.sentences]
    questions = list(dict.fromkeys(question.text for question in story.questions))
    width = len(str(len(sentences)))
    assert replies(session, ":example qa6") == [
        (
            OUTPUT,
            "\n".join(
                [
                    "an example story of task qa6:",
                    *(f"{n:>{width}}. {text}" for n, text in enumerate(sentences, start=1)),
                    "questions to try:",
                    *(f"  {question}" for question in questions),
                ]
            ),
        )
    ]
    assert session.story == sentences and len(questions) >= 2
    assert replies(session, ":example 21") == [
        (NOTICE, "usage: :example [TASK], TASK a number from 1 to 20, or mix")
    ]
    (kind, text), *_ = replies(session, ":example")
    assert kind == OUTPUT and text.startswith("an example story of ")
    assert replies(session, ":undo")[0][1].startswith("undid :example; the story has ")


def test_example_without_a_task_draws_from_all_twenty_and_the_mixed_stories():
    session = Session(FakeBot(words=GENERATED_WORDS, memory=300), seed=1)
    titles = set()
    for _ in range(60):
        (kind, text), *_ = replies(session, ":example")
        assert kind == OUTPUT, text
        titles.add(text.splitlines()[0])
    assert "an example story of mixed stories:" in titles
    assert "an example story of task qa19:" in titles and len(titles) >= 15


@pytest.mark.parametrize(("argument", "title"), [("qa20", "task qa20"), ("mix", "mixed stories")])
def test_example_takes_any_of_the_twenty_tasks_and_mixed_stories(argument, title):
    import random

    task = "mix" if argument == "mix" else 20
    story = generate_stories(task, 8, random.Random(5).randrange(2**31))[0]
    words = Vocabulary.build(line.text for line in story.lines).words
    session = Session(FakeBot(words=words, memory=300), seed=5)
    (kind, text), *_ = replies(session, f":example {argument}")
    assert kind == OUTPUT and text.startswith(f"an example story of {title}:")
    assert session.story == [sentence.text for sentence in story.sentences]


def test_help_and_unknown_commands():
    session = Session(FakeBot())
    forms = "Is Mary in the kitchen?\n  Is Mary no longer in the kitchen?"
    shown = f"{HELP}\nQuestions I understand (one of each form):\n  {forms}"
    assert replies(session, ":help") == [(OUTPUT, shown)]
    assert replies(session, ":HELP") == [(OUTPUT, shown)]
    formless = FakeBot()
    formless.forms = ()  # a model saved without shapes reads every form: nothing to list
    assert replies(Session(formless), ":help") == [(OUTPUT, HELP)]
    assert replies(session, ":help words") == [(OUTPUT, FakeBot().words)]
    assert replies(session, ":frobnicate now") == [
        (NOTICE, 'unknown command ":frobnicate"; :help lists them')
    ]
    assert replies(session, ":" + "x" * 100) == [
        (NOTICE, f'unknown command ":{"x" * 26}..."; :help lists them')
    ]
    assert not session.finished


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("", EMPTY_LINE),
        ("   \t ", EMPTY_LINE),
        ("?!?...", f"I found no words in that; {EMPTY_LINE}"),
        (
            "Mary \x1b[31mmoved",
            "that line holds control characters (U+001B); type plain sentences",
        ),
        ("Mary\x00", "that line holds control characters (U+0000); type plain sentences"),
        (
            "bad \ufffd byte",
            "that line holds bytes that are not UTF-8 text (U+FFFD); type plain sentences",
        ),
        (
            b"bad \xff\xfe bytes \xff".decode("utf-8", "surrogateescape"),
            "that line holds bytes that are not UTF-8 text (0xff, 0xfe); type plain sentences",
        ),
        (
            "Mary " * 1000,
            f"that line is {len('Mary ' * 1000) - 1} characters long; I read at "
            f"most {MAX_LINE} at a time, so type it in parts",
        ),
    ],
)
def test_odd_lines_get_one_short_notice_and_the_session_goes_on(line, message):
    session = Session(FakeBot())
    session.handle("Mary moved to the bathroom.")
    assert replies(session, line) == [(NOTICE, message)]
    assert session.story == ["Mary moved to the bathroom."]
    assert replies(session, "Is Mary in the bathroom?") == [(ANSWER, "yes (90%)")]


def test_quit_ends_the_session_and_later_lines_are_not_read():
    out, err = batch(["Mary moved to the bathroom.", ":quit", "Is Mary in the bathroom?"])
    assert (out, err) == ("", "")
    for word in (":q", ":exit", ":QUIT"):
        session = Session(FakeBot())
        session.handle(word)
        assert session.finished


def test_crlf_lines_from_a_windows_file_read_alike():
    out, err = batch(["Mary moved to the bathroom.\r", "Is Mary in the bathroom?\r"])
    assert (out, err) == ("yes (90%)\n", "")


def test_an_unexpected_failure_is_one_line_and_the_session_goes_on():
    class BrokenBot(FakeBot):
        def answer(self, story, question, unreadable=()):
            if "kitchen" in question:
                raise ValueError("boom")
            return super().answer(story, question, unreadable)

    out, err = batch(
        ["Mary moved to the bathroom.", "Is Mary in the kitchen?", "Is Mary in the bathroom?"],
        BrokenBot(),
    )
    assert out == "yes (90%)\n"
    assert err == "something went wrong (ValueError: boom); the session goes on\n"


def test_format_answer():
    from chatbot.answering.bot import Answer

    assert format_answer(Answer("maybe", 0.876, (), (), None, 0)) == "maybe (88%)"
    assert format_answer(Answer(None, 0.0, (), ("x",), "why not", 0)) == "cannot answer: why not"


def test_history_path_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CHATBOT_HISTORY", str(tmp_path / "h"))
    assert history_path() == tmp_path / "h"
    monkeypatch.delenv("CHATBOT_HISTORY")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert history_path() == tmp_path / "state" / "chatbot" / "history"
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert history_path() == tmp_path / "home" / ".local" / "state" / "chatbot" / "history"


# Property: whatever is typed, no exception escapes and the session goes on. -------------------

JUNK_COMMANDS = st.builds(
    lambda name, argument: f":{name} {argument}",
    st.sampled_from(
        [
            "help",
            "story",
            "why",
            "undo",
            "reset",
            "save",
            "load",
            "example",
            "frob",
            "",
            ":",
            "STORY",
            "load  9999",
            "save /",
        ]
    ),
    st.text(max_size=30),
)
LINES = st.one_of(
    st.text(max_size=200),  # any Unicode, control characters included
    st.text(alphabet=st.characters(codec="ascii"), max_size=50),
    st.text(max_size=3).map(lambda s: s * 1000),  # long lines
    JUNK_COMMANDS,
    st.sampled_from(
        [
            "Mary moved to the bathroom.",
            "Is Mary in the bathroom?",
            "Where is Mary?",
            "is",
            "?",
            ".",
            "Zorblax?",
            ":undo",
            ":why",
        ]
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINES, max_size=12))
def test_no_exception_escapes_whatever_is_typed(lines):
    bot = FakeBot(words=GENERATED_WORDS)
    session = Session(bot, seed=0)
    with tempfile.TemporaryDirectory() as folder:
        for line in lines:
            if line.lstrip().lower().startswith(":save"):
                # Keep the files it writes inside the temporary folder.
                name = line.lstrip()[len(":save") :].strip().replace("/", "_").replace("\x00", "")
                line = f":save {folder}/{name}" if name else line
            for reply in session.handle(line):
                assert isinstance(reply, Reply) and reply.kind in (ANSWER, OUTPUT, NOTICE)
                assert reply.text and isinstance(reply.text, str)
            session.finished = False
    # The session still works: a story sentence and a question are answered as usual.
    session.handle(":reset")
    session.handle("Mary moved to the bathroom.")
    assert replies(session, "Is Mary in the bathroom?") == [(ANSWER, "yes (90%)")]


@settings(max_examples=100, deadline=None)
@given(st.lists(LINES, max_size=8))
def test_batch_mode_answers_each_question_line_with_exactly_one_stdout_line(lines):
    lines = [line for line in lines if not line.startswith(":")]  # commands may print
    out, _ = batch([*lines, "Is Mary in the bathroom?", "Where is Zorblax?"])
    printed = out.splitlines()
    assert all(line.startswith(("yes (", "no (", "maybe (", "cannot answer: ")) for line in printed)
    assert printed[-2].startswith(("yes (", "no (", "maybe (", "cannot answer: the story is empty"))
    assert printed[-1] == NOT_YES_NO


# The terminal session, in-process: prompt_toolkit reading keys from a pipe. ----------------


def terminal(keys, monkeypatch, tmp_path, bot=None):
    """Run a terminal session on `keys`; returns what it printed, without the prompt lines."""
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output.plain_text import PlainTextOutput

    monkeypatch.setenv("CHATBOT_HISTORY", str(tmp_path / "history"))
    screen = io.StringIO()
    with create_pipe_input() as keyboard:
        keyboard.send_text(keys)
        with create_app_session(input=keyboard, output=PlainTextOutput(screen)):
            run_session(bot or FakeBot(), interactive=True)
    return _printed_lines(screen.getvalue())


def _printed_lines(screen: str) -> list[str]:
    """The lines the session printed: the screen without prompt redraws and blank lines."""
    lines = []
    for line in screen.replace("\r\n", "\n").split("\n"):
        text = line.split("\r")[-1].strip() if "\r" in line else line.rstrip()
        if text.strip() and not text.lstrip().startswith(">"):
            lines.append(text)
    return lines


def test_terminal_session_banner_answers_and_ctrl_d(monkeypatch, tmp_path):
    printed = terminal(
        "Mary moved to the bathroom.\rIs Mary in the bathroom?\r:why\r\x04", monkeypatch, tmp_path
    )
    assert printed == [
        *BANNER.splitlines(),
        "yes (90%)",
        '"Is Mary in the bathroom?": yes (90%), resting on',
        "  ████████████████████ 100%  Mary moved to the bathroom.",
    ]
    history = (tmp_path / "history").read_text()
    assert [line for line in history.splitlines() if line.startswith("+")] == [
        "+Mary moved to the bathroom.",
        "+Is Mary in the bathroom?",
        "+:why",
    ]


def test_terminal_ctrl_c_clears_the_line_and_quit_leaves(monkeypatch, tmp_path):
    bot = FakeBot()
    printed = terminal(
        "Mary moved to the bathroom.\rIs Mary in the gar\x03:story\r:quit\r"
        "Is Mary in the bathroom?\r",
        monkeypatch,
        tmp_path,
        bot,
    )
    assert printed == [*BANNER.splitlines(), "1. Mary moved to the bathroom."]
    assert bot.questions == []  # the cleared question was never asked, nor the one after :quit
