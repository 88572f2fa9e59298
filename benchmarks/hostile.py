"""Benchmark: hostile input. Counts tracebacks, unexpected exit codes, raw terminal escapes in
what is printed, and the peak resident memory of every run (targets: 0, 0, 0, at most 2 GB).

What it feeds, all crafted here in a temporary folder (nothing is downloaded or kept):

- `chatbot chat` (the shipped default model, batch mode): 100,000 random and crafted lines in
  10 runs of 10,000: random Unicode and random bytes, control characters and escape sequences,
  lines and words over the caps, story sentences and questions, and commands with hostile
  arguments (`:load /dev/zero`, `:save! /dev/null`, a FIFO, huge story numbers, ...).
  Expected exit code: 0.
- `chatbot inspect` and `chatbot evaluate` (default model): 1,000 crafted bAbI files, each
  given to both, in one worker process that calls the CLI's `main` in-process (the model is
  loaded once). Expected exit codes: 0, 1 or 2.
- `chatbot ask`: 100 crafted model folders (damaged JSON, too deep, too large, out-of-range
  sizes, zip bombs, truncated or foreign archives, FIFOs and devices in place of files, ...),
  in one worker process. Expected: 0, 1, 2 or 3.
- The issue's own big cases, each as a separate `python -m chatbot` run: a 200 MB one-line
  story file to `ask --story-file`, a 200 MB one-word bAbI file to `evaluate`, a 300 MB file
  (over the 256 MB cap) to `inspect`, and `generate --questions 99999999999999999999`.
- `chatbot serve` (benchmarks/hostile_serve.py): 10,000 bodies hypothesis generates, 1,000
  idle sockets while 10 clients ask, 1,000 stories of 20,000 characters of new words; its own
  table (targets: 0 5xx and 0 tracebacks, the clients' p99 under 1 s with 0 errors, memory
  within 50 MB of where it started).

A traceback is a "Traceback (most recent call last)" on stderr, an exception escaping `main`
in a worker, or an "internal error" line (the CLI's net for bugs). Peak memory is each child's
ru_maxrss from wait4 (not enforced with a limit, which breaks TensorFlow's import).

Usage (from the project root):

    python benchmarks/hostile.py [--lines 100000] [--chat-runs 10] [--babi-files 1000]
                                 [--model-folders 100] [--no-big] [--seed 0]
                                 [--no-serve | --serve-only] [--fuzzed 10000]
                                 [--idle-sockets 1000] [--unknown-requests 1000] [--write-docs]

Prints the Markdown tables for docs/BENCHMARKS.md; --write-docs also puts the server's table
there, between its markers.
"""

import argparse
import contextlib
import io
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = ROOT / "models" / "default"
TRACEBACK = "Traceback (most recent call last)"
INTERNAL = "internal error"
# A raw escape in what is printed: C0 controls but tab and line feed, DEL, C1 controls.
RAW_ESCAPE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
GIB = 1 << 30

WORDS = (
    "Mary John Sandra Daniel moved went journeyed travelled to the bathroom kitchen hallway "
    "garden office bedroom is in not no longer either or Is Does".split()
)
QUESTIONS = ["Is Mary in the bathroom?", "Is John in the kitchen?", "is daniel in the office"]
HOSTILE_COMMANDS = [
    ":load /dev/zero", ":load /", ":load {fifo}", ":load {big}", ":load /proc/self/mem",
    ":save /dev/null", ":save! /dev/null", ":save! /", ":save! {fifo}", ":save story.txt",
    ":save! story.txt", ":save! ../../../../../../x\x1b[2J", ":load story.txt 999999999999999",
    ":load story.txt " + "9" * 1500, ":example 99999", ":example qa6", ":why", ":undo", ":reset",
    ":story", ":help", ":load", ":save", ":" + "x" * 1999, ":load \x00", ":load " + "\u202e" * 9,
]  # fmt: skip


