"""``syndicate recover`` rebuilds a lost ledger from the queue and the wiki's own upload
log, so nothing published is published again — not even an item whose receipt the lost
ledger never had — against the real test wiki."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.faults.wikicouncil import RUN, add_photo, files_on, syndicate, write_council
from tests.mediawiki import LocalWiki

DIE_BEFORE_RECEIPT = ("import os, syndicate.ledger as ledger\n"
                      "ledger.Ledger.record_publication = lambda *a, **k: os._exit(137)\n" + RUN)
PHOTOS = {"bandstand": "Bandstand in Victoria Park", "fountain": "Fountain in the square",
          "library": "Library reading room"}


@pytest.fixture
def council(wiki: LocalWiki, tmp_path: Path) -> Path:
    return write_council(tmp_path, wiki.api_url)


def add(council: Path, name: str, seed: int) -> None:
    add_photo(council, name, PHOTOS[name], seed)


def statuses(council: Path) -> dict[str, str]:
    items = yaml.safe_load((council / "queue.yaml").read_text())["items"]
    return {item["title"]: item["status"] for item in items}


def test_recover_rebuilds_the_ledger_and_nothing_is_uploaded_twice(
        council: Path, wiki: LocalWiki) -> None:
    for seed, name in enumerate(("bandstand", "fountain"), start=1):
        add(council, name, seed)
    for args in (("collect",), ("queue", "approve", "--all"), ("run",)):
        assert syndicate(council, wiki, *args).returncode == 0
    add(council, "library", 3)
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
    add(council, "bandstand", 1)
    assert syndicate(council, wiki, "collect").returncode == 0
    refused = syndicate(council, wiki, "recover", "--yes")
    assert refused.returncode == 2 and "is not empty" in refused.stderr
