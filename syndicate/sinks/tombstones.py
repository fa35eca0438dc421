"""RFC 6721 tombstones: how an Atom feed tells aggregators an entry was taken back.

A withdrawn entry leaves the feed and an ``at:deleted-entry`` takes its place for
:data:`KEEP` (30 days: long enough for every partner that polls, even weekly, to see it),
naming the entry (``ref``), when, by whom and why. The feed sink keeps them in
``<state dir>/feeds/<sink name>.tombstones.json`` beside its entries.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

from lxml import etree

from syndicate.errors import SinkError
from syndicate.files import atomic_write
from syndicate.sinks.feedformats import ATOM, xml_text

TOMBSTONES = "http://purl.org/atompub/tombstones/1.0"
KEEP = timedelta(days=30)
_RFC3339 = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class Tombstone:
    """One withdrawn entry: its id (``ref``), when (RFC 3339 UTC), by whom and why."""

    ref: str
    when: str
    by: str
    by_uri: str | None = None
    reason: str = ""
    link: str | None = None

    def fresh(self, moment: datetime) -> bool:
        """Still worth telling aggregators about at ``moment``."""
        return datetime.strptime(self.when, _RFC3339).replace(tzinfo=UTC) + KEEP > moment

    def until(self) -> str:
        """The day this tombstone leaves the feed."""
        ends = datetime.strptime(self.when, _RFC3339).replace(tzinfo=UTC) + KEEP
        return ends.strftime("%Y-%m-%d")


class TombstoneStore:
    """The tombstones of one feed sink, as a JSON file written atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> list[Tombstone]:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except OSError as error:
            raise SinkError(f"cannot read {self.path}: {error.strerror}") from error
        try:
            return [Tombstone(**stone) for stone in json.loads(raw)["tombstones"]]
        except (ValueError, KeyError, TypeError) as error:
            raise SinkError(f"{self.path} is damaged ({error}); restore it from a backup, "
                            "or delete it (withdrawn entries then carry no tombstone)") from error

    def save(self, stones: Sequence[Tombstone]) -> None:
        data: dict[str, Any] = {"version": 1, "tombstones": [asdict(s) for s in stones]}
        atomic_write(self.path, json.dumps(data, indent=1))


def add_to_atom(feed: etree._Element, stones: Sequence[Tombstone]) -> None:
    """Append an ``at:deleted-entry`` per tombstone to an Atom ``feed`` element, and move
    the feed's ``updated`` forward to the latest withdrawal (the feed changed then)."""
    for stone in stones:
        element = etree.SubElement(feed, f"{{{TOMBSTONES}}}deleted-entry",
                                   {"ref": xml_text(stone.ref), "when": stone.when})
        by = etree.SubElement(element, f"{{{TOMBSTONES}}}by")
        etree.SubElement(by, f"{{{ATOM}}}name").text = xml_text(stone.by)
        if stone.by_uri:
            etree.SubElement(by, f"{{{ATOM}}}uri").text = xml_text(stone.by_uri)
        if stone.reason:
            etree.SubElement(element, f"{{{TOMBSTONES}}}comment").text = xml_text(stone.reason)
        if stone.link:
            etree.SubElement(element, f"{{{ATOM}}}link", {
                "rel": "alternate", "type": "text/html", "href": xml_text(stone.link)})
    updated = feed.find(f"{{{ATOM}}}updated")
    latest = max((stone.when for stone in stones), default="")
    if updated is not None and latest > (updated.text or ""):
        updated.text = latest


def touch_rss(channel: etree._Element, stones: Sequence[Tombstone]) -> None:
    """RSS has no tombstones, but its ``lastBuildDate`` moves to the latest withdrawal:
    the channel changed then (and an emptied channel keeps a plausible date)."""
    built = channel.find("lastBuildDate")
    latest = max((stone.when for stone in stones), default="")
    if built is None or not latest:
        return
    try:
        current = parsedate_to_datetime(built.text or "")
    except (TypeError, ValueError):
        current = None
    moment = datetime.strptime(latest, _RFC3339).replace(tzinfo=UTC)
    if current is None or moment > current:
        built.text = format_datetime(moment, usegmt=True)
