"""`chatbot ask`: one question about one story, answered on stdout."""

import json

from chatbot.answering.bot import Chatbot, as_sentences
from chatbot.errors import CannotAnswer
from chatbot.frontends.explain import format_answer
from chatbot.untrusted import check_typed, read_story


def ask(story, story_file, question, model_dir, as_json: bool, echo) -> bool:
    """Answer `question` about the story (`story` text, or else the file `story_file`).

    Prints the answer line, or with `as_json` the answer's JSON; notices of left-out sentences
    go to stderr (`echo(text, err=True)`).

    Returns:
        Whether it answered (with `as_json`, a question it cannot answer is printed too).

    Raises:
        CannotAnswer: without `as_json`, why it cannot answer.
        ChatbotError: unreadable story file or typed text, a story over the sentence cap
            (checked before the model loads), a model folder that cannot be loaded.
    """
    check_typed(question, "--question")
    if story_file is not None:
        story = read_story(story_file)
    else:
        check_typed(story, "--story")
    sentences = as_sentences(story)  # over the sentence cap: refused before the model loads
    bot = Chatbot.load(model_dir)
    answer = bot.answer(sentences, question)
    for sentence in answer.left_out:
        echo(bot.left_out_notice(sentence), err=True)
    if as_json:
        echo(json.dumps(answer.to_json(), indent=2, ensure_ascii=False))
    elif answer.label is None:
        raise CannotAnswer(answer.reason)
    else:
        echo(format_answer(answer))
    return answer.label is not None
