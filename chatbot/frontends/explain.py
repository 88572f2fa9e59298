"""How an answer is put into words on a terminal: its line, and what `:why` shows."""

BAR_WIDTH = 20  # characters of a full attention bar in :why
SHOWN_WEIGHT = 0.01  # :why lists sentences with at least this attention weight


def format_answer(answer) -> str:
    """One line for an answer: `yes (99%)`, or `cannot answer: ` and the reason."""
    if answer.label is None:
        return f"cannot answer: {answer.reason}"
    return f"{answer.label} ({answer.confidence:.0%})"


def attention_bar(weight: float, width: int = BAR_WIDTH) -> str:
    """A bar of `width` characters for a weight of 1, drawn in eighths of a character.

    >>> attention_bar(0.5, width=4)
    '██  '
    """
    eighths = round(min(max(weight, 0.0), 1.0) * width * 8)
    full, rest = divmod(eighths, 8)
    return ("█" * full + (" ▏▎▍▌▋▊▉"[rest] if rest else "")).ljust(width)


def explain(question: str, answer) -> str:
    """What `:why` shows for an answer: the chain of its reading steps (a network that reads in
    steps), then the sentences the answer is read from, with their attention as bars."""
    lines = [f'"{question}": {format_answer(answer)}, resting on']
    if len(answer.steps) > 1:  # the chain first: the sentence each reading step rests on
        lines[0] = f'"{question}": {format_answer(answer)}, read in {len(answer.steps)} steps'
        for number, step in enumerate(answer.steps, start=1):
            sentence, weight = step[0]
            lines.append(f"  step {number}: {attention_bar(weight)} {weight:4.0%}  {sentence}")
        lines.append("  the last step, which the answer is read from:")
    shown = [pair for pair in answer.support if pair[1] >= SHOWN_WEIGHT]
    for sentence, weight in shown:
        lines.append(f"  {attention_bar(weight)} {weight:4.0%}  {sentence}")
    hidden = len(answer.support) - len(shown)
    if hidden:
        lines.append(f"  (and {hidden} more sentence{'s' * (hidden > 1)} below 1%)")
    return "\n".join(lines)
