"""`chatbot ask` and `chatbot chat` from the outside: exit codes, JSON, pipes and a real terminal.

The terminal tests make their own pseudo-terminal (the pty module), so they run in CI too, where
no terminal is attached. Subprocesses that import TensorFlow take seconds each, so there are few;
most session behaviour is tested in test_repl.py with a fake bot.
"""

import io
import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_runner import run as run_main

from chatbot.frontends.repl import BANNER, run_session

TESTS = Path(__file__).resolve().parent
STORY = "Mary moved to the bathroom. Sandra journeyed to the bedroom."
QUESTION = "Is Mary in the bathroom?"
ANSWER_LINE = re.compile(r"^(yes|no|maybe) \(\d{1,3}%\)$")


@pytest.fixture(scope="module")
def model_dir(tiny_model_dir):
    return tiny_model_dir


@pytest.fixture(scope="module")
def bot(tiny_bot):
    return tiny_bot


# ask ----------------------------------------------------------------------------------------


def test_ask_prints_the_answer_and_exits_0(capsys, model_dir, bot, quick_load):
    code, out, err = run_main(
        capsys, "ask", "--story", STORY, "--question", QUESTION, "--model", str(model_dir)
    )
    answer = bot.answer(STORY, QUESTION)
    assert (code, out, err) == (0, f"{answer.label} ({answer.confidence:.0%})\n", "")
    assert ANSWER_LINE.match(out.strip())


def test_ask_json_lists_every_sentence_highest_weight_first(
    capsys, model_dir, bot, tmp_path, quick_load
):
    story_file = tmp_path / "story.txt"
    story_file.write_text(STORY.replace(". ", ".\n"))
    code, out, err = run_main(
        capsys, "ask", "--story-file", str(story_file), "--question", QUESTION,
        "--model", str(model_dir), "--json",
    )  # fmt: skip
    data = json.loads(out)
    assert (code, err) == (0, "")
    assert data == bot.answer(STORY, QUESTION).to_json()
    assert list(data) == [
        "answer", "confidence", "support", "unknown_words", "reason", "left_out", "steps",
    ]  # fmt: skip
    assert data["answer"] in ("yes", "no", "maybe") and 0 <= data["confidence"] <= 1
    assert sorted(item["sentence"] for item in data["support"]) == sorted(
        ["Mary moved to the bathroom.", "Sandra journeyed to the bedroom."]
    )
    weights = [item["weight"] for item in data["support"]]
    assert weights == sorted(weights, reverse=True)
    assert (data["unknown_words"], data["reason"], data["left_out"]) == ([], None, [])


def test_ask_exits_3_when_it_cannot_answer(capsys, model_dir, quick_load):
    model = ("--model", str(model_dir))
    code, out, err = run_main(
        capsys, "ask", "--story", STORY, "--question", "Is Zorblax in the bathroom?", *model
    )
    never = 'the story never mentions "Zorblax"; ask about someone or something in it'
    assert (code, out, err) == (3, "", f"cannot answer: {never}\n")
    code, out, err = run_main(
        capsys, "ask", "--story", STORY, "--question", "Is Mary xyzzy?", *model, "--json",
    )  # fmt: skip
    assert (code, err) == (3, "")
    assert json.loads(out) == {
        "answer": None,
        "confidence": 0.0,
        "support": [
            {"sentence": "Mary moved to the bathroom.", "weight": 0.0},
            {"sentence": "Sandra journeyed to the bedroom.", "weight": 0.0},
        ],
        "unknown_words": ["xyzzy"],
        "reason": 'I don\'t know the word "xyzzy"',
        "left_out": [],
        "steps": [],
    }
    code, out, err = run_main(
        capsys, "ask", "--story", STORY, "--question", "Is Mary either in the bathroom?", *model
    )
    assert (code, out) == (3, "")
    assert err == (
        'cannot answer: I don\'t understand questions like "Is Mary either in the bathroom?"; '
        'I understand questions like "Is Mary in the bathroom?"\n'
    )
    code, out, err = run_main(
        capsys, "ask", "--story", STORY, "--question", "Where is Mary?", *model
    )
    assert (code, out) == (3, "")
    assert err == (
        'cannot answer: I answer yes/no questions, like "Is Mary in the kitchen?", '
        'not "where" questions\n'
    )


