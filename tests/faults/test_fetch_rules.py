"""Fetch rules made exact: typed URLs, allow_private, schemes from content, undecodable
text, invisible characters, and a huge response header."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator

import feedparser
import pytest
from click.testing import CliRunner

from syndicate.cli import main
from syndicate.errors import SourceError
from syndicate.fetch import Fetcher
from tests.council import Council
from tests.httpserver import LocalHTTPServer

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Big</title><link>https://www.example.gov.uk/</link>
{items}
</channel></rss>
"""


def add_feed(council: Council, items: str | bytes) -> None:
    body = FEED.encode().replace(b"{items}", items if isinstance(items, bytes)
                                 else items.encode())
    (council.root / "extra.xml").write_bytes(body)
    council.write_config(council.config.read_text().replace(
        "sources:\n", "sources:\n  extra: {type: feed, path: extra.xml}\n", 1))


def test_inspect_follows_no_redirect_from_a_typed_loopback_url_to_loopback(
        http_server: LocalHTTPServer) -> None:
    http_server.add("/inside.rss", FEED.replace("{items}", ""))
    http_server.redirect("/start", http_server.url("/inside.rss").replace("127.0.0.1",
                                                                          "localhost"))

    result = CliRunner().invoke(main, ["inspect", http_server.url("/start")])

    assert result.exit_code == 1 or result.exit_code == 2
    assert "redirect to http://localhost" in result.output
    assert "is not a public address" in result.output
    assert http_server.requests_for("/inside.rss") == []


def test_inspect_still_reads_the_typed_loopback_url_itself(
        http_server: LocalHTTPServer) -> None:
    http_server.add("/news.rss", FEED.replace(
        "{items}", "<item><title>Hello</title><link>https://www.example.gov.uk/h</link></item>"))
    result = CliRunner().invoke(main, ["inspect", http_server.url("/news.rss")])
    assert result.exit_code == 0, result.output
    assert "Hello" in result.output


@pytest.mark.parametrize("address", ["169.254.169.254", "[fe80::1]", "100.100.100.200",
                                     "[fd00:ec2::254]", "[::ffff:169.254.169.254]"])
def test_allow_private_never_reaches_link_local_or_metadata(address: str) -> None:
    with pytest.raises(SourceError, match="link-local or cloud metadata address"):
        Fetcher("syndicate-tests", timeout=1).get(f"http://{address}/latest/meta-data/",
                                                  allow_private=True)


def test_allow_private_still_reaches_loopback(http_server: LocalHTTPServer) -> None:
    http_server.add("/x", b"ok")
    assert Fetcher("syndicate-tests").get(http_server.url("/x"),
                                          allow_private=True).content == b"ok"


def test_allow_private_redirect_to_metadata_is_refused(http_server: LocalHTTPServer) -> None:
    http_server.redirect("/start", "http://169.254.169.254/latest/meta-data/")
    with pytest.raises(SourceError, match=r"redirect to http://169\.254\.169\.254.*metadata"):
        Fetcher("syndicate-tests", timeout=1).get(http_server.url("/start"),
                                                  allow_private=True)


@pytest.mark.parametrize("scheme_url", ["file:///etc/passwd", "FILE:///etc/passwd",
                                        "ftp://ftp.example.org/x.jpg",
                                        "javascript:alert(1)"])
def test_a_non_http_url_from_content_leaves_its_item_out(council: Council,
                                                         scheme_url: str) -> None:
    add_feed(council, f'<item><title>Bad</title><link>https://www.example.gov.uk/b</link>'
                      f'<enclosure url="{scheme_url}" type="image/jpeg" length="1"/></item>')
    report = json.loads(council.run("collect", "--json").stdout)
    assert report["collected"]["extra"] == 1  # the article, not the enclosure
    [problem] = report["problems"]
    assert "only http and https addresses are taken from content" in problem["message"]
    assert scheme_url.split(":")[1] not in council.queue.read_text()
    # The article keeps going without it as an attachment (issue 7), and says so.
    article = next(i for i in council.queue_items() if i["source"] == "extra")
    assert any(f["code"] == "url.refused" for f in article["findings"])


