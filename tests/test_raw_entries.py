"""SourceContext.known: an entry whose raw bytes are what the ledger has is not parsed
again, yet counts as collected, unchanged and seen; a changed entry is still rebuilt."""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from syndicate import config as configuration
from syndicate.collect import collect
from syndicate.errors import SourceError
from syndicate.model import Item
from syndicate.report import RunReport
from syndicate.sources.base import Source
from syndicate.sources.feed import FeedReader
from syndicate.workspace import Workspace
from tests.council import Council, collect_only
from tests.httpserver import LocalHTTPServer


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The feed documents FeedReader parsed (by name)."""
    calls: list[str] = []
    original = FeedReader.read

    def counting(self: FeedReader, stream: Any) -> Iterator[Item]:
        calls.append(self.name)
        return original(self, stream)

    monkeypatch.setattr(FeedReader, "read", counting)
    return calls


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The guids/links of the feed entries FeedReader turned into items."""
    calls: list[str] = []
    original = FeedReader._article

    def counting(self: FeedReader, entry: Any, *args: Any) -> Item | None:
        article = original(self, entry, *args)
        calls.append(article.id if article else "")
        return article

    monkeypatch.setattr(FeedReader, "_article", counting)
    return calls


def entries(council: Council) -> int:
    return (council.root / "content" / "news.rss").read_text(encoding="utf-8").count("<item>")


def raw_hashes(council: Council) -> dict[str, str | None]:
    with sqlite3.connect(council.root / ".syndicate" / "state.sqlite") as db:
        rows = db.execute("SELECT id, raw_hash FROM items WHERE source = 'news'")
        return dict(rows.fetchall())


def test_an_unchanged_feed_is_not_parsed_into_items_again(council: Council,
                                                         built: list[str]) -> None:
    first = council.collect_json()
    news = first["collected"]["news"]
    assert news and len(built) == entries(council)   # each entry built once
    stored = raw_hashes(council)
    articles = {item_id for item_id in built if item_id}
    assert all(stored[item_id] for item_id in articles)

    built.clear()
    second = council.collect_json()
    assert built == []                        # no entry parsed into an item
    assert second["collected"]["news"] == news   # its images counted with it
    assert second["new"] == second["changed"] == second["withdrawn"] == 0
    assert second["unchanged"] == sum(first["collected"].values())
    assert raw_hashes(council) == stored


def test_a_changed_entry_is_still_seen_as_changed(council: Council, built: list[str]) -> None:
    council.collect_json()
    feed = council.root / "content" / "news.rss"
    text = feed.read_text(encoding="utf-8")
    title = text.split("<item>", 1)[1].split("<title>", 1)[1].split("</title>", 1)[0]
    feed.write_text(text.replace(f"<title>{title}</title>",
                                 f"<title>{title} (updated)</title>", 1), encoding="utf-8")
    before = raw_hashes(council)
    built.clear()
    report = council.collect_json()
    (changed_id,) = built                     # only the edited entry is built
    assert report["changed"] >= 1 and report["new"] == 0   # the entry (and its image)
    assert council.item(changed_id)["title"] == f"{title} (updated)"
    after = raw_hashes(council)
    assert after[changed_id] != before[changed_id]
    assert {k: v for k, v in after.items() if k != changed_id} == \
        {k: v for k, v in before.items() if k != changed_id}
    built.clear()
    assert council.collect_json()["changed"] == 0 and built == []


def test_feed_level_data_an_entry_inherits_is_part_of_its_raw_hash(
        council: Council, built: list[str]) -> None:
    council.collect_json()
    feed = council.root / "content" / "news.rss"
    text = feed.read_text(encoding="utf-8")
    assert "<language>en-gb</language>" in text.split("<item>", 1)[0]
    feed.write_text(text.replace("<language>en-gb</language>", "<language>cy</language>", 1),
                    encoding="utf-8")
    built.clear()
    report = council.collect_json()
    assert len(built) == entries(council)     # every entry rebuilt: they are Welsh now
    assert report["changed"] >= 1


class Listing(Source):
    """A complete listing that asks ``known`` before building each item (a test plugin)."""

    complete_listing: ClassVar[bool] = True
    entries: ClassVar[dict[str, str]] = {}
    built: ClassVar[list[str]] = []

    def items(self) -> Iterator[Item]:
        for key, title in self.entries.items():
            item_id = f"{self.name}-{key}"
            if self.context.known(item_id, f"raw of {title}"):
                continue
            self.built.append(item_id)
            yield Item(id=item_id, source=self.name, kind="article", title=title,
                       url=f"https://www.example.gov.uk/{key}")


