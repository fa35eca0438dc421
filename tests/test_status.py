"""Item statuses are one enum: every status the ledger holds is a member, and the files
people read (queue.yaml) and programs read (JSON) still hold the plain words."""

from __future__ import annotations

import ast
import json
import sqlite3
from pathlib import Path

import pytest
import yaml

from syndicate import queue, reconcile
from syndicate.errors import InputError
from syndicate.ledger import Ledger, Record
from syndicate.model import Item
from syndicate.status import Status
from tests.council import Council

PACKAGE = Path(__file__).resolve().parents[1] / "syndicate"


def record(item_id: str, status: Status) -> Record:
    item = Item(id=item_id, source="news", kind="article", title=f"Item {item_id}")
    return Record(item=item, content_hash="h", targets=["partners"], chosen=None,
                  status=status, shown=None, in_queue=True, note="", reason="",
                  first_seen="2026-01-01T00:00:00Z", updated="2026-01-01T00:00:00Z")


def test_every_member_says_what_it_means_for_an_editor() -> None:
    for status in Status:
        assert status.__doc__ and status.__doc__ != Status.__doc__, status
        assert str(status) == status.value == status.name.lower()


def test_every_status_round_trips_through_the_ledger_as_a_member(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "state.sqlite")
    for status in Status:
        ledger.save(record(f"news-{status}", status))
    ledger.commit()
    again = Ledger(tmp_path / "state.sqlite")
    for status in Status:
        found = again.get(f"news-{status}")
        assert found is not None and type(found.status) is Status and found.status is status
    # The file itself holds the plain words.
    rows = sqlite3.connect(tmp_path / "state.sqlite").execute("SELECT status FROM items")
    assert sorted(row[0] for row in rows) == sorted(s.value for s in Status)
    assert again.counts() == dict.fromkeys(Status, 1)


def test_an_unknown_status_in_the_ledger_is_a_plain_error(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "state.sqlite")
    ledger.save(record("news-1", Status.PENDING))
    ledger.commit()
    ledger.db.execute("UPDATE items SET status = 'archived'")
    with pytest.raises(InputError, match=r"status 'archived' for item news-1, which this "
                                         r"version of syndicate does not know"):
        ledger.get("news-1")


def _status_values_written(tree: ast.AST) -> list[ast.expr]:
    """Every expression syndicate stores as an item's status: ``record.status = …`` (also
    in tuple assignments) and ``Record(status=…)``."""
    found: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                pairs = zip(target.elts, node.value.elts, strict=False) if isinstance(
                    target, ast.Tuple) and isinstance(node.value, ast.Tuple) else \
                    [(target, node.value)]
                found += [value for name, value in pairs if isinstance(name, ast.Attribute)
                          and name.attr == "status" and isinstance(name.value, ast.Name)
                          and name.value.id in ("record", "previous")]
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Record":
            found += [k.value for k in node.keywords if k.arg == "status"]
    return found


def test_every_status_the_code_stores_is_a_member() -> None:
    """The ledger can hold only what syndicate stores: no item status is a bare string."""
    stored = 0
    for path in sorted(PACKAGE.rglob("*.py")):
        for value in _status_values_written(ast.parse(path.read_text(encoding="utf-8"))):
            stored += 1
            assert not (isinstance(value, ast.Constant) and isinstance(value.value, str)), \
                f"{path.name}:{value.lineno}: status {value.value!r} is a bare string; " \
                "use syndicate.status.Status"
    assert stored >= 10   # the scan found the places (collect, publish, takedown, …)


def test_every_status_the_queue_shows_or_takes_is_a_member() -> None:
    assert set(queue.STATUSES) <= set(Status)
    assert set(reconcile.QUEUE_STATUSES) == set(Status) - {Status.EXCLUDED}
    assert set(reconcile.EDITOR_MOVES) | {s for moves in reconcile.EDITOR_MOVES.values()
                                          for s in moves} <= set(Status)


def test_queue_yaml_writes_plain_strings_and_reads_back_members(council: Council) -> None:
    assert council.run("collect").exit_code == 0
    text = council.queue.read_text(encoding="utf-8")
    assert "!!python" not in text and "\n  status: pending\n" in text
    items = yaml.safe_load(text)["items"]
    assert items and all(type(item["status"]) is str for item in items)
    snapshot = queue.read(council.queue, ["partners", "commons"])
    assert all(type(entry.status) is Status for entry in snapshot.entries.values())
    # What syndicate remembers it showed (the base of the editors' merge) is plain JSON.
    db = sqlite3.connect(council.root / ".syndicate" / "state.sqlite")
    shown = [json.loads(row[0]) for row in db.execute("SELECT shown FROM items WHERE in_queue")]
    assert sorted(s["status"] for s in shown) == sorted(item["status"] for item in items)


def test_an_editors_status_is_read_as_a_member(council: Council) -> None:
    assert council.run("collect").exit_code == 0
    item_id = council.queue_items()[0]["id"]
    council.set_status(item_id, "Approved")
    assert council.run("queue", "check").exit_code == 0
    entry = queue.read(council.queue, ["partners", "commons"]).entries[item_id]
    assert entry.status is Status.APPROVED
