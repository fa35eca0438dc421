"""Taking published items back: ``syndicate withdraw``, ``status: withdrawn`` in the queue,
and expiry.

Each sink that published an item is asked to take it back through its optional
``withdraw(item, receipt)`` (see :class:`~syndicate.model.Withdrawal`), as far as the
platform allows; a sink without one leaves the job to a person, with the receipt's URL.
What happened is committed per sink (:mod:`syndicate.withdrawals`) so a crash or an
unreachable wiki costs nothing: the next run carries on where this one stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from syndicate import policy, runlog, withdrawals
from syndicate.boundary import PluginFault
from syndicate.config import Config, located
from syndicate.errors import ConfigError, InputError, RetryLater, SinkError, SkipItem
from syndicate.ledger import Ledger, Record, now
from syndicate.model import WITHDRAWAL_REASON, Item, Receipt, Withdrawal
from syndicate.report import RunReport
from syndicate.scrub import scrub
from syndicate.sinks.base import Sink
from syndicate.status import Status
from syndicate.withdrawals import Row
from syndicate.workspace import Workspace

log = logging.getLogger(__name__)


class OpenSinks:
    """Sinks opened on first use for withdrawals and closed together at the end."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.opened: dict[str, Sink] = {}
        self.broken: dict[str, str] = {}

    def get(self, name: str) -> Sink | str:
        """The open sink, or why it cannot be used this run."""
        set_aside = self.ws.boundary.set_aside(name)
        if set_aside and name not in self.broken:  # it hung or misbehaved earlier this run
            self.broken[name] = f"{name} set aside this run: {set_aside}"
        if name in self.broken:
            return self.broken[name]
        if name not in self.opened:
            sink = self.ws.sink(name)
            try:
                if not self.ws.dry_run:
                    sink.resolve_secrets()  # as for publishing: syndicate reads them first
                    self.ws.boundary.worker(name).call("open", sink.open)
            except ConfigError as exc:  # a secret not set: this sink only, a person acts
                self.broken[name] = f"{name} could not open: " \
                    f"{located(self.ws.config, 'sinks', name, exc)}"
                return self.broken[name]
            except Exception as exc:  # a wiki down, a login refused, a plugin's bug
                self.broken[name] = f"{name} unavailable this run: {exc}"
                return self.broken[name]
            self.opened[name] = sink
        return self.opened[name]

    def close(self) -> None:
        for name, sink in self.opened.items():
            try:
                self.ws.boundary.worker(name).call("close", sink.close)
            except Exception as exc:  # closing must not hide what was withdrawn
                log.warning("closing %s failed: %s", name, exc)


@contextmanager
def open_sinks(ws: Workspace) -> Iterator[OpenSinks]:
    sinks = OpenSinks(ws)
    try:
        yield sinks
    finally:
        sinks.close()


def take_back(ws: Workspace, sinks: OpenSinks, record: Record, report: RunReport, *,
              feeds_only: bool = False, again: bool = False) -> list[Row]:
    """Withdraw ``record``'s item from every sink that published it and has not settled
    yet (``again``: ask sinks that left it to a person once more — they may find it done).
    ``feeds_only`` leaves other sinks ``kept`` (expiry)."""
    ws.ledger.withdrawals.ensure()
    reason = record.reason or "withdrawn by the council"
    item = replace(record.item, extra={**record.item.extra, WITHDRAWAL_REASON: reason})
    done = []
    for name in ws.ledger.published_sinks(item.id):
        previous = ws.ledger.withdrawals.get(item.id, name)
        if withdrawals.settled(ws.ledger, previous) and not (
                again and previous is not None and previous.status == "needs-person"):
            continue
        if ws.dry_run:
            report.previews.append(f"would withdraw {item.id} from {name}")
            continue
        row = _from_sink(ws, sinks, item, name, reason, feeds_only)
        row = replace(row, message=scrub(row.message))  # a plugin's words: no secrets
        ws.ledger.withdrawals.record(row)
        _report(row, report)
        done.append(row)
    report.withdrawn += any(row.status == "withdrawn" for row in done)
    return done


