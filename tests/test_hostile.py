"""Hostile input: nothing of the user's is lost, no read is unbounded, every failure surfaces.

Every crafted file and folder is built here, in tmp_path; none is committed.
"""

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cli_runner import run
from fake_bot import FakeBot

import chatbot  # noqa: F401  (first: it keeps TensorFlow's start-up logs quiet)
from chatbot import untrusted
from chatbot.errors import ChatbotError
from chatbot.files import write_text_atomic
from chatbot.frontends.repl import Session
from chatbot.frontends.terminal import open_history
from chatbot.network.folder import load_model_dir, read_config, save_model_dir
from chatbot.stories import babi, summary
from chatbot.text import split_sentences
from chatbot.untrusted import read_story

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def tiny(tiny_model_dir) -> Path:
    return tiny_model_dir


@pytest.fixture
def model(tiny, tmp_path) -> Path:
    """A copy of the tiny model folder, to be damaged by a test."""
    return Path(shutil.copytree(tiny, tmp_path / "model"))


def one_line_error(err: str) -> bool:
    return err.startswith(("Error: ", "cannot answer: ")) and err.count("\n") == 1


# Replace only what is ours --------------------------------------------------------------------


def test_train_overwrite_refuses_a_folder_of_the_users_files(capsys, tmp_path, four_stories):
    victim = tmp_path / "victim"
    (victim / "sub").mkdir(parents=True)
    (victim / "sub" / "thesis.txt").write_text("years of work")
    code, out, err = run(
        capsys, "train", str(four_stories), "--out", str(victim), "--overwrite", "--epochs", "1"
    )
    assert (code, out) == (1, "") and one_line_error(err)
    assert f"{victim}: not a model folder (it holds sub)" in err
    assert (victim / "sub" / "thesis.txt").read_text() == "years of work"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["qa6_yes-no-questions_train.txt",
                                                                "victim"]  # fmt: skip


@pytest.mark.parametrize("out", [".", "..", "./", "sub/.."])
def test_train_refuses_the_current_folder_and_those_above(capsys, tmp_path, monkeypatch, out):
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "train", "generated", "--out", out, "--overwrite")
    assert code == 1 and one_line_error(err)
    assert "is the current folder or one above it" in err


def test_overwrite_replaces_a_model_folder_but_not_one_with_more_files(tiny, tmp_path):
    bundle = load_model_dir(tiny)
    target = Path(shutil.copytree(tiny, tmp_path / "m"))
    save_model_dir(bundle, target, overwrite=True)  # a model folder: replaced
    (target / "notes.txt").write_text("mine")
    with pytest.raises(ChatbotError, match=r"m: not a model folder \(it holds notes.txt\)"):
        save_model_dir(bundle, target, overwrite=True)
    assert (target / "notes.txt").read_text() == "mine"


def test_atomic_write_keeps_the_mode(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("old")
    path.chmod(0o600)
    write_text_atomic(path, "new")
    assert path.read_text() == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_atomic_write_refuses_what_is_not_a_regular_file(tmp_path):
    target = tmp_path / "target.txt"
    target.write_text("kept")
    (tmp_path / "link").symlink_to(target)
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "folder").mkdir()
    for name, kind in [("link", "a symbolic link"), ("fifo", "a FIFO"), ("folder", "a folder")]:
        with pytest.raises(ChatbotError, match=f"{name} is {kind}, not a regular file"):
            write_text_atomic(tmp_path / name, "new")
    assert target.read_text() == "kept"
    assert (tmp_path / "link").is_symlink() and stat.S_ISFIFO(os.lstat(tmp_path / "fifo").st_mode)
    assert sorted(os.listdir(tmp_path)) == ["fifo", "folder", "link", "target.txt"]


