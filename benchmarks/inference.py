"""Benchmark: questions per second of `chatbot evaluate`'s batched inference, on 2 cores.

Measures, in one run, our model (a model folder, by default the shipped one) and the seed
tutorial's one-hop word-level network (`architecture="tutorial"`) built with the same vocabulary,
answer set and word sizes but, as the seed tutorial had them, a vocabulary of the data's own
words (no entity slots, no lexicon) and a memory of 20 sentences (issue 12 compares our
256-sentence memory with it). Both go through the same path as `chatbot
evaluate`: encode the examples (`features.encode_examples`), run the bundle's compiled batched
`predict`, and build the report. Throughput does not depend on the weights, so unless
`--tutorial DIR` names a trained tutorial model folder, the tutorial network is built untrained
(its accuracy is then chance).

Usage (from the project root):

    python benchmarks/inference.py [DATA...] [--model DIR] [--tutorial DIR] [--batch-size B]
                                   [--repeats R] [--tutorial-memory M] [--baseline DIR]

--baseline DIR adds another model folder (say, the default model before a change) to the
turns, so that a change is measured against it in the same run.

DATA defaults to the real yes/no training files of ../shared/babi/en-10k (tasks 6, 9, 10, 17, 18;
50,000 questions), or, where that folder is absent, the generated test files in data/.
Prints one Markdown table row per model for docs/BENCHMARKS.md.
"""

import argparse
import dataclasses
import os
import platform
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from chatbot.network.inference import BATCH_SIZE  # chatbot keeps TensorFlow quiet; TF loads lazily

