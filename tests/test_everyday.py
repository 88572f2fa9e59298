"""The everyday wordings of the generator (chatbot/stories/world/everyday.py), behind its switch,
and the rule reader's forms for them (chatbot/stories/sentence_forms.py).

Every everyday-worded answer is confirmed by chatbot.stories.yesno, which reads only the written
text and imports nothing from the generator (see tests/test_world_stories.py).
"""

import hashlib
import re

import pytest
from cli_runner import run

from chatbot.stories import babi, world, yesno
from chatbot.stories.babi import Question, Sentence, read_stories
from chatbot.stories.sentence_forms import facts, parse
from chatbot.text import tokenize

EVERYTHING = (*world.TASKS, world.MIX)
SEEDS = range(3)
QUESTIONS = 200  # per task, seed and split
# sha256 of bAbI-worded stories of every task, seed 7, 100 questions per split, as the generator
# wrote them before the everyday wordings came in: the switch's default changes nothing. (Task
# 19's supporting sentences follow the asked walk since "Reasoning in steps"; task 16 and the
# mixed stories now and then ask about an animal whose colour is stated, since issue 20's
# retrain; nothing else: the digests of the other tasks were checked unchanged.)
BABI_SHA256 = "4e65a2da6b481c80cbcdded451f7a7eee06fbc0374bc9bcfff3e9af5684acfe4"


@pytest.fixture(scope="module")
def everyday():
    """{(task, seed, split): everyday-worded stories}."""
    return {
        (task, seed, split): world.generate_stories(task, QUESTIONS, seed, split, "everyday")
        for task in EVERYTHING
        for seed in SEEDS
        for split in ("train", "test")
    }


@pytest.fixture(scope="module")
def sentences(everyday):
    return [
        line.text
        for stories in everyday.values()
        for story in stories
        for line in story.lines
        if isinstance(line, Sentence)
    ]


def test_the_babi_wordings_are_the_default_and_unchanged():
    digest = hashlib.sha256()
    for task in EVERYTHING:
        for split in world.SPLITS:
            stories = world.generate_stories(task, 100, 7, split)
            assert stories == world.generate_stories(task, 100, 7, split, "babi")
            digest.update(babi.format_stories(stories).encode())
    assert digest.hexdigest() == BABI_SHA256


@pytest.mark.parametrize("task", EVERYTHING)
def test_every_everyday_answer_agrees_with_the_independent_reader(everyday, task):
    checked = 0
    for seed in SEEDS:
        for split in ("train", "test"):
            for story in everyday[(task, seed, split)]:
                told = []
                for line in story.lines:
                    if isinstance(line, Question):
                        assert yesno.answer(told, line.text) == line.answer, (told, line)
                        checked += 1
                    else:
                        told.append(line.text)
    assert checked == QUESTIONS * len(SEEDS) * 2


@pytest.mark.parametrize("task", EVERYTHING)
def test_everyday_stories_ask_the_same_questions_with_supporting_lines_that_hold_them(task):
    plain = world.generate_stories(task, QUESTIONS, 1, "valid")
    retold = world.generate_stories(task, QUESTIONS, 1, "valid", "everyday")
    # the same questions, in other words for its people, places, ... in a share of stories
    # (world/everyday_words.py: `recast`)
    assert [(_frame(q.text), q.answer) for s in retold for q in s.questions] == [
        (_frame(q.text), q.answer) for s in plain for q in s.questions
    ]
    assert task == world.MIX or any(  # (a mixed story names every kind of word: few keep all)
        [q.text for q in before.questions] == [q.text for q in after.questions]
        for before, after in zip(plain, retold, strict=True)
    )
    changed = 0
    for before, after in zip(plain, retold, strict=True):
        said = {line.id: line.text for line in after.lines if isinstance(line, Sentence)}
        old = {line.id: line.text for line in before.lines if isinstance(line, Sentence)}
        for was, now in zip(before.questions, after.questions, strict=True):
            assert all(supporting in said for supporting in now.supporting)
            assert len(now.supporting) <= len(was.supporting)
        changed += sorted(said.values()) != sorted(old.values())
    assert changed > len(plain) // 2


