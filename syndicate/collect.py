"""Collect: sources → tag → check → ledger (the queue is written afterwards).

An item whose content hash matches the ledger costs nothing more: it is neither tagged nor
checked again. New and changed items are tagged, checked for every sink they could go to,
and stored as ``pending`` (or ``blocked`` when errors leave no sink, ``excluded`` when a
rule says ``licence: none``).

Editors see at most ``queue.max_pending`` items at a time, so a run examines only as many
new items as the queue has room for. A source that can build an item again from its raw
entry (a feed: ``SourceContext.defer``) hands over the entries beyond that room unbuilt;
they wait in the ledger (:class:`~syndicate.ledger.DeferredEntries`), count in the
backlog, and are examined oldest first as editors make room — tagged by the rules of
that day. A whole news archive read for the first time thus costs little more than
reading it. Sources urgent rules can match never defer: the emergency lane must see
every new item at once.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from syndicate import corrections, reconcile, urgent
from syndicate.boundary import PluginFault, still_wanted
from syndicate.checks import Duplicates, check_item
from syndicate.config import source_problem
from syndicate.errors import InputError, SourceError, SyndicateError
from syndicate.ledger import RECOVERED, DeferredEntry, Record, ScratchIds, now
from syndicate.model import Finding, Item
from syndicate.report import RunReport
from syndicate.sources.base import Source
from syndicate.status import Status
from syndicate.workspace import Workspace

log = logging.getLogger(__name__)

_WRITE_EVERY = 1000     # deferred entries held before they are written to the ledger


def collect(ws: Workspace, report: RunReport) -> None:
    """Read every source into the ledger (committed per source)."""
    duplicates = Duplicates(ws.ledger.file_sha1)
    for known in ws.ledger.file_items():  # older items stay the originals
        duplicates.remember(known)
    def skipped(source: str, message: str) -> None:
        report.problem("collect", source, None, message, retry=True)

    for source in ws.sources(skipped):
        if ws.boundary.run_overdue():
            report.problem("collect", source.name, None, "not read: the run reached "
                           "limits.run_deadline; it is read next run", retry=True)
            continue
        try:
            _collect_and_withdraw(ws, source, report, duplicates)
        finally:
            ws.ledger.scratch.drop()


def _collect_and_withdraw(ws: Workspace, source: Source, report: RunReport,
                          duplicates: Duplicates) -> None:
    """Read one source, then withdraw what a complete listing no longer has; what the
    source could not give is a problem in the report."""
    seen = ws.ledger.scratch.ids()      # as many as the source has: kept out of memory
    problems_before = len(report.problems)
    try:
        _collect_source(ws, source, report, duplicates, seen)
    except (SourceError, InputError, PluginFault) as exc:
        ws.ledger.commit()
        report.problem("collect", source.name, None,
                       source_problem(ws.config, source.name, exc),
                       retry=getattr(exc, "retry", False))  # bad input needs a person
        return
    except Exception as exc:  # a bug in a source plugin must not stop the others
        log.debug("source %s failed", source.name, exc_info=True)
        ws.ledger.commit()
        report.problem("collect", source.name, None,
                       f"unexpected {type(exc).__name__} in source: {exc}", retry=True)
        return
    # An entry that could not be read is not an entry that went away.
    if source.complete_listing and len(report.problems) == problems_before:
        _withdraw_missing(ws, source.name, seen, report)
    ws.ledger.commit()


def forget_removed_sources(ws: Workspace) -> None:
    """Drop the deferred entries of sources syndicate.yaml no longer has: no editor has
    seen them, and nothing will examine them (the nightly collect; the urgent lane reads
    only some sources). The items of such sources stay in the ledger, as history."""
    for source, waiting in ws.ledger.deferred.sources().items():
        if source not in ws.config.sources:
            log.warning("source %s is no longer in syndicate.yaml: its %d new entries not "
                        "examined yet are dropped", source, waiting)
            ws.ledger.deferred.remove_source(source)
    ws.ledger.commit()


class _Stamps:
    """UTC now as ISO 8601 to the microsecond with a Z, as the ledger's ``seen_at``; the
    part to the second is formatted once a second (a first read defers thousands a
    second)."""

    def __init__(self) -> None:
        self.second: int | None = None
        self.text = ""

    def __call__(self) -> str:
        second, micro = divmod(time.time_ns() // 1000, 1_000_000)
        if second != self.second:
            self.second = second
            self.text = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")
        return f"{self.text}.{micro:06d}Z"


_microsecond_stamp = _Stamps()


class _Room:
    """How many more new items of one source this run examines: the queue's room for an
    editor when the source is read (all of them for a source urgent rules can match)."""

    def __init__(self, ws: Workspace, source: str) -> None:
        settings = ws.config.queue
        unlimited = ws.config.urgent and source in urgent.lane_sources(ws.config)
        self.left = None if unlimited else reconcile.room(ws.ledger, settings.max_pending,
                                                          settings.keep_days)

    def take(self, wanted: int = 1) -> int:
        """How many of ``wanted`` new items are examined now (each takes a place)."""
        if self.left is None:
            return wanted
        granted = min(wanted, self.left)
        self.left -= granted
        return granted


class _RawEntries:
    """The ``known`` and ``defer`` hooks of one source's run (SourceContext): answer from
    the raw hashes in the ledger, keep the raw hash of each item the source goes on to
    build, and keep the new entries the queue has no room for. What the ledger knows of the
    source is read only when first needed: not at all when the whole document is
    unchanged."""

    def __init__(self, ws: Workspace, source: Source, report: RunReport, seen: ScratchIds,
                 room: _Room) -> None:
        self.ws, self.source, self.report, self.seen, self.room = (ws, source.name, report,
                                                                   seen, room)
        self.complete = source.complete_listing
        self.pending: dict[str, str] = {}   # item id → raw hash of the entry being built
        self.waiting: list[tuple[str, str, bytes, str]] = []  # deferred, not yet written
        self.document: str | None = None    # the hash of the whole input, once told
        self.problems = len(report.problems)  # a source with new problems was not read in full

    def known_document(self, raw_hash: str) -> bool:
        if not still_wanted():
            return False    # an abandoned call (the boundary): it must not reach the ledger
        last = self.ws.ledger.source_document(self.source)
        if last is None or last[0] != raw_hash:
            self.document = raw_hash
            return False
        if self.complete:   # only a complete listing needs them, to withdraw the rest
            self.seen.update(self.ws.ledger.document_items(self.source))
        self.report.collected[self.source] += last[1]
        self.report.unchanged += last[1]
        return True

    @functools.cached_property
    def hashes(self) -> dict[str, str]:
        """Item id → content hash, for every item of the source."""
        return self.ws.ledger.hashes(self.source)

    @functools.cached_property
    def _raw(self) -> tuple[dict[str, str], dict[str, list[str]]]:
        return self.ws.ledger.raw_hashes(self.source)

    @functools.cached_property
    def _deferred(self) -> dict[str, str]:
        return self.ws.ledger.deferred.raw_hashes(self.source)

    def known(self, item_id: str, raw_hash: str) -> bool:
        if not still_wanted():
            return False
        if item_id in self.seen:
            return True     # listed twice: collect would pass over it anyway
        stored, children = self._raw
        if stored.get(item_id, self._deferred.get(item_id)) != raw_hash:
            self.pending[item_id] = raw_hash
            return False
        same = [item_id, *children.get(item_id, ())]
        self.seen.update(same)
        self.report.collected[self.source] += len(same)
        self.report.unchanged += len(same)
        return True

    def defer(self, item_id: str, raw_hash: str, entry: bytes) -> bool:
        """SourceContext.defer: keep a new entry unbuilt when the queue has no room for
        it; one kept before stays kept (with its new bytes) until its turn comes."""
        if not still_wanted() or item_id in self.hashes:
            return False    # a changed item is examined at once: editors may be waiting
        if item_id not in self._deferred and self.room.take():
            return False
        self.pending.pop(item_id, None)
        self.seen.add(item_id)
        self.report.collected[self.source] += 1
        self.report.deferred += 1
        self.waiting.append((item_id, raw_hash, entry, _microsecond_stamp()))
        if len(self.waiting) >= _WRITE_EVERY:
            self.write_waiting()
        return True

    def write_waiting(self) -> None:
        """Write the deferred entries held so far (memory stays flat however many)."""
        if self.waiting and still_wanted():
            self.ws.ledger.deferred.put(self.source, self.waiting)
        self.waiting = []

    def built(self, item_id: str) -> None:
        """The item is in the ledger already: store the raw hash it was built from."""
        raw_hash = self.taken(item_id)
        if raw_hash is not None:
            self.ws.ledger.set_raw_hash(item_id, raw_hash)

    def taken(self, item_id: str) -> str | None:
        """The raw hash the item was built from, to save with it; None when the ledger
        has it already (or the source gave none)."""
        raw_hash = self.pending.pop(item_id, None)
        return None if raw_hash is None or self._raw[0].get(item_id) == raw_hash \
            else raw_hash

    def finished(self) -> None:
        """The source was read to its end: keep its document's hash and what it held,
        unless an entry of it was a problem (left out, unreadable): then it is read again."""
        if self.document is not None and len(self.report.problems) == self.problems:
            self.ws.ledger.put_source_document(self.source, self.document, self.seen)


def _collect_source(ws: Workspace, source: Source, report: RunReport,
                    duplicates: Duplicates, seen: ScratchIds) -> None:
    room = _Room(ws, source.name)
    raw = _RawEntries(ws, source, report, seen, room)
    source.context.known, source.context.known_document = raw.known, raw.known_document
    source.context.defer, source.context.scratch_map = raw.defer, ws.ledger.scratch.map
    def problem(message: str) -> None:
        report.problem("collect", source.name, None, message, retry=True)

    try:
        for batch in ws.boundary.batches(source.name, source.items, problem):
            fresh: list[tuple[Item, str]] = []
            for item in batch:
                if item.id in seen:
                    continue  # a feed listing the same entry twice
                seen.add(item.id)
                report.collected[source.name] += 1
                ws.progress.advance("collect", source.name)
                content_hash = item.content_hash(ws.ledger.file_sha1)
                if raw.hashes.get(item.id) == content_hash:
                    report.unchanged += 1
                    raw.built(item.id)
                else:
                    fresh.append((item, content_hash))
            for record in examine_all(ws, fresh, duplicates):
                _store(ws, record, report, raw.taken(record.item.id))
    finally:   # what the source handed over before it failed is kept, as its items are
        raw.write_waiting()
    raw.finished()
    _examine_deferred(ws, source, report, duplicates, room, problem)


def _examine_deferred(ws: Workspace, source: Source, report: RunReport,
                      duplicates: Duplicates, room: _Room,
                      problem: Callable[[str], None]) -> None:
    """Build, tag and check the source's oldest deferred entries the queue has room for.
    An entry that cannot be built stays (the problem is reported, and it is tried again)."""
    if room.left == 0:
        return      # no query at all: a full queue is the common case
    entries = ws.ledger.deferred.oldest(source.name, room.left)
    if not entries:
        return      # most sources never defer: theirs is not asked to rebuild anything
    room.take(len(entries))
    by_id = {entry.item_id: entry for entry in entries}
    built: set[str] = set()
    for batch in ws.boundary.batches(source.name,
                                     lambda: source.rebuild([e.entry for e in entries]),
                                     problem):
        fresh = []
        for item in batch:
            if item.id in built or (item.id not in by_id and ws.ledger.get(item.id)):
                continue    # an image an earlier entry has already given
            built.add(item.id)
            fresh.append((item, item.content_hash(ws.ledger.file_sha1)))
        for record in examine_all(ws, fresh, duplicates):
            own = by_id.get(record.item.id)    # the entry's item, else one built from it
            _store(ws, record, report, own.raw_hash if own else None,
                   read=own or by_id.get(record.item.parent or ""))
    ws.ledger.deferred.remove([i for i in by_id if i in built])
    ws.ledger.commit()


def _store(ws: Workspace, record: Record, report: RunReport, raw_hash: str | None,
           read: DeferredEntry | None = None) -> None:
    """Save a new or changed item's record (with the raw hash it was built from); a
    changed one keeps the editor's decision and notes, and its first-seen time. An item
    built from a deferred entry was first seen when the entry was ``read``."""
    previous = ws.ledger.get(record.item.id)
    if previous is None:
        report.new += 1
        if read is not None:
            record.first_seen = read.first_seen
    else:
        report.changed += 1
        record.first_seen = previous.first_seen
        record.note, record.reason, record.chosen = (previous.note, previous.reason,
                                                     previous.chosen)
        record.in_queue, record.shown = previous.in_queue, previous.shown
        if previous.content_hash == RECOVERED + record.content_hash \
                and record.status not in (Status.BLOCKED, Status.EXCLUDED):
            record.status = previous.status  # rebuilt, unchanged: the decision stands
        corrections.republish(ws, previous, record)  # updates: auto
        ws.ledger.clear_outcomes(record.item.id)   # a new item has none
    report.excluded += record.status == Status.EXCLUDED
    report.blocked += record.status == Status.BLOCKED
    ws.ledger.save(record, raw_hash, seen_at=read.seen_at if read else None)


def examine(ws: Workspace, item: Item, duplicates: Duplicates | None = None,
            content_hash: str | None = None) -> Record:
    """Tag and check one item and decide where it may go (no ledger writes)."""
    return examine_all(ws, [(item, content_hash or item.content_hash())], duplicates)[0]


def examine_all(ws: Workspace, items: list[tuple[Item, str]],
                duplicates: Duplicates | None = None) -> list[Record]:
    """:func:`examine` for many items (with their content hashes), in order. Each sink
    checks its items in one go through the boundary, in the order sinks are configured,
    so an item's findings read as they would one by one."""
    tagged = [_tag_and_check(ws, item, duplicates, content_hash)
              for item, content_hash in items]
    for name in ws.config.sinks:
        wanted = [record.item for record, candidates in tagged if name in candidates]
        if wanted:
            for item, outcome in zip(wanted, ws.boundary.checks(name, ws.sink(name).check,
                                                                wanted), strict=True):
                item.findings.extend(_sink_findings(name, item, outcome))
    for record, candidates in tagged:
        if record.status != Status.EXCLUDED:
            _decide(ws, record, candidates)
    return [record for record, _ in tagged]


