"""Fetcher against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import gzip
from pathlib import Path
from unittest import mock

import pytest

from syndicate.addresses import is_public
from syndicate.errors import SourceError
from syndicate.fetch import Fetcher
from tests.httpserver import LocalHTTPServer

AGENT = "Syndicate-test/0.1 (https://council.example; webteam@council.example)"


@pytest.fixture
def fetcher(tmp_path: Path) -> Fetcher:
    return Fetcher(AGENT, cache_dir=tmp_path / "cache", timeout=5)


def test_get_returns_body_type_and_sends_user_agent(http_server: LocalHTTPServer,
                                                    fetcher: Fetcher) -> None:
    http_server.add("/news.rss", b"<rss/>", content_type="application/rss+xml",
                    last_modified="Mon, 05 Jan 2026 02:00:00 GMT")
    fetched = fetcher.get(http_server.url("/news.rss"), allow_private=True)
    assert fetched.content == b"<rss/>"
    assert fetched.content_type == "application/rss+xml"
    assert fetched.last_modified == "Mon, 05 Jan 2026 02:00:00 GMT"
    assert not fetched.not_modified
    assert http_server.requests_for("/news.rss")[0].headers["user-agent"] == AGENT


def test_loopback_is_refused_without_allow_private(http_server: LocalHTTPServer,
                                                   fetcher: Fetcher) -> None:
    http_server.add("/news.rss", b"<rss/>")
    with pytest.raises(SourceError, match=r"127\.0\.0\.1 is not a public address"):
        fetcher.get(http_server.url("/news.rss"))
    assert http_server.requests == []


def test_localhost_name_is_refused_after_resolving(http_server: LocalHTTPServer,
                                                   fetcher: Fetcher) -> None:
    http_server.add("/x", b"secret")
    url = f"http://localhost:{http_server.port}/x"
    with pytest.raises(SourceError, match="localhost resolves to"):
        fetcher.get(url)
    assert http_server.requests == []


def test_connection_to_private_peer_is_refused_even_if_dns_said_public(
        http_server: LocalHTTPServer, fetcher: Fetcher) -> None:
    # Mock: DNS rebinding (a public answer to our lookup, a private one to the connection)
    # cannot be produced by a real resolver on demand, so our own lookup is patched.
    http_server.add("/x", b"secret")
    with mock.patch("syndicate.fetch._resolve", return_value=iter(["93.184.216.34"])), \
            pytest.raises(SourceError, match=r"connection went to 127\.0\.0\.1"):
        fetcher.get(http_server.url("/x"))
    assert http_server.requests == []


def test_redirect_to_private_address_is_refused(http_server: LocalHTTPServer,
                                                fetcher: Fetcher) -> None:
    # Mock: the test server has to stand in for a public host, so 127.0.0.1 alone is
    # declared public; the redirect's link-local metadata address meets the real check.
    http_server.redirect("/go", "http://169.254.169.254/latest/meta-data/")
    with mock.patch("syndicate.addresses.is_public",
                    side_effect=lambda address: address == "127.0.0.1" or is_public(address)), \
            pytest.raises(SourceError, match=r"redirect to http://169\.254\.169\.254/\S+: "
                                             r"refused: 169\.254\.169\.254 is not a public"):
        fetcher.get(http_server.url("/go"))
    assert len(http_server.requests_for("/go")) == 1


def test_redirects_are_followed_and_final_url_reported(http_server: LocalHTTPServer,
                                                       fetcher: Fetcher) -> None:
    http_server.redirect("/old", "/middle", status=301)
    http_server.redirect("/middle", http_server.url("/new"), status=307)
    http_server.add("/new", b"moved")
    fetched = fetcher.get(http_server.url("/old"), allow_private=True)
    assert fetched.content == b"moved"
    assert fetched.url == http_server.url("/new")


def test_more_than_five_redirects_is_an_error(http_server: LocalHTTPServer,
                                              fetcher: Fetcher) -> None:
    for hop in range(7):
        http_server.redirect(f"/r{hop}", f"/r{hop + 1}")
    http_server.add("/r7", b"never")
    with pytest.raises(SourceError, match="more than 5 redirects"):
        fetcher.get(http_server.url("/r0"), allow_private=True)
    assert http_server.requests_for("/r6") == []


def test_redirect_to_other_scheme_is_refused(http_server: LocalHTTPServer,
                                             fetcher: Fetcher) -> None:
    http_server.redirect("/go", "file:///etc/passwd")
    with pytest.raises(SourceError, match="only http and https"):
        fetcher.get(http_server.url("/go"), allow_private=True)


def test_only_http_and_https_urls(fetcher: Fetcher) -> None:
    with pytest.raises(SourceError, match=r"ftp://example\.org/x: only http and https"):
        fetcher.get("ftp://example.org/x")


def test_body_over_the_cap_is_refused_while_streaming(http_server: LocalHTTPServer,
                                                     fetcher: Fetcher) -> None:
    http_server.add("/big", b"x" * 300_000, send_length=False)
    url = http_server.url("/big")
    with pytest.raises(SourceError) as caught:
        fetcher.get(url, allow_private=True, max_bytes=100_000)
    assert str(caught.value).startswith(f"{url}: larger than the limit of 100000 bytes")


def test_declared_length_over_the_cap_is_refused(http_server: LocalHTTPServer,
                                                 tmp_path: Path) -> None:
    http_server.add("/big", b"x" * 5000)
    small = Fetcher(AGENT, max_bytes=1000)
    with pytest.raises(SourceError, match="limit of 1000 bytes"):
        small.get(http_server.url("/big"), allow_private=True)
    with pytest.raises(SourceError, match="limit of 1000 bytes"):
        small.download(http_server.url("/big"), tmp_path / "big.bin", allow_private=True)
    assert not (tmp_path / "big.bin").exists()
    assert [p.name for p in tmp_path.iterdir()] == []


def test_slow_server_times_out(http_server: LocalHTTPServer) -> None:
    http_server.add("/slow", b"late", delay=30)
    impatient = Fetcher(AGENT, timeout=0.5)
    with pytest.raises(SourceError, match=r"no answer within 0\.5 s"):
        impatient.get(http_server.url("/slow"), allow_private=True)


def test_a_server_dripping_bytes_cannot_hold_a_fetch_forever(
        http_server: LocalHTTPServer, tmp_path: Path) -> None:
    # Each byte arrives well within the read timeout; only the overall deadline stops it.
    http_server.add("/drip", b"x" * 400, drip=0.05)
    patient_reads = Fetcher(AGENT, timeout=5, deadline=1)
    with pytest.raises(SourceError, match=r"/drip: still sending after 1 s"):
        patient_reads.get(http_server.url("/drip"), allow_private=True)
    with pytest.raises(SourceError, match=r"still sending after 1 s"):
        patient_reads.download(http_server.url("/drip"), tmp_path / "d.bin",
                               allow_private=True)
    assert list(tmp_path.iterdir()) == []


def test_closed_port_is_a_source_error(fetcher: Fetcher) -> None:
    with pytest.raises(SourceError, match=r"^http://127\.0\.0\.1:9/x: cannot connect"):
        fetcher.get("http://127.0.0.1:9/x", allow_private=True)


@pytest.mark.parametrize("status", [404, 500, 503])
def test_error_status_is_a_source_error_naming_the_url(http_server: LocalHTTPServer,
                                                       fetcher: Fetcher, status: int) -> None:
    http_server.add("/broken", b"oops", status=status)
    url = http_server.url("/broken")
    with pytest.raises(SourceError, match=rf"^{url}: the server answered HTTP {status}"):
        fetcher.get(url, allow_private=True)


def test_conditional_get_sends_validators_and_304_returns_cached_body(
        http_server: LocalHTTPServer, fetcher: Fetcher) -> None:
    http_server.add("/news.rss", b"<rss>v1</rss>", content_type="application/rss+xml",
                    etag='"v1"', last_modified="Mon, 05 Jan 2026 02:00:00 GMT")
    url = http_server.url("/news.rss")
    first = fetcher.get(url, allow_private=True)
    second = fetcher.get(url, allow_private=True)
    sent = http_server.requests_for("/news.rss")
    assert "if-none-match" not in sent[0].headers
    assert sent[1].headers["if-none-match"] == '"v1"'
    assert sent[1].headers["if-modified-since"] == "Mon, 05 Jan 2026 02:00:00 GMT"
    assert not first.not_modified
    assert second.not_modified
    assert second.content == b"<rss>v1</rss>"
    assert second.content_type == "application/rss+xml"


def test_changed_resource_replaces_the_cache(http_server: LocalHTTPServer,
                                             fetcher: Fetcher) -> None:
    url = http_server.url("/news.rss")
    http_server.add("/news.rss", b"v1", etag='"v1"')
    fetcher.get(url, allow_private=True)
    http_server.add("/news.rss", b"v2", etag='"v2"')
    changed = fetcher.get(url, allow_private=True)
    again = fetcher.get(url, allow_private=True)
    assert (changed.content, changed.not_modified) == (b"v2", False)
    assert (again.content, again.not_modified) == (b"v2", True)


def test_last_modified_alone_gives_conditional_get(http_server: LocalHTTPServer,
                                                   fetcher: Fetcher) -> None:
    http_server.add("/page", b"body", last_modified="Mon, 05 Jan 2026 02:00:00 GMT")
    fetcher.get(http_server.url("/page"), allow_private=True)
    second = fetcher.get(http_server.url("/page"), allow_private=True)
    assert second.not_modified and second.content == b"body"


def test_without_cache_dir_no_conditional_headers(http_server: LocalHTTPServer) -> None:
    http_server.add("/page", b"body", etag='"e"')
    plain = Fetcher(AGENT)
    plain.get(http_server.url("/page"), allow_private=True)
    again = plain.get(http_server.url("/page"), allow_private=True)
    assert not again.not_modified
    assert all("if-none-match" not in r.headers for r in http_server.requests_for("/page"))


def test_download_streams_to_file_and_keeps_it_on_304(http_server: LocalHTTPServer,
                                                      fetcher: Fetcher,
                                                      tmp_path: Path) -> None:
    http_server.add("/photo.jpg", b"\xff\xd8jpeg-bytes", etag='"p1"')
    dest = tmp_path / "files" / "photo.jpg"
    assert fetcher.download(http_server.url("/photo.jpg"), dest, allow_private=True) == dest
    assert dest.read_bytes() == b"\xff\xd8jpeg-bytes"
    fetcher.download(http_server.url("/photo.jpg"), dest, allow_private=True)
    assert http_server.requests_for("/photo.jpg")[1].headers["if-none-match"] == '"p1"'
    assert dest.read_bytes() == b"\xff\xd8jpeg-bytes"


def test_credentials_in_urls_are_refused_without_being_shown(http_server: LocalHTTPServer,
                                                              fetcher: Fetcher) -> None:
    # A password in a URL would travel into item links, the HTTP cache and run reports.
    http_server.add("/private", b"secret")
    url = f"http://editor:hunter2@127.0.0.1:{http_server.port}/private"
    with pytest.raises(SourceError) as caught:
        fetcher.get(url, allow_private=True)
    assert "hunter2" not in str(caught.value)
    assert "passwords in URLs are not supported" in str(caught.value)
    assert http_server.requests == []


def test_netrc_and_proxy_environment_are_ignored(http_server: LocalHTTPServer,
                                                 tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".netrc").write_text("machine 127.0.0.1 login me password netrc-secret\n")
    (tmp_path / ".netrc").chmod(0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NETRC", str(tmp_path / ".netrc"))
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    http_server.add("/x", b"direct")
    assert Fetcher(AGENT).get(http_server.url("/x"), allow_private=True).content == b"direct"
    assert "authorization" not in http_server.requests_for("/x")[0].headers


def test_gzip_bomb_is_capped_on_decoded_bytes(http_server: LocalHTTPServer,
                                              fetcher: Fetcher) -> None:
    # 64 MiB of zeros gzip to about 64 KiB: the declared length is far under the cap, so only
    # counting the decoded bytes while streaming stops it.
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)
    http_server.add("/feed.xml", bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(SourceError, match="larger than the limit of 1048576 bytes"):
        fetcher.get(http_server.url("/feed.xml"), allow_private=True, max_bytes=1024 * 1024)


@pytest.mark.parametrize("host", ["2130706433", "0177.0.0.1", "0x7f.1", "127.1",
                                  "[::ffff:127.0.0.1]", "public.example@127.0.0.1"])
def test_other_spellings_of_loopback_are_refused(http_server: LocalHTTPServer,
                                                 fetcher: Fetcher, host: str) -> None:
    http_server.add("/x", b"secret")
    with pytest.raises(SourceError, match=r"not a public address|passwords in URLs"):
        fetcher.get(f"http://{host}:{http_server.port}/x")
    assert http_server.requests == []