def test_ask_leaves_out_a_sentence_of_a_form_it_never_met_with_a_notice(
    capsys, model_dir, bot, quick_load
):
    odd = "Mary went to the hallway or the bedroom."
    story = f"{STORY} {odd}"
    notice = (
        f'I don\'t understand sentences like "{odd}"; I understand sentences like '
        '"John went to the hallway."; I left that sentence out of the story\n'
    )
    model = ("--model", str(model_dir))
    question = "Is Sandra in the bathroom?"  # the sentence left out is not about Sandra
    code, out, err = run_main(capsys, "ask", "--story", story, "--question", question, *model)
    answer = bot.answer(story, question)
    assert (code, out, err) == (0, f"{answer.label} ({answer.confidence:.0%})\n", notice)
    code, out, err = run_main(
        capsys, "ask", "--story", story, "--question", question, *model, "--json"
    )
    assert (code, err) == (0, notice)
    assert json.loads(out)["left_out"] == [odd]
    assert odd not in [item["sentence"] for item in json.loads(out)["support"]]


def test_ask_will_not_answer_from_the_rest_when_the_sentence_left_out_is_about_the_asked(
    capsys, model_dir, quick_load
):
    odd = "Mary went to the hallway or the bedroom."
    model = ("--model", str(model_dir))
    code, out, err = run_main(
        capsys, "ask", "--story", f"{STORY} {odd}", "--question", QUESTION, *model, "--json"
    )
    reason = f'I could not read "{odd}", which is about Mary'
    assert code == 3 and json.loads(out)["answer"] is None
    assert json.loads(out)["reason"] == reason and json.loads(out)["left_out"] == [odd]
    code, out, err = run_main(capsys, "ask", "--story", f"{STORY} {odd}", "--question", QUESTION)
    assert (code, out) == (3, "") and err.endswith(f"cannot answer: {reason}\n")


ONE_STORY = "Error: give the story with one of --story TEXT or --story-file FILE"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--question"], "Error: Option '--question' requires an argument."),
        (["--story", STORY], "Error: Missing option '--question'."),
        (["--question", QUESTION], ONE_STORY),
        (["--story", STORY, "--story-file", "x.txt", "--question", QUESTION], ONE_STORY),
        (["--story", STORY, "--question", QUESTION, "--bogus"], "--bogus"),
    ],
)  # fmt: skip
def test_ask_usage_errors_exit_2(capsys, args, message):
    code, out, err = run_main(capsys, "ask", *args)
    assert (code, out) == (2, "")
    assert message in err.splitlines()[-1]  # click words its own errors


def test_ask_other_errors_exit_1(capsys, model_dir, tmp_path, quick_load):
    code, out, err = run_main(
        capsys, "ask", "--story", STORY, "--question", QUESTION, "--model", str(tmp_path / "none")
    )
    assert (code, out) == (1, "")
    assert err.startswith(f"Error: model folder {tmp_path / 'none'} does not exist")
    code, out, err = run_main(
        capsys, "ask", "--story-file", str(tmp_path / "missing.txt"), "--question", QUESTION,
        "--model", str(model_dir),
    )  # fmt: skip
    assert (code, out) == (1, "")
    assert (
        err == f"Error: {tmp_path / 'missing.txt'}: no such file; give a text file with the story\n"
    )


# chat through a pipe ------------------------------------------------------------------------

CONTRACT_SESSION = [
    "Mary moved to the bathroom.",
    "Sandra journeyed to the bedroom.",
    "Is Mary in the bathroom?",
    "is sandra in the BATHROOM",
    "Mary is either in the office or the kitchen.",
    "Is Mary in the office?",
    "Is Zorblax in the kitchen?",
    "Where is Mary?",
    "John went to the hallway. Daniel went back to the garden.",
    ":story",
    ":why",
    ":frob",
    "\x07",
]


