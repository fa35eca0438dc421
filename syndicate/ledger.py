"""The ledger: a SQLite file that is the truth about every item, publication and run.

The queue file is only the editors' view of it. A receipt is committed here (WAL,
``synchronous=FULL``) before the queue ever says "published", so a crash at any point leaves
either no receipt (the item is tried again) or a receipt (it is never sent twice).
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import (
    Collection,
    Hashable,
    Iterable,
    Iterator,
    Mapping,
    MutableMapping,
    Sequence,
)
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from syndicate.errors import InputError
from syndicate.model import Item, Kind, Receipt, file_sha1
from syndicate.scrub import scrub
from syndicate.status import Status

SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    data TEXT NOT NULL,             -- the tagged Item, with findings, as JSON
    targets TEXT NOT NULL,          -- sinks the item may go to (no error finding), JSON list
    chosen TEXT,                    -- the editor's narrower list of sinks, JSON list or NULL
    status TEXT NOT NULL,           -- pending approved rejected published failed blocked withdrawn
    shown TEXT,                     -- editors' fields as last written to the queue, JSON
    in_queue INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    first_seen TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS items_backlog ON items (status, in_queue, first_seen);
CREATE TABLE IF NOT EXISTS publications (
    item_id TEXT NOT NULL,
    sink TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    remote_id TEXT NOT NULL,
    url TEXT,
    detail TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (item_id, sink, content_hash)
);
CREATE TABLE IF NOT EXISTS outcomes (   -- the last failed or skipped attempt per item and sink
    item_id TEXT NOT NULL,
    sink TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    status TEXT NOT NULL,               -- failed (retried next run) | skipped (a person must look)
    message TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (item_id, sink)
);
CREATE TABLE IF NOT EXISTS file_hashes (  -- so an unchanged file is not read every night
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha1 TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sink_state (
    sink TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (sink, key)
);
CREATE TABLE IF NOT EXISTS source_documents (  -- what each source read when last collected in full
    source TEXT PRIMARY KEY,
    raw_hash TEXT NOT NULL,         -- the source's hash of its whole input (SourceContext)
    items TEXT NOT NULL             -- '[]'; before 0.14 the ids, now in document_items
);
CREATE TABLE IF NOT EXISTS document_items (  -- the ids collect saw in each source_documents row
    source TEXT NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (source, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS deferred (  -- new entries read but not examined yet: no queue room
    id TEXT PRIMARY KEY,            -- the item id the entry will be built as
    source TEXT NOT NULL,
    raw_hash TEXT NOT NULL,         -- as SourceContext.known compares it
    entry BLOB NOT NULL,            -- what the source builds the items from (Source.rebuild)
    first_seen TEXT NOT NULL,       -- its place in the queue's order, kept when it changes
    seen_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deferred_order ON deferred (source, first_seen, seen_at);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    command TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT,
    exit_code INTEGER,
    report TEXT
);
"""


#: Content-hash prefix of a record rebuilt by ``syndicate recover`` from the queue, whose
#: source has not been read again yet (what follows is the version the queue showed).
RECOVERED = "recovered:"


