"""A small loopback proxy in front of the real test MediaWiki, to hold, delay or cut
chosen requests — the faults a real wiki cannot produce on demand.

``rule(request) -> action`` decides per request: ``pass`` forwards it; ``hold`` forwards it
(the wiki does the work) and then never answers, so the client dies with the answer in
flight; ``cut`` closes the connection without forwarding; ``delay:SECONDS`` waits, then
forwards. :attr:`held` is set when a request was held, so a test can kill the client then.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host",
               "proxy-connection", "te", "trailer", "upgrade"}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes

    @property
    def is_upload(self) -> bool:
        return b'name="action"\r\n\r\nupload' in self.body or b"action=upload" in self.body

    @property
    def is_chunk(self) -> bool:
        return self.is_upload and b'name="chunk"' in self.body

    @property
    def is_commit(self) -> bool:
        return self.is_upload and not self.is_chunk and b"filekey" in self.body


class Proxy:
    """The proxy server; ``url`` is its api.php."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.rule: Callable[[Request], str] = lambda request: "pass"
        self.held = threading.Event()
        self.seen: list[Request] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                proxy.handle(self)

            do_POST = do_GET

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._closed = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api.php"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        request = Request(handler.command, handler.path, handler.rfile.read(length))
        self.seen.append(request)
        action = self.rule(request)
        if action == "cut":
            handler.close_connection = True
            return
        if action.startswith("delay:"):
            self._closed.wait(float(action.split(":", 1)[1]))
        if self._closed.is_set():  # the test is over: a late request must not reach the
            handler.close_connection = True  # wiki while a later test counts its requests
            return
        status, headers, body = self._forward(handler, request)
        if action == "hold":
            self.held.set()
            self._closed.wait(120)  # the client is killed meanwhile; its answer never arrives
            handler.close_connection = True
            return
        handler.send_response(status)
        for name, value in headers:
            if name.lower() not in _HOP_BY_HOP:
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _forward(self, handler: BaseHTTPRequestHandler, request: Request
                 ) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(*self.upstream, timeout=60)
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in _HOP_BY_HOP}
        connection.request(request.method, request.path, body=request.body or None,
                           headers=headers)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response.status, response.getheaders(), body

    def close(self) -> None:
        self._closed.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def proxy(wiki: object) -> Iterator[Proxy]:
    """A proxy in front of the test wiki (reset for this test)."""
    running = Proxy(wiki.api_url)  # type: ignore[attr-defined]
    yield running
    running.close()
