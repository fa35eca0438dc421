"""Scratch tables: what one read of a source keeps that grows with the source (the ids it
has seen, a feed reader's guids) lives in SQLite's temporary store, not in memory, and
never in state.sqlite; the listing a quiet night needs is kept in document_items."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from syndicate.ledger import SCRATCH_BATCH, Ledger
from tests.council import Council, collect_only
from tests.test_raw_entries import Document


def test_scratch_ids_behave_as_a_set_across_what_is_written(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "state.sqlite")
    ids = ledger.scratch.ids()
    wanted = [f"news-{n}" for n in range(SCRATCH_BATCH * 3 + 7)]
    ids.update(wanted)
    ids.add("news-0")                                   # again: still one
    assert all(item_id in ids for item_id in wanted)     # written ones and held ones
    assert "news-x" not in ids and 7 not in ids
    assert len(ids) == len(wanted) and sorted(ids) == sorted(wanted)


def test_a_scratch_map_behaves_as_a_dict_across_what_is_written(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "state.sqlite")
    scratch = ledger.scratch.map()
    expected = {hash(f"guid-{n}"): n for n in range(SCRATCH_BATCH * 2 + 3)}
    for key, value in expected.items():
        scratch[key] = value
    assert all(scratch.get(key) == value for key, value in expected.items())
    assert scratch.get(12345) is None and 12345 not in scratch
    first = next(iter(expected))
    assert scratch.setdefault(first, -1) == expected[first]
    assert scratch.setdefault(12345, 99) == 99 and scratch[12345] == 99
    scratch[first] = 7                                    # replaced, written or not
    del scratch[12345]
    assert scratch[first] == 7 and 12345 not in scratch
    assert len(scratch) == len(expected) and set(scratch) == set(expected)
    with pytest.raises(KeyError):
        scratch[424242]


def test_scratch_tables_never_reach_the_ledger_file(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    Ledger(path).close()
    before = path.read_bytes()
    ledger = Ledger(path)
    ids, guids = ledger.scratch.ids(), ledger.scratch.map()
    ids.update(f"news-{n}" for n in range(SCRATCH_BATCH * 2))
    for n in range(SCRATCH_BATCH * 2):
        guids[n] = n
    assert len(ids) == len(guids) == SCRATCH_BATCH * 2
    ledger.commit()
    ledger.scratch.drop()
    ledger.commit()
    ledger.close()
    assert path.read_bytes() == before
    with sqlite3.connect(path) as db:
        assert not db.execute("SELECT name FROM sqlite_master WHERE name LIKE 'scratch%'"
                              ).fetchall()


class Listing(Document):
    """A complete listing that hashes all its input at once (a test plugin)."""

    complete_listing = True
    fail_after = None


def test_a_complete_listing_unchanged_then_shorter_withdraws_only_what_went(
        council: Council, monkeypatch: pytest.MonkeyPatch) -> None:
    run = collect_only(council, monkeypatch, Listing, "listing")
    Listing.text = "a b c"
    assert run().new == 3
    quiet = run()       # the same document: its listing comes back from document_items
    assert quiet.unchanged == 3 and quiet.withdrawn == 0
    Listing.text = "a c"
    assert run().withdrawn == 1


def test_a_listing_an_older_version_kept_as_json_is_moved_to_document_items(
        tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    Ledger(path).close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO source_documents VALUES ('news', 'h1', ?)",
                   (json.dumps(["news-1", "news-2"]),))
    ledger = Ledger(path)
    assert ledger.source_document("news") == ("h1", 2)
    assert sorted(ledger.document_items("news")) == ["news-1", "news-2"]
    row = ledger.db.execute("SELECT items FROM source_documents").fetchone()
    assert row[0] == "[]"
