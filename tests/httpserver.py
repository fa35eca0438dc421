"""A real HTTP server on 127.0.0.1 for tests, as the pytest fixture ``http_server``.

Tests register paths with a body, status and headers, then point syndicate at
``http_server.url("/path")``. The server answers conditional GETs itself (ETag and
Last-Modified give 304) and logs every request, so a test can assert what was sent::

    def test_feed_is_fetched(http_server):
        http_server.add("/news.rss", FEED, content_type="application/rss+xml", etag='"v1"')
        ...
        assert http_server.requests_for("/news.rss")[-1].headers["if-none-match"] == '"v1"'
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass(frozen=True)
class Request:
    """One request the server received. Header names are lower-cased."""

    method: str
    path: str
    headers: dict[str, str]


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes = b""
    status: int = 200
    content_type: str | None = "application/octet-stream"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0          # seconds to wait before answering (read timeouts)
    send_length: bool = True    # False: no Content-Length, the body ends when the socket closes
    chunk_size: int = 64 * 1024
    drip: float = 0.0           # seconds between one-byte writes (a server that stalls)


class LocalHTTPServer:
    """A threaded HTTP server on 127.0.0.1 with a table of routes and a request log."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        # A short poll interval keeps shutdown (and so each test's teardown) quick.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    def __enter__(self) -> LocalHTTPServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """The full URL of ``path`` (which starts with ``/``)."""
        return self.base_url + path

    def add(self, path: str, body: bytes | str = b"", *, status: int = 200,
            content_type: str | None = "application/octet-stream",
            headers: dict[str, str] | None = None, etag: str | None = None,
            last_modified: str | None = None, delay: float = 0.0,
            send_length: bool = True, drip: float = 0.0) -> Route:
        """Serve ``body`` on ``path`` (see :class:`Route` for the options)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        route = Route(body=data, status=status, content_type=content_type,
                      headers=dict(headers or {}), etag=etag, last_modified=last_modified,
                      delay=delay, send_length=send_length, drip=drip,
                      chunk_size=1 if drip else 64 * 1024)
        self.routes[path] = route
        return route

    def redirect(self, path: str, location: str, status: int = 302) -> Route:
        """Answer ``path`` with a redirect to ``location`` (absolute or relative)."""
        return self.add(path, status=status, content_type=None, headers={"Location": location})

    def requests_for(self, path: str) -> list[Request]:
        """The logged requests for ``path`` (query strings included in the match)."""
        with self._lock:
            return [request for request in self.requests if request.path == path]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()    # wakes handlers sleeping in a delay
        self._server.shutdown()
        self._server.server_close()

    def _log(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def _wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; False when the server is stopping."""
        return not self._stopping.wait(seconds)


def _not_modified(route: Route, headers: dict[str, str]) -> bool:
    """RFC 9110 §13.1: If-None-Match wins over If-Modified-Since when both are sent."""
    if "if-none-match" in headers:
        tags = [tag.strip() for tag in headers["if-none-match"].split(",")]
        return route.etag is not None and ("*" in tags or route.etag in tags)
    if "if-modified-since" in headers and route.last_modified is not None:
        try:
            since = parsedate_to_datetime(headers["if-modified-since"])
            modified = parsedate_to_datetime(route.last_modified)
        except (TypeError, ValueError):
            return False
        return modified <= since
    return False


def _handler_for(server: LocalHTTPServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer(send_body=True)

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

        def _answer(self, send_body: bool) -> None:
            headers = {name.lower(): value for name, value in self.headers.items()}
            server._log(Request(self.command, self.path, headers))
            route = server.routes.get(self.path) or server.routes.get(self.path.split("?")[0])
            if route is None:
                self.send_error(404)
                return
            if route.delay and not server._wait(route.delay):
                return
            if _not_modified(route, headers):
                self.send_response(304)
                self._validators(route)
                self.end_headers()
                return
            self.send_response(route.status)
            if route.content_type:
                self.send_header("Content-Type", route.content_type)
            self._validators(route)
            for name, value in route.headers.items():
                self.send_header(name, value)
            if route.send_length:
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            if send_body:
                self._write_body(route)

        def _validators(self, route: Route) -> None:
            if route.etag is not None:
                self.send_header("ETag", route.etag)
            if route.last_modified is not None:
                self.send_header("Last-Modified", route.last_modified)

        def _write_body(self, route: Route) -> None:
            try:
                for start in range(0, len(route.body), route.chunk_size):
                    self.wfile.write(route.body[start:start + route.chunk_size])
                    if route.drip:
                        self.wfile.flush()
                        if not server._wait(route.drip):
                            return
            except (BrokenPipeError, ConnectionResetError):
                pass    # the client stopped reading (a byte cap did its job)

        def log_message(self, format: str, *args: object) -> None:
            pass    # the request log above is what tests read; keep pytest output clean

    return Handler


@pytest.fixture
def http_server() -> Iterator[LocalHTTPServer]:
    """A running :class:`LocalHTTPServer`, stopped after the test."""
    with LocalHTTPServer() as server:
        yield server
