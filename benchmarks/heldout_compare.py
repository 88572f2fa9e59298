"""Benchmark report: two runs of benchmarks/heldout.py side by side, one Markdown row per set and
task: each model's accuracy, confident mistakes and refusals, and the change.

    python benchmarks/heldout_compare.py NEW.json OLD.json [--names NEW OLD]
"""

import argparse
import json


def rows_by_key(path: str) -> dict:
    report = json.load(open(path, encoding="utf-8"))
    return {(row["set"], row["task"]): row for row in [*report["rows"], *report["groups"]]}


def table(new: dict, old: dict, names: tuple[str, str]) -> str:
    lines = [
        f"| set | task | questions | {names[0]} | {names[1]} | change | confident mistakes "
        f"({names[0]} / {names[1]}) | refused ({names[0]} / {names[1]}) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, row in new.items():
        before = old.get(key)
        if before is None:
            continue
        change = 100 * (row["accuracy"] - before["accuracy"])
        lines.append(
            f"| {key[0]} | {key[1]} | {row['questions']:,} | {row['accuracy']:.2%} | "
            f"{before['accuracy']:.2%} | {change:+.2f} pt | {row['confident_mistakes']} / "
            f"{before['confident_mistakes']} | {row['refused']} / {before['refused']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("new", help="heldout.py's JSON report of the new model")
    parser.add_argument("old", help="the same of the model compared against")
    parser.add_argument("--names", nargs=2, default=("new", "old"), help="column names")
    options = parser.parse_args()
    print(table(rows_by_key(options.new), rows_by_key(options.old), tuple(options.names)))


if __name__ == "__main__":
    main()