def now() -> str:
    """UTC time as ISO 8601 with a Z, to the second, as the queue shows it."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass
class Record:
    """One item as the ledger knows it."""

    item: Item
    content_hash: str
    targets: list[str]
    chosen: list[str] | None
    status: Status
    shown: dict[str, Any] | None       # editors' fields as last written to the queue
    in_queue: bool
    note: str
    reason: str
    first_seen: str
    updated: str

    @property
    def sinks(self) -> list[str]:
        """Where the item goes: its targets, narrowed by the editor if they did."""
        if self.chosen is None:
            return list(self.targets)
        return [s for s in self.targets if s in self.chosen]


@dataclass(frozen=True)
class Outcome:
    status: str
    message: str
    at: str
    content_hash: str


class Ledger:
    """The state store. One instance per run. Plugin calls run in their own threads
    (:mod:`syndicate.boundary`) and reach the sink state from there, one call at a time
    while the main thread waits, so the connection may be used from other threads."""

    def __init__(self, path: Path | None) -> None:
        """Open (creating) the ledger at ``path``; ``None`` is an empty in-memory ledger."""
        self.path = path
        if path is None:
            self.db = sqlite3.connect(":memory:", check_same_thread=False)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=30, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
        self.db.row_factory = sqlite3.Row
        self._runs: list[tuple[str, str]] = []   # command and start of each run begun
        self.db.executescript(SCHEMA)
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(items)")}
        if "seen_at" not in columns:
            # Added later: when the item was first seen, to the microsecond, so items
            # collected in one run keep distinct, stable times (feeds date undated items
            # by it). Older rows keep NULL and fall back to first_seen.
            self.db.execute("ALTER TABLE items ADD COLUMN seen_at TEXT")
        if "raw_hash" not in columns:
            # Added later: the hash of the source's raw entry the item was built from
            # (SourceContext.known), so an unchanged entry is not even parsed. NULL: the
            # source has none, or the row predates it; the item is then built and compared.
            self.db.execute("ALTER TABLE items ADD COLUMN raw_hash TEXT")
        for source, items in self.db.execute("SELECT source, items FROM source_documents "
                                             "WHERE items != '[]'").fetchall():
            # Written by an older version: the listing as a JSON list, held in memory whole.
            self.db.executemany("INSERT OR IGNORE INTO document_items VALUES (?, ?)",
                                ((source, item_id) for item_id in json.loads(items)))
            self.db.execute("UPDATE source_documents SET items = '[]' WHERE source = ?",
                            (source,))
        self.db.commit()

    @classmethod
    def scratch_copy(cls, path: Path) -> Ledger:
        """An in-memory copy of the ledger at ``path`` as it is now — the write-ahead log
        of a run in progress or of a killed one included — for ``--dry-run`` and
        ``status``: they do their bookkeeping there and the real file is never written."""
        ledger = cls(None)
        if path.exists():
            copy_into(path, ledger.db)
        ledger.path = path
        return ledger

    def close(self) -> None:
        self.db.close()

    # Items ------------------------------------------------------------------------------

    def get(self, item_id: str) -> Record | None:
        row = self.db.execute("SELECT * FROM items WHERE id = ?", (item_id,)).fetchone()
        return _record(row) if row else None

    def hashes(self, source: str) -> dict[str, str]:
        """item id → content hash for every item of a source (to skip unchanged ones)."""
        rows = self.db.execute("SELECT id, content_hash FROM items WHERE source = ?", (source,))
        return {row["id"]: row["content_hash"] for row in rows}

    def raw_hashes(self, source: str) -> tuple[dict[str, str], dict[str, list[str]]]:
        """For a source: item id → raw entry hash (items that have one), and parent id →
        the ids of the items built from the same entry (a feed entry's images)."""
        raw: dict[str, str] = {}
        children: dict[str, list[str]] = {}
        rows = self.db.execute("SELECT id, raw_hash, json_extract(data, '$.parent') AS parent "
                               "FROM items WHERE source = ?", (source,))
        for item_id, raw_hash, parent in rows:
            if raw_hash is not None:
                raw[item_id] = raw_hash
            if parent is not None:
                children.setdefault(parent, []).append(item_id)
        return raw, children

    def set_raw_hash(self, item_id: str, raw_hash: str) -> None:
        """Remember the raw entry an item was built from (kept by later saves)."""
        self.db.execute("UPDATE items SET raw_hash = ? WHERE id = ?", (raw_hash, item_id))

    def source_document(self, source: str) -> tuple[str, int] | None:
        """The raw hash of the input ``source`` last read in full, and how many items it
        held (:meth:`document_items` adds their ids to a set)."""
        row = self.db.execute("SELECT raw_hash, (SELECT count(*) FROM document_items d "
                              "WHERE d.source = s.source) FROM source_documents s "
                              "WHERE source = ?", (source,)).fetchone()
        return (row[0], row[1]) if row else None

    def document_items(self, source: str) -> Iterator[str]:
        """The ids of the items the input ``source`` last read in full held."""
        for (item_id,) in self.db.execute("SELECT id FROM document_items WHERE source = ?",
                                          (source,)):
            yield item_id

    def put_source_document(self, source: str, raw_hash: str, items: ScratchIds) -> None:
        """Keep the raw hash of the input ``source`` was read from in full, and the ids of
        the items it held."""
        self.db.execute("INSERT OR REPLACE INTO source_documents VALUES (?, ?, '[]')",
                        (source, raw_hash))
        self.db.execute("DELETE FROM document_items WHERE source = ?", (source,))
        self.db.execute(f"INSERT INTO document_items SELECT ?, id FROM {items.written()}",
                        (source,))

    # Named queries: what callers ask the ledger for, in the domain's words. Each yields
    # records oldest first (first seen, then id), as the queue and the publish order expect;
    # no SQL leaves this module.

    def in_queue(self, kind: Kind | None = None) -> Iterator[Record]:
        """Items the queue shows now (only those of ``kind``, if given)."""
        if kind is None:
            return self._records("in_queue = 1")
        return self._records("in_queue = 1 AND json_extract(data, '$.kind') = ?", (kind,))

    def written_to_queue(self) -> Iterator[Record]:
        """Items in the queue that syndicate has written there at least once (so their
        absence from the file means an editor deleted them)."""
        return self._records("in_queue = 1 AND shown IS NOT NULL")

    def awaiting_decision(self, source: str | None = None) -> Iterator[Record]:
        """Pending items the queue shows (from ``source`` only, if given): what an editor
        can approve or reject now."""
        where, params = "status = ? AND in_queue = 1", [Status.PENDING.value]
        if source is not None:
            where, params = where + " AND source = ?", [*params, source]
        return self._records(where, params)

    def with_status(self, *statuses: Status,
                    sources: Collection[str] | None = None) -> Iterator[Record]:
        """Items in any of ``statuses`` (from ``sources`` only, if given)."""
        where, params = f"status IN ({_marks(statuses)})", [str(s) for s in statuses]
        if sources is not None:
            where, params = where + f" AND source IN ({_marks(sources)})", [*params, *sources]
        return self._records(where, params)

    def live(self) -> Iterator[Record]:
        """Items neither excluded nor withdrawn: whatever syndicate may still show, publish
        or has published."""
        return self._records("status NOT IN (?, ?)", (Status.EXCLUDED, Status.WITHDRAWN))

    def due(self) -> Iterator[Record]:
        """Items the publish stage sends: approved, or failed and retried — except those
        rebuilt by ``syndicate recover`` whose source has not been read again yet."""
        return self._records("status IN (?, ?) AND content_hash NOT LIKE ?",
                             (Status.APPROVED, Status.FAILED, RECOVERED + "%"))

    def expiry_candidates(self, dated_only: bool) -> Iterator[Record]:
        """Items an expiry may still take back: pending, approved, failed or published;
        with ``dated_only``, only those whose source gave an expiry date."""
        where = "status IN (?, ?, ?, ?)"
        if dated_only:
            where += " AND json_extract(data, '$.extra.expires') IS NOT NULL"
        return self._records(where, (Status.PENDING, Status.APPROVED, Status.FAILED,
                                     Status.PUBLISHED))

    def unsettled_withdrawals(self) -> Iterator[Record]:
        """Withdrawn items with some sink still to ask: one that published the item and has
        no withdrawal row, a failed one, or one that published it again since."""
        self.withdrawals.ensure()
        return self._records(
            """status = ? AND id IN (
                SELECT p.item_id FROM publications p LEFT JOIN withdrawals w
                ON w.item_id = p.item_id AND w.sink = p.sink
                WHERE w.status IS NULL OR w.status = 'failed' OR p.rowid > w.publication)""",
            (Status.WITHDRAWN,))

    def admit_and_expire(self, max_pending: int, cutoff: str,
                         leaving: Collection[Status]) -> None:
        """Set which items the queue shows: finished items in ``leaving`` last updated
        before ``cutoff`` leave it; backlog items come in oldest first, up to
        ``max_pending`` that wait for an editor — pending ones and blocked ones updated
        since ``cutoff``; every other item not excluded stays. One statement, so a ledger
        of many thousands of items is not read into memory on every run."""
        names = {f"leaving{n}": status for n, status in enumerate(sorted(leaving))}
        belongs = f"""CASE
            WHEN status = :excluded THEN 0
            WHEN status IN ({", ".join(":" + name for name in names)}) AND updated < :cutoff
                THEN 0
            WHEN status IN (:pending, :blocked) THEN id IN (
                SELECT id FROM items WHERE status = :pending
                    OR (status = :blocked AND updated >= :cutoff)
                ORDER BY first_seen, id LIMIT :max_pending)
            ELSE 1 END"""
        self.db.execute(f"UPDATE items SET in_queue = {belongs} WHERE in_queue != {belongs}",
                        {"cutoff": cutoff, "max_pending": max_pending, **names,
                         "excluded": Status.EXCLUDED, "pending": Status.PENDING,
                         "blocked": Status.BLOCKED})

    def _records(self, where: str = "1",
                 params: Sequence[Any] | Mapping[str, Any] = ()) -> Iterator[Record]:
        query = f"SELECT * FROM items WHERE {where} ORDER BY first_seen, id"
        for row in self.db.execute(query, params).fetchall():
            yield _record(row)

    def save(self, record: Record, raw_hash: str | None = None,
             seen_at: str | None = None) -> None:
        """Insert or replace one item's record (committed by :meth:`commit`), with the raw
        hash it was built from if given (see :meth:`set_raw_hash`), else the one it had.
        A new item is first seen now, or at ``seen_at`` (ISO 8601, to the microsecond)."""
        self.db.execute(
            "INSERT OR REPLACE INTO items (id, source, content_hash, data, targets, chosen, "
            "status, shown, in_queue, note, reason, first_seen, updated, seen_at, raw_hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "COALESCE((SELECT COALESCE(seen_at, first_seen) FROM items WHERE id = ?), ?), "
            "COALESCE(?, (SELECT raw_hash FROM items WHERE id = ?)))",
            (record.item.id, record.item.source, record.content_hash,
             json.dumps(record.item.to_dict()), json.dumps(record.targets),
             json.dumps(record.chosen) if record.chosen is not None else None,
             record.status, json.dumps(record.shown) if record.shown is not None else None,
             int(record.in_queue), record.note,
             record.reason, record.first_seen, record.updated, record.item.id,
             seen_at or datetime.now(UTC).isoformat().replace("+00:00", "Z"), raw_hash,
             record.item.id))

    def commit(self) -> None:
        self.db.commit()

    def counts(self, *, in_queue: bool = False) -> dict[Status, int]:
        """How many items the ledger holds in each status (only those the queue shows, if
        ``in_queue``), counted without reading the items."""
        where = "WHERE in_queue = 1" if in_queue else ""
        rows = self.db.execute(f"SELECT status, count(*) AS n FROM items {where} "
                               "GROUP BY status ORDER BY status")
        return {Status(row["status"]): row["n"] for row in rows}

    def sources_with(self, status: Status) -> dict[str, int]:
        """Source → how many of its items are in ``status``, counted without reading them."""
        rows = self.db.execute("SELECT source, count(*) FROM items WHERE status = ? "
                               "GROUP BY source ORDER BY source", (status,))
        return dict(rows.fetchall())

    def is_empty(self) -> bool:
        """True when the ledger knows no item at all (new, or lost and created again)."""
        return self.db.execute("SELECT 1 FROM items LIMIT 1").fetchone() is None

    def backlog(self) -> int:
        """Items waiting outside the queue for editors to make room: pending ones,
        blocked ones never shown yet (they count towards ``max_pending`` too), and new
        entries not examined yet (:attr:`deferred`)."""
        row = self.db.execute(
            "SELECT (SELECT count(*) FROM items WHERE in_queue = 0 AND (status = 'pending' "
            "OR (status = 'blocked' AND shown IS NULL))) + (SELECT count(*) FROM deferred)"
            ).fetchone()
        return int(row[0])

    def awaiting_editors(self, cutoff: str) -> int:
        """Items the queue holds for an editor, in it or waiting for room: pending ones
        and blocked ones updated since ``cutoff`` (as :meth:`admit_and_expire` counts)."""
        row = self.db.execute("SELECT count(*) FROM items WHERE status = ? OR "
                              "(status = ? AND updated >= ?)",
                              (Status.PENDING, Status.BLOCKED, cutoff)).fetchone()
        return int(row[0])

    # Publications -----------------------------------------------------------------------

    def receipt(self, item_id: str, sink: str, content_hash: str | None = None
                ) -> Receipt | None:
        """The receipt for this version of the item (or, without a hash, the latest)."""
        if content_hash is None:
            row = self.db.execute(
                "SELECT * FROM publications WHERE item_id = ? AND sink = ? "
                "ORDER BY at DESC, rowid DESC LIMIT 1", (item_id, sink)).fetchone()
        else:
            row = self.db.execute(
                "SELECT * FROM publications WHERE item_id = ? AND sink = ? AND content_hash = ?",
                (item_id, sink, content_hash)).fetchone()
        if row is None:
            return None
        return Receipt(row["remote_id"], row["url"], json.loads(row["detail"]))

    def published_at(self, item_id: str, sink: str, content_hash: str) -> str | None:
        row = self.db.execute(
            "SELECT at FROM publications WHERE item_id = ? AND sink = ? AND content_hash = ?",
            (item_id, sink, content_hash)).fetchone()
        return str(row["at"]) if row else None

    def record_publication(self, item_id: str, sink: str, content_hash: str,
                           receipt: Receipt) -> None:
        """Commit a receipt durably, at once: this is what prevents a second publication."""
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO publications VALUES (?, ?, ?, ?, ?, ?, ?)",
                (item_id, sink, content_hash, receipt.remote_id, receipt.url,
                 json.dumps(dict(receipt.detail)), now()))
            self.db.execute("DELETE FROM outcomes WHERE item_id = ? AND sink = ?",
                            (item_id, sink))

    def record_outcome(self, item_id: str, sink: str, content_hash: str, status: str,
                       message: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO outcomes VALUES (?, ?, ?, ?, ?, ?)",
                            (item_id, sink, content_hash, status, scrub(message), now()))

    def outcome(self, item_id: str, sink: str) -> Outcome | None:
        row = self.db.execute("SELECT * FROM outcomes WHERE item_id = ? AND sink = ?",
                              (item_id, sink)).fetchone()
        if row is None:
            return None
        return Outcome(row["status"], row["message"], row["at"], row["content_hash"])

    def published_sinks(self, item_id: str) -> list[str]:
        """Every sink that holds a receipt for any version of the item."""
        found = self.db.execute("SELECT DISTINCT sink FROM publications WHERE item_id = ? "
                                "ORDER BY sink", (item_id,))
        return [str(r["sink"]) for r in found]

    def latest_publication(self, item_id: str, sink: str) -> int | None:
        """The latest publication of the item to the sink (a rowid: a publication recorded
        again gets a new one)."""
        found = self.db.execute("SELECT max(rowid) FROM publications WHERE item_id = ? AND "
                                "sink = ?", (item_id, sink)).fetchone()
        return int(found[0]) if found[0] is not None else None

    @cached_property
    def scratch(self) -> Scratch:
        """Tables as big as a source for one read of it, out of memory."""
        return Scratch(self.db)

    @cached_property
    def deferred(self) -> DeferredEntries:
        """New entries read but not examined yet, for want of queue room."""
        return DeferredEntries(self.db)

    @cached_property
    def withdrawals(self) -> WithdrawalLog:
        """How far taking each item back from each sink got (:mod:`syndicate.withdrawals`)."""
        return WithdrawalLog(self.db)

    def clear_outcomes(self, item_id: str) -> None:
        self.db.execute("DELETE FROM outcomes WHERE item_id = ?", (item_id,))

    def file_items(self) -> Iterator[Item]:
        """Items with a file that are still live, oldest first (to find duplicates)."""
        yield from (record.item for record in self._records(
            "json_extract(data, '$.kind') IN ('image', 'document') "
            "AND status NOT IN (?, ?)", (Status.EXCLUDED, Status.WITHDRAWN)))

    def file_sha1(self, path: Path) -> str:
        """SHA-1 of a local file, read again only when its size or mtime changed (the test
        rsync and make rely on); committed with the item it belongs to."""
        stat = path.stat()
        key = str(path)
        row = self.db.execute("SELECT size, mtime_ns, sha1 FROM file_hashes WHERE path = ?",
                              (key,)).fetchone()
        if row is not None and (row["size"], row["mtime_ns"]) == (stat.st_size,
                                                                   stat.st_mtime_ns):
            return str(row["sha1"])
        sha1 = file_sha1(path)
        self.db.execute("INSERT OR REPLACE INTO file_hashes VALUES (?, ?, ?, ?)",
                        (key, stat.st_size, stat.st_mtime_ns, sha1))
        return sha1

    # Sink state -------------------------------------------------------------------------

    def sink_value(self, sink: str, key: str) -> Any:
        row = self.db.execute("SELECT value FROM sink_state WHERE sink = ? AND key = ?",
                              (sink, key)).fetchone()
        return json.loads(row["value"]) if row else None

    def put_sink_value(self, sink: str, key: str, value: Any) -> None:
        if value == self.sink_value(sink, key):
            return      # unchanged: a quiet night leaves the ledger file alone
        with self.db:
            if value is None:
                self.db.execute("DELETE FROM sink_state WHERE sink = ? AND key = ?",
                                (sink, key))
            else:
                self.db.execute("INSERT OR REPLACE INTO sink_state VALUES (?, ?, ?)",
                                (sink, key, json.dumps(value)))

    # Runs -------------------------------------------------------------------------------

    def start_run(self, command: str) -> int:
        """Begin a run's row. It is written by :meth:`finish_run`, and only if the run
        changed the ledger: a night that changed nothing leaves state.sqlite untouched
        (every run, quiet or not, is recorded in runs/*.json by :mod:`syndicate.runlog`)."""
        self._runs.append((command, now()))
        return len(self._runs)

    def finish_run(self, run_id: int, exit_code: int, report: dict[str, Any]) -> None:
        command, started = self._runs[run_id - 1]
        if self.db.total_changes == 0:   # nothing written since the ledger was opened
            return
        with self.db:
            self.db.execute("INSERT INTO runs (command, started, finished, exit_code, report) "
                            "VALUES (?, ?, ?, ?, ?)", (command, started, now(), exit_code,
                                                       json.dumps(report)))

    def last_runs(self, limit: int = 5) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,))
        return [dict(row) for row in rows]


