"""Sets of files are written whole: `convert` writes all its files or none (a kill or a full
disk never leaves two seeds side by side), and `generate --overwrite` loses no file that was
added to the folder while it ran."""

import errno
import os
from pathlib import Path

from cli_runner import run

from chatbot.files import write_set

WHERE = "1 Mary went to the {0}.\n2 John went to the {1}.\n3 Sandra went to the {2}.\n" + (
    "4 Where is Mary? \t{0}\t1\n"
)
PLACES = [("kitchen", "garden", "office"), ("hallway", "bedroom", "bathroom")]
STORIES = "".join(WHERE.format(*places) for places in PLACES * 6)


def full_disk_on_the_second_file(monkeypatch):
    """Make the second file opened for writing find the disk full."""
    real, opened = os.fdopen, []

    def fdopen(handle, mode="r", *arguments, **keywords):
        if "w" in mode:
            opened.append(handle)
        if "w" in mode and len(opened) == 2:
            os.close(handle)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(handle, mode, *arguments, **keywords)

    monkeypatch.setattr(os, "fdopen", fdopen)


def test_convert_writes_every_file_or_none(capsys, tmp_path, monkeypatch):
    sources = [tmp_path / "qa1_a_train.txt", tmp_path / "qa1_b_train.txt"]
    for source in sources:
        source.write_text(STORIES)
    out = tmp_path / "yesno"
    arguments = ["convert", *map(str, sources), "--out", str(out)]
    assert run(capsys, *arguments)[0] == 0
    before = {path.name: path.read_text() for path in out.iterdir()}
    full_disk_on_the_second_file(monkeypatch)
    code, _, err = run(capsys, *arguments, "--seed", "1")
    assert (code, err) == (1, f"Error: cannot write {out}: No space left on device\n")
    assert {path.name: path.read_text() for path in out.iterdir()} == before  # one seed only
    monkeypatch.undo()
    assert run(capsys, *arguments, "--seed", "1")[0] == 0
    assert {path.name: path.read_text() for path in out.iterdir()} != before


def test_generate_overwrite_keeps_files_added_while_it_ran(tmp_path):
    out = tmp_path / "set"
    out.mkdir()
    (out / "qa6_yes-no-questions_train.txt").write_text("the old set")
    (out / "README.md").write_text("first words")

    def fill(folder: Path) -> None:
        (folder / "qa6_yes-no-questions_train.txt").write_text("the new set")
        (out / "notes.txt").write_text("written while generate ran")  # by the user, meanwhile
        (out / "README.md").write_text("changed while generate ran")

    write_set(out, fill, lambda name: name.startswith("qa6"), "a generated set", overwrite=True)
    assert sorted(os.listdir(out)) == ["README.md", "notes.txt", "qa6_yes-no-questions_train.txt"]
    assert (out / "notes.txt").read_text() == "written while generate ran"
    assert (out / "README.md").read_text() == "changed while generate ran"
    assert (out / "qa6_yes-no-questions_train.txt").read_text() == "the new set"
    assert os.listdir(tmp_path) == ["set"]
