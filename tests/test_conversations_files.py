"""The hand-written conversation files of benchmarks/conversations/ are well formed (no model)."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_benchmark():
    spec = importlib.util.spec_from_file_location(
        "conversations_benchmark", ROOT / "benchmarks" / "conversations.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


conversations = load_benchmark()


def test_every_file_parses_into_questions_with_answers():
    files = conversations.read_conversations()
    assert "earlier.txt" in files and "places.txt" in files
    for name, cases in files.items():
        assert cases, name
        for case in cases:
            assert case.story and case.question.endswith("?"), (name, case.line)
            assert case.question[0].isupper(), (name, case.line, case.question)
            if name == conversations.EARLIER:
                assert case.expected in (*conversations.ANSWERS, conversations.REFUSE)
            else:
                assert case.expected in conversations.ANSWERS, (name, case.line)


def test_at_least_600_questions_with_answers_over_200_stories():
    files = conversations.read_conversations()
    new = [case for name, cases in files.items() if name != conversations.EARLIER for case in cases]
    assert len(new) >= 600
    assert len({case.story for case in new}) >= 200
    assert {case.expected for case in new} == {"yes", "no", "maybe"}


def test_a_block_is_a_story_then_its_questions():
    text = "# a comment\nAnn went home. Then she\nwent to the park.\n- Is Ann in the park? yes\n"
    text += "- Is Ann in the home? no\n\nBo is in the attic or the cellar.\n"
    text += "- Is Bo in the attic? maybe\n"
    cases = conversations.parse_conversations(text, "x.txt")
    assert [(case.story, case.question, case.expected, case.line) for case in cases] == [
        ("Ann went home. Then she went to the park.", "Is Ann in the park?", "yes", 4),
        ("Ann went home. Then she went to the park.", "Is Ann in the home?", "no", 5),
        ("Bo is in the attic or the cellar.", "Is Bo in the attic?", "maybe", 8),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Ann went home.\n- Is Ann in the home? perhaps\n", "x.txt:2: the answer must be one of"),
        ("Ann went home.\n- Is Ann in the home yes\n", "x.txt:2: a question line is"),
        ("- Is Ann in the home? yes\n", "x.txt:1: a question without a story"),
        ("Ann went home.\n\nBo went out.\n- Is Bo in the out? no\n", "x.txt:2: a story without"),
        ("Ann went home.\n", "x.txt:2: a story without questions"),
        ("Ann went home.\n- Is Ann in the home? yes\nBo left.\n", "x.txt:3: a story line after"),
    ],
)
def test_a_malformed_file_is_a_one_line_error_naming_file_and_line(text, message):
    with pytest.raises(ValueError, match=message) as raised:
        conversations.parse_conversations(text, "x.txt")
    assert "\n" not in str(raised.value)


def test_an_outcome_is_right_wrong_or_refused():
    assert conversations.outcome("yes", "yes") == "right"
    assert conversations.outcome("yes", "no") == "wrong"
    assert conversations.outcome("maybe", None) == "refused"
    assert conversations.outcome("refuse", None) == "right"
    assert conversations.outcome("refuse", "no") == "wrong"


def test_an_empty_folder_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="no conversation files"):
        conversations.read_conversations(tmp_path)


def test_the_files_are_held_out_of_the_package():
    # Neither the generator nor training may read them: no module of the package names them.
    for path in (ROOT / "chatbot").rglob("*.py"):
        assert "benchmarks/conversations" not in path.read_text(encoding="utf-8"), path
