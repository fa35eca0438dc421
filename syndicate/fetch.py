"""The only way syndicate reaches the network: careful HTTP GETs for sources.

``requests`` on its own has no timeout, no size cap and no guard against server-side request
forgery, follows 30 redirects and reads ``~/.netrc`` and proxy variables (docs/security.md, "HTTP").
:class:`Fetcher` closes each of those gaps: ``trust_env=False``, connect and read timeouts,
a byte cap while streaming, at most five redirects followed by hand with every hop checked,
and only public addresses unless a source is explicitly allowed onto private ones — and even
then never link-local or cloud metadata addresses (``169.254.169.254`` hands out a cloud
machine's credentials). A URL the operator typed (``syndicate inspect URL``) may be on
their own network; where it redirects is held to the rules of a configured source. With a
cache folder it also makes conditional GETs, so an unchanged feed costs a 304.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import socket
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from syndicate.addresses import acceptable
from syndicate.errors import SourceError
from syndicate.files import atomic_write

MiB = 1024 * 1024
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
SCHEMES = frozenset({"http", "https"})
PRIVATE_HINT = "set allow_private: true on a source that must read from your own network"


@dataclass(frozen=True)
class Fetched:
    """A fetched document. ``url`` is the final URL after redirects; ``not_modified`` says
    the server answered 304 and ``content`` comes from the local cache."""

    url: str
    content: bytes
    content_type: str | None
    not_modified: bool = False
    last_modified: str | None = None


class Fetcher:
    """Fetches http(s) URLs for sources, safely (see the module docstring).

    ``cache_dir`` turns on conditional GET: validators (ETag, Last-Modified) and bodies are
    kept there per URL. ``max_bytes`` is the default cap on a body; each call may lower or
    raise it.
    """

    def __init__(self, user_agent: str, cache_dir: Path | None = None, timeout: float = 20,
                 max_bytes: int = 50 * MiB, deadline: float = 600) -> None:
        self.user_agent = user_agent
        self.cache_dir = cache_dir
        self.timeout = timeout
        self.max_bytes = max_bytes
        # The timeouts bound each read; this bounds the whole body, so a server dripping a
        # byte every few seconds cannot hold the nightly run (and its lock) for days.
        self.deadline = deadline
        self._sessions = {False: _session(user_agent, allow_private=False),
                          True: _session(user_agent, allow_private=True)}
        self._typed: set[str] = set()

    def trust(self, url: str) -> None:
        """``url`` was typed by the operator: it may be on a private network or loopback
        (never link-local or metadata); where it redirects is held to the usual rules."""
        self._typed.add(url)

    def get(self, url: str, *, allow_private: bool = False,
            max_bytes: int | None = None) -> Fetched:
        """GET ``url`` into memory. Raises :class:`SourceError` naming the URL."""
        cached = self._cached(url)
        with self._open(url, cached, allow_private) as response:
            if cached is not None and response.status_code == 304:
                return Fetched(url=cached.final_url, content=cached.body_path.read_bytes(),
                               content_type=cached.content_type, not_modified=True,
                               last_modified=cached.last_modified)
            chunks: list[bytes] = []
            self._stream(url, response, chunks.append, max_bytes)
            fetched = Fetched(url=response.url, content=b"".join(chunks),
                              content_type=response.headers.get("Content-Type"),
                              last_modified=response.headers.get("Last-Modified"))
            if self.cache_dir is not None:
                atomic_write(self._body_path(url), fetched.content)
                self._remember(url, response, self._body_path(url))
            return fetched

    def download(self, url: str, dest: Path, *, allow_private: bool = False,
                 max_bytes: int | None = None) -> Path:
        """Stream ``url`` into the file ``dest`` (replaced atomically) and return ``dest``.

        With a cache folder an unchanged remote file (304) leaves ``dest`` as it is.
        """
        cached = self._cached(url, body=dest)
        with self._open(url, cached, allow_private) as response:
            if response.status_code == 304:
                return dest
            dest.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
            try:
                with os.fdopen(fd, "wb") as handle:
                    self._stream(url, response, handle.write, max_bytes)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, dest)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            if self.cache_dir is not None:
                self._remember(url, response, dest)
            return dest

    def _open(self, url: str, cached: _Cached | None,
              allow_private: bool) -> requests.Response:
        """Send the GET, following redirects by hand so that every hop is checked.

        Returns a streaming response whose status is 2xx, or 304 when ``cached`` is set.
        """
        headers = cached.validators() if cached is not None else {}
        hop = url
        for _ in range(MAX_REDIRECTS + 1):
            private = allow_private or (hop == url and url in self._typed)
            session = self._sessions[private]
            _check_target(url, hop, private)
            try:
                response = session.get(hop, headers=headers, stream=True,
                                       allow_redirects=False,
                                       timeout=(self.timeout, self.timeout))
            except _PrivatePeer as refused:
                hint = "" if private else f"; {PRIVATE_HINT}"
                raise SourceError(f"{_show(url)}: refused: {refused}{hint}") from None
            except requests.RequestException as error:
                raise SourceError(f"{_show(url)}: {self._describe(error)}") from None
            location = response.headers.get("Location")
            if response.status_code in REDIRECT_STATUSES and location:
                response.close()
                hop = urljoin(hop, location)
                continue
            if response.status_code == 304 and cached is not None:
                return response
            if 200 <= response.status_code < 300:
                return response
            response.close()
            # A 4xx other than "too early/too many/timeout" will not fix itself.
            gone = 400 <= response.status_code < 500 and response.status_code not in (
                408, 425, 429)
            advice = "; check the URL in syndicate.yaml" if gone else ""
            raise SourceError(f"{_show(url)}: the server answered HTTP {response.status_code}"
                              f" {response.reason or ''}".rstrip() + advice, retry=not gone)
        raise SourceError(f"{_show(url)}: more than {MAX_REDIRECTS} redirects; "
                          "use the final URL in the configuration")

    def _stream(self, url: str, response: requests.Response, write: Callable[[bytes], Any],
                max_bytes: int | None) -> None:
        """Pass the (decoded) body to ``write`` chunk by chunk, stopping at the byte cap."""
        cap = self.max_bytes if max_bytes is None else max_bytes
        too_big = SourceError(f"{_show(url)}: larger than the limit of {cap} bytes; raise "
                              "max_bytes for this source if the document is expected")
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap:
            raise too_big
        received = 0
        give_up = time.monotonic() + self.deadline
        try:
            # read1 returns what one socket read brings, so the deadline is checked often.
            while chunk := response.raw.read1(64 * 1024, decode_content=True):
                received += len(chunk)
                if received > cap:
                    raise too_big
                if time.monotonic() > give_up:
                    raise SourceError(f"{_show(url)}: still sending after {self.deadline:g} s; "
                                      "the server is too slow, try again later")
                write(chunk)
        except urllib3.exceptions.ReadTimeoutError:
            raise SourceError(f"{_show(url)}: no answer within {self.timeout:g} s; the "
                              "server is slow or down") from None
        except (urllib3.exceptions.HTTPError, OSError) as error:
            raise SourceError(f"{_show(url)}: the connection broke while reading "
                              f"({type(error).__name__}); try again later") from None

    def _describe(self, error: requests.RequestException) -> str:
        """One line for a transport failure, without the nested urllib3 reprs."""
        if isinstance(error, requests.Timeout):
            return f"no answer within {self.timeout:g} s; the server is slow or down"
        oversized = _oversized_header(error)
        if oversized:
            return (f"the server sent an oversized response header ({oversized}); a broken "
                    "or hostile server — tell its owner")
        if isinstance(error, requests.exceptions.SSLError):
            return "TLS failed (certificate or protocol); check the URL's https setup"
        if isinstance(error, requests.ConnectionError):
            return "cannot connect (refused, reset or name not found); try again later"
        return f"request failed ({type(error).__name__})"

    def _cache_key(self, url: str) -> str:
        return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]

    def _body_path(self, url: str) -> Path:
        assert self.cache_dir is not None
        return self.cache_dir / f"{self._cache_key(url)}.body"

    def _meta_path(self, url: str) -> Path:
        assert self.cache_dir is not None
        return self.cache_dir / f"{self._cache_key(url)}.json"

    def _cached(self, url: str, body: Path | None = None) -> _Cached | None:
        """What the cache knows about ``url``, if its body (``body`` for downloads) is still
        there: without it a 304 would leave us with nothing."""
        if self.cache_dir is None:
            return None
        body_path = body if body is not None else self._body_path(url)
        try:
            meta = json.loads(self._meta_path(url).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or meta.get("body") != str(body_path):
            return None
        if not body_path.is_file():
            return None
        cached = _Cached(final_url=str(meta.get("final_url") or url), body_path=body_path,
                         etag=meta.get("etag"), last_modified=meta.get("last_modified"),
                         content_type=meta.get("content_type"))
        return cached if cached.validators() else None

    def _remember(self, url: str, response: requests.Response, body_path: Path) -> None:
        meta = {"url": url, "final_url": response.url, "body": str(body_path),
                "etag": response.headers.get("ETag"),
                "last_modified": response.headers.get("Last-Modified"),
                "content_type": response.headers.get("Content-Type")}
        atomic_write(self._meta_path(url), json.dumps(meta, indent=1))


@dataclass(frozen=True)
class _Cached:
    final_url: str
    body_path: Path
    etag: str | None
    last_modified: str | None
    content_type: str | None

    def validators(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


def _show(url: str) -> str:
    """The URL as it may appear in a message: without any user:password@."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _check_target(url: str, hop: str, allow_private: bool) -> None:
    """Refuse a hop that is not http(s) or whose host resolves to a non-public address."""
    where = _show(url) if hop == url else f"{_show(url)}: redirect to {_show(hop)}"
    parts = urlsplit(hop)
    if parts.scheme.lower() not in SCHEMES:
        raise SourceError(f"{where}: only http and https URLs can be fetched")
    if not parts.hostname:
        raise SourceError(f"{where}: the URL has no host name")
    if parts.username is not None or parts.password is not None:
        # A password in a URL would end up in item links, caches and reports.
        raise SourceError(f"{where}: user names and passwords in URLs are not supported; "
                          "publish the feed without them")
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        raise SourceError(f"{where}: the URL has an invalid port") from None
    for address in _resolve(where, parts.hostname, port):
        if not acceptable(address, allow_private=allow_private):
            named = "" if address == parts.hostname else f"{parts.hostname} resolves to "
            if allow_private:
                raise SourceError(f"{where}: refused: {named}{address} is a link-local or "
                                  "cloud metadata address, which is never fetched")
            raise SourceError(f"{where}: refused: {named}{address} is not a public address; "
                              f"{PRIVATE_HINT}")


