"""The Commons sink inside the whole pipeline, driven by the ``syndicate`` command in a
separate process (so it can be killed), against the local MediaWiki."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.faults.wikicouncil import RUN, add_photo, syndicate, write_council
from tests.mediawiki import LocalWiki, png_bytes

# The process dies the moment the sink returns, before the ledger records the receipt.
DIE_BEFORE_RECEIPT = (
    "import os, syndicate.ledger as ledger\n"
    "ledger.Ledger.record_publication = lambda *args, **kwargs: os._exit(137)\n" + RUN)


@pytest.fixture
def council(wiki: LocalWiki, tmp_path: Path) -> Path:
    write_council(tmp_path, wiki.api_url, extra="    kinds: [image]\n")
    add_photo(tmp_path, "bandstand", "Bandstand in Victoria Park", seed=1)
    return tmp_path


def approve_all(council: Path, wiki: LocalWiki) -> None:
    for args in (("collect",), ("queue", "approve", "--all")):
        done = syndicate(council, wiki, *args)
        assert done.returncode == 0, done.stderr + done.stdout


def queue_statuses(council: Path) -> dict[str, tuple[str, set[str]]]:
    """Title → (status, error codes) from queue.yaml."""
    items = yaml.safe_load((council / "queue.yaml").read_text(encoding="utf-8"))["items"]
    return {item["title"]: (item["status"], {f["code"] for f in item.get("findings") or []
                                             if f["severity"] == "error"}) for item in items}


def files_on(wiki: LocalWiki) -> list[tuple[str, int]]:
    """Each file on the wiki with its number of versions."""
    site = wiki.site()
    return [(image.name, len(list(image.imagehistory()))) for image in site.allimages()]


def test_a_run_killed_between_upload_and_receipt_does_not_upload_twice(
        council: Path, wiki: LocalWiki) -> None:
    approve_all(council, wiki)

    killed = syndicate(council, wiki, "run", code=DIE_BEFORE_RECEIPT)
    assert killed.returncode == 137
    assert files_on(wiki) == [("File:Bandstand in Victoria Park (2024-05-01).png", 1)]

    rerun = syndicate(council, wiki, "run")

    assert rerun.returncode == 0, rerun.stderr + rerun.stdout
    assert files_on(wiki) == [("File:Bandstand in Victoria Park (2024-05-01).png", 1)]
    assert "status: published" in (council / "queue.yaml").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_run_with_the_wiki_down_exits_1_and_the_next_run_publishes(
        council: Path, wiki: LocalWiki) -> None:
    approve_all(council, wiki)
    wiki.stop()
    try:
        down = syndicate(council, wiki, "run")
    finally:
        wiki.start()

    assert down.returncode == 1
    assert "Traceback" not in down.stderr + down.stdout
    assert "cannot reach" in down.stderr + down.stdout

    again = syndicate(council, wiki, "run")

    assert again.returncode == 0, again.stderr + again.stdout
    assert files_on(wiki) == [("File:Bandstand in Victoria Park (2024-05-01).png", 1)]


def test_an_nc_licence_and_an_ogl_logo_never_reach_the_queue_as_approvable(
        council: Path, wiki: LocalWiki) -> None:
    photos = council / "photos"
    (photos / "council-logo.png").write_bytes(png_bytes(2))
    (photos / "council-logo.png.yaml").write_text(
        "title: Council logo\nlicence: ogl-uk-3.0\n", encoding="utf-8")
    (photos / "fete.png").write_bytes(png_bytes(3))
    (photos / "fete.png.yaml").write_text(
        "title: Village fete\nlicence: cc-by-nc-4.0\n", encoding="utf-8")

    approve_all(council, wiki)
    run = syndicate(council, wiki, "run")

    assert run.returncode == 0, run.stderr + run.stdout
    statuses = queue_statuses(council)
    assert statuses["Council logo"][0] == "blocked"
    assert "ogl.logo" in statuses["Council logo"][1]
    assert statuses["Village fete"][0] == "blocked"
    assert "licence.not-accepted" in statuses["Village fete"][1]
    assert files_on(wiki) == [("File:Bandstand in Victoria Park (2024-05-01).png", 1)]
