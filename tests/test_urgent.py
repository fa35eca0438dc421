"""The emergency lane: a snow day end to end on loopback — a council feed on 127.0.0.1 gains
an Emergency item, `run --urgent` publishes it with no editor, a WebSub hub on 127.0.0.1
hears about it, a correction at the source changes the entry in place, a withdrawal leaves a
tombstone, and a nightly run holding the lock makes the urgent run wait, not fail."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import feedparser
import pytest

from syndicate.files import RunLock
from tests.council import Council
from tests.httpserver import LocalHTTPServer
from tests.snowday import FEEDS_URL, Notice, council_feed, ordinary, write_config
from tests.test_withdraw import validate
from tests.websubhub import Hub

A61 = Notice("a61", "URGENT: A61 closed at Hill Top", "Snow: the A61 is closed.",
             categories=["Emergency", "Roads"])


def entries(council: Council) -> dict[str, feedparser.FeedParserDict]:
    parsed = feedparser.parse(str(council.feeds / "partners.atom"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    return {entry.id: entry for entry in parsed.entries}


@pytest.fixture
def snowy(tmp_path: Path, http_server: LocalHTTPServer, websub_hub: Hub) -> Council:
    """A council whose feed is served on 127.0.0.1, with a hub and an urgent rule."""
    http_server.add("/news.rss", council_feed(ordinary(3)), content_type="application/rss+xml")
    write_config(tmp_path / "council", http_server.url("/news.rss"), websub_hub.url)
    return Council(tmp_path / "council")


def serve(http_server: LocalHTTPServer, notices: list[Notice]) -> None:
    http_server.add("/news.rss", council_feed(notices), content_type="application/rss+xml")


def test_snow_day(snowy: Council, http_server: LocalHTTPServer, websub_hub: Hub) -> None:
    assert snowy.run("run").exit_code == 0          # the nightly job: ordinary news waits
    assert not (snowy.feeds / "partners.atom").exists()

    # 06:00: the council's CMS publishes the emergency; cron runs the urgent lane.
    serve(http_server, [A61, *ordinary(3)])
    started = time.monotonic()
    result = snowy.run("run", "--urgent")
    took = time.monotonic() - started

    assert result.exit_code == 0, result.output
    assert took < 10
    item_id = next(i["id"] for i in snowy.queue_items() if i["title"] == A61.title)
    entry_id = f"tag:example.gov.uk,2026:{item_id}"
    published = entries(snowy)
    assert list(published) == [entry_id]            # only the emergency, no editor involved
    queued = snowy.item(item_id)
    assert queued["status"] == "published"
    assert queued["reason"] == "approved by rule urgent[1]"
    assert {i["status"] for i in snowy.queue_items() if i["id"] != item_id} == {"pending"}
    with sqlite3.connect(snowy.root / ".syndicate" / "state.sqlite") as db:
        assert db.execute("SELECT reason FROM items WHERE id = ?", (item_id,)).fetchone() == \
            ("approved by rule urgent[1]",)
    assert websub_hub.topics() == [f"{FEEDS_URL}/partners.atom", f"{FEEDS_URL}/partners.rss"]
    atom = (snowy.feeds / "partners.atom").read_text()
    assert f'<link rel="hub" href="{websub_hub.url}"/>' in atom
    assert f'href="{FEEDS_URL}/partners.atom"' in atom

    # 09:30: corrected at the source (same guid); the entry changes in place.
    first_updated = published[entry_id].updated
    time.sleep(1.1)  # entries are dated to the second
    corrected = Notice("a61", "UPDATE: A61 reopened", "The A61 has reopened.",
                       categories=["Emergency", "Roads"])
    serve(http_server, [corrected, *ordinary(3)])
    assert snowy.run("run", "--urgent").exit_code == 0
    after = entries(snowy)
    assert list(after) == [entry_id]
    assert after[entry_id].title == "UPDATE: A61 reopened"
    assert after[entry_id].updated > first_updated
    assert len(websub_hub.topics()) == 4

    # 11:00: the notice is withdrawn; partners get a tombstone.
    result = snowy.run("withdraw", item_id, "--reason", "Road reopened; notice no longer needed")
    assert result.exit_code == 0, result.output
    assert entries(snowy) == {}
    atom = (snowy.feeds / "partners.atom").read_text()
    assert f'<at:deleted-entry ref="{entry_id}"' in atom
    assert "Road reopened; notice no longer needed" in atom
    assert len(websub_hub.topics()) == 6
    for fmt in ("atom", "rss"):   # hub link, self link, tombstone: still valid feeds
        found = validate(snowy.feeds / f"partners.{fmt}", f"{FEEDS_URL}/partners.{fmt}")
        assert {f["type"] for f in found} <= {"UnknownNamespace"}, found
    # A withdrawn item is not pushed out again by the lane, even if the source changes.
    serve(http_server, [Notice("a61", "UPDATE: A61 closed again", categories=["Emergency"]),
                        *ordinary(3)])
    result = snowy.run("run", "--urgent")
    assert entries(snowy) == {}
    assert "was withdrawn before, so it waits for an editor" in result.output


def test_an_urgent_run_waits_for_the_nightly_lock_instead_of_failing(
        snowy: Council, http_server: LocalHTTPServer) -> None:
    serve(http_server, [A61])
    nightly = RunLock(snowy.root / ".syndicate" / "lock").__enter__()
    released = threading.Timer(1.0, lambda: nightly.__exit__(None, None, None))
    released.start()
    started = time.monotonic()
    try:
        result = snowy.run("run", "--urgent", "--wait", "30")
    finally:
        released.join()
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started >= 0.9
    assert len(entries(snowy)) == 1


def test_an_urgent_run_gives_up_with_75_after_its_wait(snowy: Council) -> None:
    with RunLock(snowy.root / ".syndicate" / "lock"):
        started = time.monotonic()
        result = snowy.run("run", "--urgent", "--wait", "0.5")
    assert result.exit_code == 75
    assert time.monotonic() - started >= 0.5
    assert "after waiting 0.5 s" in result.output


def test_the_lane_reads_only_the_sources_its_rules_can_match(
        tmp_path: Path, http_server: LocalHTTPServer) -> None:
    serve(http_server, [A61])
    http_server.add("/events.rss", council_feed(ordinary(2)), content_type="application/rss+xml")
    path = write_config(tmp_path / "c", http_server.url("/news.rss"))
    text = path.read_text().replace("licensing:", f"""\
  events:
    type: feed
    url: {http_server.url("/events.rss")}
    allow_private: true
