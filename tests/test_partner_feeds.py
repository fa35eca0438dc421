"""Partner feeds end to end, as partners meet them: the W3C Feed Validator, feedparser, and
a hostile source served over HTTP going through collect → approve → publish.

Every feed written here must validate with no error and no warning. Tolerated validator
events: none.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import feedparser
import pytest
from lxml import etree

from syndicate.dates import parse_date
from syndicate.ledger import SCHEMA as LEDGER_SCHEMA
from syndicate.ledger import Ledger
from syndicate.model import Item
from tests.council import Council
from tests.filetags_readers import exiftool_json, needs_exiftool
from tests.httpserver import LocalHTTPServer

DATA = Path(__file__).resolve().parent / "data" / "feeds"
VALIDATOR = Path(__file__).resolve().parents[2] / "shared" / "tools" / "validate-feed"
if not VALIDATOR.exists():  # CI lays shared/ beside the clone; a developer may have it elsewhere
    VALIDATOR = Path("/work/shared/tools/validate-feed")
BASE_URL = "https://www.example.gov.uk/feeds"
OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
#: Validator event types tolerated, with the reason. None is expected.
TOLERATED: dict[str, str] = {}

LICENSING = """
licensing:
  default: ogl-uk-3.0
  attribution: {name: Example Borough Council, url: https://www.example.gov.uk}
  evidence: https://www.example.gov.uk/copyright
"""
HOSTILE = """
organisation: {name: Example Borough Council, url: https://www.example.gov.uk}
sources:
  news: {type: feed, url: "%s", allow_private: true}
""" + LICENSING + """
sinks:
  partners: {type: feed, directory: public/feeds, base_url: %s}
"""


def validate(path: Path, base: str) -> list[dict[str, Any]]:
    """The validator's errors and warnings for ``path`` served at ``base``."""
    if not VALIDATOR.exists():
        pytest.skip(f"the W3C Feed Validator is not at {VALIDATOR} (shared test tools)")
    run = subprocess.run([sys.executable, str(VALIDATOR), str(path), "--base", base, "--json"],
                         capture_output=True, text=True, check=False, timeout=300)
    assert run.stdout.strip(), run.stderr
    found: list[dict[str, Any]] = json.loads(run.stdout)
    return [event for event in found if event["type"] not in TOLERATED]


def assert_valid(folder: Path, name: str) -> None:
    for fmt in ("atom", "rss"):
        events = validate(folder / f"{name}.{fmt}", f"{BASE_URL}/{name}.{fmt}")
        assert events == [], f"{name}.{fmt}: {events}"


def parse(folder: Path, name: str, fmt: str) -> Any:
    parsed = feedparser.parse(str(folder / f"{name}.{fmt}"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def publish_everything(council: Council) -> None:
    for command in (("collect",), ("queue", "approve", "--all"), ("publish",)):
        result = council.run(*command)
        assert result.exit_code in (0, 1), result.output
    assert council.feeds.is_dir(), "nothing was published"


@pytest.fixture
def hostile(council: Council, http_server: LocalHTTPServer) -> Council:
    http_server.add("/news.rss", (DATA / "hostile.rss").read_bytes(),
                    content_type="application/rss+xml")
    council.write_config(HOSTILE % (http_server.url("/news.rss"), BASE_URL))
    publish_everything(council)
    return council


def test_the_demo_feeds_validate_without_errors_or_warnings(council: Council) -> None:
    publish_everything(council)
    assert_valid(council.feeds, "partners")
    entries = parse(council.feeds, "partners", "atom").entries
    # Atom's updated is the item's own date, never the run's clock: no two share one.
    assert len({entry.updated for entry in entries}) == len(entries)


def test_the_hostile_feed_validates_once_published(hostile: Council) -> None:
    assert_valid(hostile.feeds, "partners")


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_nothing_executable_reaches_partners(hostile: Council, fmt: str) -> None:
    text = (hostile.feeds / f"partners.{fmt}").read_text(encoding="utf-8")
    for banned in ("<script", "&lt;script", "iframe", "onerror", "onclick", "javascript:",
                   "data:text", "<object", "&lt;object", "&lt;form", "style=", "evil.example",
                   "alert(", "document.cookie", "display:none"):
        assert banned not in text, banned
    fair = _entry(parse(hostile.feeds, "partners", fmt), "Roads closed for the winter fair")
    assert fair.summary.startswith("The fair closes the high street.") or \
        "The fair closes the high street." in fair.summary


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_links_are_absolute_against_xml_base_and_valid_uris(hostile: Council,
                                                            fmt: str) -> None:
    parsed = parse(hostile.feeds, "partners", fmt)
    fair = _entry(parsed, "Roads closed for the winter fair")
    html = fair.content[0].value
    assert 'href="https://www.example.gov.uk/roads/closures"' in html
    assert 'src="https://www.example.gov.uk/images/bridge.jpg"' in html
    schools = _entry(parsed, "School closures: snow")
    assert schools.link == "https://www.example.gov.uk/schools/closures/snow"
    html = schools.content[0].value
    assert 'href="https://www.example.gov.uk/schools/list.html"' in html   # the item's xml:base
    assert 'href="https://www.example.gov.uk/news/caf%C3%A9%20menu"' in html
    cafe = _entry(parsed, "Menu at the town hall café")
    assert cafe.link == "https://www.example.gov.uk/news/caf%C3%A9%20menu"
    for href in re.findall(r'(?:href|src|url)="([^"]+)"',
                           (hostile.feeds / f"partners.{fmt}").read_text(encoding="utf-8")):
        assert re.fullmatch(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", href), href


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_dates_are_read_in_their_zones_and_never_invented(hostile: Council, fmt: str) -> None:
    parsed = parse(hostile.feeds, "partners", fmt)
    fair = _entry(parsed, "Roads closed for the winter fair")
    assert fair.published_parsed[:5] == (2026, 11, 28, 9, 0)          # 10:00 BST
    assert _entry(parsed, "School closures: snow").published_parsed[:3] == (2026, 11, 28)
    assert _entry(parsed, "Market moves for the fair").published_parsed[:5] == \
        (2026, 11, 26, 14, 0)                                           # 09:00 EST
    undated = _entry(parsed, "Undated notice")
    assert "published" not in undated
    if fmt == "atom":   # the time syndicate first saw it, kept in the ledger
        assert undated.updated_parsed is not None
    notice = next(i for i in hostile.queue_items() if i["title"] == "Undated notice")
    (finding,) = [f for f in notice["findings"] if f["code"] == "date.unreadable"]
    assert "sometime next week" in finding["message"] and finding["severity"] == "warning"


def test_an_undated_item_keeps_its_time_when_it_changes(hostile: Council,
                                                       http_server: LocalHTTPServer) -> None:
    before = _entry(parse(hostile.feeds, "partners", "atom"), "Undated notice")
    changed = (DATA / "hostile.rss").read_bytes().replace(b"Read the notice.",
                                                          b"Read the revised notice.")
    http_server.add("/news.rss", changed, content_type="application/rss+xml")
    publish_everything(hostile)
    after = _entry(parse(hostile.feeds, "partners", "atom"), "Undated notice")
    assert after.summary.startswith("Read the revised notice.")     # republished
    # A revision is news to partners (issue 12's corrections): updated moves to when the
    # new version reached the feed; the other entries, unchanged, keep their times.
    revised, first = parse_date(after.updated), parse_date(before.updated)
    assert revised is not None and first is not None and revised > first
    again = parse(hostile.feeds, "partners", "atom").entries
    publish_everything(hostile)
    assert [e.updated for e in parse(hostile.feeds, "partners", "atom").entries] == \
        [e.updated for e in again]


def test_a_repeated_guid_keeps_both_entries_and_says_so(hostile: Council) -> None:
    titles = [e.title for e in parse(hostile.feeds, "partners", "atom").entries]
    assert "Market moves for the fair" in titles and "Market returns to the square" in titles
    second = next(i for i in hostile.queue_items() if i["title"] == "Market returns to the square")
    assert any(f["code"] == "feed.repeated-guid" and "hostile-dup" in f["message"]
               for f in second["findings"])
    first = next(i for i in hostile.queue_items() if i["title"] == "Market moves for the fair")
    assert not any(f["code"] == "feed.repeated-guid" for f in first["findings"])


def test_the_run_report_names_a_repeated_guid(council: Council,
                                              http_server: LocalHTTPServer) -> None:
    http_server.add("/news.rss", (DATA / "hostile.rss").read_bytes(),
                    content_type="application/rss+xml")
    council.write_config(HOSTILE % (http_server.url("/news.rss"), BASE_URL))
    report = json.loads(council.run("collect", "--json").stdout)
    assert any("hostile-dup" in p["message"] and p["where"] == "news"
               for p in report["problems"])


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_an_articles_pictures_travel_inside_its_entry(hostile: Council, fmt: str) -> None:
    parsed = parse(hostile.feeds, "partners", fmt)
    fairs = [e for e in parsed.entries if e.title == "Roads closed for the winter fair"]
    assert len(fairs) == 1                    # not once per picture
    (fair,) = fairs
    urls = [e.href for e in fair.enclosures]
    assert urls[0] == "https://www.example.gov.uk/news/images/fair-map.png"
    if fmt == "atom":
        assert urls == ["https://www.example.gov.uk/news/images/fair-map.png",
                        "https://www.example.gov.uk/news/images/fair-stalls.jpg"]
        assert fair.enclosures[1].type == "image/jpeg" and fair.enclosures[1].length == "5678"
    else:
        media = {m["url"]: m for m in fair.media_content}
        assert set(media) == {"https://www.example.gov.uk/news/images/fair-map.png",
                              "https://www.example.gov.uk/news/images/fair-stalls.jpg"}
        root = etree.parse(str(hostile.feeds / "partners.rss"))
        descriptions = root.xpath("//media:description/text()",
                                  namespaces={"media": "http://search.yahoo.com/mrss/"})
        assert descriptions == ["Stalls on the high street"]


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_entries_carry_licence_category_language_and_rights(hostile: Council,
                                                            fmt: str) -> None:
    parsed = parse(hostile.feeds, "partners", fmt)
    assert parsed.feed.language.lower() == "en-gb"
    fair = _entry(parsed, "Roads closed for the winter fair")
    assert fair.license == OGL
    assert [t.term for t in fair.tags] == ["Roads", "Events"]
    assert "Open Government Licence v3.0" in fair.rights
    assert fair.get("language", parsed.feed.language).lower() == "en-gb"
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links.get("self") == f"{BASE_URL}/partners.{fmt}"
    assert parsed.feed.generator.startswith("syndicate")


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_every_entry_reads_back_with_licence_language_and_a_true_date(hostile: Council,
                                                                      fmt: str) -> None:
    entries = parse(hostile.feeds, "partners", fmt).entries
    assert len(entries) == 6            # six stories; the pictures ride inside the fair's
    for entry in entries:
        assert entry.license == OGL, entry.title
        assert "Open Government Licence" in entry.rights, entry.title
        assert entry.get("language", "en-gb").lower() == "en-gb", entry.title
        if entry.title == "Undated notice":
            assert "published_parsed" not in entry
        else:
            assert entry.published_parsed[:3] >= (2026, 11, 26), entry.title


def test_a_folder_photo_gets_its_file_beside_the_feed(council: Council) -> None:
    config = council.config.read_text(encoding="utf-8")
    assert "base_url:" in config      # the demo serves its feeds, so rel=self exists
    publish_everything(council)
    entries = parse(council.feeds, "partners", "atom").entries
    photo = next(e for e in entries if e.title == "Christmas lights on Market Square")
    (enclosure,) = photo.enclosures
    assert enclosure.href.startswith(f"{BASE_URL}/files/photos-")
    served = council.feeds / enclosure.href.removeprefix(BASE_URL + "/")
    assert served.stat().st_size == int(enclosure.length) and enclosure.type == "image/jpeg"
    assert enclosure.get("title") == "Strings of yellow lights over a dark square lined with " \
        "shops"                                                        # its alt text
    assert [t.term for t in photo.tags] == ["Christmas lights in England",
                                            "Market Square (Example)"]
    assert photo.published_parsed[:3] == (2025, 11, 29)


@needs_exiftool
def test_a_folder_photo_is_served_as_its_tagged_copy_with_its_true_length(
        council: Council) -> None:
    publish_everything(council)
    entries = parse(council.feeds, "partners", "atom").entries
    photo = next(e for e in entries if e.title == "Christmas lights on Market Square")
    (enclosure,) = photo.enclosures
    served = council.feeds / enclosure.href.removeprefix(BASE_URL + "/")
    original = council.root / "content" / "photos" / "market-square-christmas-lights.jpg"
    # The copy partners fetch carries its licence inside (issue 16's tagged copy), so its
    # size is not the original's: the enclosure's length is the served file's.
    assert exiftool_json(served)["XMP-cc:License"] == photo.license
    assert served.stat().st_size != original.stat().st_size
    assert int(enclosure.length) == served.stat().st_size


def test_a_ledger_from_before_first_seen_times_gains_them(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    old = sqlite3.connect(path)
    old.executescript(LEDGER_SCHEMA)        # the items table as it was, without seen_at
    old.execute("INSERT INTO items (id, source, content_hash, data, targets, status, "
                "first_seen, updated) VALUES ('news-1', 'news', 'h', ?, '[]', 'pending', "
                "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
                (json.dumps(Item("news-1", "news", "article", "Old").to_dict()),))
    old.commit()
    old.close()
    ledger = Ledger(path)
    try:
        record = ledger.get("news-1")
        assert record is not None and record.item.first_seen == "2026-01-01T00:00:00Z"
        ledger.save(record)       # the first save after the upgrade keeps the old time
        saved = ledger.get("news-1")
        assert saved is not None and saved.item.first_seen == "2026-01-01T00:00:00Z"
    finally:
        ledger.close()


TOPICS = """
organisation: {name: Example Borough Council, url: https://www.example.gov.uk}
sources:
  news: {type: feed, path: content/news.rss}
  photos: {type: directory, path: content/photos}
""" + LICENSING + """
sinks:
  schools:
    type: feed
    directory: public/feeds
    title: School news
    description: Closures, term dates and admissions
    base_url: https://www.example.gov.uk/feeds
    match: {text: [school, schools]}
  roads:
    type: feed
    directory: public/feeds
    title: Roads and travel
    base_url: https://www.example.gov.uk/feeds
    kinds: [article]
    match: {text: [road, roads, gritters, resurfacing]}
  partners:
    type: feed
    directory: public/feeds
    base_url: https://www.example.gov.uk/feeds
"""


def test_topic_feeds_from_one_approval(council: Council) -> None:
    council.write_config(TOPICS)
    result = council.run("collect")
    assert result.exit_code == 0, result.output
    items = council.queue_items()
    assert len({i["id"] for i in items}) == len(items)         # nothing queued twice
    approvable = [i for i in items if i["status"] == "pending"]
    result = council.run("queue", "approve", "--all")
    assert result.exit_code == 0, result.output
    assert council.run("publish").exit_code == 0

    # Read off the demo's news.rss: the entries whose title or summary has the words.
    expected = {
        "schools": {"Snow update: all schools closed on Thursday",
                    "Gritting routes and how to check them"},
        "roads": {"Snow update: all schools closed on Thursday",
                  "Station Road resurfacing: overnight closures from 30 November",
                  "Remembrance Sunday road closures", "Gritting routes and how to check them",
                  "London Road cycle lane opens"}}
    for name in ("schools", "roads"):
        titles = [e.title for e in parse(council.feeds, name, "atom").entries]
        assert len(titles) == len(set(titles))
        assert set(titles) == expected[name], name
        assert_valid(council.feeds, name)
    everything = {e.title for e in parse(council.feeds, "partners", "atom").entries}
    assert everything > expected["schools"] | expected["roads"]
    assert "Gritter on Station Road" in everything     # a photo: roads takes articles only
    assert len(everything) == len(approvable) - sum(bool(i.get("parent")) for i in approvable)
    assert_valid(council.feeds, "partners")


def test_the_index_page_and_opml_list_every_feed(council: Council) -> None:
    council.write_config(TOPICS)
    publish_everything(council)
    page = (council.feeds / "index.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    for name, title in (("schools", "School news"), ("roads", "Roads and travel"),
                        ("partners", "Example Borough Council open content")):
        for fmt in ("atom", "rss"):
            assert f'href="{BASE_URL}/{name}.{fmt}"' in page
        assert f"<h2>{title}</h2>" in page
    assert "<p>Closures, term dates and admissions</p>" in page
    assert 'rel="license"' in page or "Each entry states its licence." in page
    assert "Last updated <time" in page
    import html5lib
    parser = html5lib.HTMLParser(strict=True)
    parser.parse(page)     # raises on any parse error: the page is valid HTML5 syntax
    opml = etree.parse(str(council.feeds / "feeds.opml")).getroot()
    assert opml.get("version") == "2.0"
    urls = sorted(o.get("xmlUrl") for o in opml.iter("outline"))
    assert urls == sorted(f"{BASE_URL}/{n}.{f}" for n in ("schools", "roads", "partners")
                          for f in ("atom", "rss"))


def _entry(parsed: Any, title: str) -> Any:
    matches = [entry for entry in parsed.entries if entry.title == title]
    assert len(matches) == 1, (title, [e.title for e in parsed.entries])
    return matches[0]
