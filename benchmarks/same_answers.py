"""Check: a change to the answering path leaves every answer as it was (issue 22's hard rule).

Answers the questions of bAbI files through the three paths that answer (`evaluate`'s
report, `ModelBundle.predict_steps` on `encode_examples`' arrays, and `Chatbot.answer` on
the stories' sentences, as `chat` tells them) and saves every probability, attention and
figure. Run it once before a change with --save, then after it with --compare: it prints the
largest difference of each and fails past the tolerance.

Usage (from the project root):

    python benchmarks/same_answers.py FILE... --model DIR (--save OUT.npz | --compare OUT.npz)
                                      [--chat N]
"""

import argparse
import json
import sys

import numpy as np

TOLERANCE = 1e-5  # probabilities and attention: float32 arithmetic in another order
CHAT_QUESTIONS = 300  # questions answered through `Chatbot.answer`, story growing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="+", help="bAbI files")
    parser.add_argument("--model", help="model folder (default: the shipped default model)")
    parser.add_argument("--save", help="write the answers here (.npz)")
    parser.add_argument("--compare", help="compare with the answers saved here (.npz)")
    parser.add_argument("--chat", type=int, default=CHAT_QUESTIONS, help="questions via chat")
    parser.add_argument(
        "--conversation",
        action="store_true",
        help="load as chat does: answer through the compiled calls of fixed shapes once ready",
    )
    arguments = parser.parse_args()
    if bool(arguments.save) == bool(arguments.compare):
        parser.error("give one of --save and --compare")
    answers = collect(arguments.data, arguments.model, arguments.chat, arguments.conversation)
    if arguments.save:
        np.savez_compressed(arguments.save, **answers)
        print(f"saved {len(answers['probabilities'])} questions' answers to {arguments.save}")
        return
    saved = dict(np.load(arguments.compare))
    sys.exit(0 if compare(saved, answers) else 1)


def collect(paths, model_dir, chat_questions: int, conversation: bool = False) -> dict:
    """Every answer of the three paths, as arrays (`conversation`: chat's, compiled first)."""
    from chatbot.answering.bot import Chatbot
    from chatbot.evaluation.evaluate import evaluate
    from chatbot.reading.features import encode_examples
    from chatbot.stories.babi import examples_of, read_paths

    bot = Chatbot.load(model_dir, conversation=conversation)
    bundle = bot.bundle
    examples = examples_of(read_paths(paths, "*_test.txt"))
    encoded = encode_examples(
        examples, bundle.vocabulary, bundle.answers, bundle.config, bundle.lexicon
    )
    probabilities, _, steps = bundle.predict_steps(encoded["story"], encoded["question"])
    report = evaluate(bundle, examples)
    figures = {
        key: report[key]
        for key in ("accuracy", "support_accuracy", "calibration_error", "refused")
        if report.get(key) is not None
    }
    chat = []
    for example in examples[:chat_questions]:
        answer = bot.answer(list(example.story), example.question)
        one = getattr(bundle._inference(), "one", None)
        if conversation and one is not None:  # answer again once its shapes are compiled
            one.wait()
            answer = bot.answer(list(example.story), example.question)
        weights = [weight for step in answer.steps for _, weight in step]
        chat.append([answer.confidence, *(weights + [0.0] * (3 * 300 - len(weights)))[:900]])
        chat[-1].append(-1 if answer.label is None else bot.answers.index(answer.label))
    return {
        "probabilities": probabilities,
        "steps": steps,
        "figures": np.array(json.dumps(figures, sort_keys=True)),
        "per_task": np.array(json.dumps(report["per_task"], sort_keys=True)),
        "chat": np.array(chat, dtype=np.float64),
    }


def compare(saved: dict, now: dict) -> bool:
    """Print the largest difference of each array; whether all are within the tolerance."""
    same = True
    for key in ("probabilities", "steps", "chat"):
        if saved[key].shape != now[key].shape:
            print(f"{key}: shape {saved[key].shape} before, {now[key].shape} now")
            same = False
            continue
        difference = float(np.abs(saved[key] - now[key]).max()) if saved[key].size else 0.0
        print(f"{key}: largest difference {difference:.2e}")
        same &= difference <= TOLERANCE
    for key in ("figures", "per_task"):
        before, after = json.loads(str(saved[key])), json.loads(str(now[key]))
        if not _close(before, after):
            print(f"{key} differ: {before} before, {after} now")
            same = False
    print("answers unchanged" if same else "ANSWERS CHANGED")
    return same


def _close(before, after) -> bool:
    if isinstance(before, dict):
        return before.keys() == after.keys() and all(_close(before[k], after[k]) for k in before)
    if isinstance(before, float):
        return abs(before - after) <= TOLERANCE
    return before == after


if __name__ == "__main__":
    main()