def copy_into(path: Path, target: sqlite3.Connection) -> None:
    """Copy the ledger at ``path`` as it is now into ``target``, creating nothing beside it.

    With a ``-wal`` file present (a run in progress, or one that was killed), the truth is
    partly in it: read through SQLite normally, read-only. Without one, every committed
    page is in the main file, and reading it as immutable creates no ``-shm``/``-wal`` and
    works in a read-only folder; a writer starting meanwhile would show as a changed file
    or a new ``-wal``, and the copy is then made again the normal way.
    """
    wal = Path(f"{path}-wal")
    if not wal.exists():
        before = _stamp(path)
        source = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        try:
            source.backup(target)
        finally:
            source.close()
        if not wal.exists() and _stamp(path) == before:
            return
    source = read_only(path)
    try:
        source.backup(target)
    finally:
        source.close()


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to the ledger at ``path`` that sees the write-ahead log."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)


def explain(error: sqlite3.Error, path: Path) -> str:
    """What went wrong with the ledger at ``path``, and what to do — "restore from a
    backup" only when SQLite's own integrity check says the file is corrupt."""
    name = getattr(error, "sqlite_errorname", "") or ""
    if name.startswith("SQLITE_FULL") or "disk is full" in str(error):
        return (f"{path}: the disk is full or the file-size limit (ulimit -f) was reached "
                f"({error}); free space or raise the limit and run again. The ledger is "
                "intact: do not restore it")
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM")):
        return (f"{path} cannot be written or opened ({error}); check the permissions of "
                "the file and its folder")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return f"{path} is busy ({error}); another process is using it, try again later"
    if name.startswith("SQLITE_IOERR"):
        return f"{path}: the disk reported an error ({error}); check the disk and run again"
    verdict = integrity(path)
    if verdict is not None:
        return (f"{path} is corrupt ({verdict}); restore it from a backup, or rebuild it "
                "with `syndicate recover`")
    return (f"the ledger {path} could not be used ({error}); it passes SQLite's integrity "
            "check, so do not restore it — run again, and report this if it persists")


