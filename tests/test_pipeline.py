"""The demo council end to end: collect → queue → approve → publish → partners read it,
and the queue/ledger rules that keep editors' work safe."""

from __future__ import annotations

import json
import shutil
import sqlite3

import feedparser
import pytest

from syndicate.files import RunLock
from syndicate.licences import registry
from tests.council import Council
from tests.httpserver import LocalHTTPServer


def feed_entries(council: Council, fmt: str = "atom") -> list[feedparser.FeedParserDict]:
    parsed = feedparser.parse(str(council.feeds / f"partners.{fmt}"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    return list(parsed.entries)


def approve_all(council: Council) -> None:
    result = council.run("queue", "approve", "--all")
    assert result.exit_code == 0, result.output


def test_demo_collect_approve_publish_and_partners_see_each_licence(council: Council) -> None:
    result = council.run("collect")
    assert result.exit_code == 0, result.output
    items = council.queue_items()
    by_title = {i["title"]: i for i in items}
    assert all(i["status"] in ("pending", "blocked") for i in items)
    # The consultation is excluded by the demo's `licence: none` rule.
    assert not any("consultation" in (i["url"] or "") for i in items)

    approve_all(council)
    result = council.run("publish")
    assert result.exit_code == 0, result.output
    published = [i for i in council.queue_items() if i["status"] == "published"]
    assert published and all(i["results"]["partners"]["status"] == "published"
                             for i in published)

    for fmt in ("atom", "rss"):
        entries = feed_entries(council, fmt)
        assert len(entries) == len(published)
        for entry in entries:
            queued = by_title[entry.title]
            assert entry.license == registry().get(queued["licence"]).url, entry.title


def test_rerun_publishes_nothing_twice(council: Council) -> None:
    council.run("collect")
    approve_all(council)
    council.run("publish")
    first = {e.id: e.updated for e in feed_entries(council)}
    result = council.run("run", "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["published"] == {} and report["new"] == 0 and report["changed"] == 0
    assert {e.id: e.updated for e in feed_entries(council)} == first


def test_stale_queue_copy_saved_over_ours_neither_republishes_nor_loses(
        council: Council) -> None:
    council.run("collect")
    approve_all(council)
    stale = council.queue.read_text()        # an editor opened the file here…
    council.run("publish")
    council.queue.write_text(stale)          # …and saved it after the nightly run
    published_before = feed_entries(council)

    result = council.run("run", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["published"] == {}
    assert len(feed_entries(council)) == len(published_before)
    statuses = {i["status"] for i in council.queue_items() if i["status"] != "blocked"}
    assert statuses == {"published"}


def test_an_entry_deleted_from_the_queue_comes_back(council: Council) -> None:
    council.run("collect")
    first = council.queue_items()[0]
    text = council.queue.read_text()
    start = text.index(f"- id: {first['id']}")
    end = text.index("\n- id: ", start + 1) + 1
    council.queue.write_text(text[:start] + text[end:])
    council.run("collect")
    assert council.item(first["id"])["status"] == "pending"


def test_editor_approval_in_the_file_is_published_and_note_kept(council: Council) -> None:
    council.run("collect")
    item_id = council.queue_items()[0]["id"]
    council.set_status(item_id, "approved")
    text = council.queue.read_text().replace("note: ''", "note: ask comms first", 1)
    council.queue.write_text(text)
    result = council.run("run")
    assert result.exit_code == 0, result.output
    entry = council.item(item_id)
    assert entry["status"] == "published"
    assert entry["note"] == "ask comms first"
    assert len(feed_entries(council)) == 1


def test_duplicate_key_in_queue_stops_the_run_and_leaves_everything(council: Council) -> None:
    council.run("collect")
    item_id = council.queue_items()[0]["id"]
    council.set_status(item_id, "approved")
    text = council.queue.read_text().replace(f"- id: {item_id}\n",
                                             f"- id: {item_id}\n  status: rejected\n", 1)
    council.queue.write_text(text)
    line = text.splitlines().index(f"- id: {item_id}") + 3
    ledger = (council.root / ".syndicate" / "state.sqlite").read_bytes()

    result = council.run("run")
    assert result.exit_code == 2
    assert f"queue.yaml:{line}: item {item_id}: duplicate key 'status'" in result.output
    assert "Traceback" not in result.output
    assert council.queue.read_text() == text
    assert not council.feeds.exists()
    assert (council.root / ".syndicate" / "state.sqlite").read_bytes() == ledger


def test_overlapping_run_exits_75(council: Council) -> None:
    with RunLock(council.root / ".syndicate" / "lock"):
        result = council.run("collect")
    assert result.exit_code == 75
    assert "another syndicate run holds" in result.output


def test_queue_stays_human_sized_and_backlog_enters_oldest_first(council: Council) -> None:
    council.write_config(council.config.read_text().replace("max_pending: 500",
                                                            "max_pending: 3"))
    council.run("collect")
    # Blocked items wait for an editor too, so they count towards max_pending.
    waiting = [i for i in council.queue_items() if i["status"] in ("pending", "blocked")]
    assert len(waiting) == 3
    pending = [i for i in waiting if i["status"] == "pending"]
    status = json.loads(council.run("status", "--json").output)
    counts = status["counts"]
    # New entries beyond the queue's room wait unexamined (collect.py), in the backlog too.
    assert status["backlog"] == counts["pending"] + counts.get("blocked", 0) - 3 \
        + status["deferred"] > 0
    assert status["deferred"] > 0
    assert f"({status['deferred']} new, examined as the queue has room)" in \
        council.run("status").output

    council.run("queue", "reject", pending[0]["id"], "--reason", "not news")
    after = [i for i in council.queue_items() if i["status"] in ("pending", "blocked")]
    assert len(after) == 3 and pending[0]["id"] not in {i["id"] for i in after}
    rejected = council.item(pending[0]["id"])
    assert (rejected["status"], rejected["reason"]) == ("rejected", "not news")


def test_finished_items_leave_the_queue_after_keep_days(council: Council) -> None:
    council.run("collect")
    approve_all(council)
    council.run("publish")
    db = sqlite3.connect(council.root / ".syndicate" / "state.sqlite")
    with db:
        db.execute("UPDATE items SET updated = '2020-01-01T00:00:00Z' "
                   "WHERE status = 'published'")
    db.close()
    council.run("collect")
    assert not any(i["status"] == "published" for i in council.queue_items())
    status = json.loads(council.run("status", "--json").output)
    assert status["counts"]["published"] > 0      # history stays in the ledger


def test_dry_run_changes_nothing_anywhere(council: Council) -> None:
    council.run("collect")
    approve_all(council)
    before = {p: p.read_bytes() for p in council.root.rglob("*") if p.is_file()}
    result = council.run("run", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would publish" in result.output and "dry run: nothing was changed" in result.output
    after = {p: p.read_bytes() for p in council.root.rglob("*") if p.is_file()}
    assert after == before


def test_changed_item_goes_back_to_pending_and_replaces_its_entry(council: Council) -> None:
    council.run("collect")
    approve_all(council)
    council.run("publish")
    sidecar = council.root / "content" / "photos" / "town-hall-spring.jpg.yaml"
    item_id = next(i["id"] for i in council.queue_items()
                   if i["title"] == "Example Town Hall in spring")
    sidecar.write_text(sidecar.read_text().replace("Example Town Hall in spring",
                                                   "Example Town Hall in late spring"))
    council.run("collect")
    assert council.item(item_id)["status"] == "pending"
    council.run("queue", "approve", item_id)
    council.run("publish")
    titles = [e.title for e in feed_entries(council)]
    assert "Example Town Hall in late spring" in titles
    assert "Example Town Hall in spring" not in titles


def test_a_decision_on_an_older_version_is_not_applied(council: Council) -> None:
    council.run("collect")
    item_id = next(i["id"] for i in council.queue_items()
                   if i["title"] == "Example Town Hall in spring")
    council.set_status(item_id, "approved")
    stale = council.queue.read_text()
    sidecar = council.root / "content" / "photos" / "town-hall-spring.jpg.yaml"
    sidecar.write_text(sidecar.read_text().replace("in spring", "in autumn"))
    # The editor's approval is read at the start of this run, before the change is seen…
    council.run("collect")
    assert council.item(item_id)["status"] == "pending"
    # …and saving the old approval again does not approve the new version.
    council.queue.write_text(stale)
    council.run("collect")
    assert council.item(item_id)["status"] == "pending"


def test_removed_file_is_withdrawn(council: Council) -> None:
    council.run("collect")
    item_id = next(i["id"] for i in council.queue_items()
                   if i["title"] == "Example Town Hall in spring")
    (council.root / "content" / "photos" / "town-hall-spring.jpg").unlink()
    council.run("collect")
    assert council.item(item_id)["status"] == "withdrawn"


def test_blocked_items_say_why_and_cannot_be_approved(council: Council) -> None:
    council.run("collect")
    blocked = [i for i in council.queue_items() if i["status"] == "blocked"]
    assert blocked and all(any(f["severity"] == "error" for f in i["findings"])
                           for i in blocked)
    result = council.run("queue", "approve", blocked[0]["id"])
    assert result.exit_code == 1
    assert "cannot change a blocked item to approved" in result.output


def test_run_report_is_written_as_json(council: Council) -> None:
    council.run("collect")
    reports = list((council.root / ".syndicate" / "runs").glob("*-collect.json"))
    assert len(reports) == 1
    report = json.loads(reports[0].read_text())
    assert report["collected"]["news"] > 0 and report["exit_code"] == 0


REMOTE = """\
organisation: {name: Example Borough Council, url: https://www.example.gov.uk}
sources:
  news: {type: feed, url: "%s", allow_private: true}
  broken: {type: feed, url: "%s", allow_private: true}
licensing:
  default: ogl-uk-3.0
  attribution: {name: Example Borough Council, url: https://www.example.gov.uk}
  evidence: https://www.example.gov.uk/copyright
sinks:
  partners: {type: feed, directory: public/feeds}
"""


def test_remote_feed_uses_conditional_get_and_a_failing_source_does_not_stop_others(
        council: Council, http_server: LocalHTTPServer) -> None:
    feed = (council.root / "content" / "news.rss").read_bytes()
    http_server.add("/news.rss", feed, content_type="application/rss+xml", etag='"v1"')
    http_server.add("/broken.rss", b"down for maintenance", status=503)
    council.write_config(REMOTE % (http_server.url("/news.rss"),
                                   http_server.url("/broken.rss")))

    first = council.run("collect", "--json")
    report = json.loads(first.stdout)
    assert first.exit_code == 1       # one source failed: retried next run
    assert report["collected"] == {"news": 21} and report["new"] == 21
    (problem,) = report["problems"]
    assert problem["where"] == "broken" and "503" in problem["message"] and problem["retry"]

    second = json.loads(council.run("collect", "--json").stdout)
    assert second["unchanged"] == 21 and second["new"] == 0
    conditional = http_server.requests_for("/news.rss")[-1]
    assert conditional.headers.get("if-none-match") == '"v1"'


def test_a_missing_secret_stops_only_its_own_sink(
        council: Council, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_SUCH_SYNDICATE_SECRET", raising=False)
    text = council.config.read_text().replace("sinks:\n", (
        "sinks:\n  commons:\n    type: commons\n    site: http://127.0.0.1:9/api.php\n"
        "    username: {env: NO_SUCH_SYNDICATE_SECRET}\n"
        "    password: {env: NO_SUCH_SYNDICATE_SECRET}\n    kinds: [image]\n"), 1)
    council.write_config(text)
    council.run("collect")
    approve_all(council)
    result = council.run("publish", "--json")
    line = text.splitlines().index("    username: {env: NO_SUCH_SYNDICATE_SECRET}") + 1
    report = json.loads(result.stdout)
    assert result.exit_code == 1
    (problem,) = [p for p in report["problems"] if p["item"] is None]
    assert problem["where"] == "commons" and problem["retry"] is False
    assert problem["message"].startswith(
        f"{council.config}:{line}: sinks.commons.username: environment variable "
        "NO_SUCH_SYNDICATE_SECRET is not set")
    assert report["published"]["partners"] > 0      # the partner feeds went out anyway
    assert council.feeds.exists()
    waiting = [i for i in council.queue_items() if "commons" in i.get("sinks", [])]
    assert any(i["status"] == "failed" for i in waiting)   # still due: retried next run
    assert not any(i["status"] == "published" for i in waiting)


def test_a_new_copy_of_an_unchanged_file_is_flagged_as_duplicate(council: Council) -> None:
    council.run("collect")
    photos = council.root / "content" / "photos"
    shutil.copy(photos / "town-hall-spring.jpg", photos / "town-hall-copy.jpg")
    council.run("collect")
    copy = next(i for i in council.queue_items() if i["title"] == "Town hall copy")
    assert any(f["code"] == "duplicate.content" for f in copy["findings"])


def test_an_editor_saving_while_syndicate_writes_the_queue_is_not_overwritten(
        council: Council, monkeypatch: pytest.MonkeyPatch) -> None:
    # The race (an editor saves between syndicate's read and its write) cannot be timed
    # from outside, so the editor's save is made to happen inside that window, once.
    from syndicate import queue

    council.run("collect")
    item_id = council.queue_items()[0]["id"]
    render = queue.render
    saved = []

    def render_while_an_editor_saves(entries: list[dict[str, object]]) -> str:
        if not saved:
            council.set_status(item_id, "rejected")
            saved.append(True)
        return render(entries)

    monkeypatch.setattr(queue, "render", render_while_an_editor_saves)
    feed = council.root / "content" / "news.rss"   # a new item: the run writes the queue
    feed.write_text(feed.read_text(encoding="utf-8").replace(
        "</channel>", "<item><guid>new-1</guid><title>Road closure</title></item>"
        "</channel>"), encoding="utf-8")
    assert council.run("collect").exit_code == 0
    assert saved and council.item(item_id)["status"] == "rejected"
