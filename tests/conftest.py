"""Shared fixtures: a hand-written four-story bAbI file, and the real bAbI files when present."""

from pathlib import Path

import pytest

# Four short stories with yes/no questions in the style of bAbI tasks 6 (movement), 9 (negation)
# and 10 (indefinite knowledge). Like most real files, questions have a space before the tab.
FOUR_STORIES = """\
1 Mary moved to the bathroom.
2 Sandra journeyed to the bedroom.
3 Is Sandra in the hallway? \tno\t2
4 Mary went back to the bedroom.
5 Daniel went back to the hallway.
6 Is Daniel in the hallway? \tyes\t5
1 John got the football there.
2 John is no longer in the garden.
3 Is John in the garden? \tno\t2
4 Sandra is not in the kitchen.
5 Is Sandra in the kitchen? \tno\t4
1 Fred is either in the school or the park.
2 Mary went back to the office.
3 Is Mary in the office? \tyes\t2
4 Bill is either in the kitchen or the park.
5 Is Fred in the park? \tmaybe\t1
1 Daniel travelled to the kitchen.
2 Is Daniel in the kitchen? \tyes\t1
3 Daniel journeyed to the garden.
4 Is Daniel in the kitchen? \tno\t3
"""

SHARED_BABI = Path(__file__).resolve().parent.parent.parent / "shared" / "babi"


@pytest.fixture
def four_stories(tmp_path) -> Path:
    """FOUR_STORIES written to a file named like a bAbI task 6 training file."""
    path = tmp_path / "qa6_yes-no-questions_train.txt"
    path.write_text(FOUR_STORIES, encoding="utf-8")
    return path


@pytest.fixture
def shared_babi() -> Path:
    """The folder of real bAbI v1.2 training files (../shared/babi), or skip where it is absent."""
    if not (SHARED_BABI / "en").is_dir():
        pytest.skip(f"real bAbI files not found at {SHARED_BABI}")
    return SHARED_BABI
