"""No answer built on a sentence it could not read: which left-out sentence an answer needs.

A sentence the bot leaves out (a shape it never met, or, in a conversation, a word it does not
know) may have said what the answer turns on: after "Then Priya went to the attic." is left
out, "Is Priya in the attic?" cannot be answered from the rest. `needed_unread` finds the first
left-out sentence that names an entity the answer depends on, so the bot can refuse rather than
answer from what is left. It may refuse; it never answers or re-weights an answer.

What an answer depends on:
- the question's people, objects and things (box, chocolate) and shapes; its places and kinds
  only when it names none of those ("Is the kitchen north of the garden?");
- through the readable sentences: an asked object's carriers (everyone named with it: "Mary
  picked up the apple", "Mary gave the apple to John"), an asked person's kind ("Gertrude is a
  sheep": then "sheep" too) and the other members of that kind ("Lily is a sheep").

A left-out sentence names the words of the story's people, places and objects, the things and
shapes, the kind words of a depended-on kind (plural or singular), and, through a pronoun
("Then she ..."), the people of the sentence before it that named someone.

A later readable sentence replaces what a left-out one would have said when the left-out one
reads as a move (people and a place, nothing else) and the later one puts the same person in
one place for certain ("Priya went to the kitchen.", not "Priya is not in the kitchen."); time
phrases ("Yesterday ...") tell the order of events apart from the story's order, so a sentence
with one is never replaced.
"""

from collections.abc import Collection, Sequence

from chatbot.stories.rule_reader import singular as kind_of  # "wolves" -> "wolf"
from chatbot.text import shorten
from chatbot.untrusted import shorten_word

NAME, PLACE, OBJECT = "NAME", "PLACE", "OBJECT"
SUBJECT_CLASSES = frozenset({"THING", "SHAPE"})  # closed-class words that name what is asked
KIND = "KIND"
PRONOUNS = frozenset("he she they him her them his their".split())
# Words that keep a sentence from putting someone in one place for certain.
UNCERTAIN = frozenset("not no never longer either or n't nt left maybe perhaps".split())
TIMES = frozenset("yesterday today tonight morning afternoon evening night".split())


def needed_unread(
    sentences: Sequence[Sequence[str]],
    left_out: Collection[int],
    question: Sequence[str],
    roles: dict,
    classes: dict,
) -> tuple[int, tuple[str, ...]] | None:
    """The first left-out sentence that names what the answer depends on, and those words.

    Args:
        sentences: the story's sentences as their words (not slots), oldest first.
        left_out: the indices of the sentences left out.
        question: the question's words.
        roles: entity word -> NAME, PLACE, OBJECT (KIND, COLOUR where open): the lexicon's and
            those placed in the story.
        classes: closed-class word -> its class ("KIND", "THING", ...).

    Returns:
        (index of the sentence, the depended-on words it names, in its order), or None when no
        left-out sentence matters.

    >>> story = [("priya", "went", "to", "the", "kitchen"),
    ...          ("then", "priya", "went", "to", "the", "attic")]
    >>> roles = {"priya": NAME, "kitchen": PLACE, "attic": PLACE}
    >>> needed_unread(story, {1}, ("is", "priya", "in", "the", "attic"), roles, {})
    (1, ('priya',))
    >>> needed_unread(story + [("priya", "went", "to", "the", "kitchen")], {1},
    ...               ("is", "priya", "in", "the", "attic"), roles, {})
    """
    if not left_out:
        return None
    story = _Story(sentences, set(left_out), roles, classes)
    words, kinds = story.depended_on(question)
    for index in sorted(left_out):
        about = [
            w
            for w in story.named(index, kinds)
            if w in words or (roles.get(w) in (None, KIND) and kind_of(w) in kinds)
        ]
        about = [w for w in dict.fromkeys(about) if not story.replaced(index, w)]
        if about:
            return index, tuple(about)
    return None


