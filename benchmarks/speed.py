"""Benchmark: issue 22's speeds in one run, each beside the seed tutorial's model on the same path.

- `evaluate` in-process after loading (start-up is measured apart): the whole of `chatbot
  evaluate`'s work on bAbI's 10,000-question qa6 file (en-10k): reading, the network, the
  report and its partner questions (`evaluation.consistency`). Target: 50,000 questions/s and
  4 x the tutorial's.
- A typed answer in `chat`: `Chatbot.answer` on a story of ten sentences, one sentence told
  between questions, as a conversation goes, loaded as `chat` on a terminal loads it (calls of
  fixed shapes compiled during the warm-up). Target: a median of 1 ms.
- The first answer of `chatbot chat` in batch mode against a bare `import tensorflow`.
  Target: 1.5 x.
- A profile of `evaluate`: where the time goes.

The tutorial's model is the one `inference.tutorial_bundle` builds (the seed tutorial's
network, its own word vocabulary, no lexicon, a memory of 20 sentences; untrained: speed does
not depend on the weights). The models take turns, so a change of the machine's load (it is
shared) falls on both. `chatbot serve` is measured by benchmarks/serve.py, not here.

Usage (from the project root):

    python benchmarks/speed.py [--model DIR] [--data FILE] [--repeats N] [--answers N]
                               [--no-startup] [--write-docs]

--write-docs replaces the section between the markers of docs/BENCHMARKS.md with the table.
"""

import argparse
import cProfile
import io
import os
import platform
import pstats
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from chat_speed import seconds_to_first_answer, seconds_to_import_tensorflow, tutorial_bot
from inference import BABI, TUTORIAL_MEMORY, tutorial_bundle

QA6 = BABI / "qa6_yes-no-questions_train.txt"  # 10,000 questions
DOCS = Path(__file__).resolve().parents[1] / "docs" / "BENCHMARKS.md"
START, END = "<!-- speed.py table -->", "<!-- end of speed.py table -->"
TOLD = 10  # sentences of the chat story before its first question
PROFILED = 12  # functions shown in the profile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model folder (default: the shipped default model)")
    parser.add_argument("--data", default=str(QA6), help="bAbI file to evaluate")
    parser.add_argument("--repeats", type=int, default=3, help="timed evaluations (median)")
    parser.add_argument("--answers", type=int, default=300, help="timed chat answers (median)")
    parser.add_argument("--no-startup", action="store_true", help="skip the first-answer timing")
    parser.add_argument("--write-docs", action="store_true", help="write docs/BENCHMARKS.md")
    arguments = parser.parse_args()

    from chatbot.answering.bot import Chatbot
    from chatbot.evaluation.evaluate import read_examples

    load = os.getloadavg()[0]
    started = time.perf_counter()
    bot = Chatbot.load(arguments.model)
    loaded = time.perf_counter() - started
    examples = read_examples([arguments.data])
    tutorial = tutorial_bundle(bot.bundle, TUTORIAL_MEMORY, examples)
    rows = [f"| load the model folder and warm up | {loaded:.2f} s | | |"]
    rows += evaluate_rows([bot.bundle, tutorial], examples, arguments.repeats)
    rows += chat_rows([bot, tutorial_bot(bot, examples)], examples, arguments.answers)
    if not arguments.no_startup:
        rows += startup_rows(arguments.model)
    profile = profile_lines(bot.bundle, examples)
    head = (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, {os.cpu_count()} cores, "
        f"load average {load:.1f} at the start and {os.getloadavg()[0]:.1f} at the end, model "
        f"{arguments.model or 'default'}, {len(examples):,} questions of "
        f"{Path(arguments.data).name}"
    )
    table = [head, "", "| measure | ours | seed tutorial's | ours / tutorial's |"]
    table += ["| --- | ---: | ---: | ---: |", *rows, "", "Where `evaluate`'s time goes:", ""]
    text = "\n".join([*table, "```", *profile, "```"])
    print(text)
    if arguments.write_docs:
        write_docs(text)


