"""File signatures ("magic numbers"): what a file is from its first bytes, not its name.

A council's CMS happily serves a PNG as ``photo.jpg`` and a renamed file can pass itself off
as another type, so syndicate trusts the content: the directory source types its files by
it (:func:`sniff_media_type`) and the Commons sink names uploads by it, because Commons
refuses an upload whose extension does not match the content (``verification-error``).
Signatures from https://en.wikipedia.org/wiki/List_of_file_signatures.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from syndicate.errors import SourceError

#: Enough of a file to find any signature below (SVG may open with comments and a DOCTYPE).
HEAD_BYTES = 4096


@dataclass(frozen=True)
class FileType:
    """A kind of file: its media type and the extension MediaWiki expects for it."""

    media_type: str
    extension: str


JPEG = FileType("image/jpeg", "jpg")
PNG = FileType("image/png", "png")
GIF = FileType("image/gif", "gif")
TIFF = FileType("image/tiff", "tif")
WEBP = FileType("image/webp", "webp")
SVG = FileType("image/svg+xml", "svg")
DJVU = FileType("image/vnd.djvu", "djvu")
PDF = FileType("application/pdf", "pdf")
OGG = FileType("audio/ogg", "ogg")
FLAC = FileType("audio/flac", "flac")
MP3 = FileType("audio/mpeg", "mp3")
WAV = FileType("audio/wav", "wav")
WEBM = FileType("video/webm", "webm")

# (offset, bytes) pairs that must all be there.
_SIGNATURES: tuple[tuple[tuple[tuple[int, bytes], ...], FileType], ...] = (
    (((0, b"\xff\xd8\xff"),), JPEG),
    (((0, b"\x89PNG\r\n\x1a\n"),), PNG),
    (((0, b"GIF87a"),), GIF),
    (((0, b"GIF89a"),), GIF),
    (((0, b"II*\x00"),), TIFF),
    (((0, b"MM\x00*"),), TIFF),
    (((0, b"%PDF-"),), PDF),
    (((0, b"OggS"),), OGG),
    (((0, b"fLaC"),), FLAC),
    (((0, b"ID3"),), MP3),
    (((0, b"RIFF"), (8, b"WEBP")), WEBP),
    (((0, b"RIFF"), (8, b"WAVE")), WAV),
    (((0, b"AT&TFORM"), (12, b"DJVU")), DJVU),
    (((0, b"AT&TFORM"), (12, b"DJVM")), DJVU),
)
_SVG_RE = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
                     rb"(?:<!DOCTYPE\s+svg[^>]*>\s*)?(?:<!--.*?-->\s*)*<svg[\s>]", re.DOTALL)

#: What a local file (a folder's photo or document) may be.
LOCAL_TYPES = frozenset({JPEG, PNG, GIF, TIFF, WEBP, SVG, DJVU, PDF})
# Types whose first bytes say nothing specific (XML text, zip or OLE containers): the
# extension decides, as long as the content is not a local type with a signature.
_BY_EXTENSION: Mapping[str, str] = {
    ".svg": SVG.media_type,
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def identify(head: bytes) -> FileType | None:
    """The type of a file from its first :data:`HEAD_BYTES` bytes, or None for content we
    do not recognise."""
    for parts, file_type in _SIGNATURES:
        if all(head[offset:offset + len(magic)] == magic for offset, magic in parts):
            return file_type
    if head[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in head[:64]:
        return WEBM  # Matroska with the webm doctype; other Matroska is not allowed
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return MP3  # an MPEG audio frame header without an ID3 tag
    if _SVG_RE.match(head):
        return SVG
    return None


def read_head(path: Path) -> bytes:
    """The first :data:`HEAD_BYTES` bytes of ``path`` (OSError when it cannot be read)."""
    with path.open("rb") as handle:
        return handle.read(HEAD_BYTES)


def sniff_media_type(path: Path) -> str | None:
    """The media type of a local file from its first bytes (the extension only where the
    bytes cannot tell), or None for a type syndicate does not handle."""
    try:
        found = identify(read_head(path))
    except OSError as exc:
        raise SourceError(f"{path}: cannot be read ({exc.strerror})") from None
    if found in LOCAL_TYPES:
        return found.media_type
    return _BY_EXTENSION.get(path.suffix.lower())
