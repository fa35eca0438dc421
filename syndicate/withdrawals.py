"""Withdrawals: per item and sink, how far taking it back got, and when that is settled.

The ledger keeps one row per item and sink (:class:`syndicate.ledger.WithdrawalLog`, in the
same SQLite file, so a withdrawal survives crashes like a receipt does):

- ``withdrawn``: gone from the sink (or all a bot may do is done);
- ``needs-person``: the platform leaves the rest to a person (``message`` says what,
  ``url`` where) — ``syndicate status`` lists these;
- ``failed``: the sink could not be reached; tried again at the next run;
- ``kept``: deliberately left (expiry takes items back from feeds only).
"""

from __future__ import annotations

from typing import Any

from syndicate.ledger import Ledger, WithdrawalRow

#: One sink's withdrawal of one item, as the ledger keeps it.
Row = WithdrawalRow
#: Statuses that end the work for a sink (a person may still have to act on needs-person).
SETTLED = frozenset({"withdrawn", "needs-person", "kept"})


def settled(ledger: Ledger, row: Row | None) -> bool:
    """Whether ``row`` ends the work for its sink: a settled status, and no publication
    since (an item published again after a withdrawal must be taken back again)."""
    if row is None or row.status not in SETTLED:
        return False
    return ledger.latest_publication(row.item_id, row.sink) == row.publication


def queue_result(ledger: Ledger, item_id: str, sink: str) -> dict[str, Any] | None:
    """What queue.yaml shows under ``results`` for a withdrawn item's sink."""
    ledger.withdrawals.ensure()
    row = ledger.withdrawals.get(item_id, sink)
    if row is None:
        return None
    result: dict[str, Any] = {"status": "needs a person" if row.status == "needs-person"
                              else row.status}
    if row.url:
        result["url"] = row.url
    result["message"] = row.message
    result["at"] = row.at
    return result
