"""Tests for `train --distribute` (chatbot.training.distribute): one process, mirrored on two
logical CPU devices and two local workers train the same tiny model, step for step.

Each run is a subprocess: logical devices and TF_CONFIG must be set before TensorFlow starts.
The runs go in parallel; one epoch of three steps (221 questions, batches of 80). A memory of
8 sentences makes every batch as wide: each run traces its training step once, not once for
each width (a run costs 40% less).
"""

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


def finish(process, timeout=600) -> str:
    _, stderr = process.communicate(timeout=timeout)
    assert process.returncode == 0, stderr[-3000:]
    return stderr


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


def test_a_worker_alone_fails_in_one_line_naming_the_address(tmp_path):
    ports = free_ports(2)
    started = time.monotonic()
    process = start(
        tmp_path / "alone", "multi-worker", tf_config_text=tf_config(ports, 0),
        CHATBOT_CLUSTER_TIMEOUT="5",
    )  # fmt: skip
    _, stderr = process.communicate(timeout=120)
    assert process.returncode != 0  # the watchdog ends it: TensorFlow blocks in C++
    lines = [line for line in stderr.splitlines() if line.startswith("Error")]
    assert lines == [
        f"Error: cannot reach the worker at 127.0.0.1:{ports[1]} (TF_CONFIG) within 5 s; "
        "start every worker, or check the addresses"
    ]
    assert time.monotonic() - started < 90
    assert not (tmp_path / "alone").exists()
