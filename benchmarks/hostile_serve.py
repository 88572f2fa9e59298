"""The server cases of `benchmarks/hostile.py`: `chatbot serve` (the shipped default model, a
subprocess on a free loopback port) under three attacks, each against a fresh server:

- fuzzed bodies: 10,000 `POST /api/ask` requests whose bodies hypothesis generates (JSON of
  every shape, the right keys with values of every type, text with lone surrogates, controls and
  escapes, long stories and questions, random bytes). Counted: responses of status 5xx, and
  tracebacks in everything the server printed, up to and including its Ctrl-C.
- idle sockets: 1,000 connections that never send a byte (each one the server closes is opened
  again at once), while 10 clients ask questions for 30 s. Counted: the clients' errors (a
  status other than 200 or 422, or no answer) and their latency (p50, p99).
- distinct unknown words: 1,000 requests, each a story of 20,000 characters of words no model
  knows (every word new, so nothing is served from a cache). Counted: the server's resident
  memory before and after (target: within 50 MB), and the seconds each request takes.

Only loopback addresses are used, every loop is bounded in count and time, and each server is
stopped at the end.
"""

import http.client
import json
import os
import random
import signal
import socket
import string
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STARTED = "chatbot serve: http://"
TRACEBACK = "Traceback (most recent call last)"
MIB = 1 << 20


