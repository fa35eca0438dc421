"""The end-of-run queue sync on a quiet night: skipped when the run changed nothing in the
ledger and queue.yaml is as syndicate left it; an editor's edit or a changed item still
rewrites the queue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from syndicate import reconcile
from tests.council import Council


@pytest.fixture
def syncs(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The queue files reconcile.sync read and rendered."""
    calls: list[Path] = []
    original = reconcile.sync

    def counting(ledger: Any, path: Path, *args: Any, **kwargs: Any) -> str:
        calls.append(path)
        return original(ledger, path, *args, **kwargs)

    monkeypatch.setattr(reconcile, "sync", counting)
    return calls


def fingerprint(path: Path) -> tuple[int, int, bytes]:
    status = path.stat()
    return status.st_ino, status.st_mtime_ns, path.read_bytes()


def test_a_quiet_night_neither_renders_nor_rewrites_the_queue(council: Council,
                                                              syncs: list[Path]) -> None:
    council.collect_json()
    before = fingerprint(council.queue)
    syncs.clear()
    assert council.collect_json()["unchanged"] > 0
    assert syncs == []
    assert fingerprint(council.queue) == before


def test_an_editors_edit_on_a_quiet_night_is_read(council: Council,
                                                  syncs: list[Path]) -> None:
    council.collect_json()
    item_id = council.queue_items()[0]["id"]
    council.set_status(item_id, "rejected")
    syncs.clear()
    council.collect_json()
    assert syncs
    assert council.item(item_id)["status"] == "rejected"
    syncs.clear()
    council.collect_json()        # the edit is now what syndicate wrote: quiet again
    assert syncs == [] and council.item(item_id)["status"] == "rejected"


def test_a_changed_item_rewrites_the_queue_and_page(council: Council,
                                                    syncs: list[Path]) -> None:
    council.collect_json()
    page = council.queue.with_name("queue.html")
    feed = council.root / "content" / "news.rss"
    feed.write_text(feed.read_text(encoding="utf-8").replace(
        "</channel>", "<item><guid>new-1</guid><title>Road closure tonight</title>"
        "<link>https://example.org/road</link></item></channel>"), encoding="utf-8")
    syncs.clear()
    assert council.collect_json()["new"] == 1
    assert syncs
    assert "Road closure tonight" in council.queue.read_text(encoding="utf-8")
    assert "Road closure tonight" in page.read_text(encoding="utf-8")


def test_a_quiet_night_leaves_the_page_alone_unless_it_is_gone(council: Council) -> None:
    council.collect_json()
    page = council.queue.with_name("queue.html")
    before = fingerprint(page)
    council.collect_json()
    assert fingerprint(page) == before
    page.unlink()
    council.collect_json()
    assert page.read_bytes() == before[2]