def chatbot_env(tmp_path) -> dict:
    """An environment that keeps the session's history and state inside tmp_path."""
    return dict(
        os.environ,
        CHATBOT_HISTORY=str(tmp_path / "history"),
        HOME=str(tmp_path),
        PYTHONIOENCODING="utf-8",
    )


@pytest.mark.slow
def test_chat_batch_mode_transcript(tmp_path, model_dir, bot):
    script = "".join(line + "\n" for line in CONTRACT_SESSION)
    done = subprocess.run(
        [sys.executable, "-m", "chatbot", "chat", "--model", str(model_dir)],
        input=script.encode(),
        capture_output=True,
        env=chatbot_env(tmp_path),
        timeout=300,
    )
    # The same lines through the same bot in-process give the whole expected transcript.
    out, err = io.StringIO(), io.StringIO()
    run_session(bot, io.StringIO(script), out, err, interactive=False)
    assert done.returncode == 0
    assert done.stdout.decode() == out.getvalue()
    assert done.stderr.decode() == err.getvalue()  # notices only: no TensorFlow logs
    lines = out.getvalue().splitlines()
    assert [ANSWER_LINE.match(line) is not None for line in lines[:3]] == [True] * 3
    assert lines[3:5] == [
        'cannot answer: the story never mentions "Zorblax"; ask about someone or something in it',
        'cannot answer: I answer yes/no questions, like "Is Mary in the kitchen?", '
        'not "where" questions',
    ]
    assert lines[5:10] == [
        "1. Mary moved to the bathroom.  (forgotten)",
        "2. Sandra journeyed to the bedroom.",
        "3. Mary is either in the office or the kitchen.",
        "4. John went to the hallway.",
        "5. Daniel went back to the garden.",
    ]
    assert err.getvalue().splitlines() == [
        'my memory holds 4 sentences, so "Mary moved to the bathroom." dropped out of it '
        "(:story shows the whole story)",
        'unknown command ":frob"; :help lists them',
        "that line holds control characters (U+0007); type plain sentences",
    ]


def test_chat_with_a_missing_model_exits_1_at_once(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "chatbot", "chat", "--model", str(tmp_path / "none")],
        input=b"Is Mary in the bathroom?\n",
        capture_output=True,
        env=chatbot_env(tmp_path),
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (1, b"")
    assert done.stderr.decode().startswith(f"Error: model folder {tmp_path / 'none'} does not")


# chat on a pseudo-terminal ------------------------------------------------------------------

_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][0-9A-Za-z]|\x1b.")


class Terminal:
    """A process on a pseudo-terminal of our own; `expect` waits for text on its screen."""

    def __init__(self, argv, env):
        self.fd, child = pty.openpty()
        self.process = subprocess.Popen(
            argv, stdin=child, stdout=child, stderr=child, env=env, start_new_session=True
        )
        os.close(child)
        self.raw = b""
        self.mark = 0  # expect() looks only at what came after the last match
        self.prompts = 0  # prompts waited for so far

    @property
    def screen(self) -> str:
        return _ESCAPES.sub("", self.raw.decode("utf-8", "replace"))

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # the child closed the terminal
            return False
        self.raw += chunk
        return bool(chunk)

    def expect(self, text: str, timeout: float = 180) -> None:
        end = time.monotonic() + timeout
        while text not in self.screen[self.mark :]:
            if time.monotonic() > end or not self._read(0.1):
                raise AssertionError(f"{text!r} did not appear; the screen:\n{self.screen}")
        self.mark = self.screen.index(text, self.mark) + len(text)

    def prompt(self, timeout: float = 180) -> None:
        """Wait for the next prompt to be ready for keys.

        prompt_toolkit switches bracketed paste on each time a prompt starts reading (after
        putting the terminal in raw mode). Between prompts the terminal is in cooked mode, where
        Ctrl-C and Ctrl-D are a signal and end-of-file rather than keys, so tests wait.
        """
        self.prompts += 1
        end = time.monotonic() + timeout
        while self.raw.count(b"\x1b[?2004h") < self.prompts:
            if time.monotonic() > end or not self._read(0.1):
                raise AssertionError(
                    f"prompt {self.prompts} did not come; the screen:\n{self.screen}"
                )
        self.mark = len(self.screen)

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def finish(self, timeout: float = 60) -> int:
        code = self.process.wait(timeout)
        while self._read(0.05):
            pass
        return code

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.fd)

    def printed_lines(self) -> list[str]:
        """What the program printed, without the prompt's redraws and blank lines."""
        lines = []
        for line in self.screen.split("\n"):
            # A line's last carriage-return segment is what stays on the screen.
            text = line.rstrip("\r").split("\r")[-1].replace("\x08", "").strip()
            if text and not text.startswith(">"):
                lines.append(text)
        return lines


