"""The bytes of a file that are the picture (or the document), apart from its metadata.

Writing licence metadata must never re-encode an image. ExifTool does not, but syndicate
checks anyway after every write, so a tool upgrade or an odd file cannot quietly degrade a
council's photos: the image data before and after must be byte-for-byte the same.

- JPEG: every segment except APPn (EXIF, XMP, ICC, Photoshop/IPTC) and comments, then the
  entropy-coded scan data to the end of the file.
- PNG: the critical chunks (IHDR, PLTE, IDAT, IEND); ancillary chunks carry metadata.
- WebP: the image chunks (VP8, VP8L, ALPH, ANIM, ANMF); VP8X only holds feature flags.
- PDF: ExifTool adds an incremental update, so the original bytes are a prefix of the new.
- TIFF: strips move when the directory grows, so no byte digest is taken here (the tests
  compare decoded pixels).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_WEBP_IMAGE_CHUNKS = frozenset({b"VP8 ", b"VP8L", b"ALPH", b"ANIM", b"ANMF"})


def digest(data: bytes, media_type: str) -> str | None:
    """SHA-256 of the image data of a file's bytes, or None for a type not digested here."""
    parts = {"image/jpeg": _jpeg, "image/png": _png, "image/webp": _webp}.get(media_type)
    if parts is None:
        return None
    sha = hashlib.sha256()
    for part in parts(data):
        sha.update(part)
    return sha.hexdigest()


def unchanged(before: Path, after: Path, media_type: str) -> bool:
    """Whether ``after`` holds exactly the image data of ``before``."""
    if media_type == "application/pdf":
        return _is_prefix(before, after)
    old_digest = digest(before.read_bytes(), media_type)
    return old_digest is None or old_digest == digest(after.read_bytes(), media_type)


def _is_prefix(before: Path, after: Path) -> bool:
    """Whether ``after`` starts with all of ``before``, read in blocks (PDFs can be large)."""
    with before.open("rb") as old, after.open("rb") as new:
        for block in iter(lambda: old.read(1 << 20), b""):
            if new.read(len(block)) != block:
                return False
    return True


def _jpeg(data: bytes) -> list[bytes]:
    parts, at = [], 2  # after SOI
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            raise ValueError("not a JPEG segment boundary")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0xDA:  # start of scan: the rest is image data
            parts.append(data[at:])
            return parts
        length = int.from_bytes(data[at + 2:at + 4], "big")
        if not (0xE0 <= marker <= 0xEF or marker == 0xFE):
            parts.append(data[at:at + 2 + length])
        at += 2 + length
    return parts


def _png(data: bytes) -> list[bytes]:
    parts, at = [], 8
    while at + 8 <= len(data):
        length = int.from_bytes(data[at:at + 4], "big")
        kind = data[at + 4:at + 8]
        if kind[:1].isupper():  # critical chunk
            parts.append(data[at:at + 12 + length])
        at += 12 + length
    return parts


def _webp(data: bytes) -> list[bytes]:
    parts, at = [], 12
    while at + 8 <= len(data):
        kind = data[at:at + 4]
        length = int.from_bytes(data[at + 4:at + 8], "little")
        if kind in _WEBP_IMAGE_CHUNKS:
            parts.append(data[at:at + 8 + length])
        at += 8 + length + (length & 1)
    return parts
