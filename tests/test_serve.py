"""`chatbot serve`: the HTTP API and page of a real server on a free loopback port.

The server runs a tiny untrained model (conftest's `tiny_model_dir`): its answers are arbitrary, so
the tests compare them with `chatbot ask --json` on the same model, never with the truth.
"""

import json
import socket
import sys
import threading

import pytest
from cli_runner import run
from served import Served

from chatbot.stories.world import TASKS

pytest.importorskip("starlette", reason="the web extra is not installed: pip install '.[web]'")
pytest.importorskip("uvicorn", reason="the web extra is not installed: pip install '.[web]'")

STORY = "Mary moved to the bathroom. John went to the hallway."
QUESTION = "Is Mary in the bathroom?"


@pytest.fixture(scope="module")
def tiny_model(tiny_model_dir):
    return tiny_model_dir


@pytest.fixture(scope="module")
def servers(tiny_model):
    """The server, and a second one with --cors, started side by side; the Ctrl-C test (the
    last to use the second) stops it."""
    yield from Served.side_by_side(
        ["--model", str(tiny_model)], ["--model", str(tiny_model), "--cors", "https://example.org"]
    )


@pytest.fixture(scope="module")
def server(servers):
    return servers[0]


def ask_json(capsys, model, story, question):
    """`chatbot ask --json` in-process (with `quick_load`, on the tiny model loaded once)."""
    code, out, _ = run(
        capsys, "ask", "--model", str(model), "--story", story, "--question", question, "--json"
    )
    return code, json.loads(out)


def test_ask_returns_what_ask_json_prints(server, tiny_model, capsys, quick_load):
    status, body = server.json("/api/ask", {"story": STORY, "question": QUESTION})
    code, expected = ask_json(capsys, tiny_model, STORY, QUESTION)
    assert (status, code) == (200, 0)
    assert body == expected
    assert body["answer"] in ("yes", "no", "maybe")
    assert [item["sentence"] for item in body["support"]] != []


def test_story_as_a_list_of_sentences_answers_alike(server):
    _, as_text = server.json("/api/ask", {"story": STORY, "question": QUESTION})
    sentences = ["Mary moved to the bathroom.", "John went to the hallway."]
    status, as_list = server.json("/api/ask", {"story": sentences, "question": QUESTION})
    assert status == 200
    assert as_list == as_text


def test_cannot_answer_is_422_with_the_same_json(server, tiny_model, capsys, quick_load):
    for question, unknown in [
        ("Is Mary in the bathrom?", ["bathrom"]),
        ("Is Zorblax in the bathroom?", []),
    ]:
        status, body = server.json("/api/ask", {"story": STORY, "question": question})
        code, expected = ask_json(capsys, tiny_model, STORY, question)
        assert (status, code) == (422, 3)
        assert body == expected
        assert body["answer"] is None and body["unknown_words"] == unknown
    assert body["reason"].startswith('the story never mentions "Zorblax"')


def test_a_question_that_needs_a_sentence_it_could_not_read_is_422(
    server, tiny_model, capsys, quick_load
):
    story = f"{STORY} Mary went to the hallway or the bedroom."
    status, body = server.json("/api/ask", {"story": story, "question": QUESTION})
    code, expected = ask_json(capsys, tiny_model, story, QUESTION)
    assert (status, code, body) == (422, 3, expected)
    assert body["reason"] == (
        'I could not read "Mary went to the hallway or the bedroom.", which is about Mary'
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "the body is not JSON"),
        (b"\xff\xfe\x00", "the body is not JSON"),
        (b"[" * 5000 + b"]" * 5000, "the body is not JSON"),
        ([STORY, QUESTION], "the body must be a JSON object"),
        ({"story": STORY}, "missing question"),
        ({"story": STORY, "question": QUESTION, "model": "x"}, "unknown model"),
        ({"story": STORY, "question": 7}, '"question" must be a string'),
        ({"story": {"a": 1}, "question": QUESTION}, '"story" must be text or a list'),
        ({"story": ["Mary went home.", 3], "question": QUESTION}, '"story" as a list must hold'),
        ({"story": STORY, "question": "Is " * 200}, "the question has 600 characters"),
        ({"story": "Mary went home. " * 1300, "question": QUESTION}, "the story has 20,800"),
        ({"story": ["Mary went home."] * 1001, "question": QUESTION}, "the story has 1,001 sen"),
    ],
)
def test_malformed_requests_are_400_with_an_error(server, body, message):
    status, reply = server.json("/api/ask", body)
    assert status == 400
    assert list(reply) == ["error"]
    assert reply["error"].startswith(message)


def test_a_body_over_the_cap_is_413(server):
    status, reply = server.json("/api/ask", b" " * (64 * 1024 + 1))
    assert status == 413
    assert reply == {"error": "the request body is over 65,536 bytes"}