def _frame(question: str) -> tuple[str, ...]:
    """A question's words but those `recast` may change: names, places, objects, kinds, ..."""
    return tuple(word for word in question.split() if word in _FRAME)


_FRAME = {"Is", "Did", "Does", "Will", "Was", "Why", "the", "in", "afraid", "of", "bigger"}
_FRAME |= {"than", "fit", "give", "to", "receive", "carrying", "go", "get", "before", "not"}


# Each kind of sentence, in several everyday wordings (and bAbI's own, kept for a share).
WORDINGS = {
    "moving": [r" headed to the ", r" returned to the ", r" went into the ", r" left for the "],
    "taking": [r" picked up the ", r" picked the \w+ up", r" took hold of the ", r" now has the "],
    "putting down": [r" put the \w+ down", r" put down the ", r" set the \w+ down", r" dropped "],
    "giving": [r" handed [A-Z]\w+ the ", r" gave the \w+ to [A-Z]", r" handed over the "],
    "being": [r" is in the ", r" is at the ", r" is now in the ", r" is inside the "],
    "negation": [r" isn't in the ", r" is no longer at the ", r" has left the ", r" anymore\."],
    "either": [r" is either in the \w+ or the ", r" or in the ", r" is in either the "],
    "directions": [r" is to the (north|south|east|west) of the ", r"^(North|South|East|West) of "],
    "fears": [r" are scared of ", r" are afraid of ", r"^[A-Z]\w+ fear \w+\.$", r"^A \w+ is "],
    "times": [r"^(Yesterday|This morning|In the evening),? ", r" (yesterday|in the afternoon)\.$"],
    "sizes": [r" is smaller than ", r" is bigger than ", r" is larger than ", r" can hold the "],
    "fits": [r" fits in the ", r" fits inside the ", r" fits into the "],
    "positions": [r" is under the ", r" is left of the ", r" is above the "],
    "then with a name": [r"^(Then|After that|Later),? [A-Z][a-z]+ (?!and)"],
    "pronouns": [r"^She (is|went|picked|gave)", r"^He ", r"^They "],
    "pronoun after then": [r"^(Then|Next|Afterwards),? (she|he|they) "],
    "two facts joined": [r" and (then )?(picked|took|went)", r"\w, and [A-Z]", r" and the "],
    "it": [
        r" (put|set) it down",
        r" picked it up",
        r" (dropped|took|grabbed) it\b",
        r" it to [A-Z]",
    ],
    "moods": [r" feels (hungry|thirsty|tired|bored)", r" is (hungry|thirsty|tired|bored)"],
}


@pytest.mark.parametrize("kind", WORDINGS)
def test_everyday_stories_say_each_kind_of_fact_in_several_wordings(sentences, kind):
    for pattern in WORDINGS[kind]:
        assert any(re.search(pattern, text) for text in sentences), pattern


def test_a_pronoun_or_then_with_a_name_opens_every_kind_of_sentence_about_someone(sentences):
    found = set()
    for text in sentences:
        for fact in facts(text):
            action, fields, _ = parse(fact)
            who = dict(fields).get("who", "")
            if who in ("he", "she", "they"):
                found.add((action, "pronoun"))
            elif who and re.match(r"(Then|After that|Afterwards|Later|Next)", text):
                found.add((action, "then"))
    # (not "kind": a story tells what an animal is before anything else about it)
    people = ("move", "not_in", "either", "take", "drop", "give", "colour", "mood")
    assert {(action, "pronoun") for action in people} <= found
    assert {(action, "then") for action in ("move", "take", "drop", "give")} <= found


def test_babi_wordings_tokenize_as_before_the_contractions_were_split(sentences):
    """No bAbI-worded sentence or question holds an apostrophe, so no token of them changed."""
    old_pattern = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
    for task in EVERYTHING:
        for story in world.generate_stories(task, 200, 3, "test"):
            for line in story.lines:
                assert tokenize(line.text) == old_pattern.findall(line.text.lower())
    contracted = [text for text in sentences if "n't" in text]
    assert contracted and all("n't" in tokenize(text) for text in contracted)


