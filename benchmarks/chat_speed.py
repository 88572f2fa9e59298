"""Benchmark: how fast `chatbot chat` feels: prompt, first answer, and each answer after warm-up.

Measures, in one run and against the same yardstick (a bare `python -c "import tensorflow"` on
this machine, the median of a few runs):

- the time from starting `chatbot chat` on a pseudo-terminal to its prompt being ready for keys
  (target: at most 1.5 x the bare import; the model loads in the background meanwhile);
- in batch mode (stdin a pipe), the time from start to the first answer line on stdout
  (target: at most 3 x the bare import);
- the median time of one `Chatbot.answer` after warm-up, in-process (target: at most 2 ms on the
  shipped default model).

Usage (from the project root):

    python benchmarks/chat_speed.py [--model DIR] [--runs N] [--answers N]

Prints one Markdown table for docs/BENCHMARKS.md.
"""

import argparse
import os
import platform
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime

STORY = ["Mary moved to the bathroom.", "Sandra journeyed to the bedroom."]
QUESTION = "Is Mary in the bathroom?"
PROMPT_READY = b"\x1b[?2004h"  # prompt_toolkit switches bracketed paste on when a prompt reads


def seconds_to_import_tensorflow() -> float:
    environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import tensorflow"], check=True, env=environment)
    return time.perf_counter() - started


def chat_command(model: str | None) -> list[str]:
    return [sys.executable, "-m", "chatbot", "chat", *(["--model", model] if model else [])]


def seconds_to_prompt(model: str | None, state: str) -> float:
    """Start `chatbot chat` on a pseudo-terminal; seconds until its prompt reads keys."""
    terminal, child = pty.openpty()
    environment = dict(
        os.environ, TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1", CHATBOT_HISTORY=state
    )
    started = time.perf_counter()
    process = subprocess.Popen(
        chat_command(model), stdin=child, stdout=child, stderr=child, env=environment
    )
    os.close(child)
    screen = b""
    while PROMPT_READY not in screen:
        ready, _, _ = select.select([terminal], [], [], 120)
        if not ready:
            raise RuntimeError(f"no prompt after 120 s; the screen: {screen!r}")
        screen += os.read(terminal, 65536)
    elapsed = time.perf_counter() - started
    os.write(terminal, b"\x04")  # Ctrl-D
    process.wait(120)
    os.close(terminal)
    return elapsed


def seconds_to_first_answer(model: str | None) -> float:
    """Pipe a story and a question into `chatbot chat`; seconds until the answer line."""
    started = time.perf_counter()
    process = subprocess.Popen(
        chat_command(model), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    process.stdin.write(("\n".join([*STORY, QUESTION]) + "\n").encode())
    process.stdin.flush()
    line = process.stdout.readline()
    elapsed = time.perf_counter() - started
    process.stdin.close()
    process.wait(120)
    if not line:
        raise RuntimeError(f"no answer: {process.stderr.read().decode()}")
    return elapsed


def tutorial_bot(bot):
    """The seed tutorial's network with the bot's vocabulary, answers and sizes (untrained:
    speed does not depend on the weights)."""
    import dataclasses

    from chatbot.bot import Chatbot
    from chatbot.inference import ModelBundle
    from chatbot.model import build_model

    config = dataclasses.replace(bot.bundle.config, architecture="tutorial")
    bundle = ModelBundle(build_model(config), bot.vocabulary, config, bot.answers)
    return Chatbot(bot.vocabulary, config, bot.answers, bundle)


def milliseconds_per_answer(bot, answers: int) -> float:
    for _ in range(20):  # warm-up: tracing and caches
        bot.answer(STORY, QUESTION)
    times = []
    for _ in range(answers):
        started = time.perf_counter()
        bot.answer(STORY, QUESTION)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model folder (default: the shipped default model)")
    parser.add_argument("--runs", type=int, default=3, help="runs per start-up timing (median)")
    parser.add_argument("--answers", type=int, default=500, help="timed answers (median)")
    arguments = parser.parse_args()
    model, runs = arguments.model, arguments.runs

    with tempfile.TemporaryDirectory() as state:
        history = os.path.join(state, "history")
        imports = statistics.median(seconds_to_import_tensorflow() for _ in range(runs))
        prompt = statistics.median(seconds_to_prompt(model, history) for _ in range(runs))
        first = statistics.median(seconds_to_first_answer(model) for _ in range(runs))
    from chatbot.bot import Chatbot

    bot = Chatbot.load(model)
    per_answer = milliseconds_per_answer(bot, arguments.answers)
    tutorial = milliseconds_per_answer(tutorial_bot(bot), arguments.answers)

    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, "
        f"model {model or 'default'}"
    )
    print()
    print("| measure | value | target |")
    print("| --- | --- | --- |")
    print(f"| bare `import tensorflow` | {imports:.2f} s | (yardstick) |")
    print(f"| `chatbot chat` prompt ready | {prompt:.2f} s ({prompt / imports:.2f} x) | <= 1.5 x |")
    print(f"| batch mode, first answer | {first:.2f} s ({first / imports:.2f} x) | <= 3 x |")
    print(
        f"| `Chatbot.answer`, median after warm-up | {per_answer:.2f} ms "
        f"({per_answer / tutorial:.2f} x the seed tutorial's {tutorial:.2f} ms) | <= 2 ms |"
    )


if __name__ == "__main__":
    main()