def dead_pid() -> int:
    done = subprocess.run(["true"], check=True)
    assert done.returncode == 0
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_the_next_write_removes_the_temporaries_of_a_killed_run(tmp_path):
    path = tmp_path / "story.txt"
    gone, alive = dead_pid(), os.getpid()
    (tmp_path / f".story.txt.{gone}.0a1b2c3d.tmp").write_text("half")
    (tmp_path / f".story.txt.{gone}.0a1b2c3e.tmp").mkdir()  # a folder's temporary
    (tmp_path / f".story.txt.{alive}.0a1b2c3f.tmp").write_text("being written")
    (tmp_path / ".other.txt.1.00000000.tmp").write_text("not ours to judge")
    write_text_atomic(path, "whole")
    assert sorted(os.listdir(tmp_path)) == [
        ".other.txt.1.00000000.tmp",
        f".story.txt.{alive}.0a1b2c3f.tmp",
        "story.txt",
    ]


def test_a_killed_save_leaves_no_temporary_folder_after_the_next(tiny, tmp_path):
    killed = tmp_path / f".m.{dead_pid()}.deadbeef.tmp"
    shutil.copytree(tiny, killed)  # what a run killed mid-save leaves
    save_model_dir(load_model_dir(tiny), tmp_path / "m")
    assert sorted(os.listdir(tmp_path)) == ["m"]


def test_save_onto_an_existing_file_needs_save_bang(tmp_path):
    session = Session(FakeBot())
    session.handle("Mary moved to the bathroom.")
    path = tmp_path / "story.txt"
    path.write_text("the user's file\n")
    [reply] = session.handle(f":save {path}")
    assert reply.text == f"{path} already exists; :save! {path} replaces it"
    assert path.read_text() == "the user's file\n"
    [reply] = session.handle(f":save! {path}")
    assert reply.text == f"saved 1 sentence to {path}"
    assert path.read_text() == "1 Mary moved to the bathroom.\n"


def test_generate_never_mixes_two_sets(capsys, tmp_path):
    out = tmp_path / "set"
    assert run(capsys, "generate", "--out", str(out), "--questions", "20", "--tasks", "6")[0] == 0
    (out / "README.md").write_text("how this set was made")
    first = (out / "qa6_yes-no-questions_train.txt").read_text()
    code, _, err = run(capsys, "generate", "--out", str(out), "--seed", "1", "--questions", "20")
    assert code == 1 and err == f"Error: {out} already exists; pass --overwrite to replace it\n"
    assert (out / "qa6_yes-no-questions_train.txt").read_text() == first
    args = ["generate", "--out", str(out), "--seed", "1", "--questions", "20", "--overwrite"]
    assert run(capsys, *args)[0] == 0
    names = sorted(os.listdir(out))
    assert len(names) == 16 and "README.md" in names  # 5 tasks x 3 splits, and the README kept
    assert (out / "README.md").read_text() == "how this set was made"
    assert (out / "qa6_yes-no-questions_train.txt").read_text() != first
    assert os.listdir(tmp_path) == ["set"]
    (out / "sub").mkdir()
    code, _, err = run(capsys, *args)
    assert code == 1 and "it holds sub besides a generated set" in err


# Bounded reads ----------------------------------------------------------------------------------


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_special_files_are_refused_without_reading(tmp_path, special):
    path = tmp_path / "fifo"
    if special == "fifo":
        os.mkfifo(path)  # opening it for reading would wait for a writer forever
    else:
        path = Path(special)
    kind = "a FIFO" if special == "fifo" else "a character device"
    with pytest.raises(ChatbotError, match=f"^{path} is {kind}, not a regular file; give a bAbI"):
        babi.read_stories(path)
    with pytest.raises(ChatbotError, match=f"^{path} is {kind}, not a regular file"):
        read_story(path)
    session = Session(FakeBot())
    [reply] = session.handle(f":load {path}")
    assert reply.text.startswith(f"{path} is {kind}")


def test_a_file_over_the_cap_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "qa6_big_train.txt"
    path.write_text("1 Mary moved to the bathroom.\n" * 10)
    monkeypatch.setattr(babi, "MAX_FILE_BYTES", 100)
    with pytest.raises(ChatbotError, match=r"is 300 bytes, over the 100 bytes I read; give a"):
        babi.read_stories(path)


