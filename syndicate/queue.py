"""queue.yaml: the editors' view of the ledger.

Editors change ``status`` (pending → approved/rejected), narrow ``sinks``, and write
``note`` and ``reason``; everything else is shown for information and rewritten from the
ledger. The file is read strictly (duplicate keys, anchors, unknown keys and statuses are
errors with file:line), written atomically, and never written over an edit syndicate has not
read: the digest of what was read is compared with the file just before replacing it.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from syndicate import yamlfile
from syndicate.errors import InputError
from syndicate.files import atomic_write
from syndicate.status import Status

#: What an editor may write in ``status:``, and what syndicate itself sets (excluded items
#: are never shown).
EDITOR_STATUSES = (Status.PENDING, Status.APPROVED, Status.REJECTED)
SYNDICATE_STATUSES = (Status.PUBLISHED, Status.FAILED, Status.BLOCKED, Status.WITHDRAWN)
STATUSES = EDITOR_STATUSES + SYNDICATE_STATUSES
EDITABLE = ("status", "sinks", "note", "reason", "notice")
SHOWN = ("id", "status", "version", "date", "title", "kind", "source", "url", "excerpt",
         "thumbnail", "licence", "attribution", "sinks", "findings", "notice", "note",
         "reason", "results")

HEADER = """\
# Set status to approved or rejected, then save. The nightly run publishes approved items.
# You may also remove a sink from an item's sinks, and write a note (kept) or a reason.
# Newest items come first, pending ones at the top. queue.html beside this file shows the
# same items with their pictures and text.
# Text with a colon, a quote or a # in it is safest in double quotes: note: "Bins: it's ok"
# A notice: line says what syndicate did with a change of yours; delete it once read.
# Comments you add here are not kept: write in note instead.
# Statuses: pending | approved | rejected (editors); published | failed | blocked | withdrawn
# (syndicate). To take a published item back, set withdrawn and give a reason.
# Other fields are information and are rewritten on every run.
"""


class QueueError(InputError):
    """queue.yaml cannot be used as it is; the message lists file:line problems."""


class QueueChanged(InputError):
    """queue.yaml changed between our read and our write (an editor saved it)."""


@dataclass
class Entry:
    """What an editor may have changed for one item."""

    id: str
    status: Status
    version: str | None
    sinks: list[str] | None
    note: str
    reason: str
    line: int
    notice: str | None = None      # None: the editor deleted the notice line (or it had none)


@dataclass
class Snapshot:
    """The queue as read: its entries and the digest of the exact bytes."""

    entries: dict[str, Entry] = field(default_factory=dict)
    digest: str = ""
    items: list[dict[str, Any]] = field(default_factory=list)   # as written, for display


def digest_of(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return ""


def read(path: Path, sink_names: Iterable[str]) -> Snapshot:
    """Read and validate the queue; raise QueueError listing every problem found."""
    snapshot, problems = inspect(path, sink_names)
    if problems:
        raise QueueError("\n".join(problems) + f"\nFix {path} and run again; nothing was "
                         "changed.")
    return snapshot


# The last queue read: (path, sinks, digest) and what was found. A run reads the queue at its
# start and again at its end, in case an editor saved it meanwhile; when the bytes are the
# same, so is what they say, and a queue of thousands of items is not parsed twice.
_last_read: tuple[tuple[Path, frozenset[str], str], tuple[Snapshot, list[str]]] | None = None


def inspect(path: Path, sink_names: Iterable[str]) -> tuple[Snapshot, list[str]]:
    """The queue and a list of ``file:line: problem`` lines (for ``queue check``).
    The snapshot may be shared with an earlier call on the same bytes: do not change it."""
    global _last_read
    if not path.exists():
        return Snapshot(), []
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    key = (path, frozenset(sink_names), digest)
    if _last_read is not None and _last_read[0] == key:
        return _last_read[1]
    _last_read = None   # before parsing: only the last queue is kept in memory
    found = _parse(path, raw, digest, key[1])
    _last_read = key, found
    return found


def _parse(path: Path, raw: bytes, digest: str,
           sink_names: frozenset[str]) -> tuple[Snapshot, list[str]]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Snapshot(digest=digest), [f"{path}: not UTF-8 text ({exc.reason})"]
    try:
        doc = yamlfile.load(path, text)
    except yamlfile.YAMLSyntaxError as exc:
        return Snapshot(digest=digest), [_with_item(str(exc), text, exc.line)]
    except InputError as exc:
        return Snapshot(digest=digest), [str(exc)]
    return _Validator(doc, sink_names, text.splitlines()).run(digest)


_ITEM_START = re.compile(r"^-\s+id:\s*(\S+)")


def _with_item(message: str, text: str, line: int | None) -> str:
    """Name the item a YAML error sits in (the nearest ``- id:`` above the line), so an
    editor with a long queue knows which entry to look at."""
    if not line:
        return message
    for raw in reversed(text.splitlines()[:line]):
        match = _ITEM_START.match(raw)
        if match:
            head, sep, rest = message.partition(f":{line}: ")
            return f"{head}{sep}item {match[1].strip(chr(34) + chr(39))}: {rest}" if sep \
                else message
    return message


class _Validator:
    def __init__(self, doc: yamlfile.Document, sink_names: frozenset[str],
                 lines: list[str]) -> None:
        self.doc = doc
        self.sink_names = sink_names
        self.lines = lines
        self.problems: list[str] = []

    def problem(self, keys: tuple[Any, ...], message: str) -> None:
        self.problems.append(f"{self.doc.where(*keys)}: {message}")

    def run(self, digest: str) -> tuple[Snapshot, list[str]]:
        snapshot = Snapshot(digest=digest)
        data = self.doc.data
        if data is None:
            return snapshot, []
        if not isinstance(data, dict) or not isinstance(data.get("items", []), list | None):
            self.problem((), "expected 'items:' followed by a list of items")
            return snapshot, self.problems
        for key in data:
            if key != "items":
                self.problem((key,), f"unknown top-level key '{key}'; only 'items' belongs here")
        for index, raw in enumerate(data.get("items") or []):
            entry = self.entry(index, raw)
            if entry is None:
                continue
            if entry.id in snapshot.entries:
                self.problem(("items", index), f"item {entry.id} appears twice (first at line "
                             f"{snapshot.entries[entry.id].line}); delete one of them")
                continue
            snapshot.entries[entry.id] = entry
            snapshot.items.append(raw)
        return snapshot, self.problems

    def entry(self, index: int, raw: Any) -> Entry | None:
        at = ("items", index)
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            self.problem(at, "each item needs an 'id:' (do not edit or remove ids)")
            return None
        item_id = raw["id"]
        for key in raw:
            if key not in SHOWN:
                close = difflib.get_close_matches(str(key), SHOWN, n=1)
                hint = f"did you mean '{close[0]}'?" if close else \
                    f"editors may change {', '.join(EDITABLE)}"
                self.problem((*at, key), f"item {item_id}: unknown key '{key}'; {hint}")
        status = self.status(raw, at, item_id)
        sinks = raw.get("sinks")
        if sinks is not None:
            if not isinstance(sinks, list) or not all(isinstance(s, str) for s in sinks):
                self.problem((*at, "sinks"), f"item {item_id}: sinks must be a list of sink "
                             "names, like [partners]")
                sinks = None
            else:
                for name in sinks:
                    if name not in self.sink_names:
                        close = difflib.get_close_matches(name, sorted(self.sink_names), n=1)
                        hint = f"; did you mean '{close[0]}'?" if close else ""
                        self.problem((*at, "sinks"), f"item {item_id}: unknown sink "
                                     f"'{name}'{hint}")
        texts = {key: self.text(raw, at, key, item_id) for key in ("note", "reason", "notice")}
        version = raw.get("version")
        if status is None:
            return None      # a problem is listed; the queue is not used until it is fixed
        return Entry(item_id, status, str(version) if version is not None else None,
                     sinks, texts["note"] or "", texts["reason"] or "", self.doc.line(*at) or 0,
                     texts["notice"] if "notice" in raw else None)

    def status(self, raw: dict[str, Any], at: tuple[Any, ...], item_id: str) -> Status | None:
        """The item's status (pending when it has none), or None after listing a problem."""
        status = raw.get("status", Status.PENDING.value)
        if isinstance(status, str):
            status = status.strip().lower()    # "Approved" is what an editor means
            if status in STATUSES:
                raw["status"] = status
                return Status(status)
        close = difflib.get_close_matches(str(status), STATUSES, n=1)
        hint = f"did you mean '{close[0]}'?" if close else \
            f"use one of {', '.join(EDITOR_STATUSES)}"
        self.problem((*at, "status"), f"item {item_id}: unknown status '{status}'; {hint}")
        return None

    def text(self, raw: dict[str, Any], at: tuple[Any, ...], key: str,
             item_id: str) -> str | None:
        """An editor's free text as typed. YAML reads ``12:30`` as a number, ``2026-01-05``
        as a date, ``yes`` as text but ``#3 first`` as a comment: whatever is not already
        text is taken from the line itself, so nothing the editor wrote is changed or lost."""
        if key not in raw:
            return None
        value = raw[key]
        typed = self.typed(at, key)
        if isinstance(value, str):
            # "call ext #3": YAML takes " #3" for a comment; in free text it is the text.
            if "\n" not in value and typed[:1] not in ("'", '"', "|", ">") and \
                    typed.startswith(value) and typed[len(value):].lstrip().startswith("#"):
                return typed
            return value
        if isinstance(value, list | dict):
            shown = typed.replace("\\", "\\\\").replace('"', '\\"') or "…"
            self.problem((*at, key), f"item {item_id}: {key} starts with [ or {{, which YAML "
                         f"reads as a list; put the text in quotes: {key}: \"{shown}\"")
            return None
        return typed or None

    def typed(self, at: tuple[Any, ...], key: str) -> str:
        """What follows ``key:`` on its line, as the editor typed it."""
        line = self.doc.line(*at, key)
        if not line or line > len(self.lines):
            return ""
        return self.lines[line - 1].split(":", 1)[-1].strip()


def render(entries: list[dict[str, Any]]) -> str:
    """The queue file's text for these entries (dicts in :data:`SHOWN` order)."""
    return HEADER + yamlfile.dump({"items": entries})


def write(path: Path, text: str, expected_digest: str) -> str:
    """Replace the queue with ``text`` unless it changed since it was read (digest
    ``expected_digest``); return the new digest. Callers hold the run lock, so only an
    editor's save can race with us, and that is what the digest check catches.

    When ``text`` is what the file already holds, the file is left alone (not even its
    modification time changes), so a night with nothing new shows no edit to editors, to
    backups or to a version-controlled copy; an editor's save since the read still counts.
    """
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if digest == expected_digest:
        if digest_of(path) != expected_digest:
            raise QueueChanged(f"{path} was saved by someone while syndicate was working")
        return digest

    def unchanged() -> None:
        # Checked after the new file is ready, just before it replaces the old one, so the
        # window for an editor's save to slip through is as small as the OS allows.
        if digest_of(path) != expected_digest:
            raise QueueChanged(f"{path} was saved by someone while syndicate was working")

    atomic_write(path, text, before_replace=unchanged)
    return digest
