"""File names for Commons: descriptive, legal, unique-looking and with the right extension.

Commons' rules (docs/wikimedia.md, "File names"; https://commons.wikimedia.org/wiki/Commons:File_naming):
at most 240 bytes of UTF-8; MediaWiki's title rules (:mod:`syndicate.wikititle`: no
``# < > [ ] | { }``, control characters, HTML entities, ``~~~`` or a leading ``:``);
``: / \\`` become ``-``; the first letter is upper-cased; the
extension matches the content and is not doubled; camera names (``IMG_1234``) are refused
by the upload filter (``bad-prefix``), so a descriptive name is built instead.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

from syndicate import camera_names, wikititle
from syndicate.model import Item

MAX_BYTES = 240

#: Fields a ``filename_pattern`` may use.
PATTERN_FIELDS = frozenset({"title", "date", "year", "source", "organisation", "id", "ext"})
DEFAULT_PATTERN = "{title} ({date}){ext}"

_SEPARATOR_RE = re.compile(r"[:/\\]")
# MediaWiki's default $wgProhibitedFileExtensions (1.39). An upload is refused
# (filetype-banned) when any dot-separated part of its name is one of them, not only the last.
_BANNED_PART_RE = re.compile(
    r"\.(?=(?:html?|js|jsb|mhtml?|xhtml?|php[345s]?|phtml|phar|shtml|jhtml|pl|py|cgi|exe|scr|"
    r"dll|msi|vbs|bat|com|pif|cmd|vxd|cpl|xml)(?:\.|$))", re.IGNORECASE)
_KNOWN_EXTENSIONS = ("jpg", "jpeg", "png", "gif", "webp", "tif", "tiff", "pdf", "svg", "djvu",
                     "ogg", "oga", "ogv", "webm", "flac", "wav", "mp3", "xcf")


def is_camera_name(text: str) -> bool:
    """Whether ``text`` (a title or a file name, with or without its extension) is a
    camera's automatic name (syndicate.camera_names)."""
    return camera_names.is_camera_name(strip_extension(text.strip()))


def strip_extension(text: str) -> str:
    """``text`` without a trailing file extension we know (so ``x.jpg`` never becomes
    ``x.jpg.jpg``)."""
    stem, dot, ext = text.rpartition(".")
    return stem if dot and stem and ext.lower() in _KNOWN_EXTENSIONS else text


def fields_for(item: Item, ext: str, organisation: str) -> dict[str, str]:
    """The values a pattern may use; ``title`` falls back to a name built from the
    organisation and source when the item's own title is a camera name."""
    title = strip_extension(item.title.strip())
    if not title or is_camera_name(title):
        title = f"{organisation} {item.source} {item.id.rsplit('-', 1)[-1]}".strip()
    date = (item.date or "")[:10]
    return {"title": title, "date": date, "year": date[:4], "source": item.source,
            "organisation": organisation, "id": item.id, "ext": "." + ext}


def check_pattern(pattern: str) -> str | None:
    """What is wrong with a ``filename_pattern``, or None."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
    except ValueError as error:
        return f"filename_pattern {pattern!r} is not a valid pattern: {error}"
    unknown = names - PATTERN_FIELDS
    if unknown:
        return (f"filename_pattern uses unknown field(s) {', '.join(sorted(unknown))}; "
                f"known: {', '.join(sorted(PATTERN_FIELDS))}")
    if "title" not in names and "id" not in names:
        return "filename_pattern needs {title} or {id} so that names differ"
    return None


def build(pattern: str, fields: dict[str, str]) -> str:
    """The file name from ``pattern``, made legal, ending in ``fields['ext']``."""
    ext = fields["ext"]
    values = {key: value for key, value in fields.items() if key != "ext"}
    stem = pattern.replace("{ext}", "").format(**values)
    return clean(stem, ext)


def clean(stem: str, ext: str) -> str:
    """A legal Commons file name from ``stem`` and ``ext`` (with its dot)."""
    stem = wikititle.legal_title(_SEPARATOR_RE.sub("-", stem)).strip(" .-")
    stem = wikititle.capitalised(strip_extension(stem).strip(" .-") or "File")
    budget = MAX_BYTES - len(ext.encode("utf-8"))
    if len(stem.encode("utf-8")) > budget:
        stem = wikititle.truncated(stem, budget).rstrip(" .-")
    return _BANNED_PART_RE.sub(" ", stem) + ext


def with_suffix(name: str, number: int) -> str:
    """``Name (2).ext``: the name for the ``number``-th file that wanted ``name``."""
    path = Path(name)
    return clean(f"{path.stem} ({number})", path.suffix)