def integrity(path: Path) -> str | None:
    """``None`` if ``PRAGMA integrity_check`` passes on ``path``, else what it found."""
    try:
        copy = sqlite3.connect(":memory:")
        try:
            copy_into(path, copy)
            rows = copy.execute("PRAGMA integrity_check").fetchall()
        finally:
            copy.close()
    except sqlite3.DatabaseError as error:
        return str(error)
    found = "; ".join(str(row[0]) for row in rows[:3])
    return None if found == "ok" else found


def _record(row: sqlite3.Row) -> Record:
    item = Item.from_dict(json.loads(row["data"]))
    item.first_seen = row["seen_at"] or row["first_seen"]
    return Record(
        item=item, content_hash=row["content_hash"],
        targets=json.loads(row["targets"]),
        chosen=json.loads(row["chosen"]) if row["chosen"] is not None else None,
        status=_status(row), in_queue=bool(row["in_queue"]),
        shown=json.loads(row["shown"]) if row["shown"] is not None else None,
        note=row["note"], reason=row["reason"], first_seen=row["first_seen"],
        updated=row["updated"])


def _status(row: sqlite3.Row) -> Status:
    try:
        return Status(row["status"])
    except ValueError:
        raise InputError(
            f"the ledger holds status '{row['status']}' for item {row['id']}, which this "
            "version of syndicate does not know (was the ledger written by a newer "
            f"version?); statuses: {', '.join(Status)}") from None