def test_invalid_utf8_is_a_finding_not_a_guess(council: Council) -> None:
    add_feed(council, b"<item><title>Caf\xe9 opening</title>"
                      b"<link>https://www.example.gov.uk/c</link></item>")
    council.run("collect")
    item = next(i for i in council.queue_items() if i["source"] == "extra")
    assert any(f["code"] == "text.undecodable" for f in item["findings"])
    assert "Caf\u00e9" not in item["title"]  # not silently read as Latin-1


def test_a_web_page_s_file_image_and_undecodable_text_through_collect(
        council: Council, http_server: LocalHTTPServer) -> None:
    """The pages source under the same rules: a remote page's file: image never becomes
    a local file to publish, and a page's undecodable bytes are a finding."""
    secret = council.root / "secret.jpg"  # inside the council folder, so only the rule stops it
    secret.write_bytes(b"\xff\xd8\xff")
    story = "The caf\u00e9 in the park opens at nine every morning of the week. " * 6
    page = (f"<html><head><title>Caf\u00e9 opening</title></head><body><main><h1>Caf\u00e9 "
            f"opening</h1><p>{story}</p><img src='{secret.as_uri()}' alt='Till'></main>"
            "</body></html>").encode().replace(b"caf\xc3\xa9 in", b"caf\xe9 in", 1)
    http_server.add("/cafe", page, content_type="text/html")  # no charset anywhere
    council.write_config(council.config.read_text().replace(
        "sources:\n", "sources:\n  site: {type: pages, urls: ['"
        f"{http_server.url('/cafe')}'], allow_private: true}}\n", 1))
    report = json.loads(council.run("collect", "--json").stdout)
    [problem] = [p for p in report["problems"] if p["source"] == "site"]
    assert f"image {secret.as_uri()} is a file: URL" in problem["message"]
    [article] = [i for i in council.queue_items() if i["source"] == "site"]
    assert article["kind"] == "article" and article["title"] == "Caf\u00e9 opening"
    assert any(f["code"] == "text.undecodable" for f in article["findings"])


BIDI = "\u202e\u2066\u200b\u00ad\ufeff"


def test_bidi_and_invisible_characters_never_leave(council: Council) -> None:
    add_feed(council, f"<item><title>Park{BIDI} reopens\u200d</title>"
                      f"<description>Gates {BIDI}open</description><author>a@b.c (Jo{BIDI} Bloggs)"
                      "</author><link>https://www.example.gov.uk/p</link></item>")
    council.run("collect")
    item = next(i for i in council.queue_items() if i["source"] == "extra")
    council.set_status(item["id"], "approved")
    assert council.run("publish").exit_code == 0

    queue_text = council.queue.read_text(encoding="utf-8")
    feeds = [p.read_text(encoding="utf-8") for p in council.feeds.glob("partners.*")]
    assert len(feeds) == 2
    for text in [queue_text, *feeds]:
        assert not any(ch in text for ch in BIDI)
    assert "Park reopens\u200d" in queue_text  # the joiner words need is kept
    entries = [e for p in council.feeds.glob("partners.*") for e in feedparser.parse(p).entries]
    assert any(e.title == "Park reopens\u200d" for e in entries)


@pytest.fixture
def huge_header_server() -> Iterator[str]:
    """A server whose answer has a 100 KB header line — a real socket, because no
    well-behaved HTTP server library will send one."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        conn, _ = listener.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nX-Huge: " + b"a" * 100_000 + b"\r\n\r\nok")
        conn.close()

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/feed"
    listener.close()


def test_a_huge_response_header_is_reported_as_such(huge_header_server: str) -> None:
    with pytest.raises(SourceError) as raised:
        Fetcher("syndicate-tests").get(huge_header_server, allow_private=True)
    assert "oversized response header" in str(raised.value)
    assert "cannot connect" not in str(raised.value)
