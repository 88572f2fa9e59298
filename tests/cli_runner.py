"""Run the `chatbot` CLI in this process, as a user would, for the CLI tests."""

from chatbot.cli import main


def run(capsys, *arguments):
    """Run `chatbot ARGUMENTS...`; returns (exit code, stdout, stderr)."""
    try:
        main(list(arguments))
        code = 0
    except SystemExit as exit:
        code = exit.code
    out, err = capsys.readouterr()
    return code, out, err
