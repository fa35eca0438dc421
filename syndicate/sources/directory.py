"""The directory source: a folder of photos and documents, each described by a YAML sidecar.

A web team drops ``town-hall.jpg`` into the folder with ``town-hall.jpg.yaml`` (or
``town-hall.yaml``) next to it saying what it is, who made it and under which licence::

    title: Town hall in spring
    creator: Jane Smith
    date: 2025-04-12
    licence: cc-by-4.0            # a registry id, a licence URL or a licence name
    people_identifiable: false
    expires: 2026-12-01           # optional: taken off the partner feeds from then

The sidecar is optional (the title then comes from the file name). Every file becomes an
``image`` or ``document`` item; the type is read from the file's first bytes, not trusted
from its extension, so a renamed file cannot pass itself off as another type.
"""

from __future__ import annotations

import datetime
import difflib
import fnmatch
import logging
import os
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any, Literal
from urllib.parse import urlsplit

from syndicate import dates, embedded
from syndicate.errors import InputError, SourceError
from syndicate.model import Item, Kind, make_id
from syndicate.options import Boolean, FilePath, LanguageTag, ListOf, Option, Text
from syndicate.signatures import sniff_media_type
from syndicate.sources import expiry
from syndicate.sources.base import Source, SourceContext
from syndicate.yamlfile import Document, load

logger = logging.getLogger(__name__)

_DOCUMENT_TYPES = frozenset({"image/vnd.djvu"})

_TEXT_KEYS = ("title", "description", "creator", "alt")
_URL_KEYS = ("url", "creator_url", "source_url")
_FLAG_KEYS = ("people_identifiable", "third_party")
SIDECAR_KEYS: frozenset[str] = frozenset(
    {*_TEXT_KEYS, *_URL_KEYS, *_FLAG_KEYS, "date", "licence", "categories", "keep_location",
     "expires"})