# ---- the reader's everyday forms ---------------------------------------------------------------


@pytest.mark.parametrize(
    "story, question, expected",
    [
        ("Then Priya went to the attic.", "Is Priya in the attic?", "yes"),
        ("Amara gave the lantern to Kwame.", "Is Amara carrying the lantern?", "no"),
        ("Amara handed Kwame the lantern.", "Did Amara give the lantern to Kwame?", "yes"),
        ("The chocolate is bigger than the box.", "Is the box bigger than the chocolate?", "no"),
        ("The chocolate is smaller than the box.", "Is the box bigger than the chocolate?", "yes"),
        ("The box fits in the suitcase.", "Does the box fit in the suitcase?", "yes"),
        ("Kofi went to the garage. Kofi isn't in the garage.", "Is Kofi in the garage?", "no"),
        ("Kofi went to the garage. He has left the garage.", "Is Kofi in the garage?", "no"),
        ("The den is to the west of the bathroom.", "Is the bathroom east of the den?", "yes"),
        ("Rex is a dog. Dogs are scared of cats.", "Is Rex afraid of cats?", "yes"),
        ("She picked up the lantern.", "Is Ada carrying the lantern?", "cannot read"),
        ("Ada went to the den and picked the lantern up.", "Is Ada carrying the lantern?", "yes"),
        ("Ada took the apple. She put the apple down.", "Is Ada carrying the apple?", "no"),
        ("Ada is in the den or in the hall.", "Is Ada in the hall?", "maybe"),
        ("In the evening, Ada walked into the den.", "Is Ada in the den?", "yes"),
        ("Ada picked up the apple. She put it down.", "Is Ada carrying the apple?", "no"),
        ("Ada took the cup and gave it to Bo.", "Did Ada give the cup to Bo?", "yes"),
        ("Ada took it.", "Is Ada carrying anything?", "cannot read"),
    ],
)
def test_the_reader_reads_everyday_wordings(story, question, expected):
    try:
        assert yesno.answer(story, question) == expected
    except Exception as error:  # "She ..." before anyone is named, "it" before any object
        assert expected == "cannot read", error


def test_joined_facts_split_at_and_but_not_a_pair_of_people():
    assert facts("Mary and John went to the den.") == ("Mary and John went to the den.",)
    assert facts("Mary went to the den and has left the hall.") == (
        "Mary went to the den",
        "they has left the hall",
    )
    assert facts("Mary went to the den, and John took the milk.") == (
        "Mary went to the den",
        "John took the milk",
    )


# ---- the switch -------------------------------------------------------------------------------


def test_generate_and_train_take_the_wordings(tmp_path, capsys):
    code, out, _ = run(
        capsys, "generate", "--out", str(tmp_path), "--questions", "40", "--tasks", "5",
        "--wordings", "everyday",
    )  # fmt: skip
    assert code == 0
    text = (tmp_path / "qa5_three-arg-relations_train.txt").read_text()
    assert read_stories(tmp_path / "qa5_three-arg-relations_train.txt")
    assert text != babi.format_stories(world.generate_stories(5, 40, 0))
    assert text == babi.format_stories(world.generate_stories(5, 40, 0, wordings="everyday"))
    code, _, err = run(capsys, "generate", "--out", str(tmp_path), "--wordings", "plain")
    assert code == 2 and "'plain' is not one of 'babi', 'everyday'" in err
    code, _, err = run(capsys, "train", "generated", "--out", str(tmp_path / "m"), "--wordings", "")
    assert code == 2 and "--wordings" in err


def test_a_wrong_wordings_is_a_usage_error():
    from chatbot.errors import UsageError

    with pytest.raises(UsageError, match="no wordings 'plain'; choose from babi, everyday"):
        world.generate_stories(6, 10, wordings="plain")


def test_training_refuses_unknown_wordings(tmp_path):
    from chatbot.config import TrainConfig
    from chatbot.errors import UsageError
    from chatbot.training.train import train

    with pytest.raises(UsageError, match="no wordings 'plain'"):
        train(["generated"], tmp_path / "model", TrainConfig(wordings="plain"))
