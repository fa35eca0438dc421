"""What a file really is, from its first bytes, not from its URL or name.

A council's CMS happily serves a PNG as ``photo.jpg``; Commons refuses an upload whose
extension does not match the content (``verification-error``), so the extension comes from
the file's signature (syndicate.signatures).
"""

from __future__ import annotations

from pathlib import Path

from syndicate.signatures import identify, read_head


def sniff(path: Path) -> str | None:
    """The Commons file extension for the content of ``path`` (``jpg``, ``png``, ``pdf``…),
    or None for content we do not recognise."""
    return sniff_bytes(read_head(path))


def sniff_bytes(head: bytes) -> str | None:
    """Like :func:`sniff`, from the first few kilobytes of a file."""
    found = identify(head)
    return found.extension if found else None
