"""Tests for `chatbot inspect FILE... [--json]`."""

import json
import re
from collections import Counter

import pytest
from cli_runner import run

FOUR_STORIES_SUMMARY = {
    "stories": 4,
    "questions": 8,
    "answers": {"no": 4, "yes": 3, "maybe": 1},
    "vocabulary_size": 33,
    "max_story_sentences": 4,
    "max_story_words": 24,
}


def test_text_output(capsys, four_stories):
    assert run(capsys, "inspect", str(four_stories)) == (
        0,
        f"{four_stories}\n"
        "  stories        4\n"
        "  questions      8\n"
        "  answers        no 4, yes 3, maybe 1\n"
        "  vocabulary     33 words\n"
        "  longest story  4 sentences, 24 words\n",
        "",
    )


def test_text_output_of_several_files(capsys, four_stories):
    other = four_stories.with_name("qa9_simple-negation_train.txt")
    other.write_text("1 John is not in the park.\n2 Is John in the park? \tno\t1\n")
    code, out, err = run(capsys, "inspect", str(four_stories), str(other))
    assert (code, err) == (0, "")
    assert out.endswith(
        f"\n\n{other}\n"
        "  stories        1\n"
        "  questions      1\n"
        "  answers        no 1\n"
        "  vocabulary     7 words\n"
        "  longest story  1 sentences, 6 words\n"
    )
    assert out.startswith(f"{four_stories}\n  stories        4\n")


def test_json_of_one_file_is_one_object(capsys, four_stories):
    code, out, err = run(capsys, "inspect", "--json", str(four_stories))
    assert (code, err) == (0, "")
    assert json.loads(out) == FOUR_STORIES_SUMMARY


def test_json_of_several_files_is_keyed_by_each_path_as_given(capsys, four_stories, monkeypatch):
    monkeypatch.chdir(four_stories.parent)
    (four_stories.parent / "sub").mkdir()
    other = four_stories.parent / "sub" / "qa9_simple-negation_train.txt"
    other.write_text("1 John is not in the park.\n2 Is John in the park? \tno\t1\n")
    code, out, err = run(
        capsys, "inspect", four_stories.name, "--json", "./sub/qa9_simple-negation_train.txt"
    )
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        four_stories.name: FOUR_STORIES_SUMMARY,
        "./sub/qa9_simple-negation_train.txt": {
            "stories": 1,
            "questions": 1,
            "answers": {"no": 1},
            "vocabulary_size": 7,  # john is not in the park, and the answer no
            "max_story_sentences": 1,
            "max_story_words": 6,
        },
    }


def test_missing_file_is_a_one_line_error(capsys, tmp_path):
    missing = tmp_path / "nope.txt"
    assert run(capsys, "inspect", "--json", str(missing)) == (
        1,
        "",
        f"Error: {missing}: no such file; "
        "give a bAbI file such as qa6_yes-no-questions_train.txt\n",
    )


def test_bad_file_names_the_line(capsys, tmp_path):
    bad = tmp_path / "qa6_bad_train.txt"
    bad.write_text("1 Mary moved.\n3 Is Mary here? \tyes\t1\n")
    assert run(capsys, "inspect", str(bad)) == (
        1,
        "",
        f"Error: {bad}, line 2: ID 3 does not follow ID 1; expected 2, or 1 to start a new story\n",
    )


def test_no_file_is_a_usage_error(capsys):
    code, out, err = run(capsys, "inspect")
    assert (code, out) == (2, "")
    assert err.endswith("Error: Missing argument 'FILES...'.\n")


def _count_independently(path):
    """The six numbers, counted straight from the text with no help from chatbot.babi."""
    stories = questions = 0
    answers = Counter()
    words = set()
    sentences_per_story, words_per_story = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        number, text = line.split(" ", 1)
        if number == "1":
            stories += 1
            sentences_per_story.append(0)
            words_per_story.append(0)
        if "\t" in line:
            question, answer, _ = text.split("\t")
            questions += 1
            answers[answer] += 1
            words.update(re.findall(r"[a-z]+", (question + " " + answer).lower()))
        else:
            sentence_words = re.findall(r"[a-z]+", text.lower())
            words.update(sentence_words)
            sentences_per_story[-1] += 1
            words_per_story[-1] += len(sentence_words)
    return {
        "stories": stories,
        "questions": questions,
        "answers": dict(answers),
        "vocabulary_size": len(words),
        "max_story_sentences": max(sentences_per_story),
        "max_story_words": max(words_per_story),
    }


def test_counts_every_real_1k_file_right(capsys, shared_babi):
    # The 10k files hold the same stories, ten times as many; test_babi counts their stories and
    # questions, and ../shared/checks/contracts runs `chatbot inspect` on each of them.
    files = sorted(shared_babi.glob("en/*.txt"))
    assert len(files) == 20
    code, out, err = run(capsys, "inspect", "--json", *map(str, files))
    assert (code, err) == (0, "")
    summaries = json.loads(out)
    assert list(summaries) == list(map(str, files))
    for path in files:
        assert summaries[str(path)] == _count_independently(path), path


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_names_the_json_flag(capsys, flag):
    code, out, _ = run(capsys, "inspect", flag)
    assert code == 0
    assert out.startswith("Usage: chatbot inspect [OPTIONS] FILES...\n")
    assert "--json" in out
