"""Benchmark: `chatbot serve` under load, beside `chatbot ask`'s time per question.

Starts `chatbot serve --port 0` (loopback only) and sends it, from 50 concurrent clients (one
keep-alive connection each, asyncio in this process), 20,000 `POST /api/ask` requests in all:
generated stories of tasks 6, 9, 10, 17 and 18, each question asked about the story up to it.
Reports errors (any status but 200 or 422, or a reply that is not an answer), how many answers match
the generator's, throughput, and p50/p99 latency (from sending a request to reading the whole
reply); then the same for one client alone, and the median wall time of `chatbot ask` (a fresh
process per question, as a script would call it) in the same run.

Targets (issue 13): 0 errors; p50 under 5 ms; at least 300 x faster than `chatbot ask`.

Usage (from the project root, with the web extra installed):

    python benchmarks/serve.py [--model DIR] [--clients 50] [--questions 20000] [--asks 3]

Prints a Markdown table for docs/BENCHMARKS.md.
"""

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime

from chatbot.stories import babi
from chatbot.stories.world import TASKS, generate_stories

TIMEOUT_SECONDS = 60  # for any one request: the run stops rather than hang


def workload(count: int) -> list[tuple[bytes, str]]:
    """(request body, expected answer) pairs: each question about the story told before it."""
    per_task = count // len(TASKS) + 1
    pairs = []
    for task in TASKS:
        for example in babi.examples_of(generate_stories(task, per_task, seed=13)):
            body = json.dumps({"story": list(example.story), "question": example.question})
            pairs.append((body.encode(), example.answer))
    return pairs[:count]


def request_bytes(body: bytes) -> bytes:
    head = (
        "POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def read_reply(reader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next(int(line.split(":")[1]) for line in lines if line.lower().startswith("content-l"))
    return int(lines[0].split()[1]), await reader.readexactly(length)


async def client(port: int, jobs: list, results: list) -> None:
    """One keep-alive connection sending its share of the requests, one after another."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for request, expected in jobs:
            started = time.perf_counter()
            writer.write(request)
            status, body = await asyncio.wait_for(read_reply(reader), TIMEOUT_SECONDS)
            elapsed = time.perf_counter() - started
            reply = json.loads(body) if status in (200, 422) else {}
            answer = reply.get("answer")  # None when it cannot answer (422)
            results.append((elapsed, "answer" in reply, answer == expected))
    finally:
        writer.close()


async def load(port: int, pairs: list, clients: int) -> tuple[list, float]:
    """Send every pair over `clients` connections at once; (results, wall seconds)."""
    requests = [(request_bytes(body), expected) for body, expected in pairs]
    results: list = []
    started = time.perf_counter()
    await asyncio.gather(*(client(port, requests[i::clients], results) for i in range(clients)))
    return results, time.perf_counter() - started


def summary(results: list, seconds: float) -> dict:
    latencies = sorted(elapsed for elapsed, _, _ in results)
    return {
        "questions": len(results),
        "errors": sum(not ok for _, ok, _ in results),
        "agree": sum(agrees for _, _, agrees in results) / len(results),
        "throughput": len(results) / seconds,
        "p50": latencies[len(latencies) // 2] * 1000,
        "p99": latencies[int(len(latencies) * 0.99)] * 1000,
    }


def start_server(model: str | None, *options: str) -> tuple[subprocess.Popen, int]:
    """`chatbot serve --port 0 OPTIONS` on `model`, started; (process, port)."""
    command = [sys.executable, "-m", "chatbot", "serve", "--port", "0", *options]
    process = subprocess.Popen(
        command + (["--model", model] if model else []),
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"),
    )
    line = process.stdout.readline()
    if not line.startswith("chatbot serve: http://"):
        process.kill()
        raise RuntimeError(f"chatbot serve did not start: {line!r}")
    return process, int(line.split()[2].rstrip("/").rsplit(":", 1)[1])


def seconds_per_ask(model: str | None, body: bytes, runs: int) -> float:
    """Median wall time of `chatbot ask` answering one question in a fresh process."""
    request = json.loads(body)
    command = [sys.executable, "-m", "chatbot", "ask", "--story", " ".join(request["story"])]
    command += ["--question", request["question"], *(["--model", model] if model else [])]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def load_options(description: str, alone: int) -> argparse.ArgumentParser:
    """The options of a load: --model, --clients, --questions and --alone (its default)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--model", help="model folder (default: the shipped default model)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--questions", type=int, default=20_000, help="requests in all")
    parser.add_argument("--alone", type=int, default=alone, help="requests from one client")
    return parser


def main() -> None:
    parser = load_options(__doc__.splitlines()[0], 1_000)
    parser.add_argument("--asks", type=int, default=3, help="`chatbot ask` runs (median)")
    arguments = parser.parse_args()

    pairs = workload(arguments.questions)
    process, port = start_server(arguments.model)
    try:
        asyncio.run(load(port, pairs[:500], arguments.clients))  # warm-up: traces, caches
        loaded = summary(*asyncio.run(load(port, pairs, arguments.clients)))
        alone = summary(*asyncio.run(load(port, pairs[: arguments.alone], 1)))
    finally:
        process.terminate()
        process.wait(60)
    ask = seconds_per_ask(arguments.model, pairs[0][0], arguments.asks)

    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, "
        f"model {arguments.model or 'default'}"
    )
    print()
    print("| clients | questions | errors | agree with generator | questions/s | p50 | p99 |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for clients, row in ((arguments.clients, loaded), (1, alone)):
        print(
            f"| {clients} | {row['questions']:,} | {row['errors']} | {row['agree']:.2%} | "
            f"{row['throughput']:,.0f} | {row['p50']:.2f} ms | {row['p99']:.2f} ms |"
        )
    print()
    print(
        f"`chatbot ask`, one question per process: {ask:.2f} s (median of {arguments.asks}); "
        f"that is {ask * 1000 / loaded['p50']:,.0f} x the p50 under load, "
        f"{ask * 1000 / alone['p50']:,.0f} x one client's p50, and "
        f"{ask * loaded['throughput']:,.0f} x the time per question at full throughput."
    )


if __name__ == "__main__":
    main()