class _Story:
    """A story's sentences as words, which are left out, and the roles of its words."""

    def __init__(self, sentences, left_out: set, roles: dict, classes: dict):
        self.sentences = sentences
        self.readable = [index for index in range(len(sentences)) if index not in left_out]
        self.roles = roles
        self.classes = classes

    def role(self, word: str) -> str | None:
        return self.roles.get(word) or self.classes.get(word)

    def people(self, text) -> set[str]:
        return {w for w in text if self.roles.get(w) == NAME}

    def depended_on(self, question) -> tuple[set, set]:
        """(the entity words the answer depends on, the kinds it depends on, singular)."""
        asked = {NAME, OBJECT, *SUBJECT_CLASSES}
        subjects = {w for w in question if self.role(w) in asked}
        kinds = set()
        if not subjects:
            subjects = {w for w in question if self.roles.get(w) == PLACE}
            kinds = {kind_of(w) for w in question if self.role(w) == KIND}
        words = set(subjects)
        changed = True
        while changed:  # a fixed point: carriers, kinds, the members of a kind
            changed = False
            for index in self.readable:
                text = self.sentences[index]
                names, found = self.people(text), set()
                if any(self.roles.get(w) == OBJECT and w in subjects for w in text):
                    found |= names  # who had, gave or got an asked object
                kind = _kind_said(text)
                if kind and names & words and kind_of(kind) not in kinds:
                    kinds.add(kind_of(kind))
                    changed = True
                if any(kind_of(w) in kinds for w in text if self.roles.get(w) in (None, KIND)):
                    found |= names  # the other members of the kind
                if not found <= words:
                    words |= found
                    changed = True
        return words, kinds

    def named(self, index: int, kinds: set = frozenset()) -> list[str]:
        """The entity and kind words a sentence names; a pronoun names the last people named."""
        text = self.sentences[index]
        named = [
            w
            for w in text
            if self.roles.get(w) is not None
            or self.classes.get(w) in SUBJECT_CLASSES
            or (kinds and kind_of(w) in kinds)
        ]
        if PRONOUNS.isdisjoint(text) or self.people(text):
            return named
        for earlier in range(index - 1, -1, -1):
            people = [w for w in self.sentences[earlier] if self.roles.get(w) == NAME]
            if people:
                return people + named
        return named

    def replaced(self, index: int, word: str) -> bool:
        """Whether the left-out sentence reads as a move of the person `word`, and a later
        readable sentence says for certain where that person is."""
        text = self.sentences[index]
        roles = {self.roles.get(w) for w in self.named(index)}
        if PLACE not in roles or OBJECT in roles or not TIMES.isdisjoint(text):
            return False
        if self.roles.get(word) != NAME:
            return False
        return any(
            later > index and word in self.sentences[later] and self.places(later)
            for later in self.readable
        )

    def places(self, index: int) -> bool:
        """Whether a sentence puts its people in one place for certain."""
        text = self.sentences[index]
        roles = [self.roles.get(w) for w in text]
        return (
            roles.count(PLACE) == 1
            and OBJECT not in roles
            and UNCERTAIN.isdisjoint(text)
            and TIMES.isdisjoint(text)
        )


def _kind_said(text: Sequence[str]) -> str | None:
    """The kind a sentence gives someone: "sheep" of "Gertrude is a sheep"."""
    for position in range(1, len(text) - 1):
        if text[position] in ("a", "an") and text[position - 1] in ("is", "was"):
            return text[position + 1]
    return None


def reason(sentences: Sequence[str], needed, roles: dict, classes: dict) -> str | None:
    """Why it will not answer from what is left: the sentence it could not read that the answer
    needs, and whom or what it is about; None when `needed` (`needed_unread`'s) is None.

    >>> reason(["Then Priya went to the attic."], (0, ["priya", "lantern", "sheep"]),
    ...        {"priya": NAME, "lantern": OBJECT}, {"sheep": KIND})
    'I could not read "Then Priya went to the attic.", which is about Priya, the lantern and sheep'
    """
    if not needed:
        return None
    index, words = needed

    def named(word: str) -> str:  # "Priya", "the lantern", "sheep"
        if roles.get(word) == NAME:
            return shorten_word(word.capitalize())
        kind = KIND in (roles.get(word), classes.get(word))
        return shorten_word(word) if kind else f"the {shorten_word(word)}"

    about = [named(word) for word in words]
    about = about[0] if len(about) == 1 else f"{', '.join(about[:-1])} and {about[-1]}"
    return f'I could not read "{shorten(sentences[index], 60)}", which is about {about}'
