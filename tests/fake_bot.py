"""A fake bot for session tests: instant, deterministic, no TensorFlow.

It knows a fixed word list and answers by a plain rule, so that transcripts can be written down
exactly: "yes" when the question's last word occurs in the newest story sentence that names the
question's second word (the person), "no" when that sentence exists but lacks the word, "maybe"
when it holds "either". The sentence found gets attention 0.75; the rest share 0.25.
"""

from chatbot.answering.bot import AUXILIARIES, NOT_YES_NO, Answer
from chatbot.text import tokenize

WORDS = (
    "mary john sandra daniel is in the to moved went journeyed travelled bathroom kitchen hallway "
    "garden office bedroom either or no longer not where does do"
).split()


class FakeBot:
    def __init__(self, words=WORDS, memory=3):
        self.known_words = tuple(words)
        self.memory = memory  # sentences a question can see: small, so tests reach it quickly
        self.forms = ("Is Mary in the kitchen?", "Is Mary no longer in the kitchen?")
        self.words = "Words I know, by role:\n  moving: moved, went, journeyed, travelled"
        self.questions = []  # (story, question) pairs asked, oldest first
        self.unreadable = []  # (story, the indices of its left-out sentences) as given

    def _unknown(self, text):
        return tuple(dict.fromkeys(w for w in tokenize(text) if w not in self.known_words))

    def crowded_out(self, sentences):
        return ()

    def check_statement(self, sentence, story=()):
        unknown = self._unknown(sentence)
        return f'I don\'t know the word "{unknown[0]}"' if unknown else None

    def answer(self, story, question, unreadable=()):
        self.unreadable.append((list(story), list(unreadable)))
        story = [sentence for i, sentence in enumerate(story) if i not in set(unreadable)]
        self.questions.append((list(story), question))
        remembered = list(story)[-self.memory :]
        truncated = len(story) - len(remembered)
        words = tokenize(question)
        unknown = self._unknown(question)

        def cannot(reason):
            return Answer(None, 0.0, tuple((s, 0.0) for s in story), unknown, reason, truncated)

        if not words or words[0] not in AUXILIARIES:
            return cannot(NOT_YES_NO)
        if unknown:
            return cannot(f'I don\'t know the word "{unknown[0]}"')
        if not remembered:
            return cannot("the story is empty")
        person = words[1] if len(words) > 1 else ""
        about = [i for i, sentence in enumerate(remembered) if person in tokenize(sentence)]
        found = about[-1] if about else len(remembered) - 1
        sentence_words = tokenize(remembered[found])
        if "either" in sentence_words:
            label = "maybe"
        else:
            label = "yes" if about and words[-1] in sentence_words else "no"
        rest = 0.25 / (len(remembered) - 1) if len(remembered) > 1 else 0.0
        weights = [0.75 if i == found else rest for i in range(len(remembered))]
        if len(remembered) == 1:
            weights = [1.0]
        support = sorted(zip(remembered, weights, strict=True), key=lambda pair: -pair[1])
        support += [(sentence, 0.0) for sentence in story[:truncated]]
        return Answer(label, 0.9, tuple(support), (), None, truncated)
