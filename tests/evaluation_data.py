"""A tiny model whose outputs are known, and hand-made bAbI files, for the evaluation tests.

The model is real (built, saved and loaded like any model folder), with two layers set by hand:
it always answers "yes" with probability e^5 / (e^5 + 2), and attends equally to every
remembered sentence, so the most-attended sentence is the oldest one in memory.
"""

import math

import chatbot  # noqa: F401  (first: it keeps TensorFlow's start-up logs quiet)

ALWAYS_YES = math.exp(5) / (math.exp(5) + 2)
# What `--json` must hold at least (the list), and each of its mistakes.
JSON_KEYS = {
    "accuracy", "questions", "per_file", "per_task", "confusion", "baseline_accuracy",
    "support_accuracy", "unknown_word_questions", "truncated_stories", "unknown_answers",
    "mistakes", "calibration_error", "confident_mistakes", "refused", "consistency",
}  # fmt: skip
MISTAKE_KEYS = {"story", "question", "expected", "got", "confidence", "support"}
FIRST = """\
1 Mary moved to the bathroom.
2 John went to the hallway.
3 Is Mary in the bathroom? \tyes\t1
4 Mary went back to the kitchen.
5 Is John in the kitchen? \tno\t2
6 Daniel journeyed to the garden.
7 Is Mary in the kitchen? \tyes\t4
"""
SECOND = """\
1 Sandra is either in the park or the office.
2 Is Zorblax in the office? \tyes\t1
3 Is Sandra in the office? \tmaybe\t1
4 Where is Sandra? \toffice\t1
"""
THIRD = """\
1 Mary moved to the bathroom.
2 Is Mary in the bathroom? \tyes\t1
"""


def build_always_yes_model(tiny_bundle, path) -> None:
    """Write the always-"yes" model folder to `path`, made from conftest's `tiny_bundle`."""
    import numpy as np

    from chatbot.network.folder import save_model_dir

    lines = (FIRST + SECOND + THIRD).splitlines()
    # The texts without line ids and answers: their words and shapes are what it knows.
    known = [
        line.split(" ", 1)[1].split("\t")[0].strip() for line in lines if "Zorblax" not in line
    ] + ["Is Mary not in the bathroom?"]  # the partner form `consistency` asks
    # A memory of three sentences: FIRST's last question overflows it. One read, whose query
    # alone scores the sentences: a zero query attends to all equally.
    bundle = tiny_bundle(known, max_sentences=3, max_question_words=6, steps=1)
    reasoner = bundle.model.get_layer("reasoner")
    reasoner.answer_logits.set_weights([np.zeros((4, 3)), np.array([5.0, 0.0, 0.0])])
    reasoner.query.set_weights([np.zeros((4, 4)), np.zeros(4)])  # equal attention scores
    save_model_dir(bundle, path)


def write_data(folder) -> None:
    """Write FIRST, SECOND and THIRD as test files, and a training file, into `folder`."""
    for name, text in [
        ("qa6_first_test.txt", FIRST),
        ("qa10_second_test.txt", SECOND),
        ("qa6_third_test.txt", THIRD),
        ("qa6_first_train.txt", THIRD),  # not a test file: a folder means its *_test.txt files
    ]:
        (folder / name).write_text(text, encoding="utf-8")
