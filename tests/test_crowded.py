"""A story past the model's entity slots, and a lexicon.json that is damaged or oversized.

The sentence that would name one person, place or object more than the slots of its kind is
left out with a notice; `chat` and `ask` go on (exit 3 where the question itself names one too
many); `evaluate` counts such a question as refused. Reading caches stay bounded.
"""

import json
import shutil

import pytest
from cli_runner import run

import chatbot  # noqa: F401  (first: it keeps TensorFlow's start-up logs quiet)
from chatbot.reading import lexicon as lexicon_module
from chatbot.reading import new_words
from chatbot.reading.lexicon import SLOTS, Lexicon
from chatbot.stories.world import words
from chatbot.text import tokenize

NAMES = (words.FEMALE + words.MALE)[: SLOTS + 1]
CROWD = [f"{name} went to the hallway." for name in NAMES]  # one name too many
KNOWN = tokenize("went to the is in")


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.of_world().learn_shapes(
        ["Mary went to the hallway."], ["Is Mary in the hallway?"]
    )


def test_the_sentence_naming_one_too_many_is_left_out(lexicon):
    reading = lexicon.read(CROWD, [f"Is {NAMES[0]} in the hallway?"], known=KNOWN)
    assert reading.left_out == (SLOTS,)
    assert not reading.refused(0)
    crowded = lexicon.read(CROWD, [f"Is {NAMES[-1]} in the hallway?"], known=KNOWN)
    assert crowded.crowded == (True,) and crowded.refused(0)


def test_ask_goes_on_and_refuses_with_exit_3_what_it_cannot_answer(capsys):
    story = " ".join(CROWD)
    code, out, err = run(
        capsys, "ask", "--story", story, "--question", f"Is {NAMES[0]} in the hallway?"
    )
    assert code == 0 and out.startswith("yes")
    notice = f'"{CROWD[-1]}" names one person, place or object more than the {SLOTS} of each kind'
    assert err.startswith(notice) and err.endswith("; I left that sentence out of the story\n")
    code, out, err = run(
        capsys, "ask", "--story", story, "--question", f"Is {NAMES[-1]} in the hallway?"
    )
    assert (code, out) == (3, "")
    assert err.endswith(
        f"cannot answer: the question names one person, place or object more than the {SLOTS} "
        "of each kind I tell apart in one story; ask about someone or something named earlier\n"
    )


def test_chat_leaves_the_sentence_out_and_goes_on(capsys, monkeypatch):
    import io

    lines = CROWD + [f"Is {NAMES[1]} in the hallway?", ":quit"]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    code, out, err = run(capsys, "chat")
    assert code == 0 and out.startswith("yes")
    assert f'"{CROWD[-1]}" names one person, place or object more than the {SLOTS}' in err


def test_evaluate_counts_a_crowded_question_as_refused(capsys, tmp_path):
    lines = [f"{number} {sentence}" for number, sentence in enumerate(CROWD, start=1)]
    lines.append(f"{len(CROWD) + 1} Is {NAMES[-1]} in the hallway? \tyes\t{len(CROWD)}")
    lines.append(f"{len(CROWD) + 2} Is {NAMES[0]} in the hallway? \tyes\t1")
    path = tmp_path / "qa1_crowded_test.txt"
    path.write_text("\n".join(lines) + "\n")
    report = tmp_path / "report.json"
    code, out, err = run(capsys, "evaluate", str(path), "--json", str(report))
    assert code == 0, err
    assert json.loads(report.read_text())["refused"] == 1


@pytest.fixture
def model(tmp_path):
    return shutil.copytree(
        lexicon_module.__file__.rsplit("/chatbot/", 1)[0] + "/models/default", tmp_path / "model"
    )


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda data: data["roles"].update(mary="KING"),
         "is damaged: a word has the role 'KING', not one of NAME, PLACE, OBJECT, KIND, COLOUR; "
         "rebuild"),
        (lambda data: data["roles"].update({f"w{n}": "NAME" for n in range(60_000)}),
         "is damaged: {roles:,} roles, over the 50,000 a model folder holds; rebuild"),
    ],
)  # fmt: skip
def test_a_damaged_or_oversized_lexicon_is_one_line(capsys, model, change, message):
    path = model / "lexicon.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    message = message.format(roles=len(data["roles"]))  # the shipped model's own and the added
    for command in (["ask", "--story", "Mary went home.", "--question", "Is Mary home?"],
                    ["evaluate", "data/qa6_yes-no-questions_test.txt"]):  # fmt: skip
        code, out, err = run(capsys, *command, "--model", str(model))
        assert (code, out) == (1, "")
        assert err.startswith(f"Error: {path} {message}") and err.count("\n") == 1


def test_the_near_miss_cache_is_bounded_and_quick(lexicon, monkeypatch):
    monkeypatch.setattr(new_words, "CACHED_WORDS", 100)
    fresh = Lexicon(lexicon.roles, lexicon.kept, lexicon.classes, lexicon.sentence_shapes)
    story = [f"Mary zorped{number}x to the hallway." for number in range(1000)]
    fresh.read(story, known=KNOWN)
    assert len(fresh._cache["near"]) <= 100


# The 4,096-sentence cap, wherever a story comes in ------------------------------------------


def test_load_refuses_a_story_over_the_sentence_cap(tmp_path):
    from fake_bot import FakeBot

    from chatbot.frontends.repl import Session

    path = tmp_path / "long.txt"
    path.write_text("".join(f"{n} Mary went to the kitchen.\n" for n in range(1, 8192)))
    session = Session(FakeBot())
    [reply] = session.handle(f":load {path}")
    assert reply.text == (
        f"cannot use story 1 of 1 from {path}: it has 8,191 sentences, over the 4,096 I keep; "
        "load a shorter story"
    )
    assert session.story == []


def test_ask_refuses_a_story_over_the_cap_before_loading_the_model(capsys, tmp_path):
    story = "Mary went to the kitchen. " * 4097
    code, out, err = run(
        capsys, "ask", "--story", story, "--question", "Is Mary in the kitchen?",
        "--model", str(tmp_path / "no-such-model"),
    )  # fmt: skip
    assert (code, out) == (1, "")
    assert err.startswith("Error: the story has more than 4,096 sentences, the most I read; ")


def test_a_reason_names_at_most_five_unknown_words(tiny_bundle):
    from chatbot.answering.bot import Chatbot

    bot = Chatbot(tiny_bundle())
    reason = bot.describe_unknown([f"zq{number:04d}x" for number in range(1000)])
    assert reason.startswith('I don\'t know the words "zq0000x"') and reason.count('"') == 10
    assert reason.endswith(" and 995 more")
