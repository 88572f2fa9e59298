"""`chatbot serve`: the web page and the JSON API, on Starlette served by uvicorn.

Routes: `GET /` the page (with `/static/app.js` and `/static/style.css`, shipped in
chatbot/frontends/web/; nothing is fetched from elsewhere), `POST /api/ask`, `GET /api/info`,
`GET /api/example?task=N` and `GET /healthz`. `frontends.api` checks requests and batches the
model calls; this module only wires them to HTTP.

Safe by default: it listens on 127.0.0.1, and on a loopback address it answers only requests
addressed to a loopback name (a web page elsewhere cannot reach it by pointing a domain name at
127.0.0.1); no CORS unless `--cors ORIGIN`; the page's Content-Security-Policy allows only its
own scripts and styles, and the page writes user text only as text.

Starlette and uvicorn are the optional `web` extra: without them, importing this module raises
a `ChatbotError` that says how to install them.
"""

import asyncio
import importlib.resources
import ipaddress
import json
import logging
import os
import random
import resource
import socket

from chatbot.errors import BadRequest, ChatbotError, UsageError
from chatbot.frontends import api, connections
from chatbot.untrusted import MAX_BODY_BYTES

WEB_EXTRA_MISSING = (
    "chatbot serve needs Starlette and uvicorn: run pip install '.[web]' in the chatbot folder "
    "(or pip install starlette uvicorn)"
)
try:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.requests import ClientDisconnect
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route
except ModuleNotFoundError:  # the optional `web` extra is not installed
    raise ChatbotError(WEB_EXTRA_MISSING) from None

PAGE_FILES = {  # route -> (file in chatbot/frontends/web, media type)
    "/": ("index.html", "text/html; charset=utf-8"),
    "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/static/style.css": ("style.css", "text/css; charset=utf-8"),
}
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1", "[::1]"]
BACKLOG = 2048  # connections waiting to be accepted (uvicorn's default)
GRACEFUL_SECONDS = 10  # on Ctrl-C, how long requests in flight may take to finish


class AsciiJSONResponse(JSONResponse):
    """JSON with every non-ASCII character escaped: a lone surrogate in a model folder's
    metadata (which UTF-8 cannot encode) is sent as `\\ud800`, never a 500."""

    def render(self, content) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def build_app(
    bot, model_dir=None, cors_origins=(), loopback_only: bool = True, host: str = "", process=None
):
    """The Starlette app answering with `bot` (whose model calls must be thread-safe).

    Args:
        bot: a `Chatbot`, usually over an `api.BatchedModel`.
        model_dir: the model folder, for `/api/info` (None: the shipped default model).
        cors_origins: origins whose pages may call the API (CORS); none by default.
        loopback_only: answer only requests whose Host is a loopback name or `host`.
        host: the address it listens on (127.0.0.2, say), which requests may name too.
        process: added to `/api/info` (`serve_on` gives the worker's pid and the workers).
    """
    info = api.describe(model_dir, bot) | (process or {})
    pages = {
        route: Response(_page_file(name), media_type=media_type, headers=PAGE_HEADERS)
        for route, (name, media_type) in PAGE_FILES.items()
    }
    rng = random.Random()

    async def page(request):
        return pages[request.url.path]

    async def ask(request):
        story, question = api.parse_ask(await _read_body(request))
        answer = await run_in_threadpool(bot.answer, story, question)
        return AsciiJSONResponse(answer.to_json(), status_code=200 if answer.label else 422)

    async def describe(request):
        return AsciiJSONResponse(info)

    async def example(request):
        return AsciiJSONResponse(api.example(request.query_params.get("task"), rng))

    async def health(request):
        return AsciiJSONResponse({"status": "ok"})

    routes = [Route(path, page) for path in PAGE_FILES]
    routes += [
        Route("/api/ask", ask, methods=["POST"]),
        Route("/api/info", describe),
        Route("/api/example", example),
        Route("/healthz", health),
    ]
    middleware = []
    if loopback_only:
        allowed = LOOPBACK_NAMES + ([host, f"[{host}]"] if host else [])
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=allowed))
    if cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Content-Type"],
            )
        )
    # A ChatbotError is the client's input (a story over the sentence cap, say): 400, not 500.
    handlers = {ChatbotError: _bad_request, HTTPException: _http_error, Exception: _server_error}
    return Starlette(routes=routes, middleware=middleware, exception_handlers=handlers)


def _page_file(name: str) -> bytes:
    return importlib.resources.files("chatbot.frontends").joinpath("web", name).read_bytes()


async def _read_body(request) -> bytes:
    """The request body, refused with 413 as soon as it grows past `MAX_BODY_BYTES`, with 408
    when it takes over `connections.BODY_SECONDS` to arrive."""
    declared = request.headers.get("content-length", "")
    too_large = BadRequest(f"the request body is over {MAX_BODY_BYTES:,} bytes", 413)
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise too_large
    body = bytearray()
    try:
        async with asyncio.timeout(connections.BODY_SECONDS):
            async for chunk in request.stream():
                body += chunk
                if len(body) > MAX_BODY_BYTES:
                    raise too_large
    except TimeoutError:
        raise BadRequest(
            f"the request body took over {connections.BODY_SECONDS:g} s to arrive", 408
        ) from None
    except ClientDisconnect:  # nobody is left to read the answer; nothing to log
        raise BadRequest("the client closed the connection before the body ended") from None
    return bytes(body)


