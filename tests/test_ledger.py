"""The ledger's own promises: file hashes cached by size and mtime, receipts durable."""

from __future__ import annotations

import os
from pathlib import Path

from syndicate.ledger import Ledger
from syndicate.model import Receipt, file_sha1


def test_an_unchanged_file_is_not_read_again(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "state.sqlite")
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"first version")
    first = ledger.file_sha1(photo)
    assert first == file_sha1(photo)
    stat = photo.stat()
    # Same size and mtime, other bytes: the cache answers, so the file was not read.
    photo.write_bytes(b"other version")
    os.utime(photo, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert ledger.file_sha1(photo) == first
    # A new mtime (any real edit) makes it read the file again.
    os.utime(photo, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert ledger.file_sha1(photo) == file_sha1(photo) != first


def test_a_receipt_is_durable_the_moment_it_is_recorded(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    ledger = Ledger(path)
    ledger.record_publication("news-1", "partners", "abc", Receipt("tag:x", "https://x/1",
                                                                  {"files": ["a"]}))
    # Another connection (a rerun after a crash) sees it without any further commit.
    again = Ledger(path)
    receipt = again.receipt("news-1", "partners", "abc")
    assert receipt == Receipt("tag:x", "https://x/1", {"files": ["a"]})
    assert again.receipt("news-1", "partners", "other-version") is None
