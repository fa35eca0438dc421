"""Dates as UK sources write them: read exactly, or not at all."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from syndicate.dates import parse_date, rfc822, rfc3339


@pytest.mark.parametrize(("text", "expected"), [
    ("Sat, 28 Nov 2026 10:00:00 GMT", "2026-11-28T10:00:00Z"),
    ("Sat, 28 Nov 2026 10:00:00 UT", "2026-11-28T10:00:00Z"),
    ("Sun, 28 Jun 2026 10:00:00 BST", "2026-06-28T09:00:00Z"),
    ("Sat, 28 Nov 2026 10:00:00 BST", "2026-11-28T09:00:00Z"),
    ("Sat, 28 Nov 2026 10:00:00 EST", "2026-11-28T15:00:00Z"),
    ("Sat, 28 Nov 2026 10:00:00 EDT", "2026-11-28T14:00:00Z"),
    ("Sat, 28 Nov 2026 10:00:00 CST", "2026-11-28T16:00:00Z"),
    ("Sat, 28 Nov 2026 10:00:00 MDT", "2026-11-28T16:00:00Z"),
    ("Sat, 28 Nov 2026 10:00:00 PST", "2026-11-28T18:00:00Z"),
    ("Sat, 28 Nov 2026 10:00:00 Z", "2026-11-28T10:00:00Z"),
    ("Sat, 28 Nov 2026 10:00:00 A", "2026-11-28T10:00:00Z"),   # RFC 2822 §4.3: -0000
    ("Sat, 28 Nov 2026 10:00:00 +0100", "2026-11-28T09:00:00Z"),
    ("28 Nov 26 10:00 GMT", "2026-11-28T10:00:00Z"),
    ("2026-11-28T10:00:00+01:00", "2026-11-28T09:00:00Z"),
    ("2026-11-28T10:00:00Z", "2026-11-28T10:00:00Z"),
    ("2026-11-28", "2026-11-28T00:00:00Z"),
    ("28/11/2026", "2026-11-28T00:00:00Z"),
    ("04/05/2026", "2026-05-04T00:00:00Z"),                      # 4 May: day first
    ("28 November 2026", "2026-11-28T00:00:00Z"),
    ("Saturday 28 November 2026", "2026-11-28T00:00:00Z"),
])
def test_dates_are_read_in_their_own_zone(text: str, expected: str) -> None:
    assert rfc3339(text) == expected


@pytest.mark.parametrize("text", ["sometime next week", "spring 1962", "about 1950", "1962",
                                  "November 2026", "Sat, 28 Nov 2026 10:00:00 XYZ",
                                  "31/02/2026", "", "   "])
def test_what_cannot_be_read_completely_is_none_never_a_guess(text: str) -> None:
    assert parse_date(text) is None


def test_yaml_dates_and_rss_form() -> None:
    assert rfc3339(dt.date(2026, 11, 28)) == "2026-11-28T00:00:00Z"
    assert rfc822("2026-11-28T09:00:00Z") == "Sat, 28 Nov 2026 09:00:00 GMT"
    with pytest.raises(ValueError, match="not a readable date"):
        rfc822("soon")


def test_sidecar_dates_are_read_day_first_and_unreadable_ones_reported(tmp_path: Path) -> None:
    from syndicate.fetch import Fetcher
    from syndicate.sources.base import SourceContext
    from syndicate.sources.directory import DirectorySource

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    for name, date in (("a", "28/11/2026"), ("b", "28 November 2026"), ("c", "spring 1962")):
        (tmp_path / f"{name}.png").write_bytes(png)
        (tmp_path / f"{name}.png.yaml").write_text(f'date: "{date}"\n', encoding="utf-8")
    source = DirectorySource("photos", {"path": ".", "language": "cy"},
                             SourceContext(tmp_path, Fetcher("syndicate-tests")))
    items = {item.path.name: item for item in source.items() if item.path}
    assert items["a.png"].date == items["b.png"].date == "2026-11-28"
    assert items["a.png"].findings == [] and items["a.png"].language == "cy"
    spring = items["c.png"]
    assert spring.date == "spring 1962"        # kept as written for sinks that take text
    (finding,) = spring.findings
    assert (finding.code, finding.severity) == ("date.unreadable", "warning")
    assert "spring 1962" in finding.message and spring.id in finding.message
