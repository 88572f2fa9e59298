"""Connections of `chatbot serve`: idle and slow ones timed out, requests in flight capped.

uvicorn counts every open connection against its concurrency limit and times out only a
keep-alive connection that has answered a request; a connection that never sends a whole
request head (an idle socket, or one byte at a time) stays open for ever. A thousand of them
would lock everyone else out. Here:

- a connection must send a complete request head within `HEAD_SECONDS` of opening, or of its
  last answer, or it is closed (slow headers included);
- past `MAX_CONNECTIONS` open connections, each new one closes the longest idle one (a
  connection with no request in flight), so idle sockets never shut out a client that asks;
- at most `MAX_REQUESTS` requests are in flight at once; more get 503 at once instead of
  piling up (`RequestLimit`);
- a request body must arrive whole within `BODY_SECONDS` (`serve._read_body`).

Nothing here imports Keras; uvicorn's protocol class is extended, not copied.
"""

import asyncio
import logging
import time

HEAD_SECONDS = 10.0  # to send a complete request head, from connecting or the last answer
BODY_SECONDS = 10.0  # to send the whole body of a request
MAX_CONNECTIONS = 2000  # open at once; past it, the longest idle connection is closed
MAX_REQUESTS = 1000  # in flight at once; more get 503
BUSY = b'{"error": "the server is busy; try again in a moment"}'


def guarded(protocol_class, most: int = MAX_CONNECTIONS):
    """`protocol_class` (uvicorn's HTTP protocol) with the time limits above and idle eviction
    past `most` open connections."""

    class Guarded(protocol_class):
        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._arm()
            if len(self.connections) > most:
                _close_longest_idle(self.connections, keep=self)

        def connection_lost(self, exc) -> None:
            self._disarm()
            super().connection_lost(exc)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm()  # the next request head, on a kept-alive connection

        def _arm(self) -> None:
            self._disarm()
            self.idle_since = time.monotonic()
            self._waiting_for = self.cycle  # a new cycle means a request head came
            self._head_timer = self.loop.call_later(HEAD_SECONDS, self._head_timeout)

        def _disarm(self) -> None:
            timer = getattr(self, "_head_timer", None)
            if timer is not None:
                timer.cancel()
                self._head_timer = None

        def _head_timeout(self) -> None:
            self._head_timer = None
            if self.cycle is self._waiting_for and _idle(self):
                self.transport.close()

    Guarded.__name__ = Guarded.__qualname__ = f"Guarded{protocol_class.__name__}"
    return Guarded


def _idle(connection) -> bool:
    """Whether a connection has no request in flight."""
    cycle = getattr(connection, "cycle", None)
    return cycle is None or cycle.response_complete


def _close_longest_idle(connections, keep) -> None:
    idle = [c for c in connections if c is not keep and _idle(c) and hasattr(c, "idle_since")]
    if idle:
        min(idle, key=lambda connection: connection.idle_since).transport.close()


class RequestLimit:
    """ASGI middleware: at most `most` HTTP requests in flight; more get 503 at once."""

    def __init__(self, app, most: int = MAX_REQUESTS):
        self.app, self.most, self.active = app, most, 0

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.active >= self.most:
            headers = [(b"content-type", b"application/json"), (b"retry-after", b"1")]
            await send({"type": "http.response.start", "status": 503, "headers": headers})
            await send({"type": "http.response.body", "body": BUSY})
            return
        self.active += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.active -= 1


class QuietCancel(logging.Filter):
    """Drop uvicorn's log of a request cancelled at shutdown (a CancelledError traceback: the
    request was still in flight when the graceful shutdown's time ran out)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, asyncio.CancelledError)
