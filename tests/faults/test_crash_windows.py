"""Kill -9 at every chunk boundary and at the commit of a chunked Commons upload, against
the real test wiki behind a loopback proxy that forwards the chosen request (the wiki does
the work) and holds its answer while the process is killed. Each item must end published
exactly once."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.faults.proxy import Proxy, Request, proxy
from tests.mediawiki import LocalWiki, png_bytes

__all__ = ["proxy"]

CONFIG = """\
organisation: {{name: Example Borough Council, url: https://www.example.gov.uk,
               contact: webteam@example.gov.uk}}
sources:
  photos: {{type: directory, path: photos}}
licensing:
  default: cc-by-4.0
  attribution: {{name: Example Borough Council, url: https://www.example.gov.uk}}
  evidence: https://www.example.gov.uk/copyright
sinks:
  commons:
    type: commons
    site: {api_url}
    username: {{env: SYNDICATE_COMMONS_USER}}
    password: {{env: SYNDICATE_COMMONS_PASSWORD}}
    categories: [Example Borough Council]
    kinds: [image]
    max_retries: 0
    chunk_threshold: 2048
    chunk_size: 1024
"""
CHUNKS = 4  # png_bytes(…, padding=3200) is a little over 3 KiB: four 1 KiB chunks
TITLE = "File:Aerial view of the park (2024-05-01).png"


@pytest.fixture
def council(proxy: Proxy, tmp_path: Path) -> Path:
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "aerial.png").write_bytes(png_bytes(7, padding=3200))
    (photos / "aerial.png.yaml").write_text(
        "title: Aerial view of the park\ncreator: Jo Bloggs\ndate: 2024-05-01\n")
    (tmp_path / "syndicate.yaml").write_text(CONFIG.format(api_url=proxy.url))
    return tmp_path


def syndicate(council: Path, wiki: LocalWiki, *args: str) -> subprocess.Popen[str]:
    env = {"PATH": "/usr/bin:/bin", "SYNDICATE_COMMONS_USER": wiki.username,
           "SYNDICATE_COMMONS_PASSWORD": wiki.password}
    return subprocess.Popen([sys.executable, "-c", "from syndicate.cli import main; main()",
                             "--config", str(council / "syndicate.yaml"), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=council)


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


def files_on(wiki: LocalWiki) -> list[tuple[str, int]]:
    site = wiki.site()
    return [(image.name, len(list(image.imagehistory()))) for image in site.allimages()]


@pytest.mark.parametrize("kind,n", [*(("chunk", n) for n in range(1, CHUNKS + 1)),
                                    ("commit", 1)])
def test_a_kill_with_any_upload_answer_in_flight_ends_published_once(
        council: Path, wiki: LocalWiki, proxy: Proxy, kind: str, n: int) -> None:
    for args in (("collect",), ("queue", "approve", "--all")):
        code, output = finished(syndicate(council, wiki, *args))
        assert code == 0, output
    proxy.rule = the_nth(kind, n)

    run = syndicate(council, wiki, "run")
    assert proxy.held.wait(60), finished(run)
    run.send_signal(signal.SIGKILL)
    assert run.wait(30) == -signal.SIGKILL
    assert sum(r.is_chunk for r in proxy.seen) == (n if kind == "chunk" else CHUNKS)

    proxy.rule = lambda request: "pass"
    code, output = finished(syndicate(council, wiki, "run"))

    assert code == 0, output
    assert files_on(wiki) == [(TITLE, 1)]
    items = yaml.safe_load((council / "queue.yaml").read_text())["items"]
    assert [item["status"] for item in items] == ["published"]
    code, output = finished(syndicate(council, wiki, "run"))  # and stays so
    assert code == 0 and files_on(wiki) == [(TITLE, 1)]
