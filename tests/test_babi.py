"""Tests for chatbot.stories.babi and summary: reading, writing and summarizing bAbI files."""

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chatbot.errors import ChatbotError
from chatbot.stories.babi import (
    Example,
    Question,
    Sentence,
    Story,
    examples_of,
    expand_paths,
    read_paths,
    read_stories,
    task_of,
    write_stories,
)
from chatbot.stories.summary import format_summary, summarize


def test_reads_the_four_stories_exactly(four_stories):
    source = str(four_stories)
    assert read_stories(four_stories) == [
        Story(
            [
                Sentence(1, "Mary moved to the bathroom."),
                Sentence(2, "Sandra journeyed to the bedroom."),
                Question(3, "Is Sandra in the hallway?", "no", (2,)),
                Sentence(4, "Mary went back to the bedroom."),
                Sentence(5, "Daniel went back to the hallway."),
                Question(6, "Is Daniel in the hallway?", "yes", (5,)),
            ],
            task="qa6",
            source=source,
            line=1,
        ),
        Story(
            [
                Sentence(1, "John got the football there."),
                Sentence(2, "John is no longer in the garden."),
                Question(3, "Is John in the garden?", "no", (2,)),
                Sentence(4, "Sandra is not in the kitchen."),
                Question(5, "Is Sandra in the kitchen?", "no", (4,)),
            ],
            task="qa6",
            source=source,
            line=7,
        ),
        Story(
            [
                Sentence(1, "Fred is either in the school or the park."),
                Sentence(2, "Mary went back to the office."),
                Question(3, "Is Mary in the office?", "yes", (2,)),
                Sentence(4, "Bill is either in the kitchen or the park."),
                Question(5, "Is Fred in the park?", "maybe", (1,)),
            ],
            task="qa6",
            source=source,
            line=12,
        ),
        Story(
            [
                Sentence(1, "Daniel travelled to the kitchen."),
                Question(2, "Is Daniel in the kitchen?", "yes", (1,)),
                Sentence(3, "Daniel journeyed to the garden."),
                Question(4, "Is Daniel in the kitchen?", "no", (3,)),
            ],
            task="qa6",
            source=source,
            line=17,
        ),
    ]


def test_reads_comma_answers_several_supports_and_tabs_with_or_without_a_space(tmp_path):
    path = tmp_path / "qa8_lists-sets_train.txt"
    path.write_text(
        "1 Mary got the milk there.\n"
        "2 John moved to the bedroom.\n"
        "3 Mary took the apple there.\n"
        "4 What is Mary carrying? \tmilk,apple\t1 3\n"
        "5 Mary dropped the milk.\n"
        "6 What is Mary carrying?\tapple\t1 3 5\n"
        "\n"
        "1 Sandra went to the garden.\r\n"
        "2 What is Sandra carrying? \tnothing\t\n",
        encoding="utf-8",
    )
    stories = read_stories(path)
    assert [story.lines for story in stories] == [
        [
            Sentence(1, "Mary got the milk there."),
            Sentence(2, "John moved to the bedroom."),
            Sentence(3, "Mary took the apple there."),
            Question(4, "What is Mary carrying?", "milk,apple", (1, 3)),
            Sentence(5, "Mary dropped the milk."),
            Question(6, "What is Mary carrying?", "apple", (1, 3, 5)),
        ],
        [
            Sentence(1, "Sandra went to the garden."),
            Question(2, "What is Sandra carrying?", "nothing", ()),
        ],
    ]
    assert [(story.task, story.line) for story in stories] == [("qa8", 1), ("qa8", 8)]


def test_story_sentences_and_questions(four_stories):
    story = read_stories(four_stories)[3]
    assert story.sentences == [
        Sentence(1, "Daniel travelled to the kitchen."),
        Sentence(3, "Daniel journeyed to the garden."),
    ]
    assert [question.id for question in story.questions] == [2, 4]


@pytest.mark.parametrize(
    "name, task",
    [
        ("qa6_yes-no-questions_train.txt", "qa6"),
        ("/data/en-10k/qa17_positional-reasoning_test.txt", "qa17"),
        ("my_stories.txt", ""),
        ("qa_6.txt", ""),
        ("/tmp/generated/mix_stories_test.txt", "mix"),
        ("mixed.txt", ""),
    ],
)
def test_task_of(name, task):
    assert task_of(name) == task


FORMAT = "lines are 'ID sentence' or 'ID question<TAB>answer<TAB>supporting IDs'"
ANSWER_FORMAT = "expected 'ID question<TAB>answer<TAB>supporting IDs'"


