"""The training data: reading, splitting, sizing and encoding it, before any Keras.

`prepare(data, settings, valid, ...)` reads the stories (files, folders or the built-in
`generated` stories), holds out validation stories (whole stories, never single questions: the
questions of a story share its sentences), builds the vocabulary, answer set and model sizes
from the training data and encodes both parts as arrays. `fingerprint` says what a resumed run
must match. Nothing here imports TensorFlow or Keras, so it loads and tests fast.
"""

import hashlib
import json
import random
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from chatbot.config import ModelConfig, TrainConfig
from chatbot.errors import A_VALID_FILE, OR_A_VALID_FILE, ChatbotError, Message, UsageError
from chatbot.reading.features import encode_examples
from chatbot.reading.lexicon import SLOT_TOKENS, Lexicon
from chatbot.stories import babi, world
from chatbot.text import RESERVED, UNKNOWN_ID, Vocabulary, tokenize

GENERATED = "generated"  # the DATA word for the built-in stories
INVENTORY_EPOCHS = 3  # epochs of fresh stories whose words and shapes the model is sized for


@dataclass
class Data:
    stories: list  # babi.Story
    sources: list[dict]  # for metadata: {"path", "sha256"} or the generated set's description


@dataclass
class Prepared:
    """Everything training needs before Keras: the data, split, sized and encoded."""

    training: Data
    validation: Data
    train_examples: list
    valid_examples: list  # all of them: the final score counts every validation question
    vocabulary: Vocabulary
    answers: list[str]
    config: ModelConfig
    train_arrays: dict
    valid_arrays: dict  # only questions with an answer seen in training: the loss needs one
    overlap: dict[str, int]
    unknown_answers: int  # validation questions whose answer never occurs in training
    lexicon: Lexicon  # the roles of words and the shapes met in training
    settings: TrainConfig | None = None  # set where each epoch trains on fresh stories
    start_weights: "StartWeights | None" = None  # the trained model's, with `--start-from`

    def arrays_of(self, epoch: int) -> dict:
        """The training arrays of an epoch (0-based): the same every epoch, or, for the
        built-in stories with `fresh_stories`, new stories seeded by the epoch (epoch 0 being
        `train_arrays`), so that a resumed run sees exactly the stories it would have seen."""
        if self.settings is None or epoch == 0:
            return self.train_arrays
        examples = _fresh_examples(self.settings, epoch)
        numbering = random.Random(f"{self.settings.seed}/{epoch}")
        return encode_examples(
            examples, self.vocabulary, self.answers, self.config, self.lexicon, numbering,
            materialize=False,
        )  # fmt: skip


def prepare(data, settings: TrainConfig, valid, model_options: dict, report) -> Prepared:
    """Read and split the data, size the model, encode the arrays: everything before Keras.

    Args:
        data: bAbI files, folders (their `*_train.txt` files), or `GENERATED`.
        settings: the seed, validation share, memory and generated questions per task.
        valid: validation stories (a file, glob or folder) instead of a held-out share, or None.
        model_options: `ModelConfig` fields to set; the sizes come from the training data.
        report: called with one notice line at a time (sizes, overlap, unseen answers).

    Returns:
        The `Prepared` data.

    Raises:
        ChatbotError: unreadable data, no questions, answers with nothing in common, or no
            validation question with an answer seen in training.
    """
    training = _load_data(data, settings)
    _check_answers(training.stories)
    if valid is not None:
        validation = _load_validation(valid)
    else:
        training, validation = _split(training, settings)
    train_examples = babi.examples_of(training.stories)
    valid_examples = babi.examples_of(validation.stories)

    fresh = settings.fresh_stories and [str(item) for item in data] == [GENERATED]
    # Fresh stories every epoch may use any word and shape of the generator: the vocabulary,
    # the answers and the shapes met come from several epochs' stories, not the first only.
    inventory = train_examples
    if fresh:
        for epoch in range(1, INVENTORY_EPOCHS):
            inventory = inventory + _fresh_examples(settings, epoch)
    lexicon = _lexicon(inventory)
    vocabulary, answers, config = _describe(inventory, lexicon, settings, model_options)
    start_weights = None
    if settings.start_from:
        vocabulary, config, start_weights = _started_from(
            settings.start_from, vocabulary, answers, config
        )
    overlap = _count_overlap(training.stories, validation.stories, train_examples, valid_examples)
    report(
        f"training on {len(train_examples)} questions ({len(training.stories)} stories), "
        f"validating on {len(valid_examples)} ({len(validation.stories)} stories); "
        f"overlap: {overlap['stories']} identical stories, {overlap['questions']} identical "
        "questions"
    )

    # Training numbers each question's people, places and objects at random: no slot may come
    # to mean anything of its own.
    numbering = random.Random(settings.seed)
    train_arrays = encode_examples(
        train_examples, vocabulary, answers, config, lexicon, numbering, materialize=False
    )
    valid_arrays = encode_examples(
        valid_examples, vocabulary, answers, config, lexicon, materialize=False
    )
    valid_arrays, unknown_answers = _scorable(valid_arrays, report)
    return Prepared(
        training, validation, train_examples, valid_examples, vocabulary, answers, config,
        train_arrays, valid_arrays, overlap, unknown_answers, lexicon, settings if fresh else None,
        start_weights,
    )  # fmt: skip