def test_a_known_item_of_a_complete_listing_is_seen_and_not_withdrawn(
        council: Council, monkeypatch: pytest.MonkeyPatch) -> None:
    config = configuration.load(council.config)
    Listing.entries = {"a": "Alpha", "b": "Beta"}

    def run() -> RunReport:
        report = RunReport("collect")
        with Workspace(config) as ws:
            listing = Listing("listing", {}, ws.sources()[0].context)
            monkeypatch.setattr(ws, "sources", lambda problem=None: [listing])
            collect(ws, report)
            ws.ledger.commit()
        return report

    first = run()
    assert first.new == 2 and Listing.built == ["listing-a", "listing-b"]
    Listing.built.clear()
    Listing.entries = {"a": "Alpha", "b": "Beta, corrected"}
    second = run()
    assert Listing.built == ["listing-b"]
    assert second.unchanged == 1 and second.changed == 1 and second.withdrawn == 0
    assert second.collected["listing"] == 2
    Listing.built.clear()
    Listing.entries = {"b": "Beta, corrected"}
    third = run()
    assert Listing.built == [] and third.unchanged == 1 and third.withdrawn == 1


GUID_TWICE = b"""<rss version="2.0"><channel><title>News</title>
<item><guid>g1</guid><title>Bins</title><link>https://example.gov.uk/bins</link></item>
<item><guid>g1</guid><title>Bins</title><link>https://example.gov.uk/bins</link></item>
<item><guid>g1</guid><title>Parks</title><link>https://example.gov.uk/parks</link></item>
</channel></rss>"""


def test_a_guid_used_again_after_an_unchanged_entry_is_never_dropped_unseen() -> None:
    asked: list[str] = []

    def known(item_id: str, raw_hash: str) -> bool:
        asked.append(item_id)
        return True                          # the first entry is as it was
    problems: list[str] = []
    reader = FeedReader("news", "feed.xml", known=known, problem=problems.append)
    items = list(reader.read(io.BytesIO(GUID_TWICE)))
    assert len(asked) == 1                   # asked once, for the first g1
    (parks,) = items                         # the same bytes again are the same entry
    assert parks.title == "Parks" and parks.id != asked[0]
    assert [f.code for f in parks.findings] == ["feed.repeated-guid"] and problems


REMOTE = """\
organisation: {name: Example Borough Council, url: https://www.example.gov.uk}
sources:
  news: {type: feed, url: "%s", allow_private: true}
licensing:
  default: ogl-uk-3.0
  attribution: {name: Example Borough Council, url: https://www.example.gov.uk}
  evidence: https://www.example.gov.uk/copyright
sinks:
  partners: {type: feed, directory: public/feeds}
"""


def test_an_unchanged_feed_file_is_not_parsed_at_all(council: Council,
                                                     reads: list[str]) -> None:
    first = council.collect_json()
    assert reads == [str(council.root / "content" / "news.rss")]
    reads.clear()
    second = council.collect_json()
    assert reads == []
    assert second["collected"] == first["collected"]
    assert second["unchanged"] == sum(first["collected"].values()) and second["new"] == 0


def test_a_feed_answering_304_costs_one_request_and_no_parse(
        council: Council, http_server: LocalHTTPServer, reads: list[str]) -> None:
    feed = (council.root / "content" / "news.rss").read_bytes()
    http_server.add("/news.rss", feed, content_type="application/rss+xml", etag='"v1"')
    council.write_config(REMOTE % http_server.url("/news.rss"))
    first = council.collect_json()
    assert len(reads) == 1 and first["new"] == first["collected"]["news"] > 0
    reads.clear()
    before = len(http_server.requests_for("/news.rss"))
    second = council.collect_json()
    requests = http_server.requests_for("/news.rss")[before:]
    assert len(requests) == 1 and requests[0].headers.get("if-none-match") == '"v1"'
    assert reads == []
    assert second["collected"] == first["collected"] and second["unchanged"] == \
        first["collected"]["news"] and second["new"] == second["changed"] == 0

    http_server.add("/news.rss", feed.replace(b"</channel>", b"<item><guid>new-1</guid>"
                                              b"<title>Road closure</title></item></channel>"),
                    content_type="application/rss+xml", etag='"v2"')
    third = council.collect_json()
    assert len(reads) == 1 and third["new"] == 1     # a real change is read again


class Document(Source):
    """A source that hashes all its input at once and may fail half way (a test plugin)."""

    text: ClassVar[str] = "a b"
    fail_after: ClassVar[int | None] = None

    def items(self) -> Iterator[Item]:
        if self.context.known_document(f"raw of {self.text}"):
            return
        for number, key in enumerate(self.text.split()):
            if number == self.fail_after:
                raise SourceError("the server went away", retry=True)
            yield Item(id=f"{self.name}-{key}", source=self.name, kind="article", title=key,
                       url=f"https://www.example.gov.uk/{key}")


def test_a_document_read_only_in_part_is_read_again(
        council: Council, monkeypatch: pytest.MonkeyPatch) -> None:
    run = collect_only(council, monkeypatch, Document, "document")
    Document.fail_after = 1
    first = run()
    assert first.new == 1 and first.problems
    Document.fail_after = None
    second = run()                  # the same input: read again, it was not read in full
    assert second.unchanged == 1 and second.new == 1
    third = run()
    assert third.collected["document"] == 2 and third.unchanged == 2 and third.new == 0
    Document.text = "a b c"
    fourth = run()
    assert fourth.new == 1 and fourth.unchanged == 2


