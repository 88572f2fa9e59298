"""Tests for `train --distribute` (chatbot.training.distribute): one process, mirrored on two
logical CPU devices and two local workers train the same tiny model, step for step; a worker
alone, and a worker killed mid-epoch, stop the run in one line.

Each run is a subprocess: logical devices and TF_CONFIG must be set before TensorFlow starts.
The first two tests share one set of runs, side by side: one epoch of three steps (221
questions, batches of 80). A memory of 8 sentences makes every batch as wide: each run traces
its training step once, not once for each width (a run costs 40% less). docs/SCALING.md says
what is tested and what is not.
"""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import chatbot  # noqa: F401  (first: it keeps TensorFlow's start-up logs quiet)
from chatbot.network.folder import load_model_dir

ROOT = Path(__file__).resolve().parent.parent
TRAIN = """
import sys
from chatbot.config import TrainConfig
from chatbot.training.train import train
settings = TrainConfig(epochs=1, batch_size=80, generated_questions=12, validation_split=0.25,
                       memory=8)
train(["generated"], sys.argv[1], settings, verbose=0, distribute=sys.argv[2],
      devices=int(sys.argv[3]) if sys.argv[3:] else None,
      model_options={"embedding_dim": 4, "hidden_dim": 8, "blocks": 1, "heads": 1})
"""
# `chatbot train ARGUMENTS...` as the program runs it, the model made tiny (no option sets that).
CLI = """
import sys
from chatbot.frontends.native_log import filter_native_log
with filter_native_log():  # as `chatbot` does, before TensorFlow starts
    import chatbot.training.train as training
    from chatbot.cli import main
    original = training.train
    def tiny(*arguments, model_options=None, **options):
        tiny = {"embedding_dim": 4, "hidden_dim": 8, "blocks": 1, "heads": 1}
        return original(*arguments, model_options={**(model_options or {}), **tiny}, **options)
    training.train = tiny
    main(["train", *sys.argv[1:]])
"""
pytestmark = pytest.mark.slow


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for one in sockets:
        one.bind(("127.0.0.1", 0))
    ports = [one.getsockname()[1] for one in sockets]
    for one in sockets:
        one.close()
    return ports


