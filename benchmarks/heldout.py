"""Benchmark: a model folder on the held-out sets of issue 12's Targets, one row per task.

Builds the sets itself (`heldout_sets`: real bAbI training files converted to yes/no, tasks 6, 9,
10, 17, 18 as bAbI asks them, generated stories of a new seed, long mixed stories, and the
converted stories with unseen names and places), writes them as bAbI files, and scores each
row through `chatbot evaluate`'s own code (`chatbot.evaluate.evaluate`). Per row: accuracy
against its target ("cannot answer" counts as wrong), confident mistakes (wrong at 95% or
more; target at most 0.1% of the questions), calibration error (target at most 2%), refused
questions, and for the unseen names the difference from the same stories with their own
names (target within 0.5 points). A set's "all" row is the sum of its rows (its calibration
error from their merged reliability bins).

Usage (from the project root):

    python benchmarks/heldout.py [--model DIR] [--quick] [--en-10k] [--out FOLDER]
                                 [--json FILE] [--mistakes N]

--quick keeps 100 questions a row (for trying the script); --en-10k adds the converted en-10k
files (330,000 questions). Prints a Markdown table for docs/BENCHMARKS.md and writes every
figure, with the most confident mistakes of each row, as JSON. With --out the sets' files stay,
so any row can be checked with `python -m chatbot evaluate --model DIR FILE`.
"""

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import heldout_sets as sets

QUICK = 100  # questions a row with --quick
GENERATED = 1_000  # questions per generated task (a test file of `chatbot generate`'s default)
LONG_QUESTIONS = 5_000  # mixed questions generated for the long set, before the length filter
CONFIDENT_SHARE = 0.001  # confident mistakes: at most 0.1% of the questions
CALIBRATION = 0.02
WITHIN = 0.005  # unseen names: within 0.5 points of the same stories with their own names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model folder (default: the shipped default model)")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK} questions a row")
    parser.add_argument("--en-10k", action="store_true", help="also convert en-10k's files")
    parser.add_argument("--out", help="folder for the sets' files (default: a temporary one)")
    parser.add_argument(
        "--json", help="where the report goes (default: heldout.json in --out, or the temp folder)"
    )
    parser.add_argument("--mistakes", type=int, default=3, help="mistakes kept per row")
    arguments = parser.parse_args()

    from chatbot.network.folder import load_model_dir

    bundle = load_model_dir(arguments.model)
    sets.check_invented([*bundle.vocabulary.words, *bundle.lexicon.roles])
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as temporary:
        out = Path(arguments.out or temporary)
        rows = build_rows(out, arguments.quick, arguments.en_10k)
        built = time.perf_counter() - started
        print(header(arguments, len(rows), built), flush=True)
        results = [score(bundle, row, arguments.mistakes) for row in rows]
    compare(results)
    groups = summarize(results)
    print(table(results, groups))
    print(mistakes_below_target(results))
    report = {"run": run_facts(arguments), "groups": groups, "rows": results}
    from chatbot.files import write_text_atomic

    path = arguments.json or Path(arguments.out or tempfile.gettempdir()) / "heldout.json"
    write_text_atomic(path, json.dumps(report, indent=1) + "\n")
    print(f"\nWrote {path}; {time.perf_counter() - started:.0f} s in all.")


def build_rows(out: Path, quick: bool, en_10k: bool) -> list:
    """Every row of every set, in the table's order."""
    limit = QUICK if quick else None
    rows = []
    for folder in [sets.SHARED / "en", *([sets.SHARED / "en-10k"] if en_10k else [])]:
        converted = sets.converted(out, folder, limit)
        rows += converted
        unseen = sets.unseen_names(out, converted, keep_mood_places=True)
        rows += unseen + sets.unseen_names(out, converted, keep_mood_places=False)
    for folder in (sets.SHARED / "en", sets.SHARED / "en-10k"):
        rows += sets.as_asked(folder, limit)
    rows += sets.generated(out, QUICK if quick else GENERATED)
    rows += sets.long_stories(out, 3 * QUICK if quick else LONG_QUESTIONS)
    return [row for row in rows if row.examples]


def score(bundle, row, mistakes: int) -> dict:
    """One row through `chatbot evaluate`'s code: its figures and its worst mistakes."""
    from chatbot.evaluation.evaluate import evaluate

    started = time.perf_counter()
    report = evaluate(bundle, row.examples, mistakes=mistakes)
    seconds = time.perf_counter() - started
    questions = report["questions"]
    result = {
        "set": row.group,
        "task": row.name,
        "file": str(row.path),
        "questions": questions,
        "accuracy": report["accuracy"],
        "target": row.target,
        "confident_mistakes": report["confident_mistakes"],
        "confident_share": report["confident_mistakes"] / questions,
        "calibration_error": report["calibration_error"],
        "refused": report["refused"],
        "truncated_stories": report["truncated_stories"],
        "reliability": report["reliability"],
        "compare_to": row.compare_to,
        "seconds": round(seconds, 2),
        "mistakes": [short_mistake(mistake) for mistake in report["mistakes"]],
    }
    print(f"  {row.group} {row.name}: {questions:,} questions, {seconds:.1f} s", file=sys.stderr)
    return result


def short_mistake(mistake: dict) -> dict:
    """A mistake with the story cut to what explains it: length, most attended, supporting."""
    return {
        "question": mistake["question"],
        "expected": mistake["expected"],
        "got": mistake["got"] or "cannot answer",
        "confidence": round(mistake["confidence"], 4),
        "sentences": len(mistake["story"]),
        "attended": [
            f"{item['sentence']} ({item['weight']:.2f})" for item in mistake["support"][:2]
        ],
        "supporting": mistake["supporting"],
    }


