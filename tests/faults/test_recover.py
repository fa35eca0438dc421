"""``syndicate recover`` rebuilds a lost ledger from the queue and the wiki's own upload
log, so nothing published is published again — not even an item whose receipt the lost
ledger never had — against the real test wiki."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.mediawiki import LocalWiki, png_bytes

CONFIG = """\
organisation: {{name: Example Borough Council, url: https://www.example.gov.uk}}
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
    max_retries: 0
"""
RUN = "from syndicate.cli import main; main()"
DIE_BEFORE_RECEIPT = ("import os, syndicate.ledger as ledger\n"
                      "ledger.Ledger.record_publication = lambda *a, **k: os._exit(137)\n" + RUN)
PHOTOS = {"bandstand": "Bandstand in Victoria Park", "fountain": "Fountain in the square",
          "library": "Library reading room"}


@pytest.fixture
def council(wiki: LocalWiki, tmp_path: Path) -> Path:
    (tmp_path / "photos").mkdir()
    (tmp_path / "syndicate.yaml").write_text(CONFIG.format(api_url=wiki.api_url))
    return tmp_path


def add_photo(council: Path, name: str, seed: int) -> None:
    (council / "photos" / f"{name}.png").write_bytes(png_bytes(seed))
    (council / "photos" / f"{name}.png.yaml").write_text(
        f"title: {PHOTOS[name]}\ncreator: Jo Bloggs\ndate: 2024-05-01\n")


def syndicate(council: Path, wiki: LocalWiki, *args: str, code: str = RUN,
              answer: str = "") -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "SYNDICATE_COMMONS_USER": wiki.username,
           "SYNDICATE_COMMONS_PASSWORD": wiki.password}
    return subprocess.run([sys.executable, "-c", code, "--config",
                           str(council / "syndicate.yaml"), *args], input=answer,
                          capture_output=True, text=True, env=env, cwd=council, timeout=120)


def files_on(wiki: LocalWiki) -> dict[str, int]:
    return {image.name: len(list(image.imagehistory())) for image in wiki.site().allimages()}


def statuses(council: Path) -> dict[str, str]:
    items = yaml.safe_load((council / "queue.yaml").read_text())["items"]
    return {item["title"]: item["status"] for item in items}


def test_recover_rebuilds_the_ledger_and_nothing_is_uploaded_twice(
        council: Path, wiki: LocalWiki) -> None:
    for seed, name in enumerate(("bandstand", "fountain"), start=1):
        add_photo(council, name, seed)
    for args in (("collect",), ("queue", "approve", "--all"), ("run",)):
        assert syndicate(council, wiki, *args).returncode == 0
    add_photo(council, "library", 3)
    for args in (("collect",), ("queue", "approve", "--all")):
        assert syndicate(council, wiki, *args).returncode == 0
    # Uploaded, but the process died before the ledger (and so the queue) knew.
    assert syndicate(council, wiki, "run", code=DIE_BEFORE_RECEIPT).returncode == 137
    uploaded = files_on(wiki)
    assert len(uploaded) == 3
    for path in (council / ".syndicate").glob("state.sqlite*"):
        path.unlink()
    queue_before = (council / "queue.yaml").read_text()

    stopped = syndicate(council, wiki, "run")
    assert stopped.returncode == 2 and "syndicate recover" in stopped.stderr
    declined = syndicate(council, wiki, "recover", answer="n\n")
    assert declined.returncode == 1 and "Nothing was changed" in declined.stdout
    assert (council / "queue.yaml").read_text() == queue_before

    done = syndicate(council, wiki, "recover", "--yes")

    assert done.returncode == 0, done.stderr
    assert "2 publications the queue records" in done.stdout
    assert "1 more publications found in the wikis' history" in done.stdout
    assert "File:Library reading room (2024-05-01).png" in done.stdout
    rerun = syndicate(council, wiki, "run")
    assert rerun.returncode == 0, rerun.stderr + rerun.stdout
    assert files_on(wiki) == uploaded  # nothing uploaded again, no new versions
    assert set(statuses(council).values()) == {"published"}


def test_recover_refuses_a_ledger_that_is_not_lost(council: Path, wiki: LocalWiki) -> None:
    add_photo(council, "bandstand", 1)
    assert syndicate(council, wiki, "collect").returncode == 0
    refused = syndicate(council, wiki, "recover", "--yes")
    assert refused.returncode == 2 and "is not empty" in refused.stderr
