"""The commands as library calls: collect, publish, run, and editors' queue decisions.

Each opens a :class:`~syndicate.workspace.Workspace` (lock + ledger), applies the editors'
queue edits first, does its work, rewrites the queue from the ledger last, and writes a run
report. The CLI is a thin layer over these functions.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from syndicate import metrics, notify, queue, reconcile, review, runlog, takedown
from syndicate.collect import collect as collect_stage
from syndicate.collect import forget_removed_sources
from syndicate.config import Config
from syndicate.errors import InputError, LockHeld, SyndicateError
from syndicate.ledger import Ledger, Record
from syndicate.progress import Progress
from syndicate.publish import publish as publish_stage
from syndicate.report import RunReport
from syndicate.status import Status
from syndicate.workspace import Workspace

log = logging.getLogger(__name__)


def collect(config: Config, *, dry_run: bool = False, progress: Progress | None = None,
            metrics_path: Path | None = None) -> RunReport:
    """Sources → tag → check → queue."""
    return _run(config, "collect", dry_run, progress, metrics_path, collect=True,
                publish=False)


def publish(config: Config, *, dry_run: bool = False, progress: Progress | None = None,
            metrics_path: Path | None = None) -> RunReport:
    """Approved items → sinks."""
    return _run(config, "publish", dry_run, progress, metrics_path, collect=False,
                publish=True)


def run(config: Config, *, dry_run: bool = False, progress: Progress | None = None,
        metrics_path: Path | None = None) -> RunReport:
    """The nightly job: collect, then publish."""
    return _run(config, "run", dry_run, progress, metrics_path, collect=True, publish=True)


def _run(config: Config, command: str, dry_run: bool, progress: Progress | None,
         metrics_path: Path | None, *, collect: bool, publish: bool) -> RunReport:
    def stages(ws: Workspace, report: RunReport) -> None:
        if collect:
            started = time.monotonic()
            forget_removed_sources(ws)
            collect_stage(ws, report)
            report.timed("collect", started)
        if publish:
            started = time.monotonic()
            takedown.stage(ws, report)  # expiry, and withdrawals editors made in the queue
            publish_stage(ws, report)
            report.timed("publish", started)

    return run_stages(config, command, dry_run, progress, stages,
                      metrics_path=metrics_path or config.metrics)


def run_stages(config: Config, command: str, dry_run: bool, progress: Progress | None,
               stages: Callable[[Workspace, RunReport], None], *,
               metrics_path: Path | None = None, wait: float = 0.0,
               lazy_queue: bool = False) -> RunReport:
    """One run, recorded as it ended (unless it never started: the lock was held): lock
    (waiting up to ``wait`` seconds for another run's), queue edits in, ``stages``, queue
    out; the run record, and the metrics file if ``metrics_path`` is given.
    queue.yaml is read first only if someone saved it since syndicate last wrote it
    (``lazy_queue``: not even in a dry run — the urgent lane's seconds count), and written
    at the end only if that or the ledger changed."""
    report = RunReport(command, dry_run=dry_run)
    try:
        with Workspace(config, dry_run=dry_run, progress=progress, wait=wait) as ws:
            _stages(ws, report, stages, lazy_queue)
    except LockHeld:
        report.stopped = LockHeld.exit_code  # the run never started: nothing to record
        raise
    except BaseException as exc:
        if report.stopped is None:
            report.stop(*_stopped_by(exc))
        raise
    finally:
        report.finish()
        if not dry_run and report.stopped != LockHeld.exit_code:
            try:
                _record(config.state_dir, metrics_path, report)
            except OSError as exc:  # the run's own error, if any, matters more
                log.error("the run could not be recorded: %s", exc)
                if report.stopped is None:
                    raise
    return report


def _stages(ws: Workspace, report: RunReport,
            stages: Callable[[Workspace, RunReport], None], lazy_queue: bool) -> None:
    try:
        # Editors' decisions count before anything is published. A queue.yaml nobody saved
        # since syndicate wrote it holds no decisions: the sync at the end does the rest.
        if (ws.dry_run and not lazy_queue) or _queue_edited(ws):
            _sync(ws)
    except SyndicateError as exc:
        report.stop("queue", str(exc), exc.exit_code)
        raise
    run_id = ws.ledger.start_run(report.command)
    try:
        stages(ws, report)
    finally:
        thumbnails_changed = review.make_thumbnails(ws)
        queue_written = (ws.dry_run or thumbnails_changed or _ledger_changed(ws)
                         or _queue_edited(ws))
        if queue_written:
            _sync(ws)
        report.queue = {status: n for status, n in ws.ledger.counts(in_queue=True).items()}
        report.backlog = ws.ledger.backlog()
        report.blocked_now = ws.ledger.sources_with(Status.BLOCKED)
        if not ws.dry_run:
            _for_people(ws, report, queue_written)
        ws.ledger.finish_run(run_id, report.exit_code, report.as_dict())


def _stopped_by(exc: BaseException) -> tuple[str, str, int]:
    """(stage, message, exit code) of an error that stopped a run; the CLI prints the
    same message and exits with the same code."""
    if isinstance(exc, SyndicateError):
        return "config", str(exc), exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted", "interrupted", 130
    if isinstance(exc, OSError | sqlite3.DatabaseError):
        return "state", f"{type(exc).__name__}: {exc}", 2
    return "internal", f"{type(exc).__name__}: {exc} (a bug: please report it)", 1


def _record(state_dir: Path, metrics_path: Path | None, report: RunReport) -> None:
    """The run record and, if asked for, the metrics file."""
    runlog.write(state_dir, report)
    if metrics_path is not None:
        metrics.write(metrics_path, report, _last_success(state_dir))


def _last_success(state_dir: Path) -> float | None:
    # Not the emergency lane's runs: every few minutes, they would hide the nightly job's.
    for record in runlog.last(state_dir, limit=50, leaving_out=("urgent",)):
        if record.get("exit_code") == 0 and record.get("finished"):
            return datetime.strptime(record["finished"] + "+0000",
                                     "%Y-%m-%dT%H:%M:%SZ%z").timestamp()
    return None


def record_failed_start(config_path: Path, command: str, error: SyndicateError,
                        metrics_path: Path | None = None) -> RunReport:
    """Record a run that could not start because ``config_path`` is invalid (exit 2),
    where that config's runs are recorded, so monitoring sees it."""
    report = RunReport(command)
    report.stop("config", str(error), error.exit_code)
    report.finish()
    _record(runlog.state_dir_of(config_path),
            metrics_path or runlog.metrics_path_of(config_path), report)
    return report


def _for_people(ws: Workspace, report: RunReport, queue_written: bool) -> None:
    """The review page, and the email digest when something waits for a person."""
    review.refresh_page(ws, queue_written)
    notify.after_run(ws, report)


def _sync(ws: Workspace) -> None:
    """Apply the editors' edits in queue.yaml, then rewrite it from the ledger."""
    settings = ws.config.queue
    digest = reconcile.sync(ws.ledger, settings.path, list(ws.config.sinks),
                            settings.max_pending, settings.keep_days, write=not ws.dry_run,
                            thumbnail=review.thumbnail_for(ws))
    if not ws.dry_run:
        ws.ledger.put_sink_value(*_QUEUE_DIGEST, digest)


# Where the ledger keeps the digest of queue.yaml as syndicate last wrote it (a sink's own
# state is keyed by its name, and no sink can be named "").
_QUEUE_DIGEST = ("", "queue.yaml digest")


def _queue_edited(ws: Workspace) -> bool:
    """Whether queue.yaml changed since syndicate last wrote it (checked under the lock)."""
    return bool(queue.digest_of(ws.config.queue.path) !=
                ws.ledger.sink_value(*_QUEUE_DIGEST))


def _ledger_changed(ws: Workspace) -> bool:
    """Whether this run wrote anything to the ledger — including the queue's admissions
    and expiries, which :func:`review.make_thumbnails` has just applied. When it wrote
    nothing and queue.yaml is as syndicate left it, rewriting the queue would give the
    same bytes, so a quiet night skips reading the ledger to render it."""
    return bool(ws.ledger.db.total_changes)


sync_queue = _sync


@dataclass
class Decision:
    """What became of one id in ``queue approve`` / ``queue reject``."""

    item_id: str
    done: bool
    message: str


def decide(config: Config, ids: Iterable[str], status: Status, *, reason: str = "",
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
    if source is not None and source not in ws.config.sources:
        raise InputError(f"no source named '{source}'; sources: "
                         f"{', '.join(ws.config.sources) or 'none'}")
    return [(r.item.id, r) for r in ws.ledger.awaiting_decision(source)
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
    """Last runs, counts per status, backlog (with the new entries in it not examined
    yet: ``deferred``), and failures needing attention."""
    path = config.state_dir / "state.sqlite"
    runs = [_run_line(record) for record in runlog.last(config.state_dir)]
    if not path.exists():
        return {"runs": runs, "counts": {}, "backlog": 0, "deferred": 0, "attention": [],
                "withdrawals": [], "changed": []}
    ledger = Ledger.scratch_copy(path)
    try:
        attention = []
        for record in ledger.with_status(Status.FAILED, Status.BLOCKED):
            for sink in record.targets:
                outcome = ledger.outcome(record.item.id, sink)
                if outcome is not None:
                    attention.append({"item": record.item.id, "sink": sink,
                                      "status": outcome.status, "message": outcome.message})
        return {"runs": runs, "counts": ledger.counts(), "backlog": ledger.backlog(),
                "deferred": ledger.deferred.count(),
                "attention": attention, **takedown.status_rows(ledger)}
    finally:
        ledger.close()


def _run_line(record: dict[str, Any]) -> dict[str, Any]:
    """What ``status`` shows of one run record."""
    problems = record.get("problems") or []
    stopped = next((p["message"] for p in problems if p.get("stage") == p.get("where")), None)
    return {"record": record.get("record"), "command": record.get("command"),
            "started": record.get("started"), "finished": record.get("finished"),
            "exit_code": record.get("exit_code"), "collected": record.get("collected", {}),
            "sinks": record.get("sinks", {}), "problems": len(problems), "stopped": stopped}
