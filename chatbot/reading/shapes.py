"""The sentence shapes a lexicon knows: those met in training, and those built of them.

Everyday stories put a time phrase or "then" before a fact, "there" after it, and join two facts
with "and", the second often without its subject ("NAME went to the PLACE and then picked up
the OBJECT"). Each choice multiplies the shapes: the first model trained on them met 40,055
(5 MB of JSON), and every further epoch of fresh stories still met about 4,000 it had not, so
a shape list alone refused about one everyday sentence in twenty. So a shape is known when:
- training met it;
- it is a known shape with a frame training put around known shapes: a phrase of plain words
  before it ("then", "shortly after that") or after it ("there"), never one naming someone;
- where training joined facts with "and": it is two known shapes joined, the second one's
  subject (after its frame) being the first one's where it has none of its own.
"NAME and NAME went to the PLACE" is not two facts: "NAME" is no shape.
"""

JOINED = " and "  # what joins two facts in one sentence ("NAME went to the PLACE and ...")
FRAME_WORDS = 4  # the longest phrase before or after a fact: "a little while later"
CACHED = 1 << 16  # shapes whose answer is remembered; typed stories are endless


class SentenceShapes(dict):
    """Shape -> an example sentence met in training; `in` also knows the shapes built of them
    (see the module's docstring).

    A model that never met two facts in one sentence (`joined` false) is not trusted to read
    them: it knows them only as met.
    """

    def __init__(self, shapes=(), joined: bool | None = None):
        super().__init__(shapes)
        self._frames: tuple[frozenset, frozenset] | None = None  # (before, after), on first use
        self._known: dict[str, bool] = {}
        self.joined = joined if joined is not None else any(map(self._joined_of_met, self))

    def __setitem__(self, shape, example) -> None:
        super().__setitem__(shape, example)
        self._frames, self._known = None, {}  # learned again from what is met now

    def __contains__(self, shape) -> bool:
        if dict.__contains__(self, shape):
            return True
        if not isinstance(shape, str):
            return False
        if shape not in self._known:
            if len(self._known) >= CACHED:
                self._known.clear()
            self._known[shape] = self._built(shape.split())
        return self._known[shape]

    def _built(self, words: list[str]) -> bool:
        """Whether a shape (as words) is a known one framed, or two known ones joined."""
        if dict.__contains__(self, " ".join(words)):
            return True
        before, after = self.frames
        led = _unframed(words, before, ())  # a phrase after the last fact is that fact's own
        core = _unframed(led, (), after)
        if core != words and dict.__contains__(self, " ".join(core)):
            return True
        if not self.joined:
            return False
        for cut in (i for i, word in enumerate(led) if word == "and" and 0 < i < len(led) - 1):
            first, second = led[:cut], _unframed(led[cut + 1 :], before, ())
            if self._built(first) and (
                self._built(second) or self._built(_unframed(first, before, ())[:1] + second)
            ):
                return True
        return False

    @property
    def frames(self) -> tuple[frozenset, frozenset]:
        """The phrases training put before and after met shapes, as word tuples."""
        if self._frames is None:
            before, after = set(), set()
            for shape in self:
                words = shape.split()
                for size in range(1, min(FRAME_WORDS, len(words) - 1) + 1):
                    head, tail = tuple(words[:size]), tuple(words[-size:])
                    if _plain(head) and dict.__contains__(self, " ".join(words[size:])):
                        before.add(head)
                    if _plain(tail) and dict.__contains__(self, " ".join(words[:-size])):
                        after.add(tail)
            self._frames = frozenset(before), frozenset(after)
        return self._frames

    def _joined_of_met(self, shape: str) -> bool:
        """Whether a shape is two or more met ones joined, each with its own subject."""
        parts = shape.split(JOINED)
        return any(
            self._met_or_joined(JOINED.join(parts[:cut]))
            and self._met_or_joined(JOINED.join(parts[cut:]))
            for cut in range(1, len(parts))
        )

    def _met_or_joined(self, shape: str) -> bool:
        return dict.__contains__(self, shape) or self._joined_of_met(shape)

    def compact(self) -> "SentenceShapes":
        """A copy without the shapes that are two met ones joined (`in` still knows them). The
        framed ones stay: they are what the frames are learned from."""
        kept = SentenceShapes(joined=self.joined)
        for shape, example in sorted(self.items(), key=lambda item: len(item[0])):
            if not (self.joined and kept._joined_of_met(shape)):
                kept[shape] = example
        return SentenceShapes(sorted(kept.items()), joined=self.joined)


def _plain(words: tuple[str, ...]) -> bool:
    """Whether a phrase is of plain words only (no NAME, PLACE or other role), and no second
    fact ("and")."""
    return all(word.islower() and word != "and" for word in words)


def _unframed(words: list[str], before: frozenset, after) -> list[str]:
    """The words without the longest known phrase before them and after them."""
    for size in range(min(FRAME_WORDS, len(words) - 1), 0, -1):
        if tuple(words[:size]) in before:
            words = words[size:]
            break
    for size in range(min(FRAME_WORDS, len(words) - 1), 0, -1):
        if tuple(words[-size:]) in after:
            return words[:-size]
    return words


def joined_flag(data) -> bool | None:
    """lexicon.json's "joined_sentences": true, false, or absent (None); else TypeError."""
    if data is not None and not isinstance(data, bool):
        raise TypeError
    return data  # None: a file of before joined shapes were kept apart, which kept them all
