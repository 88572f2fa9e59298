"""Answering: a story and a yes/no question in, an `Answer` out.

`Chatbot` is where typed text meets the model. It splits and tokenizes the text, refuses to
guess (words it does not know, questions that are not yes/no, an empty story), runs the model's
compiled inference and turns its probabilities and attention into an `Answer`. It prints
nothing: the REPL and the CLI do. `chat`, `ask` and `evaluate` all answer through it.

It holds the one loaded model (`network.loading`: at once, or in the background with
`Chatbot.load(..., wait=False)`, so a prompt can appear while the person types) and reads every
field from it; the server shares it through `frontends.api.BatchedModel`.
"""

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from chatbot.reading import known_words
from chatbot.reading.lexicon import NAME, SLOT_TOKENS, SLOTS
from chatbot.reading.unread import reason as unread_reason
from chatbot.text import shorten, split_sentences, tokenize
from chatbot.untrusted import MAX_STORY_SENTENCES, shorten_word

# Words that open a yes/no question ("Is Mary in the kitchen?", "Does the box fit ...?").
AUXILIARIES = frozenset(
    ("is", "are", "am", "was", "were", "do", "does", "did", "has", "have", "had", "can", "could")
    + ("will", "would", "shall", "should", "may", "might", "must")
)
# Words that open a question the yes/no models cannot answer ("Where is Mary?").
WH_WORDS = frozenset("where what who whom whose which when why how".split())
YES_NO_ANSWERS = frozenset({"yes", "no", "maybe"})
NOT_YES_NO = 'I answer yes/no questions, which begin with a word like "is" or "does"'
EXAMPLE_QUESTION = '"Is Mary in the kitchen?"'
CLOSEST_SHOWN = 3  # known words offered for each unknown one
MOST_DESCRIBED = 5  # unknown words named in a reason; the rest are counted
LEFT_OUT = "I left that sentence out of the story"
CROWDED = (
    f"names one person, place or object more than the {SLOTS} of each kind I tell apart in one "
    "story"
)


@dataclass(frozen=True)
class Answer:
    label: str | None  # "yes" / "no" / "maybe"; None when it cannot answer
    confidence: float  # probability of the label, 0-1 (0.0 when None)
    support: tuple[tuple[str, float], ...]  # (sentence, attention weight), highest first
    unknown_words: tuple[str, ...]  # words of the question or the remembered story not known
    reason: str | None  # why it cannot answer; None when answered
    truncated: int  # oldest sentences dropped: the story exceeds the memory
    left_out: tuple[str, ...] = ()  # story sentences of a shape it does not understand
    # Per reading step, in order, its (sentence, weight) like `support`; the last step is
    # `support`. Empty when it cannot answer.
    steps: tuple[tuple[tuple[str, float], ...], ...] = ()

    def to_json(self) -> dict:
        """The answer as `chatbot ask --json` prints it (`answer` is null when it cannot answer)."""
        return {
            "answer": self.label,
            "confidence": round(self.confidence, 4),
            "support": [
                {"sentence": sentence, "weight": round(weight, 4)}
                for sentence, weight in self.support
            ],
            "unknown_words": list(self.unknown_words),
            "reason": self.reason,
            "left_out": list(self.left_out),
            "steps": [
                [{"sentence": sentence, "weight": round(weight, 4)} for sentence, weight in step]
                for step in self.steps
            ],
        }


@dataclass(frozen=True)
class Read:
    """A story and question as `Chatbot.read_question` reads them: the network's inputs and
    what the answer's wording needs."""

    sentences: tuple[str, ...]  # the story's sentences, oldest first
    remembered: tuple[str, ...]  # those in the memory, oldest first (the last slots)
    forgotten: tuple[str, ...]  # kept sentences older than the memory holds
    left: tuple[str, ...]  # sentences of a shape it never met, left out
    unknown: tuple[str, ...]  # words it cannot read
    story: object  # int32 (slots, words): the memory, newest sentence last
    question: object  # int32 (question words,)
    reason: str | None  # why it will not answer; None when it will

    @property
    def truncated(self) -> int:
        """How many of the oldest kept sentences did not fit in the memory."""
        return len(self.forgotten)


