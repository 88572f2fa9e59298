"""Reading a story once for all its questions: `Lexicon.read`, sentence by sentence.

bAbI asks several questions of one story, each about the sentences told so far, and `evaluate`
reads each question's story again (`Lexicon.read` tokenizes every sentence, counts and numbers
its entities, checks its shape). A story's reading only grows: a sentence's slots are numbered
at its first mention and its shape and crowding depend on what came before it, never after. So
`StoryReader` reads each sentence once as it is told and reads each question against the story
so far, giving the `Reading` that `Lexicon.read(story so far, [question], known)` gives.

It holds only while every word is known (in the vocabulary or the lexicon's roles), as in bAbI
and generated files: a new word is placed by the shapes of every text that holds it, a
question's too, so `read` returns None from the first new word on and the caller reads that
question the whole way (`Lexicon.read`). Training's random slot numbers are read the whole way
too.
"""

from collections.abc import Sequence

from chatbot.reading.lexicon import Lexicon, Reading
from chatbot.reading.slots import ROLE_SLOTS, ROLES, _key, anonymise, slot
from chatbot.reading.unread import needed_unread
from chatbot.text import tokenize


class StoryReader:
    """One story's reading, sentence by sentence (see the module's docstring).

    Args:
        lexicon: the model's lexicon.
        known: the model's other words (its vocabulary), as `Lexicon.read` takes them.
    """

    def __init__(self, lexicon: Lexicon, known):
        self.lexicon = lexicon
        self.known = lexicon._known_words(known)
        self.texts: list[str] = []  # the sentences told, as given
        self.every: list[tuple[str, ...]] = []  # their tokens
        self.sentences: list[tuple[str, ...]] = []  # their tokens, entities as slots
        self.left_out: list[int] = []
        self.crowded: set[int] = set()
        self.readable = True  # no new word yet
        self._counts = dict.fromkeys(ROLES, 0)  # slots taken per role
        self._slot_of: dict[tuple[str, str], str] = {}  # (role, word) -> its slot token
        self._numbered: dict[str, str] = {}  # entity word -> its slot token
        self._roles: dict[str, str] = {}  # entity words, in order of first mention -> role

    def continues(self, story: Sequence[str]) -> bool:
        """Whether `story` is the story read so far, maybe with more sentences after it."""
        told = len(self.texts)
        return len(story) >= told and tuple(story[:told]) == tuple(self.texts)

    def tell(self, sentences: Sequence[str]) -> None:
        """Read more sentences of the story, in order."""
        for text in sentences:
            self.texts.append(text)
            self._add(tuple(tokenize(text)))

    def read(self, question: str) -> Reading | None:
        """The reading of the story so far with `question`, as `Lexicon.read` gives it; None
        when a word of either is new (the caller reads it whole)."""
        asked = tuple(tokenize(question))
        if not self.readable or not self._all_known(asked):
            return None
        lexicon, roles = self.lexicon, self.lexicon.roles
        entities = lexicon._entities(asked, roles, {})
        numbered, found = self._numbered, self._roles
        fresh = self._fresh(entities)
        crowded = fresh is None
        if not crowded and not found.keys() >= set(entities):
            numbered, found = dict(numbered), found.copy()
            self._number(entities, dict(self._counts), dict(self._slot_of), numbered, found)
        sentences = self.sentences
        if self.crowded:  # a crowded sentence's words may be numbered later: as read whole
            sentences = [
                anonymise(self.every[i], numbered) if i in self.crowded else text
                for i, text in enumerate(sentences)
            ]
        strange = lexicon._odd(asked, lexicon.question_shapes, set(), roles, {})
        return Reading(
            sentences=tuple(sentences),
            questions=(anonymise(asked, numbered),),
            unknown=(),
            near_misses=(),
            roles=dict(found),
            left_out=tuple(self.left_out),
            strange=(strange,),
            unmentioned=((),),
            crowded=(crowded,),
            unread=(needed_unread(self.every, self.left_out, asked, roles, lexicon.classes),),
        )

    def _all_known(self, tokens: tuple[str, ...]) -> bool:
        roles = self.lexicon.roles
        return all(word in self.known or word in roles for word in tokens)

    def _add(self, tokens: tuple[str, ...]) -> None:
        """Read one more sentence: its slots, whether it is crowded out or of a strange shape."""
        index = len(self.every)
        self.every.append(tokens)
        if not self.readable or not self._all_known(tokens):
            self.readable = False  # a new word: every later question is read whole
            self.sentences.append(tokens)
            return
        lexicon = self.lexicon
        entities = lexicon._entities(tokens, lexicon.roles, {})
        fresh = self._fresh(entities)
        if fresh is None:
            self.crowded.add(index)
        elif entities:
            self._number(entities, self._counts, self._slot_of, self._numbered, self._roles)
        shapes = lexicon.sentence_shapes
        if fresh is None or (tokens and lexicon._odd(tokens, shapes, set(), lexicon.roles, {})):
            self.left_out.append(index)
        self.sentences.append(anonymise(tokens, self._numbered) if entities else tokens)

    def _fresh(self, entities: tuple[str, ...]) -> set | None:
        """The slots a text's entities would newly take, or None when one role has too few
        (`slots.crowded`, one text at a time)."""
        roles, kept = self.lexicon.roles, self.lexicon.kept
        counted = (word for word in entities if word not in kept and roles[word] in ROLES)
        fresh = {_key(word, roles[word]) for word in counted} - self._slot_of.keys()
        for role in ROLES:
            if self._counts[role] + sum(key[0] == role for key in fresh) > ROLE_SLOTS[role]:
                return None
        return fresh

    def _number(self, entities, counts, slot_of, numbered, found) -> None:
        """Number a counted text's entities, first mention first (`slots.numbering`)."""
        roles, kept = self.lexicon.roles, self.lexicon.kept
        for word in entities:
            role = roles[word]
            found.setdefault(word, role)
            if word in kept:
                continue
            key = _key(word, role)
            if key not in slot_of:
                slot_of[key] = slot(role, counts[role])
                counts[role] += 1
            numbered[word] = slot_of[key]