def random_text(rng: random.Random, length: int) -> str:
    """Random code points from every plane that text uses, controls and surrogates included."""
    ranges = [(0, 0x7F), (0x80, 0x2FF), (0x2000, 0x206F), (0xD800, 0xDFFF), (0x4E00, 0x4FFF),
              (0x1F300, 0x1F6FF), (0xE000, 0xE0FF), (0xFFF0, 0xFFFF)]  # fmt: skip
    out = []
    for _ in range(length):
        low, high = rng.choice(ranges)
        out.append(chr(rng.randint(low, high)))
    return "".join(out)


def chat_line(rng: random.Random, folder: Path) -> bytes:
    """One hostile line for `chat`, as bytes (some are not UTF-8 at all)."""
    kind = rng.randrange(10)
    if kind == 0:
        line = random_text(rng, rng.randint(0, 300)).encode("utf-8", "surrogatepass")
    elif kind == 1:
        line = bytes(rng.randrange(256) for _ in range(rng.randint(1, 200)))
    elif kind == 2:
        line = rng.choice(HOSTILE_COMMANDS).format(fifo=folder / "fifo", big=folder / "big.txt")
        line = line.encode("utf-8", "surrogatepass")
    elif kind == 3:
        line = ("x" * rng.choice([150, 2001, 5000, 100_000])).encode()
    elif kind == 4:
        line = "\x1b[2J\x1b]0;owned\x07\x9b31m Mary \x00 moved".encode()
    elif kind in (5, 6):
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 40))).encode() + b"."
    else:
        line = rng.choice(QUESTIONS).encode()
    line = line.replace(b"\n", b" ").replace(b"\r", b" ")
    first = line.strip().split(b" ", 1)[0].lower() if line.strip() else b""
    return b"# quit" if first in (b":q", b":quit", b":exit") else line


def resident_peak(usage) -> int:
    return usage.ru_maxrss * 1024  # Linux gives kilobytes