def _resolve(where: str, host: str, port: int) -> Iterator[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise SourceError(f"{where}: cannot resolve the host name {host}; check the URL, "
                          "or try again later") from None
    for info in infos:
        yield str(info[4][0])


def _oversized_header(error: BaseException) -> str | None:
    """The http.client complaint about a too-long header line or too many headers, if
    that is what broke the connection (requests reports it as a connection error)."""
    seen: BaseException | None = error
    for _ in range(8):
        if seen is None:
            return None
        if isinstance(seen, http.client.LineTooLong | http.client.HTTPException) \
                and "got more than" in str(seen):
            return str(seen).strip()
        nested = seen.args[-1] if seen.args and isinstance(seen.args[-1], BaseException) \
            else None
        reason = getattr(seen, "reason", None)
        seen = nested or (reason if isinstance(reason, BaseException) else None) \
            or seen.__cause__ or seen.__context__
    return None


class _PrivatePeer(Exception):
    """The connection landed on a non-public address. Deliberately not an OSError, so
    urllib3 does not retry it and requests does not wrap it."""


class _PeerCheck:
    """Checks the address a socket actually connected to, which closes the gap between our
    DNS lookup and urllib3's own (DNS rebinding)."""

    allow_private = False

    def _new_conn(self) -> socket.socket:
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        peer = str(sock.getpeername()[0])
        if not acceptable(peer, allow_private=self.allow_private):
            sock.close()
            kind = "a link-local or metadata" if self.allow_private else "not a public"
            raise _PrivatePeer(f"the connection went to {peer}, which is {kind} address")
        return sock


class _GuardedHTTPConnection(_PeerCheck, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_PeerCheck, HTTPSConnection):
    pass


class _PrivateHTTPConnection(_GuardedHTTPConnection):
    allow_private = True


class _PrivateHTTPSConnection(_GuardedHTTPSConnection):
    allow_private = True


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _PrivateHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PrivateHTTPConnection


class _PrivateHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PrivateHTTPSConnection


class _GuardedAdapter(HTTPAdapter):
    pools: ClassVar[Mapping[str, type[HTTPConnectionPool]]] = {
        "http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(self.pools)


class _PrivateAdapter(_GuardedAdapter):
    pools: ClassVar[Mapping[str, type[HTTPConnectionPool]]] = {
        "http": _PrivateHTTPPool, "https": _PrivateHTTPSPool}


def _session(user_agent: str, *, allow_private: bool) -> requests.Session:
    session = requests.Session()
    session.trust_env = False   # no ~/.netrc credentials, no proxy variables
    session.headers["User-Agent"] = user_agent
    adapter = _PrivateAdapter() if allow_private else _GuardedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session

