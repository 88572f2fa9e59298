"""`chatbot convert`: real bAbI files as the yes/no questions of YESNO_FORMS.md."""

import os
import re

import pytest
from cli_runner import run

from chatbot.stories.babi import Question, Sentence, read_stories
from chatbot.stories.convert import agreement, convert_file, convert_files
from chatbot.stories.yesno import answer

SMALL = """\
1 Mary moved to the bathroom.
2 John went to the hallway.
3 Where is Mary? \tbathroom\t1
4 Is John in the hallway? \tyes\t2
5 Mary went back to the hallway.
6 Where is Mary? \thallway\t5
"""
SMALL_CONVERTED = """\
1 Mary moved to the bathroom.
2 John went to the hallway.
3 Is Mary in the bathroom?\tyes\t1
4 Is Mary in the hallway?\tno\t1
5 Is John in the hallway?\tyes\t2
6 Mary went back to the hallway.
7 Is Mary in the hallway?\tyes\t6
8 Is Mary in the bathroom?\tno\t6
"""


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_convert_writes_yes_and_no_forms_and_renumbers_ids(tmp_path, capsys):
    source = write(tmp_path, "qa1_single-supporting-fact_train.txt", SMALL)
    code, out, err = run(capsys, "convert", str(source), "--out", str(tmp_path / "out"))
    assert (code, err) == (0, "")
    target = tmp_path / "out" / source.name
    assert out == f"{target}\n"
    assert target.read_text(encoding="utf-8") == SMALL_CONVERTED


def test_no_form_is_left_out_where_no_alternative_exists(tmp_path):
    source = write(
        tmp_path, "qa20_x_train.txt", "1 Sumit is tired.\n2 Where will sumit go?\tbedroom\t1\n"
    )
    (story,) = convert_file(source)
    assert [(line.text, line.answer) for line in story.questions] == [
        ("Will Sumit go to the bedroom?", "yes")
    ]


def test_alternatives_come_from_the_file_when_the_story_has_none(tmp_path):
    text = "1 Sumit is tired.\n2 Where will sumit go?\tbedroom\t1\n1 Yann went to the garden.\n"
    (story, _) = convert_file(write(tmp_path, "qa20_x_train.txt", text))
    assert [line.text for line in story.questions][1] == "Will Sumit go to the garden?"


def test_task_8_nothing_asks_anything_and_an_object_both_no(tmp_path):
    text = (
        "1 Mary got the milk there.\n2 Mary dropped the milk.\n"
        "3 What is Mary carrying? \tnothing\t1 2\n"
    )
    (story,) = convert_file(write(tmp_path, "qa8_x_train.txt", text))
    assert [(line.text, line.answer) for line in story.questions] == [
        ("Is Mary carrying anything?", "no"),
        ("Is Mary carrying the milk?", "no"),
    ]


def test_no_forms_are_never_true_in_plain_english(tmp_path):
    # Mary was in the school yesterday: "Was Mary in the school before the cinema?" is true.
    text = (
        "1 Mary went to the school yesterday.\n2 Mary went to the park this morning.\n"
        "3 This afternoon Mary went to the cinema.\n4 Mary went to the office this evening.\n"
        "5 Where was Mary before the cinema? \tpark\t3 2\n"
    )
    (story,) = convert_file(write(tmp_path, "qa14_x_train.txt", text))
    assert [line.text for line in story.questions] == [
        "Was Mary in the park before the cinema?",
        "Was Mary in the office before the cinema?",
    ]


def test_task_4_no_form_avoids_chains_and_places_it_never_relates(tmp_path):
    text = (
        "1 The office is north of the kitchen.\n2 The garden is north of the office.\n"
        "3 The hallway is east of the bedroom.\n4 What is north of the kitchen?\toffice\t1\n"
    )
    for seed in range(5):
        (story,) = convert_file(write(tmp_path, "qa4_x_train.txt", text), seed)
        # Not the garden (north, too, by a chain), nor the hallway or bedroom (anywhere).
        assert story.questions[1].text == "Is the kitchen north of the office?"


def test_same_seed_same_files_and_the_seed_matters(tmp_path):
    text = "".join(
        f"1 Mary went to the {a}.\n2 John went to the {b}.\n3 Fred went to the {c}.\n"
        f"4 Where is Mary? \t{a}\t1\n"
        for a, b, c in [("hall", "attic", "den"), ("attic", "den", "hall")] * 10
    )
    source = write(tmp_path, "qa1_x_train.txt", text)
    convert_files([source], tmp_path / "a", seed=1)
    convert_files([source], tmp_path / "b", seed=1)
    convert_files([source], tmp_path / "c", seed=2)
    first, again, other = ((tmp_path / d / source.name).read_text() for d in "abc")
    assert first == again
    assert first != other


@pytest.mark.parametrize(
    "text, message",
    [
        ("1 Mary flew to the moon.\n", "line 1: cannot read the sentence 'Mary flew to the moon.'"),
        ("1 Mary went to the hall.\n2 Why? \thall\t1\n", "line 2: cannot convert 'Why?'"),
        ("1 Mary went to the hall.\n2 How many objects is Mary carrying? \tfour\t1\n",
         "line 2: cannot convert the count 'four'"),
        ("1 The hall is north of the den.\n2 How do you go from the den to the hall? \tn\t1\n",
         "line 2: cannot convert the path 'n'"),
        ("Mary went to the hall.\n", "expected a line ID"),
    ],
)  # fmt: skip
def test_bad_files_give_a_one_line_error_and_write_nothing(tmp_path, capsys, text, message):
    good = write(tmp_path, "qa1_good_train.txt", SMALL)
    bad = write(tmp_path, "qa1_bad_train.txt", text)
    code, out, err = run(capsys, "convert", str(good), str(bad), "--out", str(tmp_path / "out"))
    assert code == 1
    assert message in err
    assert err.startswith("Error: ") and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_bad_arguments_give_one_line_errors(tmp_path, capsys):
    source = write(tmp_path, "qa1_x_train.txt", SMALL)
    other = tmp_path / "other"
    other.mkdir()
    write(other, source.name, SMALL)
    cases = [
        ((str(tmp_path / "missing.txt"), "--out", str(tmp_path / "o")), "no such file"),
        ((str(source), "--out", str(source)), "is a file; give a folder"),
        ((str(source), "--out", str(tmp_path)), "would overwrite itself"),
        ((str(source), str(other / source.name), "--out", str(tmp_path / "o")), "two files"),
    ]
    for arguments, message in cases:
        code, _, err = run(capsys, "convert", *arguments)
        assert code == 1 and message in err and err.count("\n") == 1, (arguments, err)
    assert source.read_text(encoding="utf-8") == SMALL


