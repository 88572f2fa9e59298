"""Names, places and things as per-story slots, and the shapes of sentences and questions.

A name says nothing about what its bearer does, so the model never sees one: "Alice went to the
library." is read as "<name0> went to the <place0>", each story numbering its own people,
places and objects. A word the vocabulary lacks is understood wherever it stands as a name,
place or object stands in some sentence of training ("Alice" above); anywhere else it stays
unknown ("Mary zorped to the kitchen."). Training numbers each story's slots at random, so no
slot means anything of its own. The task-20 places and objects keep their words, because
there they do carry meaning (hungry people go to the kitchen).

Kinds and colours are open too, in a model trained with them as roles (KIND, COLOUR): "Rex is
a dog. Dogs are afraid of cats." reads "<name0> is a <kind0>. <kind0> are afraid of <kind1>."
(a kind and its plural share a slot), and boxes and chests are objects ("the wardrobe"). A
model trained before they were open keeps them as the closed classes they were.

A text's *shape* is its words with names, places, things and the closed word classes
(colours, kinds, moods, directions, shapes, sizes) set aside: "Is Mary in the kitchen?" has
the shape "is NAME in the PLACE". The `Lexicon` saved with a model holds the roles of the words
it was trained with and the shapes it met, so a question of another shape is refused rather
than guessed.
"""

import functools
import json
import random
from collections import ChainMap
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from chatbot.errors import ChatbotError
from chatbot.reading.new_words import place_new, read_joined
from chatbot.reading.shapes import SentenceShapes, joined_flag
from chatbot.reading.slots import (  # noqa: F401  (the lexicon's public names too)
    COLOUR,
    KIND,
    NAME,
    OBJECT,
    PLACE,
    ROLE_OF_SLOT,
    ROLE_SLOTS,
    ROLES,
    SLOT_TOKENS,
    SLOTS,
    anonymise,
    numbering,
    slot,
)
from chatbot.reading.slots import crowded as crowded_texts
from chatbot.reading.unread import needed_unread
from chatbot.text import tokenize
from chatbot.untrusted import printable

LEXICON_FORMAT = "chatbot-lexicon"
CACHED_SHAPES = 20_000  # texts whose shape check is remembered, per kind (sentence, question)
# What a lexicon.json may hold: far above any model's (the shipped one: 338 roles, 158 shapes),
# low enough that reading it and looking words up in it stays quick.
MAX_LEXICON_ENTRIES = 50_000


@dataclass(frozen=True)
class Reading:
    """A story and its questions as the model reads them, and what could not be read."""

    sentences: tuple[tuple[str, ...], ...]  # per sentence its tokens, entities as slots
    questions: tuple[tuple[str, ...], ...]
    unknown: tuple[str, ...]  # words it could not place in any role, each once
    near_misses: tuple[str, ...]  # unknown words one edit from a known word ("kitchn")
    roles: dict = field(default_factory=dict)  # every entity word -> its role
    left_out: tuple[int, ...] = ()  # of a shape never met (no unknowns), or the caller left out
    strange: tuple[bool, ...] = ()  # per question: its shape was never met in training
    # Per question: its subject, when a new word (not in the lexicon) names a person or thing
    # the story never mentions ("Is Zorblax in the kitchen?"). Known ones are answered, as in
    # training, where "Is Sandra carrying the milk?" may ask about milk of no story (no).
    unmentioned: tuple[tuple[str, ...], ...] = ()
    # Per question: it names a person, place or object past the slots of its kind.
    crowded: tuple[bool, ...] = ()
    # Per question: (a left-out sentence it needs, its words that say so) or None (`unread`).
    unread: tuple[tuple[int, tuple[str, ...]] | None, ...] = ()

    def refused(self, question: int = 0) -> bool:
        """Whether question number `question` cannot be answered from this reading."""
        flags = (self.strange, self.unmentioned, self.crowded, self.unread)  # per question
        return bool(self.unknown) or any(bool(each and each[question]) for each in flags)


