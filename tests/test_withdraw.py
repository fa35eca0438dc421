"""Withdrawal: `syndicate withdraw`, `status: withdrawn` in the queue, and each platform
taking an item back as far as it allows — feeds (entry gone, RFC 6721 tombstone), the real
test MediaWiki for Wikipedia drafts and Commons files, and a plugin without withdraw()."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser
import pytest
from lxml import etree

from syndicate.model import WITHDRAWAL_REASON, Item, Receipt
from syndicate.sinks.feed import FeedSink
from syndicate.sinks.tombstones import TOMBSTONES, Tombstone, TombstoneStore
from tests.council import Council
from tests.mediawiki import LocalWiki, png_bytes
from tests.test_commons import Harness as CommonsHarness
from tests.test_wikipedia import TITLE, article, latest
from tests.test_wikipedia import Harness as WikipediaHarness
from tests.wikisinks import login_env

VALIDATOR = Path(__file__).resolve().parents[2] / "shared" / "tools" / "validate-feed"
FEEDS_URL = "https://www.example.gov.uk/feeds"


def published_feed(council: Council, base_url: bool = True) -> None:
    """The demo council with every passing item published to its partner feeds."""
    # The demo config serves its feeds from base_url (issue 7); without it, drop that line.
    assert f"base_url: {FEEDS_URL}" in council.config.read_text()
    if not base_url:
        council.write_config("".join(line for line in council.config.read_text()
                                     .splitlines(keepends=True) if "base_url:" not in line))
    assert council.run("collect").exit_code == 0
    assert council.run("queue", "approve", "--all").exit_code == 0
    result = council.run("publish")
    assert result.exit_code == 0, result.output


def a_published_item(council: Council, source: str = "news") -> dict[str, Any]:
    return next(i for i in council.queue_items()
                if i["status"] == "published" and i["source"] == source)


def entry_ids(council: Council, fmt: str) -> list[str]:
    parsed = feedparser.parse(str(council.feeds / f"partners.{fmt}"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    return [entry.id for entry in parsed.entries]


def tombstones(council: Council) -> list[etree._Element]:
    root = etree.parse(str(council.feeds / "partners.atom")).getroot()
    return root.findall(f"{{{TOMBSTONES}}}deleted-entry")


def validate(path: Path, base: str) -> list[dict[str, Any]]:
    """The W3C Feed Validator's errors and warnings for ``path``."""
    if not VALIDATOR.exists():
        pytest.skip(f"the W3C Feed Validator is not at {VALIDATOR}")
    done = subprocess.run([sys.executable, str(VALIDATOR), str(path), "--base", base,
                           "--json"], capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stderr
    found: list[dict[str, Any]] = json.loads(done.stdout)
    return found


# -- feeds ---------------------------------------------------------------------------------

def test_withdraw_takes_the_entry_out_and_leaves_a_valid_tombstone(council: Council) -> None:
    published_feed(council)
    item = a_published_item(council)
    entry_id = f"tag:example.gov.uk,2026:{item['id']}"
    assert entry_id in entry_ids(council, "atom")

    result = council.run("withdraw", item["id"], "--reason", "Wrong date in the notice")

    assert result.exit_code == 0, result.output
    assert "partners: withdrawn: entry removed from partners.atom, partners.rss" in result.output
    for fmt in ("atom", "rss"):
        assert entry_id not in entry_ids(council, fmt)
    (stone,) = tombstones(council)
    assert stone.get("ref") == entry_id
    assert abs(datetime.fromisoformat(stone.get("when", "")) - datetime.now(UTC)) < \
        timedelta(minutes=1)
    assert stone.findtext(f"{{{TOMBSTONES}}}comment") == "Wrong date in the notice"
    assert stone.findtext(f"{{{TOMBSTONES}}}by/{{http://www.w3.org/2005/Atom}}name") == \
        "Example Borough Council"
    # The queue and the ledger say what happened.
    queued = council.item(item["id"])
    assert queued["status"] == "withdrawn"
    assert queued["reason"] == "Wrong date in the notice"
    assert queued["results"]["partners"]["status"] == "withdrawn"
    # …and so does the run's record, as for every run.
    record = json.loads((council.root / ".syndicate" / "runs" / "latest.json").read_text())
    assert (record["command"], record["exit_code"], record["withdrawn"]) == ("withdraw", 0, 1)


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_the_w3c_validator_accepts_the_feeds_after_a_withdrawal(council: Council,
                                                                fmt: str) -> None:
    published_feed(council)
    council.run("withdraw", a_published_item(council)["id"], "--reason", "Retracted")
    found = validate(council.feeds / f"partners.{fmt}", f"{FEEDS_URL}/partners.{fmt}")
    assert [f for f in found if f["level"] == "error"] == []
    # Its only complaints: it predates RFC 6721's namespace, and the demo's entries were
    # all published in the same second.
    assert {f["type"] for f in found} <= {"UnknownNamespace", "DuplicateUpdated"}


def test_an_editor_withdraws_in_queue_yaml_and_the_next_run_takes_it_back(
        council: Council) -> None:
    published_feed(council)
    item = a_published_item(council)
    council.set_status(item["id"], "withdrawn")
    text = council.queue.read_text().replace(
        f"- id: {item['id']}\n", f"- id: {item['id']}\n  reason: Superseded by the new notice\n")
    council.queue.write_text(text)

    result = council.run("run")

    assert result.exit_code == 0, result.output
    assert f"tag:example.gov.uk,2026:{item['id']}" not in entry_ids(council, "atom")
    assert tombstones(council)[0].findtext(f"{{{TOMBSTONES}}}comment") == \
        "Superseded by the new notice"
    assert council.item(item["id"])["status"] == "withdrawn"


def test_reject_on_a_published_item_points_to_withdraw(council: Council) -> None:
    published_feed(council)
    item = a_published_item(council)
    result = council.run("queue", "reject", item["id"])
    assert "syndicate withdraw" in result.output


def test_withdrawing_an_unknown_or_unpublished_item_changes_nothing(council: Council) -> None:
    council.run("collect")
    pending = next(i for i in council.queue_items() if i["status"] == "pending")
    before = council.queue.read_bytes()
    for item_id in ("news-00000000", pending["id"]):
        result = council.run("withdraw", item_id, "--reason", "test")
        assert result.exit_code == 2
        assert "Nothing was withdrawn" in result.output
    assert council.queue.read_bytes() == before


def test_a_republished_item_loses_its_tombstone(tmp_path: Path) -> None:
    from tests.test_feed_sink import make_context, make_item

    sink = FeedSink("partners", {}, make_context(tmp_path))
    sink.open()
    receipt = sink.publish(make_item("news-1"))
    item = make_item("news-1")
    item.extra[WITHDRAWAL_REASON] = "oops"
    assert sink.withdraw(item, receipt).done
    assert b"deleted-entry" in (tmp_path / "public/feeds/partners.atom").read_bytes()
    sink.publish(make_item("news-1"))
    atom = (tmp_path / "public/feeds/partners.atom").read_bytes()
    assert b"deleted-entry" not in atom and b"news-1" in atom


def test_tombstones_leave_the_feed_after_30_days(tmp_path: Path) -> None:
    from tests.test_feed_sink import make_context, make_item

    old = (datetime.now(UTC) - timedelta(days=31)).strftime("%Y-%m-%dT%H:%M:%SZ")
    recent = (datetime.now(UTC) - timedelta(days=29)).strftime("%Y-%m-%dT%H:%M:%SZ")
    store = TombstoneStore(tmp_path / ".syndicate" / "feeds" / "partners.tombstones.json")
    store.save([Tombstone("tag:example.gov.uk,2026:old", old, "Council"),
                Tombstone("tag:example.gov.uk,2026:recent", recent, "Council")])
    sink = FeedSink("partners", {}, make_context(tmp_path))
    sink.open()
    sink.publish(make_item("news-1"))
    atom = (tmp_path / "public/feeds/partners.atom").read_text()
    assert "2026:recent" in atom and "2026:old" not in atom
    assert [s.ref for s in store.load()] == ["tag:example.gov.uk,2026:recent"]


def test_a_sink_without_withdraw_leaves_it_to_a_person_and_status_says_so(
        council: Council) -> None:
    text = council.config.read_text().replace(
        "sinks:\n", "sinks:\n  archive:\n    type: jsonl\n    path: archive.jsonl\n", 1)
    council.write_config(text)
    published_feed(council, base_url=False)
    item = a_published_item(council)
    assert item["results"]["archive"]["status"] == "published"

    result = council.run("withdraw", item["id"], "--reason", "Wrong")

    assert result.exit_code == 1, result.output   # something is left for a person
    assert "archive: needs a person: the archive sink cannot take items back" in result.output
    assert "partners: withdrawn" in result.output
    status = council.run("status")
    assert f"withdrawal needs a person: {item['id']} → archive" in status.output
    assert council.item(item["id"])["results"]["archive"]["status"] == "needs a person"


# -- Wikipedia drafts on the real test wiki --------------------------------------------------

@pytest.fixture
def drafts(wiki: LocalWiki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
           ) -> WikipediaHarness:
    login_env(wiki, monkeypatch)
    return WikipediaHarness(wiki, tmp_path)


def withdraw_with(harness: Any, item: Item, receipt: Receipt, reason: str,
                  **config: Any) -> Any:
    """One withdrawal run of the harness's sink, as the pipeline makes it."""
    item.extra[WITHDRAWAL_REASON] = reason
    sink = harness.sink(**config)
    sink.open()
    try:
        return sink.withdraw(item, receipt)
    finally:
        sink.close()


def test_an_untouched_draft_is_blanked_and_tagged_for_author_deletion(
        drafts: WikipediaHarness, wiki: LocalWiki) -> None:
    item = article()
    receipt = drafts.publish(item)

    outcome = withdraw_with(drafts, item, receipt, "Published by mistake")

    assert outcome.done
    assert outcome.url == receipt.url
    revision = latest(wiki, TITLE)
    assert revision["text"].strip() == "{{db-g7}}"
    assert revision["user"] == wiki.username.split("@")[0]
    assert "Published by mistake" in revision["comment"]
    assert "Example Borough Council" in revision["comment"]


def test_the_deletion_template_is_a_sink_option(drafts: WikipediaHarness,
                                                wiki: LocalWiki) -> None:
    item = article()
    receipt = drafts.publish(item)
    assert withdraw_with(drafts, item, receipt, "x", withdraw_template="Delete|reason=G7").done
    assert latest(wiki, TITLE)["text"].strip() == "{{Delete|reason=G7}}"


def test_a_draft_a_person_edited_is_left_alone_and_needs_a_person(
        drafts: WikipediaHarness, wiki: LocalWiki) -> None:
    item = article()
    receipt = drafts.publish(item)
    wiki.site(admin=True).pages[TITLE].edit("A volunteer rewrote this.", summary="copyedit")

    outcome = withdraw_with(drafts, item, receipt, "Published by mistake")

    assert not outcome.done
    assert "edited by Admin" in outcome.message
    assert outcome.url == receipt.url
    assert latest(wiki, TITLE)["text"] == "A volunteer rewrote this."


# -- Commons files on the real test wiki -----------------------------------------------------

@pytest.fixture
def files(wiki: LocalWiki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CommonsHarness:
    login_env(wiki, monkeypatch)
    return CommonsHarness(wiki, tmp_path)


def page_text(wiki: LocalWiki, title: str) -> str:
    text: str = latest(wiki, title).get("text", "")
    return text


def test_our_own_file_gets_a_deletion_request_and_needs_a_person(
        files: CommonsHarness, wiki: LocalWiki) -> None:
    item = files.item("bandstand.png", png_bytes(7))
    receipt = files.publish(item)

    outcome = withdraw_with(files, item, receipt, "Photo shows a private garden")

    assert not outcome.done  # a bot may not delete: an administrator must
    assert outcome.url == receipt.url
    assert "deletion of" in outcome.message and "requested" in outcome.message
    text = page_text(wiki, receipt.remote_id)
    assert text.startswith("{{Speedy deletion|1=Photo shows a private garden (withdrawn by "
                           "Example Borough Council)}}\n")
    # Asked again (after a crash, or `withdraw` run twice), it does not ask twice.
    withdraw_with(files, item, receipt, "Photo shows a private garden")
    assert page_text(wiki, receipt.remote_id).count("Speedy deletion") == 1


def test_a_file_someone_else_edited_is_only_reported(files: CommonsHarness,
                                                     wiki: LocalWiki) -> None:
    item = files.item("bandstand.png", png_bytes(8))
    receipt = files.publish(item)
    wiki.site(admin=True).pages[receipt.remote_id].append("\n[[Category:Bandstands]]",
                                                          summary="cat")
    before = page_text(wiki, receipt.remote_id)

    outcome = withdraw_with(files, item, receipt, "Wrong photo")

    assert not outcome.done
    assert "Admin" in outcome.message
    assert page_text(wiki, receipt.remote_id) == before


def test_an_item_published_again_after_a_withdrawal_can_be_withdrawn_again(
        council: Council) -> None:
    published_feed(council)
    item_id = next(i["id"] for i in council.queue_items()
                   if i["title"] == "Example Town Hall in spring")
    entry_id = f"tag:example.gov.uk,2026:{item_id}"
    council.run("withdraw", item_id, "--reason", "Wrong caption")
    sidecar = council.root / "content" / "photos" / "town-hall-spring.jpg.yaml"
    sidecar.write_text(sidecar.read_text().replace("in spring", "in May"))
    council.run("collect")
    assert council.run("queue", "approve", item_id).exit_code == 0
    council.run("publish")
    assert entry_id in entry_ids(council, "atom")
    assert tombstones(council) == []   # the entry is back: no tombstone contradicts it

    result = council.run("withdraw", item_id, "--reason", "Still wrong")

    assert "partners: withdrawn" in result.output
    assert entry_id not in entry_ids(council, "atom")
    assert tombstones(council)[0].findtext(f"{{{TOMBSTONES}}}comment") == "Still wrong"
