"""Keeping queue.yaml and the ledger in step.

The ledger is the truth; the queue is where editors say what they want. Every command that
touches either first applies the editors' edits (:func:`apply_edits`) and last rewrites the
queue from the ledger (:func:`sync` does both). An edit counts only where the editor changed a
status away from what syndicate last showed, for the version of the item they saw, and only
along an editor's transition — so a stale copy saved over ours can neither undo a
publication nor approve something twice, and an item missing from the file is simply shown
again.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import lxml.html
from lxml import etree

from syndicate import queue, withdrawals
from syndicate.errors import InputError
from syndicate.ledger import Ledger, Record, now
from syndicate.model import Finding, Item
from syndicate.status import Status

log = logging.getLogger(__name__)

# What an editor may turn an item into, from each status syndicate shows.
EDITOR_MOVES: dict[Status, frozenset[Status]] = {
    Status.PENDING: frozenset({Status.APPROVED, Status.REJECTED}),
    Status.APPROVED: frozenset({Status.PENDING, Status.REJECTED}),
    Status.REJECTED: frozenset({Status.PENDING, Status.APPROVED}),
    # approve again: retry
    Status.FAILED: frozenset({Status.APPROVED, Status.REJECTED, Status.WITHDRAWN}),
    # taken back by the next run (syndicate.takedown)
    Status.PUBLISHED: frozenset({Status.WITHDRAWN}),
}
#: The order the queue shows statuses in: needing a decision first.
QUEUE_STATUSES = (Status.PENDING, Status.APPROVED, Status.FAILED, Status.BLOCKED,
                  Status.PUBLISHED, Status.REJECTED, Status.WITHDRAWN)
LEAVES_AFTER_KEEP_DAYS = frozenset({Status.PUBLISHED, Status.REJECTED, Status.WITHDRAWN,
                                    Status.BLOCKED})


def apply_edits(ledger: Ledger, snapshot: queue.Snapshot,
                notices: dict[str, str] | None = None) -> list[str]:
    """Apply editors' edits to the ledger (not yet committed); return notes for the log.

    A three-way merge per field: what syndicate last wrote (``record.shown``) is the base,
    the file is the editor's side, the ledger ours. Only a field the editor changed from
    the base is taken, so an unchanged field in a stale file never undoes newer work.

    ``notices`` (item id → text) receives the ``notice:`` each item shows next: the one
    already in the file until the editor deletes it, or a new one where this merge
    reverted or ignored something the editor did — said in the file, where they look.
    """
    notices = {} if notices is None else notices
    notes = []
    today = now()[:10]
    for entry in snapshot.entries.values():
        record = ledger.get(entry.id)
        if record is None:
            notes.append(f"queue item {entry.id} (line {entry.line}) is not in the ledger; "
                         "it was ignored and will disappear from the queue")
            continue
        base = record.shown or {}
        if base.get("notice") and entry.notice:      # kept until the editor deletes it
            notices[entry.id] = str(base["notice"])
        before = (record.status, record.note, record.reason, record.chosen)
        if entry.note != base.get("note", record.note):
            record.note = entry.note
        if entry.reason != base.get("reason", record.reason):
            record.reason = entry.reason
        if entry.sinks is not None and entry.sinks != base.get("sinks", record.sinks):
            record.chosen = [s for s in entry.sinks if s in record.targets]
            unusable = [s for s in entry.sinks if s not in record.targets]
            if unusable:
                notices[entry.id] = (f"{today}: sinks {', '.join(unusable)} were left out: "
                                     "this item cannot go there (an error finding for that "
                                     "sink, or the sink does not take it)")
        if entry.status != base.get("status") and entry.status != record.status:
            note = decide(record, entry.status, version=entry.version)
            if note:
                notes.append(f"{entry.id} (line {entry.line}): {note}")
                notices[entry.id] = f"{today}: your change to status: {entry.status} was " \
                                    f"not applied: {_why(record, note)}"
        if before != (record.status, record.note, record.reason, record.chosen):
            ledger.save(record)
    if snapshot.digest:
        for record in ledger.written_to_queue():
            if record.item.id not in snapshot.entries:
                notices[record.item.id] = (
                    f"{today}: this item was missing from queue.yaml (deleted, or the file "
                    f"was saved from an older copy), so syndicate put it back: "
                    f"{_stays(record.status)}")
    for note in notes:
        log.warning("%s", note)
    return notes


def _stays(status: Status) -> str:
    if status in LEAVES_AFTER_KEEP_DAYS:
        return (f"a {status} item leaves the queue by itself once the queue's keep_days "
                "have passed")
    return "it keeps every item until it is decided. To turn it down, set status: rejected"


def _why(record: Record, note: str) -> str:
    if record.status == Status.BLOCKED:
        return ("the item is blocked: an error finding (see findings) stops it for every "
                "sink. Fix that at the source; the item comes back as pending when it changes")
    return note


def shown_fields(record: Record, notice: str | None = None) -> dict[str, Any]:
    """The editors' fields as the queue shows them: the base of the next merge."""
    fields = {"status": record.status.value, "note": record.note, "reason": record.reason,
              "sinks": record.sinks}
    if notice:
        fields["notice"] = notice
    return fields


