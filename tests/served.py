"""A real `chatbot serve` in a subprocess on a free loopback port, and an HTTP client for it."""

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request

STARTED = "chatbot serve: http://"


class Served:
    """`python -m chatbot serve ARGUMENTS --port 0`, started and waited for; `url` ends in "/"."""

    def __init__(self, *arguments: str, wait: bool = True):
        environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "chatbot", "serve", *arguments, "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
        )
        if wait:
            self.wait()

    @classmethod
    def side_by_side(cls, *argument_lists: list[str]):
        """Yields servers started at once (each loads its model meanwhile) and waited for; stops
        them all after. For a fixture: `yield from Served.side_by_side(arguments, ...)`."""
        servers = [cls(*arguments, wait=False) for arguments in argument_lists]
        try:
            for served in servers:
                served.wait()
            yield servers
        finally:
            for served in servers:
                served.stop()

    def wait(self) -> None:
        """Wait until the server listens: it prints its address."""
        line = self.process.stdout.readline()  # the model loads first: seconds
        if not line.startswith(STARTED):
            self.process.kill()
            raise RuntimeError(f"chatbot serve did not start: {line}{self.process.stderr.read()}")
        self.url = line.split()[2]
        self.port = int(self.url.rstrip("/").rsplit(":", 1)[1])

    def call(self, path: str, body=None, headers=None, method=None):
        """(status, headers, body bytes) of one request; `body` may be bytes or JSON data."""
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path.lstrip("/"), data=body, headers=headers or {}, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def json(self, path: str, body=None, **options):
        """(status, parsed JSON body) of one request."""
        status, _, data = self.call(path, body, **options)
        return status, json.loads(data)

    def interrupt(self, timeout: float = 60) -> tuple[int, str, str]:
        """Ctrl-C; returns (exit code, rest of stdout, stderr)."""
        self.process.send_signal(signal.SIGINT)
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, out, err

    def __enter__(self) -> "Served":
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
