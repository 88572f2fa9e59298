"""Issue 20's breadth: each wording of world/phrasings.py, as the generator says it, is read
back by the rule reader (stories.sentence_forms, stories.yesno) as the fact it tells."""

import re

import pytest

from chatbot.stories import rule_reader, world, yesno
from chatbot.stories.babi import Question, Sentence
from chatbot.stories.sentence_forms import parse
from chatbot.stories.world import everyday_words, phrasings, words

VERBS = {"be": "is", "isn't": "isn't", "have": "has", "feels": "feels", "stays": "stays"}
VERBS |= {"their": "her", "them": "her"}


def _read(sentence: str) -> tuple[str, dict]:
    action, fields, _ = parse(sentence)
    return action, dict(fields)


@pytest.mark.parametrize("wording", [*phrasings.MOVES, *phrasings.STATES, *phrasings.BEING])
def test_each_way_of_moving_or_being_somewhere_reads_as_a_move(wording):
    action, fields = _read(f"Priya {wording.format(**VERBS)} the attic.")
    assert (action, fields["who"], fields["place"]) == ("move", "Priya", "attic")
    story = ["Priya went to the kitchen.", f"Then Priya {wording.format(**VERBS)} the attic."]
    assert yesno.answer(story, "Is Priya in the attic?") == "yes"


@pytest.mark.parametrize("opener", phrasings.OPENERS)
def test_each_opener_goes_before_a_name_or_a_pronoun(opener):
    story = ["Priya went to the kitchen.", f"{opener}, she went to the attic."]
    assert yesno.answer(story, "Is Priya in the attic?") == "yes"
    story = ["Kofi went to the kitchen.", f"{opener} Priya went to the attic."]
    assert yesno.answer(story, "Is Priya in the kitchen?") == "no"


@pytest.mark.parametrize("wording", [*phrasings.PICKS, *phrasings.HOLDING])
@pytest.mark.parametrize("thing", ["the umbrella", "it"])
def test_each_way_of_taking_reads_as_taking(wording, thing):
    told = wording.format(thing, **VERBS)
    # (Kofi's umbrella is the object "it" means)
    story = ["Priya went to the attic.", "Kofi dropped the umbrella.", f"Priya {told}."]
    assert _read(f"Priya {told}")[0] == "take"
    assert yesno.answer(story, "Is Priya carrying the umbrella?") == "yes"


@pytest.mark.parametrize("wording", [*phrasings.DROPS, *phrasings.DROPS_IN])
def test_each_way_of_putting_down_reads_as_putting_down(wording):
    told = wording.format("the towel", "attic")
    story = ["Priya went to the attic.", "She picked up the towel.", f"Priya {told}."]
    assert _read(f"Priya {told}")[:1] == ("drop",)
    assert yesno.answer(story, "Is Priya carrying the towel?") == "no"
    assert yesno.answer([*story, "Priya went to the cellar."], "Is the towel in the attic?") == (
        "yes"
    )


@pytest.mark.parametrize("wording", [*phrasings.GIVES, *phrasings.GIVES_TWO, *phrasings.RECEIVES])
def test_each_way_of_giving_reads_as_the_giver_giving_the_receiver(wording):
    told = wording.format("the wallet", "Kwame", "Amara")
    sentence = told if told.startswith("Kwame") else f"Amara {told}"
    action, fields = _read(sentence)
    assert action in ("give", "receive")
    assert (fields["who"], fields["thing"], fields["receiver"]) == ("Amara", "wallet", "Kwame")
    story = ["Amara picked up the wallet.", f"{sentence}."]
    assert yesno.answer(story, "Did Amara give the wallet to Kwame?") == "yes"
    assert yesno.answer(story, "Is Amara carrying the wallet?") == "no"


def test_after_a_gift_told_by_its_receiver_a_pronoun_means_the_receiver():
    story = ["Amara went to the attic.", "Kwame got the lantern from Amara.", "He ran to the den."]
    assert yesno.answer(story, "Is Kwame in the den?") == "yes"
    assert yesno.answer(story, "Is Amara in the den?") == "no"


@pytest.fixture(scope="module")
def told():
    """Every sentence of everyday stories of the people's tasks and mixed ones, and each story's
    questions checked against the independent reader on the way."""
    sentences = []
    for task in (1, 2, 5, 6, 11, 13, world.MIX):
        for story in world.generate_stories(task, 1500, 13, "train", "everyday"):
            lines = []
            for line in story.lines:
                if isinstance(line, Question):
                    assert yesno.answer(lines, line.text) == line.answer, (lines, line)
                else:
                    lines.append(line.text)
            sentences += [line.text for line in story.lines if isinstance(line, Sentence)]
    return "\n".join(sentences)


