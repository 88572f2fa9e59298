"""Tests for chatbot.training.work_folder and the writes of `chatbot train`: a folder we did not
make is never emptied or followed, one writer at a time, and a refused write is one line that
names the user's target and leaves no temporary behind."""

import errno
import os
from pathlib import Path

import pytest
from cli_runner import run

import chatbot  # noqa: F401  (first: it keeps TensorFlow's start-up logs quiet)
from chatbot.errors import ChatbotError
from chatbot.network.folder import save_model_dir
from chatbot.training.checkpoints import SaveProgress
from chatbot.training.work_folder import MARKER, WorkFolder, work_folder


def users_folder(path: Path) -> Path:
    (path / "drafts").mkdir(parents=True)
    (path / "thesis.txt").write_text("years of work")
    (path / "drafts" / "chapter1.txt").write_text("more work")
    return path


def untouched(path: Path) -> bool:
    return (path / "thesis.txt").read_text() == "years of work" and (
        path / "drafts" / "chapter1.txt"
    ).read_text() == "more work"


@pytest.mark.parametrize("overwrite", [[], ["--overwrite"]])
def test_train_never_empties_a_partial_folder_of_the_users(
    capsys, tmp_path, four_stories, overwrite
):
    out = tmp_path / "notes"
    users_folder(work_folder(out))
    code, stdout, err = run(
        capsys, "train", str(four_stories), "--out", str(out), "--epochs", "1", *overwrite
    )
    assert (code, stdout) == (1, "")
    assert err == (
        f"Error: {work_folder(out)} is not a work folder of chatbot train (it holds drafts, "
        "thesis.txt), and I empty only folders I made: move it away or choose another --out\n"
    )
    assert untouched(work_folder(out)) and not out.exists()
    assert not (work_folder(out) / MARKER).exists()


def test_train_never_follows_a_link_in_place_of_the_partial_folder(capsys, tmp_path, four_stories):
    victim = users_folder(tmp_path / "victim")
    out = tmp_path / "model"
    work_folder(out).symlink_to(victim)
    code, _, err = run(capsys, "train", str(four_stories), "--out", str(out), "--epochs", "1")
    assert code == 1
    assert err == (
        f"Error: {work_folder(out)} is a symbolic link; I keep checkpoints only in a folder I "
        "made there: move it away or choose another --out\n"
    )
    assert untouched(victim) and sorted(os.listdir(victim)) == ["drafts", "thesis.txt"]


def test_a_second_writer_of_the_same_out_is_refused_at_once(capsys, tmp_path, four_stories):
    out = tmp_path / "model"
    with WorkFolder(out) as first:
        (first.path / "checkpoint-1.keras").write_bytes(b"the first run's")
        code, _, err = run(capsys, "train", str(four_stories), "--out", str(out), "--epochs", "1")
        assert code == 1
        assert err == (
            f"Error: another chatbot train (process {os.getpid()}) is writing {out}: wait for it "
            "to end or choose another --out\n"
        )
        assert (first.path / "checkpoint-1.keras").read_bytes() == b"the first run's"
    with WorkFolder(out):  # released: the next run may go on
        pass


def test_a_work_folder_we_made_is_marked_and_an_older_one_of_checkpoints_is_taken(tmp_path):
    made = WorkFolder(tmp_path / "new")
    assert made.created and (made.path / MARKER).read_text() == f"{os.getpid()}\n"
    made.release()
    older = work_folder(tmp_path / "old")
    older.mkdir()
    for name in ["state.json", "checkpoint-3.keras", "random-3.npz", "best-2.npz"]:
        (older / name).write_bytes(b"")
    with WorkFolder(tmp_path / "old") as claimed:
        assert not claimed.created and (older / MARKER).is_file()


class FullDisk:
    """A model whose save writes part of the file, then finds the disk full."""

    stop_training = False
    variables = []

    def save(self, path):
        Path(path).write_bytes(b"x" * 1000)
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_while_checkpointing_names_out_and_leaves_no_temporary(tmp_path):
    out = tmp_path / "model"
    with WorkFolder(out) as claimed:
        progress = SaveProgress(claimed.path, "run", stopping=None, state=None)
        progress.set_model(FullDisk())
        progress.on_epoch_begin(0)
        with pytest.raises(ChatbotError) as raised:
            progress.on_epoch_end(0, {"loss": 1.0})
        assert str(raised.value) == (
            f"cannot write {out}: No space left on device; choose a writable `out`"
        )
        assert sorted(os.listdir(claimed.path)) == [MARKER]


def test_a_full_disk_while_saving_the_model_folder_names_it_not_a_temporary(
    tiny_bundle, tmp_path, monkeypatch
):
    bundle = tiny_bundle()
    out = tmp_path / "model"

    def full(path, *args, **keywords):
        Path(path).write_bytes(b"x" * 1000)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(bundle.model, "save", full)
    with pytest.raises(ChatbotError, match=f"^cannot write {out}: No space left on device$"):
        save_model_dir(bundle, out)
    assert os.listdir(tmp_path) == []