async def _bad_request(request, error: ChatbotError):
    return AsciiJSONResponse({"error": str(error)}, status_code=getattr(error, "status", 400))


async def _http_error(request, error: HTTPException):
    return AsciiJSONResponse({"error": error.detail}, status_code=error.status_code)


async def _server_error(request, error: Exception):
    return AsciiJSONResponse({"error": f"the server failed: {error}"}, status_code=500)


def listen(host: str, port: int, share_port: bool = False) -> socket.socket:
    """A socket bound to (host, port); port 0 picks a free one. Raises ChatbotError if taken.

    With `share_port`, other sockets of this user may bind the same port (SO_REUSEPORT) and the
    kernel spreads new connections over them: `frontends.workers` gives each worker one.
    """
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        # IPPROTO_TCP named, so asyncio sets TCP_NODELAY on each connection: without it, a
        # reply's body waits for the client to acknowledge its headers (some 40 ms).
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if share_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)  # now: a client that comes early waits instead of being refused
    except OSError as error:
        raise ChatbotError(
            f"cannot listen on {host}:{port} ({error.strerror or error}); choose another "
            "--port, or a --host of this machine"
        ) from None
    return sock


def _protocol_class():
    """uvicorn's HTTP protocol: httptools' where it is installed, else h11's."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

        return HttpToolsProtocol
    except ImportError:
        from uvicorn.protocols.http.h11_impl import H11Protocol

        return H11Protocol


def _allow_many_files() -> None:
    """Raise the open-files limit to what `connections.MAX_CONNECTIONS` needs, where allowed."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections.MAX_CONNECTIONS + 256  # and the model's, the libraries' files
    if soft != resource.RLIM_INFINITY and soft < wanted:
        top = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (top, hard))
        except (ValueError, OSError):
            pass  # the connections past the limit wait in the backlog


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run_server(
    model_dir=None, host="127.0.0.1", port=8000, cors_origins=(), report=print, workers=1
):
    """Load the model once and serve until Ctrl-C, then finish the requests in flight.

    Args:
        model_dir: the model folder; None means the shipped default model.
        host, port: where to listen; port 0 picks a free port (the URL reported names it).
        cors_origins: origins whose pages may call the API.
        report: prints a line (where it listens, when it stops).
        workers: processes answering on the port, each with its own model (`frontends.workers`).
    """
    check_host(host)
    if workers > 1:
        from chatbot.frontends.workers import run_workers

        run_workers(workers, model_dir, host, port, cors_origins, report)
        return
    sock = listen(host, port)  # before the slow model load: a taken port fails at once
    address, bound_port = sock.getsockname()[:2]
    shown = f"[{address}]" if ":" in address else address
    started = f"chatbot serve: http://{shown}:{bound_port}/ (Ctrl-C stops)"
    try:
        serve_on(sock, model_dir, host, cors_origins, on_ready=lambda: report(started))
    except KeyboardInterrupt:  # uvicorn already stopped gracefully, then re-raised the Ctrl-C
        pass
    report("chatbot serve: stopped")


def check_host(host: str) -> None:
    """Refuse an empty --host with a clear UsageError."""
    if not host.strip():
        raise UsageError(
            "--host is empty; give an address of this machine, like 127.0.0.1 (this machine "
            "only) or 0.0.0.0 (every network it is on)"
        )


def serve_on(sock, model_dir, host, cors_origins, on_ready, workers: int = 1) -> None:
    """Load the model, then serve on the listening socket `sock` until Ctrl-C or SIGTERM.

    Args:
        sock: from `listen`.
        model_dir, host, cors_origins: as `run_server` takes them.
        on_ready: called once the model is loaded, just before serving.
        workers: how many processes share the port: this one takes 1/`workers` of the limits
            on open connections and requests in flight, so that the server's totals hold.
    """
    from chatbot.answering.bot import Chatbot
    from chatbot.network.loading import load_quietly
    from chatbot.text import tokenize

    bot = Chatbot(api.BatchedModel(load_quietly(model_dir)))  # one model, shared by requests
    tokenize("warm up")  # imports NLTK (seconds) now rather than in the first request
    app = build_app(
        bot,
        model_dir,
        cors_origins,
        is_loopback(host),
        host,
        {"pid": os.getpid(), "workers": workers},
    )
    _allow_many_files()
    logging.getLogger("uvicorn.error").addFilter(connections.QuietCancel())
    share = -(-connections.MAX_CONNECTIONS // workers), -(-connections.MAX_REQUESTS // workers)
    config = uvicorn.Config(
        connections.RequestLimit(app, most=share[1]),
        http=connections.guarded(_protocol_class(), most=share[0]),
        log_level="warning",
        access_log=False,
        lifespan="off",
        limit_concurrency=None,  # connections.RequestLimit: idle connections do not count
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
    )
    on_ready()
    uvicorn.Server(config).run(sockets=[sock])
