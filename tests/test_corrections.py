"""Corrections (`updates: auto`), expiry (sidecar `expires:`, feed `dcterms:valid`, rule
`expires_after:`) and feed mirrors, through the command as users run it."""

from __future__ import annotations

import time
from pathlib import Path

import feedparser
import pytest

from syndicate.errors import ConfigError
from syndicate.sinks.feed import FeedSink
from syndicate.sources.feed import FeedReader
from tests.council import Council
from tests.httpserver import LocalHTTPServer
from tests.snowday import Notice, council_feed, write_config
from tests.test_feed_sink import make_context, make_item

STORY = Notice("gritting", "Gritting routes tonight", "All priority routes gritted from 6pm.")
FIXED = Notice("gritting", "Gritting routes tonight (corrected)",
               "All priority routes gritted from 7pm.")


def entries(council: Council) -> dict[str, feedparser.FeedParserDict]:
    parsed = feedparser.parse(str(council.feeds / "partners.atom"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    return {entry.id: entry for entry in parsed.entries}


def published_story(tmp_path: Path, http_server: LocalHTTPServer, *, updates: bool
                    ) -> tuple[Council, str]:
    http_server.add("/news.rss", council_feed([STORY]), content_type="application/rss+xml")
    write_config(tmp_path / "c", http_server.url("/news.rss"), updates=updates, urgent="")
    council = Council(tmp_path / "c")
    council.run("collect")
    council.run("queue", "approve", "--all")
    assert council.run("publish").exit_code == 0
    (item,) = council.queue_items()
    return council, item["id"]


def correct(http_server: LocalHTTPServer, notice: Notice = FIXED) -> None:
    time.sleep(1.1)  # entries are dated to the second
    http_server.add("/news.rss", council_feed([notice]), content_type="application/rss+xml")


def test_updates_auto_republishes_a_correction_in_place(tmp_path: Path,
                                                        http_server: LocalHTTPServer) -> None:
    council, item_id = published_story(tmp_path, http_server, updates=True)
    (before,) = entries(council).values()
    correct(http_server)

    assert council.run("run").exit_code == 0

    (after,) = entries(council).values()
    assert after.id == before.id
    assert after.title == FIXED.title and "7pm" in after.summary
    assert after.updated > before.updated
    assert council.item(item_id)["status"] == "published"


def test_without_updates_auto_the_published_version_stays_and_status_says_why(
        tmp_path: Path, http_server: LocalHTTPServer) -> None:
    council, item_id = published_story(tmp_path, http_server, updates=False)
    correct(http_server)

    assert council.run("run").exit_code == 0

    (entry,) = entries(council).values()
    assert entry.title == STORY.title
    assert council.item(item_id)["status"] == "pending"
    status = council.run("status").output
    assert f"changed since publication, waiting (pending): {item_id}" in status
    assert "the published version stays in partners" in status


def test_updates_auto_still_asks_an_editor_when_the_licence_changes(
        tmp_path: Path, http_server: LocalHTTPServer) -> None:
    council, item_id = published_story(tmp_path, http_server, updates=True)
    relicensed = Notice("gritting", FIXED.title, FIXED.description,
                        licence="https://creativecommons.org/licenses/by/4.0/")
    correct(http_server, relicensed)

    assert council.run("run").exit_code == 0

    assert council.item(item_id)["status"] == "pending"
    (entry,) = entries(council).values()
    assert entry.title == STORY.title


def test_updates_must_be_auto_or_approve(tmp_path: Path) -> None:
    path = write_config(tmp_path / "c", "https://www.example.gov.uk/news.rss", urgent="")
    path.write_text(path.read_text().replace("updates: auto", "updates: yes please"))
    result = Council(tmp_path / "c").run("collect")
    assert result.exit_code == 2
    assert "sources.news.updates: must be auto" in result.output


def test_source_policy_options_are_typed_documented_and_kept_from_the_source(
        tmp_path: Path) -> None:
    from datetime import timedelta

    from syndicate import config as config_module

    path = write_config(tmp_path / "c", "https://www.example.gov.uk/news.rss", urgent="")
    path.write_text(path.read_text().replace("updates: auto",
                                             "updates: auto\n    expires_after: 2w"))
    spec = config_module.load(path).sources["news"]
    assert spec.policy == {"updates": True, "expires_after": timedelta(weeks=2)}
    assert "updates" not in spec.options and "expires_after" not in spec.options
    listed = Council(tmp_path / "c").run("sources", "--options", "feed")
    assert "updates" in listed.output and "expires_after" in listed.output
    for sink, option in (("feed", "hub"), ("feed", "mirrors"),
                         ("wikipedia-draft", "withdraw_template"),
                         ("commons", "withdraw_template")):
        assert option in Council(tmp_path / "c").run("sinks", "--options", sink).output


# -- expiry -----------------------------------------------------------------------------------

def demo_published(council: Council) -> None:
    council.run("collect")
    council.run("queue", "approve", "--all")
    assert council.run("publish").exit_code == 0


def photo(council: Council, title: str) -> str:
    return next(i["id"] for i in council.queue_items() if i["title"] == title)


def test_a_sidecar_expiry_takes_the_photo_off_the_feeds(council: Council) -> None:
    council.write_config(council.config.read_text().replace(
        "sinks:\n", "sinks:\n  archive:\n    type: jsonl\n    path: archive.jsonl\n", 1))
    demo_published(council)
    item_id = photo(council, "Example Town Hall in spring")
    sidecar = council.root / "content" / "photos" / "town-hall-spring.jpg.yaml"
    sidecar.write_text(sidecar.read_text() + "expires: 2026-01-01\n")

    assert council.run("run").exit_code == 0

    assert f"tag:example.gov.uk,2026:{item_id}" not in entries(council)
    queued = council.item(item_id)
    assert queued["status"] == "withdrawn"
    assert queued["reason"] == "expired 2026-01-01T00:00:00Z"
    # Expiry is for feeds; other platforms keep the item and nobody is asked to act.
    assert queued["results"]["archive"]["status"] == "kept"
    assert "withdrawal needs a person" not in council.run("status").output
    atom = (council.feeds / "partners.atom").read_text()
    assert f'ref="tag:example.gov.uk,2026:{item_id}"' in atom


def test_a_rule_expiry_takes_old_items_off_the_feeds_and_leaves_the_rest(
        council: Council) -> None:
    demo_published(council)
    before = entries(council)
    text = council.config.read_text().replace(
        "    - match: {source: photos}\n      licence: cc-by-4.0\n",
        "    - match: {source: photos}\n      licence: cc-by-4.0\n      expires_after: 30d\n")
    council.write_config(text)

    assert council.run("run").exit_code == 0

    photos = {i["id"] for i in council.queue_items() if i["source"] == "photos"
              and i["status"] == "withdrawn"}
    assert photos  # the demo's photos are all older than 30 days
    left = entries(council)
    assert not any(entry_id.rsplit(":", 1)[1] in photos for entry_id in left)
    assert len(left) == len(before) - len(photos)
    assert all(i["reason"].startswith("expired ") for i in council.queue_items()
               if i["id"] in photos)


def test_an_expired_item_is_never_published(council: Council) -> None:
    sidecar = council.root / "content" / "photos" / "town-hall-spring.jpg.yaml"
    sidecar.write_text(sidecar.read_text() + "expires: 2020-05-01T12:00:00Z\n")
    demo_published(council)
    item_id = photo(council, "Example Town Hall in spring")
    council.run("run")
    assert council.item(item_id)["status"] == "withdrawn"
    assert f"tag:example.gov.uk,2026:{item_id}" not in entries(council)


@pytest.mark.parametrize(("element", "expected"), [
    ('<dcterms:valid>start=2026-11-30T06:00:00Z; end=2026-12-02T18:00:00Z; '
     'scheme=W3C-DTF</dcterms:valid>', "2026-12-02T18:00:00Z"),
    ("<expires>2026-12-03</expires>", "2026-12-03T00:00:00Z"),
    ("<expires>whenever</expires>", None),
])
def test_a_feed_entry_says_when_it_expires(element: str, expected: str | None) -> None:
    feed = ('<rss version="2.0" xmlns:dcterms="http://purl.org/dc/terms/"><channel>'
            "<title>t</title><link>https://www.example.gov.uk/</link><item><title>Snow</title>"
            f"<guid>https://www.example.gov.uk/n/1</guid>{element}</item></channel></rss>")
    import io

    (item,) = FeedReader("news", "feed.xml").read(io.BytesIO(feed.encode()))
    assert item.extra.get("expires") == expected


# -- mirrors ----------------------------------------------------------------------------------

def test_mirrors_get_the_same_files_written_atomically(tmp_path: Path) -> None:
    sink = FeedSink("partners", {"mirrors": ["mirror-a", "mirror-b"]}, make_context(tmp_path))
    sink.open()
    receipt = sink.publish(make_item("news-1"))
    sink.publish(make_item("news-2"))
    sink.withdraw(make_item("news-1"), receipt)
    main = tmp_path / "public" / "feeds"
    for mirror in ("mirror-a", "mirror-b"):
        for name in ("partners.atom", "partners.rss"):
            assert (tmp_path / mirror / name).read_bytes() == (main / name).read_bytes()
        assert sorted(p.name for p in (tmp_path / mirror).iterdir()) == [
            "partners.atom", "partners.rss"]  # no temporary files left behind


def test_a_mirror_that_cannot_be_written_does_not_fail_the_publication(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "blocked").write_text("a file where the mirror folder should be")
    sink = FeedSink("partners", {"mirrors": ["blocked"]}, make_context(tmp_path))
    sink.open()
    sink.publish(make_item("news-1"))
    assert (tmp_path / "public" / "feeds" / "partners.atom").exists()
    assert "cannot write the mirror" in caplog.text


@pytest.mark.parametrize(("config", "key"), [
    ({"hub": "https://hub.example/"}, "hub"),           # no base_url: no topic to announce
    ({"hub": "ftp://hub.example/", "base_url": "https://x.example/f"}, "hub"),
    ({"mirrors": "public/mirror"}, "mirrors"),
])
def test_bad_hub_and_mirror_settings_name_the_key(tmp_path: Path, config: dict[str, str],
                                                  key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        FeedSink("partners", config, make_context(tmp_path))
    assert caught.value.key == key


def test_a_licensing_rule_may_say_updates_and_expires_after() -> None:
    from datetime import timedelta

    from syndicate.tagging import Licensing

    licensing = Licensing.from_config({"default": "ogl-uk-3.0", "rules": [
        {"match": {"source": "news"}, "licence": "ogl-uk-3.0", "updates": "auto",
         "expires_after": "36h"}]})
    (rule,) = licensing.rules
    assert (rule.updates, rule.expires_after) == (True, timedelta(hours=36))
    for key, value in (("updates", "sometimes"), ("expires_after", "3 days")):
        with pytest.raises(ConfigError) as caught:
            Licensing.from_config({"rules": [
                {"match": {"source": "news"}, "licence": "ogl-uk-3.0", key: value}]})
        assert caught.value.key == f"rules.0.{key}"
