"""Small JPEG thumbnails of image items, for the review page and the email digest.

Made with Pillow under ``<state>/thumbnails/``, one per item version, so a rerun finds the
one it made before. The camera's EXIF orientation is applied to the pixels (a portrait
photo shows upright in every mail client and browser) and no metadata at all is written to
the thumbnail: the GPS position a phone records stays on the council's disk.
"""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

#: Longest side in pixels: sharp on a phone at 320 px wide, small enough to inline in a page.
SIZE = 320
QUALITY = 75
#: Larger images are refused rather than decoded (Pillow's decompression-bomb guard).
MAX_PIXELS = 120_000_000


def folder(state_dir: Path) -> Path:
    """Where thumbnails live."""
    return state_dir / "thumbnails"


def path_for(state_dir: Path, item_id: str, version: str) -> Path:
    """The thumbnail of one version of one item (it may not exist yet)."""
    return folder(state_dir) / f"{item_id}-{version}.jpg"


def make(source: Path, dest: Path, size: int = SIZE) -> Path | None:
    """Write a thumbnail of the image at ``source`` to ``dest`` (unless it is there) and
    return ``dest``; None, with a log line, when the file is not an image Pillow reads."""
    if dest.exists():
        return dest
    try:
        data = _thumbnail_bytes(source, size)
    except Exception as exc:
        # Pillow's decoders meet hostile and broken files with many kinds of exception
        # (OSError, SyntaxError, struct.error, EOFError, DecompressionBombError…); a
        # picture without a preview must never stop a run.
        log.info("no thumbnail for %s: %s", source, exc)
        return None
    # A cache, not a record: written whole (temp file + rename) but not fsynced.
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, dest)
    return dest


def _thumbnail_bytes(source: Path, size: int) -> bytes:
    from PIL import Image, ImageOps  # here: a run that makes no thumbnail never loads Pillow
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    with Image.open(source) as image:
        # JPEG decoders can scale by 1/2…1/8 while decoding: far less work for a photo.
        image.draft("RGB", (size * 2, size * 2))
        upright = ImageOps.exif_transpose(image)
        upright.thumbnail((size, size), Image.Resampling.LANCZOS)
        if upright.mode in ("RGBA", "LA", "P"):
            upright = upright.convert("RGBA")
            flat = Image.new("RGB", upright.size, "white")   # transparency on white
            flat.paste(upright, mask=upright.getchannel("A"))
            upright = flat
        elif upright.mode != "RGB":
            upright = upright.convert("RGB")
        out = io.BytesIO()
        # No exif= and no icc_profile=: the thumbnail carries no metadata at all.
        upright.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
        return out.getvalue()


def prune(state_dir: Path, keep: set[Path]) -> bool:
    """Delete thumbnails of items and versions no longer shown; whether any were."""
    here = folder(state_dir)
    if not here.is_dir():
        return False
    pruned = False
    for path in here.glob("*.jpg"):
        if path not in keep:
            path.unlink(missing_ok=True)
            pruned = True
    return pruned