@pytest.fixture
def spawn(tmp_path):
    """Start programs on pseudo-terminals; whatever a failing test leaves running is ended."""
    terminals = []

    def start(argv):
        terminals.append(Terminal(argv, terminal_env(tmp_path)))
        return terminals[-1]

    yield start
    for terminal in terminals:
        terminal.close()


def terminal_env(tmp_path) -> dict:
    # No terminal emulator answers cursor-position requests here: tell prompt_toolkit not to ask.
    return dict(chatbot_env(tmp_path), TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1")


FAKE_CHAT = f"""
import sys
sys.path.insert(0, {str(TESTS)!r})
from fake_bot import FakeBot
from chatbot.frontends.repl import run_session
run_session(FakeBot())
"""


def test_terminal_session_completes_clears_and_leaves(tmp_path, spawn):
    terminal = spawn([sys.executable, "-c", FAKE_CHAT])
    terminal.prompt()
    terminal.type("Mary moved to the bathroom.\r")
    terminal.prompt()
    terminal.type("Is Mary in the ba\t")  # Tab completes the word
    terminal.expect("in the bathroom")
    terminal.type("?\r")
    terminal.expect("yes (90%)")
    terminal.prompt()
    terminal.type("Is Mary in the garden?")
    terminal.expect("garden?")
    terminal.type("\x03")  # Ctrl-C drops the line
    terminal.prompt()
    terminal.type(":story\r")
    terminal.expect("1. Mary moved to the bathroom.")
    terminal.prompt()
    terminal.type("\x04")  # Ctrl-D leaves
    assert terminal.finish() == 0
    assert terminal.printed_lines() == [
        *BANNER.splitlines(),
        "yes (90%)",
        "1. Mary moved to the bathroom.",
    ]
    history = (tmp_path / "history").read_text()
    assert [line for line in history.splitlines() if line.startswith("+")] == [
        "+Mary moved to the bathroom.",
        "+Is Mary in the bathroom?",
        "+:story",
    ]


@pytest.mark.slow
def test_chat_on_a_terminal_with_a_real_model(tmp_path, model_dir, spawn):
    started = time.monotonic()
    terminal = spawn([sys.executable, "-m", "chatbot", "chat", "--model", str(model_dir)])
    terminal.prompt()
    prompt_seconds = time.monotonic() - started
    terminal.type("Mary moved to the bathroom. Sandra journeyed to the bedroom.\r")
    terminal.prompt()
    terminal.type("Is Mary in the bathroom?\r")
    terminal.expect("%)")
    terminal.prompt()
    terminal.type(":why\r")
    terminal.expect("read in 3 steps")  # the tiny model reads in steps, as the default does
    terminal.prompt()
    terminal.type(":quit\r")
    assert terminal.finish() == 0
    printed = terminal.printed_lines()
    assert printed[:2] == BANNER.splitlines()
    assert ANSWER_LINE.match(printed[2]), printed
    assert printed[3] == f'"Is Mary in the bathroom?": {printed[2]}, read in 3 steps'
    assert (tmp_path / "history").read_text().count("\n+") == 4  # four lines typed
    assert "Traceback" not in terminal.screen and "WARNING" not in terminal.screen
    print(f"prompt after {prompt_seconds:.2f} s")  # shown with -s; the benchmark measures it