def test_a_line_over_the_cap_is_named(tmp_path):
    path = tmp_path / "story.txt"
    line = "Mary moved to the bathroom. " * (untrusted.MAX_LINE_CHARACTERS // 28 + 1)
    path.write_text(f"Mary moved.\n{line}\n")
    message = f"^{path}, line 2: a line over 1,048,576 characters; break it into shorter lines$"
    with pytest.raises(ChatbotError, match=message):
        read_story(path)
    babi_path = tmp_path / "qa6_x_test.txt"
    babi_path.write_text(f"1 Mary moved.\n2 {line}\n")
    with pytest.raises(ChatbotError, match=f"^{babi_path}, line 2: a line over"):
        babi.read_stories(babi_path)


def test_a_long_word_is_refused_with_file_and_line_and_shortened(tmp_path, capsys):
    path = tmp_path / "qa6_x_test.txt"
    path.write_text("1 Mary moved.\n2 Is " + "x" * 500_000 + "?\tyes\t1\n")
    code, out, err = run(capsys, "evaluate", str(path))
    assert (code, out) == (1, "")
    assert err == (
        f'Error: {path}, line 2: the word "{"x" * 37}..." has 500,001 characters, over the 100 '
        "I read; is it a word?\n"
    )  # the whole word is "xxx...?", its question mark included


def test_cr_only_line_ends_are_read(tmp_path):
    path = tmp_path / "qa6_x_test.txt"
    path.write_bytes(b"1 Mary moved to the bathroom.\r2 Is Mary in the bathroom?\tyes\t1\r")
    [story] = babi.read_stories(path)
    assert [line.text for line in story.lines] == ["Mary moved to the bathroom.",
                                                   "Is Mary in the bathroom?"]  # fmt: skip


def test_a_story_over_the_sentence_cap_is_refused():
    story = "Mary moved. " * (untrusted.MAX_STORY_SENTENCES + 1)
    assert len(split_sentences("Mary moved. " * untrusted.MAX_STORY_SENTENCES, limit=4096)) == 4096
    with pytest.raises(ChatbotError, match="the story has more than 4,096 sentences"):
        split_sentences(story, limit=untrusted.MAX_STORY_SENTENCES)


def test_the_splitter_reads_a_long_line_in_one_pass():
    line = "Mary moved to 3.5 rooms" * 40_000 + "."  # a million characters, one sentence
    [sentence] = split_sentences(line)
    assert sentence == line


def test_the_typed_story_and_its_undo_are_bounded(monkeypatch):
    monkeypatch.setattr("chatbot.frontends.repl.MAX_STORY_SENTENCES", 3)
    session = Session(FakeBot())
    for _ in range(3):
        assert session.handle("Mary moved to the bathroom.") == []
    [reply] = session.handle("Mary moved to the bathroom.")
    assert reply.text == "the story has 3 sentences, the most I keep; :reset starts a new one"
    assert len(session._undo) <= 100


def test_load_with_an_absurd_story_number_is_a_notice(four_stories):
    session = Session(FakeBot())
    [reply] = session.handle(f":load {four_stories} {'9' * 1000}")
    assert reply.text == f"{four_stories} holds 4 stories; choose N from 1 to 4"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["generate", "--out", "x", "--questions", "99999999999999999999"],
         "Error: --questions must be at most 1,000,000 (questions per task); "
         "got 99,999,999,999,999,999,999"),
        (["train", "generated", "--out", "x", "--epochs", "1000000"],
         "Error: epochs must be at most 10,000; received 1,000,000"),
        (["train", "generated", "--out", "x", "--batch-size", "10000000"],
         "Error: batch size must be at most 65,536; received 10,000,000"),
        (["train", "generated", "--out", "x", "--seed", str(2**40)],
         f"Error: seed must be at most 4,294,967,295; received {2**40:,}"),
    ],
)  # fmt: skip
def test_count_options_have_an_upper_bound(capsys, tmp_path, monkeypatch, arguments, message):
    monkeypatch.chdir(tmp_path)
    assert run(capsys, *arguments) == (2, "", message + "\n")
    assert os.listdir(tmp_path) == []


