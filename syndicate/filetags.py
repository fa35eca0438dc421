"""Licence metadata inside files: XMP (and IPTC for JPEG), written and read with ExifTool.

Why ExifTool: it is the reference implementation of XMP, IPTC IIM and EXIF writing, handles
JPEG, PNG, WebP, TIFF and PDF alike, keeps every tag it is not told to change, and never
re-encodes image data (PDFs get an incremental update). Debian packages it as
``libimage-exiftool-perl``. syndicate drives one long-lived ExifTool process
(``-stay_open``, through the PyExifTool wrapper) for a whole run and hands it the tags as
JSON (``-j=FILE``), so no value is ever spliced into a command line or an XMP packet.

Fields written (docs/metadata.md, "Files"): ``xmpRights:WebStatement``, ``xmpRights:Marked``,
``xmpRights:UsageTerms``, ``cc:license``, ``cc:attributionName``, ``cc:attributionURL``,
``dc:creator``, ``dc:rights``, ``photoshop:Credit``, ``plus:Licensor`` (name and URL); for
JPEG also IPTC IIM By-line, Credit and CopyrightNotice (UTF-8, cut to the IIM lengths).
GPS positions (EXIF GPS and XMP-exif GPS tags) are removed unless ``keep_location``.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import exiftool
from exiftool.exceptions import ExifToolException

from syndicate import imagedata
from syndicate.errors import InputError, SyndicateError
from syndicate.model import file_sha1
from syndicate.rights import Rights
from syndicate.signatures import sniff_media_type

INSTALL_HINT = ("install ExifTool: `sudo apt install libimage-exiftool-perl` on Debian or "
                "Ubuntu, `brew install exiftool` on macOS")
WRITABLE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/tiff",
                            "application/pdf"})
# ExifTool's JSON import keys tags by name, so IPTC:Credit would collide with
# XMP-photoshop:Credit: it goes on the argument list instead (one line, as IIM text is).
_AS_ARGUMENT = ("IPTC:Credit",)
# EXIF's GPS directory and its XMP twin (XMP-exif:GPSLatitude …).
_GPS_DELETE = ("-GPS:all=", "-XMP-exif:GPS*=")
_GPS_READ = ("-GPS:all", "-XMP-exif:all")


class ExifToolMissing(SyndicateError):
    """ExifTool is not installed: nothing can be written into files."""

    def __init__(self) -> None:
        super().__init__("ExifTool is not installed, so syndicate cannot write licence "
                         f"metadata into files; {INSTALL_HINT}")


class TaggingError(InputError):
    """One file could not be tagged (damaged, unreadable); the message names it."""


def metadata_tags(rights: Rights, media_type: str) -> dict[str, Any]:
    """The tags (ExifTool group:name → value) that carry ``rights`` in a file of this type."""
    tags: dict[str, Any] = {
        "XMP-xmpRights:WebStatement": rights.web_statement,
        "XMP-xmpRights:Marked": rights.marked,
        "XMP-xmpRights:UsageTerms": rights.credit_text,
        "XMP-cc:License": rights.licence.url,
        "XMP-cc:AttributionName": rights.creator,
        "XMP-dc:Creator": [rights.creator],
        "XMP-dc:Rights": rights.copyright_notice,
        "XMP-photoshop:Credit": rights.creator,
        "XMP-plus:Licensor": [{"LicensorName": rights.licensor,
                               "LicensorURL": rights.licensor_url}],
    }
    if rights.work_url:
        tags["XMP-cc:AttributionURL"] = rights.work_url
    if media_type == "image/jpeg":
        # IIM's length limits (By-line 32 bytes…) are ignored by today's readers, as IPTC
        # itself notes; ExifTool keeps the whole text under -m instead of cutting names.
        tags.update({"IPTC:CodedCharacterSet": "UTF8", "IPTC:By-line": rights.creator,
                     "IPTC:Credit": " ".join(rights.creator.split()),
                     "IPTC:CopyrightNotice": rights.copyright_notice})
    return tags


class ExifTool:
    """One ExifTool process (``-stay_open``) serving many reads and writes."""

    def __init__(self) -> None:
        executable = shutil.which("exiftool")
        if executable is None:
            raise ExifToolMissing()
        self._tool = exiftool.ExifToolHelper(executable=executable, encoding="utf-8",
                                             common_args=["-G1", "-struct"])
        _on_lasting_thread(self._tool.run)

    def read(self, path: Path, *tags: str) -> dict[str, Any]:
        """The named tags (``-GROUP:Name``) of one file, as ExifTool's JSON gives them."""
        _one_line(path)
        try:
            result = self._tool.execute_json(*tags, str(path))
        except ExifToolException as exc:
            raise TaggingError(f"{path}: ExifTool cannot read it ({_why(exc)})") from None
        return dict(result[0]) if result else {}

    def write(self, source: Path, dest: Path, tags: Mapping[str, Any], *,
              strip_gps: bool) -> None:
        """Write ``source`` with ``tags`` set (and GPS removed) to the new file ``dest``.
        ExifTool edits a copy in place: its ``-o`` refuses WebP (ExifTool 12.57)."""
        _one_line(dest)
        shutil.copyfile(source, dest)
        with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8",
                                         delete=False) as handle:
            json.dump([{"SourceFile": "*", **{key: value for key, value in tags.items()
                                               if key not in _AS_ARGUMENT}}],
                      handle, ensure_ascii=False)
        arguments = [f"-{key}={tags[key]}" for key in _AS_ARGUMENT if key in tags]
        try:
            self._tool.execute("-m", f"-j={handle.name}", *arguments,
                               *(_GPS_DELETE if strip_gps else ()), "-overwrite_original",
                               str(dest))
        except ExifToolException as exc:
            raise TaggingError(f"{source}: ExifTool could not write its licence metadata "
                               f"({_why(exc)})") from None
        finally:
            os.unlink(handle.name)

    def close(self) -> None:
        if self._tool.running:
            self._tool.terminate()


