"""TensorFlow's native start-up lines never reach the user, whatever the CPU (issue: AVX-512 CI).

On CPUs with AVX-512 TensorFlow's C++ code writes "oneDNN custom operations are on" and absl's
"All log messages before absl::InitializeLog()" straight to descriptor 2. Other CPUs write
nothing, so these tests make the lines themselves: `NOISY` runs a command with an import hook
that writes such lines to descriptor 2, the way native code does, when TensorFlow is imported
(and once more after, as the first graph build does). `TF_ENABLE_ONEDNN_OPTS=1` adds the real
lines where the CPU can produce them. So every test here fails without the filter, on any CPU.
"""

import io
import os
import subprocess
import sys

import pytest
from test_cli_chat import ANSWER_LINE, CONTRACT_SESSION, Terminal, chatbot_env

from chatbot.frontends.native_log import _pass_on, is_native_log_line
from chatbot.frontends.repl import BANNER, run_session

# Lines as TensorFlow 2.21 writes them on an AVX-512 machine (times and thread ids vary).
NATIVE_LINES = [
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    "I0000 00:00:1796133994.274063    3736 port.cc:153] oneDNN custom operations are on. You may "
    "see slightly different numerical results due to floating-point round-off errors from "
    "different computation orders. To turn them off, set the environment variable "
    "`TF_ENABLE_ONEDNN_OPTS=0`.",
    "I0000 00:00:1796133994.281002    3736 cpu_feature_guard.cc:210] This TensorFlow binary is "
    "optimized to use available CPU instructions in performance-critical operations.",
    "W0000 00:00:1796133997.842571    3790 op_level_cost_estimator.cc:699] Error in "
    'PredictCost() for the op: op: "Softmax"',
    "2026-12-01 14:05:27.123456: I tensorflow/core/platform/cpu_feature_guard.cc:182] This "
    "TensorFlow binary is optimized to use available CPU instructions.",
]

# Runs `chatbot ARGS...` as the program does (main() with no arguments), with a hook that writes
# NATIVE_LINES to descriptor 2 when TensorFlow is imported. With CHATBOT_TEST_RELEASE set, the
# import waits until that file exists: the test then knows the model is still loading.
NOISY = f"""
import importlib.abc, importlib.util, os, sys, time
NOISE = {("".join(line + chr(10) for line in NATIVE_LINES)).encode()!r}

class Noisy(importlib.abc.MetaPathFinder):
    # It stays in sys.meta_path: removing itself from the loading thread while the main thread
    # walks that list made the main thread skip a finder and fail an import (CI, stop 26).
    found = False

    def find_spec(self, name, path, target=None):
        if name != "tensorflow" or self.found:
            return None
        self.found = True
        spec = importlib.util.find_spec(name)
        real_exec = spec.loader.exec_module

        def exec_module(module):
            os.write(2, NOISE)
            release = os.environ.get("CHATBOT_TEST_RELEASE")
            while release and not os.path.exists(release):
                time.sleep(0.02)
            real_exec(module)
            os.write(2, NOISE)

        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, Noisy())
sys.argv[0] = "chatbot"
from chatbot.cli import main
main()
"""


@pytest.fixture(scope="module")
def model_dir(tiny_model_dir):
    return tiny_model_dir


def noisy_env(tmp_path, **extra) -> dict:
    return dict(chatbot_env(tmp_path), TF_ENABLE_ONEDNN_OPTS="1", **extra)


def run_noisy(tmp_path, *arguments, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", NOISY, *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        env=noisy_env(tmp_path),
        cwd=tmp_path,
        timeout=300,
    )


def test_native_log_lines_are_recognised_and_ours_are_not():
    assert all(is_native_log_line(line.encode()) for line in NATIVE_LINES)
    ours = [
        "Error: model folder x does not exist",
        'I don\'t know the word "kitchn" (closest: kitchen); I left that sentence out',
        "I0000 is not a log line without its file:line] part",
        "E0000 00:00:1796133994.274063    3736 cuda.cc:12] a native error explains a failure",
        "F0000 00:00:1796133994.274063    3736 check.cc:12] Check failed: a fatal one too",
        "terminate called without an active exception",
        "Traceback (most recent call last):",
    ]
    assert not any(is_native_log_line(line.encode()) for line in ours)


