"""The feed sink, read back the way partners read it: with feedparser."""

from __future__ import annotations

import json
import resource
import time
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import feedparser
import pytest
from lxml import etree

from syndicate.errors import ConfigError, SinkError, SkipItem
from syndicate.licences import registry
from syndicate.model import Attachment, Attribution, Item
from syndicate.sinks.base import Organisation, SinkContext
from syndicate.sinks.feed import FeedSink
from syndicate.testing import SinkContract

ORGANISATION = Organisation("Example Borough Council", "https://www.example.gov.uk",
                            "webteam@example.gov.uk")
MIXED = ("cc-by-4.0", "ogl-uk-3.0", "cc-by-sa-2.0-uk")


def make_context(base_dir: Path, *, dry_run: bool = False,
                 organisation: Organisation = ORGANISATION) -> SinkContext:
    return SinkContext(base_dir=base_dir, state_dir=base_dir / ".syndicate",
                       organisation=organisation, user_agent="syndicate-tests",
                       dry_run=dry_run)


def make_item(item_id: str, licence_id: str = "cc-by-4.0", **fields: Any) -> Item:
    licence = registry().get(licence_id)
    values: dict[str, Any] = {
        "source": "news", "kind": "article", "title": f"Story {item_id}",
        "url": f"https://www.example.gov.uk/news/{item_id}",
        "description": f"About {item_id}", "date": "2026-01-05T02:00:13Z",
        "licence": licence.id, "licence_url": licence.url,
        "attribution": Attribution(
            text=f"Story {item_id} by Example Borough Council, {licence.short_name}",
            html=(f'<a href="https://www.example.gov.uk/news/{item_id}">Story {item_id}</a>'
                  f" by Example Borough Council, {licence.short_name}"),
            wikitext="unused here")}
    values.update(fields)
    return Item(id=item_id, **values)


@pytest.fixture
def open_sink(tmp_path: Path) -> Callable[..., FeedSink]:
    """A fresh FeedSink named ``partners`` in tmp_path; each call is a new run's instance."""
    def factory(dry_run: bool = False, **config: Any) -> FeedSink:
        sink = FeedSink("partners", config, make_context(tmp_path, dry_run=dry_run))
        sink.open()
        return sink
    return factory


