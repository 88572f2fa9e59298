"""Benchmark: the time of one training epoch in one process, on two logical CPU devices
(`--distribute mirrored --devices 2`) and with two local workers (`--distribute multi-worker`).

The runs go one after the other, each in new processes (logical devices and TF_CONFIG must be
set before TensorFlow starts), through `chatbot.training.train.train`, the code `chatbot train`
runs. For each: the fitting seconds the model folder's metadata.json records, the whole run's
wall time (TensorFlow's start, the data, tracing, the epoch, calibration, saving) and its
processor time (user and system, all its processes: what a loaded machine changes least).

Usage (from the project root):

    python benchmarks/distribute.py [--questions N] [--model tiny|default] [--batch-size B]

Prints a Markdown table for docs/SCALING.md, with the date and the load average.
"""

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
RUN = """
import json, sys
from chatbot.config import TrainConfig
from chatbot.training.train import train
settings = TrainConfig(epochs=1, batch_size=int(sys.argv[3]), generated_questions=int(sys.argv[2]))
train(["generated"], sys.argv[1], settings, verbose=0, distribute=sys.argv[4],
      devices=int(sys.argv[5]) if sys.argv[5] else None, model_options=json.loads(sys.argv[6]))
"""
MODELS = {"tiny": {"embedding_dim": 4, "hidden_dim": 8, "blocks": 1, "heads": 1}, "default": {}}


def _ports(count: int) -> list[int]:
    held = [socket.create_server(("127.0.0.1", 0)) for _ in range(count)]
    ports = [one.getsockname()[1] for one in held]
    for one in held:
        one.close()
    return ports


def _cpu_seconds() -> float:
    """The processor time (user and system) of the ended child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time(out: Path, arguments: list[str], workers: int = 0) -> dict:
    """Run one training (`workers` processes of one cluster, or one process); its times."""
    environment = {**os.environ, "PYTHONPATH": str(PROJECT)}
    addresses = [f"127.0.0.1:{port}" for port in _ports(workers)]
    started, used = time.monotonic(), _cpu_seconds()
    processes = []
    for index in range(max(workers, 1)):
        if workers:
            cluster = {"worker": addresses}
            task = {"type": "worker", "index": index}
            environment["TF_CONFIG"] = json.dumps({"cluster": cluster, "task": task})
        command = [sys.executable, "-c", RUN, str(out), *arguments]
        log = out.with_name(f"{out.name}-{index}.log").open("w+")  # TensorFlow's noise
        processes.append((subprocess.Popen(command, env=dict(environment), stderr=log), log))
    for process, log in processes:
        if process.wait():
            log.seek(0)
            raise SystemExit(f"a run failed: {arguments}\n{log.read()[-3000:]}")
        log.close()
    metadata = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    return {
        "whole": time.monotonic() - started,
        "cpu": _cpu_seconds() - used,
        "fitting": metadata["training"]["seconds"],
        "questions": metadata["training"]["questions"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=12, help="generated questions a task")
    parser.add_argument("--model", choices=sorted(MODELS), default="tiny")
    parser.add_argument("--batch-size", type=int, default=16)
    options = parser.parse_args()
    common = [str(options.questions), str(options.batch_size)]
    model = json.dumps(MODELS[options.model])
    runs = {
        "one process (`none`, Keras' fit)": ([*common, "none", "", model], 0),
        "`mirrored`, 2 logical CPU devices": ([*common, "mirrored", "2", model], 0),
        "two local workers (`multi-worker`)": ([*common, "multi-worker", "", model], 2),
    }
    began, load = datetime.now(UTC), os.getloadavg()[0]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for number, (name, (arguments, workers)) in enumerate(runs.items()):
            times = _time(Path(folder, str(number)), arguments, workers)
            seconds = (times["fitting"], times["whole"], times["cpu"])
            rows.append(f"| {name} | " + " | ".join(f"{value:.0f} s" for value in seconds) + " |")
    print(
        f"{began:%Y-%m-%d %H:%M}-{datetime.now(UTC):%H:%M} UTC, load {load:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end; {times['questions']} training questions "
        f"(--questions {options.questions}), batches of {options.batch_size}, "
        f"{options.model} model, one epoch\n"
    )
    print("| run | fitting | whole run | processor time |\n|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
