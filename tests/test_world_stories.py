"""Tests of the stories of all twenty tasks and of the mixed stories (chatbot/stories/world/).

Every generated answer is confirmed by a reader that reads only the written text and imports
nothing from the generator: chatbot.stories.yesno, the reader `chatbot convert` answers from, which
agrees with every question of every real bAbI training file asked in its yes form
(tests/test_convert.py), so it reads stories as bAbI means them.
"""

import re
from collections import Counter

import pytest

from chatbot.cli import main
from chatbot.stories import world, yesno
from chatbot.stories.babi import Question, Sentence, Story, read_stories, write_stories
from chatbot.stories.world import words
from chatbot.text import tokenize

EVERYTHING = (*world.TASKS, world.MIX)
QUESTIONS = 1000  # per task in the train files here; valid and test get 100


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Files of all twenty tasks and the mixed stories, seed 0."""
    folder = tmp_path_factory.mktemp("generated")
    world.generate_files(folder, questions=QUESTIONS, seed=0, tasks=EVERYTHING)
    return folder


@pytest.fixture(scope="module")
def mixed():
    """Mixed stories of 10,000 questions, seed 0."""
    return world.generate_stories(world.MIX, 10_000, seed=0)


def stories_of(folder, task, split="train"):
    return read_stories(folder / world.file_name(task, split))


def real_files(shared_babi, task):
    return sorted(shared_babi.glob(f"en*/qa{task}_*_train.txt"))


# ---- answers ------------------------------------------------------------------------------------


def asked_after(story):
    """(question, the sentences told before it) for each question of a story, in order."""
    told = []
    for line in story.lines:
        if isinstance(line, Question):
            yield line, list(told)
        else:
            told.append(line.text)


def yesno_answers(story):
    """(question, the reader's answer) for each question of a story, reading only its text."""
    return [(question, yesno.answer(told, question.text)) for question, told in asked_after(story)]


@pytest.mark.parametrize("task", EVERYTHING)
def test_every_generated_answer_agrees_with_the_independent_reader(generated, task):
    """chatbot.stories.yesno (the reader `chatbot convert` answers from) imports nothing from the
    generator, and agrees with every real bAbI training question (tests/test_convert.py)."""
    checked = 0
    for split in world.SPLITS:
        for story in stories_of(generated, task, split):
            for question, answer in yesno_answers(story):
                assert answer == question.answer, (split, story.line, question)
                checked += 1
    assert checked == QUESTIONS * 12 // 10


def test_is_x_not_in_the_p_swaps_yes_and_no_and_keeps_maybe(generated):
    answers = Counter()
    for story in stories_of(generated, world.MIX):
        for question, answer in yesno_answers(story):
            if " not in the " in question.text:
                answers[answer] += 1
    assert answers["yes"] > 10 and answers["no"] > 10


# ---- "no" questions and stories as `chatbot convert` and bAbI make them ---------------------


def test_a_wrong_value_is_mostly_one_the_story_names():
    import random

    from chatbot.stories.world.lines import Lines, wrong

    story = Lines()
    story.say("Mary went to the garden.")
    story.say("John picked up the box of chocolates.")
    assert story.names("garden") and story.names("box of chocolates") and story.names("Mary")
    assert not story.names("attic") and not story.names("box of crayons")
    rng = random.Random(0)
    drawn = Counter(wrong(rng, story, ["garden", "attic", "cellar", "office"], "office")
                    for _ in range(1000))  # fmt: skip
    assert set(drawn) == {"garden", "attic", "cellar"}  # never the excluded one
    assert 850 <= drawn["garden"] <= 950  # 85% named, and a third of the rest
    assert wrong(rng, story, ["attic"]) == "attic"  # nothing named: any


def test_no_questions_ask_about_what_the_story_names_and_every_wrong_count(generated):
    named = total = 0
    for story in stories_of(generated, 2):
        for question, told in asked_after(story):
            if question.answer == "no":
                total += 1
                words = {word for sentence in told for word in tokenize(sentence)}
                named += tokenize(question.text)[-1] in words  # "Is the milk in the PLACE?"
    assert named / total > 0.8
    counts = Counter(
        (line.text.split(" carrying ")[1], line.answer)
        for story in stories_of(generated, 7)
        for line in story.questions
        if " objects?" in line.text or " object?" in line.text
    )
    assert counts[("three objects?", "no")] > 50  # as `chatbot convert` asks them


def test_task_3_asks_yes_mostly_about_the_place_just_before(generated):
    from chatbot.stories.rule_reader import Reader

    just_before = yes = 0
    for story in stories_of(generated, 3):
        for question, told in asked_after(story):
            if question.answer != "yes":
                continue
            reader = Reader()
            for sentence in told:
                reader.read(sentence)
            thing, rest = question.text.removeprefix("Was the ").split(" in the ")
            place, last = rest.rstrip("?").split(" before the ")
            history = reader.things[thing].history  # the places it has been, in order
            arrival = len(history) - 1 - history[::-1].index(last)
            yes += 1
            just_before += history[arrival - 1] == place
    assert yes > 100 and 0.7 < just_before / yes < 0.9  # bAbI's answer is the place just before


def test_task_4_has_one_link_stories_and_task_16_asks_anywhere_with_mixed_colours(generated):
    lengths = Counter(len(story.sentences) for story in stories_of(generated, 4))
    assert set(lengths) == {1, 2} and 0.1 < lengths[1] / sum(lengths.values()) < 0.3
    asked_last = two_colours = stories = 0
    for story in stories_of(generated, 16):
        stories += 1
        asked = story.questions[0].text.split()[1]
        asked_last += story.sentences[-1].text.startswith(asked + " ")
        colours = {}
        kinds = {}
        for sentence in story.sentences:
            name, _, what = sentence.text.rstrip(".").split(" ", 2)
            if what.startswith("a "):
                kinds[name] = what[2:]
            else:
                colours[name] = what
        kin = [name for name in colours if kinds[name] == kinds[asked]]
        two_colours += len({colours[name] for name in kin}) > 1
    assert 0.03 < asked_last / stories < 0.6  # told anywhere, last now and then (bAbI: 31%)
    assert two_colours > 0


# ---- like the real files --------------------------------------------------------------------


def template(text: str) -> str:
    """A story sentence with its names, places, objects and shapes taken out."""
    text = re.sub(r"\b([Tt]he) (?:red |blue |pink |yellow )?\w+(?: of chocolates)?", r"\1 O", text)
    return re.sub(
        r"\b(?!(?:The|Then|After|Afterwards|Following|Yesterday|This)\b)[A-Z][a-z]+\b", "X", text
    )


def sentences_of(stories) -> set[str]:
    return {line.text for story in stories for line in story.sentences}


@pytest.mark.parametrize("task", world.TASKS)
def test_every_real_sentence_template_occurs_in_the_task_s_generated_stories(
    shared_babi, generated, task
):
    made = {template(text) for text in sentences_of(stories_of(generated, task))}
    for path in real_files(shared_babi, task):
        real = {template(text) for text in sentences_of(read_stories(path))}
        assert real <= made, (path.name, sorted(real - made))


@pytest.mark.parametrize("task", world.TASKS)
def test_sentence_templates_come_about_as_often_as_in_the_real_files(shared_babi, generated, task):
    real_file = sorted(shared_babi.glob(f"en-10k/qa{task}_*_train.txt")) or real_files(
        shared_babi, task
    )

    def shares(stories):
        counts = Counter(template(line.text) for story in stories for line in story.sentences)
        return {name: count / counts.total() for name, count in counts.items()}

    made = shares(stories_of(generated, task))
    for name, share in shares(read_stories(real_file[0])).items():
        if share >= 0.02:  # rarer ones vary too much in the stories of 1,000 questions
            assert 0.5 * share <= made.get(name, 0) <= 1.5 * share, (name, share, made.get(name))


def test_every_word_of_the_real_stories_occurs_in_the_generated_ones(shared_babi, generated):
    made = set()
    for path in generated.glob("*_train.txt"):
        made |= {word for text in sentences_of(read_stories(path)) for word in tokenize(text)}
    for task in world.TASKS:
        for path in real_files(shared_babi, task):
            real = {word for text in sentences_of(read_stories(path)) for word in tokenize(text)}
            assert real <= made, (path.name, sorted(real - made))


def test_mixed_stories_hold_every_kind_of_sentence(shared_babi, mixed):
    """Every real template of every task occurs in the mixed stories (with other names)."""
    made = {template(text) for text in sentences_of(mixed)}
    for task in world.TASKS:
        for path in real_files(shared_babi, task):
            real = {template(text) for text in sentences_of(read_stories(path))}
            assert real <= made, (path.name, sorted(real - made))


# ---- mixed stories ------------------------------------------------------------------------------


def test_mixed_stories_run_from_1_to_250_sentences_with_questions_far_back(mixed):
    lengths = [len(story.sentences) for story in mixed]
    assert min(lengths) == 1 and max(lengths) == 250
    assert all(story.questions for story in mixed)
    distances = Counter()
    for story in mixed:
        for question in story.questions:
            distances[(question.id - min(question.supporting)) // 50] += 1
    assert distances[0] > distances[1] > 0 and sum(distances[n] for n in (3, 4)) > 20


def test_in_a_mixed_story_one_person_moves_is_hidden_and_carries(mixed):
    """The kinds of sentence are not walled off: one person does several kinds of thing."""
    pattern = re.compile(r"([A-Z][a-z]+) (is either in|picked up|moved to|is not in|gave) ")
    kinds_of = Counter()
    for story in mixed:
        seen = {(match[1], match[2]) for s in story.sentences if (match := pattern.match(s.text))}
        for person in {person for person, _ in seen}:
            kinds_of[sum(who == person for who, _ in seen)] += 1
    assert kinds_of[4] + kinds_of[5] > 0


def test_held_out_names_places_and_objects_appear_only_in_test_files(generated):
    held_out = {
        *words.HELD_OUT_FEMALE,
        *words.HELD_OUT_MALE,
        *words.HELD_OUT_PLACES,
        *words.HELD_OUT_OBJECTS,
    }
    assert len(words.FEMALE + words.MALE) >= 200 and len(words.PLACES) >= 100
    assert len(words.OBJECTS) >= 60
    for path in generated.glob("*.txt"):
        found = {word for word in re.findall(r"[A-Za-z]+", path.read_text()) if word in held_out}
        if path.name.endswith("_test.txt") and path.name.startswith(world.MIX_STEM):
            assert found, path.name
        elif not path.name.endswith("_test.txt"):
            assert not found, (path.name, sorted(found))


# ---- reading and writing long stories -------------------------------------------------------


def test_long_stories_and_questions_go_through_the_reader_writer_and_tokenizer(mixed, tmp_path):
    longest = max(mixed, key=lambda story: len(story.sentences))
    path = tmp_path / f"{world.MIX_STEM}_train.txt"
    write_stories([longest], path)
    (again,) = read_stories(path)
    assert again.lines == longest.lines and len(again.sentences) == 250
    words_in = {len(tokenize(q.text)) for story in mixed for q in story.questions}
    path_question = "Can you get from the office to the garden by going north and then west?"
    assert len(tokenize(path_question)) == 15 and max(words_in) <= 15
    write_stories(
        [
            Story(
                [
                    Sentence(1, "Mary got the milk."),
                    Question(2, "What is Mary carrying?", "apple,milk", (1,)),
                ],
                task="qa8",
            )
        ],
        tmp_path / "qa8_lists-sets_train.txt",
    )
    (listed,) = read_stories(tmp_path / "qa8_lists-sets_train.txt")
    assert listed.questions[0].answer == "apple,milk"


# ---- the command ------------------------------------------------------------------------------


def test_generate_command_writes_any_task_and_the_mixed_stories(tmp_path, capsys):
    main(["generate", "--out", str(tmp_path), "--questions", "10", "--tasks", "20,mix"])
    names = [
        "qa20_agents-motivations_train.txt",
        "qa20_agents-motivations_valid.txt",
        "qa20_agents-motivations_test.txt",
        "mix_stories_train.txt",
        "mix_stories_valid.txt",
        "mix_stories_test.txt",
    ]
    assert capsys.readouterr().out == "".join(f"{tmp_path / name}\n" for name in names)
    # babi.task_of names the mixed stories' task "mix" (their per-task scores go under it).
    assert [story.task for story in read_stories(tmp_path / names[3])][:1] == ["mix"]
    assert [story.task for story in read_stories(tmp_path / names[0])][:1] == ["qa20"]