def evaluate_rows(bundles, examples, repeats: int) -> list[str]:
    """Rows of `evaluate`'s questions per second, whole and by stage, per bundle."""
    from chatbot.evaluation.evaluate import evaluate

    for bundle in bundles:  # warm-up: tracing, caches
        evaluate(bundle, examples[:500])
    runs = [[] for _ in bundles]
    for _ in range(repeats):
        for bundle, kept in zip(bundles, runs, strict=True):
            kept.append(stages(bundle, examples, evaluate))
    ours, tutorial = (
        {key: statistics.median(run[key] for run in kept) for key in kept[0]} for kept in runs
    )
    count = len(examples)
    return [
        f"| {name} | {count / ours[key]:,.0f} q/s | {count / tutorial[key]:,.0f} q/s"
        f" | {tutorial[key] / ours[key]:.2f} x |"
        for key, name in (
            ("evaluate", "`evaluate`, in-process, questions/s"),
            ("encode", "of which reading and encoding (`encode_examples`)"),
            ("predict", "of which the network (`ModelBundle.predict`)"),
        )
    ]


def stages(bundle, examples, evaluate) -> dict[str, float]:
    """Seconds of one whole `evaluate`, and of its first reading and network call alone."""
    from chatbot.reading.features import encode_examples

    started = time.perf_counter()
    evaluate(bundle, examples)
    evaluated = time.perf_counter()
    encoded = encode_examples(
        examples, bundle.vocabulary, bundle.answers, bundle.config, bundle.lexicon
    )
    encoded_at = time.perf_counter()
    bundle.predict(encoded["story"], encoded["question"])
    done = time.perf_counter()
    return {
        "evaluate": evaluated - started,
        "encode": encoded_at - evaluated,
        "predict": done - encoded_at,
    }


def chat_rows(bots, examples, answers: int) -> list[str]:
    """The median typed answer per bot: ten sentences told, then one more before each question."""
    stories = [example for example in examples if len(example.story) > TOLD][:answers]
    times = [[] for _ in bots]
    bots[0].bundle.prepare_conversation()  # as `chat` on a terminal loads it
    for warm in (True, False):
        for example in stories[: 20 if warm else None]:
            told = list(example.story[:TOLD])
            for sentence in example.story[TOLD : TOLD + 4]:  # one sentence, then the question
                told.append(sentence)
                for bot, kept in zip(bots, times, strict=True):
                    started = time.perf_counter()
                    bot.answer(told, example.question)
                    if not warm:
                        kept.append(time.perf_counter() - started)
        one = getattr(bots[0].bundle._inference(), "one", None)
        if warm and one is not None:
            one.wait()  # the calls of fixed shapes the warm-up asked for, compiled
    ours, tutorial = (statistics.median(kept) * 1000 for kept in times)
    return [
        f"| `chat` typed answer, median of {len(times[0]):,} | {ours:.2f} ms | {tutorial:.2f} ms"
        f" | {ours / tutorial:.2f} x |"
    ]


def startup_rows(model: str | None) -> list[str]:
    """The first answer of `chatbot chat` in batch mode, against a bare `import tensorflow`."""
    imports = statistics.median(seconds_to_import_tensorflow() for _ in range(3))
    first = statistics.median(seconds_to_first_answer(model) for _ in range(3))
    return [
        f"| bare `import tensorflow` (yardstick) | {imports:.2f} s | | |",
        f"| `chatbot chat` batch mode, first answer | {first:.2f} s ({first / imports:.2f} x the"
        " import) | | |",
    ]


def profile_lines(bundle, examples) -> list[str]:
    """The functions `evaluate` spends most time in (their own time), as pstats prints them."""
    from chatbot.evaluation.evaluate import evaluate

    profiler = cProfile.Profile()
    profiler.runcall(evaluate, bundle, examples)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(PROFILED)
    lines = out.getvalue().splitlines()
    first = next(i for i, line in enumerate(lines) if "function calls" in line)
    project = str(Path(__file__).resolve().parents[1]) + "/"
    return [line.replace(project, "").replace(sys.prefix, "") for line in lines[first:] if line]


def write_docs(text: str) -> None:
    """Replace the table between the markers of docs/BENCHMARKS.md (atomically)."""
    from chatbot.files import write_text_atomic

    docs = DOCS.read_text()
    if START not in docs:
        raise SystemExit(f"no {START} marker in {DOCS}; add the section first")
    before, rest = docs.split(START, 1)
    after = rest.split(END, 1)[1]
    write_text_atomic(DOCS, f"{before}{START}\n{text}\n{END}{after}")
    print(f"wrote {DOCS}")


if __name__ == "__main__":
    main()