def test_mistakes_has_an_upper_bound(capsys):
    code, _, err = run(capsys, "evaluate", "x.txt", "--mistakes", "100000")
    assert code == 2 and "100000 is not in the range 0<=x<=10000" in err


# Every failure surfaces -------------------------------------------------------------------------


def chat(model: Path, script: bytes, tmp_path: Path) -> subprocess.CompletedProcess:
    return chats(model, [script], tmp_path)[0]


def chats(model: Path, scripts: list[bytes], tmp_path: Path) -> list[subprocess.CompletedProcess]:
    """`chatbot chat` on each script, the sessions side by side (each loads TensorFlow), each
    with a home of its own (the first's is `tmp_path`)."""
    homes = [tmp_path, *(tmp_path / f"home{index}" for index in range(1, len(scripts)))]
    command = [sys.executable, "-m", "chatbot", "chat", "--model", str(model)]
    processes = []
    for home in homes:
        home.mkdir(exist_ok=True)
        env = dict(os.environ, HOME=str(home), PYTHONPATH=str(ROOT))
        processes.append(
            subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env)
        )  # fmt: skip
    done = []
    for process, script in zip(processes, scripts, strict=True):
        try:
            out, err = process.communicate(script, timeout=300)
        finally:
            process.kill()
        done.append(subprocess.CompletedProcess(command, process.returncode, out, err))
    return done


@pytest.mark.parametrize("script", [b"Mary moved to the bathroom.\n", b":quit\n", b""])
def test_chat_with_an_unloadable_model_exits_1_even_without_a_question(model, tmp_path, script):
    (model / "model.keras").write_bytes(b"PK\x03\x04 not really a zip archive")
    done = chat(model, script, tmp_path)
    assert done.returncode == 1
    err = done.stderr.decode().splitlines()[-1]
    assert err.startswith(f"Error: cannot load {model}/model.keras: it is damaged")
    assert done.stdout == b""


def test_quitting_chat_while_the_model_loads_exits_0(tiny, tmp_path):
    for done in chats(tiny, [b":quit\n", b""], tmp_path):
        assert (done.returncode, done.stdout) == (0, b"")


def test_an_unexpected_exception_is_one_line_and_exit_1(capsys, four_stories, monkeypatch):
    def broken(stories):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(summary, "summarize", broken)
    monkeypatch.delenv("CHATBOT_DEBUG", raising=False)
    assert run(capsys, "inspect", str(four_stories)) == (
        1, "", "Error: internal error: RuntimeError: boom; please report it\n"
    )  # fmt: skip
    code, out, err = run(capsys, "--debug", "inspect", str(four_stories))
    assert code == 1 and "Traceback (most recent call last)" in err
    assert err.endswith("Error: internal error: RuntimeError: boom; please report it\n")


# Crafted model folders --------------------------------------------------------------------------


def deep(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("config.json", deep(100_000), "JSON nested deeper than 32 levels"),
        ("metadata.json", '{"a": ' + deep(40) + "}", "JSON nested deeper than 32 levels"),
        ("vocabulary.json", deep(5000), "JSON nested deeper than 32 levels"),
        ("config.json", '{"model": ' + "9" * 5000 + "}", "a number of 5,000 digits"),
        ("metadata.json", '{"x": 1e999}', "the number 1e999... is out of range"),
        ("metadata.json", '{"x": NaN}', "NaN is not a number JSON allows"),
    ],
)
def test_crafted_json_is_refused_in_one_line(capsys, model, name, content, message):
    (model / name).write_text(content)
    code, out, err = run(capsys, "ask", "--model", str(model), "--story", "Mary moved.",
                         "--question", "Is Mary in the bathroom?")  # fmt: skip
    assert (code, out) == (1, "") and one_line_error(err)
    assert message in err


@pytest.mark.parametrize("value", [10**12, 1e12, 0, True, "20"])
def test_out_of_range_sizes_are_refused(model, value):
    config = json.loads((model / "config.json").read_text())
    config["model"]["max_sentences"] = value
    (model / "config.json").write_text(json.dumps(config))
    with pytest.raises(ChatbotError, match="model max_sentences must be (at most 4,096|a whole)"):
        read_config(model)