def _from_sink(ws: Workspace, sinks: OpenSinks, item: Item, name: str, reason: str,
               feeds_only: bool) -> Row:
    """Ask one sink to take the item back; the outcome as a row for the ledger."""
    receipt = ws.ledger.receipt(item.id, name)
    assert receipt is not None  # the item was published there
    row = Row(item.id, name, "needs-person", reason, "", receipt.url, now(),
              ws.ledger.latest_publication(item.id, name))
    if name not in ws.config.sinks:
        return replace(row, message=f"the sink {name} is no longer configured; take the "
                       "item back there by hand")
    if feeds_only and not policy.is_feed_sink(ws.config.sinks[name].cls):
        return replace(row, status="kept", message="expiry takes items back from feeds "
                       "only; a person decides about the other platforms")
    sink = sinks.get(name)
    if not isinstance(sink, Sink):  # it could not be opened this run
        return replace(row, status="failed", message=sink)
    return _ask(ws, sink, item, receipt, row)


def _ask(ws: Workspace, sink: Sink, item: Item, receipt: Receipt, row: Row) -> Row:
    method = getattr(sink, "withdraw", None)
    if method is None:
        return replace(row, message=f"the {sink.name} sink cannot take items back; remove "
                       f"it by hand{' at ' + row.url if row.url else ''}")
    try:  # in the sink's own thread, with its deadline (syndicate.boundary)
        outcome = ws.boundary.worker(sink.name).call("withdraw", method, item, receipt)
    except PluginFault as exc:  # it was called: what it did remotely needs a person
        return replace(row, message=f"{exc}; check by hand whether the item is gone")
    except SkipItem as exc:
        return replace(row, message=str(exc))
    except (RetryLater, SinkError) as exc:
        return replace(row, status="failed", message=f"{exc}; tried again next run")
    except Exception as exc:  # a plugin's bug must not stop the other withdrawals
        log.debug("sink %s failed to withdraw %s", sink.name, row.item_id, exc_info=True)
        return replace(row, status="failed", message=f"unexpected {type(exc).__name__} in "
                       f"the sink's withdraw: {exc}; tried again next run")
    if not isinstance(outcome, Withdrawal):
        return replace(row, message=f"the {sink.name} sink's withdraw returned "
                       f"{type(outcome).__name__}, not a Withdrawal; check by hand")
    if not isinstance(outcome.done, bool) or not isinstance(outcome.message, str) or \
            not isinstance(outcome.url, str | None):
        return replace(row, message=f"the {sink.name} sink's withdraw returned a Withdrawal "
                       "whose done is not true/false or whose message or url is not text; "
                       "check by hand")
    return replace(row, status="withdrawn" if outcome.done else "needs-person",
                   message=outcome.message, url=outcome.url or row.url)


def _report(row: Row, report: RunReport) -> None:
    if row.status == "needs-person":
        where = f" ({row.url})" if row.url else ""
        report.problem("withdraw", row.sink, row.item_id, f"{row.message}{where}", retry=False)
    elif row.status == "failed":
        report.problem("withdraw", row.sink, row.item_id, row.message, retry=True)
    elif row.status == "withdrawn":
        log.info("withdrew %s from %s: %s", row.item_id, row.sink, row.message)


def stage(ws: Workspace, report: RunReport) -> None:
    """The run's withdrawal work: expired items leave the feeds, then items withdrawn in
    queue.yaml (or by an interrupted run) are taken back from what is left."""
    ws.ledger.withdrawals.ensure()
    with open_sinks(ws) as sinks:
        expire(ws, sinks, report)
        for record in ws.ledger.unsettled_withdrawals():
            take_back(ws, sinks, record, report)