def _tag_and_check(ws: Workspace, item: Item, duplicates: Duplicates | None,
                   content_hash: str) -> tuple[Record, list[str]]:
    """The item's record with its licence and core findings, and the sinks that could
    take it (none for an excluded item)."""
    stamp = now()
    record = Record(item=item, content_hash=content_hash, targets=[],
                    chosen=None, status=Status.PENDING, shown=None, in_queue=False, note="",
                    reason="", first_seen=stamp, updated=stamp)
    decision = ws.config.licensing.apply(item)
    if decision.excluded:
        record.status = Status.EXCLUDED
        return record, []
    item.findings.extend(check_item(item, decision))
    if duplicates is not None:
        item.findings.extend(duplicates.check(item))
    return record, ws.targets(item)


def _decide(ws: Workspace, record: Record, candidates: list[str]) -> None:
    """Where the checked item may go: the sinks with no error of their own, unless an
    error blocks it everywhere."""
    item = record.item
    blocked_everywhere = any(f.is_error and f.sink is None for f in item.findings)
    record.targets = [] if blocked_everywhere else [
        name for name in candidates
        if not any(f.is_error and f.sink == name for f in item.findings)]
    if not candidates and ws.config.path is not None:  # inspect without a config: no sinks
        item.findings.append(Finding(
            "sink.none", "error", f"no configured sink takes {item.kind} items from source "
            f"{item.source}; add one under sinks: or remove the source"))
    if not record.targets:
        record.status = Status.BLOCKED


