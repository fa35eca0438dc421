"""Reading licence URLs: what a Creative Commons or OGL URL points at, in any of the forms
it takes in the wild, and why a URL that points at no licence in the registry is refused."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from syndicate.errors import InputError
from syndicate.licences import Licence, Recognition

ELEMENTS = ("by", "nc", "nd", "sa")


class Ref(NamedTuple):
    """Where a licence URL points, with the decoration (scheme, www, deed, case) removed."""

    scheme: str               # "cc" or "ogl"
    unit: str                 # "licenses/by-sa", "publicdomain/zero", "open-government-licence"
    version: str | None       # "4.0"; None when the URL names no version
    jurisdiction: str | None  # CC port ("de", "uk", "scotland"); None when generic


_PAGE_SUFFIX = re.compile(r"^(?:deed|legalcode|rdf)(?:\.[a-z0-9_@-]+)*$|\.(?:html?|rdf)$")
# creativecommons.org's pages about CC0 and the Public Domain Mark, linked as if licences.
_SHARE_YOUR_WORK = {"cc0": Ref("cc", "publicdomain/zero", "1.0", None),
                    "pdm": Ref("cc", "publicdomain/mark", "1.0", None)}
QUOTES = "<>\"'`\u201c\u201d\u2018\u2019\u00ab\u00bb"  # and typographic quotes
EMBEDDED_URL = re.compile(
    r"(?:https?:)?//[^\s<>\"'()\[\]]+"
    r"|(?<![\w./-])(?:www\.)?(?:creativecommons\.org|nationalarchives\.gov\.uk)/[^\s<>\"'()\[\]]*",
    re.IGNORECASE)
URL_START = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//|^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+/")


def version_text(text: str) -> str:
    """``4`` and ``4.0`` are the same version; URLs and names use both."""
    return f"{text}.0" if text.isdigit() else text


def parse_url(text: str) -> Ref | None:
    """The licence a CC or OGL URL points at, or None if it is not such a URL."""
    raw = text.strip().strip(QUOTES).strip().lower()
    if not raw.startswith(("http:", "https:", "//")):
        raw = "http://" + raw
    parts = urlsplit(raw)
    host = (parts.hostname or "").removeprefix("www.")
    segments = [s for s in unquote(parts.path).split("/") if s]
    if len(segments) > 1 and segments[0] == "licenses":
        segments[1] = _element_order(segments[1])
    while segments and _PAGE_SUFFIX.search(segments[-1]):
        segments.pop()
    if host == "creativecommons.org" and segments[:2] == ["share-your-work", "public-domain"]:
        return _SHARE_YOUR_WORK.get(segments[2]) if len(segments) == 3 else None
    if host == "creativecommons.org" and 2 <= len(segments) <= 4 \
            and segments[0] in ("licenses", "publicdomain"):
        version = version_text(segments[2]) if len(segments) > 2 else None
        jurisdiction = segments[3] if len(segments) > 3 else None
        return Ref("cc", f"{segments[0]}/{segments[1]}", version, jurisdiction)
    if host == "nationalarchives.gov.uk" and len(segments) >= 2 and segments[0] == "doc" \
            and segments[1].startswith("open-government-licence"):
        rest = segments[2:]
        if not rest:
            return Ref("ogl", segments[1], None, None)
        if len(rest) == 2 and rest[0] == "version":
            return Ref("ogl", segments[1], version_text(rest[1]), None)
    return None


def _element_order(unit: str) -> str:
    """CC's 1.0-era URLs put ND before NC (``by-nd-nc``); it is the same licence."""
    parts = unit.split("-")
    if set(parts) <= set(ELEMENTS):
        return "-".join(sorted(parts, key=ELEMENTS.index))
    return unit


