"""chatbot.errors: messages carry the option they ask for, worded for the library and the CLI."""

import pytest

from chatbot import errors
from chatbot.errors import (
    OVERWRITE,
    WITHOUT_RESUME,
    ChatbotError,
    Message,
    Option,
    UsageError,
    for_command_line,
)
from chatbot.files import check_replaceable
from chatbot.stories.world import generate_stories


def test_a_message_is_the_library_wording_and_knows_the_flag():
    message = Message("models/x already exists; ", OVERWRITE, " to replace it")
    assert message == "models/x already exists; pass `overwrite=True` to replace it"
    assert message.for_command_line() == "models/x already exists; pass --overwrite to replace it"
    assert for_command_line(ChatbotError(message)) == message.for_command_line()


def test_plain_messages_and_errors_are_left_as_they_are():
    assert for_command_line("no options here") == "no options here"
    assert for_command_line(ChatbotError("plain")) == "plain"
    assert for_command_line(ChatbotError()) == ""
    assert str(ChatbotError(Message("delete x and ", WITHOUT_RESUME))) == (
        "delete x and train with `resume=False`"
    )


def test_every_option_names_a_flag():
    options = [value for value in vars(errors).values() if isinstance(value, Option)]
    assert len(options) == 9
    for option in options:
        assert "`" in option.argument and "--" in option.flag


def test_library_errors_carry_their_option(tmp_path):
    (tmp_path / "out").mkdir()
    with pytest.raises(ChatbotError) as raised:
        check_replaceable(tmp_path / "out", overwrite=False, why_not_ours=lambda folder: None)
    assert for_command_line(raised.value).endswith("; pass --overwrite to replace it")
    with pytest.raises(UsageError) as raised:
        generate_stories(6, 0)
    assert for_command_line(raised.value).startswith("--questions must be a whole number")
