"""Benchmark: accuracy and training time on the real bAbI yes/no tasks, against the seed tutorial.

Each scenario trains through `chatbot.train.train` (the code `chatbot train` runs) on real bAbI
training files, holding out 10% of the stories (by story, seeded) for validation, because the
real test halves are withheld. The clock starts before the files are read, so times include
reading, encoding and graph compilation.

Scenarios (pick with --only):
    qa6-10k   ours until early stopping; time to reach 99.9%; then the seed tutorial's model
              trained on the same split for the same wall time, side by side.
    qa6-1k    ours on the 1,000-question file (target: >= 99.5%).
    joint     one model on tasks 6, 9, 10, 17, 18 (10k each; target: >= 99% on each task).
    default   the shipped default model (trained only on generated stories) on every real
              yes/no training file, en and en-10k (target: >= 99% on each).

Usage (from the project root; needs ../shared/babi or --babi PATH):

    python benchmarks/train_babi.py [--only qa6-10k,qa6-1k,joint,default] [--json FILE]

Prints a Markdown summary for docs/BENCHMARKS.md.
"""

import argparse
import json
import os
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import chatbot  # noqa: F401  (keeps TensorFlow's start-up log quiet)

PROJECT = Path(__file__).resolve().parents[1]
YES_NO = {
    "qa6": "qa6_yes-no-questions_train.txt",
    "qa9": "qa9_simple-negation_train.txt",
    "qa10": "qa10_indefinite-knowledge_train.txt",
    "qa17": "qa17_positional-reasoning_train.txt",
    "qa18": "qa18_size-reasoning_train.txt",
}
SCENARIOS = ("qa6-10k", "qa6-1k", "joint", "default")


def _clock_callback(started: float, target: float | None = None, budget: float | None = None):
    """A Keras callback that notes when validation accuracy first reaches `target`, the time of
    the best epoch, and stops training once `budget` seconds have passed since `started`."""
    import keras

    class Clock(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.reached = None  # seconds to reach the target
            self.best = (-1.0, None)  # (best validation accuracy, seconds when first reached)

        def on_epoch_end(self, epoch, logs=None):
            accuracy = float((logs or {}).get("val_answer_accuracy", 0.0))
            elapsed = time.monotonic() - started
            if target is not None and self.reached is None and accuracy >= target:
                self.reached = elapsed
            if accuracy > self.best[0]:
                self.best = (accuracy, elapsed)
            if budget is not None and elapsed >= budget:
                self.model.stop_training = True

    return Clock()


def _train(files, out, target=None, budget=None, **options):
    from chatbot.config import TrainConfig
    from chatbot.training.train import train

    settings = TrainConfig(**options.pop("settings", {}))
    started = time.monotonic()
    clock = _clock_callback(started, target, budget)
    result = train(
        [str(f) for f in files], out, settings, verbose=0, callbacks=[clock],
        model_options=options.get("model_options"), report=lambda line: print("   ", line),
    )  # fmt: skip
    return {
        "validation_accuracy": result.metadata["validation"]["accuracy"],
        "per_task": result.metadata["validation"].get("per_task", {}),
        "seconds": round(time.monotonic() - started, 1),
        "epochs": result.metadata["training"]["epochs"],
        "seconds_to_target": None if clock.reached is None else round(clock.reached, 1),
        "best_accuracy_epoch_seconds": None if clock.best[1] is None else round(clock.best[1], 1),
        "parameters": result.metadata["model"]["parameters"],
    }


def qa6_10k(babi: Path, work: Path) -> dict:
    files = [babi / "en-10k" / YES_NO["qa6"]]
    ours = _train(files, work / "qa6-ours", target=0.999)
    print("    ours:", ours)
    # The tutorial gets the same wall time ours took in all (it would otherwise run 1,000 epochs).
    tutorial = _train(
        files, work / "qa6-tutorial", budget=ours["seconds"],
        model_options={"architecture": "tutorial"},
        settings={
            "epochs": 1000, "patience": 1000, "batch_size": 32, "optimizer": "rmsprop",
            "attention_weight": 0.0,  # the tutorial trains on answers alone
        },
    )  # fmt: skip
    print("    tutorial:", tutorial)
    ratio = None
    if ours["seconds_to_target"] and tutorial["best_accuracy_epoch_seconds"]:
        ratio = round(tutorial["best_accuracy_epoch_seconds"] / ours["seconds_to_target"], 2)
    return {"ours": ours, "tutorial": tutorial, "tutorial_best_over_ours_target_time": ratio}


def qa6_1k(babi: Path, work: Path) -> dict:
    return {"ours": _train([babi / "en" / YES_NO["qa6"]], work / "qa6-1k", target=0.995)}


def joint(babi: Path, work: Path) -> dict:
    files = [babi / "en-10k" / name for name in YES_NO.values()]
    return {"ours": _train(files, work / "joint", target=0.99)}


def default(babi: Path, work: Path) -> dict:
    """The shipped default model on every real yes/no training file: held-out data for it.

    Scored by `chatbot evaluate`'s own code, so the figures mean what its report says.
    """
    from chatbot.answering.bot import Chatbot
    from chatbot.evaluation.evaluate import evaluate
    from chatbot.stories import babi as babi_format

    bot = Chatbot.load()
    results = {}
    for folder in ("en", "en-10k"):
        for task, name in YES_NO.items():
            examples = babi_format.examples_of(babi_format.read_stories(babi / folder / name))
            started = time.monotonic()
            report = evaluate(bot.bundle, examples)
            results[f"{folder}/{task}"] = {
                "accuracy": round(report["accuracy"], 4),
                "support_accuracy": round(report["support_accuracy"], 4),
                "questions": report["questions"],
                "unknown_word_questions": report["unknown_word_questions"],
                "seconds": round(time.monotonic() - started, 2),
            }
            print(f"    {folder}/{task}: {results[f'{folder}/{task}']}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--babi", type=Path, default=PROJECT.parent / "shared" / "babi")
    parser.add_argument("--only", default=",".join(SCENARIOS))
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if not (args.babi / "en-10k").is_dir():
        raise SystemExit(f"no bAbI files at {args.babi}; give --babi PATH (the folder with en/)")
    chosen = args.only.split(",")
    unknown = sorted(set(chosen) - set(SCENARIOS))
    if unknown:
        raise SystemExit(f"unknown scenario {unknown}; choose from {','.join(SCENARIOS)}")

    results = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
    }
    runners = {"qa6-10k": qa6_10k, "qa6-1k": qa6_1k, "joint": joint, "default": default}
    with tempfile.TemporaryDirectory() as work:
        for name in chosen:
            print(f"== {name}", flush=True)
            results[name] = runners[name](args.babi, Path(work))
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