def decide(record: Record, status: Status, *, version: str | None = None) -> str | None:
    """Set an editor's decision on ``record``; return why not, or None when done."""
    if version is not None and version != record.content_hash:
        return (f"the decision '{status}' was made on an older version of this item; it "
                "changed since, so look at it again")
    if status not in EDITOR_MOVES.get(record.status, frozenset()):
        hint = "; to take it back, set status: withdrawn with a reason, or run `syndicate " \
            "withdraw`" if record.status == Status.PUBLISHED else ""
        return f"cannot change a {record.status} item to {status}; left as " \
            f"{record.status}{hint}"
    record.status = status
    record.updated = now()
    return None


def admit_and_expire(ledger: Ledger, max_pending: int, keep_days: int) -> None:
    """Bring backlog items into the queue oldest first, up to ``max_pending`` items that
    wait for an editor — pending ones and blocked ones (a page of 20,000 blocked images
    must not flood the queue either) — and let finished items leave it after
    ``keep_days`` (:meth:`Ledger.admit_and_expire`)."""
    ledger.admit_and_expire(max_pending, _cutoff(keep_days), LEAVES_AFTER_KEEP_DAYS)


def room(ledger: Ledger, max_pending: int, keep_days: int) -> int:
    """How many more items the queue can take for an editor before it is full (what
    :func:`admit_and_expire` would admit beyond those already waiting)."""
    return max(0, max_pending - ledger.awaiting_editors(_cutoff(keep_days)))


def _cutoff(keep_days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=keep_days)).isoformat().replace("+00:00", "Z")


Thumbnail = Callable[[Record], str | None]


def ordered(records: Iterable[Record]) -> list[Record]:
    """The order editors work in: needing a decision first, newest first within a status."""
    shown = sorted(records, key=lambda r: (_sortable(item_date(r), r), r.item.id),
                   reverse=True)
    shown.sort(key=lambda r: QUEUE_STATUSES.index(r.status))
    return shown


def _sortable(date: str, record: Record) -> str:
    """ISO dates sort as text; "about 1950" sorts as 1950; anything else as first seen."""
    if re.match(r"\d{4}(-\d\d)?", date):
        return date
    year = re.search(r"\b(1\d{3}|20\d\d)\b", date)
    return year[1] if year else record.first_seen


def item_date(record: Record) -> str:
    """The item's own date (published, else modified), else when syndicate first saw it."""
    return record.item.date or record.item.modified or record.first_seen


def entries(ledger: Ledger, notices: dict[str, str] | None = None,
            thumbnail: Thumbnail | None = None) -> list[dict[str, Any]]:
    """The queue's entries, in :func:`ordered` order, with their notices and thumbnails."""
    notices = notices or {}
    return [_entry(ledger, record, notices.get(record.item.id),
                   thumbnail(record) if thumbnail else None)
            for record in ordered(ledger.in_queue())]