def test_the_filter_drops_only_native_lines_and_keeps_order_and_partial_lines():
    source_read, source_write = os.pipe()
    target_read, target_write = os.pipe()
    written = "\n".join(["first", NATIVE_LINES[0], "second", NATIVE_LINES[1], "last, no newline"])
    os.write(source_write, written.encode())
    os.close(source_write)
    _pass_on(source_read, target_write)
    os.close(target_write)
    with os.fdopen(target_read, "rb") as passed:
        assert passed.read() == b"first\nsecond\nlast, no newline"
    os.close(source_read)


def test_the_hook_really_writes_the_lines_where_nothing_filters_them(tmp_path, model_dir):
    # Called with arguments, main() leaves stderr alone: the lines show, so the tests below can
    # fail. Not a behaviour to keep, a check of the test's own tool.
    unfiltered = NOISY.replace("main()", "main(sys.argv[1:])")
    done = subprocess.run(
        [sys.executable, "-c", unfiltered, "ask", "--model", str(model_dir)]
        + ["--story", "Mary moved to the bathroom.", "--question", "Is Mary in the bathroom?"],
        capture_output=True,
        text=True,
        env=noisy_env(tmp_path),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert NATIVE_LINES[1] in done.stderr.splitlines()


def test_chat_in_batch_mode_shows_only_answers_and_our_notices(tmp_path, model_dir):
    from chatbot.answering.bot import Chatbot

    script = "".join(line + "\n" for line in CONTRACT_SESSION)
    done = run_noisy(tmp_path, "chat", "--model", str(model_dir), stdin=script)
    out, err = io.StringIO(), io.StringIO()
    run_session(Chatbot.load(model_dir), io.StringIO(script), out, err, interactive=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, out.getvalue(), err.getvalue())
    assert len(err.getvalue().splitlines()) == 3  # our own notices pass the filter


def test_ask_prints_only_its_answer(tmp_path, model_dir):
    done = run_noisy(
        tmp_path, "ask", "--model", str(model_dir),
        "--story", "Mary moved to the bathroom.", "--question", "Is Mary in the bathroom?",
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    assert ANSWER_LINE.match(done.stdout.strip())


def test_errors_still_reach_stderr_through_the_filter(tmp_path):
    done = run_noisy(tmp_path, "ask", "--model", "none", "--story", "x", "--question", "Is x?")
    assert done.returncode == 1
    assert done.stderr.startswith("Error: model folder none does not exist")
    assert len(done.stderr.splitlines()) == 1


def test_train_and_evaluate_print_nothing_on_stderr(tmp_path, four_stories):
    trained = run_noisy(
        tmp_path, "train", str(four_stories), "--out", str(tmp_path / "m"),
        "--valid", str(four_stories), "--epochs", "1",
    )  # fmt: skip
    assert (trained.returncode, trained.stderr) == (0, "")
    evaluated = run_noisy(tmp_path, "evaluate", str(four_stories), "--model", str(tmp_path / "m"))
    assert (evaluated.returncode, evaluated.stderr) == (0, "")
    assert "accuracy" in evaluated.stdout


@pytest.mark.parametrize(
    "arguments",
    [
        ["info", "--model", "{model}"],
        ["inspect", "{stories}"],
        ["generate", "--out", "generated", "--questions", "20", "--tasks", "6"],
    ],
)
def test_commands_without_tensorflow_print_nothing_on_stderr(
    tmp_path, four_stories, model_dir, arguments
):
    arguments = [argument.format(stories=four_stories, model=model_dir) for argument in arguments]
    done = run_noisy(tmp_path, *arguments)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout


def test_terminal_shows_banner_and_prompt_only_and_completes_while_loading(tmp_path, model_dir):
    release = tmp_path / "release"
    terminal = Terminal(
        [sys.executable, "-c", NOISY, "chat", "--model", str(model_dir)],
        dict(
            noisy_env(tmp_path, CHATBOT_TEST_RELEASE=str(release)),
            TERM="xterm-256color",
            PROMPT_TOOLKIT_NO_CPR="1",
        ),
    )
    try:
        terminal.prompt()
        terminal.type("Mary moved to the bathroom.\r")
        terminal.prompt()
        terminal.type("Is Mary in the bath\t")  # TensorFlow's import is held: still loading
        terminal.expect("in the bathroom")
        release.touch()
        terminal.type("?\r")
        terminal.expect("%)")
        terminal.prompt()
        terminal.type(":quit\r")
        assert terminal.finish() == 0
        printed = terminal.printed_lines()
        assert printed[:2] == BANNER.splitlines()
        assert len(printed) == 3 and ANSWER_LINE.match(printed[2]), printed
        assert "oneDNN" not in terminal.screen and "absl" not in terminal.screen
    finally:
        terminal.close()