def _sink_findings(name: str, item: Item,
                   outcome: list[Finding] | Exception) -> Iterable[Finding]:
    if isinstance(outcome, PluginFault):
        yield Finding("sink.check-failed", "error", f"the {name} sink could not check "
                      f"{item.id}: {outcome}", name)
        return
    if isinstance(outcome, SyndicateError):
        raise outcome
    if isinstance(outcome, Exception):  # a bug in a sink plugin keeps the item from it only
        log.debug("sink %s failed to check %s", name, item.id, exc_info=outcome)
        yield Finding("sink.check-failed", "error", f"the {name} sink could not check "
                      f"{item.id} ({type(outcome).__name__}: {outcome}); report it to the "
                      "sink's authors", name)
        return
    yield from outcome  # each already speaks only for this sink


def _withdraw_missing(ws: Workspace, source: str, seen: ScratchIds,
                      report: RunReport) -> None:
    """Items a complete listing no longer has are withdrawn unless already published."""
    for record in ws.ledger.with_status(Status.PENDING, Status.APPROVED, Status.FAILED,
                                        Status.BLOCKED, sources=(source,)):
        if record.item.id not in seen:
            record.status = Status.WITHDRAWN
            record.updated = now()
            ws.ledger.save(record)
            report.withdrawn += 1