# The contract's forms (YESNO_FORMS.md), written out again here so a converter that drifts
# from them fails. Tasks 6, 9, 10, 17 and 18 keep bAbI's own questions.
_N, _W = "[A-Z][a-z]+", "[a-z]+"
_D = "(north|south|east|west)"
_IS_IN = rf"Is {_N} in the {_W}"
CONTRACT = {
    1: _IS_IN,
    2: rf"Is the {_W} in the {_W}",
    3: rf"Was the {_W} in the {_W} before the {_W}",
    4: rf"Is the {_W} {_D} of the {_W}",
    5: rf"Did {_N} give the {_W}( to {_N})?|Did {_N} receive the {_W}",
    7: rf"Is {_N} carrying (no objects|one object|two objects|three objects)",
    8: rf"Is {_N} carrying (anything|the {_W})",
    11: _IS_IN,
    12: _IS_IN,
    13: _IS_IN,
    14: rf"Was {_N} in the {_W} before the {_W}",
    15: rf"Is {_N} afraid of (wolves|mice|cats|sheep)",
    16: rf"Is {_N} (yellow|green|gray|white)",
    19: rf"Can you get from the {_W} to the {_W} by going {_D} and then {_D}",
    20: rf"Will {_N} go to the {_W}|Did {_N} (go to|get) the {_W} because he was "
    "(hungry|thirsty|tired|bored)",
}
UNCHANGED = (6, 9, 10, 17, 18)


def check_converted_file(path, task):
    """The converted file against the original: stories, forms, ids and supporting sentences."""
    forms = []
    converted = convert_file(path, 0, lambda reader, question, found: forms.append(found))
    original = read_stories(path)
    assert len(converted) == len(original)
    pattern = re.compile(rf"^({CONTRACT.get(task, '.*')})\?$")
    forms_iter = iter(forms)
    for old, new in zip(original, converted, strict=True):
        assert [s.text for s in new.sentences] == [s.text for s in old.sentences]
        old_text = {line.id: line.text for line in old.sentences}
        new_text = {line.id: line.text for line in new.sentences}
        new_questions = iter(new.questions)
        for question in old.questions:
            found = next(forms_iter)
            lines = [next(new_questions) for _ in found]
            assert [(line.text, line.answer) for line in lines] == found
            for line in lines:
                assert [new_text[i] for i in line.supporting] == [
                    old_text[i] for i in question.supporting
                ]
                assert pattern.match(line.text) or task in UNCHANGED, line.text
            if task in UNCHANGED:
                assert found == [(question.text, question.answer)]
            else:
                assert found[0][1] == ("no" if question.answer == "nothing" else "yes")
                assert all(answer == "no" for _, answer in found[1:]) and len(found) <= 2
        for expected_id, line in enumerate(new.lines, start=1):
            assert line.id == expected_id
            assert isinstance(line, Sentence | Question)
    return sum(len(found) for found in forms)


@pytest.mark.parametrize("task", range(1, 21))
def test_real_files_convert_to_the_contract_forms(shared_babi, task):
    (path,) = (shared_babi / "en").glob(f"qa{task}_*_train.txt")
    questions = check_converted_file(path, task)
    if task == 1:
        assert 1900 <= questions <= 2000  # what ../shared/checks/contracts check 8 asks


@pytest.mark.parametrize("task", range(1, 21))
def test_reader_agrees_with_babi_on_every_en_training_question(shared_babi, task):
    (path,) = (shared_babi / "en").glob(f"qa{task}_*_train.txt")
    result = agreement(path)
    assert result.questions == sum(len(story.questions) for story in read_stories(path))
    assert result.agreed == result.questions, result.disagreements
    assert result.no_forms_false == result.no_forms


@pytest.mark.skipif(
    not os.environ.get("CHATBOT_FULL_BABI"),
    reason="190,000 questions take 15-40 s: set CHATBOT_FULL_BABI=1 to run this test, or run "
    "benchmarks/convert_agreement.py",
)
def test_reader_agrees_with_babi_on_every_en_10k_training_question(shared_babi):
    paths = sorted((shared_babi / "en-10k").glob("qa*_train.txt"))
    assert paths
    for path in paths:
        result = agreement(path)
        assert result.agreed == result.questions, (path.name, result.disagreements)
        assert result.no_forms_false == result.no_forms, path.name


def test_no_forms_are_false_when_the_story_is_read_afresh(shared_babi):
    """Every "no" form of a few real stories of each task, answered by `yesno.answer`."""
    for path in sorted((shared_babi / "en").glob("qa*_train.txt")):
        for story in convert_file(path)[:20]:
            sentences = []
            for line in story.lines:
                if isinstance(line, Sentence):
                    sentences.append(line.text)
                elif line.answer == "no":
                    assert answer(sentences, line.text) == "no", (path.name, line.text)