def _marks(values: Collection[Any]) -> str:
    """``?, ?, ?``: one placeholder per value."""
    return ", ".join("?" * len(values))


WITHDRAWALS_SCHEMA = """
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


@dataclass(frozen=True)
class WithdrawalRow:
    """How far the withdrawal of one item from one sink got (statuses: see
    :mod:`syndicate.withdrawals`)."""

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


class WithdrawalLog:
    """The withdrawals table, beside the ledger's own in the same file (created on first
    use), so a withdrawal survives crashes as a receipt does."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def ensure(self) -> None:
        """Create the table if this ledger has none yet. One plain statement, not a
        script: a script would commit whatever the caller has not committed yet."""
        self.db.execute(WITHDRAWALS_SCHEMA)

    def record(self, row: WithdrawalRow) -> None:
        """Commit one sink's withdrawal outcome durably, at once (as a receipt is)."""
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO withdrawals VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            (row.item_id, row.sink, row.status, row.reason, row.message,
                             row.url, row.at or now(), row.publication))

    def get(self, item_id: str, sink: str) -> WithdrawalRow | None:
        """The withdrawal of the item from the sink, if one was ever tried."""
        found = self.db.execute("SELECT * FROM withdrawals WHERE item_id = ? AND sink = ?",
                                (item_id, sink)).fetchone()
        return _withdrawal(found) if found else None

    def needing_a_person(self) -> list[WithdrawalRow]:
        """Withdrawals of items still withdrawn that a person must finish, oldest first."""
        found = self.db.execute(
            "SELECT w.* FROM withdrawals w JOIN items i ON i.id = w.item_id "
            "WHERE w.status = 'needs-person' AND i.status = ? "
            "ORDER BY w.at, w.item_id, w.sink", (Status.WITHDRAWN,))
        return [_withdrawal(row) for row in found.fetchall()]

    def ever_withdrawn(self, item_id: str) -> bool:
        """Whether a person or expiry ever took this item back (automatic lanes then leave
        it to a person)."""
        found = self.db.execute("SELECT 1 FROM withdrawals WHERE item_id = ? LIMIT 1",
                                (item_id,)).fetchone()
        return found is not None