def read(tmp_path: Path, fmt: str) -> Any:
    parsed = feedparser.parse(str(tmp_path / "public" / "feeds" / f"partners.{fmt}"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


class TestFeedSinkContract(SinkContract):
    sink_class = FeedSink


def test_sink_is_registered_under_the_feed_entry_point() -> None:
    assert entry_points(group="syndicate.sinks")["feed"].load() is FeedSink


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_partners_see_each_entrys_own_licence_when_licences_are_mixed(
        tmp_path: Path, open_sink: Callable[..., FeedSink], fmt: str) -> None:
    sink = open_sink()
    receipts = {sink.publish(make_item(f"news-{i}", licence)).remote_id: licence
                for i, licence in enumerate(MIXED)}

    parsed = read(tmp_path, fmt)

    seen = {entry.id: entry.license for entry in parsed.entries}
    assert seen == {entry_id: registry().get(licence).url
                    for entry_id, licence in receipts.items()}
    assert "license" not in parsed.feed


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_a_shared_licence_is_also_declared_on_the_feed(
        tmp_path: Path, open_sink: Callable[..., FeedSink], fmt: str) -> None:
    sink = open_sink()
    for i in range(2):
        sink.publish(make_item(f"news-{i}", "ogl-uk-3.0"))

    parsed = read(tmp_path, fmt)

    ogl = registry().get("ogl-uk-3.0").url
    assert parsed.feed.license == ogl
    assert [entry.license for entry in parsed.entries] == [ogl, ogl]


def test_atom_licence_links_carry_the_short_name(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    open_sink().publish(make_item("news-1", "cc-by-sa-2.0-uk"))

    entry = read(tmp_path, "atom").entries[0]

    licence = registry().get("cc-by-sa-2.0-uk")
    assert [(link.href, link.title) for link in entry.links if link.rel == "license"] == [
        (licence.url, licence.short_name)]


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_enclosure_url_type_and_length_reach_partners(
        tmp_path: Path, open_sink: Callable[..., FeedSink], fmt: str) -> None:
    photo = make_item("photos-1", kind="image", source="photos",
                      media_url="https://www.example.gov.uk/photos/town-hall.jpg",
                      media_type="image/jpeg", size=48213)
    open_sink().publish(photo)

    (enclosure,) = read(tmp_path, fmt).entries[0].enclosures

    assert (enclosure.href, enclosure.type, enclosure.length) == (
        "https://www.example.gov.uk/photos/town-hall.jpg", "image/jpeg", "48213")


def test_an_article_picture_is_not_offered_as_an_enclosure(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    open_sink().publish(make_item("news-1", media_url="https://www.example.gov.uk/lead.jpg"))

    assert read(tmp_path, "atom").entries[0].enclosures == []


def test_attribution_reaches_partners_in_both_formats(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    item = make_item("news-1", content_html="<p>Full story</p>")
    assert item.attribution is not None
    open_sink().publish(item)

    atom = read(tmp_path, "atom").entries[0]
    rss = read(tmp_path, "rss").entries[0]

    assert atom.rights == item.attribution.text
    assert atom.content[0].value.startswith("<p>Full story</p>")
    assert item.attribution.html in atom.content[0].value
    assert "About news-1" in rss.description and item.attribution.html in rss.description
    assert item.attribution.html in rss.content[0].value


def test_an_item_without_attribution_still_carries_its_licence(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    open_sink().publish(make_item("news-1", attribution=None))

    atom = read(tmp_path, "atom").entries[0]
    rss = read(tmp_path, "rss").entries[0]

    assert "rights" not in atom
    assert atom.license == rss.license == registry().get("cc-by-4.0").url


def test_entry_ids_are_stable_tag_uris_across_runs(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    first = open_sink().publish(make_item("news-4f2c1a9b"))
    second = open_sink().publish(make_item("news-4f2c1a9b"))

    assert first.remote_id == second.remote_id == "tag:example.gov.uk,2026:news-4f2c1a9b"
    assert [entry.id for entry in read(tmp_path, "atom").entries] == [first.remote_id]
    assert [entry.id for entry in read(tmp_path, "rss").entries] == [first.remote_id]


def test_receipt_names_the_entry_the_item_url_and_the_files(
        open_sink: Callable[..., FeedSink]) -> None:
    receipt = open_sink().publish(make_item("news-1"))

    assert receipt.url == "https://www.example.gov.uk/news/news-1"
    assert receipt.detail == {"files": ["public/feeds/partners.atom",
                                        "public/feeds/partners.rss"]}


def test_a_changed_item_replaces_its_entry(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    open_sink().publish(make_item("news-1", title="Snow: schools open"))
    open_sink().publish(make_item("news-1", title="Snow: all schools closed"))

    for fmt in ("atom", "rss"):
        assert [entry.title for entry in read(tmp_path, fmt).entries] == [
            "Snow: all schools closed"]


def test_entries_from_earlier_runs_stay_newest_first_up_to_max_entries(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    for i in range(3):
        open_sink(max_entries=2).publish(make_item(f"news-{i}"))

    for fmt in ("atom", "rss"):
        assert [entry.title for entry in read(tmp_path, fmt).entries] == [
            "Story news-2", "Story news-1"]


def test_dates_are_rfc3339_in_atom_and_rfc822_in_rss(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    open_sink().publish(make_item("news-1", date="Mon, 05 Jan 2026 02:00:13 +0000",
                                  modified="2026-01-06T09:30:00+01:00"))
    atom = (tmp_path / "public/feeds/partners.atom").read_text()
    rss = (tmp_path / "public/feeds/partners.rss").read_text()

    assert "<published>2026-01-05T02:00:13Z</published>" in atom
    assert "<updated>2026-01-06T08:30:00Z</updated>" in atom
    assert "<pubDate>Mon, 05 Jan 2026 02:00:13 GMT</pubDate>" in rss


def test_an_unreadable_date_is_left_out_rather_than_stopping_the_feed(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    open_sink().publish(make_item("news-1", date="the week after Easter",
                                  modified="0001-01-01T00:00:00+01:00"))

    entry = read(tmp_path, "atom").entries[0]

    assert "published" not in entry
    assert entry.updated_parsed is not None


def test_base_url_gives_the_self_links_and_the_atom_feed_id(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    open_sink(base_url="https://www.example.gov.uk/feeds/").publish(make_item("news-1"))

    atom = read(tmp_path, "atom")
    rss = read(tmp_path, "rss")

    assert atom.feed.id == "https://www.example.gov.uk/feeds/partners.atom"
    assert [link.href for link in atom.feed.links if link.rel == "self"] == [
        "https://www.example.gov.uk/feeds/partners.atom"]
    assert [link.href for link in rss.feed.links if link.rel == "self"] == [
        "https://www.example.gov.uk/feeds/partners.rss"]


def test_hostile_text_yields_well_formed_xml(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    hostile = "]]> <script>alert(1)</script> &amp; \x00\x08\x1b\ud800 </entry></feed>"
    open_sink().publish(make_item("news-1", title=f"Title {hostile}", description=hostile,
                                  content_html=f"<p>{hostile}</p>", creator=hostile,
                                  attribution=Attribution(hostile, hostile, hostile)))

    strict = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, recover=False)
    for fmt in ("atom", "rss"):
        path = tmp_path / "public" / "feeds" / f"partners.{fmt}"
        etree.fromstring(path.read_bytes(), strict)
        (entry,) = read(tmp_path, fmt).entries
        assert entry.title == "Title ]]> <script>alert(1)</script> &amp;  </entry></feed>"


def test_dry_run_previews_the_entry_and_writes_nothing(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    receipt = open_sink(dry_run=True).publish(make_item("news-1"))

    assert receipt.detail["preview"] == (
        "would add entry tag:example.gov.uk,2026:news-1 ('Story news-1') in "
        "public/feeds/partners.atom, public/feeds/partners.rss")
    assert not (tmp_path / "public").exists()


def test_dry_run_says_when_an_entry_would_be_replaced(
        open_sink: Callable[..., FeedSink]) -> None:
    open_sink(formats=["rss"]).publish(make_item("news-1"))

    receipt = open_sink(dry_run=True, formats=["rss"]).publish(make_item("news-1"))

    assert receipt.detail["preview"].startswith("would replace entry")
    assert receipt.detail["preview"].endswith("in public/feeds/partners.rss")


def test_a_failed_write_leaves_the_old_feeds_intact_and_no_temp_files(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    feeds = tmp_path / "public" / "feeds"
    open_sink().publish(make_item("news-1"))
    before = {path.name: path.read_bytes() for path in feeds.iterdir()}
    # A real fault root cannot bypass (a read-only folder does not stop root): a file-size
    # limit makes the kernel refuse the big write with EFBIG (Python ignores SIGXFSZ).
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, hard))
    try:
        with pytest.raises(SinkError, match=str(feeds)):
            open_sink().publish(make_item("news-2", content_html="<p>x</p>" * 20_000))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))

    assert {path.name: path.read_bytes() for path in feeds.iterdir()} == before


def test_a_damaged_entries_store_is_a_sink_error_naming_it(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    store = tmp_path / ".syndicate" / "feeds" / "partners.entries.json"
    store.parent.mkdir(parents=True)
    store.write_text("{not json", encoding="utf-8")

    with pytest.raises(SinkError, match=str(store)):
        open_sink().publish(make_item("news-1"))


def test_check_accepts_a_complete_item(open_sink: Callable[..., FeedSink]) -> None:
    assert open_sink().check(make_item("news-1")) == []


@pytest.mark.parametrize(("fields", "code"), [
    ({"licence": None, "licence_url": None}, "licence.missing"),
    ({"licence_url": None}, "feed.no-licence-url"),
    ({"url": None, "content_html": ""}, "feed.no-link"),
    ({"url": "javascript:alert(1)"}, "feed.unsafe-url"),
    ({"kind": "image", "media_url": "file:///etc/passwd"}, "feed.unsafe-url"),
    ({"creator": "A. Snapper", "creator_url": "data:text/html,x"}, "feed.unsafe-url"),
    ({"kind": "image", "media_url": "http://192.168.10.5/media/gritters.jpg"},
     "feed.unsafe-url"),
    ({"url": "http://[::1]:8080/news/1"}, "feed.unsafe-url"),
    ({"url": "http://intranet.localhost/news/1"}, "feed.unsafe-url"),
    # 6to4 wrapping the metadata address: Python calls it global, the shared rule does not
    ({"url": "http://[2002:a9fe:a9fe::1]/news/1"}, "feed.unsafe-url"),
])
def test_check_refuses_items_a_feed_cannot_carry(
        open_sink: Callable[..., FeedSink], fields: dict[str, Any], code: str) -> None:
    findings = open_sink().check(make_item("news-1", **fields))

    assert [(f.code, f.severity, f.sink) for f in findings] == [(code, "error", "partners")]
    assert "news-1" in findings[0].message


def test_publish_refuses_an_item_without_a_licence_url(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    with pytest.raises(SkipItem, match="news-1"):
        open_sink().publish(make_item("news-1", licence_url=None))
    assert not (tmp_path / "public" / "feeds" / "partners.atom").exists()


@pytest.mark.parametrize(("config", "key", "hint"), [
    ({"formats": ["atom", "json"]}, "formats", "atom, rss"),
    ({"formats": []}, "formats", "atom, rss"),
    ({"formats": "atom"}, "formats", "atom, rss"),
    ({"max_entries": 0}, "max_entries", "at least 1"),
    ({"max_entries": True}, "max_entries", "at least 1"),
    ({"max_entries": "ten"}, "max_entries", "at least 1"),
    ({"filename": "../escape"}, "filename", "plain name"),
    ({"base_url": "ftp://example.gov.uk/feeds"}, "base_url", "http(s)"),
    ({"directory": ""}, "directory", "non-empty"),
    ({"title": 42}, "title", "non-empty"),
])
def test_config_errors_name_the_key(tmp_path: Path, config: dict[str, Any], key: str,
                                    hint: str) -> None:
    with pytest.raises(ConfigError, match=key) as caught:
        FeedSink("partners", config, make_context(tmp_path))

    assert caught.value.key == key
    assert hint in str(caught.value)


def test_without_any_organisation_url_the_sink_asks_for_one(tmp_path: Path) -> None:
    context = make_context(tmp_path, organisation=Organisation("Example Borough Council"))

    with pytest.raises(ConfigError, match=r"organisation\.url") as caught:
        FeedSink("partners", {}, context)
    assert caught.value.key == "base_url"


def test_defaults_follow_the_organisation_and_sink_name(tmp_path: Path) -> None:
    sink = FeedSink("partners", {}, make_context(tmp_path))

    assert sink.title == "Example Borough Council open content"
    assert sink.formats == ("atom", "rss")
    assert sink.max_entries == 100
    assert sink.directory == tmp_path / "public" / "feeds"


# --- safe, true and complete entries (issue: partner feeds) --------------------------------

def test_content_is_sanitised_in_the_sink_whatever_the_source_did(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    open_sink().publish(make_item(
        "news-1", content_html='<p onclick="x()">Hi <a href="/more">more</a></p>'
                               '<script>steal()</script><iframe src="https://evil.example">'))
    (entry,) = read(tmp_path, "atom").entries
    html = entry.content[0].value
    assert 'href="https://www.example.gov.uk/more"' in html    # against the item's page
    for banned in ("onclick", "script", "steal", "iframe", "evil"):
        assert banned not in html


def test_an_undated_item_is_dated_by_when_syndicate_first_saw_it(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    open_sink().publish(make_item("news-1", date=None, first_seen="2026-03-01T08:00:00.250000Z"))
    atom = (tmp_path / "public/feeds/partners.atom").read_text()
    rss = (tmp_path / "public/feeds/partners.rss").read_text()
    assert "<updated>2026-03-01T08:00:00.250000Z</updated>" in atom
    assert "<published>" not in atom
    assert "<pubDate>" not in rss          # RSS: no date rather than an invented one


def test_an_item_from_outside_the_ledger_keeps_its_first_stored_time(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    open_sink().publish(make_item("news-1", date=None))
    first = read(tmp_path, "atom").entries[0].updated
    time.sleep(1.1)   # utc_now is to the second: a later run would say a later time
    open_sink().publish(make_item("news-1", date=None))     # republished, a later run
    assert read(tmp_path, "atom").entries[0].updated == first
    # (A changed version moves it: test_updated_moves_only_when_the_content_changes.)


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_categories_language_and_rights_are_written(
        tmp_path: Path, open_sink: Callable[..., FeedSink], fmt: str) -> None:
    sink = open_sink()
    sink.publish(make_item("news-1", categories=["Schools", "Snow"]))
    sink.publish(make_item("news-2", language="cy", title="Ysgolion ar gau"))
    parsed = read(tmp_path, fmt)
    assert parsed.feed.language == "en-GB"
    english, welsh = sorted(parsed.entries, key=lambda e: e.title)
    assert [t.term for t in english.tags] == ["Schools", "Snow"]
    assert english.rights.startswith("Story news-1 by Example Borough Council")
    if fmt == "atom":
        assert welsh.title_detail.language == "cy"
    else:
        assert welsh.language == "cy"
    assert parsed.feed.generator.startswith("syndicate")


def test_icon_and_logo_when_configured(tmp_path: Path,
                                       open_sink: Callable[..., FeedSink]) -> None:
    open_sink(icon="https://www.example.gov.uk/icon.png",
              logo="https://www.example.gov.uk/logo.png").publish(make_item("news-1"))
    atom = read(tmp_path, "atom").feed
    assert (atom.icon, atom.logo) == ("https://www.example.gov.uk/icon.png",
                                      "https://www.example.gov.uk/logo.png")
    assert read(tmp_path, "rss").feed.image.href == "https://www.example.gov.uk/logo.png"


ATTACHED = [Attachment("https://www.example.gov.uk/i/map.png", "image/png", 1234, alt="Map"),
            Attachment("https://www.example.gov.uk/i/route.pdf", "application/pdf", 99,
                       licence="https://creativecommons.org/licenses/by-sa/4.0/"),
            Attachment("http://192.168.1.5/private.jpg", "image/jpeg")]


def test_media_attach_keeps_pictures_inside_the_story(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    sink = open_sink()
    article = make_item("news-1", attachments=ATTACHED)
    findings = sink.check(article)
    assert [(f.code, f.severity) for f in findings] == [("feed.attachment-left-out", "warning")]
    sink.publish(article)
    receipt = sink.publish(make_item("news-9", kind="image", parent="news-1",
                                     media_url="https://www.example.gov.uk/i/map.png"))
    assert receipt.detail["attached_to"] == sink.entry_id("news-1")
    (entry,) = read(tmp_path, "atom").entries                 # one story, one entry
    assert [(e.href, e.type, e.length) for e in entry.enclosures] == [
        ("https://www.example.gov.uk/i/map.png", "image/png", "1234"),
        ("https://www.example.gov.uk/i/route.pdf", "application/pdf", "99")]
    rss = etree.parse(str(tmp_path / "public/feeds/partners.rss"))
    media = {"media": "http://search.yahoo.com/mrss/"}
    assert len(rss.findall(".//enclosure")) == 1
    assert rss.xpath("//media:content/@url", namespaces=media) == [
        "https://www.example.gov.uk/i/map.png", "https://www.example.gov.uk/i/route.pdf"]
    assert rss.xpath("//media:description/text()", namespaces=media) == ["Map"]
    assert rss.xpath("//media:license/@href", namespaces=media) == [
        "https://creativecommons.org/licenses/by-sa/4.0/"]   # only where it differs
    assert rss.xpath("//media:credit/text()", namespaces=media) == [
        "Example Borough Council"] * 2


def test_a_picture_whose_story_is_not_in_the_feed_gets_its_own_entry(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    receipt = open_sink().publish(make_item(
        "pages-9", kind="image", parent="pages-1",
        media_url="https://www.example.gov.uk/i/bandstand.jpg", media_type="image/jpeg"))
    assert "attached_to" not in receipt.detail
    (entry,) = read(tmp_path, "atom").entries
    assert [e.href for e in entry.enclosures] == ["https://www.example.gov.uk/i/bandstand.jpg"]


def test_a_picture_published_before_its_story_joins_it(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    sink = open_sink()
    sink.publish(make_item("news-9", kind="image", parent="news-1",
                           media_url="https://www.example.gov.uk/i/map.png"))
    sink.publish(make_item("news-1", attachments=ATTACHED[:1]))
    (entry,) = read(tmp_path, "rss").entries                  # one story, one entry
    assert entry.id.endswith("news-1")
    assert [e.href for e in entry.enclosures] == ["https://www.example.gov.uk/i/map.png"]


def test_updated_moves_only_when_the_content_changes(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    first_seen = "2026-03-01T08:00:00.250000Z"
    open_sink().publish(make_item("news-1", date=None, first_seen=first_seen))
    open_sink().publish(make_item("news-1", date=None, first_seen=first_seen))
    (entry,) = read(tmp_path, "atom").entries
    assert entry.updated == first_seen          # the same content again: the same time
    open_sink().publish(make_item("news-1", date=None, first_seen=first_seen,
                                  description="About news-1, corrected"))
    (entry,) = read(tmp_path, "atom").entries
    assert entry.updated > "2026-03-02"                     # a correction: now
    again = entry.updated
    open_sink().publish(make_item("news-1", date=None, first_seen=first_seen,
                                  description="About news-1, corrected"))
    (entry,) = read(tmp_path, "atom").entries
    assert entry.updated == again               # and it stays put afterwards


def test_a_folder_photo_is_copied_to_the_mirrors_too(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    photo = tmp_path / "p.jpg"
    photo.write_bytes(b"\xff\xd8 a photo")
    sink = open_sink(base_url="https://www.example.gov.uk/feeds", mirrors=["mirror"])
    sink.publish(make_item("photos-1", kind="image", source="photos", path=photo,
                           media_type="image/jpeg"))
    (enclosure,) = read(tmp_path, "atom").entries[0].enclosures
    name = enclosure.href.removeprefix("https://www.example.gov.uk/feeds/")
    assert name.startswith("files/") and int(enclosure.length) == photo.stat().st_size
    served = tmp_path / "public" / "feeds" / name
    assert (tmp_path / "mirror" / name).read_bytes() == served.read_bytes() == \
        photo.read_bytes()


def test_withdrawing_a_picture_that_rides_in_its_story_keeps_the_story(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    sink = open_sink()
    sink.publish(make_item("news-1", attachments=ATTACHED[:1]))
    picture = make_item("news-9", kind="image", parent="news-1",
                        media_url="https://www.example.gov.uk/i/map.png")
    receipt = sink.publish(picture)
    assert receipt.detail["attached_to"] == receipt.remote_id    # the story's entry

    withdrawal = sink.withdraw(picture, receipt)

    assert withdrawal.done and "the article stays" in withdrawal.message
    for fmt in ("atom", "rss"):
        (entry,) = read(tmp_path, fmt).entries                    # the story is still there
        assert entry.id.endswith("news-1") and entry.enclosures == []


def test_media_separate_gives_pictures_entries_of_their_own(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    sink = open_sink(media="separate")
    sink.publish(make_item("news-1", attachments=ATTACHED))
    sink.publish(make_item("news-9", kind="image", parent="news-1",
                           media_url="https://www.example.gov.uk/i/map.png"))
    entries = read(tmp_path, "atom").entries
    assert len(entries) == 2
    article = next(e for e in entries if e.id.endswith("news-1"))
    assert article.enclosures == []


@pytest.mark.parametrize(("config", "key"), [
    ({"media": "inline"}, "media"), ({"icon": "javascript:x"}, "icon"),
    ({"logo": "http://127.0.0.1/logo.png"}, "logo")])
def test_new_options_are_checked(tmp_path: Path, config: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        FeedSink("partners", config, make_context(tmp_path))
    assert caught.value.key == key


def test_a_version_1_store_still_loads(tmp_path: Path,
                                       open_sink: Callable[..., FeedSink]) -> None:
    store = tmp_path / ".syndicate" / "feeds" / "partners.entries.json"
    store.parent.mkdir(parents=True)
    old = {"id": "tag:example.gov.uk,2026:photos-1", "item_id": "photos-1", "title": "Old",
           "url": None, "summary": "", "content_html": "", "author": "A", "author_url": None,
           "published": None, "updated": "2026-01-01T00:00:00Z",
           "licence_url": "https://creativecommons.org/licenses/by/4.0/",
           "licence_title": "CC BY 4.0", "rights": None, "attribution_html": None,
           "enclosure": {"url": "https://www.example.gov.uk/p.jpg", "type": "image/jpeg",
                         "length": 5}}
    store.write_text(json.dumps({"version": 1, "entries": [old]}), encoding="utf-8")
    open_sink().publish(make_item("news-1"))
    old_entry = next(e for e in read(tmp_path, "atom").entries if e.title == "Old")
    assert [e.href for e in old_entry.enclosures] == ["https://www.example.gov.uk/p.jpg"]


def test_without_base_url_the_sink_says_what_partners_miss(
        tmp_path: Path, open_sink: Callable[..., FeedSink]) -> None:
    (advice,) = open_sink().preflight()
    assert (advice.code, advice.severity) == ("feed.no-base-url", "warning")
    assert "rel=\"self\"" in advice.message
    assert open_sink(base_url="https://www.example.gov.uk/feeds").preflight() == []
    photo = make_item("photos-1", kind="image", source="photos", path=tmp_path / "p.jpg")
    assert [f.code for f in open_sink().check(photo)] == ["feed.no-base-url"]
