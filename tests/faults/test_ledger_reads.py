"""The ledger read as it is: status and --dry-run see a run in progress and a killed one
(the write-ahead log included), a dry run leaves no lock and works on a read-only folder,
and "restore from a backup" is said only of a file that is really corrupt."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from syndicate.ledger import Ledger, explain
from tests.council import Council

# Dies (as kill -9 would) right after the ledger recorded the fifth publication.
DIE_AFTER_FIVE = """\
import os, syndicate.ledger as ledger
original = ledger.Ledger.record_publication
done = []
def record(self, *args, **kwargs):
    original(self, *args, **kwargs)
    done.append(1)
    if len(done) == 5:
        os._exit(137)
ledger.Ledger.record_publication = record
from syndicate.cli import main
main()
"""


def ledger_path(council: Council) -> Path:
    return council.root / ".syndicate" / "state.sqlite"


def test_status_during_a_run_sees_the_run(council: Council) -> None:
    # Runs are listed from their records, written as each ends (issue 9); what a run in
    # progress has done so far is only in the ledger's write-ahead log.
    assert council.run("collect").exit_code == 0
    before = json.loads(council.run("status", "--json").stdout)["counts"]
    running = Ledger(ledger_path(council))
    try:
        running.start_run("run")
        with running.db:  # the run publishes its first item
            running.db.execute("UPDATE items SET status = 'published' "
                               "WHERE id = (SELECT min(id) FROM items)")
        assert Path(f"{ledger_path(council)}-wal").stat().st_size > 0
        result = council.run("status", "--json")
    finally:
        running.close()
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)["counts"]
    assert counts.get("published", 0) == before.get("published", 0) + 1


def test_status_and_dry_run_after_a_kill_show_what_was_published(council: Council) -> None:
    assert council.run("collect").exit_code == 0
    assert council.run("queue", "approve", "--all").exit_code == 0
    approved = len([i for i in council.queue_items() if i["status"] == "approved"])
    assert approved > 5
    killed = subprocess.run([sys.executable, "-c", DIE_AFTER_FIVE, "--config",
                             str(council.config), "publish"], capture_output=True,
                            cwd=council.root, timeout=120)
    assert killed.returncode == 137
    assert Path(f"{ledger_path(council)}-wal").exists()  # the truth is partly in the WAL

    counts = json.loads(council.run("status", "--json").stdout)["counts"]
    dry = council.run("publish", "--dry-run").stdout

    assert counts.get("published") == 4  # the fifth was recorded but not yet settled
    assert counts["approved"] == approved - 4
    previews = [line for line in dry.splitlines() if line.startswith("would publish")]
    assert len(previews) == approved - 5


def test_a_dry_run_takes_no_lock_and_changes_no_file(council: Council) -> None:
    assert council.run("collect").exit_code == 0
    (council.root / ".syndicate" / "lock").unlink()
    before = {p: p.read_bytes() for p in council.root.rglob("*") if p.is_file()}

    result = council.run("run", "--dry-run")

    assert result.exit_code == 0, result.output
    after = {p: p.read_bytes() for p in council.root.rglob("*") if p.is_file()}
    assert after == before  # not even SQLite's -wal and -shm companions


def read_only(folder: Path, command: list[str]) -> list[str]:
    """``command`` run with ``folder`` read-only: by its modes, or — for root, whom modes
    do not stop — as a read-only bind mount in a private mount namespace."""
    for path in [folder, *folder.rglob("*")]:
        os.chmod(path, 0o555 if path.is_dir() else 0o444)
    if os.geteuid() != 0:
        return command
    if shutil.which("unshare") is None:
        pytest.skip("running as root without unshare(1): cannot make a folder read-only")
    quoted = " ".join(shlex.quote(part) for part in command)
    return ["unshare", "-m", "sh", "-c", f"mount --bind {folder} {folder} && mount -o "
            f"remount,bind,ro {folder} && exec {quoted}"]


def test_a_dry_run_works_on_a_read_only_state_folder(council: Council) -> None:
    assert council.run("collect").exit_code == 0
    command = read_only(council.root, [
        sys.executable, "-c", "from syndicate.cli import main; main()", "--config",
        str(council.config), "run", "--dry-run"])
    try:
        result = subprocess.run(command, capture_output=True, text=True, cwd="/",
                                timeout=120)
    finally:
        for path in [council.root, *council.root.rglob("*")]:
            os.chmod(path, 0o755)
    assert result.returncode == 0, result.stderr
    assert "dry run: nothing was changed" in result.stdout
    assert not (council.root / ".syndicate" / "state.sqlite-wal").exists()


def test_a_full_disk_is_not_called_corruption(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    ledger = Ledger(path)
    ledger.db.execute("PRAGMA max_page_count = 20")  # SQLite's own "database or disk is full"
    with pytest.raises(sqlite3.OperationalError) as raised:
        for n in range(10000):
            ledger.put_sink_value("s", f"k{n}", "x" * 1000)
    message = explain(raised.value, path)
    ledger.close()
    assert "the disk is full or the file-size limit" in message
    assert "do not restore it" in message and "restore it from a backup" not in message


def test_a_corrupt_ledger_is_called_corrupt(council: Council) -> None:
    assert council.run("collect").exit_code == 0
    path = ledger_path(council)
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the first page's b-tree
    path.write_bytes(bytes(data))

    result = council.run("status")

    assert result.exit_code == 2
    assert "is corrupt" in result.stderr and "restore it from a backup" in result.stderr
