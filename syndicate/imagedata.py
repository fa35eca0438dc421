"""The bytes of a file that are the picture (or the document), apart from its metadata.

Writing licence metadata must never re-encode an image. ExifTool does not, but syndicate
checks anyway after every write, so a tool upgrade or an odd file cannot quietly degrade a
council's photos: the image data before and after must be byte-for-byte the same.

- JPEG: every segment except APPn (EXIF, XMP, ICC, Photoshop/IPTC) and comments, then the
  entropy-coded scan data to the end of the file.
- PNG: the critical chunks (IHDR, PLTE, IDAT, IEND); ancillary chunks carry metadata.
- WebP: the image chunks (VP8, VP8L, ALPH, ANIM, ANMF); VP8X only holds feature flags.
- PDF: ExifTool adds an incremental update, so the original bytes are a prefix of the new.
- TIFF: the strips or tiles of the first image, wherever the rewrite moved them.
"""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

_WEBP_IMAGE_CHUNKS = frozenset({b"VP8 ", b"VP8L", b"ALPH", b"ANIM", b"ANMF"})
# TIFF tags locating the image data: (offsets, byte counts) for strips and for tiles.
_TIFF_DATA = ((273, 279), (324, 325))
_TIFF_SIZES = {3: ("H", 2), 4: ("I", 4), 16: ("Q", 8)}  # SHORT, LONG, LONG8


def digest(data: bytes, media_type: str) -> str | None:
    """SHA-256 of the image data of a file's bytes, or None for a type not digested here."""
    parts = {"image/jpeg": _jpeg, "image/png": _png, "image/webp": _webp,
             "image/tiff": _tiff}.get(media_type)
    if parts is None:
        return None
    try:
        found = parts(data)
    except (ValueError, struct.error):  # a layout this reader does not follow: no digest
        return None
    sha = hashlib.sha256()
    for part in found:
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


def _tiff(data: bytes) -> list[bytes]:
    """The strips or tiles of the first image directory (IFD0), in order."""
    order = "<" if data[:2] == b"II" else ">"
    if struct.unpack_from(order + "H", data, 2)[0] != 42:
        raise ValueError("not a classic TIFF (BigTIFF is not read here)")
    (ifd,) = struct.unpack_from(order + "I", data, 4)
    (count,) = struct.unpack_from(order + "H", data, ifd)
    fields: dict[int, list[int]] = {}
    for n in range(count):
        tag, kind, number, inline = struct.unpack_from(order + "HHI4s", data, ifd + 2 + 12 * n)
        if kind not in _TIFF_SIZES:
            continue
        code, size = _TIFF_SIZES[kind]
        where = ifd + 10 + 12 * n if size * number <= 4 else \
            struct.unpack(order + "I", inline)[0]
        fields[tag] = list(struct.unpack_from(f"{order}{number}{code}", data, where))
    for offsets, counts in _TIFF_DATA:
        if offsets in fields and counts in fields:
            return [data[o:o + c] for o, c in zip(fields[offsets], fields[counts], strict=False)]
    return []