def expire(ws: Workspace, sinks: OpenSinks, report: RunReport,
           moment: datetime | None = None) -> list[str]:
    """Withdraw items whose expiry has passed from the feed sinks (not from wikis: a
    draft or a file is not news that goes stale). Return the expired ids."""
    at = moment or datetime.now(UTC)
    expired = []
    # Without an expires_after rule, only items that carry a date can expire.
    dated_only = not policy.any_expires_after(ws.config)
    for record in ws.ledger.expiry_candidates(dated_only):
        ends = policy.expires_at(ws.config, record.item, record.first_seen)
        if ends is None or ends > at:
            continue
        record.status = Status.WITHDRAWN
        record.reason = f"expired {ends.strftime('%Y-%m-%dT%H:%M:%SZ')}"
        record.updated = now()
        ws.ledger.save(record)
        ws.ledger.commit()
        expired.append(record.item.id)
        take_back(ws, sinks, record, report, feeds_only=True)
    return expired


@dataclass
class Result:
    """What ``syndicate withdraw`` did for one item."""

    item_id: str
    title: str
    rows: list[Row]
    message: str = ""


def withdraw(config: Config, ids: Iterable[str], reason: str) -> list[Result]:
    """Withdraw published items with ``reason``: the ledger marks them ``withdrawn`` and
    every sink that published them takes them back as far as it can. Unknown ids, or ids
    of items never published, stop the command before anything changes."""
    from syndicate.pipeline import sync_queue

    wanted = list(dict.fromkeys(ids))
    report = RunReport("withdraw")
    results = []
    with Workspace(config) as ws:
        ws.ledger.withdrawals.ensure()
        for item_id in wanted:  # every id checked before anything is touched
            _withdrawable(ws, item_id)
        sync_queue(ws)
        records = [_withdrawable(ws, item_id) for item_id in wanted]  # with editors' edits
        run_id = ws.ledger.start_run("withdraw")
        try:
            with open_sinks(ws) as sinks:
                for record in records:
                    record.status, record.reason, record.updated = Status.WITHDRAWN, reason, now()
                    ws.ledger.save(record)
                    ws.ledger.commit()
                    rows = take_back(ws, sinks, record, report, again=True)
                    results.append(Result(record.item.id, record.item.title, rows,
                                          "" if rows else "nothing left to take back"))
        finally:
            sync_queue(ws)
            report.finish()
            ws.ledger.finish_run(run_id, report.exit_code, report.as_dict())
            runlog.write(config.state_dir, report)  # on record as every run is
    return results


def _withdrawable(ws: Workspace, item_id: str) -> Record:
    record = ws.ledger.get(item_id)
    if record is None and item_id in ws.ledger.deferred:
        raise InputError(f"{item_id} was never published: it is a new entry waiting in the "
                         "backlog, not examined yet; reject it when it reaches the queue. "
                         "Nothing was withdrawn")
    if record is None:
        raise InputError(f"no item {item_id} in the ledger; see `syndicate queue list`. "
                         "Nothing was withdrawn")
    if not ws.ledger.published_sinks(item_id):
        raise InputError(f"{item_id} was never published, so there is nothing to take back; "
                         f"reject it instead (`syndicate queue reject {item_id}`). Nothing "
                         "was withdrawn")
    return record


def status_rows(ws_ledger: Ledger) -> dict[str, list[dict[str, Any]]]:
    """For ``syndicate status``: withdrawals still needing a person, and published items
    whose changed version waits for an editor (the published version stays meanwhile)."""
    ws_ledger.withdrawals.ensure()
    people = [row.as_dict() for row in ws_ledger.withdrawals.needing_a_person()]
    changed = []
    for record in ws_ledger.with_status(Status.PENDING, Status.APPROVED, Status.FAILED,
                                        Status.BLOCKED):
        sinks = ws_ledger.published_sinks(record.item.id)
        if sinks and any(ws_ledger.receipt(record.item.id, s, record.content_hash) is None
                         for s in sinks):
            changed.append({"item": record.item.id, "title": record.item.title,
                            "status": record.status, "sinks": sinks})
    return {"withdrawals": people, "changed": changed}
