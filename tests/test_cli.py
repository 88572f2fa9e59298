"""Tests for chatbot.cli's own parts: the --tasks parser and library messages in flag terms.

The commands themselves are tested with the modules they wire (test_world, test_train, ...).
"""

import pytest

from chatbot.errors import UsageError
from chatbot.stories.world.tasks import parse_tasks


@pytest.mark.parametrize(
    ("text", "tasks"),
    [
        ("6,9,10,17,18", (6, 9, 10, 17, 18)),
        (" 18, qa6,18", (18, 6)),
        (",".join(map(str, range(1, 21))) + ",mix", (*range(1, 21), "mix")),
        ("MIX, qa20", ("mix", 20)),
    ],
)
def test_parse_tasks(text, tasks):
    assert parse_tasks(text) == tasks


EMPTY_TASKS = "--tasks takes task numbers 1 to 20 and mix separated by commas, such as 6,9,10,mix"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("21", "--tasks: no generator for task '21'; use task numbers 1 to 20 and mix"),
        ("6,x", "--tasks: no generator for task 'x'; use task numbers 1 to 20 and mix"),
        ("0", "--tasks: no generator for task '0'; use task numbers 1 to 20 and mix"),
        (  # a long word is shortened
            "6" * 5000,
            f"--tasks: no generator for task '{'6' * 37}...'; use task numbers 1 to 20 and mix",
        ),
        ("", EMPTY_TASKS),
        ("6,,9", EMPTY_TASKS),
    ],
)
def test_parse_tasks_refuses_what_is_not_a_task_list(text, message):
    with pytest.raises(UsageError) as caught:
        parse_tasks(text)
    assert str(caught.value) == message
