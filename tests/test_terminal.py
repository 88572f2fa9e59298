"""chatbot.frontends.terminal: what Tab completes (history and the prompt: test_repl,
test_hostile, and test_cli_chat's session on a pseudo-terminal)."""

from fake_bot import WORDS, FakeBot
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from chatbot.frontends.repl import COMMANDS, Session
from chatbot.frontends.terminal import completer, completions, story_words


def completed(session: Session, typed: str) -> list[str]:
    """What Tab offers after `typed`."""
    document = Document(typed, len(typed))
    return [c.text for c in completer(session).get_completions(document, CompleteEvent())]


def told(*sentences: str) -> Session:
    """A session whose story holds `sentences` (names the fake bot does not know included)."""
    session = Session(FakeBot(words=[w for w in WORDS if w != "sandra"]))
    session.story = list(sentences)
    return session


def test_tab_completes_a_name_typed_in_the_story():
    session = told("Sandra journeyed to the bedroom.")
    assert completed(session, "Is Sand") == ["Sandra"]
    assert completed(session, "is sand") == ["Sandra"]


def test_tab_completes_new_places_and_objects_of_the_story_and_the_known_words():
    session = told("Wilhelmina went to the lighthouse.", "Wilhelmina picked up the lantern.")
    assert completed(session, "Is the lan") == ["lantern"]
    assert completed(session, "Is Wilhelmina in the lig") == ["lighthouse"]
    assert completed(session, "Is Mary in the ba") == ["bathroom"]
    assert completed(session, ":ex") == [":example"]


def test_the_completions_follow_the_story():
    session = told()
    assert "Sandra" not in completions(session)
    session.story.append("Sandra journeyed to the bedroom.")
    assert "Sandra" in completions(session)
    session.handle(":reset")
    assert "Sandra" not in completions(session)


def test_the_completions_hold_each_word_once_commands_first():
    session = told("Sandra went to the garden.", "sandra went to the hallway.")
    words = completions(session)
    assert words[: len(COMMANDS)] == list(COMMANDS)
    assert len(words) == len(set(words)) and words.count("Sandra") == 1


def test_story_words_are_the_words_the_model_does_not_know_as_typed_first():
    assert story_words(["Kwame went to the Attic.", "kwame left the attic."], ["the"]) == [
        "Kwame",
        "went",
        "to",
        "Attic",
        "left",
    ]