def _withdrawal(found: sqlite3.Row) -> WithdrawalRow:
    return WithdrawalRow(found["item_id"], found["sink"], found["status"], found["reason"],
                         found["message"], found["url"], found["at"], found["publication"])


@dataclass(frozen=True)
class DeferredEntry:
    """A new entry a source handed over unbuilt (``SourceContext.defer``)."""

    item_id: str
    raw_hash: str
    entry: bytes
    first_seen: str     # when it was read: its place in the queue's order
    seen_at: str


class DeferredEntries:
    """The deferred table: new entries a run read but did not examine, because the queue
    had no room for them (see :mod:`syndicate.collect`). They count as collected and seen;
    each is built, tagged and checked, oldest first, when the queue has room for it."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def put(self, source: str, rows: Iterable[tuple[str, str, bytes, str]]) -> None:
        """Keep entries given as (item id, raw hash, entry, when read: UTC ISO 8601 to the
        microsecond, with a Z); an entry kept before keeps its place in the queue's order
        and takes the new bytes."""
        self.db.executemany(
            "INSERT INTO deferred VALUES (?1, ?2, ?3, ?4, substr(?5, 1, 19) || 'Z', ?5) "
            "ON CONFLICT (id) DO UPDATE SET raw_hash = excluded.raw_hash, "
            "entry = excluded.entry",
            ((item_id, source, raw_hash, entry, read) for item_id, raw_hash, entry, read in rows))

    def raw_hashes(self, source: str) -> dict[str, str]:
        """Item id → raw hash of every entry of ``source`` waiting here."""
        rows = self.db.execute("SELECT id, raw_hash FROM deferred WHERE source = ?", (source,))
        return dict(rows.fetchall())

    def oldest(self, source: str, limit: int | None) -> list[DeferredEntry]:
        """Up to ``limit`` entries of ``source`` (None: all), oldest first (the queue's
        order)."""
        rows = self.db.execute("SELECT id, raw_hash, entry, first_seen, seen_at FROM deferred "
                               "WHERE source = ? ORDER BY first_seen, seen_at, id LIMIT ?",
                               (source, -1 if limit is None else limit))
        return [DeferredEntry(*row) for row in rows.fetchall()]

    def remove(self, item_ids: Collection[str]) -> None:
        """Forget entries: built into the ledger's items, or gone from their source."""
        self.db.executemany("DELETE FROM deferred WHERE id = ?", ((i,) for i in item_ids))

    def remove_source(self, source: str) -> None:
        """Forget every entry of a source (gone from the configuration)."""
        self.db.execute("DELETE FROM deferred WHERE source = ?", (source,))

    def __contains__(self, item_id: object) -> bool:
        found = self.db.execute("SELECT 1 FROM deferred WHERE id = ?", (item_id,)).fetchone()
        return found is not None

    def count(self) -> int:
        """How many entries wait, of every source."""
        return int(self.db.execute("SELECT count(*) FROM deferred").fetchone()[0])

    def sources(self) -> dict[str, int]:
        """Source → how many of its entries wait."""
        rows = self.db.execute("SELECT source, count(*) FROM deferred GROUP BY source")
        return dict(rows.fetchall())