class DirectorySource(Source):
    """Photos and documents in a local folder, described by YAML sidecars.

    Config keys: ``path`` (the folder, relative to syndicate.yaml), ``recursive`` (default
    true), ``include`` (glob patterns; a pattern without ``/`` matches the file name, one
    with ``/`` the path inside the folder; default: every file of a known type) and
    ``sidecar`` (the sidecar suffix, default ``.yaml``). Hidden files and folders are
    ignored. ``language`` (a tag such as ``cy``) says what the sidecars are written in,
    when it is not the organisation's language. Items come in path order; an item's id
    depends only on the source name and the file's path inside the folder, so moving the
    whole folder keeps every id.
    """

    options = (
        Option("path", FilePath(), required=True,
               description="The folder of the files, relative to syndicate.yaml."),
        Option("recursive", Boolean(), default=True, description="Read sub-folders too."),
        Option("include", ListOf(Text(hint='a file pattern such as "*.jpg"')), default=["*"],
               description="File patterns to read (a pattern with / matches the path)."),
        Option("sidecar", Text(r"\.[\w.-]+", 'a file name suffix such as ".yaml"'),
               default=".yaml", description="Suffix of the YAML sidecar beside each file."),
        Option("language", LanguageTag(), description="What the sidecars are written in, "
               "when not organisation.language (cy for Welsh)."),
    )
    complete_listing = True

    def __init__(self, name: str, config: Mapping[str, Any], context: SourceContext) -> None:
        super().__init__(name, config, context)
        self.root = context.base_dir / self.config["path"]
        self.recursive: bool = self.config["recursive"]
        self.include: list[str] = self.config["include"]
        self.sidecar: str = self.config["sidecar"]
        self.language: str | None = self.config["language"]

    def items(self) -> Iterator[Item]:
        if not self.root.is_dir():
            raise SourceError(f"{self.root.absolute()}: no such folder (source "
                              f"{self.name!r}); create it or correct its path in syndicate.yaml",
                              retry=False, key="path")
        yield from self._folder(self.root)

    def _folder(self, folder: Path) -> Iterator[Item]:
        try:
            entries = sorted((e for e in os.scandir(folder) if not e.name.startswith(".")),
                             key=lambda e: e.name)
        except OSError as exc:
            raise SourceError(f"{folder}: cannot be listed ({exc.strerror})") from None
        files = [e.name for e in entries if e.is_file()]
        sidecars = _pair_sidecars(folder, files, self.sidecar, self.context.problem)
        for entry in entries:
            # Linked folders are not followed (as os.walk): a link to a parent would loop.
            if entry.is_dir(follow_symlinks=False):
                if self.recursive:
                    yield from self._folder(folder / entry.name)
            elif entry.is_file() and not entry.name.endswith(self.sidecar):
                sidecar = sidecars.get(entry.name)
                item = None if sidecar is False else self._contained(folder / entry.name,
                                                                      sidecar)
                if item is not None:
                    yield item

    def _contained(self, path: Path, sidecar: Path | None) -> Item | None:
        """One file and its sidecar; anything raised while reading them costs this file
        only (a problem naming it, read again next run), never the rest of the folder."""
        try:
            return self._item(path, sidecar)
        except InputError as exc:
            self.context.problem(f"{exc}; {path.name} is skipped until it is fixed")
        except Exception as exc:  # RecursionError, MemoryError from a hostile sidecar…
            self.context.problem(f"{sidecar or path}: cannot be read ({type(exc).__name__}: "
                                 f"{exc}); {path.name} is skipped until it is fixed")
        return None

    def _item(self, path: Path, sidecar: Path | None) -> Item | None:
        relative = PurePosixPath(path.relative_to(self.root).as_posix())
        if not any(fnmatch.fnmatchcase(str(relative) if "/" in pattern else relative.name,
                                       pattern) for pattern in self.include):
            return None
        media_type = sniff_media_type(path)
        if media_type is None:
            logger.info("%s: not an image or document type syndicate knows; skipped", path)
            return None
        kind: Kind = ("image" if media_type.startswith("image/")
                      and media_type not in _DOCUMENT_TYPES else "document")
        item = Item(id=make_id(self.name, str(relative)), source=self.name, kind=kind,
                    title=title_from_file_name(path.name), path=path, media_type=media_type,
                    size=path.stat().st_size, language=self.language)
        if sidecar is not None:
            apply_sidecar(item, load(sidecar), path.name)
        embedded.read_embedded(item)  # a photographer's own XMP/IPTC licence and creator
        return item


def title_from_file_name(name: str) -> str:
    """``riverside_park-bandstand.jpg`` → ``Riverside park bandstand``."""
    words = " ".join(re.split(r"[\s_-]+", PurePosixPath(name).stem)).strip()
    return words[:1].upper() + words[1:] if words else name


def _pair_sidecars(folder: Path, files: list[str], suffix: str,
                   problem: Callable[[str], None]) -> dict[str, Path | Literal[False]]:
    """Map each media file of a folder to its sidecar: ``photo.jpg.yaml`` first, else
    ``photo.yaml`` when exactly one media file has the stem ``photo`` (``False``: several
    could claim it, a problem for ``problem``; those files wait until it is renamed).
    Sidecars that describe no file are logged: the file may have been renamed."""
    sidecars = {name for name in files if name.endswith(suffix)}
    media = [name for name in files if name not in sidecars]
    by_stem: dict[str, list[str]] = {}
    for name in media:
        if name + suffix not in sidecars:
            by_stem.setdefault(PurePosixPath(name).stem + suffix, []).append(name)
    paired: dict[str, Path | Literal[False]] = {}
    for name in media:
        short = PurePosixPath(name).stem + suffix
        if name + suffix in sidecars:
            paired[name] = folder / (name + suffix)
        elif short in sidecars:
            claimants = by_stem[short]
            if len(claimants) > 1:
                paired[name] = False
                if name == claimants[0]:
                    problem(f"{folder / short}: could describe {' or '.join(claimants)}; "
                            f"rename it after the file it describes, e.g. "
                            f"{claimants[0] + suffix} (those files wait until then)")
                continue
            paired[name] = folder / short
    claimed = {path.name for path in paired.values() if path is not False}
    claimed |= {PurePosixPath(name).stem + suffix for name, path in paired.items()
                if path is False}
    for orphan in sorted(sidecars - claimed):
        logger.warning("%s: no file for this sidecar to describe (renamed or deleted?); "
                       "ignored", folder / orphan)
    return paired


