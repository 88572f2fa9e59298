"""What `chatbot inspect` says about a set of bAbI stories: counts, and the lines it prints."""

from collections import Counter
from collections.abc import Iterable

from chatbot.stories.babi import Question, Story
from chatbot.text import tokenize


def summarize(stories: Iterable[Story]) -> dict:
    """Counts that describe a set of stories (what `chatbot inspect` prints).

    Returns:
        A dict with exactly these keys:
        `stories`, `questions`: how many;
        `answers`: `{answer: count}`, answers as written, most frequent first;
        `vocabulary_size`: distinct words (`text.tokenize`) over the sentences, the questions
        and the answers (a comma-separated answer counts its parts), the reserved padding and
        unknown ids not included;
        `max_story_sentences`: the most sentences in one story (question lines not counted);
        `max_story_words`: the most words in the sentences of one story (questions not counted).
    """
    story_count = question_count = max_sentences = max_words = 0
    answers: Counter[str] = Counter()
    words: set[str] = set()
    for story in stories:
        story_count += 1
        sentences = story_words = 0
        for line in story.lines:
            tokens = tokenize(line.text)
            words.update(tokens)
            if isinstance(line, Question):
                question_count += 1
                answers[line.answer] += 1
                words.update(tokenize(line.answer))
            else:
                sentences += 1
                story_words += len(tokens)
        max_sentences = max(max_sentences, sentences)
        max_words = max(max_words, story_words)
    return {
        "stories": story_count,
        "questions": question_count,
        "answers": dict(sorted(answers.items(), key=lambda item: (-item[1], item[0]))),
        "vocabulary_size": len(words),
        "max_story_sentences": max_sentences,
        "max_story_words": max_words,
    }


def format_summary(summary: dict) -> str:
    """`summarize`'s counts as lines for a person to read (what `chatbot inspect` prints)."""
    answers = ", ".join(f"{answer} {count}" for answer, count in summary["answers"].items())
    return "\n".join(
        [
            f"  stories        {summary['stories']}",
            f"  questions      {summary['questions']}",
            f"  answers        {answers or '-'}",
            f"  vocabulary     {summary['vocabulary_size']} words",
            f"  longest story  {summary['max_story_sentences']} sentences, "
            f"{summary['max_story_words']} words",
        ]
    )
