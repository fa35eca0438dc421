"""The commands as library calls: collect, publish, run, and editors' queue decisions.

Each opens a :class:`~syndicate.workspace.Workspace` (lock + ledger), applies the editors'
queue edits first, does its work, rewrites the queue from the ledger last, and writes a run
report. The CLI is a thin layer over these functions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from syndicate import notify, queue, reconcile, review
from syndicate.collect import collect as collect_stage
from syndicate.config import Config
from syndicate.errors import InputError
from syndicate.files import atomic_write
from syndicate.ledger import Ledger, Record
from syndicate.progress import Progress
from syndicate.publish import publish as publish_stage
from syndicate.report import RunReport
from syndicate.workspace import Workspace


def collect(config: Config, *, dry_run: bool = False,
            progress: Progress | None = None) -> RunReport:
    """Sources → tag → check → queue."""
    return _run(config, "collect", dry_run, progress, collect=True, publish=False)


def publish(config: Config, *, dry_run: bool = False,
            progress: Progress | None = None) -> RunReport:
    """Approved items → sinks."""
    return _run(config, "publish", dry_run, progress, collect=False, publish=True)


def run(config: Config, *, dry_run: bool = False, progress: Progress | None = None) -> RunReport:
    """The nightly job: collect, then publish."""
    return _run(config, "run", dry_run, progress, collect=True, publish=True)


def _run(config: Config, command: str, dry_run: bool, progress: Progress | None, *,
         collect: bool, publish: bool) -> RunReport:
    report = RunReport(command, dry_run=dry_run)
    with Workspace(config, dry_run=dry_run, progress=progress) as ws:
        _sync(ws)  # editors' decisions count before anything is published
        run_id = ws.ledger.start_run(command)
        try:
            if collect:
                collect_stage(ws, report)
            if publish:
                publish_stage(ws, report)
        finally:
            review.make_thumbnails(ws)
            _sync(ws)
            report.queue = _queue_counts(ws)
            report.backlog = ws.ledger.backlog()
            if not dry_run:
                _for_people(ws, report)
            ws.ledger.finish_run(run_id, report.exit_code, report.as_dict())
            if not dry_run:
                _write_report(config, run_id, report)
    return report


def _for_people(ws: Workspace, report: RunReport) -> None:
    """The review page, and the email digest when something waits for a person."""
    review.write_page(ws)
    notify.after_run(ws, report)


def _sync(ws: Workspace) -> None:
    settings = ws.config.queue
    reconcile.sync(ws.ledger, settings.path, list(ws.config.sinks), settings.max_pending,
                   settings.keep_days, write=not ws.dry_run,
                   thumbnail=review.thumbnail_for(ws))


def _queue_counts(ws: Workspace) -> dict[str, int]:
    counts: dict[str, int] = {}
    for record in ws.ledger.records("in_queue = 1"):
        counts[record.status] = counts.get(record.status, 0) + 1
    return counts


def _write_report(config: Config, run_id: int, report: RunReport) -> None:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = config.state_dir / "runs" / f"{stamp}-{run_id:05d}-{report.command}.json"
    atomic_write(path, json.dumps(report.as_dict(), indent=2) + "\n")


@dataclass
class Decision:
    """What became of one id in ``queue approve`` / ``queue reject``."""

    item_id: str
    done: bool
    message: str


def decide(config: Config, ids: Iterable[str], status: str, *, reason: str = "",
           every_pending: bool = False, source: str | None = None) -> list[Decision]:
    """Approve or reject items as an editor would in queue.yaml. With ``every_pending``,
    every pending item (of ``source``) without an error finding."""
    results = []
    with Workspace(config) as ws:
        _sync(ws)
        records = _chosen(ws, list(ids), every_pending, source)
        for item_id, record in records:
            if record is None:
                results.append(Decision(item_id, False, "no such item in the ledger"))
                continue
            why_not = reconcile.decide(record, status)
            if why_not is None:
                if reason:
                    record.reason = reason
                ws.ledger.save(record)
            results.append(Decision(item_id, why_not is None, why_not or status))
        _sync(ws)
        review.write_page(ws)
    return results


def _chosen(ws: Workspace, ids: list[str], every_pending: bool,
            source: str | None) -> list[tuple[str, Record | None]]:
    if not every_pending:
        return [(item_id, ws.ledger.get(item_id)) for item_id in ids]
    where = "status = 'pending' AND in_queue = 1"
    params: tuple[str, ...] = ()
    if source is not None:
        if source not in ws.config.sources:
            raise InputError(f"no source named '{source}'; sources: "
                             f"{', '.join(ws.config.sources) or 'none'}")
        where, params = where + " AND source = ?", (source,)
    return [(r.item.id, r) for r in ws.ledger.records(where, params)
            if not any(f.is_error for f in r.item.findings)]


def preview(config: Config) -> Path:
    """Apply editors' edits and write queue.html now (``syndicate queue preview``)."""
    with Workspace(config) as ws:
        review.make_thumbnails(ws)
        _sync(ws)
        return review.write_page(ws)


def queue_items(config: Config) -> list[dict[str, Any]]:
    """The queue as editors see it in queue.yaml (validated; nothing is written)."""
    return queue.read(config.queue.path, list(config.sinks)).items


def check_queue(config: Config) -> list[str]:
    """Problems in queue.yaml, one ``file:line: message`` per line (empty when clean)."""
    _, problems = queue.inspect(config.queue.path, list(config.sinks))
    return problems


def status(config: Config) -> dict[str, Any]:
    """Last runs, counts per status, backlog, and failures needing attention."""
    path = config.state_dir / "state.sqlite"
    if not path.exists():
        return {"runs": [], "counts": {}, "backlog": 0, "attention": []}
    ledger = Ledger.scratch_copy(path)
    try:
        attention = []
        for record in ledger.records("status IN ('failed', 'blocked')"):
            for sink in record.targets:
                outcome = ledger.outcome(record.item.id, sink)
                if outcome is not None:
                    attention.append({"item": record.item.id, "sink": sink,
                                      "status": outcome.status, "message": outcome.message})
        runs = [{k: v for k, v in run.items() if k != "report"} for run in ledger.last_runs()]
        return {"runs": runs, "counts": ledger.counts(), "backlog": ledger.backlog(),
                "attention": attention}
    finally:
        ledger.close()