def apply_sidecar(item: Item, doc: Document, file_name: str) -> None:
    """Fill ``item`` from a parsed sidecar, refusing unknown keys and wrong types with the
    sidecar's file and line. An empty value counts as not given."""
    data = {} if doc.data is None else doc.data
    if not isinstance(data, dict):
        raise InputError(f"{doc.path}: a sidecar must be a list of keys such as "
                         f"'title: …' describing {file_name}")
    for key, value in data.items():
        if key not in SIDECAR_KEYS:
            raise InputError(f"{doc.where(key)}: unknown key {key!r} in the sidecar of "
                             f"{file_name}; {_suggest(str(key))}")
        if value is None:
            continue
        if key in _TEXT_KEYS:
            setattr(item, key, _text(doc, key, value))
        elif key in _URL_KEYS:
            url = _url(doc, key, value)
            if key == "source_url":
                item.extra["source_url"] = url
            else:
                setattr(item, key, url)
        elif key in (*_FLAG_KEYS, "keep_location"):
            if not isinstance(value, bool):
                raise InputError(f"{doc.where(key)}: {key} must be true or false, "
                                 f"not {value!r}")
            if key == "keep_location":  # GPS stays in files sent out (filetags)
                item.extra[key] = value
            else:
                setattr(item, key, value)
        elif key == "date":
            item.date = _date(doc, value)
            if dates.parse_date(item.date) is None:
                item.findings.append(dates.unreadable(item.id, f"date in {doc.path.name}",
                                                      value))
        elif key == "licence":
            item.declared_licences = _text_list(doc, key, value)
        elif key == "expires":
            item.extra["expires"] = _expires(doc, value)
        else:
            item.categories = _text_list(doc, key, value)


def _suggest(key: str) -> str:
    close = difflib.get_close_matches(key, sorted(SIDECAR_KEYS), n=1)
    if close:
        return f"did you mean {close[0]!r}?"
    return "the keys a sidecar may have are " + ", ".join(sorted(SIDECAR_KEYS))


def _text(doc: Document, key: str, value: Any) -> str:
    # A bare number (title: 1984) is text a person meant; a list or mapping is a slip.
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value).strip()
    raise InputError(f"{doc.where(key)}: {key} must be text, not {value!r}")


def _url(doc: Document, key: str, value: Any) -> str:
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"{doc.where(key)}: {key} must be a web address starting "
                         f"https://, not {value!r}")
    return str(value)


def _date(doc: Document, value: Any) -> str:
    """ISO 8601 for a date we can read (``28/11/2026`` and ``28 November 2026`` are UK
    day-first dates); anything else ("spring 1962") kept as written, for sinks that take
    free text, with a finding from the caller."""
    if isinstance(value, datetime.date):  # YAML reads 2025-04-12 as a date (datetime too)
        return value.isoformat()
    if isinstance(value, str | int) and not isinstance(value, bool):
        return _iso(str(value).strip())
    raise InputError(f"{doc.where('date')}: date must be a date such as 2025-04-12, "
                     f"not {value!r}")


def _iso(text: str) -> str:
    moment = dates.parse_date(text)
    if moment is None or _looks_iso(text):
        return text
    midnight = (moment.hour, moment.minute, moment.second) == (0, 0, 0)
    return moment.date().isoformat() if midnight else dates.rfc3339(moment) or text


def _looks_iso(text: str) -> bool:
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ].*)?", text) is not None


def _expires(doc: Document, value: Any) -> str:
    found = expiry.normalise(value)
    if found is None:
        raise InputError(f"{doc.where('expires')}: expires must be a date or date-time such "
                         f"as 2026-12-01 or 2026-12-01T18:00:00Z, not {value!r}")
    return found


def _text_list(doc: Document, key: str, value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) and v.strip() for v in values):
        raise InputError(f"{doc.where(key)}: {key} must be text or a list of texts, "
                         f"not {value!r}")
    return [v.strip() for v in values]