def is_question(text: str) -> bool:
    """Whether a typed sentence is a question: it ends in "?" or opens with a question word.

    >>> is_question("is mary in the kitchen"), is_question("Mary went home.")
    (True, False)
    """
    if text.rstrip().endswith("?"):
        return True
    words = tokenize(text)
    return bool(words) and (words[0] in AUXILIARIES or words[0] in WH_WORDS)


def as_sentences(story: str | Sequence[str]) -> list[str]:
    """A story as its sentences: typed text is split, a sequence is taken as it is."""
    if isinstance(story, str):
        return split_sentences(story, limit=MAX_STORY_SENTENCES)
    return [sentence for sentence in story if sentence.strip()]


class Chatbot:
    """Answers yes/no questions about a story with a trained model.

    Args:
        model: the one loaded model, shared with every other caller: a `ModelBundle`, a
            stand-in with its fields and `predict` (`frontends.api.BatchedModel`), or a
            `network.loading.LoadingModel` whose network still loads; `answer` waits for it.
    """

    def __init__(self, model):
        self.model = model
        # Words it reads: its vocabulary but the slots, and the names, places, things it knows.
        words = {w for w in model.vocabulary.words if w not in SLOT_TOKENS}
        self._known = tuple(sorted(words | set(model.lexicon.roles)))

    @classmethod
    def load(cls, model_dir=None, wait: bool = True, conversation: bool = False) -> "Chatbot":
        """Load a model folder.

        Args:
            model_dir: the folder; None means the shipped default model.
            wait: False reads only the vocabulary and sizes now and loads and warms up the
                model in a background thread; `answer` waits for it.
            conversation: answers come one at a time, as a person types them: compile calls of
                fixed shapes for them in the background (`ModelBundle.prepare_conversation`).

        Returns:
            The bot.

        Raises:
            ChatbotError: the folder or one of its files is missing or damaged.
        """
        from chatbot.network.loading import LoadingModel, load_quietly

        if not wait:
            return cls(LoadingModel(model_dir, conversation))
        bundle = load_quietly(model_dir)
        if conversation:
            bundle.prepare_conversation()
        return cls(bundle)

    def wait_until_loaded(self, raise_error: bool = True) -> None:
        """Wait for a background load to end; re-raise its error (as a ChatbotError) if asked."""
        if hasattr(self.model, "wait"):
            self.model.wait(raise_error)

    @property
    def bundle(self):
        """The loaded `ModelBundle` (or its stand-in); waits for a background load."""
        return getattr(self.model, "bundle", self.model)

    @property
    def vocabulary(self):
        """The model's `Vocabulary`."""
        return self.model.vocabulary

    @property
    def config(self):
        """The model's `ModelConfig` (memory and sentence sizes)."""
        return self.model.config

    @property
    def answers(self) -> list[str]:
        """The answer set, in the order of the model's outputs."""
        return list(self.model.answers)

    @property
    def lexicon(self):
        """The model's `Lexicon`: word roles and the shapes it understands."""
        return self.model.lexicon

    @property
    def known_words(self) -> tuple[str, ...]:
        """Every word the model knows, for completion."""
        return self._known

    @property
    def words(self) -> str:
        """The words it knows, by role, as `:help words` prints them."""
        return known_words.listing(self.lexicon, self.vocabulary.words)

    @property
    def forms(self) -> tuple[str, ...]:
        """An example of each question shape it understands, shortest first."""
        return self.lexicon.forms

    @property
    def memory(self) -> int:
        """How many of the newest sentences a question can see."""
        return self.config.max_sentences

    @property
    def yes_no(self) -> bool:
        """Whether the model answers only yes / no / maybe (so other questions are refused)."""
        return set(self.answers) <= YES_NO_ANSWERS

    def read(self, sentences: Sequence[str], questions: Sequence[str] = (), unreadable=()):
        """The `lexicon.Reading` of a story and questions (`unreadable`: sentences left out)."""
        return self.lexicon.read(sentences, questions, self.vocabulary.words, None, unreadable)

    def unknown_words(self, text: str) -> tuple[str, ...]:
        """The words of `text` the model cannot read (a new name it can), each once, in order."""
        if is_question(text):
            return self.read([], [text]).unknown
        return self.read([text]).unknown

    def describe_unknown(self, words: Sequence[str]) -> str:
        """Name each unknown word (the first `MOST_DESCRIBED`, then how many more) with the
        closest known ones, as one sentence; finding the closest costs each word a pass over
        every known word, so a story of thousands of new words costs no more than five."""
        parts = []
        for word in words[:MOST_DESCRIBED]:
            closest = difflib.get_close_matches(word, self._known, n=CLOSEST_SHOWN)
            hint = f" (closest: {', '.join(closest)})" if closest else ""
            parts.append(f'"{shorten_word(word)}"{hint}')
        if len(parts) == 1:
            return f"I don't know the word {parts[0]}"
        if len(words) > MOST_DESCRIBED:
            return f"I don't know the words {', '.join(parts)} and {len(words) - len(parts):,} more"
        return f"I don't know the words {', '.join(parts[:-1])} and {parts[-1]}"

    def too_long(self, sentence: str) -> str | None:
        """Why a story sentence is too long for the model's memory slots, or None."""
        count = len(tokenize(sentence))
        if count <= self.config.max_words:
            return None
        return (
            f'"{shorten(sentence, 40)}" has {count} words and I read at most '
            f"{self.config.max_words} per sentence; split it into shorter sentences"
        )

    def check_statement(self, sentence: str, story: Sequence[str] = ()) -> str | None:
        """Why a sentence cannot go into a story (unknown words or shape, too long, one name too
        many after `story`), or None."""
        reading = self.read([sentence])
        if reading.unknown:
            return self.describe_unknown(reading.unknown)
        if reading.left_out:
            return self.strange(sentence, self.lexicon.sentence_shapes, "sentences")
        if story and len(story) in self.read([*story, sentence]).left_out:
            return f'"{shorten(sentence, 60)}" {CROWDED}'
        return self.too_long(sentence)

    def crowded_out(self, sentences: Sequence[str]) -> tuple[int, ...]:
        """The sentences (by index) it would leave out of a story whose every sentence passes
        `check_statement` alone: those naming one person, place or object too many."""
        return self.read(sentences).left_out

    def strange(self, text: str, shapes: dict, what: str, roles: dict | None = None) -> str:
        """Why a text of a shape never met is not read, with an example of the nearest shape.

        `roles`: the roles its words have in the story (a new name placed there), if known.
        """
        roles = {**self.read([text], [text]).roles, **(roles or {})}
        shape = self.lexicon.shape(tokenize(text), roles).split()

        def likeness(known: str) -> tuple[float, int]:  # shared words, then the shorter shape
            words = known.split()
            return difflib.SequenceMatcher(None, shape, words).ratio(), -len(words)

        nearest = max(shapes, key=likeness, default=None)
        example = f'; I understand {what} like "{shapes[nearest]}"' if nearest else ""
        return f'I don\'t understand {what} like "{shorten(text, 60)}"{example}'

    def left_out_notice(self, sentence: str) -> str:
        """The notice for a story sentence it leaves out: of a shape it never met, or naming one
        person, place or object too many."""
        if not self.read([sentence]).left_out:  # a shape it knows: it was one name too many
            return f'"{shorten(sentence, 60)}" {CROWDED}; {LEFT_OUT}'
        return f"{self.strange(sentence, self.lexicon.sentence_shapes, 'sentences')}; {LEFT_OUT}"

    def answer(self, story: str | Sequence[str], question: str, unreadable=()) -> Answer:
        """Answer a question about a story, or say why not, in three steps: read the story and
        question, run the network, word the answer.

        Args:
            story: typed text (split into sentences) or the sentences, oldest first. Only the
                newest `memory` sentences are seen; the rest are counted in `truncated`.
            question: a yes/no question; case and punctuation do not matter.
            unreadable: indices of sentences the caller left out (unknown words in chat).

        Returns:
            The `Answer`; `label` is None, with a `reason`, when the bot will not guess.
        """
        import numpy as np

        read = self.read_question(story, question, unreadable)
        if read.reason is not None:
            support = tuple((sentence, 0.0) for sentence in read.sentences)
            return Answer(None, 0.0, support, read.unknown, read.reason, read.truncated, read.left)
        probabilities, _, steps = self.bundle.predict_steps(read.story[None], read.question[None])
        return self.word(read, np.asarray(probabilities)[0], np.asarray(steps)[0])

    def read_question(self, story: str | Sequence[str], question: str, unreadable=()) -> "Read":
        """Step 1: the story and question read through the lexicon into the network's inputs,
        with the reason it will not answer, if any."""
        from chatbot.reading.features import encode_question, encode_story

        config = self.config
        sentences = as_sentences(story)
        reading = self.read(sentences, [question], unreadable)
        left_out = set(reading.left_out)
        kept = [index for index in range(len(sentences)) if index not in left_out]
        encoded = encode_story(
            [reading.sentences[index] for index in kept],
            self.vocabulary,
            config.max_sentences,
            config.max_words,
        )
        truncated = encoded.truncated
        remembered = [sentences[index] for index in kept[truncated:]]
        question_ids, question_unknown = encode_question(
            reading.questions[0], self.vocabulary, config.max_question_words
        )
        # Words read but missing from the vocabulary (a kept place it never met) are unknown too,
        # as `evaluate` counts them.
        unknown = tuple(dict.fromkeys(reading.unknown + encoded.unknown_words + question_unknown))
        return Read(
            sentences=tuple(sentences),
            remembered=tuple(remembered),
            forgotten=tuple(sentences[index] for index in kept[:truncated]),
            left=tuple(sentences[index] for index in reading.left_out),
            unknown=unknown,
            story=encoded.ids,
            question=question_ids,
            reason=self._refusal(question, reading, unknown, remembered, encoded.cut_words)
            or unread_reason(sentences, reading.unread[0], reading.roles, self.lexicon.classes),
        )

    def word(self, read: "Read", probabilities, steps) -> Answer:
        """Step 3: the network's outputs for one question, (answers,) and each reading step's
        attention (steps, slots), as an `Answer`: the likeliest label and the sentences it
        rests on, highest weight first, at each step."""
        best = int(probabilities.argmax())
        steps = [self._weighted(read, attention) for attention in steps]
        return Answer(
            label=self.answers[best],
            confidence=float(probabilities[best]),
            support=steps[-1],
            unknown_words=(),
            reason=None,
            truncated=read.truncated,
            left_out=read.left,
            steps=tuple(steps),
        )

    @staticmethod
    def _weighted(read: "Read", attention) -> tuple[tuple[str, float], ...]:
        """One attention over the slots as (sentence, weight), highest first, forgotten last."""
        # Right-aligned memory: the remembered sentences fill the last slots, oldest first.
        weights = [float(weight) for weight in attention[len(attention) - len(read.remembered) :]]
        support = sorted(zip(read.remembered, weights, strict=True), key=lambda pair: -pair[1])
        return tuple(support + [(sentence, 0.0) for sentence in read.forgotten])

    def _refusal(self, question: str, reading, unknown, remembered, cut_words) -> str | None:
        """Why the bot will not answer this question about this story, or None."""
        question_words = tokenize(question)
        if not question_words:
            return f"there is no question in that; ask like {EXAMPLE_QUESTION}"
        if self.yes_no and question_words[0] in WH_WORDS:
            return (
                f'I answer yes/no questions, like {EXAMPLE_QUESTION}, not "{question_words[0]}" '
                "questions"
            )
        if self.yes_no and question_words[0] not in AUXILIARIES:
            return f"{NOT_YES_NO} (as in {EXAMPLE_QUESTION})"
        if reading.crowded[0]:  # before `unknown`: its words have no slot, so no token either
            return f"the question {CROWDED}; ask about someone or something named earlier"
        if unknown:
            return self.describe_unknown(unknown)
        if len(question_words) > self.config.max_question_words:
            return (
                f"the question has {len(question_words)} words and I read at most "
                f"{self.config.max_question_words}; ask it shorter"
            )
        if cut_words:
            return next(filter(None, map(self.too_long, remembered)))
        if reading.strange[0]:
            shapes = self.lexicon.question_shapes
            return self.strange(question, shapes, "questions", reading.roles)
        if not remembered and not reading.unread[0]:
            return 'the story is empty; tell me one first, like "Mary went to the kitchen."'
        if reading.unmentioned[0] and not reading.unread[0]:
            words = " or ".join(
                f'"{shorten_word(word.capitalize() if reading.roles[word] == NAME else word)}"'
                for word in reading.unmentioned[0]
            )
            return f"the story never mentions {words}; ask about someone or something in it"
        return None