def test_a_zip_bomb_in_model_keras_is_refused_before_keras_reads_it(model):
    with zipfile.ZipFile(model / "model.keras", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", " " * (20 << 20))  # 20 MB of spaces: a few KB zipped
        archive.writestr("metadata.json", "{}")
    assert (model / "model.keras").stat().st_size < 100_000
    with pytest.raises(ChatbotError, match="config.json unpacks to over 16 MB"):
        load_model_dir(model)


def test_a_damaged_archive_says_damaged(model):
    (model / "model.keras").write_bytes(b"not a zip at all")
    with pytest.raises(ChatbotError, match="it is damaged or not a Keras model"):
        load_model_dir(model)


# History, escapes, bytes ------------------------------------------------------------------------


def test_history_is_private(tmp_path):
    path = tmp_path / "state" / "chatbot" / "history"
    assert open_history(path) is None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_history_that_cannot_be_opened_is_named(tmp_path):
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "fifo")
    assert open_history(tmp_path / "folder") == f"cannot open {tmp_path}/folder (Is a directory)"
    assert open_history(tmp_path / "fifo") == f"{tmp_path}/fifo is not a regular file"


def test_terminal_history_falls_back_to_memory_with_a_notice(tmp_path, monkeypatch):
    from prompt_toolkit.history import InMemoryHistory

    from chatbot.frontends import terminal

    (tmp_path / "history").mkdir()
    monkeypatch.setenv("CHATBOT_HISTORY", str(tmp_path / "history"))
    shown, made = [], []

    class Prompt:
        def __init__(self, history, **options):
            made.append(history)

        def prompt(self, text):
            raise EOFError

    monkeypatch.setattr("prompt_toolkit.PromptSession", Prompt)
    monkeypatch.setattr(
        "prompt_toolkit.print_formatted_text", lambda text, style: shown.append(text)
    )
    terminal.run_terminal(Session(FakeBot()))
    assert isinstance(made[0], InMemoryHistory)
    assert "history will not be kept: cannot open" in "".join(text for _, text in shown[0])


def test_info_escapes_what_metadata_holds(capsys, model):
    metadata = json.loads((model / "metadata.json").read_text() or "{}")
    metadata["note"] = "\x1b[2J\x1b]0;owned\x07clear\nfake line"
    (model / "metadata.json").write_text(json.dumps(metadata))
    code, out, err = run(capsys, "info", "--model", str(model))
    assert code == 0 and "\x1b" not in out and "\x07" not in out
    assert "note: \\u001b[2J\\u001b]0;owned\\u0007clear\\u000afake line" in out


def test_file_names_with_escapes_are_printed_escaped(capsys, tmp_path):
    path = tmp_path / "qa6_\x1b[31mred_test.txt"
    path.write_text("1 Mary moved to the bathroom.\n2 Is Mary in the bathroom?\tyes\t1\n")
    code, out, err = run(capsys, "inspect", str(path))
    assert code == 0 and "\x1b" not in out and "qa6_\\u001b[31mred_test.txt" in out
    code, out, err = run(capsys, "inspect", str(tmp_path / "gone\x1b[2J"))
    assert code == 1 and "\x1b" not in err and "gone\\u001b[2J" in err


def test_a_question_with_invalid_bytes_is_refused_naming_them(capsys):
    question = b"Is Mary in the \xff\xfekitchen?".decode("utf-8", "surrogateescape")
    code, out, err = run(capsys, "ask", "--story", "Mary moved.", "--question", question)
    assert (code, out) == (2, "")
    assert err == (
        "Error: --question holds bytes that are not UTF-8 text (0xff, 0xfe); "
        "type it again as plain text\n"
    )


def test_train_progress_has_no_colour_when_stdout_is_not_a_terminal(capsys, monkeypatch):
    calls = []
    monkeypatch.setattr(
        "chatbot.training.train.train", lambda *args, **keywords: calls.append(keywords)
    )
    assert run(capsys, "train", "generated", "--out", "x")[0] == 0
    assert calls[0]["verbose"] == 2  # Keras' one line per epoch, without ANSI colours