@dataclass(frozen=True)
class Lexicon:
    """The roles of known words, and the shapes of the sentences and questions of training.

    Args:
        roles: known name, place and object words -> NAME, PLACE or OBJECT.
        kept: entity words that keep their own token (their meaning matters).
        classes: closed-class words -> their class ("COLOUR"), set aside in shapes only.
        sentence_shapes: shape -> an example sentence of it, as met in training.
        question_shapes: shape -> an example question.
    """

    roles: dict[str, str]
    kept: frozenset[str]
    classes: dict[str, str]
    sentence_shapes: dict[str, str] = field(default_factory=dict)
    question_shapes: dict[str, str] = field(default_factory=dict)
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        if not isinstance(self.sentence_shapes, SentenceShapes):  # frozen: set once, here
            object.__setattr__(self, "sentence_shapes", SentenceShapes(self.sentence_shapes))

    @classmethod
    def of_world(cls) -> "Lexicon":
        """The roles of the generator's seen words (never its held-out ones), without shapes."""
        from chatbot.stories import world

        return cls(*world.word_roles())

    @functools.cached_property
    def open_roles(self) -> tuple[str, ...]:
        """The roles a new word may take: those the lexicon gives some known word."""
        used = set(self.roles.values())
        return tuple(role for role in ROLES if role in used or role in (NAME, PLACE, OBJECT))

    @property
    def forms(self) -> tuple[str, ...]:
        """An example question of each shape met in training, shortest first."""
        return tuple(sorted(self.question_shapes.values(), key=lambda text: (len(text), text)))

    # ---- reading ------------------------------------------------------------------------------
    def read(
        self,
        sentences: Sequence[str],
        questions: Sequence[str] = (),
        known: Iterable[str] = (),
        rng: random.Random | None = None,
        unreadable: Collection[int] = (),
    ) -> Reading:
        """Tokenize a story and its questions, putting each entity in its story's slot.

        Args:
            sentences: the story's sentence texts, oldest first.
            questions: question texts about it (they share its slots).
            known: the model's other words; a word neither known nor in `roles` is placed by
                the shapes (a new name stands where names stand) or else reported unknown.
            rng: numbers the slots at random (training); None numbers them in order of first
                mention, so the same story always reads the same.
            unreadable: indices of sentences the caller left out (a conversation's, with a word
                it does not know): left out here too, their words neither placed nor unknown.

        A sentence that would name one person, place, object, kind or colour more than the
        `ROLE_SLOTS` of its role is left out (`left_out`), and a question that would is refused
        (`crowded`).
        """
        known = self._known_words(known)
        every = [tuple(tokenize(text)) for text in sentences]
        asked = [tuple(tokenize(text)) for text in questions]
        new = self._new_words(every + asked, known)
        every, asked, (story, new, placed, near) = read_joined(  # "the tennis ball": one thing
            every, asked, new, self.roles, lambda e, a: self._place_story(e, a, known, unreadable)
        )
        roles = ChainMap(placed, self.roles)  # no copy of the lexicon's roles per reading
        unknown = tuple(w for w in _in_order(story + asked) if w in new and w not in placed)
        entities = [self._entities(text, roles, placed) for text in story + asked]
        crowded = crowded_texts(entities, roles, self.kept)
        counted = [words if index not in crowded else () for index, words in enumerate(entities)]
        in_order = dict.fromkeys(word for words in counted for word in words)
        numbered = numbering(in_order, roles, self.kept, rng)
        mentioned = {word for words in counted[: len(story)] for word in words}
        odd = (set(unknown), roles, placed)  # what tells a shape never met (`_odd`)
        left_out = self._left_out(story, unreadable, odd, crowded)
        return Reading(
            sentences=tuple(
                anonymise(text, numbered) if words else every[index]
                for index, (text, words) in enumerate(zip(story, entities, strict=False))
            ),
            questions=tuple(anonymise(text, numbered) for text in asked),
            unknown=unknown,
            near_misses=tuple(word for word in unknown if word in near),
            roles={word: roles[word] for word in in_order},
            left_out=tuple(left_out),
            strange=tuple(self._odd(text, self.question_shapes, *odd) for text in asked),
            unmentioned=tuple(_unmentioned(text, roles, placed, mentioned) for text in asked),
            crowded=tuple(len(story) + index in crowded for index in range(len(asked))),
            unread=tuple(needed_unread(every, left_out, q, roles, self.classes) for q in asked),
        )

    def shape(self, tokens: Sequence[str], roles: dict | None = None) -> str:
        """The shape of a tokenized text: "is NAME in the PLACE".

        Slots and words with a role become the role, closed-class words their class.
        """
        roles = self.roles if roles is None else roles
        return " ".join(
            ROLE_OF_SLOT.get(w) or roles.get(w) or self.classes.get(w) or w for w in tokens
        )

    def _left_out(self, story, unreadable: Collection[int], odd: tuple, crowded) -> list[int]:
        """The sentences left out: by the caller, of a shape never met, one entity too many."""
        shapes = self.sentence_shapes
        strange = {i for i, text in enumerate(story) if text and self._odd(text, shapes, *odd)}
        return sorted(strange | {i for i in (*unreadable, *crowded) if i < len(story)})

    def _odd(self, text, shapes: dict, unknown: set, roles: dict, placed: dict) -> bool:
        """Whether a text of no unknown word has a shape never met (none is, without shapes)."""
        return (
            bool(shapes)
            and unknown.isdisjoint(text)
            and not self._known_shape(text, roles, placed, shapes)
        )

    def _entities(self, text: tuple[str, ...], roles: dict, placed: dict) -> tuple[str, ...]:
        """The words of a text that name a person, place or thing; remembered as `_known_shape`."""
        if placed and not placed.keys().isdisjoint(text):
            return tuple(word for word in text if word in roles)
        found = self._cache.setdefault("entities", {})
        if text not in found:
            if len(found) >= CACHED_SHAPES:  # typed stories are endless: keep the memory bounded
                del found[next(iter(found))]  # the oldest
            found[text] = tuple(word for word in text if word in roles)
        return found[text]

    def _known_shape(self, text: tuple[str, ...], roles: dict, placed: dict, shapes: dict) -> bool:
        """Whether a text's shape is one of `shapes`; remembered for texts of no new word."""
        if placed and not placed.keys().isdisjoint(text):
            return self.shape(text, roles) in shapes
        known = self._cache.setdefault(id(shapes), {})
        if text not in known:
            if len(known) >= CACHED_SHAPES:
                del known[next(iter(known))]  # the oldest
            known[text] = self.shape(text) in shapes
        return known[text]

    def _known_words(self, known: Iterable[str]) -> frozenset[str]:
        """`known` as a set, remembered: every call of one model passes the same words."""
        cached = self._cache.get("known")
        if known is cached and cached is not None:
            return self._cache["set"]
        if not isinstance(known, tuple | frozenset) or known != cached:
            self._cache.clear()
            self._cache["known"] = known if isinstance(known, tuple | frozenset) else None
            self._cache["set"] = frozenset(known)
        return self._cache["set"]

    def _new_words(self, texts, known: frozenset[str]) -> set[str]:
        return {
            word for text in texts for word in text if word not in known and word not in self.roles
        }

    def _place_story(self, every, asked, known, unreadable):
        """(the story but the sentences the caller left out, its and the questions' new words,
        those placed -> their roles, the typos): `new_words.place_new` of the texts."""
        story = [() if i in unreadable else text for i, text in enumerate(every)]
        new = self._new_words(story + asked, known)
        return story, new, *place_new(self, story, asked, new, known)

    # ---- learning shapes, saving, loading -----------------------------------------------------
    def learn_shapes(self, sentences: Iterable[str], questions: Iterable[str]) -> "Lexicon":
        """A copy that also knows the shapes of these texts, each kept with its first example."""
        sentence_shapes = dict(self.sentence_shapes)
        question_shapes = dict(self.question_shapes)
        for texts, shapes in ((sentences, sentence_shapes), (questions, question_shapes)):
            for text in texts:
                shapes.setdefault(self.shape(tokenize(text)), text)
        joined = True if self.sentence_shapes.joined else None  # else: met joined ones now?
        sentence_shapes = SentenceShapes(sentence_shapes, joined)
        return Lexicon(self.roles, self.kept, self.classes, sentence_shapes, question_shapes)

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": LEXICON_FORMAT,
                "roles": self.roles,
                "kept": sorted(self.kept),
                "classes": self.classes,
                "sentence_shapes": self.sentence_shapes.compact(),
                "joined_sentences": self.sentence_shapes.joined,
                "question_shapes": self.question_shapes,
            },
            indent=0,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, data: dict, source: str) -> "Lexicon":
        """A lexicon from parsed JSON; a file of another format raises ChatbotError."""
        try:
            if data.get("format") != LEXICON_FORMAT:
                raise ValueError
            lexicon = cls(
                roles=_strings(data["roles"]),
                kept=frozenset(_strings(dict.fromkeys(data["kept"], ""))),
                classes=_strings(data["classes"]),
                sentence_shapes=SentenceShapes(
                    _strings(data["sentence_shapes"]), joined_flag(data.get("joined_sentences"))
                ),
                question_shapes=_strings(data["question_shapes"]),
            )
        except (AttributeError, KeyError, TypeError, ValueError):
            raise ChatbotError(
                f"{source} is not a lexicon file; rebuild the model folder"
            ) from None
        odd = next((role for role in lexicon.roles.values() if role not in ROLES), None)
        if odd is not None:
            raise ChatbotError(
                f"{source} is damaged: a word has the role {printable(odd[:40])!r}, not one of "
                f"{', '.join(ROLES)}; rebuild the model folder"
            )
        for name in ("roles", "kept", "classes", "sentence_shapes", "question_shapes"):
            if len(getattr(lexicon, name)) > MAX_LEXICON_ENTRIES:
                raise ChatbotError(
                    f"{source} is damaged: {len(getattr(lexicon, name)):,} {name.replace('_', ' ')}"
                    f", over the {MAX_LEXICON_ENTRIES:,} a model folder holds; rebuild the model "
                    "folder"
                )
        return lexicon


def _strings(data) -> dict[str, str]:
    if not isinstance(data, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in data.items()
    ):
        raise TypeError
    return dict(data)


def _unmentioned(question, roles: dict, placed: dict, mentioned: set) -> tuple[str, ...]:
    """The question's subject, when it is a new person or thing the story never mentions.

    "Is Zorblax in the kitchen?" cannot be answered; "Did Mary give the milk to Zorblax?" can
    (no), as training's "no" forms ask it about people and things of no story.
    """
    subject = next((word for word in question if roles.get(word) in (NAME, OBJECT)), None)
    if subject is None or subject not in placed or subject in mentioned:
        return ()
    return (subject,)


def _in_order(texts) -> list[str]:
    """Every word of the texts once, in order of first appearance."""
    return list(dict.fromkeys(word for text in texts for word in text))