def tf_config(ports, index: int) -> str:
    workers = [f"127.0.0.1:{port}" for port in ports]
    return json.dumps({"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}})


def start(out, *arguments, tf_config_text=None, **variables):
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **variables}
    if tf_config_text:
        environment["TF_CONFIG"] = tf_config_text
    return subprocess.Popen(
        [sys.executable, "-c", TRAIN, str(out), *arguments],
        env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def finish(process, timeout=1200) -> str:
    """Its standard output, once it has ended well."""
    stdout, stderr = process.communicate(timeout=timeout)
    assert process.returncode == 0, stderr[-3000:]
    return stdout


@contextlib.contextmanager
def ended(processes):
    """The block, then any of `processes` still running killed (a test that failed)."""
    try:
        yield
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.communicate()


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """{"one" | "mirrored" | "workers": model folder}, trained side by side.

    "one" is one process and one replica through the same training step (`mirrored` on one
    device); `none` (Keras' fit) updates the embeddings differently (docs/SCALING.md).
    """
    folder = tmp_path_factory.mktemp("distribute")
    ports = free_ports(2)
    runs = {
        "one": [start(folder / "one", "mirrored", "1")],
        "mirrored": [start(folder / "mirrored", "mirrored", "2")],
        "workers": [
            start(folder / "workers", "multi-worker", tf_config_text=tf_config(ports, index))
            for index in range(2)
        ],
    }
    with ended([process for processes in runs.values() for process in processes]):
        for processes in runs.values():
            for process in processes:
                finish(process)
    return {name: folder / name for name in runs}


def test_the_first_three_steps_give_the_same_weights_on_any_replicas(trained):
    weights = {name: load_model_dir(path).model.get_weights() for name, path in trained.items()}
    for name in ("mirrored", "workers"):
        for one, other in zip(weights["one"], weights[name], strict=True):
            np.testing.assert_allclose(other, one, atol=1e-5, err_msg=name)


def test_the_chiefs_folder_answers_as_a_one_process_model(trained):
    from chatbot.answering.bot import Chatbot

    one, chiefs = Chatbot.load(trained["one"]), Chatbot.load(trained["workers"])
    story = "Mary went to the kitchen. John moved to the garden. Mary travelled to the office."
    for question in ("Is Mary in the office?", "Is John in the kitchen?", "Is Mary in the garden?"):
        mine, theirs = (
            chiefs.answer(story, question).to_json(),
            one.answer(story, question).to_json(),
        )
        assert mine["answer"] == theirs["answer"]
        assert mine["confidence"] == pytest.approx(theirs["confidence"], abs=1e-4)
    # the other worker wrote nothing beside the chief's folder
    assert sorted(path.name for path in trained["workers"].parent.iterdir()) == sorted(trained)


def start_cli(arguments, tf_config_text, tmp_path, **variables):
    """`chatbot train ARGUMENTS...` (a tiny model) as one worker of TF_CONFIG's cluster."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CONFIG": tf_config_text, **variables}
    environment["TMPDIR"] = str(tmp_path / "tmp")  # where a worker other than the chief trains
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-c", CLI, *arguments],
        env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_a_worker_alone_fails_in_one_line_naming_the_address(tmp_path):
    ports = free_ports(2)
    started = time.monotonic()
    arguments = ["generated", "--out", str(tmp_path / "alone"), "--distribute", "multi-worker"]
    process = start_cli(arguments, tf_config(ports, 0), tmp_path, CHATBOT_CLUSTER_TIMEOUT="5")
    _, stderr = process.communicate(timeout=120)
    assert process.returncode != 0  # the watchdog ends it: TensorFlow blocks in C++
    assert stderr.splitlines() == [
        f"Error: cannot reach the worker at 127.0.0.1:{ports[1]} (TF_CONFIG) within 5 s; "
        "start every worker, or check the addresses"
    ]
    assert time.monotonic() - started < 90  # TensorFlow's start, and the 5 s
    assert [path.name for path in tmp_path.iterdir()] == ["tmp"]


def test_a_worker_killed_mid_epoch_stops_the_other_in_one_line_and_resume_finishes(tmp_path):
    out, partial = tmp_path / "model", tmp_path / "model.partial"
    arguments = [
        "generated", "--out", str(out), "--epochs", "4", "--batch-size", "16", "--questions",
        "12", "--validation-split", "0.25", "--distribute", "multi-worker",
    ]  # fmt: skip
    ports = free_ports(2)
    workers = [start_cli(arguments, tf_config(ports, index), tmp_path) for index in (0, 1)]
    with ended(workers):
        chief, other = workers
        deadline = time.monotonic() + 1200
        while not (partial / "state.json").exists():  # the first epoch is checkpointed
            assert chief.poll() is None, chief.communicate()
            assert time.monotonic() < deadline, "no epoch checkpointed in 1200 s"
            time.sleep(0.1)
        other.kill()  # in the second epoch: its steps wait for the other worker
        other.communicate()
        killed = time.monotonic()
        _, stderr = chief.communicate(timeout=600)
    noticed = time.monotonic() - killed
    assert chief.returncode == 1, stderr
    assert stderr.splitlines() == [
        "Error: training stopped: another worker is gone (UnavailableError); restart every "
        "worker with --resume"
    ], f"{stderr} after {noticed:.0f} s"
    assert not out.exists()
    assert json.loads((partial / "state.json").read_text())["epoch"] < 4
    own_folders = set((tmp_path / "tmp").glob("chatbot-worker-*"))  # the killed worker's

    ports = free_ports(2)
    resumed = [start_cli([*arguments, "--resume"], tf_config(ports, i), tmp_path) for i in (0, 1)]
    with ended(resumed):
        outputs = [finish(process) for process in resumed]
    assert all("resuming after epoch" in output for output in outputs), outputs
    assert json.loads((out / "metadata.json").read_text())["training"]["epochs"] == 4
    assert sorted(path.name for path in tmp_path.iterdir()) == ["model", "tmp"]
    assert set((tmp_path / "tmp").glob("chatbot-worker-*")) == own_folders