@pytest.mark.parametrize(
    "content, message",
    [
        (
            b"1 Mary moved.\nSandra went home.\n",
            f"line 2: expected a line ID (a number) first, got 'Sandra'; {FORMAT}",
        ),
        (
            b"1 Mary moved.\nx2 Sandra went home.\n",
            f"line 2: expected a line ID (a number) first, got 'x2'; {FORMAT}",
        ),
        (b"1 Mary moved.\n2\n", f"line 2: ID 2 has no text; {FORMAT}"),
        (b"2 Mary moved.\n", "line 1: the first story starts with ID 2; expected ID 1"),
        (
            b"1 Mary moved.\n2 Sandra went.\n4 Is Mary here?\tyes\t1\n",
            "line 3: ID 4 does not follow ID 2; expected 3, or 1 to start a new story",
        ),
        (
            b"1 Mary moved.\n2 Sandra went.\n2 Bill went.\n",
            "line 3: ID 2 does not follow ID 2; expected 3, or 1 to start a new story",
        ),
        (
            b"1 Mary moved.\n2 Is Mary in the park?\n",
            f"line 2: a question without an answer; {ANSWER_FORMAT}",
        ),
        (
            b"1 Mary moved.\n2 Is Mary in the park? \t\t1\n",
            f"line 2: a question without an answer; {ANSWER_FORMAT}",
        ),
        (b"1 Mary moved.\n2 \tyes\t1\n", f"line 2: ID 2 has an answer but no question; {FORMAT}"),
        (
            b"1 Mary moved.\n2 Is Mary here? \tyes\t3\n",
            "line 2: supporting ID 3 of question 2 points past it; "
            "expected IDs of sentences before it",
        ),
        (
            b"1 Mary moved.\n2 Is Mary here? \tyes\t2\n",
            "line 2: supporting ID 2 of question 2 is the question itself; "
            "expected IDs of sentences before it",
        ),
        (
            b"1 Mary moved.\n2 Is Mary here? \tyes\t1\n3 Is Mary here? \tyes\t2\n",
            "line 3: supporting ID 2 is a question; expected IDs of sentences before it",
        ),
        (
            b"1 Mary moved.\n2 Is Mary here? \tyes\t0\n",
            "line 2: supporting ID 0 is not a line of this story; "
            "expected IDs of sentences before it",
        ),
        (
            b"1 Mary moved.\n2 Is Mary here? \tyes\tone\n",
            "line 2: supporting ID 'one' is not a number; expected line IDs",
        ),
        (b"1 Mary moved.\n2 Is Mary here? \tyes\t1\tno\n", f"line 2: too many tabs; {FORMAT}"),
        (
            b"1 Mary moved.\n\x00\x01\x02junk\n",
            "line 2: binary data (byte 0x00); expected a bAbI text file",
        ),
        (
            b"1 Mary moved.\n2 Mary\x07 went.\n",
            "line 2: binary data (byte 0x07); expected a bAbI text file",
        ),
        (
            b"1 Mary moved.\n2 Mary went to the caf\xe9.\n",
            "line 2: not UTF-8 text (byte 0xe9); expected a bAbI text file",
        ),
    ],
)
def test_bad_input_names_file_line_and_what_was_expected(tmp_path, content, message):
    path = tmp_path / "qa6_bad_train.txt"
    path.write_bytes(content)
    with pytest.raises(ChatbotError) as error:
        read_stories(path)
    assert str(error.value) == f"{path}, {message}"


