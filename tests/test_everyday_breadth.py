"""Issue 20's breadth: each wording of world/phrasings.py, as the generator says it, is read
back by the rule reader (stories.sentence_forms, stories.yesno) as the fact it tells."""

import pytest

from chatbot.stories import world, yesno
from chatbot.stories.babi import Question, Sentence
from chatbot.stories.sentence_forms import parse
from chatbot.stories.world import phrasings

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
        for story in world.generate_stories(task, 3000, 11, "train", "everyday"):
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