_starts: queue.SimpleQueue[tuple[Callable[[], None], threading.Event, list[Exception]]] = \
    queue.SimpleQueue()
_starter: threading.Thread | None = None
_starter_lock = threading.Lock()


def _on_lasting_thread(start: Callable[[], None]) -> None:
    """Run ``start`` (which starts ExifTool) on a thread that lasts as long as the process.
    pyexiftool ties the process to the thread that starts it (PR_SET_PDEATHSIG): started
    from a plugin's worker thread (:mod:`syndicate.boundary`) it would die when that thread
    ends, and the next user would find it dead."""
    global _starter
    with _starter_lock:
        if _starter is None:
            _starter = threading.Thread(target=_serve_starts, daemon=True,
                                        name="exiftool starter")
            _starter.start()
    done, failed = threading.Event(), list[Exception]()
    _starts.put((start, done, failed))
    done.wait()
    if failed:
        raise failed[0]


def _serve_starts() -> None:
    while True:
        start, done, failed = _starts.get()
        try:
            start()
        except Exception as exc:  # handed back to the caller
            failed.append(exc)
        finally:
            done.set()


def _one_line(path: Path) -> None:
    """``-stay_open`` takes one argument a line: a line break in a file name would turn the
    rest of the name into ExifTool options."""
    if "\n" in str(path) or "\r" in str(path):
        raise TaggingError(f"{str(path)!r}: a file name with a line break cannot be handed "
                           "to ExifTool; rename the file")


def _why(exc: ExifToolException) -> str:
    return " ".join(str(getattr(exc, "stderr", "") or exc).split())


Status = Literal["written", "unchanged", "not-writable"]


@dataclass(frozen=True)
class Tagged:
    """Where an item's file with its licence metadata is, and whether this run wrote it."""

    path: Path
    status: Status


class FileTagger:
    """Writes items' licence metadata into copies under ``folder`` or into the files.

    A copy is named after the item, the original's SHA-1 and the tags it carries, so an
    existing copy is already right (a rerun writes nothing) and a changed file or licence
    gets a new one; older copies of the item are removed. A file that already carries the
    tags (and no GPS to remove) is used as it is.
    """

    def __init__(self, folder: Path, tool: ExifTool | None = None) -> None:
        self.folder = folder
        self._tool = tool

    @property
    def tool(self) -> ExifTool:
        if self._tool is None:
            self._tool = ExifTool()
        return self._tool

    def tag(self, item_id: str, source: Path, rights: Rights, *, keep_location: bool = False,
            in_place: bool = False) -> Tagged:
        """Tag ``source`` (the file of item ``item_id``) with ``rights``."""
        media_type = sniff_media_type(source)
        if media_type not in WRITABLE_TYPES:
            return Tagged(source, "not-writable")
        tags = metadata_tags(rights, media_type)
        if in_place:
            if self._carries(source, tags, strip_gps=not keep_location):
                return Tagged(source, "unchanged")
            self._write(source, source, media_type, tags, keep_location)
            return Tagged(source, "written")
        key = file_sha1(source) + json.dumps([tags, keep_location], sort_keys=True)
        dest = self.folder / f"{item_id}-{_short_hash(key)}{source.suffix.lower()}"
        if dest.exists():
            return Tagged(dest, "unchanged")
        if self._carries(source, tags, strip_gps=not keep_location):
            return Tagged(source, "unchanged")
        self._write(source, dest, media_type, tags, keep_location)
        mine = re.compile(re.escape(item_id) + r"-[0-9a-f]{16}\.\w+")
        for old in self.folder.iterdir():
            if old != dest and mine.fullmatch(old.name):
                old.unlink(missing_ok=True)
        return Tagged(dest, "written")

    def close(self) -> None:
        if self._tool is not None:
            self._tool.close()

    def _carries(self, path: Path, tags: Mapping[str, Any], *, strip_gps: bool) -> bool:
        found = self.tool.read(path, *(f"-{key}" for key in tags),
                               *(_GPS_READ if strip_gps else ()))
        if strip_gps and any(key.startswith(("GPS:", "XMP-exif:GPS")) for key in found):
            return False
        return all(_same(value, found.get(key)) for key, value in tags.items()
                   if key != "IPTC:CodedCharacterSet")

    def _write(self, source: Path, dest: Path, media_type: str, tags: Mapping[str, Any],
               keep_location: bool) -> None:
        """Write to a temporary file beside ``dest``, check the image data, then rename:
        ``dest`` is either the old file or the complete new one, never half-written."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        temporary = dest.parent / f".syndicate-tagging-{os.getpid()}{dest.suffix}"
        temporary.unlink(missing_ok=True)
        try:
            self.tool.write(source, temporary, tags, strip_gps=not keep_location)
            if not imagedata.unchanged(source, temporary, media_type):
                raise TaggingError(f"{source}: the image data changed while writing its "
                                   "metadata; the file was left as it was")
            shutil.copymode(source, temporary)
            os.replace(temporary, dest)
        finally:
            temporary.unlink(missing_ok=True)


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _same(wanted: Any, found: Any) -> bool:
    """ExifTool reads a one-element list back as a scalar and numbers as numbers."""
    if isinstance(wanted, list) and len(wanted) == 1 and not isinstance(found, list):
        wanted = wanted[0]
    if isinstance(wanted, bool) or isinstance(found, bool):
        return str(wanted).lower() == str(found).lower()
    return bool(wanted == found)
