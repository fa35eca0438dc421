"""The ledger's named queries, and the rule that no SQL leaves ledger.py."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from syndicate.ledger import RECOVERED, Ledger, Record, WithdrawalRow
from syndicate.model import Item, Kind, Receipt
from syndicate.status import Status

PACKAGE = Path(__file__).resolve().parents[1] / "syndicate"

# What SQL looks like in a string literal: statements, clauses and the ledger's columns
# compared. Upper-case keywords only, so English in messages and docstrings does not match.
SQL = re.compile(
    r"\bSELECT\s|\bINSERT\s+(OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b|"
    r"\bCREATE\s+(TABLE|INDEX)\b|\bjson_extract\(|\s(NOT\s+)?IN\s*\(|\bIS\s+(NOT\s+)?NULL\b|"
    r"\b(status|in_queue|source|shown|content_hash|kind)\s*(=|!=|<|>)\s*('|\?|\d|:)")


def sql_in(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string literal in ``source`` that looks like SQL."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and SQL.search(node.value):
            found.append((node.lineno, node.value.strip()[:60]))
    return found


def test_no_sql_outside_the_ledger() -> None:
    offenders = [f"{path.relative_to(PACKAGE.parent)}:{line}: {text!r}"
                 for path in sorted(PACKAGE.rglob("*.py")) if path.name != "ledger.py"
                 or path.parent != PACKAGE
                 for line, text in sql_in(path.read_text(encoding="utf-8"))]
    assert not offenders, "SQL outside syndicate/ledger.py; add a named query to Ledger " \
        "instead:\n" + "\n".join(offenders)


@pytest.mark.parametrize("text", [
    'ws.ledger.records("in_queue = 1")',
    '''ledger.records("status IN ('approved', 'failed')")''',
    '''x = "source = ? AND status = 'pending'"''',
    '''DUE = "content_hash NOT LIKE 'recovered:%' AND status IN (?)"''',
    '''q = f"SELECT w.* FROM withdrawals w WHERE {where}"''',
    '''where = "json_extract(data, '$.kind') = 'image'"''',
])
def test_the_scan_finds_sql_as_it_was_written_before(text: str) -> None:
    assert sql_in(text)


def test_the_scan_leaves_english_alone() -> None:
    assert not sql_in('"""Select the items in (say) the queue whose status is pending."""\n'
                      'm = f"cannot change a {s} item to {t}; set status: withdrawn"')
    assert sql_in((PACKAGE / "ledger.py").read_text(encoding="utf-8"))  # it does hold SQL


def _record(item_id: str, status: Status, *, source: str = "news", kind: Kind = "article",
            in_queue: bool = False, shown: bool = False, seen: str = "2026-01-01",
            content_hash: str = "h", expires: str | None = None) -> Record:
    item = Item(id=item_id, source=source, kind=kind, title=item_id,
                extra={"expires": expires} if expires else {})
    return Record(item=item, content_hash=content_hash, targets=["partners"], chosen=None,
                  status=status, shown={"status": status.value} if shown else None,
                  in_queue=in_queue, note="", reason="", first_seen=f"{seen}T00:00:00Z",
                  updated=f"{seen}T00:00:00Z")


@pytest.fixture
def ledger() -> Ledger:
    ledger = Ledger(None)
    for record in [
        _record("b-pending", Status.PENDING, in_queue=True, shown=True, seen="2026-01-02"),
        _record("a-pending", Status.PENDING, in_queue=True, seen="2026-01-02"),
        _record("old-photo", Status.PENDING, kind="image", in_queue=True, seen="2026-01-01",
                source="photos"),
        _record("approved", Status.APPROVED, in_queue=True, shown=True, expires="2026-02-01"),
        _record("failed", Status.FAILED, seen="2026-01-03"),
        _record("recovered", Status.APPROVED, content_hash=RECOVERED + "abc"),
        _record("published", Status.PUBLISHED, source="photos", kind="image"),
        _record("rejected", Status.REJECTED),
        _record("blocked", Status.BLOCKED, in_queue=True),
        _record("excluded", Status.EXCLUDED),
        _record("withdrawn", Status.WITHDRAWN),
    ]:
        ledger.save(record)
    ledger.commit()
    return ledger


def ids(records: object) -> list[str]:
    return [r.item.id for r in records]  # type: ignore[attr-defined]


def test_queue_queries(ledger: Ledger) -> None:
    # Oldest first, then by id: the order the queue and publishing rely on.
    assert ids(ledger.in_queue()) == ["approved", "blocked", "old-photo", "a-pending",
                                      "b-pending"]
    assert ids(ledger.in_queue(kind="image")) == ["old-photo"]
    assert ids(ledger.written_to_queue()) == ["approved", "b-pending"]
    assert ids(ledger.awaiting_decision()) == ["old-photo", "a-pending", "b-pending"]
    assert ids(ledger.awaiting_decision("photos")) == ["old-photo"]


def test_status_queries(ledger: Ledger) -> None:
    assert ids(ledger.with_status(Status.FAILED, Status.BLOCKED)) == ["blocked", "failed"]
    assert ids(ledger.with_status(Status.PENDING, sources=["photos"])) == ["old-photo"]
    assert ids(ledger.with_status(Status.PENDING, sources=[])) == []
    assert set(ids(ledger.live())) == {"b-pending", "a-pending", "old-photo", "approved",
                                       "failed", "recovered", "published", "rejected",
                                       "blocked"}
    # Rebuilt by recover and not read again from its source: not due yet.
    assert ids(ledger.due()) == ["approved", "failed"]
    assert ids(ledger.expiry_candidates(dated_only=True)) == ["approved"]
    assert set(ids(ledger.expiry_candidates(dated_only=False))) == {
        "b-pending", "a-pending", "old-photo", "approved", "failed", "recovered", "published"}
    assert list(ledger.file_items()) and {i.id for i in ledger.file_items()} == {
        "old-photo", "published"}


def test_withdrawal_queries(ledger: Ledger) -> None:
    for sink in ("partners", "commons"):
        ledger.record_publication("withdrawn", sink, "h", Receipt(f"{sink}:1"))
    ledger.record_publication("published", "partners", "h", Receipt("p:1"))
    assert ledger.published_sinks("withdrawn") == ["commons", "partners"]
    assert ids(ledger.unsettled_withdrawals()) == ["withdrawn"]
    assert not ledger.withdrawals.ever_withdrawn("withdrawn")
    for sink, status in (("partners", "withdrawn"), ("commons", "needs-person")):
        ledger.withdrawals.record(WithdrawalRow(
            "withdrawn", sink, status, "old news", "ask an admin", None, "",
            ledger.latest_publication("withdrawn", sink)))
    assert ids(ledger.unsettled_withdrawals()) == []
    assert ledger.withdrawals.ever_withdrawn("withdrawn")
    assert [(r.sink, r.status) for r in ledger.withdrawals.needing_a_person()] == [
        ("commons", "needs-person")]
    # Published again since: that sink must be asked again.
    ledger.record_publication("withdrawn", "partners", "h2", Receipt("partners:2"))
    assert ids(ledger.unsettled_withdrawals()) == ["withdrawn"]


def test_admit_and_expire(ledger: Ledger) -> None:
    leaving = {Status.PUBLISHED, Status.REJECTED, Status.WITHDRAWN, Status.BLOCKED}
    # Nothing has been updated since the cutoff: finished items leave, and of those that
    # wait for an editor only the oldest max_pending pending ones come in.
    ledger.admit_and_expire(2, "2030-01-01T00:00:00Z", leaving)
    assert set(ids(ledger.in_queue())) == {"approved", "failed", "recovered", "old-photo",
                                           "a-pending"}
    # With a cutoff before everything, finished items stay (blocked ones count as waiting).
    ledger.admit_and_expire(10, "2000-01-01T00:00:00Z", leaving)
    assert set(ids(ledger.in_queue())) == set(ids(ledger.live())) | {"withdrawn"}