class Server:
    """`python -m chatbot serve --port 0` (niced), started and waited for."""

    def __init__(self):
        environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=str(ROOT))
        self.process = subprocess.Popen(
            ["nice", "-n", "19", sys.executable, "-m", "chatbot", "serve", "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment,
        )  # fmt: skip
        line = self.process.stdout.readline()
        if not line.startswith(STARTED):
            self.process.kill()
            raise RuntimeError(f"chatbot serve did not start: {line}{self.process.stderr.read()}")
        self.port = int(line.split()[2].rstrip("/").rsplit(":", 1)[1])

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def rss(self) -> int:
        """The server's resident memory, in bytes."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def stop(self) -> str:
        """Ctrl-C; everything it printed to stderr."""
        self.process.send_signal(signal.SIGINT)
        try:
            _, err = self.process.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return err


def ask(connection, body: bytes) -> int:
    connection.request("POST", "/api/ask", body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    return response.status


def fuzzed_bodies(server: Server, count: int, seed: int) -> dict:
    """`count` hypothesis-generated bodies; (statuses seen, 5xx count)."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as seeded
    from hypothesis import strategies as st

    odd = st.sampled_from(["\ud800", "\udfff", "\x00", "\x1b[2J", "\u202e", "\ufeff", "\n" * 50])
    text = st.one_of(
        st.text(max_size=200),
        st.lists(st.one_of(st.text(max_size=20), odd), max_size=20).map("".join),
        st.sampled_from(["Mary went to the kitchen.", "Is Mary in the kitchen?", "Go. " * 4097]),
        st.integers(0, 25_000).map(lambda n: "Mary went home. " * (n // 16)),
    )
    leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), text)
    value = st.recursive(leaf, lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=10), inner, max_size=5),
    ), max_leaves=20)  # fmt: skip
    story = st.one_of(text, st.lists(text, max_size=30), value)
    asked = st.fixed_dictionaries({"story": story, "question": st.one_of(text, value)})
    json_body = st.one_of(asked, value).map(lambda data: json.dumps(data).encode())
    body = st.one_of(json_body, json_body, json_body, st.binary(max_size=2000))
    statuses: dict[int, int] = {}
    connection = server.connection()

    @seeded(seed)
    @settings(
        max_examples=count, database=None, deadline=None, phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    @given(body)
    def send(data):
        nonlocal connection
        try:
            status = ask(connection, data)
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = server.connection()
            status = 0  # no answer
        statuses[status] = statuses.get(status, 0) + 1

    started = time.monotonic()
    send()
    connection.close()
    seconds = time.monotonic() - started
    return {
        "requests": sum(statuses.values()),
        "statuses": dict(sorted(statuses.items())),
        "server_errors": sum(n for status, n in statuses.items() if status >= 500 or not status),
        "seconds": seconds,
    }


def idle_sockets(server: Server, sockets: int, clients: int, seconds: float) -> dict:
    """Hold `sockets` idle connections open while `clients` ask for `seconds`."""
    held: list[socket.socket] = []
    stop = threading.Event()
    reopened = 0

    def hold():
        nonlocal reopened
        while not stop.is_set():
            for index, held_socket in enumerate(held):
                held_socket.setblocking(False)
                try:
                    closed = held_socket.recv(1) == b""
                except BlockingIOError:
                    closed = False
                except OSError:
                    closed = True
                if closed:
                    held_socket.close()
                    held[index] = socket.create_connection(("127.0.0.1", server.port), 30)
                    reopened += 1
            stop.wait(0.5)

    for _ in range(sockets):
        held.append(socket.create_connection(("127.0.0.1", server.port), timeout=30))
    holder = threading.Thread(target=hold)
    holder.start()
    latencies, errors = [], []
    body = json.dumps({"story": "Mary went to the kitchen.", "question": "Is Mary in the kitchen?"})

    def client():
        connection = server.connection()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                status = ask(connection, body.encode())
            except (OSError, http.client.HTTPException) as error:
                errors.append(type(error).__name__)
                connection.close()
                connection = server.connection()
                continue
            latencies.append(time.monotonic() - started)
            if status not in (200, 422):
                errors.append(status)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    stop.set()
    holder.join(60)
    for held_socket in held:
        held_socket.close()
    latencies.sort()
    return {
        "requests": len(latencies) + len(errors),
        "errors": len(errors),
        "p50": latencies[len(latencies) // 2] if latencies else None,
        "p99": latencies[int(len(latencies) * 0.99)] if latencies else None,
        "reopened": reopened,
    }


def unknown_words(server: Server, requests: int, seed: int) -> dict:
    """`requests` stories of 20,000 characters of words never seen; memory and time."""
    rng = random.Random(seed)
    connection = server.connection()
    ask(connection, json.dumps({"story": "Mary went home.", "question": "Is Mary home?"}).encode())
    before, times, statuses = server.rss(), [], {}
    for _ in range(requests):
        sentences, length = [], 0
        while length < 19_900:
            fresh = ["".join(rng.choices(string.ascii_lowercase, k=9)) for _ in range(3)]
            sentence = f"Mary {' '.join(fresh)}."
            sentences.append(sentence)
            length += len(sentence) + 1
        body = json.dumps({"story": " ".join(sentences)[:20_000], "question": "Is Mary home?"})
        started = time.monotonic()
        status = ask(connection, body.encode())
        times.append(time.monotonic() - started)
        statuses[status] = statuses.get(status, 0) + 1
    connection.close()
    after = server.rss()
    times.sort()
    return {
        "requests": requests,
        "statuses": statuses,
        "rss_before_mb": before / MIB,
        "rss_after_mb": after / MIB,
        "median_seconds": times[len(times) // 2],
        "max_seconds": times[-1],
    }


def run_all(fuzzed: int = 10_000, sockets: int = 1000, clients: int = 10, seconds: float = 30,
            unknown: int = 1000, seed: int = 0) -> list[tuple[str, dict]]:  # fmt: skip
    """Each case against a fresh server: [(name, counts with the server's tracebacks)]."""
    cases = [
        (f"`serve`: {fuzzed:,} fuzzed bodies", lambda s: fuzzed_bodies(s, fuzzed, seed)),
        (f"`serve`: {sockets:,} idle sockets, {clients} clients asking for {seconds:g} s",
         lambda s: idle_sockets(s, sockets, clients, seconds)),
        (f"`serve`: {unknown:,} requests of 20,000 characters of new words",
         lambda s: unknown_words(s, unknown, seed)),
    ]  # fmt: skip
    results = []
    for name, case in cases:
        server = Server()
        started = time.monotonic()
        try:
            counts = case(server)
        finally:
            err = server.stop()
        counts["tracebacks"] = err.count(TRACEBACK)
        counts["total_seconds"] = time.monotonic() - started
        print(f"{name}: {counts}", file=sys.stderr)
        results.append((name, counts))
    return results


def table(results: list[tuple[str, dict]]) -> str:
    """The Markdown table of `run_all`'s results."""
    lines = [
        "| case | requests | 5xx or no answer | tracebacks | result | seconds |",
        "| --- | ---: | ---: | ---: | --- | ---: |",
    ]
    for name, c in results:
        if "statuses" in c and "server_errors" in c:
            failed, result = (
                c["server_errors"],
                "statuses " + ", ".join(f"{status}: {n:,}" for status, n in c["statuses"].items()),
            )
        elif "p99" in c:
            failed = c["errors"]
            result = (f"p50 {c['p50'] * 1000:.0f} ms, p99 {c['p99'] * 1000:.0f} ms; idle sockets "
                      f"closed by the server and opened again: {c['reopened']:,}")  # fmt: skip
        else:
            failed = sum(n for status, n in c["statuses"].items() if status >= 500)
            result = (f"RSS {c['rss_before_mb']:.0f} MB before, {c['rss_after_mb']:.0f} MB after; "
                      f"{c['median_seconds']:.2f} s a request (median), {c['max_seconds']:.2f} s "
                      "at most")  # fmt: skip
        lines.append(f"| {name} | {c['requests']:,} | {failed} | {c['tracebacks']} | {result} "
                     f"| {c['total_seconds']:.0f} |")  # fmt: skip
    return "\n".join(lines)


def failed(results: list[tuple[str, dict]]) -> bool:
    """Whether a target is missed: any 5xx, traceback, client error, p99 of 1 s or more, or
    memory grown by 50 MB or more."""
    for _, c in results:
        if c["tracebacks"] or c.get("server_errors") or c.get("errors"):
            return True
        if c.get("p99") is not None and c["p99"] >= 1.0:
            return True
        if "rss_after_mb" in c and c["rss_after_mb"] - c["rss_before_mb"] >= 50:
            return True
    return False