def _scorable(valid_arrays: dict, report) -> tuple[dict, int]:
    """The validation questions the loss can score (their answer occurs in training), and how
    many it cannot."""
    known = valid_arrays["answer"] >= 0
    unknown_answers = int((~known).sum())
    if not known.any():
        raise ChatbotError(
            Message(
                "no validation question has an answer seen in training; ",
                A_VALID_FILE,
                " of the same kind of task as the training data",
            )
        )
    if unknown_answers:
        report(f"{unknown_answers} validation questions have answers never seen in training")
        valid_arrays = {  # per question, all but the table of sentences they index
            name: array if name == "sentences" else array[known]
            for name, array in valid_arrays.items()
        }
    return valid_arrays, unknown_answers


def _load_validation(valid) -> Data:
    """The validation stories of a `valid` path: a folder means its validation files."""
    files = babi.expand_paths([valid], "*_valid.txt")  # a file or a glob is read as given
    stories = [story for file in files for story in babi.read_stories(file)]
    if not any(story.questions for story in stories):
        raise ChatbotError(f"validation file {valid} holds no questions")
    return Data(stories, [_file_source(file) for file in files])


def _file_source(path: Path) -> dict:
    return {"path": str(path), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


def _load_data(data, settings: TrainConfig) -> Data:
    """Read the DATA arguments: files and folders through `babi`, `generated` through `world`."""
    stories, sources = [], []
    paths = [item for item in data if str(item) != GENERATED]
    if len(paths) < len(data):
        generated = _generated(settings, settings.seed)
        stories += generated
        text = babi.format_stories(generated).encode("utf-8")
        shares = world.TRAINING_SHARES
        sources.append(
            {
                "path": GENERATED,
                "tasks": [str(task) for task in shares],
                "questions_per_task": settings.generated_questions,
                "shares": {str(task): share for task, share in shares.items()},
                "seed": settings.seed,
                "fresh_stories": settings.fresh_stories,
                "wordings": settings.wordings,
                "sha256": hashlib.sha256(text).hexdigest(),
            }
        )
    if paths:
        files = babi.expand_paths(paths)
        for file in files:
            stories += babi.read_stories(file)
            sources.append(_file_source(file))
    if not any(story.questions for story in stories):
        raise ChatbotError(
            f"{' '.join(str(item) for item in data)} holds no questions; "
            "give bAbI files with question lines"
        )
    return Data(stories, sources)


def _generated(settings: TrainConfig, seed: int) -> list:
    """The built-in stories of every task, each task's questions by its training share."""
    stories = []
    for task, share in world.TRAINING_SHARES.items():
        questions = max(1, round(share * settings.generated_questions))
        stories += world.generate_stories(task, questions, seed, wordings=settings.wordings)
    return stories


def _fresh_examples(settings: TrainConfig, epoch: int) -> list:
    """An epoch's fresh built-in training questions: the stories of a seed of its own, less
    the share validation would hold out (so every epoch has about as many questions)."""
    stories = _generated(settings, settings.seed + (epoch << 32))
    training, _ = split_by_story(stories, settings.validation_split, settings.seed + epoch)
    return babi.examples_of(training)


def split_by_story(stories: list, share: float, seed: int) -> tuple[list, list]:
    """Hold out whole stories for validation, never single questions.

    Args:
        stories: `babi.Story`s; only stories with questions are held out.
        share: the share of those stories to hold out (at least one, never all).
        seed: which stories; the same seed holds out the same ones.

    Returns:
        (training stories, validation stories), each in the original order.

    Raises:
        ChatbotError: fewer than two stories with questions.
    """
    with_questions = [index for index, story in enumerate(stories) if story.questions]
    if len(with_questions) < 2:
        raise ChatbotError(
            Message(
                "need at least two stories with questions to hold one out for validation; "
                "give more data ",
                OR_A_VALID_FILE,
            )
        )
    held = min(max(1, round(share * len(with_questions))), len(with_questions) - 1)
    chosen = set(np.random.default_rng(seed).permutation(with_questions)[:held].tolist())
    training = [story for index, story in enumerate(stories) if index not in chosen]
    validation = [story for index, story in enumerate(stories) if index in chosen]
    return training, validation


def _split(data: Data, settings: TrainConfig) -> tuple[Data, Data]:
    training, validation = split_by_story(data.stories, settings.validation_split, settings.seed)
    split = {"split": settings.validation_split, "by": "story", "seed": settings.seed}
    return Data(training, data.sources), Data(validation, [split])


def _check_answers(stories) -> None:
    """Reject data whose parts share no answer: one model cannot learn two unrelated tasks."""
    answers_of: dict[str, set[str]] = {}
    sizes: Counter = Counter()
    for story in stories:
        part = story.source or story.task or "data"  # a file, or a generated task
        for question in story.questions:
            answers_of.setdefault(part, set()).add(question.answer)
            sizes[part] += 1
    for name in sorted(answers_of, key=sizes.get):  # name the odd one out: the smaller part
        answers = answers_of[name]
        others = set().union(*(other for key, other in answers_of.items() if key != name))
        if len(answers_of) > 1 and not answers & others:
            mine, theirs = ", ".join(sorted(answers)[:4]), ", ".join(sorted(others)[:4])
            raise ChatbotError(
                f"{name} shares no answer with the rest of the data ({mine} vs {theirs}); "
                "train on tasks of one kind, e.g. the yes/no tasks 6, 9, 10, 17, 18"
            )


def _lexicon(examples) -> Lexicon:
    """The generator's word roles, and the shapes of the training sentences and questions."""
    sentences = sorted({text for example in examples for text in example.story})
    questions = sorted({example.question for example in examples})
    return Lexicon.of_world().learn_shapes(sentences, questions)


def _describe(examples, lexicon: Lexicon, settings: TrainConfig, model_options: dict):
    """Vocabulary, answer set and model sizes, all from the training data.

    The vocabulary holds the training words but names, places and objects, which the model
    reads as their story's slots, and every slot.
    """
    sentences = {text for example in examples for text in example.story}
    questions = {example.question for example in examples}
    words = {word for text in sentences | questions for word in tokenize(text)}
    anonymised = set(lexicon.roles) - lexicon.kept
    vocabulary = Vocabulary(sorted(words - anonymised) + list(SLOT_TOKENS))
    answers = sorted({example.answer for example in examples})
    sized = {
        "vocabulary_size": len(vocabulary),
        "answer_count": len(answers),
        "max_sentences": _memory(examples, settings, model_options),
        "max_words": max((len(tokenize(text)) for text in sentences), default=1),
        "max_question_words": max(len(tokenize(text)) for text in questions),
    }
    sized = {name: max(1, value) for name, value in sized.items()}
    unknown = set(model_options) - set(ModelConfig.__dataclass_fields__)
    if unknown or set(model_options) & set(sized):
        settable = sorted(set(ModelConfig.__dataclass_fields__) - set(sized))
        raise UsageError(
            f"model options can set {', '.join(settable)}; received {sorted(model_options)}"
        )
    return vocabulary, answers, ModelConfig(**sized, **model_options)


def _memory(examples, settings: TrainConfig, model_options: dict) -> int:
    """The sentences a question sees. Our networks' memory has no weight per slot, so they read
    `settings.memory` sentences whatever the longest story of training (sentence ages beyond it
    share its age bucket); the tutorial's network has a slot each, sized to the data."""
    longest = max(len(example.story) for example in examples)
    tutorial = model_options.get("architecture") == "tutorial"
    return min(settings.memory, longest) if tutorial else settings.memory


def _started_from(folder: str, vocabulary, answers, config: ModelConfig):
    """The vocabulary, sizes and weights of the model folder a run starts from
    (`--start-from`), which must read everything this run's data holds with the same network."""
    from chatbot.network.folder import load_model_dir

    trained = load_model_dir(folder)
    larger = [
        name
        for name in ("max_words", "max_question_words")
        if getattr(config, name) > getattr(trained.config, name)
    ]
    network = ("architecture", "embedding_dim", "hidden_dim", "blocks", "heads", "steps")
    other = [name for name in network if getattr(config, name) != getattr(trained.config, name)]
    if trained.answers != answers or larger or other:
        differs = (
            f"this run's answers are {answers}, not {trained.answers}"
            if trained.answers != answers
            else f"this run's data has longer texts ({', '.join(larger)})"
            if larger
            else f"its network has another {', '.join(other)}"
        )
        raise ChatbotError(
            f"--start-from {folder}: {differs}; start from a model trained on the same kind of "
            "data with the same network, or leave --start-from out"
        )
    # Words this run's data adds get fresh rows of their own (`StartWeights.carried`).
    words = set(vocabulary.words) | set(trained.vocabulary.words)
    merged = Vocabulary(sorted(words - set(SLOT_TOKENS)) + list(SLOT_TOKENS))
    sized = replace(trained.config, temperature=1.0, form_temperatures={})
    sized = replace(sized, max_sentences=config.max_sentences, vocabulary_size=len(merged))
    rows = np.array([trained.vocabulary.encode([word])[0][0] for word in RESERVED + merged.words])
    rows[len(RESERVED) :][rows[len(RESERVED) :] == UNKNOWN_ID] = -1  # a word it never saw
    return merged, sized, StartWeights(trained.model.get_weights(), rows)


@dataclass
class StartWeights:
    """A trained model's weights and, for each word id of this run, the id of that word in the
    trained model's vocabulary (-1 for a word it never saw)."""

    weights: list
    rows: np.ndarray

    def carried(self, fresh: list) -> list:
        """The trained weights in a fresh model's shapes. A weight with an axis by word (the
        word tables, the step network's word links) keeps each known word's trained values and
        gives a new word its fresh ones.

        >>> table = np.arange(4.0).reshape(2, 2)  # two words
        >>> StartWeights([table, np.ones(2)], np.array([1, 0, -1])).carried(
        ...     [np.zeros((3, 2)), np.zeros(2)])[0].tolist()
        [[2.0, 3.0], [0.0, 1.0], [0.0, 0.0]]
        """
        known = self.rows >= 0
        carried = []
        for trained, new in zip(self.weights, fresh, strict=True):
            if trained.shape != new.shape:  # the one axis by word
                axis = next(a for a, size in enumerate(new.shape) if size != trained.shape[a])
                new, at = new.copy(), [slice(None)] * new.ndim
                at[axis] = known
                new[tuple(at)] = np.take(trained, self.rows[known], axis=axis)
                trained = new
            carried.append(trained)
        return carried


def _story_key(story) -> tuple:
    return tuple(
        (line.text, line.answer) if isinstance(line, babi.Question) else line.text
        for line in story.lines
    )


def count_overlap(train_stories: list, valid_stories: list) -> dict[str, int]:
    """How much of the validation data occurs, word for word, in the training data.

    Returns:
        {"stories": validation stories identical to a training story, "questions": validation
        questions whose story so far and question text both occur in training}.
    """
    return _count_overlap(
        train_stories, valid_stories, babi.examples_of(train_stories),
        babi.examples_of(valid_stories),
    )  # fmt: skip


def _count_overlap(train_stories, valid_stories, train_examples, valid_examples) -> dict:
    train_keys = {_story_key(story) for story in train_stories}
    seen = {(example.story, example.question) for example in train_examples}
    return {
        "stories": sum(_story_key(story) in train_keys for story in valid_stories),
        "questions": sum((example.story, example.question) in seen for example in valid_examples),
    }


def fingerprint(prepared: Prepared, settings: TrainConfig) -> str:
    """What a checkpoint must match to be resumed: data, validation, settings but epochs."""
    described = {
        "training": prepared.training.sources,
        "validation": prepared.validation.sources,
        "settings": {**settings.to_dict(), "epochs": None},
        "model": prepared.config.to_dict(),
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()


def attention_targets(supporting: np.ndarray) -> np.ndarray:
    """The attention a question should have: spread evenly over its supporting sentences.

    A question with no supporting sentence in memory gets all zeros, which adds no loss.
    """
    supporting = supporting.astype(np.float32)  # (questions, slots)
    return supporting / np.maximum(supporting.sum(axis=1, keepdims=True), 1.0)


def step_targets(order: np.ndarray, steps: int, slots: int) -> np.ndarray:
    """What each reading step should attend to: float32 (questions, steps, slots).

    Step k is pulled towards the k-th supporting sentence in the order the data lists them (the
    order a reader uses them: the drop, then the carrier's move); steps past the last support
    towards the last one; where there are more supports than steps, the last step spreads over
    the rest (counting and lists). A question without supports in memory adds no loss.

    Args:
        order: int (questions, MAX_SUPPORTS), slots of the supports in order, -1 past the last
            (and for supports outside this batch's memory).
        steps: the network's reading steps.
        slots: the memory slots of the batch.

    >>> step_targets(np.array([[4, 1, -1], [0, 1, 2]]), 2, 5).argmax(-1).tolist()
    [[4, 1], [0, 1]]
    >>> step_targets(np.array([[0, 1, 2]]), 2, 3)[0, 1].tolist()
    [0.0, 0.5, 0.5]
    """
    targets = np.zeros((len(order), steps, slots), dtype=np.float32)
    for number, held in enumerate(order):
        held = held[held >= 0]
        for step in range(min(steps, len(held))):
            targets[number, step, held[step]] = 1.0
        if len(held) > steps:  # the last step spreads over the supports left
            targets[number, -1] = 0.0
            targets[number, -1, held[steps - 1 :]] = 1.0 / (len(held) - steps + 1)
        elif 0 < len(held) < steps:  # later steps stay on the last support
            targets[number, len(held) :, held[-1]] = 1.0
    return targets