#: Rows a scratch table keeps in memory before writing them (one statement for them all).
SCRATCH_BATCH = 1000


class Scratch:
    """Tables for one read of a source that grow with it — the item ids it has seen, a
    feed reader's guids — in SQLite's temporary store rather than in Python's memory, so a
    run's memory stays flat however big the source is. They are not part of state.sqlite
    (nothing of them is written there) and are dropped when the read ends (:meth:`drop`).
    Each has a fixed-size filter in front, so looking up a key never added, as almost
    every lookup of a source's new entries is, costs no query."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self._tables: list[str] = []
        self._numbers = itertools.count()

    def ids(self) -> ScratchIds:
        """An empty set of item ids."""
        return ScratchIds(self.db, self._new_table("(id TEXT PRIMARY KEY) WITHOUT ROWID"))

    def map(self) -> ScratchMap:
        """An empty map of int to int (SourceContext.scratch_map)."""
        return ScratchMap(self.db, self._new_table("(key INTEGER PRIMARY KEY, value INTEGER)"))

    def drop(self) -> None:
        """Drop every table made so far (those still in use simply stop working)."""
        for table in self._tables:
            self.db.execute(f"DROP TABLE IF EXISTS {table}")
        self._tables.clear()

    def _new_table(self, definition: str) -> str:
        table = f"temp.scratch{next(self._numbers)}"
        self.db.execute(f"CREATE TABLE {table} {definition}")
        self._tables.append(table)
        return table


class _Filter:
    """A Bloom filter of 2 MiB, two bits a key: False means the key was surely never
    added; True, that it may have been (wrongly for about 1 key in 7,000 when 100,000 were
    added, 1 in 80 at 1,000,000). Its memory is the same however many keys it holds."""

    BITS = 1 << 24
    MASK = BITS - 1

    def __init__(self) -> None:
        self.bits = bytearray(self.BITS >> 3)

    def add(self, key: Hashable) -> None:
        number = hash(key)
        first, second = number & self.MASK, (number >> 32) & self.MASK
        self.bits[first >> 3] |= 1 << (first & 7)
        self.bits[second >> 3] |= 1 << (second & 7)

    def __contains__(self, key: Hashable) -> bool:
        number = hash(key)
        first, second = number & self.MASK, (number >> 32) & self.MASK
        return bool(self.bits[first >> 3] >> (first & 7) & 1
                    and self.bits[second >> 3] >> (second & 7) & 1)


class ScratchIds:
    """A set of ids in a scratch table; the newest ones are held in memory until
    :data:`SCRATCH_BATCH` of them are written at once."""

    def __init__(self, db: sqlite3.Connection, table: str) -> None:
        self.db, self.table = db, table
        self._new: set[str] = set()
        self._filter = _Filter()
        self._lookup = db.cursor()     # one cursor for the lookups, made once
        self._query = f"SELECT 1 FROM {table} WHERE id = ?"

    def add(self, item_id: str) -> None:
        self._filter.add(item_id)
        self._new.add(item_id)
        if len(self._new) >= SCRATCH_BATCH:
            self.written()

    def update(self, item_ids: Iterable[str]) -> None:
        for item_id in item_ids:
            self.add(item_id)

    def __contains__(self, item_id: object) -> bool:
        if not isinstance(item_id, str) or item_id not in self._filter:
            return False
        return item_id in self._new or \
            self._lookup.execute(self._query, (item_id,)).fetchone() is not None

    def __len__(self) -> int:
        return int(self.db.execute(f"SELECT count(*) FROM {self.written()}").fetchone()[0])

    def __iter__(self) -> Iterator[str]:
        for (item_id,) in self.db.execute(f"SELECT id FROM {self.written()}").fetchall():
            yield item_id

    def written(self) -> str:
        """The table, with every id added so far written to it."""
        if self._new:
            self.db.executemany(f"INSERT OR IGNORE INTO {self.table} VALUES (?)",
                                ((item_id,) for item_id in sorted(self._new)))  # in key order:
            # the B-tree takes them a page at a time, not a page each
            self._new.clear()
        return self.table


class ScratchMap(MutableMapping[int, int]):
    """A map of int to int in a scratch table; the newest entries are held in memory until
    :data:`SCRATCH_BATCH` of them are written at once."""

    def __init__(self, db: sqlite3.Connection, table: str) -> None:
        self.db, self.table = db, table
        self._new: dict[int, int] = {}
        self._filter = _Filter()
        self._lookup = db.cursor()     # one cursor for the lookups, made once
        self._query = f"SELECT value FROM {table} WHERE key = ?"

    def get(self, key: int, default: Any = None) -> Any:  # most lookups miss: no KeyError
        value = self._new.get(key)
        if value is not None:
            return value
        if key not in self._filter:
            return default
        row = self._lookup.execute(self._query, (key,)).fetchone()
        return default if row is None else row[0]

    def __getitem__(self, key: int) -> int:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return int(value)

    def setdefault(self, key: int, default: int = 0) -> int:
        value = self.get(key)
        if value is None:
            self[key] = value = default
        return int(value)

    def __setitem__(self, key: int, value: int) -> None:
        self._filter.add(key)
        self._new[key] = value
        if len(self._new) >= SCRATCH_BATCH:
            self._write()

    def __delitem__(self, key: int) -> None:
        if key not in self:
            raise KeyError(key)
        self._new.pop(key, None)
        self.db.execute(f"DELETE FROM {self.table} WHERE key = ?", (key,))

    def __iter__(self) -> Iterator[int]:
        self._write()
        for (key,) in self.db.execute(f"SELECT key FROM {self.table}").fetchall():
            yield key

    def __len__(self) -> int:
        self._write()
        return int(self.db.execute(f"SELECT count(*) FROM {self.table}").fetchone()[0])

    def _write(self) -> None:
        if self._new:
            self.db.executemany(f"INSERT OR REPLACE INTO {self.table} VALUES (?, ?)",
                                sorted(self._new.items()))   # in key order, as above
            self._new.clear()