@pytest.mark.parametrize("content", [b"", b"\n  \n\t\n"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "qa6_empty_train.txt"
    path.write_bytes(content)
    with pytest.raises(ChatbotError) as error:
        read_stories(path)
    assert str(error.value) == f"{path} is empty; expected bAbI stories, one line per sentence"


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ChatbotError) as error:
        read_stories(tmp_path / "nope.txt")
    assert str(error.value) == (
        f"{tmp_path / 'nope.txt'}: no such file; "
        "give a bAbI file such as qa6_yes-no-questions_train.txt"
    )
    with pytest.raises(ChatbotError) as error:
        read_stories(tmp_path)
    assert str(error.value) == f"{tmp_path} is a folder; give the bAbI files in it"


def test_byte_order_mark_is_ignored(tmp_path):
    path = tmp_path / "stories.txt"
    path.write_bytes(b"\xef\xbb\xbf1 Mary moved.\n2 Is Mary here? \tyes\t1\n")
    assert read_stories(path)[0].lines[0] == Sentence(1, "Mary moved.")


def _write_tasks(folder, names):
    folder.mkdir(parents=True, exist_ok=True)
    for number, name in enumerate(names, start=1):
        (folder / name).write_text(f"1 Story {number} here.\n2 Is it? \tyes\t1\n", encoding="utf-8")


def test_read_paths_takes_files_folders_and_globs_in_a_fixed_order(tmp_path):
    folder = tmp_path / "babi"
    _write_tasks(
        folder,
        ["qa10_b_train.txt", "qa2_b_train.txt", "qa2_b_test.txt", "qa1_a_train.txt", "notes.md"],
    )
    names = [path.name for path in expand_paths([folder])]
    assert names == ["qa1_a_train.txt", "qa2_b_train.txt", "qa10_b_train.txt"]
    assert [path.name for path in expand_paths([folder], pattern="*_test.txt")] == [
        "qa2_b_test.txt"
    ]
    assert [path.name for path in expand_paths([str(folder / "qa*_b_*.txt")])] == [
        "qa2_b_test.txt",
        "qa2_b_train.txt",
        "qa10_b_train.txt",
    ]
    # a file given as well as its folder is read once, where it first came
    given = [folder / "qa10_b_train.txt", folder]
    assert [path.name for path in expand_paths(given)] == [
        "qa10_b_train.txt",
        "qa1_a_train.txt",
        "qa2_b_train.txt",
    ]
    stories = read_paths([folder / "qa2_b_test.txt", folder])
    assert [(story.task, story.lines[0].text) for story in stories] == [
        ("qa2", "Story 3 here."),
        ("qa1", "Story 4 here."),
        ("qa2", "Story 2 here."),
        ("qa10", "Story 1 here."),
    ]


def test_read_paths_when_nothing_matches(tmp_path):
    _write_tasks(tmp_path / "babi", ["qa1_a_test.txt"])
    cases = [
        ([tmp_path / "babi"], f"folder {tmp_path / 'babi'} holds no files matching *_train.txt"),
        ([str(tmp_path / "qa*.txt")], f"no files match {tmp_path / 'qa*.txt'}"),
        ([tmp_path / "missing"], f"{tmp_path / 'missing'}: no such file or folder"),
        ([], "no bAbI files given; name files, folders or globs"),
    ]
    for paths, message in cases:
        with pytest.raises(ChatbotError) as error:
            read_paths(paths)
        assert str(error.value) == message


def test_write_stories_writes_the_babi_format(four_stories, tmp_path):
    stories = read_stories(four_stories)
    out = tmp_path / "out" / "qa6_copy_train.txt"
    out.parent.mkdir()
    write_stories(stories, out)
    # the same text, but without the space before the tab
    assert out.read_text(encoding="utf-8") == four_stories.read_text().replace(" \t", "\t")
    copy = read_stories(out)
    assert [story.lines for story in copy] == [story.lines for story in stories]
    assert [path.name for path in out.parent.iterdir()] == ["qa6_copy_train.txt"]


def test_write_stories_writes_comma_answers_and_empty_supports(tmp_path):
    story = Story(
        [
            Sentence(1, "Mary got the milk there."),
            Question(2, "What is Mary carrying?", "milk,apple", (1,)),
            Question(3, "What is John carrying?", "nothing", ()),
        ]
    )
    path = tmp_path / "stories.txt"
    write_stories([story], path)
    assert path.read_text(encoding="utf-8") == (
        "1 Mary got the milk there.\n"
        "2 What is Mary carrying?\tmilk,apple\t1\n"
        "3 What is John carrying?\tnothing\t\n"
    )
    assert read_stories(path)[0].lines == story.lines


@pytest.mark.parametrize(
    "lines, message",
    [
        (
            [Sentence(1, "Mary moved."), Sentence(3, "Bill moved.")],
            "story at made-up, line 4: ID 3 where 2 was expected",
        ),
        (
            [Sentence(1, "Mary\tmoved.")],
            "story at made-up, line 4: ID 1 has empty text or a tab or line break in it, "
            "which the bAbI format cannot hold",
        ),
        (
            [Sentence(1, "Mary moved."), Question(2, "Is Mary here?", "", (1,))],
            "story at made-up, line 4: ID 2 has empty text or a tab or line break in it, "
            "which the bAbI format cannot hold",
        ),
        (
            [Sentence(1, "Mary moved.\n2 Bill moved.")],
            "story at made-up, line 4: ID 1 has empty text or a tab or line break in it, "
            "which the bAbI format cannot hold",
        ),
    ],
)
def test_write_stories_refuses_what_it_could_not_read_back(tmp_path, lines, message):
    path = tmp_path / "stories.txt"
    path.write_text("old\n", encoding="utf-8")
    with pytest.raises(ChatbotError) as error:
        write_stories([Story(lines, source="made-up", line=4)], path)
    assert str(error.value) == message
    assert path.read_text(encoding="utf-8") == "old\n"  # the old file is left as it was


# Text the format can hold: no tabs, line breaks or other control characters, no surrounding space.
_texts = (
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=30)
    .map(str.strip)
    .filter(bool)
)


