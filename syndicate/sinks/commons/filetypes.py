"""What a file really is, from its first bytes, not from its URL or name.

A council's CMS happily serves a PNG as ``photo.jpg``; Commons refuses an upload whose
extension does not match the content (``verification-error``), so the extension comes from
the magic number (https://en.wikipedia.org/wiki/List_of_file_signatures).
"""

from __future__ import annotations

import re
from pathlib import Path

_HEAD_BYTES = 4096
_SVG_RE = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
                     rb"(?:<!DOCTYPE\s+svg[^>]*>\s*)?(?:<!--.*?-->\s*)*<svg[\s>]", re.DOTALL)


def sniff(path: Path) -> str | None:
    """The Commons file extension for the content of ``path`` (``jpg``, ``png``, ``pdf``…),
    or None for content we do not recognise."""
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    return sniff_bytes(head)


def sniff_bytes(head: bytes) -> str | None:
    """Like :func:`sniff`, from the first few kilobytes of a file."""
    simple = (
        (b"\xff\xd8\xff", "jpg"),
        (b"\x89PNG\r\n\x1a\n", "png"),
        (b"GIF87a", "gif"),
        (b"GIF89a", "gif"),
        (b"II*\x00", "tif"),
        (b"MM\x00*", "tif"),
        (b"%PDF-", "pdf"),
        (b"OggS", "ogg"),
        (b"fLaC", "flac"),
        (b"ID3", "mp3"),
    )
    for magic, ext in simple:
        if head.startswith(magic):
            return ext
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"WAVE"):
        return "webp" if head[8:12] == b"WEBP" else "wav"
    if head[:4] == b"AT&T" and head[4:8] == b"FORM" and head[12:16] in (b"DJVU", b"DJVM"):
        return "djvu"
    if head[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in head[:64]:
        return "webm"  # Matroska with the webm doctype; other Matroska is not allowed
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return "mp3"  # an MPEG audio frame header without an ID3 tag
    if _SVG_RE.match(head):
        return "svg"
    return None
