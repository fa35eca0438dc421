"""The ledger's record of withdrawals: per item and sink, how far taking it back got.

A table beside the ledger's own (same SQLite file, created on first use), so a withdrawal
survives crashes like a receipt does. One row per item and sink:

- ``withdrawn``: gone from the sink (or all a bot may do is done);
- ``needs-person``: the platform leaves the rest to a person (``message`` says what,
  ``url`` where) — ``syndicate status`` lists these;
- ``failed``: the sink could not be reached; tried again at the next run;
- ``kept``: deliberately left (expiry takes items back from feeds only).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from syndicate.ledger import Ledger, now

SCHEMA = """
CREATE TABLE IF NOT EXISTS withdrawals (
    item_id TEXT NOT NULL,
    sink TEXT NOT NULL,
    status TEXT NOT NULL,           -- withdrawn | needs-person | failed | kept
    reason TEXT NOT NULL,
    message TEXT NOT NULL,
    url TEXT,
    at TEXT NOT NULL,
    publication INTEGER,            -- rowid of the publication taken back
    PRIMARY KEY (item_id, sink)
)
"""
#: Statuses that end the work for a sink (a person may still have to act on needs-person).
SETTLED = frozenset({"withdrawn", "needs-person", "kept"})
#: Ledger items (``Ledger.records`` condition) withdrawn with some sink still to ask.
UNSETTLED_ITEMS = """status = 'withdrawn' AND id IN (
    SELECT p.item_id FROM publications p LEFT JOIN withdrawals w
    ON w.item_id = p.item_id AND w.sink = p.sink
    WHERE w.status IS NULL OR w.status = 'failed' OR p.rowid > w.publication)"""


@dataclass(frozen=True)
class Row:
    """How far the withdrawal of one item from one sink got."""

    item_id: str
    sink: str
    status: str
    reason: str
    message: str
    url: str | None
    at: str
    publication: int | None = None   # which publication it took back (publications rowid)

    def as_dict(self) -> dict[str, Any]:
        return {"item": self.item_id, "sink": self.sink, "status": self.status,
                "reason": self.reason, "message": self.message, "url": self.url,
                "at": self.at}


def ensure(ledger: Ledger) -> None:
    """Create the table if this ledger has none yet. One plain statement, not a script:
    a script would commit whatever the caller has not committed yet."""
    ledger.db.execute(SCHEMA)


def record(ledger: Ledger, row: Row) -> None:
    """Commit one sink's withdrawal outcome durably, at once (as a receipt is)."""
    with ledger.db:
        ledger.db.execute("INSERT OR REPLACE INTO withdrawals VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                          (row.item_id, row.sink, row.status, row.reason, row.message,
                           row.url, row.at or now(), row.publication))


def get(ledger: Ledger, item_id: str, sink: str) -> Row | None:
    found = ledger.db.execute("SELECT * FROM withdrawals WHERE item_id = ? AND sink = ?",
                              (item_id, sink)).fetchone()
    return _row(found) if found else None


def rows(ledger: Ledger, where: str = "1", params: tuple[Any, ...] = ()) -> Iterator[Row]:
    query = f"SELECT w.* FROM withdrawals w JOIN items i ON i.id = w.item_id WHERE {where} " \
        "ORDER BY w.at, w.item_id, w.sink"
    for found in ledger.db.execute(query, params).fetchall():
        yield _row(found)


def needing_a_person(ledger: Ledger) -> list[Row]:
    """Withdrawals of items still withdrawn that a person must finish, oldest first."""
    return list(rows(ledger, "w.status = 'needs-person' AND i.status = 'withdrawn'"))


def ever_withdrawn(ledger: Ledger, item_id: str) -> bool:
    """Whether a person or expiry ever took this item back (automatic lanes then leave it
    to a person)."""
    found = ledger.db.execute("SELECT 1 FROM withdrawals WHERE item_id = ? LIMIT 1",
                              (item_id,)).fetchone()
    return found is not None


def published_sinks(ledger: Ledger, item_id: str) -> list[str]:
    """Every sink that holds a receipt for any version of the item."""
    found = ledger.db.execute("SELECT DISTINCT sink FROM publications WHERE item_id = ? "
                              "ORDER BY sink", (item_id,))
    return [str(r["sink"]) for r in found]


def latest_publication(ledger: Ledger, item_id: str, sink: str) -> int | None:
    """The latest publication of the item to the sink (a rowid: a publication recorded
    again gets a new one)."""
    found = ledger.db.execute("SELECT max(rowid) FROM publications WHERE item_id = ? AND "
                              "sink = ?", (item_id, sink)).fetchone()
    return int(found[0]) if found[0] is not None else None


def settled(ledger: Ledger, row: Row | None) -> bool:
    """Whether ``row`` ends the work for its sink: a settled status, and no publication
    since (an item published again after a withdrawal must be taken back again)."""
    if row is None or row.status not in SETTLED:
        return False
    return latest_publication(ledger, row.item_id, row.sink) == row.publication


def queue_result(ledger: Ledger, item_id: str, sink: str) -> dict[str, Any] | None:
    """What queue.yaml shows under ``results`` for a withdrawn item's sink."""
    ensure(ledger)
    row = get(ledger, item_id, sink)
    if row is None:
        return None
    result: dict[str, Any] = {"status": "needs a person" if row.status == "needs-person"
                              else row.status}
    if row.url:
        result["url"] = row.url
    result["message"] = row.message
    result["at"] = row.at
    return result


def _row(found: Any) -> Row:
    return Row(found["item_id"], found["sink"], found["status"], found["reason"],
               found["message"], found["url"], found["at"], found["publication"])