def excerpt(item: Item, limit: int = 160) -> str:
    """One line of the item's plain text (its description, else its article text)."""
    text = item.description
    if not text.strip() and item.content_html.strip():
        try:
            text = lxml.html.fromstring(item.content_html).text_content()
        except (etree.ParserError, ValueError):   # markup with no text in it at all
            text = ""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _entry(ledger: Ledger, record: Record, notice: str | None,
           thumbnail: str | None) -> dict[str, Any]:
    item = record.item
    entry: dict[str, Any] = {
        "id": item.id, "status": record.status.value, "version": record.content_hash,
        "date": item_date(record),
        "title": item.title, "kind": item.kind, "source": item.source, "url": item.url or "",
        "excerpt": excerpt(item),
    }
    if thumbnail:
        entry["thumbnail"] = thumbnail
    entry.update({
        "licence": item.licence or "none",
        "attribution": item.attribution.text if item.attribution else "",
        "sinks": record.sinks,
        "findings": [_finding(f) for f in item.findings],
    })
    if notice:
        entry["notice"] = notice
    entry["note"] = record.note
    if record.reason:
        entry["reason"] = record.reason
    results = {}
    for sink in record.targets:
        result = _result(ledger, record, sink)
        if result:
            results[sink] = result
    if results:
        entry["results"] = results
    return entry


def _finding(finding: Finding) -> dict[str, Any]:
    data = {"code": finding.code, "severity": finding.severity}
    if finding.sink:
        data["sink"] = finding.sink
    data["message"] = finding.message
    return data


def _result(ledger: Ledger, record: Record, sink: str) -> dict[str, Any] | None:
    if record.status == Status.WITHDRAWN:
        taken = withdrawals.queue_result(ledger, record.item.id, sink)
        if taken is not None:
            return taken
    receipt = ledger.receipt(record.item.id, sink, record.content_hash)
    if receipt is not None:
        result: dict[str, Any] = {"status": "published"}
        if receipt.url:
            result["url"] = receipt.url
        if receipt.detail.get("duplicate_of"):
            result["duplicate_of"] = receipt.detail["duplicate_of"]
        result["at"] = ledger.published_at(record.item.id, sink, record.content_hash)
        return result
    outcome = ledger.outcome(record.item.id, sink)
    if outcome is not None and outcome.content_hash == record.content_hash:
        return {"status": outcome.status, "message": outcome.message, "at": outcome.at}
    return None


class LedgerLost(InputError):
    """The ledger is missing or empty while the queue holds items syndicate wrote: going
    on would rewrite the queue as empty and lose the editors' work."""


def stop_if_ledger_lost(ledger: Ledger, path: Path, snapshot: queue.Snapshot) -> None:
    """Stop (exit 2, nothing changed) rather than wipe the queue when the ledger is gone."""
    written = [entry for entry in snapshot.entries.values() if entry.version]
    if written and ledger.is_empty():
        where = ledger.path or "the ledger"
        raise LedgerLost(
            f"{path} lists {len(written)} items syndicate wrote, but {where} is missing or "
            "empty; nothing was changed. Restore the ledger from a backup, or rebuild it "
            "with `syndicate recover` (from the queue and the wikis' own history)")


def sync(ledger: Ledger, path: Path, sink_names: list[str], max_pending: int,
         keep_days: int, *, write: bool = True, thumbnail: Thumbnail | None = None) -> str:
    """Read the queue, apply edits, rewrite it; retry if an editor saves meanwhile.
    ``thumbnail(record)`` gives the path the queue shows for an item's picture. Return the
    digest of the queue file as syndicate left it."""
    for _ in range(5):
        snapshot = queue.read(path, sink_names)
        stop_if_ledger_lost(ledger, path, snapshot)
        notices: dict[str, str] = {}
        apply_edits(ledger, snapshot, notices)
        admit_and_expire(ledger, max_pending, keep_days)
        shown = {r.item.id: r for r in ledger.in_queue()}
        text = queue.render(entries(ledger, notices, thumbnail))
        if not write:
            ledger.commit()
            return snapshot.digest
        try:
            digest = queue.write(path, text, snapshot.digest)
        except queue.QueueChanged:
            ledger.db.rollback()
            continue
        for record in shown.values():
            fields = shown_fields(record, notices.get(record.item.id))
            if record.shown != fields:
                record.shown = fields
                ledger.save(record)
        ledger.commit()
        return digest
    raise InputError(f"{path} keeps changing while syndicate writes it; try again when "
                     "editors have saved")
