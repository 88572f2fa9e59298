"""Benchmark: `chatbot serve`'s questions per second and latency, beside the seed tutorial's model.

Starts `chatbot serve --port 0 --workers W` (loopback only) on our model and on the seed
tutorial's network served the same way (built as `inference.tutorial_bundle` builds it: its own
word vocabulary, no lexicon, a memory of 20 sentences, untrained, since speed does not depend on
the weights; saved to a temporary model folder), and sends each, from 50 concurrent clients (one
keep-alive connection each, asyncio in this process), `POST /api/ask` requests about varied
generated stories (every task the generator knows, each question asked about the story up to it;
`serve.workload`); then the same from one client alone. The two servers take turns, run after
run, so a change of the shared machine's load falls on both. Reports errors (any status but 200
or 422, or a reply that is not an answer's JSON), throughput, p50/p99 latency (from sending a
request to reading the whole reply), the servers' CPU time a question (all their processes, from
/proc: on a shared machine it moves less with the others' load than the clock does), and ours
over the tutorial's as ratios.

Response cache: `chatbot serve` keeps none (every request reads its story and runs the network),
so there is none to switch off; the caches below the answer (tokens, sentence shapes, near
misses of a word) stay as they are in use.

Targets (issue 22): 50 clients, at least 3,000 questions/s, p99 under 100 ms, no errors; one
client alone, a median (p50) under 2 ms.

Usage (from the project root, with the web extra installed):

    python benchmarks/serve_speed.py [--model DIR] [--workers 2] [--clients 50]
                                     [--questions 20000] [--alone 2000] [--repeats 1]
                                     [--no-tutorial] [--write-docs]

Prints a Markdown section; --write-docs puts it in docs/BENCHMARKS.md between its markers.
`measure_serving` is the function another script calls.
"""

import asyncio
import contextlib
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from inference import TUTORIAL_MEMORY, tutorial_bundle  # noqa: E402
from serve import load, load_options, start_server, summary, workload  # noqa: E402

MARKERS = ("<!-- serve_speed.py table -->", "<!-- end of serve_speed.py table -->")
WARM_UP = 500  # requests before the timed ones: traces, caches, connections
FIGURES = ("questions", "errors", "throughput", "p50", "p99", "cpu")


def measure_serving(
    model=None,
    workers: int = 2,
    clients: int = 50,
    questions: int = 20_000,
    alone: int = 2_000,
    repeats: int = 1,
    tutorial: bool = True,
) -> dict:
    """Serve our model (and the tutorial's) with `workers` processes and load them.

    Args:
        model: our model folder; None means the shipped default model.
        workers: `chatbot serve --workers`.
        clients: concurrent clients of the loaded run.
        questions: requests of the loaded run; `alone`: of the one-client run.
        repeats: runs of each; every figure is the median over them.
        tutorial: serve the seed tutorial's network too, for the ratios.

    Returns:
        {"ours": {"loaded": figures, "alone": figures}, "tutorial": ... (if asked), plus the
        settings}; figures as `serve.summary` gives them (latencies in ms) and "cpu", the
        servers' CPU ms a question.
    """
    pairs = workload(max(questions, alone))
    with contextlib.ExitStack() as stack:
        servers = {"ours": _served(stack, model, workers)}  # name -> (pid, port)
        if tutorial:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="serve-speed-"))
            servers["tutorial"] = _served(stack, _tutorial_folder(model, pairs, folder), workers)
        for _, port in servers.values():
            asyncio.run(load(port, pairs[:WARM_UP], clients))
        runs = {name: {"loaded": [], "alone": []} for name in servers}
        for _ in range(repeats):  # the servers take turns: a change of load hits both
            for name, server in servers.items():
                runs[name]["loaded"].append(_timed(server, pairs[:questions], clients))
                runs[name]["alone"].append(_timed(server, pairs[:alone], 1))
    results = {
        name: {kind: _median(rows) for kind, rows in kinds.items()} for name, kinds in runs.items()
    }
    settings = {"workers": workers, "clients": clients, "repeats": repeats, "model": model}
    return results | {"settings": settings}


def _served(stack, model, workers: int) -> tuple[int, int]:
    """Start `chatbot serve` on `model`, stopped when `stack` closes; (its pid, its port)."""
    process, port = start_server(model and str(model), "--workers", str(workers))
    stack.callback(_stop, process)
    return process.pid, port


