"""Consistent answers: each question asked with its partner of the same story.

Two questions about one story can contradict each other even when each alone looks sure. For
every question of an evaluated file that has a partner, the partner is asked too (through the
same `ModelBundle.predict`), and the pair agrees or not:

- "not": "Is X in the P?" and "Is X not in the P?" (people and objects) get opposite answers,
  maybe with maybe;
- "bigger": "Is A bigger than B?" and "Is B bigger than A?", where the story settles them (by
  rule, `stories.yesno`: one is yes, the other no), get opposite answers;
- "gave": "Did X give the O to Y?" answered yes implies yes to "Did Y receive the O?".

A pair where either question is refused does not agree. The network answers a "not" question
by its positive form, turned around (`ModelBundle.predict_steps`): the "not" pairs then agree by
construction, unless one of the two is refused; the other kinds measure the network.
"""

import dataclasses
import re

from chatbot.stories.yesno import FORMS

KINDS = ("not", "bigger", "gave")
OPPOSITE = {"yes": "no", "no": "yes", "maybe": "maybe"}
SHOWN = 5  # disagreeing pairs kept in the report
_FORM = dict(FORMS)


def partner(question: str) -> tuple[str, str] | None:
    """(the pair's kind, the partner question) of a question, or None when it has none.

    >>> partner("Is Mary not in the kitchen?")
    ('not', 'Is Mary in the kitchen?')
    >>> partner("Is the box bigger than the box of chocolates?")
    ('bigger', 'Is the box of chocolates bigger than the box?')
    >>> partner("Did Mary give the milk to Fred?")
    ('gave', 'Did Fred receive the milk?')
    """
    question = re.sub(r"\s+", " ", question.strip())
    for form in ("person_in", "thing_in"):
        found = _FORM[form].match(question)
        if found:
            subject = found["who"] if form == "person_in" else f"the {found['thing']}"
            negated = "" if found["negated"] else "not "
            return "not", f"Is {subject} {negated}in the {found['place']}?"
    found = _FORM["bigger"].match(question)
    if found:
        return "bigger", f"Is the {found['b']} bigger than the {found['a']}?"
    found = _FORM["gave_to"].match(question)
    if found:
        return "gave", f"Did {found['receiver']} receive the {found['thing']}?"
    return None


def agree(kind: str, first: str | None, second: str | None) -> bool:
    """Whether the answers to a question and its partner agree (None: refused).

    >>> agree("not", "yes", "no"), agree("not", "maybe", "maybe"), agree("not", "no", "no")
    (True, True, False)
    >>> agree("gave", "no", "no"), agree("gave", "yes", "no"), agree("gave", "yes", None)
    (True, False, False)
    """
    if first is None or second is None:
        return False
    if kind == "gave":
        return first != "yes" or second == "yes"
    return OPPOSITE.get(first) == second


def pairs_of(examples) -> list[tuple[int, str, object]]:
    """(index of the question, kind, the partner `Example`) for each question with a partner;
    a "bigger" question only where the story settles it."""
    from chatbot.errors import ChatbotError
    from chatbot.stories import yesno

    found = []
    for index, example in enumerate(examples):
        pair = partner(example.question)
        if pair is None:
            continue
        kind, question = pair
        if kind == "bigger":
            try:
                answers = {yesno.answer(example.story, q) for q in (example.question, question)}
            except ChatbotError:
                continue
            if answers != {"yes", "no"}:
                continue
        found.append((index, kind, dataclasses.replace(example, question=question, answer="")))
    return found


def labels(probabilities, refused, answers) -> list[str | None]:
    """The answer to each question, (N, answers) probabilities in, None where it is refused."""
    import numpy as np

    best = np.asarray(probabilities).argmax(axis=1)
    return [None if no else answers[index] for index, no in zip(best, refused, strict=True)]


def measure(bundle, examples, answered) -> dict:
    """Ask every question's partner and report how many pairs agree.

    Args:
        bundle: the loaded `ModelBundle` that answered `examples`.
        examples: the evaluated `Example`s.
        answered: the model's answer to each, None where it was refused.

    Returns:
        The dict of `summarize`.
    """
    from chatbot.reading.features import encode_examples

    pairs = pairs_of(examples)
    partner_labels = []
    if pairs:
        partners = [example for _, _, example in pairs]
        encoded = encode_examples(
            partners, bundle.vocabulary, bundle.answers, bundle.config, bundle.lexicon
        )
        probabilities, _ = bundle.predict(encoded["story"], encoded["question"])
        partner_labels = labels(probabilities, encoded["unknown"], bundle.answers)
    return summarize(
        [(kind, examples[index].question, answered[index], example.question, answer)
         for (index, kind, example), answer in zip(pairs, partner_labels, strict=True)]
    )  # fmt: skip


def summarize(pairs) -> dict:
    """The `consistency` of a report from the asked pairs.

    Args:
        pairs: (kind, question, its answer, partner question, its answer), None for refused.

    Returns:
        {"agreement" (0-1, None without pairs), "pairs", "agreeing", "refused" (pairs with a
        side refused), "per_kind" ({kind: {"agreement", "pairs"}} for the kinds met),
        "disagreements" (the first few: {"kind", "question", "answer", "partner",
        "partner_answer"})}.
    """
    agreeing = [agree(kind, first, second) for kind, _, first, _, second in pairs]
    per_kind = {}
    for kind in KINDS:
        of_kind = [ok for (k, *_), ok in zip(pairs, agreeing, strict=True) if k == kind]
        if of_kind:
            per_kind[kind] = {"agreement": sum(of_kind) / len(of_kind), "pairs": len(of_kind)}
    disagreements = [
        {"kind": k, "question": q, "answer": a, "partner": p, "partner_answer": b}
        for (k, q, a, p, b), ok in zip(pairs, agreeing, strict=True)
        if not ok
    ]
    return {
        "agreement": sum(agreeing) / len(pairs) if pairs else None,
        "pairs": len(pairs),
        "agreeing": sum(agreeing),
        "refused": sum(1 for _, _, a, _, b in pairs if a is None or b is None),
        "per_kind": per_kind,
        "disagreements": disagreements[:SHOWN],
    }


def format_line(consistency: dict | None) -> str:
    """The line `chatbot evaluate` prints for it."""
    if not consistency or not consistency["pairs"]:
        return "Consistency: n/a (no question with a partner: in/not in, bigger, gave/received)"
    kinds = ", ".join(
        f"{kind} {100 * value['agreement']:.1f}% of {value['pairs']:,}"
        for kind, value in consistency["per_kind"].items()
    )
    return (
        f"Consistency: {100 * consistency['agreement']:.1f}% of {consistency['pairs']:,} partner"
        f" pairs agree ({kinds}); refused: {consistency['refused']}"
    )