def compare(results: list[dict]) -> None:
    """Add to each row compared with another set its accuracy difference from it ("delta")."""
    accuracy = {(result["set"], result["task"]): result["accuracy"] for result in results}
    for result in results:
        if result["compare_to"]:
            own = accuracy[(result["compare_to"], result["task"])]
            result["delta"] = result["accuracy"] - own
        result["met"] = failures(result)


def failures(result: dict) -> list[str]:
    """The targets a row misses (an empty list: all met)."""
    missed = []
    if result["accuracy"] < result["target"]:
        missed.append("accuracy")
    if result["confident_share"] > CONFIDENT_SHARE:
        missed.append("confident mistakes")
    if result["calibration_error"] > CALIBRATION:
        missed.append("calibration")
    if "delta" in result and abs(result["delta"]) > WITHIN:
        missed.append("own names")
    return missed


def summarize(results: list[dict]) -> list[dict]:
    """Per set, the sum of its rows: questions, accuracy, confident mistakes, refused, and the
    calibration error over the union (from the rows' reliability bins)."""
    groups: dict[str, list[dict]] = {}
    for result in results:
        groups.setdefault(result["set"], []).append(result)
    summaries = []
    for name, members in groups.items():
        questions = sum(member["questions"] for member in members)
        right = sum(member["accuracy"] * member["questions"] for member in members)
        confident = sum(member["confident_mistakes"] for member in members)
        summary = {
            "set": name,
            "task": "all",
            "questions": questions,
            "accuracy": right / questions,
            "target": min(member["target"] for member in members),
            "confident_mistakes": confident,
            "confident_share": confident / questions,
            "calibration_error": merged_calibration(members),
            "refused": sum(member["refused"] for member in members),
            "truncated_stories": sum(member["truncated_stories"] for member in members),
        }
        summary["met"] = failures(summary)
        summaries.append(summary)
    return summaries


def merged_calibration(members: list[dict]) -> float:
    """The expected calibration error of the rows' answered questions taken together."""
    bins: dict[float, list[float]] = {}  # low edge -> [questions, confidence sum, right sum]
    for member in members:
        for item in member["reliability"]:
            totals = bins.setdefault(item["low"], [0, 0.0, 0.0])
            totals[0] += item["questions"]
            totals[1] += item["confidence"] * item["questions"]
            totals[2] += item["accuracy"] * item["questions"]
    answered = sum(totals[0] for totals in bins.values())
    if not answered:
        return 0.0
    error = sum(abs(right - confidence) for _, confidence, right in bins.values()) / answered
    return round(error, 4)


def table(results: list[dict], groups: list[dict]) -> str:
    """The Markdown table: every row, each set followed by its "all" row."""
    lines = [
        "| set | task | questions | accuracy | target | vs own names | confident mistakes"
        " | calibration error | refused | targets |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for group in groups:
        members = [result for result in results if result["set"] == group["set"]]
        lines += [table_row(result) for result in members]
        if len(members) > 1:
            lines.append(table_row(group, bold=True))
    return "\n".join(lines)


def table_row(result: dict, bold: bool = False) -> str:
    mark = "**" if bold else ""
    delta = f"{100 * result['delta']:+.2f} pt" if "delta" in result else ""
    missed = result["met"]
    return (
        f"| {result['set']} | {mark}{result['task']}{mark} | {result['questions']:,}"
        f" | {mark}{percent(result['accuracy'])}{mark} | ≥ {percent(result['target'], 1)}"
        f" | {delta} | {result['confident_mistakes']:,} ({percent(result['confident_share'])})"
        f" | {percent(result['calibration_error'])} | {result['refused']:,}"
        f" | {'met' if not missed else 'missed: ' + ', '.join(missed)} |"
    )


def mistakes_below_target(results: list[dict], shown: int = 2) -> str:
    """The most confident mistakes of each row below its accuracy target."""
    lines = ["", "Most confident mistakes of the rows below their accuracy target:"]
    for result in results:
        if "accuracy" not in result["met"]:
            continue
        lines.append(f"- {result['set']} {result['task']} ({percent(result['accuracy'])}):")
        for mistake in result["mistakes"][:shown]:
            lines.append(
                f"  - {mistake['question']} expected {mistake['expected']}, got"
                f" {mistake['got']} ({percent(mistake['confidence'], 1)}); story of"
                f" {mistake['sentences']} sentences; attended: {'; '.join(mistake['attended'])};"
                f" supporting: {' '.join(mistake['supporting']) or '-'}"
            )
    return "\n".join(lines) if len(lines) > 2 else "\nEvery row meets its accuracy target."


def header(arguments, rows: int, built: float) -> str:
    facts = run_facts(arguments)
    return (
        f"{facts['date']}, {facts['machine']}, {facts['cores']} cores, load average"
        f" {facts['load_average']:.1f}; model {facts['model']}; {rows} rows, sets built in"
        f" {built:.0f} s"
    )


def run_facts(arguments) -> dict:
    return {
        "date": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "model": arguments.model or "default",
        "command": " ".join(["python", *sys.argv]),
    }


def percent(fraction: float, digits: int = 2) -> str:
    return f"{100 * fraction:.{digits}f}%"


if __name__ == "__main__":
    main()
