"""One bad input costs one item: a sidecar or feed entry that raises while being read is a
problem naming it, and the source goes on with the next one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from syndicate.sources import feedelements
from tests.council import Council

PHOTOS = Path("content") / "photos"
BAD_SIDECARS = {
    "nesting bomb": "title: " + "[" * 50000 + "]" * 50000 + "\n",
    "unknown key": "title: Park\ncamera: Nikon\n",
    "not text": b"\xff\xfe\x00title: \x81\x82\n",
    "not a mapping": "- just\n- a list\n",
    "duplicate key": "title: A\ntitle: B\n",
}


def photos(council: Council) -> list[Path]:
    return sorted(p for p in (council.root / PHOTOS).iterdir() if p.suffix == ".jpg")


def collect(council: Council) -> dict[str, object]:
    result = council.run("collect", "--json")
    assert "Traceback" not in result.output
    report: dict[str, object] = json.loads(result.stdout)
    return report


@pytest.mark.parametrize("case", sorted(BAD_SIDECARS))
def test_a_bad_sidecar_costs_its_file_only(council: Council, case: str) -> None:
    healthy = collect(council)["collected"]["photos"]  # type: ignore[index]
    files = photos(council)
    victim = files[len(files) // 2]
    sidecar = victim.with_name(victim.name + ".yaml")
    content = BAD_SIDECARS[case]
    if isinstance(content, str):
        sidecar.write_text(content)
    else:
        sidecar.write_bytes(content)

    report = collect(council)

    assert report["collected"]["photos"] == healthy - 1  # type: ignore[index]
    [problem] = report["problems"]  # type: ignore[misc]
    assert problem["where"] == "photos" and str(sidecar) in problem["message"]
    assert f"{victim.name} is skipped until it is fixed" in problem["message"]


def test_a_known_file_whose_sidecar_breaks_is_not_withdrawn(council: Council) -> None:
    assert collect(council)["problems"] == []
    victim = photos(council)[0]
    victim.with_name(victim.name + ".yaml").write_text(BAD_SIDECARS["nesting bomb"])

    report = collect(council)

    assert report["withdrawn"] == 0
    assert "withdrawn" not in {item["status"] for item in council.queue_items()}


def test_a_sidecar_two_files_could_claim_costs_those_files_only(council: Council) -> None:
    healthy = collect(council)["collected"]["photos"]  # type: ignore[index]
    folder = council.root / PHOTOS
    first = next(p for p in photos(council) if not p.with_name(p.name + ".yaml").exists())
    first.with_suffix(".png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    (folder / (first.stem + ".yaml")).write_text("title: Which one?\n")

    report = collect(council)

    assert report["collected"]["photos"] == healthy - 1  # type: ignore[index]
    assert "could describe" in report["problems"][0]["message"]  # type: ignore[index]


def test_a_feed_entry_that_raises_costs_that_entry_only(
        council: Council, monkeypatch: pytest.MonkeyPatch) -> None:
    # A mock, because a real feed reaching this code path would be a bug we have not
    # found: one entry's reading raises, as a RecursionError from a hostile structure would.
    real = feedelements.categories_of
    calls: list[int] = []
    armed: list[bool] = []

    def categories_of(element: object) -> list[str]:
        calls.append(1)
        if armed and len(calls) == 3:
            raise RecursionError("maximum recursion depth exceeded")
        return real(element)  # type: ignore[arg-type]

    monkeypatch.setattr(feedelements, "categories_of", categories_of)
    healthy = collect(council)["collected"]["news"]  # type: ignore[index]
    calls.clear()
    armed.append(True)
    (council.root / ".syndicate" / "state.sqlite").unlink()  # read every entry again
    council.queue.write_text("items: []\n")

    report = collect(council)

    assert report["collected"]["news"] == healthy - 1  # type: ignore[index]
    [problem] = report["problems"]  # type: ignore[misc]
    assert "entry 3 cannot be read (RecursionError" in problem["message"]
