"""Publish: approved items → their sinks → receipts in the ledger.

Each publication is committed to the ledger the moment the sink returns, before anything
else happens, so a crash loses at most the knowledge of one in-flight publication — and
sinks guard that window themselves (the Commons sink looks for its file before uploading
again).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection

from syndicate.boundary import PluginFault
from syndicate.config import located
from syndicate.errors import ConfigError, RetryLater, SinkError, SkipItem, SourceError
from syndicate.ledger import Record, now
from syndicate.model import Receipt
from syndicate.report import RunReport
from syndicate.secrets import REDACTED
from syndicate.sinks.base import Sink
from syndicate.status import Status
from syndicate.workspace import Workspace

log = logging.getLogger(__name__)

# A record rebuilt by `syndicate recover` waits until collect has read its source again.
_OVERDUE = ("the run reached limits.run_deadline; the items not yet published stay approved "
            "and go out next run")


def publish(ws: Workspace, report: RunReport, only: Collection[str] | None = None) -> None:
    """Send every approved item (of ``only``, if given) to each of its sinks that has not
    had this version yet."""
    due = [r for r in ws.ledger.due() if only is None or r.item.id in only]
    # Media before articles: a draft can then show the Commons file of its figure.
    due.sort(key=lambda record: record.item.kind == "article")
    opened: dict[str, Sink] = {}
    broken: dict[str, str] = {}
    try:
        _open_sinks(ws, due, opened, broken, report)
        for record in due:
            if ws.boundary.run_overdue():
                report.problem("publish", "run", None, _OVERDUE, retry=True)
                break
            for sink_name in record.sinks:
                _publish_one(ws, record, sink_name, opened, broken, report)
            _settle(ws, record)
    finally:
        for name, sink in opened.items():
            try:
                ws.boundary.worker(name).call("close", sink.close)
            except Exception as exc:  # a plugin's close must not hide what was published
                report.problem("publish", name, None, f"closing failed: {exc}", retry=True)


def _open_sinks(ws: Workspace, due: list[Record], opened: dict[str, Sink],
                broken: dict[str, str], report: RunReport) -> None:
    """Open every sink that has work, before anything is published. A sink that cannot
    work this run (a secret not set, wiki down, login refused) is reported and set aside,
    its items stay approved for the next run, and the other sinks go on."""
    needed = sorted({name for record in due for name in record.sinks
                     if ws.ledger.receipt(record.item.id, name, record.content_hash) is None})
    for name in needed:
        sink = ws.sink(name)
        if ws.dry_run and not sink.supports_dry_run:
            continue
        try:
            sink.resolve_secrets()  # each value now known to the scrubber (Secret.reveal)
            ws.boundary.worker(name).call("open", sink.open)
        except ConfigError as exc:  # a secret not set: a person must set it
            message = f"{located(ws.config, 'sinks', name, exc)}; its items wait"
            broken[name] = f"{name} could not open: {message}"
            report.problem("publish", name, None, message, retry=False)
            continue
        except (SinkError, PluginFault) as exc:
            broken[name] = f"{name} unavailable this run: {exc}"
            report.problem("publish", name, None, str(exc), retry=True)
            continue
        except Exception as exc:  # a plugin's bug must not stop the other sinks
            log.debug("sink %s failed to open", name, exc_info=True)
            broken[name] = f"{name} failed to open: {type(exc).__name__}: {exc}"
            report.problem("publish", name, None, broken[name], retry=True)
            continue
        opened[name] = sink


def _publish_one(ws: Workspace, record: Record, sink_name: str, opened: dict[str, Sink],
                 broken: dict[str, str], report: RunReport) -> None:
    item, content_hash = record.item, record.content_hash
    if ws.ledger.receipt(item.id, sink_name, content_hash) is not None:
        return
    outcome = ws.ledger.outcome(item.id, sink_name)
    if outcome and outcome.status == "skipped" and outcome.content_hash == content_hash:
        return  # waits for a person: re-approve or change the item
    if sink_name not in broken and ws.boundary.set_aside(sink_name):
        broken[sink_name] = f"{sink_name} set aside this run: {ws.boundary.set_aside(sink_name)}"
    if sink_name in broken:
        _fail(ws, record, sink_name, broken[sink_name], report, report_it=False)
        return
    ws.progress.advance("publish", sink_name)
    if sink_name not in opened:  # a dry run, and the sink cannot preview itself
        report.previews.append(f"would publish {item.id} to {sink_name}")
        return
    try:
        receipt = ws.boundary.publish(sink_name, opened[sink_name].publish, item)
    except PluginFault as exc:  # it was called: what it did remotely needs a person
        _needs_person(ws, record, sink_name, str(exc), report)
        return
    except SkipItem as exc:
        _needs_person(ws, record, sink_name, str(exc), report)
        return
    except RetryLater as exc:
        _fail(ws, record, sink_name, str(exc), report)
        return
    except SinkError as exc:
        broken[sink_name] = f"{sink_name} unavailable this run: {exc}"
        _fail(ws, record, sink_name, str(exc), report)
        return
    except SourceError as exc:  # the item's file could not be fetched from its source
        _fail(ws, record, sink_name, f"could not fetch the file of {item.id} from source "
              f"{item.source}: {exc}", report, retry=exc.retry)
        return
    except Exception as exc:  # a bug in a sink must not stop the other sinks
        log.debug("sink %s failed on %s", sink_name, item.id, exc_info=True)
        _fail(ws, record, sink_name, f"unexpected {type(exc).__name__} in sink: {exc}", report)
        return
    leak = _redacted(receipt)
    if leak:
        _needs_person(ws, record, sink_name, leak, report)
        return
    if ws.dry_run:
        preview = receipt.detail.get("preview", receipt.remote_id)
        report.previews.append(f"would publish {item.id} to {sink_name}:\n{preview}")
        return
    ws.ledger.record_publication(item.id, sink_name, content_hash, receipt)
    report.published[sink_name] += 1
    log.info("published %s to %s: %s", item.id, sink_name, receipt.url or receipt.remote_id)


def _needs_person(ws: Workspace, record: Record, sink_name: str, message: str,
                  report: RunReport) -> None:
    """Not retried until an editor approves the item again or it changes."""
    ws.ledger.record_outcome(record.item.id, sink_name, record.content_hash, "skipped",
                             message)
    report.skipped[sink_name] += 1
    report.problem("publish", sink_name, record.item.id, message, retry=False)


def _redacted(receipt: Receipt) -> str | None:
    """Why a receipt must not be recorded: a Secret formatted as text by a plugin."""
    text = json.dumps([receipt.remote_id, receipt.url, receipt.detail], default=str)
    if REDACTED not in text:
        return None
    return ("the sink's receipt contains a secret formatted as text ('[redacted secret …]'): "
            "the plugin must read secrets with self.secret(NAME), not str() or an f-string; "
            "what it sent may be wrong, check the remote side, then report it to the "
            "plugin's authors")


def _fail(ws: Workspace, record: Record, sink_name: str, message: str, report: RunReport,
          report_it: bool = True, retry: bool = True) -> None:
    ws.ledger.record_outcome(record.item.id, sink_name, record.content_hash, "failed",
                             message)
    report.failed[sink_name] += 1
    if report_it:
        report.problem("publish", sink_name, record.item.id, message, retry=retry)


def _settle(ws: Workspace, record: Record) -> None:
    """The item's status from its receipts: published when every sink has this version."""
    done = all(ws.ledger.receipt(record.item.id, s, record.content_hash) for s in record.sinks)
    status = Status.PUBLISHED if done else record.status
    if not done and any(ws.ledger.outcome(record.item.id, s) for s in record.sinks):
        status = Status.FAILED
    if status != record.status:
        record.status = status
        record.updated = now()
        ws.ledger.save(record)
        ws.ledger.commit()
