"""Corrections: a changed version of a published item, with ``updates: auto``, goes out
again without waiting for an editor — when nothing an editor judged has changed.

"What an editor judged" is the licence, the attribution, the findings (code, severity and
sink) and the sinks the item may go to. Any difference sends the new version to
``pending`` as always, and the published version stays where it is until an editor
approves the new one (``syndicate status`` shows it as changed since publication).
"""

from __future__ import annotations

import logging
from collections import Counter

from syndicate import policy
from syndicate.ledger import Record
from syndicate.status import Status
from syndicate.workspace import Workspace

log = logging.getLogger(__name__)


def republish(ws: Workspace, previous: Record, record: Record) -> bool:
    """Approve ``record`` (the new version of ``previous``) when ``updates: auto`` applies
    and an editor would see nothing new to judge; return whether it did."""
    if previous.status != Status.PUBLISHED or record.status != Status.PENDING:
        return False
    if not policy.updates_auto(ws.config, record.item):
        return False
    if ws.ledger.withdrawals.ever_withdrawn(record.item.id):
        return False
    changed = _judged(previous) != _judged(record)
    if changed:
        log.info("%s changed in what an editor judges; it waits for approval",
                 record.item.id)
        return False
    record.status = Status.APPROVED
    log.info("%s corrected at the source; republished without a new approval "
             "(updates: auto)", record.item.id)
    return True


def _judged(record: Record) -> tuple[object, ...]:
    item = record.item
    findings = Counter((f.code, f.severity, f.sink) for f in item.findings)
    # The credit line names the work by its title, and a correction may well retitle it
    # ("UPDATE: A61 reopened"): who is credited, and how, is what must not change.
    title = " ".join(item.title.split())
    credit = item.attribution.text.replace(title, "\0") if item.attribution and title \
        else (item.attribution.text if item.attribution else None)
    return item.licence, credit, findings, tuple(sorted(record.sinks))