def test_a_body_over_the_cap_without_a_length_is_413(server):
    """A chunked body (no Content-Length) is cut off as soon as it passes the cap."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
        connection.sendall(
            b"POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"a" * 16_384
        for _ in range(5):
            connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        reply = connection.recv(65536)
    assert reply.startswith(b"HTTP/1.1 413 ")


def test_info_says_what_chatbot_info_says(server, tiny_model, capsys):
    status, info = server.json("/api/info")
    assert status == 200
    code, out, _ = run(capsys, "info", "--model", str(tiny_model))
    assert out.splitlines()[0] == f"folder: {info['folder']}"
    assert f"answer_set: {', '.join(info['answer_set'])}" in out
    assert info["model"]["max_sentences"] == info["memory"] == 4
    assert info["vocabulary_size"] == info["model"]["vocabulary_size"]
    assert info["answers"] == ["yes", "no", "maybe"]
    assert [task["task"] for task in info["example_tasks"]] == sorted(TASKS)
    assert all(task["question"].endswith("?") for task in info["example_tasks"])
    known = {task["task"]: task["words_known"] for task in info["example_tasks"]}
    # The tiny model knows six sentences' words: every task's story has some verb it lacks.
    assert set(known.values()) == {False}
    code, out, _ = run(capsys, "info", "--model", str(tiny_model), "--json")
    assert info["forms"] == json.loads(out)["forms"] == ["Is Mary in the bathroom?"]


def test_example_is_a_generated_story_with_questions(server):
    status, example = server.json("/api/example?task=17")
    assert status == 200
    assert (example["task"], example["name"]) == (17, "qa17_positional-reasoning")
    assert example["story"] and all(s.endswith(".") for s in example["story"])
    assert example["questions"] and all(q.startswith("Is ") for q in example["questions"])
    status, example = server.json("/api/example")
    assert status == 200 and example["task"] in TASKS


def test_example_of_an_unknown_task_is_400(server):
    assert server.json("/api/example?task=99") == (
        400,
        {"error": f"no generator for task '99'; use one of {sorted(TASKS)}"},
    )


def test_health_and_unknown_routes(server):
    assert server.json("/healthz") == (200, {"status": "ok"})
    assert server.json("/api/nothing") == (404, {"error": "Not Found"})
    assert server.json("/api/ask") == (405, {"error": "Method Not Allowed"})


def test_the_page_fetches_nothing_from_elsewhere(server):
    status, headers, page = server.call("/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    for path in ("/static/app.js", "/static/style.css"):
        assert server.call(path)[0] == 200
    for text in (page, server.call("/static/app.js")[2], server.call("/static/style.css")[2]):
        assert b"http://" not in text and b"https://" not in text and b"//cdn" not in text
    assert b"innerHTML" not in server.call("/static/app.js")[2]


def test_no_cors_headers_by_default(server):
    status, headers, _ = server.call("/api/info", headers={"Origin": "https://example.org"})
    assert status == 200
    assert "Access-Control-Allow-Origin" not in headers


def test_requests_for_another_host_name_are_refused(server):
    status, _, body = server.call("/healthz", headers={"Host": "attacker.example"})
    assert status == 400
    assert server.call("/healthz", headers={"Host": f"localhost:{server.port}"})[0] == 200


def test_many_requests_at_once_get_their_own_answers(server):
    questions = [
        f"Is {name} in the {place}?"
        for name in ("Mary", "John")
        for place in ("bathroom", "hallway", "bedroom", "garden", "office")
    ]
    stories = [
        STORY,
        "John journeyed to the bedroom. Mary went back to the garden.",
        "Mary moved to the office. John went to the garden.",
    ]  # each mentions Mary and John: every question is answered
    requests = [
        {"story": stories[i % len(stories)], "question": questions[i % len(questions)]}
        for i in range(60)
    ]
    alone = {json.dumps(request): server.json("/api/ask", request) for request in requests}
    together = [None] * len(requests)

    def send(index):
        together[index] = server.json("/api/ask", requests[index])

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for request, (status, body) in zip(requests, together, strict=True):
        status_alone, body_alone = alone[json.dumps(request)]
        assert status == status_alone == 200
        assert body["answer"] == body_alone["answer"]
        assert body["confidence"] == pytest.approx(body_alone["confidence"], abs=1e-3)
        assert [s["sentence"] for s in body["support"]] == [
            s["sentence"] for s in body_alone["support"]
        ]


@pytest.fixture(scope="module")
def cors_server(servers):
    return servers[1]


def test_cors_only_for_the_origin_given(cors_server):
    _, headers, _ = cors_server.call("/api/info", headers={"Origin": "https://example.org"})
    assert headers["Access-Control-Allow-Origin"] == "https://example.org"
    _, headers, _ = cors_server.call("/api/info", headers={"Origin": "https://other.example"})
    assert "Access-Control-Allow-Origin" not in headers


def test_ctrl_c_finishes_the_request_in_flight_and_exits_0(cors_server):
    served = cors_server
    try:
        body = json.dumps({"story": STORY, "question": QUESTION}).encode()
        with socket.create_connection(("127.0.0.1", served.port), timeout=60) as connection:
            head = b"POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n"
            connection.sendall(head % len(body) + body[:10])  # the request is now in flight
            assert served.call("/healthz")[0] == 200  # the server has read what came before
            served.process.send_signal(2)  # SIGINT: Ctrl-C
            threading.Event().wait(1)  # the server is shutting down and waits for the request
            connection.sendall(body[10:])
            reply = b""
            while chunk := connection.recv(65536):
                reply += chunk
        out, err = served.process.communicate(timeout=60)
    finally:
        served.stop()
    assert reply.startswith(b"HTTP/1.1 200 ")
    assert json.loads(reply.split(b"\r\n\r\n", 1)[1])["answer"] in ("yes", "no", "maybe")
    assert served.process.returncode == 0
    assert out == "chatbot serve: stopped\n"
    assert "Traceback" not in err


def test_a_taken_port_is_a_one_line_error(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        code, out, err = run(capsys, "serve", "--port", port)
    assert code == 1
    assert err == (
        f"Error: cannot listen on 127.0.0.1:{port} (Address already in use); choose another "
        "--port, or a --host of this machine\n"
    )


def test_without_the_web_extra_it_says_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # makes `import uvicorn` fail
    monkeypatch.delitem(sys.modules, "chatbot.frontends.serve", raising=False)
    code, out, err = run(capsys, "serve")
    assert code == 1
    assert err == (
        "Error: chatbot serve needs Starlette and uvicorn: run pip install '.[web]' in the "
        "chatbot folder (or pip install starlette uvicorn)\n"
    )