class UrlIndex:
    """The registry's licences by the URL they live at (canonical URL and aliases)."""

    def __init__(self, licences: list[Licence]) -> None:
        self.licences = licences
        self.cc_codes = {lic.jurisdiction for lic in licences
                         if lic.jurisdiction and lic.family == "cc"}
        self.by_ref: dict[Ref, Licence] = {}
        for licence in licences:
            self._add(licence)

    def _add(self, licence: Licence) -> None:
        for url in (licence.url, *licence.aliases):
            ref = parse_url(url)
            if ref is None or ref.version is None:
                raise InputError(f"licence registry: {licence.id}: {url} is not a versioned "
                                 "Creative Commons or Open Government Licence URL")
            if self.by_ref.get(ref, licence) is not licence:
                raise InputError(f"licence registry: {url} belongs to both "
                                 f"{self.by_ref[ref].id} and {licence.id}")
            self.by_ref[ref] = licence

    def recognise_url(self, url: str) -> Recognition:
        """The licence a URL points at, or why none."""
        ref = parse_url(url)
        if ref is None:
            return Recognition.failed("licence.unknown", f"{url} is not a Creative Commons or "
                                      "Open Government Licence URL that syndicate knows; "
                                      "choose a licence from `syndicate licences`")
        licence = self.by_ref.get(ref)
        return Recognition.of([licence]) if licence else self._explain_url(url, ref)

    def _explain_url(self, url: str, ref: Ref) -> Recognition:
        same_unit = {lic: r for r, lic in self.by_ref.items()
                     if (r.scheme, r.unit) == (ref.scheme, ref.unit)}
        if not same_unit:
            return Recognition.failed("licence.unknown", f"{url} is not a licence in "
                                      "syndicate's registry; choose one from `syndicate "
                                      "licences`")
        if ref.version is None:
            options = [lic for lic, r in same_unit.items() if r.jurisdiction == ref.jurisdiction]
            return ambiguous(url, options or list(same_unit))
        if ref.jurisdiction is None:
            known_versions = {r.version for r in self.by_ref if r.scheme == ref.scheme}
            if ref.scheme == "ogl" and ref.version in known_versions:
                ogl = [lic for lic in self.licences if lic.family == "ogl"]
                return Recognition.failed(
                    "licence.unknown", f"{url}: this text of that OGL version is not in "
                    f"syndicate's registry; use the English text's URL instead: {listing(ogl)}")
            options = [lic for lic, r in same_unit.items() if r.jurisdiction is None]
            return Recognition.failed("licence.nonexistent", f"{url} does not exist: there is "
                                      f"no version {ref.version} of this licence. What "
                                      f"exists: {listing(options)}.")
        ports = [lic for lic, r in same_unit.items() if r.jurisdiction == ref.jurisdiction]
        if ref.jurisdiction in self.cc_codes:
            versions = ports or [lic for lic, r in same_unit.items() if r.jurisdiction]
            return Recognition.failed(
                "licence.nonexistent", f"{url} does not exist: Creative Commons never "
                f"published version {ref.version} of this licence for '{ref.jurisdiction}'. "
                f"The ports that exist are {listing(versions)}; a generic version is a "
                "different licence and cannot stand in for a port.")
        return Recognition.failed("licence.nonexistent", f"{url} does not exist: Creative "
                                  f"Commons never ported a licence to '{ref.jurisdiction}'. "
                                  f"What exists: {listing(_generic(same_unit))}.")


def ambiguous(what: str, options: list[Licence]) -> Recognition:
    """The finding for a licence named or linked without a version."""
    note = ""
    if any(lic.commons_template == "OGL" for lic in options):
        note = " (On Commons the tag {{OGL}} means v1.0; write it with its braces.)"
    return Recognition.failed(
        "licence.ambiguous", f"{what!r} names no version, and the licence exists in "
        f"several: {listing(options)}. Ask the publisher (the council) to state the "
        f"version they mean.{note}")


def _generic(licences: Iterable[Licence]) -> list[Licence]:
    return [lic for lic in licences if lic.jurisdiction is None]


def listing(licences: list[Licence]) -> str:
    """"CC BY 2.0 UK (https://…), …" for messages."""
    return ", ".join(f"{lic.short_name} ({lic.url})" for lic in licences)
