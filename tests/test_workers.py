"""`chatbot serve --workers N` (chatbot.frontends.workers): N processes answering on one port.

Each test starts real worker processes (TensorFlow in each) on the tiny untrained model.
"""

import signal
import socket
from pathlib import Path

import pytest
from cli_runner import run
from served import Served

pytest.importorskip("starlette", reason="the web extra is not installed: pip install '.[web]'")
pytest.importorskip("uvicorn", reason="the web extra is not installed: pip install '.[web]'")

ASK = {"story": "Mary moved to the bathroom.", "question": "Is Mary in the bathroom?"}


def worker_pids(served: Served, tries: int = 200) -> set[int]:
    """The pids /api/info names, over new connections, until two differ (or `tries` end)."""
    pids = set()
    for _ in range(tries):
        status, info = served.json("/api/info")  # urllib opens a new connection each time
        assert (status, info["workers"]) == (200, 2)
        pids.add(info["pid"])
        if len(pids) == 2:
            break
    return pids


def parent_of(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("PPid:")))


def gone(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists()


@pytest.mark.parametrize(
    "stop",
    [signal.SIGINT, pytest.param(signal.SIGTERM, marks=pytest.mark.slow)],
    ids=["ctrl-c", "terminate"],
)
def test_two_workers_answer_on_one_port_and_stop_together(tiny_model_dir, stop):
    with Served("--model", str(tiny_model_dir), "--workers", "2") as served:
        pids = worker_pids(served)
        assert len(pids) == 2  # both processes answered
        assert {parent_of(pid) for pid in pids} == {served.process.pid}
        status, answer = served.json("/api/ask", ASK)
        assert status == 200 and answer["answer"] in ("yes", "no", "maybe")
        served.process.send_signal(stop)
        out, err = served.process.communicate(timeout=120)
    assert served.process.returncode == 0
    assert out == "chatbot serve: stopped\n"
    assert "Traceback" not in err
    assert all(gone(pid) for pid in pids)


def test_a_taken_port_is_a_one_line_error_before_any_worker_starts(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        code, out, err = run(capsys, "serve", "--port", port, "--workers", "2")
    assert code == 1
    assert err == (
        f"Error: cannot listen on 127.0.0.1:{port} (Address already in use); choose another "
        "--port, or a --host of this machine\n"
    )


def test_a_worker_that_cannot_load_the_model_stops_the_server_with_its_error(tmp_path, capsys):
    code, out, err = run(capsys, "serve", "--port", "0", "--workers", "2", "--model", str(tmp_path))
    assert code == 1
    assert err.startswith("Error: ") and str(tmp_path) in err
    assert err.count("\n") == 1
    assert out == ""