def _timed(server: tuple[int, int], pairs: list, clients: int) -> dict:
    """`serve.summary` of one load, with the server's CPU time per question in ms (all its
    processes: on a shared machine, a figure the others' load changes less than the clock)."""
    pid, port = server
    before = _cpu_seconds(pid)
    row = summary(*asyncio.run(load(port, pairs, clients)))
    return row | {"cpu": (_cpu_seconds(pid) - before) * 1000 / len(pairs)}


def _cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a process and its children (the workers), so far."""
    task = Path(f"/proc/{pid}/task/{pid}")
    children = (task / "children").read_text().split()
    fields = (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1]).split()
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(_cpu_seconds(int(child)) for child in children)


def _stop(process) -> None:
    process.terminate()
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        process.kill()


def _tutorial_folder(model, pairs, folder: str) -> str:
    """The seed tutorial's network as `inference.tutorial_bundle` builds it, saved in `folder`."""
    from chatbot.network.folder import load_model_dir, save_model_dir
    from chatbot.stories import babi
    from chatbot.stories.world import TASKS, generate_stories

    examples = [
        example
        for task in TASKS
        for example in babi.examples_of(generate_stories(task, len(pairs) // len(TASKS) + 1, 13))
    ]
    path = Path(folder) / "tutorial"
    save_model_dir(tutorial_bundle(load_model_dir(model), TUTORIAL_MEMORY, examples), path)
    return str(path)


def _median(rows: list[dict]) -> dict:
    return {figure: statistics.median(row[figure] for row in rows) for figure in FIGURES}


def table(results: dict) -> str:
    """The Markdown section for docs/BENCHMARKS.md."""
    settings = results["settings"]
    lines = [
        "| server | clients | questions | errors | questions/s | p50 | p99 | CPU a question |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    names = [name for name in ("ours", "tutorial") if name in results]
    for kind, clients in (("loaded", settings["clients"]), ("alone", 1)):
        for name in names:
            row = results[name][kind]
            lines.append(
                f"| {name} | {clients} | {row['questions']:,.0f} | {row['errors']:.0f} | "
                f"{row['throughput']:,.0f} | {row['p50']:.2f} ms | {row['p99']:.2f} ms | "
                f"{row['cpu']:.2f} ms |"
            )
    if "tutorial" in results:
        ours, theirs = results["ours"], results["tutorial"]
        speed = ours["loaded"]["throughput"] / theirs["loaded"]["throughput"]
        lines += [
            "",
            f"Ours over the tutorial's: {speed:.2f} x the questions/s under "
            f"{settings['clients']} clients; one client's p50 "
            f"{ours['alone']['p50'] / theirs['alone']['p50']:.2f} x.",
        ]
    return "\n".join(lines)


def describe_run(results: dict) -> str:
    """The line that says when, where and how it was measured."""
    settings = results["settings"]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return (
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC at commit {commit}, "
        f"{platform.machine()}, {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f} at the end; "
        f"`chatbot serve --workers {settings['workers']}` on model "
        f"{settings['model'] or 'default'}; median of {settings['repeats']} run(s); no response "
        "cache (the server keeps none)."
    )


def write_docs(text: str) -> None:
    """Put `text` between the markers of docs/BENCHMARKS.md (atomically)."""
    from chatbot.files import write_text_atomic

    path = ROOT / "docs" / "BENCHMARKS.md"
    document = path.read_text(encoding="utf-8")
    start, end = (document.index(marker) for marker in MARKERS)
    kept = document[: start + len(MARKERS[0])]
    write_text_atomic(path, kept + "\n" + text + "\n" + document[end:])


def main() -> None:
    parser = load_options(__doc__.splitlines()[0], 2_000)
    parser.add_argument("--workers", type=int, default=2, help="chatbot serve --workers")
    parser.add_argument("--repeats", type=int, default=1, help="runs of each (median)")
    parser.add_argument("--no-tutorial", action="store_true", help="leave out the tutorial")
    parser.add_argument("--write-docs", action="store_true", help="write docs/BENCHMARKS.md")
    arguments = parser.parse_args()
    results = measure_serving(
        arguments.model,
        arguments.workers,
        arguments.clients,
        arguments.questions,
        arguments.alone,
        arguments.repeats,
        not arguments.no_tutorial,
    )
    text = describe_run(results) + "\n\n" + table(results)
    print(text)
    if arguments.write_docs:
        write_docs(text)


if __name__ == "__main__":
    main()