def run_child(arguments: list[str], stdin_path=None, cwd=None) -> dict:
    """Run a child, wait for it with wait4 (its own peak memory), and read its output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        started = time.perf_counter()
        try:
            process = subprocess.Popen(arguments, stdin=stdin, stdout=out, stderr=err, cwd=cwd,
                                       env=dict(os.environ, PYTHONPATH=str(ROOT)))  # fmt: skip
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
        finally:
            if stdin_path:
                stdin.close()
        out.seek(0)
        err.seek(0)
        return {
            "code": process.returncode,
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
            "rss": resident_peak(usage),
            "seconds": time.perf_counter() - started,
        }


def judge(result: dict, allowed: set[int]) -> dict:
    text = result["stdout"] + result["stderr"]
    return {
        "runs": 1,
        "tracebacks": text.count(TRACEBACK) + text.count(INTERNAL),
        "unexpected": int(result["code"] not in allowed),
        "escapes": len(RAW_ESCAPE.findall(text)),
        "rss": result["rss"],
        "seconds": result["seconds"],
    }


def add(total: dict, part: dict) -> dict:
    merged = {key: total.get(key, 0) + part[key] for key in ("runs", "tracebacks", "unexpected",
                                                            "escapes", "seconds")}  # fmt: skip
    merged["rss"] = max(total.get("rss", 0), part["rss"])
    merged["inputs"] = total.get("inputs", 0) + part.get("inputs", 0)
    for key in ("codes",):
        merged[key] = sorted(set(total.get(key, [])) | set(part.get(key, [])))
    return merged


# Chat -----------------------------------------------------------------------------------------


def bench_chat(folder: Path, lines: int, runs: int, rng: random.Random) -> dict:
    os.mkfifo(folder / "fifo")
    (folder / "big.txt").write_text("1 Mary moved to the bathroom.\n" * 100_000)
    total: dict = {}
    for run in range(runs):
        script = folder / f"chat{run}.txt"
        count = lines // runs + (run < lines % runs)
        script.write_bytes(b"\n".join(chat_line(rng, folder) for _ in range(count)) + b"\n")
        result = run_child([sys.executable, "-m", "chatbot", "chat"], script, cwd=folder)
        part = judge(result, {0})
        part["inputs"], part["codes"] = count, [result["code"]]
        total = add(total, part)
        if part["tracebacks"] or part["unexpected"]:
            print(f"chat run {run}: {result['code']} {result['stderr'][-2000:]}", file=sys.stderr)
    return total


# bAbI files -----------------------------------------------------------------------------------


def babi_file(rng: random.Random, index: int, folder: Path) -> Path:
    """The index-th crafted bAbI file: a valid generated one, then mutated one way or another."""
    from chatbot.stories import babi, world

    path = folder / f"qa6_crafted{index}_test.txt"
    stories = world.generate_stories(rng.choice(sorted(world.TASKS)), rng.randint(1, 30),
                                     rng.randrange(1000), "test")  # fmt: skip
    lines = babi.format_stories(stories).splitlines(keepends=True)
    kind = index % 16
    if kind == 1 and lines:
        del lines[rng.randrange(len(lines))]
    elif kind == 2 and lines:
        lines.insert(rng.randrange(len(lines)), rng.choice(lines))
    elif kind == 3 and lines:
        number = rng.choice(["9" * 30, "-1", "0", "x", "\u0663", "1e5", "99999"])
        lines[rng.randrange(len(lines))] = f"{number} Mary moved.\n"
    elif kind == 4 and lines:
        spot = rng.randrange(len(lines))
        lines[spot] = lines[spot].replace("\t", rng.choice(["", "\t\t", " ", "\t9" * 50]))
    elif kind == 5:
        lines.append(f"{len(lines) + 1} Is Mary there?\tyes\t{rng.choice(['0', '9' * 40, 'a'])}\n")
    elif kind == 6:
        data = "".join(lines).encode()
        spot = rng.randrange(len(data) + 1)
        path.write_bytes(data[:spot] + bytes([rng.randrange(256)]) + data[spot:])
        return path
    elif kind == 7:
        path.write_bytes("".join(lines).replace("\n", rng.choice(["\r", "\r\n"])).encode())
        return path
    elif kind == 8 and lines:
        lines[0] = "\ufeff" + lines[0].replace("Mary", "Mary\u009b2J\u202e")
    elif kind == 9:
        lines.append(f"1 {'w' * rng.choice([101, 10_000, 2_000_000])}.\n")
    elif kind == 10:
        lines = [random_text(rng, 80).replace("\n", " ") + "\n" for _ in range(20)]
        path.write_bytes("".join(lines).encode("utf-8", "surrogatepass"))
        return path
    elif kind == 11:
        lines = ["1 Mary moved.\n"] + [f"{n} Mary moved.\n" for n in range(2, 9000)]
    elif kind == 12:
        lines = rng.choice([[], [" \n\n"], ["\x00\x00"]])
    elif kind == 13:
        lines.append(f"{len(lines) + 1} Is Zorblax in the {random_text(rng, 5)}?\tmaybe\t\n")
    elif kind == 14 and index % 64 == 14:
        special = rng.choice(["fifo", "zero", "folder"])
        if special == "fifo":
            os.mkfifo(path)
        elif special == "zero":
            path.symlink_to("/dev/zero")
        else:
            path.mkdir()
        return path
    path.write_text("".join(lines), encoding="utf-8", errors="surrogatepass")
    return path


def in_process(arguments: list[str]) -> tuple[int, str]:
    """Run the CLI in this process; (exit code, stdout + stderr). A bug escaping main counts."""
    from chatbot.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            main(arguments)
            code = 0
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 1
        except BaseException as error:  # noqa: BLE001  a bug: what this benchmark counts
            code = -1
            out.write(f"\n{TRACEBACK}: {type(error).__name__}: {error}\n")
    return code, out.getvalue()


def worker(kind: str, folder: Path, count: int, seed: int) -> None:
    """Feed the crafted inputs of `kind` to the CLI in-process; print counts as JSON."""
    from chatbot.answering.bot import Chatbot

    loaded: dict = {}
    real_load = Chatbot.load.__func__

    def load_once(cls, model_dir=None, wait=True):  # the default model, loaded once
        if model_dir is not None:
            return real_load(cls, model_dir, wait)
        if None not in loaded:
            loaded[None] = real_load(cls, None, True)
        return loaded[None]

    Chatbot.load = classmethod(load_once)
    rng = random.Random(seed)
    totals = {"tracebacks": 0, "unexpected": 0, "escapes": 0, "inputs": 0, "codes": set()}
    for index in range(count):
        if kind == "babi":
            path = babi_file(rng, index, folder)
            calls = [(["inspect", str(path)], {0, 1, 2}), (["evaluate", str(path)], {0, 1, 2})]
        else:
            path = model_folder(rng, index, folder)
            story, question = "Mary moved to the bathroom.", "Is Mary in the bathroom?"
            arguments = ["ask", "--model", str(path), "--story", story, "--question", question]
            calls = [(arguments, {0, 1, 2, 3})]
        for arguments, allowed in calls:
            code, text = in_process(arguments)
            bad = text.count(TRACEBACK) + text.count(INTERNAL)
            totals["tracebacks"] += bad
            totals["unexpected"] += code not in allowed
            totals["escapes"] += len(RAW_ESCAPE.findall(text))
            totals["inputs"] += 1
            totals["codes"].add(code)
            if bad or code not in allowed:
                print(f"{arguments[:2]} {path.name}: {code} {text[-1500:]}", file=sys.stderr)
    totals["codes"] = sorted(totals["codes"])
    print(json.dumps(totals), file=sys.__stdout__)


def bench_worker(kind: str, folder: Path, count: int, seed: int) -> dict:
    folder.mkdir()
    arguments = [sys.executable, __file__, "--worker", kind, "--dir", str(folder),
                 "--count", str(count), "--seed", str(seed)]  # fmt: skip
    result = run_child(arguments)
    try:
        counts = json.loads(result["stdout"].strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        print(result["stderr"][-3000:], file=sys.stderr)
        raise SystemExit(f"the {kind} worker failed (exit {result['code']})") from None
    if counts["tracebacks"] or counts["unexpected"]:
        print(result["stderr"][-5000:], file=sys.stderr)
    return {**counts, "runs": 1, "rss": result["rss"], "seconds": result["seconds"]}


# Model folders --------------------------------------------------------------------------------


def deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def rewrite_zip(path: Path, members: dict[str, bytes]) -> None:
    path.unlink()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def model_folder(rng: random.Random, index: int, folder: Path) -> Path:
    """The index-th crafted model folder: a copy of the default model, damaged one way."""
    path = Path(shutil.copytree(DEFAULT_MODEL, folder / f"model{index}"))
    keras_file = path / "model.keras"
    config = json.loads((path / "config.json").read_text())
    kind = index % 25
    if kind == 0:
        (path / "config.json").write_text(deep(rng.choice([40, 1000, 100_000])))
    elif kind == 1:
        (path / "vocabulary.json").write_text(deep(rng.choice([40, 100_000])))
    elif kind == 2:
        (path / "metadata.json").write_text('{"a": ' + deep(rng.choice([40, 100_000])) + "}")
    elif kind == 3:
        (path / "config.json").write_text('{"model": ' + "9" * rng.choice([31, 5000]) + "}")
    elif kind in (4, 5, 6):
        name = rng.choice(["max_sentences", "max_words", "vocabulary_size", "hidden_dim",
                           "embedding_dim", "answer_count", "max_question_words"])  # fmt: skip
        config["model"][name] = rng.choice([10**12, 1e12, -1, 0, 2**31, "20", None, True, 4097])
        (path / "config.json").write_text(json.dumps(config))
    elif kind == 7:
        (path / "metadata.json").write_text(json.dumps({"note": "\x1b[2J\x1b]0;owned\x07\u009b"}))
    elif 8 <= kind <= 15:
        damage_archive_or_file(rng, kind, path)
    elif kind == 16:
        (path / "config.json").write_bytes(b"{" + b" " * (5 << 20) + b"}")
    elif kind == 17:
        words = json.loads((path / "vocabulary.json").read_text())
        words["words"] += [rng.choice(["mary", "x" * 10_000, "\x1b[2J"])]
        (path / "vocabulary.json").write_text(json.dumps(words))
    elif kind == 18:
        broken = ["", "[]", "null", "{", '{"model": {}}', '{"model": [], "answers": 3}', "NaN"]
        (path / "config.json").write_text(rng.choice(broken))
    elif kind == 19:
        config["answers"] = rng.choice([["yes"] * 3, [], ["a" * 100_000], [1, 2, 3]])
        (path / "config.json").write_text(json.dumps(config))
    elif kind == 20:
        (path / "metadata.json").write_bytes(bytes(rng.randrange(256) for _ in range(100)))
    elif kind == 21:
        rewrite_zip(keras_file, {})
    elif kind == 22:
        shutil.rmtree(path)
        path.write_text("a file where a folder should be")
    # kinds 23 and 24: the folder as copied (a model that loads)
    return path


def damage_archive_or_file(rng: random.Random, kind: int, path: Path) -> None:
    """Kinds 8 to 15 of `model_folder`: model.keras damaged, or a file replaced."""
    keras_file = path / "model.keras"
    if kind == 8:
        keras_file.write_bytes(keras_file.read_bytes()[: rng.randrange(keras_file.stat().st_size)])
    elif kind == 9:
        data = bytearray(keras_file.read_bytes())
        for _ in range(rng.randint(1, 50)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        keras_file.write_bytes(bytes(data))
    elif kind == 10:
        rewrite_zip(keras_file, {"config.json": b" " * (300 << 20), "metadata.json": b"{}"})
    elif kind == 11:
        rewrite_zip(keras_file, {f"m{n}": b"" for n in range(1000)})
    elif kind == 12:
        rewrite_zip(keras_file, {"config.json": deep(100_000).encode(), "metadata.json": b"{}"})
    elif kind == 13:
        with zipfile.ZipFile(keras_file) as archive:
            members = {name: archive.read(name) for name in archive.namelist()}
        layer = {"module": rng.choice(["os", "builtins", "subprocess"]),
                 "class_name": rng.choice(["system", "eval", "Popen", "Lambda"]),
                 "config": {"function": "print", "command": "touch /tmp/owned"}}  # fmt: skip
        members["config.json"] = json.dumps(layer).encode()
        rewrite_zip(keras_file, members)
    elif kind == 14:
        keras_file.write_bytes(random_text(rng, 1000).encode("utf-8", "surrogatepass"))
    elif kind == 15:
        target = rng.choice(["config.json", "vocabulary.json", "metadata.json", "model.keras"])
        (path / target).unlink()
        choice = rng.choice(["fifo", "zero", "folder", "missing"])
        if choice == "fifo":
            os.mkfifo(path / target)
        elif choice == "zero":
            (path / target).symlink_to("/dev/zero")
        elif choice == "folder":
            (path / target).mkdir()


# Big files ------------------------------------------------------------------------------------


def bench_big(folder: Path) -> dict:
    one_line = folder / "story_one_line.txt"
    with open(one_line, "wb") as file:
        chunk = b"Mary moved to the bathroom and then she went on " * 20_000
        for _ in range(200 * (1 << 20) // len(chunk)):
            file.write(chunk)
    one_word = folder / "qa6_one_word_test.txt"
    with open(one_word, "wb") as file:
        file.write(b"1 ")
        for _ in range(200):
            file.write(b"w" * (1 << 20))
        file.write(b".\n")
    over_cap = folder / "qa6_over_cap_test.txt"
    with open(over_cap, "wb") as file:
        file.truncate(300 << 20)  # sparse: 300 MB that takes no room
    chatbot = [sys.executable, "-m", "chatbot"]
    runs = [
        (chatbot + ["ask", "--story-file", str(one_line), "--question", "Is Mary here?"], {1}),
        (chatbot + ["evaluate", str(one_word)], {1}),
        (chatbot + ["inspect", str(over_cap)], {1}),
        (chatbot + ["generate", "--out", str(folder / "g"), "--questions", "9" * 20], {2}),
    ]
    total: dict = {}
    for arguments, allowed in runs:
        result = run_child(arguments)
        part = judge(result, allowed)
        part["inputs"], part["codes"] = 1, [result["code"]]
        total = add(total, part)
        print(f"big: {arguments[3:5]} -> {result['code']}, {result['rss'] / GIB:.2f} GB, "
              f"{result['stderr'].strip()[:150]}", file=sys.stderr)  # fmt: skip
    for path in (one_line, one_word, over_cap):
        path.unlink()
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--chat-runs", type=int, default=10)
    parser.add_argument("--babi-files", type=int, default=1000)
    parser.add_argument("--model-folders", type=int, default=100)
    parser.add_argument("--no-big", action="store_true", help="Skip the 200 MB files.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-serve", action="store_true", help="Skip the server cases.")
    parser.add_argument("--serve-only", action="store_true", help="Only the server cases.")
    parser.add_argument("--fuzzed", type=int, default=10_000)
    parser.add_argument("--idle-sockets", type=int, default=1000)
    parser.add_argument("--unknown-requests", type=int, default=1000)
    parser.add_argument("--write-docs", action="store_true", help="Write the server's table.")
    parser.add_argument("--worker", choices=["babi", "models"], help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if options.worker:
        worker(options.worker, options.dir, options.count, options.seed)
        return

    rng = random.Random(options.seed)
    rows = []
    served_failed = False
    if not options.no_serve:
        served_failed = bench_serve(options)
    if options.serve_only:
        sys.exit(1 if served_failed else 0)
    with tempfile.TemporaryDirectory(prefix="hostile-") as temporary:
        folder = Path(temporary)
        (folder / "chat").mkdir()
        parts = [
            (f"`chat`: {options.lines:,} lines", lambda: bench_chat(
                folder / "chat", options.lines, options.chat_runs, rng)),
            (f"`inspect` + `evaluate`: {options.babi_files:,} bAbI files", lambda: bench_worker(
                "babi", folder / "babi", options.babi_files, options.seed)),
            (f"`ask`: {options.model_folders} model folders", lambda: bench_worker(
                "models", folder / "models", options.model_folders, options.seed)),
        ]  # fmt: skip
        if not options.no_big:
            parts.append(("200-300 MB files, a 20-digit count", lambda: bench_big(folder)))
        for name, bench in parts:
            counts = bench()
            rows.append((name, counts))
            print(f"{name}: {counts}", file=sys.stderr)

    print(f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}\n")  # fmt: skip
    print("| input | runs | calls | tracebacks | unexpected exits | raw escapes | "
          "peak RSS (largest run) | exit codes seen | seconds |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
    for name, c in rows:
        print(f"| {name} | {c['runs']} | {c['inputs']:,} | {c['tracebacks']} | {c['unexpected']} "
              f"| {c['escapes']} | {c['rss'] / GIB:.2f} GB | {', '.join(map(str, c['codes']))} "
              f"| {c['seconds']:.0f} |")  # fmt: skip
    failed = any(c["tracebacks"] or c["unexpected"] or c["escapes"] or c["rss"] > 2 * GIB
                 for _, c in rows)  # fmt: skip
    sys.exit(1 if failed or served_failed else 0)


SERVE_MARKERS = ("<!-- hostile.py serve table -->", "<!-- end of hostile.py serve table -->")


def bench_serve(options) -> bool:
    """The server cases (hostile_serve.py): print, and with --write-docs write, their table."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import hostile_serve

    results = hostile_serve.run_all(
        options.fuzzed, options.idle_sockets, 10, 30, options.unknown_requests, options.seed
    )
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        model = next((line.split(":", 1)[1].strip() for line in cpuinfo
                      if line.startswith("model name")), platform.machine())  # fmt: skip
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    text = (f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC at commit {commit} on {model}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}, the server niced, "
            "the machine shared with other developers' runs.\n\n"
            + hostile_serve.table(results))  # fmt: skip
    print(text)
    if options.write_docs:
        path = ROOT / "docs" / "BENCHMARKS.md"
        document = path.read_text(encoding="utf-8")
        start, end = (document.index(marker) for marker in SERVE_MARKERS)
        path.write_text(document[: start + len(SERVE_MARKERS[0])] + "\n" + text + "\n"
                        + document[end:], encoding="utf-8")  # fmt: skip
    return hostile_serve.failed(results)


if __name__ == "__main__":
    main()
