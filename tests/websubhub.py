"""A WebSub hub on 127.0.0.1 for tests, as the pytest fixture ``websub_hub``: it records
every publish notification (the form fields of each POST) and can be told to fail the next
few with a status, to exercise the publisher's bounded retry."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest


@dataclass(frozen=True)
class Notification:
    """One POST the hub received: its form fields and when (time.monotonic())."""

    fields: dict[str, list[str]]
    at: float


class Hub:
    """Records notifications; ``fail(n, status)`` answers the next n with ``status``."""

    def __init__(self) -> None:
        self.notifications: list[Notification] = []
        self.received = threading.Event()
        self._failures: list[int] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hub"

    def fail(self, times: int, status: int = 503) -> None:
        with self._lock:
            self._failures = [status] * times

    def topics(self) -> list[str]:
        """The hub.url of every accepted publish notification, in order."""
        with self._lock:
            return [n.fields["hub.url"][0] for n in self.notifications
                    if n.fields.get("hub.mode") == ["publish"]]

    def _take(self, fields: dict[str, list[str]]) -> int:
        with self._lock:
            if self._failures:
                return self._failures.pop(0)
            self.notifications.append(Notification(fields, time.monotonic()))
        self.received.set()
        return 204


def _handler_for(hub: Hub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            fields = parse_qs(self.rfile.read(length).decode("utf-8"))
            self.send_response(hub._take(fields))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def websub_hub() -> Iterator[Hub]:
    hub = Hub()
    hub._thread.start()
    try:
        yield hub
    finally:
        hub._server.shutdown()
        hub._server.server_close()
