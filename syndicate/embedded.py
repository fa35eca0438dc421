"""Licences other people embedded in their files (a photographer's XMP ``cc:license``,
``dc:creator``), read with ExifTool for the directory source.

What a file declares counts as the source's declaration, with the precedence and
``licence.conflict`` findings of a feed's declared licence (:mod:`syndicate.tagging`).
"""

from __future__ import annotations

import atexit
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syndicate.filetags import (
    INSTALL_HINT,
    WRITABLE_TYPES,
    ExifTool,
    ExifToolMissing,
    TaggingError,
)
from syndicate.licences import registry
from syndicate.model import Finding, Item

log = logging.getLogger(__name__)

# What a photographer's own metadata may declare.
_DECLARED_READ = ("-XMP-cc:License", "-XMP-xmpRights:WebStatement", "-XMP-dc:Creator",
                  "-IPTC:By-line", "-XMP-cc:AttributionName")


@dataclass(frozen=True)
class Embedded:
    """The licence and creator a file's own metadata declares."""

    licences: tuple[str, ...]
    creator: str | None


_shared: ExifTool | None = None
_missing_said = False


def embedded(path: Path, media_type: str) -> Embedded | None:
    """What ``path`` declares about its own licence and creator (a photographer's
    ``cc:license``, a ``WebStatement`` that is a licence URL, ``dc:creator``), or None when
    it declares nothing or cannot be read. Without ExifTool nothing is read (logged once
    at info level: a nightly cron job must not mail about it every night)."""
    global _shared, _missing_said
    if media_type not in WRITABLE_TYPES:
        return None
    if _shared is None:
        try:
            _shared = ExifTool()
        except ExifToolMissing:
            if not _missing_said:
                log.info("licences embedded in files are not read: %s", INSTALL_HINT)
                _missing_said = True
            return None
        atexit.register(_shared.close)
    try:
        found = _shared.read(path, *_DECLARED_READ)
    except TaggingError as exc:
        log.warning("%s", exc)
        return None
    licences = [_first(found.get("XMP-cc:License"))]
    statement = _first(found.get("XMP-xmpRights:WebStatement"))
    if statement and registry().recognise(statement).licence is not None:
        licences.append(statement)
    creator = next((c for c in (_first(found.get(key)) for key in (
        "XMP-dc:Creator", "IPTC:By-line", "XMP-cc:AttributionName")) if c), None)
    result = Embedded(tuple(dict.fromkeys(lic for lic in licences if lic)), creator)
    return result if result.licences or result.creator else None


def _first(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    text = str(value).strip() if value is not None else ""
    return text or None


def read_embedded(item: Item) -> None:
    """Take the licence and creator an item's file declares in its own metadata as the
    source's declaration (the directory source's hook). The sidecar is the council's word
    on the file and wins; a sidecar licence that differs from the file's is a
    ``licence.conflict`` finding an editor sees."""
    if item.path is None or item.media_type is None:
        return
    found = embedded(item.path, item.media_type)
    if found is None:
        return
    if found.creator and not item.creator:
        item.creator = found.creator
    if not found.licences:
        return
    if not item.declared_licences:
        item.declared_licences = list(found.licences)
        return
    ids = {registry().recognise(raw).licence for raw in found.licences} - {None}
    said = {registry().recognise(raw).licence for raw in item.declared_licences} - {None}
    if ids and said and not ids & said:
        item.findings.append(Finding(
            "licence.conflict", "warning",
            f"{item.path.name} says in its own metadata that it is licensed under "
            f"{', '.join(sorted(lic.short_name for lic in ids if lic))} but its sidecar says "
            f"{', '.join(sorted(lic.short_name for lic in said if lic))}; using the sidecar. "
            "Check with whoever made the file"))
