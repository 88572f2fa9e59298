"""`chatbot serve` under attack: no client input gets a 5xx, idle and slow connections are
timed out and never lock others out, `--host` is checked, and shutdown prints no traceback.

One real server (a copy of conftest's tiny model, its metadata.json and config.json holding a
lone surrogate and a "folder" key) serves every test, a second one on 127.0.0.2 started beside
it; the last test stops it with Ctrl-C while slow requests are in flight and reads everything
it printed.
"""

import json
import shutil
import socket
import threading
import time

import pytest
from cli_runner import run
from served import Served

from chatbot.stories.world import words

pytest.importorskip("starlette", reason="the web extra is not installed: pip install '.[web]'")
pytest.importorskip("uvicorn", reason="the web extra is not installed: pip install '.[web]'")

QUESTION = "Is Mary in the bathroom?"


@pytest.fixture(scope="module")
def model(tiny_model_dir, tmp_path_factory):
    folder = shutil.copytree(tiny_model_dir, tmp_path_factory.mktemp("hostile") / "model")
    metadata = json.loads((folder / "metadata.json").read_text())
    metadata.update({"note": "half a pair: \ud800", "folder": "/etc"})
    (folder / "metadata.json").write_text(json.dumps(metadata))  # "\ud800" escaped: valid JSON
    config = json.loads((folder / "config.json").read_text())
    config["model"]["form_temperatures"] = {"is NAME in the \udc00": 1.0}
    (folder / "config.json").write_text(json.dumps(config))
    return folder


@pytest.fixture(scope="module")
def servers(model):
    """The server, and one on another loopback address, started side by side."""
    yield from Served.side_by_side(
        ["--model", str(model)], ["--model", str(model), "--host", "127.0.0.2"]
    )


@pytest.fixture(scope="module")
def server(servers):
    return servers[0]


@pytest.mark.parametrize(
    "body, status, message",
    [
        ({"story": "Mary went to the \ud800.", "question": QUESTION}, 400,
         '"story" holds \\ud800, half of a surrogate pair and no character'),
        ({"story": ["Mary went home."], "question": "Is \udfff home?"}, 400,
         '"question" holds \\udfff'),
        ({"story": "Go. " * 4097, "question": QUESTION}, 400,
         "the story has more than 4,096 sentences, the most I read"),
    ],
)  # fmt: skip
def test_hostile_bodies_are_400_not_500(server, body, status, message):
    code, reply = server.json("/api/ask", json.dumps(body).encode())  # surrogates as \uXXXX
    assert code == status and reply["error"].startswith(message)


def test_a_story_naming_too_many_is_answered_not_500(server):
    names = (words.FEMALE + words.MALE)[:45]
    story = " ".join(f"{name} moved to the bathroom." for name in names)
    code, reply = server.json("/api/ask", {"story": story, "question": QUESTION})
    assert code in (200, 422), reply


def test_info_with_surrogates_in_the_folder_works_and_names_the_real_folder(server, model):
    code, info = server.json("/api/info")
    assert code == 200
    assert info["folder"] == str(model) and info["note"] == "half a pair: \ud800"


def test_a_client_that_leaves_mid_body_is_no_error(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=60) as connection:
        head = b"POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 500\r\n\r\n"
        connection.sendall(head + b'{"story": "Ma')
    assert server.call("/healthz")[0] == 200  # stderr is read by the last test


def test_idle_and_slow_connections_are_closed(server):
    silent = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    slow = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    started = time.monotonic()
    try:
        slow.sendall(b"GET /healthz HTTP/1.1\r\n")
        closed = {"silent": None, "slow": None}

        def wait(name, connection):
            while True:
                try:
                    if connection.recv(1024) == b"":
                        break
                except OSError:
                    break
            closed[name] = time.monotonic() - started

        waiters = [threading.Thread(target=wait, args=item) for item in
                   (("silent", silent), ("slow", slow))]  # fmt: skip
        for waiter in waiters:
            waiter.start()
        while waiters[1].is_alive() and time.monotonic() - started < 25:
            slow.sendall(b"X")  # one byte of a header line a second: never a whole head
            time.sleep(1)
        for waiter in waiters:
            waiter.join(30)
    finally:
        silent.close()
        slow.close()
    assert closed["silent"] is not None and closed["silent"] < 20
    assert closed["slow"] is not None and closed["slow"] < 20


def test_a_thousand_idle_sockets_do_not_lock_others_out(server):
    idle = []
    try:
        for _ in range(1000):
            idle.append(socket.create_connection(("127.0.0.1", server.port), timeout=30))
        statuses = []

        def client():
            for _ in range(5):
                statuses.append(server.call("/api/ask", {"story": ["Mary went home."],
                                                         "question": QUESTION})[0])  # fmt: skip

        clients = [threading.Thread(target=client) for _ in range(10)]
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join(120)
    finally:
        for connection in idle:
            connection.close()
    assert len(statuses) == 50 and set(statuses) <= {200, 422}


def test_an_empty_host_is_refused_in_one_line(capsys):
    code, out, err = run(capsys, "serve", "--host", "")
    assert (code, out) == (2, "")
    assert err == (
        "Error: --host is empty; give an address of this machine, like 127.0.0.1 (this machine "
        "only) or 0.0.0.0 (every network it is on)\n"
    )


def test_another_loopback_address_answers_requests_naming_it(servers):
    served = servers[1]
    assert served.url.startswith("http://127.0.0.2:")
    assert served.call("/healthz")[0] == 200
    assert served.call("/healthz", headers={"Host": "evil.example"})[0] == 400


def test_ctrl_c_with_slow_requests_in_flight_prints_no_traceback(server):
    head = b"POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 500\r\n\r\n"
    slow = [socket.create_connection(("127.0.0.1", server.port), timeout=60) for _ in range(6)]
    try:
        for connection in slow:
            connection.sendall(head + b'{"story": ')  # the rest never comes
        assert server.call("/healthz")[0] == 200
        code, out, err = server.interrupt(timeout=60)
    finally:
        for connection in slow:
            connection.close()
    assert code == 0 and out == "chatbot serve: stopped\n"
    assert "Traceback" not in err and "Error" not in err, err
