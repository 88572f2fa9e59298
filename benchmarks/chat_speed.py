"""Benchmark: how fast `chatbot chat` feels: prompt, first answer, and each answer after warm-up.

Measures, in one run and against the same yardstick (a bare `python -c "import tensorflow"` on
this machine, the median of a few runs):

- the time from starting `chatbot chat` on a pseudo-terminal to its prompt being ready for keys
  (target: at most 1.5 x the bare import; the model loads in the background meanwhile);
- in batch mode (stdin a pipe), the time from start to the first answer line on stdout
  (target: at most 3 x the bare import);
- the median time of one `Chatbot.answer` after warm-up, in-process (target: at most 2 ms on the
  shipped default model), over one short story asked `--answers` times, and over the 50,000
  real en-10k yes/no questions of `inference.py` (tasks 6, 9, 10, 17, 18; every `--every`-th
  of them), each asked once (issue 12's measure). Both beside the seed tutorial's network
  as `inference.tutorial_bundle` builds it (its own word vocabulary, no lexicon, a memory of 20
  sentences; untrained: speed does not depend on the weights), as a ratio.

Usage (from the project root):

    python benchmarks/chat_speed.py [--model DIR] [--runs N] [--answers N] [--every K]
                                    [--no-startup] [--baseline DIR]

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

from inference import TUTORIAL_MEMORY, default_data, tutorial_bundle

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


def tutorial_bot(bot, examples, memory: int = TUTORIAL_MEMORY):
    """The seed tutorial's network as `inference.tutorial_bundle` builds it, as a bot
    (untrained: speed does not depend on the weights)."""
    from chatbot.answering.bot import Chatbot

    bundle = tutorial_bundle(bot.bundle, memory, examples)
    return Chatbot(bundle)


def median_answers(bots, examples) -> list[float]:
    """Per bot, the median milliseconds of `Chatbot.answer` over the examples after warm-up.

    The bots take turns question by question, so a change of the machine's load (it is shared)
    falls on all of them alike.
    """
    for bot in bots:
        for example in examples[:20]:  # warm-up: tracing and caches
            bot.answer(list(example.story), example.question)
    times: list[list[float]] = [[] for _ in bots]
    for example in examples:
        for bot, kept in zip(bots, times, strict=True):
            started = time.perf_counter()
            bot.answer(list(example.story), example.question)
            kept.append(time.perf_counter() - started)
    return [statistics.median(kept) * 1000 for kept in times]


def startup_rows(model: str | None, runs: int) -> list[str]:
    """Table rows of the start-up timings, against a bare `import tensorflow`."""
    with tempfile.TemporaryDirectory() as state:
        history = os.path.join(state, "history")
        imports = statistics.median(seconds_to_import_tensorflow() for _ in range(runs))
        prompt = statistics.median(seconds_to_prompt(model, history) for _ in range(runs))
        first = statistics.median(seconds_to_first_answer(model) for _ in range(runs))
    return [
        f"| bare `import tensorflow` | {imports:.2f} s | (yardstick) |",
        f"| `chatbot chat` prompt ready | {prompt:.2f} s ({prompt / imports:.2f} x) | <= 1.5 x |",
        f"| batch mode, first answer | {first:.2f} s ({first / imports:.2f} x) | <= 3 x |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model folder (default: the shipped default model)")
    parser.add_argument("--runs", type=int, default=3, help="runs per start-up timing (median)")
    parser.add_argument("--answers", type=int, default=500, help="timed answers (median)")
    parser.add_argument("--every", type=int, default=1, help="ask every K-th real question")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up timings")
    parser.add_argument("--baseline", help="another model folder, asked in the same turns")
    arguments = parser.parse_args()
    model = arguments.model

    rows = [] if arguments.no_startup else startup_rows(model, arguments.runs)
    from chatbot.answering.bot import Chatbot
    from chatbot.stories.babi import Example, examples_of, read_paths

    bot = Chatbot.load(model)
    examples = examples_of(read_paths(default_data()))
    bots = [bot, tutorial_bot(bot, examples)]
    if arguments.baseline:
        bots.append(Chatbot.load(arguments.baseline))
    one_story = [Example(tuple(STORY), QUESTION, "yes", (), "", "")] * arguments.answers
    ours_one, tutorial_one, *baseline_one = median_answers(bots, one_story)
    examples = examples[:: arguments.every]
    ours_real, tutorial_real, *baseline_real = median_answers(bots, examples)

    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, "
        f"model {model or 'default'}"
    )
    print()
    print("| measure | value | target |")
    print("| --- | --- | --- |")
    for row in rows:
        print(row)
    print(
        f"| `Chatbot.answer`, median after warm-up | {ours_one:.2f} ms "
        f"({ours_one / tutorial_one:.2f} x the seed tutorial's {tutorial_one:.2f} ms) | <= 2 ms |"
    )
    print(
        f"| `Chatbot.answer`, median over {len(examples):,} real questions | {ours_real:.2f} ms "
        f"({ours_real / tutorial_real:.2f} x the seed tutorial's {tutorial_real:.2f} ms)"
        " | ratio no worse than today |"
    )
    for one, real in zip(baseline_one, baseline_real, strict=True):
        print(
            f"| the same, baseline {arguments.baseline} | {one:.2f} ms and {real:.2f} ms "
            f"(ours {ours_one / one:.2f} x and {ours_real / real:.2f} x its time) | |"
        )


if __name__ == "__main__":
    main()
