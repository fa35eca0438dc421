"""Kill -9 at every chunk boundary and at the commit of a chunked Commons upload, against
the real test wiki behind a loopback proxy that forwards the chosen request (the wiki does
the work) and holds its answer while the process is killed. Each item must end published
exactly once."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.faults.proxy import Proxy, Request, proxy
from tests.faults.wikicouncil import (
    add_photo,
    command,
    environment,
    files_on,
    syndicate,
    write_council,
)
from tests.mediawiki import LocalWiki

__all__ = ["proxy"]

# png_bytes(…, padding=1700) is 1.7 KiB; Commons gets the licence-tagged copy (ExifTool
# writes the licence into the file, about 1.9 KiB more): a little over 3.5 KiB, four 1 KiB
# chunks. The commit case checks that count, so a change in the tags' size shows here.
CHUNKS = 4
TITLE = "File:Aerial view of the park (2024-05-01).png"


@pytest.fixture
def council(proxy: Proxy, tmp_path: Path) -> Path:
    write_council(tmp_path, proxy.url, "    chunk_threshold: 2048\n    chunk_size: 1024\n")
    add_photo(tmp_path, "aerial", "Aerial view of the park", 7, padding=1700)
    return tmp_path


def start(council: Path, wiki: LocalWiki, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(command(council, *args), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=environment(wiki),
                            cwd=council)


def finished(process: subprocess.Popen[str]) -> tuple[int, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out + err


def the_nth(kind: str, n: int) -> Callable[[Request], str]:
    """Hold the n-th chunk (from 1) or the commit; pass everything else."""
    count = [0]

    def rule(request: Request) -> str:
        if (kind == "chunk" and request.is_chunk) or (kind == "commit" and request.is_commit):
            count[0] += 1
            return "hold" if count[0] == n else "pass"
        return "pass"
    return rule


@pytest.mark.parametrize("kind,n", [*(("chunk", n) for n in range(1, CHUNKS + 1)),
                                    ("commit", 1)])
def test_a_kill_with_any_upload_answer_in_flight_ends_published_once(
        council: Path, wiki: LocalWiki, proxy: Proxy, kind: str, n: int) -> None:
    for args in (("collect",), ("queue", "approve", "--all")):
        done = syndicate(council, wiki, *args)
        assert done.returncode == 0, done.stderr
    proxy.rule = the_nth(kind, n)

    run = start(council, wiki, "run")
    assert proxy.held.wait(60), finished(run)
    run.send_signal(signal.SIGKILL)
    assert run.wait(30) == -signal.SIGKILL
    assert sum(r.is_chunk for r in proxy.seen) == (n if kind == "chunk" else CHUNKS)

    proxy.rule = lambda request: "pass"
    rerun = syndicate(council, wiki, "run")

    assert rerun.returncode == 0, rerun.stderr + rerun.stdout
    assert files_on(wiki) == {TITLE: 1}
    items = yaml.safe_load((council / "queue.yaml").read_text())["items"]
    assert [item["status"] for item in items] == ["published"]
    again = syndicate(council, wiki, "run")  # and stays so
    assert again.returncode == 0 and files_on(wiki) == {TITLE: 1}