def fingerprint(path: Path) -> tuple[int, int, bytes]:
    status = path.stat()
    return status.st_ino, status.st_mtime_ns, path.read_bytes()


def test_a_night_that_changes_nothing_leaves_the_ledger_untouched(council: Council) -> None:
    council.collect_json()
    ledger = council.root / ".syndicate" / "state.sqlite"
    runs = sorted((council.root / ".syndicate" / "runs").glob("*.json"))
    before = fingerprint(ledger)
    assert council.collect_json()["unchanged"] > 0
    assert fingerprint(ledger) == before
    after = sorted((council.root / ".syndicate" / "runs").glob("*.json"))
    assert len(after) == len(runs) + 1          # the quiet night is still on record

    feed = council.root / "content" / "news.rss"
    feed.write_text(feed.read_text(encoding="utf-8").replace(
        "</channel>", "<item><guid>new-1</guid><title>Road closure</title></item>"
        "</channel>"), encoding="utf-8")
    assert council.collect_json()["new"] == 1
    with sqlite3.connect(ledger) as db:
        (count,) = db.execute("SELECT count(*) FROM runs WHERE report LIKE '%\"new\": 1%'")
    assert count == (1,)


def test_a_feed_with_an_entry_left_out_is_read_again(council: Council,
                                                     reads: list[str]) -> None:
    feed = council.root / "content" / "news.rss"
    feed.write_text(feed.read_text(encoding="utf-8").replace(
        "</channel>", "<item><guid>bad-1</guid><title>Odd</title>"
        "<link>javascript:alert(1)</link></item></channel>"), encoding="utf-8")
    for _ in range(2):      # the left-out entry is a problem every night, not just once
        result = council.run("collect", "--json")
        assert any("bad-1" in p["message"] or "javascript" in p["message"]
                   for p in json.loads(result.stdout)["problems"]), result.stdout
    assert len(reads) == 2


@pytest.mark.parametrize("new", ["reader", "release"])
def test_a_new_reader_version_or_release_builds_every_entry_again(
        council: Council, built: list[str], reads: list[str],
        monkeypatch: pytest.MonkeyPatch, new: str) -> None:
    import syndicate
    from syndicate.sources import feed as feed_source
    council.collect_json()
    built.clear()
    if new == "reader":
        monkeypatch.setattr(feed_source, "READER_VERSION", feed_source.READER_VERSION + 1)
    else:   # a reader change nobody marked is still read again at the next release
        monkeypatch.setattr(syndicate, "__version__", syndicate.__version__ + ".post1")
    report = council.collect_json()
    assert len(built) == entries(council) and report["new"] == report["changed"] == 0
    built.clear()
    assert council.collect_json()["new"] == 0 and built == []


PAGE = ("<!DOCTYPE html><html><head><title>{title}</title></head><body><main><h1>{title}"
        "</h1><p>{text}</p><figure><img src='/{image}' alt='A gritter'><figcaption>A gritter"
        "</figcaption></figure></main></body></html>")


def test_pages_answering_304_are_not_parsed_and_a_changed_page_is(
        council: Council, http_server: LocalHTTPServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from syndicate.sources import pages
    parsed: list[str] = []
    original = pages.read_page

    def counting(content: bytes, url: str, **options: Any) -> Any:
        parsed.append(url)
        return original(content, url, **options)

    monkeypatch.setattr(pages, "read_page", counting)
    text = "Gritters are out on every main road tonight, and the depots are open. " * 4
    for name in ("roads", "bins"):
        http_server.add(f"/{name}", PAGE.format(title=name.title(), text=text,
                                                image=f"{name}.jpg"),
                        content_type="text/html; charset=utf-8", etag=f'"{name}-1"')
    urls = [http_server.url("/roads"), http_server.url("/bins")]
    council.write_config(REMOTE.replace('{type: feed, url: "%s", allow_private: true}',
                                        f"{{type: pages, urls: {json.dumps(urls)}, "
                                        "allow_private: true}"))
    first = council.collect_json()
    assert len(parsed) == 2 and first["new"] == 4      # two pages, each with its picture
    parsed.clear()

    second = council.collect_json()
    assert parsed == []
    assert http_server.requests_for("/roads")[-1].headers.get("if-none-match") == '"roads-1"'
    assert second["collected"] == first["collected"] and second["unchanged"] == 4
    assert second["new"] == second["changed"] == 0

    http_server.add("/bins", PAGE.format(title="Bins", text="Collections move a day later. "
                                         * 6, image="bins.jpg"),
                    content_type="text/html; charset=utf-8", etag='"bins-2"')
    third = council.collect_json()
    assert parsed == [http_server.url("/bins")] and third["changed"] == 1
    assert third["unchanged"] == 3