@pytest.mark.parametrize(
    "table", ["MOVES", "STATES", "PICKS", "HOLDING", "DROPS", "DROPS_IN", "GIVES", "RECEIVES"]
)
def test_the_generator_says_every_wording(told, table):
    missing = []
    for wording in getattr(phrasings, table):
        said = wording.format("the", "", "", **VERBS).split(" the")[0].split(" {")[0]
        said = said.replace("her", "").strip().split("  ")[0]
        if f" {said} " not in told and f" {said}." not in told:
            missing.append(wording)
    assert not missing


# ---- the wider word lists (world/everyday_words.py) ----------------------------------------
def test_the_lists_are_disjoint_and_no_word_is_a_word_of_the_sentences_frames():
    lists = everyday_words.lists("test")
    seen = [word.lower() for words in lists.values() for word in words]
    seen += [everyday_words.ALL_KINDS[kind] for kind in lists["kinds"] if kind != "sheep"]
    assert len(seen) == len(set(seen))
    frames = set()
    for task in (*world.TASKS, world.MIX):
        for story in world.generate_stories(task, 300, 2, "test"):
            frames |= {
                w.lower() for line in story.lines for w in re.findall(r"\b[a-z]+\b", line.text)
            }
    assert not frames & set(seen) - _BABI_WORDS


_BABI_WORDS = {w.lower() for w in (*words.FEMALE, *words.MALE, *words.PLACES, *words.OBJECTS)}
_BABI_WORDS |= {*everyday_words.OLD_CONTAINERS, *everyday_words.OLD_COLOURS}
_BABI_WORDS |= {*everyday_words.OLD_KINDS, *everyday_words.OLD_KINDS.values()}


def test_each_kind_s_plural_is_the_one_the_reader_reads():
    for kind, plural in everyday_words.EXTRA_KINDS.items():
        assert (rule_reader.singular(plural), rule_reader.plural(kind)) == (kind, plural)


@pytest.mark.parametrize("split", ["train", "test"])
def test_held_out_words_are_told_in_test_stories_only(split):
    held = {
        *everyday_words.EXTRA_FEMALE[-20:], *everyday_words.EXTRA_MALE[-20:],
        *everyday_words.EXTRA_PLACES[-12:], *everyday_words.EXTRA_OBJECTS[-14:],
        *everyday_words.CONTAINERS[-4:], *everyday_words.EXTRA_COLOURS[-4:],
        *list(everyday_words.EXTRA_KINDS)[-8:],
    }  # fmt: skip
    met = set()
    for task in (1, 2, 15, 16, 18, world.MIX):
        for story in world.generate_stories(task, 1000, 5, split, "everyday"):
            met |= {w for line in story.lines for w in re.findall("[A-Za-z]+", line.text)}
    roles = world.word_roles()[0]
    assert not held & set(roles) and not {w.lower() for w in held} & set(roles)
    if split == "test":
        assert len(held & met) > len(held) // 2
    else:
        assert not held & met


def test_stories_are_told_with_the_wider_words_and_their_questions_answered():
    lists = everyday_words.lists("train")
    met = set()
    for task in (1, 2, 15, 16, 18):
        for story in world.generate_stories(task, 800, 6, "train", "everyday"):
            told = []
            for line in story.lines:
                met |= set(re.findall("[A-Za-z]+", line.text))
                if isinstance(line, Question):
                    assert yesno.answer(told, line.text) == line.answer, (told, line)
                else:
                    told.append(line.text)
    for name, new in [
        ("female", everyday_words.EXTRA_FEMALE), ("male", everyday_words.EXTRA_MALE),
        ("places", everyday_words.EXTRA_PLACES), ("objects", everyday_words.EXTRA_OBJECTS),
        ("containers", everyday_words.CONTAINERS), ("kinds", everyday_words.EXTRA_KINDS),
        ("colours", everyday_words.EXTRA_COLOURS),
    ]:  # fmt: skip
        assert len(met & set(new) & set(lists[name])) >= 3, name
    roles = world.word_roles()[0]
    assert {roles[w] for w in ("kwame", "attic", "wardrobe", "dog", "dogs", "purple")} == {
        "NAME", "PLACE", "OBJECT", "KIND", "COLOUR",
    }  # fmt: skip