licensing:""")
    path.write_text(text)
    council = Council(tmp_path / "c")
    assert council.run("run", "--urgent").exit_code == 0
    assert http_server.requests_for("/events.rss") == []
    assert council.run("run").exit_code == 0
    assert len(http_server.requests_for("/events.rss")) == 1


def test_the_lane_publishes_nothing_an_urgent_rule_does_not_cover(
        snowy: Council, http_server: LocalHTTPServer) -> None:
    serve(http_server, ordinary(2))
    snowy.run("collect")
    snowy.run("queue", "approve", "--all")
    assert snowy.run("run", "--urgent").exit_code == 0
    assert not (snowy.feeds / "partners.atom").exists()   # editors' items wait for the night
    assert snowy.run("run").exit_code == 0
    assert len(entries(snowy)) == 2


def test_a_failed_hub_ping_is_a_warning_never_a_failed_publication(
        snowy: Council, http_server: LocalHTTPServer, websub_hub: Hub) -> None:
    serve(http_server, [A61])
    websub_hub.fail(6, status=503)   # every attempt for both topics fails
    result = snowy.run("run", "--urgent")
    assert result.exit_code == 0, result.output
    assert len(entries(snowy)) == 1
    assert websub_hub.topics() == []
    assert "WebSub" in result.stderr and "503" in result.stderr


def test_a_hub_that_fails_once_is_asked_again(snowy: Council, http_server: LocalHTTPServer,
                                              websub_hub: Hub) -> None:
    serve(http_server, [A61])
    websub_hub.fail(1, status=502)
    assert snowy.run("run", "--urgent").exit_code == 0
    assert websub_hub.topics() == [f"{FEEDS_URL}/partners.atom", f"{FEEDS_URL}/partners.rss"]


@pytest.mark.parametrize(("rules", "message"), [
    ("urgent:\n  - match: {source: news}\n    sinks: [wiki]\n",
     "nothing goes to a wiki without a person's approval"),
    ("urgent:\n  - match: {source: newz}\n", "no source named 'newz'"),
    ("urgent:\n  - match: {source: news}\n    sink: [partners]\n", "unknown key 'sink'"),
    ("urgent:\n  - sinks: [partners]\n", "needs match:"),
    ("urgent:\n  - match: {source: news}\n    expires_after: soon\n",
     "urgent[1].expires_after: must be a duration such as"),
])
def test_urgent_rules_are_checked_when_the_config_loads(tmp_path: Path, rules: str,
                                                        message: str) -> None:
    path = write_config(tmp_path / "c", "https://www.example.gov.uk/news.rss", urgent=rules)
    path.write_text(path.read_text().replace("sinks:\n", """sinks:
  wiki:
    type: wikipedia-draft
    site: en.wikipedia.org
""", 1))
    result = Council(tmp_path / "c").run("run", "--urgent")
    assert result.exit_code == 2
    assert message in result.output
    assert "syndicate.yaml:" in result.output   # file and line


def test_without_urgent_rules_the_lane_says_so(tmp_path: Path) -> None:
    write_config(tmp_path / "c", "https://www.example.gov.uk/news.rss", urgent="")
    result = Council(tmp_path / "c").run("run", "--urgent")
    assert result.exit_code == 2
    assert "no urgent: rules" in result.output


def test_an_editors_rejection_saved_before_the_urgent_run_wins(
        snowy: Council, http_server: LocalHTTPServer) -> None:
    serve(http_server, [A61])
    snowy.run("collect")                       # the nightly job saw it first
    (item,) = snowy.queue_items()
    snowy.set_status(item["id"], "rejected")   # an editor says no, in queue.yaml

    assert snowy.run("run", "--urgent").exit_code == 0

    assert snowy.item(item["id"])["status"] == "rejected"
    assert not (snowy.feeds / "partners.atom").exists()


def test_an_urgent_run_is_recorded_and_leaves_the_nightly_metrics_alone(
        snowy: Council, http_server: LocalHTTPServer, tmp_path: Path) -> None:
    import json

    snowy.config.write_text(snowy.config.read_text().replace(
        "organisation:", "state: {metrics: nightly.prom}\norganisation:", 1))
    assert snowy.run("run").exit_code == 0
    nightly = (snowy.root / "nightly.prom").read_text()
    serve(http_server, [A61, *ordinary(3)])

    lane_metrics = tmp_path / "urgent.prom"
    assert snowy.run("run", "--urgent", "--metrics", str(lane_metrics)).exit_code == 0

    runs = snowy.root / ".syndicate" / "runs"
    latest = json.loads((runs / "latest.json").read_text())
    assert latest["command"] == "urgent" and latest["exit_code"] == 0
    assert latest["sinks"]["partners"]["published"] == 1
    assert latest["record"].endswith("-urgent.json") and (runs / latest["record"]).exists()
    assert (snowy.root / "nightly.prom").read_text() == nightly   # state.metrics untouched
    assert 'syndicate_items_published{sink="partners"} 1' in lane_metrics.read_text()
