"""`chatbot serve --workers N`: N processes answering on one port, each with its own model.

One Python process answers with one core at a time (the GIL), so a second core needs a second
process. Each worker is a fresh interpreter (started as a command, never a fork of a process
that runs TensorFlow's threads) that loads the model and runs the same server as `chatbot
serve` alone: `serve.serve_on`, with the same app, uvicorn protocol and limits.

Why a socket per worker (SO_REUSEPORT) rather than one shared socket (what uvicorn's own
`--workers` and gunicorn do): on a shared socket, the worker that wakes first accepts every
connection waiting (asyncio accepts in a loop), so a burst of clients lands on one process while
the others idle; with a socket each, the kernel spreads new connections over the workers by
their addresses. And why not uvicorn's workers at all: they rebuild the app from an import string
in each process, which would bypass the protocol class and limits `serve_on` builds at run time
(`connections.guarded`, `RequestLimit`). The hardening holds per worker, and the totals hold for
the server: each worker takes 1/N of `connections.MAX_CONNECTIONS` and `MAX_REQUESTS`. Linux
lets only sockets of the same user join a port's group, so no other user's program can take a
share of the connections.

The parent binds every socket first (a taken port fails at once, and a client that connects
while the models load waits in a backlog), starts the workers, and reports the URL when every
model is loaded. Ctrl-C or SIGTERM: it asks each worker to stop (SIGTERM, uvicorn's graceful
shutdown: requests in flight finish) and waits for them. A worker whose parent dies stops too.
TensorFlow in each worker uses cores / N threads (at least one), unless the environment says.
"""

import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading

from chatbot.errors import ChatbotError, UsageError
from chatbot.frontends import serve

STOP_SECONDS = serve.GRACEFUL_SECONDS + 5  # for a worker to stop before it is killed
THREAD_SETTINGS = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS")
WORKER_CODE = "from chatbot.frontends.workers import work; work()"


def run_workers(workers: int, model_dir, host: str, port: int, cors_origins, report) -> None:
    """Serve with `workers` processes on one port until Ctrl-C or SIGTERM; see the module.

    Raises:
        UsageError: this system cannot share a port between sockets.
        ChatbotError: the port is taken, or a worker could not start (its error).
    """
    if not hasattr(socket, "SO_REUSEPORT"):
        raise UsageError("--workers needs SO_REUSEPORT, which this system lacks; leave it out")
    first = serve.listen(host, port, share_port=True)
    address, bound_port = first.getsockname()[:2]
    sockets = [first] + [serve.listen(address, bound_port, True) for _ in range(workers - 1)]
    options = {"model": model_dir and str(model_dir), "host": host, "workers": workers}
    options["cors"] = list(cors_origins)
    processes: list = []
    ready: list = []
    stop_on = signal.signal(signal.SIGTERM, _interrupt)
    alive_read, alive_write = os.pipe()  # never written: its end of file says the parent is gone
    try:
        ready += _start(sockets, options, alive_read, processes)
        _wait_ready(processes, ready)
        for sock in sockets:
            sock.close()  # the workers hold them now: a worker that stops takes its socket along
        shown = f"[{address}]" if ":" in address else address
        report(f"chatbot serve: http://{shown}:{bound_port}/ ({workers} workers; Ctrl-C stops)")
        _wait_all(processes, ready, report)
    except KeyboardInterrupt:
        pass
    finally:
        _stop(processes)
        os.close(alive_write)
        for receiver in ready:
            receiver.close()
        signal.signal(signal.SIGTERM, stop_on)
    report("chatbot serve: stopped")


def _interrupt(number, frame) -> None:
    raise KeyboardInterrupt


def _start(sockets, options: dict, alive: int, processes: list) -> list:
    """Start a worker on each socket (appended to `processes`); the pipes they say "ready" on."""
    threads = str(max(1, len(os.sched_getaffinity(0)) // len(sockets)))
    environment = {name: threads for name in THREAD_SETTINGS} | dict(os.environ)
    ready = []
    ignored = signal.signal(signal.SIGINT, signal.SIG_IGN)  # the workers start ignoring Ctrl-C
    try:
        for sock in sockets:
            receiver, sender = os.pipe()
            arguments = json.dumps(options | {"socket": sock.fileno(), "ready": sender})
            process = subprocess.Popen(
                [sys.executable, "-c", WORKER_CODE, arguments, str(alive)],
                pass_fds=(sock.fileno(), sender, alive),
                env=environment,
            )
            os.close(sender)  # the worker's end only: its exit closes it, so `receiver` sees EOF
            processes.append(process)
            ready.append(os.fdopen(receiver, "r", encoding="utf-8"))
    finally:
        signal.signal(signal.SIGINT, ignored)
        os.close(alive)
    return ready


def _wait_ready(processes, ready) -> None:
    """Wait until every worker has loaded its model; raise the first one's error."""
    waiting = dict(zip(ready, processes, strict=True))
    while waiting:
        readable, _, _ = select.select(list(waiting), [], [])
        for receiver in readable:
            process = waiting.pop(receiver)
            line = receiver.readline()
            if not line:  # it stopped without a word: its error went to stderr
                raise ChatbotError(
                    f"a worker of chatbot serve stopped while starting (exit code "
                    f"{process.wait()}); see its error above"
                )
            if line != "ready\n":
                raise ChatbotError(line.strip())


def _wait_all(processes, ready, report) -> None:
    """Serve until Ctrl-C; a worker that stops on its own is reported, the others go on.

    A worker holds its end of its "ready" pipe until it exits: end of file there says it has.
    """
    running = dict(zip(ready, processes, strict=True))
    while running:
        readable, _, _ = select.select(list(running), [], [])
        for receiver in readable:
            if line := receiver.readline():
                report(f"chatbot serve: worker {running[receiver].pid}: {line.strip()}")
                continue
            process = running.pop(receiver)
            report(
                f"chatbot serve: worker {process.pid} stopped (exit code {process.wait()}); "
                f"{len(running)} left"
            )
    raise ChatbotError("every worker of chatbot serve stopped; see their errors above")


def _stop(processes) -> None:
    """SIGTERM each worker (a graceful stop), wait, then kill any still running."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C reaches the workers alone
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def work() -> None:
    """One worker's whole life (`WORKER_CODE`): load the model, say "ready", serve until SIGTERM."""
    options, alive = json.loads(sys.argv[1]), int(sys.argv[2])
    signal.signal(signal.SIGTERM, _interrupt)
    threading.Thread(target=_stop_with_parent, args=(alive,), daemon=True).start()
    sock = socket.socket(fileno=options["socket"])
    with open(options["ready"], "w", encoding="utf-8") as ready:
        try:
            serve.serve_on(
                sock,
                options["model"],
                options["host"],
                options["cors"],
                lambda: (ready.write("ready\n"), ready.flush()),
                options["workers"],
            )
        except KeyboardInterrupt:
            pass
        except ChatbotError as error:
            with contextlib.suppress(OSError):  # the parent has stopped listening
                ready.write(f"{error}\n")
        finally:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _stop_with_parent(alive: int) -> None:
    """SIGTERM this worker once the parent has gone (killed, say), so no worker serves alone."""
    while os.read(alive, 1):
        pass
    os.kill(os.getpid(), signal.SIGTERM)