CORES = 2  # the target machine's cores; TensorFlow is told to use this many threads
STAGES = ("encode", "predict", "total")
TUTORIAL_MEMORY = 20  # sentences the seed tutorial's network remembers
PROJECT = Path(__file__).resolve().parents[1]
BABI = PROJECT.parent / "shared" / "babi" / "en-10k"
YES_NO_FILES = [
    "qa6_yes-no-questions_train.txt",
    "qa9_simple-negation_train.txt",
    "qa10_indefinite-knowledge_train.txt",
    "qa17_positional-reasoning_train.txt",
    "qa18_size-reasoning_train.txt",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="*", help="bAbI files or folders (default: real yes/no)")
    parser.add_argument("--model", help="our model folder (default: the shipped default model)")
    parser.add_argument(
        "--tutorial", help="a trained tutorial model folder (default: an untrained one, built here)"
    )
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="questions per call")
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="timed runs, the models taking turns; the best is kept",
    )
    parser.add_argument(
        "--tutorial-memory", type=int, default=TUTORIAL_MEMORY, help="the tutorial's sentences"
    )
    parser.add_argument("--baseline", help="another model folder to measure in the same turns")
    arguments = parser.parse_args()

    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(CORES)
    tf.config.threading.set_inter_op_parallelism_threads(CORES)

    from chatbot.network import inference
    from chatbot.network.folder import load_model_dir
    from chatbot.stories.babi import examples_of, read_paths

    inference.BATCH_SIZE = arguments.batch_size  # the one rule, changed here to measure others
    ours = load_model_dir(arguments.model)
    data = arguments.data or default_data()
    examples = examples_of(read_paths(data, "*_test.txt"))
    if arguments.tutorial:
        tutorial, tutorial_name = load_model_dir(arguments.tutorial), "seed tutorial"
    else:  # the same vocabulary, answer set and word sizes: the network and memory differ
        tutorial = tutorial_bundle(ours, arguments.tutorial_memory, examples)
        tutorial_name = f"seed tutorial (untrained, memory {arguments.tutorial_memory})"
    print(
        f"{len(examples)} questions from {len(data)} path(s); batch {arguments.batch_size};"
        f" {CORES} threads; median of {arguments.repeats}; {platform.machine()}"
        f"; load average {os.getloadavg()[0]:.1f} at start"
        f"; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    print(
        "| model | parameters | encode q/s | predict q/s | end-to-end q/s | accuracy"
        " | support accuracy |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    models = [("ours", ours), (tutorial_name, tutorial)]
    if arguments.baseline:
        models.insert(1, (f"baseline {arguments.baseline}", load_model_dir(arguments.baseline)))
    runs: dict[str, list[dict]] = {name: [] for name, _ in models}
    for _ in range(arguments.repeats):  # the models take turns: a change of load hits all
        for name, bundle in models:
            runs[name].append(measure(bundle, examples, 1))
    for name, bundle in models:
        row = runs[name][0] | {
            stage: statistics.median(run[stage] for run in runs[name]) for stage in STAGES
        }
        print(
            f"| {name} | {bundle.model.count_params():,} | {row['encode']:,.0f}"
            f" | {row['predict']:,.0f} | {row['total']:,.0f} | {percent(row['accuracy'])}"
            f" | {percent(row['support_accuracy'])} |"
        )


def tutorial_bundle(ours, memory: int, examples):
    """The seed tutorial's network (untrained) as the tutorial reads: a vocabulary of the data's
    own words (no entity slots), an empty lexicon (no shapes, so nothing refused for its shape)
    and a memory of `memory` sentences; our answer set and word sizes."""
    from chatbot.network.inference import ModelBundle
    from chatbot.network.model import build_model
    from chatbot.reading.lexicon import Lexicon
    from chatbot.text import Vocabulary

    texts = {text for example in examples for text in (*example.story, example.question)}
    vocabulary = Vocabulary.build(sorted(texts))
    config = dataclasses.replace(
        ours.config,
        architecture="tutorial",
        max_sentences=memory,
        vocabulary_size=len(vocabulary),
    )
    lexicon = Lexicon(roles={}, kept=frozenset(), classes={})
    return ModelBundle(build_model(config), vocabulary, config, ours.answers, lexicon)


def default_data() -> list[str]:
    """The real yes/no training files where ../shared/babi is present, else data/'s test files."""
    if BABI.is_dir():
        return [str(BABI / name) for name in YES_NO_FILES]
    return [str(PROJECT / "data")]


def measure(bundle, examples, repeats: int) -> dict:
    """Best-of-`repeats` throughput of each stage of an evaluation, in questions per second."""
    import numpy as np

    from chatbot.evaluation.evaluate import build_report
    from chatbot.reading.features import encode_examples

    def encode():
        config = bundle.config
        encoded = encode_examples(
            examples, bundle.vocabulary, bundle.answers, config, bundle.lexicon
        )
        # A fixed memory (the tutorial's) reads exactly max_sentences slots: pad on the left.
        missing = config.max_sentences - encoded["story"].shape[1]
        if not bundle.flexible_memory and missing:
            encoded["story"] = np.pad(encoded["story"], ((0, 0), (missing, 0), (0, 0)))
        return encoded

    encoded = encode()
    bundle.predict(encoded["story"], encoded["question"])  # warm-up: trace and compile
    best = {"encode": float("inf"), "predict": float("inf"), "total": float("inf")}
    for _ in range(repeats):
        start = time.perf_counter()
        encoded = encode()
        encoded_at = time.perf_counter()
        probabilities, attention = bundle.predict(encoded["story"], encoded["question"])
        predicted_at = time.perf_counter()
        report = build_report(examples, encoded, probabilities, attention, bundle.answers)
        done = time.perf_counter()
        best["encode"] = min(best["encode"], encoded_at - start)
        best["predict"] = min(best["predict"], predicted_at - encoded_at)
        best["total"] = min(best["total"], done - start)
    count = len(examples)
    speeds = {stage: count / seconds for stage, seconds in best.items()}
    return speeds | {key: report[key] for key in ("accuracy", "support_accuracy")}


def percent(fraction: float | None) -> str:
    return "n/a" if fraction is None else f"{100 * fraction:.2f}%"


if __name__ == "__main__":
    main()