@st.composite
def _stories(draw):
    lines = []
    for line_id in range(1, draw(st.integers(1, 8)) + 1):
        sentence_ids = [line.id for line in lines if isinstance(line, Sentence)]
        if sentence_ids and draw(st.booleans()):
            supporting = draw(st.lists(st.sampled_from(sentence_ids), max_size=3))
            answer = draw(_texts.filter(lambda text: " " not in text))
            lines.append(Question(line_id, draw(_texts), answer, tuple(supporting)))
        else:
            lines.append(Sentence(line_id, draw(_texts.filter(lambda t: not t.endswith("?")))))
    return Story(lines)


@settings(max_examples=50, deadline=None)
@given(stories=st.lists(_stories(), min_size=1, max_size=4))
def test_any_writable_stories_read_back_the_same(tmp_path_factory, stories):
    path = tmp_path_factory.mktemp("round_trip") / "stories.txt"
    write_stories(stories, path)
    assert [story.lines for story in read_stories(path)] == [story.lines for story in stories]


def test_examples_of_gives_each_question_the_sentences_before_it(four_stories):
    examples = examples_of(read_stories(four_stories))
    source = str(four_stories)
    assert len(examples) == 8
    assert examples[:2] == [
        Example(
            story=("Mary moved to the bathroom.", "Sandra journeyed to the bedroom."),
            question="Is Sandra in the hallway?",
            answer="no",
            supporting=(1,),
            task="qa6",
            source=source,
        ),
        Example(
            story=(
                "Mary moved to the bathroom.",
                "Sandra journeyed to the bedroom.",
                "Mary went back to the bedroom.",
                "Daniel went back to the hallway.",
            ),
            question="Is Daniel in the hallway?",
            answer="yes",
            supporting=(3,),
            task="qa6",
            source=source,
        ),
    ]
    assert [(len(e.story), e.supporting, e.answer) for e in examples[2:]] == [
        (2, (1,), "no"),
        (3, (2,), "no"),
        (2, (1,), "yes"),
        (3, (0,), "maybe"),
        (1, (0,), "yes"),
        (2, (1,), "no"),
    ]


def test_examples_of_rejects_a_support_that_is_not_a_sentence():
    story = Story([Sentence(1, "Mary moved."), Question(2, "Is she?", "yes", (2,))], source="s")
    with pytest.raises(ChatbotError) as error:
        examples_of([story])
    assert str(error.value) == (
        "story at s, line 0: question 2 is supported by 2, which is not a sentence before it"
    )


def test_summarize(four_stories):
    assert summarize(read_stories(four_stories)) == {
        "stories": 4,
        "questions": 8,
        "answers": {"no": 4, "yes": 3, "maybe": 1},
        # 31 distinct words in the sentences and questions ("no" among them, from "no longer");
        # the answers add "yes" and "maybe"
        "vocabulary_size": 33,
        "max_story_sentences": 4,
        "max_story_words": 24,  # story 3: 9 + 6 + 9 words
    }
    assert summarize([]) == {
        "stories": 0,
        "questions": 0,
        "answers": {},
        "vocabulary_size": 0,
        "max_story_sentences": 0,
        "max_story_words": 0,
    }


def test_summarize_splits_comma_answers_into_words():
    story = Story([Sentence(1, "Mary got milk."), Question(2, "What?", "milk,apple", (1,))])
    assert summarize([story])["vocabulary_size"] == 5  # mary got milk what apple


def test_format_summary(four_stories):
    assert format_summary(summarize(read_stories(four_stories))) == (
        "  stories        4\n"
        "  questions      8\n"
        "  answers        no 4, yes 3, maybe 1\n"
        "  vocabulary     33 words\n"
        "  longest story  4 sentences, 24 words"
    )


@pytest.mark.slow
def test_reading_and_rewriting_every_real_file_gives_the_same_stories(shared_babi, tmp_path):
    files = sorted(shared_babi.glob("en*/*.txt"))
    assert len(files) >= 39
    for number, path in enumerate(files):
        stories = read_stories(path)
        copy = tmp_path / str(number) / path.name
        copy.parent.mkdir()
        write_stories(stories, copy)
        # Every line comes back as it was, but for the space some files have before the tab.
        original = path.read_text(encoding="utf-8")
        assert copy.read_text(encoding="utf-8") == original.replace(" \t", "\t"), path
        # An independent count: a story starts at each ID 1, a question is a line with a tab.
        assert len(stories) == original.count("\n1 ") + original.startswith("1 ")
        assert sum(len(story.questions) for story in stories) == original.count("\t") // 2
        if path.parent.name == "en":
            # Reading the copy gives the same stories (on the 1k files, to keep the test fast;
            # the 10k files hold more of the same and came back line for line above).
            again = read_stories(copy)
            assert [story.lines for story in again] == [story.lines for story in stories]
            assert {story.task for story in again} == {task_of(path)} != {""}


def test_text_and_babi_import_no_tensorflow():
    code = (
        "import sys, chatbot.stories.babi; "
        "print(sorted({'tensorflow', 'keras'} & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout == "[]\n"
