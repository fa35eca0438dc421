"""Collect: sources → tag → check → ledger (the queue is written afterwards).

An item whose content hash matches the ledger costs nothing more: it is neither tagged nor
checked again. New and changed items are tagged, checked for every sink they could go to,
and stored as ``pending`` (or ``blocked`` when errors leave no sink, ``excluded`` when a
rule says ``licence: none``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from syndicate import corrections
from syndicate.boundary import PluginFault
from syndicate.checks import Duplicates, check_item
from syndicate.config import source_problem
from syndicate.errors import InputError, SourceError, SyndicateError
from syndicate.ledger import RECOVERED, Record, now
from syndicate.model import Finding, Item
from syndicate.report import RunReport
from syndicate.sources.base import Source
from syndicate.workspace import Workspace

log = logging.getLogger(__name__)


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
        seen: set[str] = set()
        problems_before = len(report.problems)
        try:
            _collect_source(ws, source, report, duplicates, seen)
        except (SourceError, InputError, PluginFault) as exc:
            ws.ledger.commit()
            report.problem("collect", source.name, None,
                           source_problem(ws.config, source.name, exc),
                           retry=getattr(exc, "retry", False))  # bad input needs a person
            continue
        except Exception as exc:  # a bug in a source plugin must not stop the others
            log.debug("source %s failed", source.name, exc_info=True)
            ws.ledger.commit()
            report.problem("collect", source.name, None,
                           f"unexpected {type(exc).__name__} in source: {exc}", retry=True)
            continue
        # An entry that could not be read is not an entry that went away.
        if source.complete_listing and len(report.problems) == problems_before:
            _withdraw_missing(ws, source.name, seen, report)
        ws.ledger.commit()


def _collect_source(ws: Workspace, source: Source, report: RunReport,
                    duplicates: Duplicates, seen: set[str]) -> None:
    known = ws.ledger.hashes(source.name)
    def problem(message: str) -> None:
        report.problem("collect", source.name, None, message, retry=True)

    for item in ws.boundary.items(source.name, source.items, problem):
        if item.id in seen:
            continue  # a feed listing the same entry twice
        seen.add(item.id)
        report.collected[source.name] += 1
        ws.progress.advance("collect", source.name)
        content_hash = item.content_hash(ws.ledger.file_sha1)
        if known.get(item.id) == content_hash:
            report.unchanged += 1
            continue
        previous = ws.ledger.get(item.id)
        record = examine(ws, item, duplicates, content_hash)
        if previous is None:
            report.new += 1
        else:
            report.changed += 1
            record.first_seen = previous.first_seen
            record.note, record.reason, record.chosen = (previous.note, previous.reason,
                                                         previous.chosen)
            record.in_queue, record.shown = previous.in_queue, previous.shown
            if previous.content_hash == RECOVERED + content_hash \
                    and record.status not in ("blocked", "excluded"):
                record.status = previous.status  # rebuilt, unchanged: the decision stands
            corrections.republish(ws, previous, record)  # updates: auto
        report.excluded += record.status == "excluded"
        report.blocked += record.status == "blocked"
        ws.ledger.clear_outcomes(item.id)
        ws.ledger.save(record)


def examine(ws: Workspace, item: Item, duplicates: Duplicates | None = None,
            content_hash: str | None = None) -> Record:
    """Tag and check one item and decide where it may go (no ledger writes)."""
    stamp = now()
    record = Record(item=item, content_hash=content_hash or item.content_hash(), targets=[],
                    chosen=None, status="pending", shown=None, in_queue=False, note="",
                    reason="", first_seen=stamp, updated=stamp)
    decision = ws.config.licensing.apply(item)
    if decision.excluded:
        record.status = "excluded"
        return record
    item.findings.extend(check_item(item, decision))
    if duplicates is not None:
        item.findings.extend(duplicates.check(item))
    candidates = ws.targets(item)
    for name in candidates:
        item.findings.extend(_sink_findings(ws, name, item))
    blocked_everywhere = any(f.is_error and f.sink is None for f in item.findings)
    record.targets = [] if blocked_everywhere else [
        name for name in candidates
        if not any(f.is_error and f.sink == name for f in item.findings)]
    if not candidates and ws.config.path is not None:  # inspect without a config: no sinks
        item.findings.append(Finding(
            "sink.none", "error", f"no configured sink takes {item.kind} items from source "
            f"{item.source}; add one under sinks: or remove the source"))
    if not record.targets:
        record.status = "blocked"
    return record


def _sink_findings(ws: Workspace, name: str, item: Item) -> Iterable[Finding]:
    try:
        findings = ws.boundary.check(name, ws.sink(name).check, item)
    except PluginFault as exc:
        yield Finding("sink.check-failed", "error", f"the {name} sink could not check "
                      f"{item.id}: {exc}", name)
        return
    except SyndicateError:
        raise
    except Exception as exc:  # a bug in a sink plugin keeps the item from that sink only
        log.debug("sink %s failed to check %s", name, item.id, exc_info=True)
        yield Finding("sink.check-failed", "error", f"the {name} sink could not check "
                      f"{item.id} ({type(exc).__name__}: {exc}); report it to the sink's "
                      "authors", name)
        return
    yield from findings  # each already speaks only for this sink


def _withdraw_missing(ws: Workspace, source: str, seen: set[str], report: RunReport) -> None:
    """Items a complete listing no longer has are withdrawn unless already published."""
    for record in ws.ledger.records("source = ? AND status IN ('pending', 'approved', "
                                    "'failed', 'blocked')", (source,)):
        if record.item.id not in seen:
            record.status = "withdrawn"
            record.updated = now()
            ws.ledger.save(record)
            report.withdrawn += 1
