"""What Commons needs before a file may go there, beyond the checks every destination
shares (syndicate.checks: credit line, OGL exclusions, evidence, missing files).

Errors are what Commons would refuse or delete the file for: a file type the wiki does not
take (asked from siteinfo), a file too big for it, and no source at all (Commons tags files
without a source for deletion after seven days,
https://commons.wikimedia.org/wiki/Commons:Deletion_policy). Warnings are what Commons
accepts but a person should look at: no date (the page says ``{{Unknown|date}}``), no
specific category, and a camera title that makes the sink build the file name itself.
Identifiable people, logos and insignia get descriptive tags on the page
(https://commons.wikimedia.org/wiki/Commons:Non-copyright_restrictions).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from syndicate import logos
from syndicate.model import Finding, Item, Severity
from syndicate.sinks.commons import filepage
from syndicate.sinks.commons.filenames import is_camera_name, strip_extension
from syndicate.sinks.commons.filetypes import sniff

_MEDIA_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif",
                "image/webp": "webp", "image/tiff": "tif", "image/svg+xml": "svg",
                "application/pdf": "pdf", "image/vnd.djvu": "djvu", "audio/ogg": "ogg",
                "video/ogg": "ogv", "video/webm": "webm", "audio/flac": "flac",
                "audio/wav": "wav", "audio/x-wav": "wav", "audio/mpeg": "mp3"}


@dataclass(frozen=True)
class Limits:
    """What the wiki takes: file extensions (from siteinfo) and the largest size."""

    extensions: Collection[str]
    max_size: int


def _words(item: Item) -> tuple[str, ...]:
    name = item.path.name if item.path else urlsplit(item.media_url or "").path
    return item.title, item.alt, item.description, name


def is_logo(item: Item) -> bool:
    return bool(item.extra.get("logo")) or logos.logo_word(*_words(item)) is not None


def is_insignia(item: Item) -> bool:
    return bool(item.extra.get("insignia")) or logos.insignia_word(*_words(item)) is not None


def restriction_tags(item: Item) -> list[str]:
    """Descriptive tags the item calls for, in Commons' usual order."""
    tags = []
    if item.people_identifiable:
        tags.append(filepage.PERSONALITY_RIGHTS)
    if is_logo(item):
        tags.append(filepage.TRADEMARKED)
    if is_insignia(item):
        tags.append(filepage.INSIGNIA)
    return tags


def guess_extension(item: Item) -> str | None:
    """The file's extension: from its bytes when it is here, else from what the source
    said (the upload checks the bytes again)."""
    if item.path is not None and item.path.is_file():
        return sniff(item.path)
    if item.media_type:
        return _MEDIA_TYPES.get(item.media_type.split(";")[0].strip().lower())
    name = Path(urlsplit(item.media_url or "").path).name
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    return {"jpeg": "jpg", "tiff": "tif"}.get(ext, ext) or None


def file_findings(item: Item, limits: Limits, sink: str) -> list[Finding]:
    """The file itself: there, of a type the wiki takes, not empty and not too big."""
    def error(code: str, message: str) -> Finding:
        return Finding(code, "error", message, sink)

    if item.path is None and not item.media_url:
        return [error("commons.no-file", f"{item.id} has no file to upload")]
    ext = guess_extension(item)
    if ext is None:
        return [error("commons.file-type", f"{item.id}: cannot tell what kind of file this is; "
                      "Commons takes " + ", ".join(sorted(limits.extensions)))]
    if ext not in limits.extensions:
        return [error("commons.file-type", f"{item.id}: .{ext} files are not accepted on "
                      "Commons; convert it (e.g. a Word file to PDF) or remove the sink")]
    size = item.path.stat().st_size if item.path is not None and item.path.is_file() \
        else item.size
    if size == 0:
        return [error("commons.file-empty", f"{item.id}: the file is empty")]
    if size is not None and size > limits.max_size:
        return [error("commons.file-too-large", f"{item.id}: {size} bytes is more than the "
                      f"{limits.max_size} bytes allowed; make the file smaller")]
    return []


def description_findings(item: Item, categories: Collection[str], sink: str) -> list[Finding]:
    """Source, date, categories and name: what Commons reviewers look for."""
    found = []

    def add(code: str, severity: Severity, message: str) -> None:
        found.append(Finding(code, severity, message, sink))

    if not (item.url or item.media_url or item.evidence):
        add("commons.no-source", "error", f"{item.id} has neither a public URL nor a licence "
            "statement; Commons deletes files without a source. Publish it on the council's "
            "site first or set licensing.evidence")
    if not item.date:
        add("commons.no-date", "warning", f"{item.id} has no date; the page will say "
            "{{Unknown|date}}")
    if not filepage.categories(item, categories):
        add("commons.no-category", "warning", f"{item.id} has no category; set the sink's "
            "categories (Commons wants at least one specific category)")
    already = any(finding.code == "file.camera-name" for finding in item.findings)
    if is_camera_name(strip_extension(item.title)) and not already:
        add("commons.camera-name", "warning", f"{item.id}: {item.title!r} is a camera's "
            "file name; the file name will be built from the organisation and source. Give "
            "the item a descriptive title")
    return found
