"""The sentence shapes a lexicon knows, where two facts joined by "and" need not be kept."""

JOINED = " and "  # what joins two facts in one sentence ("NAME went to the PLACE and ...")


class SentenceShapes(dict):
    """Shape -> an example sentence; where training joined facts with "and", a shape of two
    known ones joined is known too.

    The everyday stories join any two facts with "and", so keeping every pair met would hold
    tens of thousands of shapes (40,055 for the first model trained on them, 5 MB of JSON);
    kept apart, 12,560. "NAME and NAME went to the PLACE" is not two facts: "NAME" is no shape.
    A model that never met two facts in one sentence (`joined` false) is not trusted to read
    them: its shapes are only those it met.
    """

    def __init__(self, shapes=(), joined: bool | None = None):
        super().__init__(shapes)
        self.joined = False  # while it is worked out, `in` means met
        self.joined = any(map(self._halves_known, self)) if joined is None else joined

    def _halves_known(self, shape: str) -> bool:
        parts = shape.split(JOINED)
        return any(
            JOINED.join(parts[:cut]) in self and JOINED.join(parts[cut:]) in self
            for cut in range(1, len(parts))
        )

    def __contains__(self, shape) -> bool:
        if dict.__contains__(self, shape):
            return True
        return self.joined and isinstance(shape, str) and self._halves_known(shape)

    def compact(self) -> "SentenceShapes":
        """A copy without the shapes that are two others joined (`in` still knows them)."""
        kept = SentenceShapes(joined=self.joined)
        for shape, example in sorted(self.items(), key=lambda item: len(item[0])):
            if shape not in kept:  # its halves are shorter: kept, or known through theirs
                kept[shape] = example
        return SentenceShapes(sorted(kept.items()), joined=self.joined)


def joined_flag(data) -> bool | None:
    """lexicon.json's "joined_sentences": true, false, or absent (None); else TypeError."""
    if data is not None and not isinstance(data, bool):
        raise TypeError
    return data  # None: a file of before joined shapes were kept apart, which kept them all
