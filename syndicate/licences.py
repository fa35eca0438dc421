"""The licence registry: what each licence allows, where it may go, and how to recognise it.

Every fact about a licence lives in one YAML file under ``licences/`` (installed as the
package ``syndicate.registry``); this module is the only code that reads those files, so no
other module needs to know a licence id, URL or template name.

Recognition is strict on purpose: a wrong licence tag on Wikimedia Commons is a copyright
violation, so a URL or name that does not match a real licence becomes a :class:`Finding`
(``licence.nonexistent``, ``licence.ambiguous`` or ``licence.unknown``) instead of a guess,
and a ported licence (``by/2.0/uk``) is never collapsed into its unported parent.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from syndicate import yamlfile
from syndicate.errors import InputError
from syndicate.model import Finding

GATES = frozenset({"commons", "wikipedia_text"})
CONDITIONS = frozenset({"attribution", "share-alike", "non-commercial", "no-derivatives"})
FAMILIES = frozenset({"cc", "ogl", "pd"})


@dataclass(frozen=True)
class Licence:
    """One licence (or public-domain tool) from the registry.

    ``commons`` and ``wikipedia_text`` say whether Wikimedia Commons accepts media under it
    and whether English Wikipedia accepts text under it; ``commons_template`` is the Commons
    licence tag without braces; ``wikipedia_template`` with ``wikipedia_template_params`` is
    the notice that marks imported text. ``attribution_statement`` is the fixed credit text
    the licence itself prescribes (the OGL's), if any.
    """

    id: str
    name: str
    short_name: str
    url: str
    aliases: tuple[str, ...]
    spdx: str
    family: str
    version: str
    jurisdiction: str | None
    conditions: frozenset[str]
    commons: bool
    commons_template: str | None
    wikipedia_text: bool
    wikipedia_template: str | None
    wikipedia_template_params: Mapping[str, str] = field(hash=False)
    attribution_statement: str | None
    notes: str

    def accepted_by(self, gate: str) -> bool:
        """Whether the destination ``gate`` ("commons" or "wikipedia_text") takes works
        under this licence."""
        if gate not in GATES:
            raise ValueError(f"unknown licence gate {gate!r}; expected one of {sorted(GATES)}")
        return self.commons if gate == "commons" else self.wikipedia_text

    def as_dict(self) -> dict[str, Any]:
        """Every field as plain JSON-ready values, in the registry file's order."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["aliases"] = list(self.aliases)
        data["conditions"] = sorted(self.conditions)
        data["wikipedia_template_params"] = dict(self.wikipedia_template_params)
        return data

    @property
    def requires_attribution(self) -> bool:
        """Reusers must credit the author or licensor."""
        return "attribution" in self.conditions

    @property
    def share_alike(self) -> bool:
        """Adaptations must be offered under the same or a compatible licence."""
        return "share-alike" in self.conditions


@dataclass(frozen=True)
class Recognition:
    """What :meth:`Registry.recognise` made of a URL or name: a licence, or a finding that
    says why none was chosen (never both empty)."""

    licence: Licence | None
    finding: Finding | None = None


class _Ref(NamedTuple):
    """Where a licence URL points, with the decoration (scheme, www, deed, case) removed."""

    scheme: str               # "cc" or "ogl"
    unit: str                 # "licenses/by-sa", "publicdomain/zero", "open-government-licence"
    version: str | None       # "4.0"; None when the URL names no version
    jurisdiction: str | None  # CC port ("uk", "scotland"); None when unported


# Every jurisdiction Creative Commons ever ported a licence to (cc.licenserdf ``licenses/``
# and cc-legal-tools-data). Our registry holds only the UK ports, so a URL for one of these
# is a real licence we do not carry ("unknown"); any other jurisdiction never existed.
_CC_PORT_JURISDICTIONS = frozenset({
    "am", "ar", "at", "au", "az", "be", "bg", "br", "ca", "ch", "cl", "cn", "co", "cr", "cz",
    "de", "dk", "ec", "ee", "eg", "es", "fi", "fr", "ge", "gr", "gt", "hk", "hr", "hu", "ie",
    "igo", "il", "in", "it", "jo", "jp", "kr", "lu", "mk", "mt", "mx", "my", "nl", "no", "nz",
    "pe", "ph", "pl", "pr", "pt", "ro", "rs", "scotland", "se", "sg", "si", "th", "tw", "ug",
    "uk", "us", "ve", "vn", "za"
})

_PAGE_SUFFIX = re.compile(r"^(?:deed|legalcode)(?:\.[a-z0-9_@-]+)*$|\.html?$")
_EMBEDDED_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_URL_START = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//|^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+/")


def _version(text: str) -> str:
    """``4`` and ``4.0`` are the same version; URLs and names use both."""
    return f"{text}.0" if text.isdigit() else text


def _parse_url(text: str) -> _Ref | None:
    """The licence a CC or OGL URL points at, or None if it is not such a URL."""
    raw = text.strip().lower()
    if not raw.startswith(("http:", "https:", "//")):
        raw = "http://" + raw
    parts = urlsplit(raw)
    host = (parts.hostname or "").removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    if segments and _PAGE_SUFFIX.search(segments[-1]):
        segments.pop()
    if host == "creativecommons.org" and len(segments) >= 2 and len(segments) <= 4 \
            and segments[0] in ("licenses", "publicdomain"):
        version = _version(segments[2]) if len(segments) > 2 else None
        jurisdiction = segments[3] if len(segments) > 3 else None
        return _Ref("cc", f"{segments[0]}/{segments[1]}", version, jurisdiction)
    if host == "nationalarchives.gov.uk" and len(segments) >= 2 and segments[0] == "doc" \
            and segments[1].startswith("open-government-licence"):
        rest = segments[2:]
        if not rest:
            return _Ref("ogl", segments[1], None, None)
        if len(rest) == 2 and rest[0] == "version":
            return _Ref("ogl", segments[1], _version(rest[1]), None)
    return None


# Words people use for the same thing in licence names, mapped to the tokens of our ids.
_SYNONYMS = (
    (re.compile(r"creative\s*commons"), "cc"),
    (re.compile(r"open\s*government\s*licen[cs]e"), "ogl"),
    (re.compile(r"public\s*domain\s*mark"), "pdm"),
    (re.compile(r"\bcc[\s_-]*(?:0|zero)\b"), "cc0"),
    (re.compile(r"share[\s_-]*alike"), "sa"),
    (re.compile(r"non[\s_-]*commercial"), "nc"),
    (re.compile(r"no[\s_-]*deriv(?:ative)?s"), "nd"),
    (re.compile(r"attribution"), "by"),
    (re.compile(r"(?<=[a-z])v(?=\d)"), " "),
)
_FILLER = frozenset({"licence", "license", "version", "v", "international", "unported",
                     "generic", "universal", "the"})
_ELEMENT_ORDER = ("nc", "nd", "sa")
_TOKEN = re.compile(r"cc0|[a-z]+|\d+(?:\.\d+)?")


def _name_key(text: str) -> tuple[str, str | None]:
    """A comparable form of a licence name and its version: "CC-BY-SA-3.0", "CC BY-SA 3"
    and "Creative Commons Attribution-ShareAlike 3.0 Unported" all give ("cc by sa", "3.0")."""
    lowered = text.lower()
    for pattern, replacement in _SYNONYMS:
        lowered = pattern.sub(replacement, lowered)
    words: list[str] = []
    version = None
    for token in _TOKEN.findall(lowered):
        if token[0].isdigit():
            version = _version(token)
        elif token not in _FILLER:
            words.append(token)
    # CC's own titles drop the brand ("Attribution-ShareAlike 2.0 UK: England & Wales") or
    # repeat it ("Creative Commons CC0 1.0"); BY-ND-NC 1.0 and BY-NC-ND are one licence.
    if words[:1] == ["by"]:
        words.insert(0, "cc")
    if words[:2] == ["cc", "cc0"]:
        words.pop(0)
    elements = sorted((w for w in words if w in _ELEMENT_ORDER), key=_ELEMENT_ORDER.index)
    ordered = iter(elements)
    words = [next(ordered) if w in _ELEMENT_ORDER else w for w in words]
    return " ".join(words), version


def _finding(code: str, message: str) -> Recognition:
    return Recognition(None, Finding(code=code, severity="error", message=message))


def _listing(licences: list[Licence]) -> str:
    return ", ".join(f"{lic.short_name} ({lic.url})" for lic in licences)


class Registry:
    """All licences, looked up by id, by URL (in any of its forms in the wild) or by name."""

    def __init__(self, licences: list[Licence]) -> None:
        self._by_id: dict[str, Licence] = {}
        self._by_ref: dict[_Ref, Licence] = {}
        self._by_name: dict[tuple[str, str | None], Licence] = {}
        self._by_unversioned_name: dict[str, list[Licence]] = {}
        for licence in sorted(licences, key=lambda lic: lic.id):
            self._add(licence)

    def _add(self, licence: Licence) -> None:
        if licence.id in self._by_id:
            raise InputError(f"licence registry: two files define {licence.id!r}")
        self._by_id[licence.id] = licence
        for url in (licence.url, *licence.aliases):
            ref = _parse_url(url)
            if ref is None or ref.version is None:
                raise InputError(f"licence registry: {licence.id}: {url} is not a versioned "
                                 "Creative Commons or Open Government Licence URL")
            if ref in self._by_ref:
                raise InputError(f"licence registry: {url} belongs to both "
                                 f"{self._by_ref[ref].id} and {licence.id}")
            self._by_ref[ref] = licence
        for label in (licence.id, licence.spdx, licence.short_name, licence.name):
            words, version = _name_key(label)
            other = self._by_name.setdefault((words, version), licence)
            if other is not licence:
                raise InputError(f"licence registry: the name {label!r} of {licence.id} "
                                 f"reads the same as a name of {other.id}")
            group = self._by_unversioned_name.setdefault(words, [])
            if licence not in group:
                group.append(licence)

    @classmethod
    def from_directory(cls, directory: Traversable | Path) -> Registry:
        """Load every ``*.yaml`` file in ``directory``; a malformed one raises InputError
        naming the file (and line)."""
        files = sorted((f for f in directory.iterdir() if f.name.endswith(".yaml")),
                       key=lambda f: f.name)
        if not files:
            raise InputError(f"licence registry: no *.yaml files in {directory}")
        return cls([_load(f) for f in files])

    def __iter__(self) -> Iterator[Licence]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, licence_id: object) -> bool:
        return licence_id in self._by_id

    def get(self, licence_id: str) -> Licence:
        """The licence with this registry id; KeyError if there is none."""
        try:
            return self._by_id[licence_id]
        except KeyError:
            raise KeyError(f"no licence {licence_id!r} in the registry") from None

    def find(self, licence_id: str) -> Licence | None:
        """The licence with this registry id, or None."""
        return self._by_id.get(licence_id)

    def recognise(self, url_or_text: str) -> Recognition:
        """The licence a URL, registry id, SPDX id or common name refers to.

        URLs are normalised (http/https, ``www.``, trailing slash, ``deed``/``legalcode``
        pages, queries, case, ``4`` for ``4.0``); names are compared case-insensitively in
        their usual spellings ("CC BY 4.0", "CC-BY-SA-3.0", "OGL v3.0", "CC0"). What does
        not match gives a finding instead of a guess.
        """
        text = url_or_text.strip()
        if not text:
            return _finding("licence.unknown", "no licence given: state a licence URL or name")
        if _URL_START.match(text.lower()):
            ref = _parse_url(text)
            if ref is None:
                return _finding("licence.unknown", f"{text} is not a Creative Commons or Open "
                                "Government Licence URL that syndicate knows; choose a licence "
                                "from `syndicate licences`")
            licence = self._by_ref.get(ref)
            return Recognition(licence) if licence else self._explain_url(text, ref)
        recognition = self._recognise_name(text)
        # Free-text rights statements ("Licensed under CC BY 4.0: https://…") carry the URL.
        embedded = _EMBEDDED_URL.search(text)
        if recognition.licence is None and embedded is not None:
            return self.recognise(embedded.group(0).rstrip(".,;:)]"))
        return recognition

    def _explain_url(self, url: str, ref: _Ref) -> Recognition:
        same_unit = {lic: r for r, lic in self._by_ref.items()
                     if (r.scheme, r.unit) == (ref.scheme, ref.unit)}
        if not same_unit:
            return _finding("licence.unknown", f"{url} is not a licence in syndicate's "
                            "registry; choose one from `syndicate licences`")
        if ref.version is None:
            options = [lic for lic, r in same_unit.items() if r.jurisdiction == ref.jurisdiction]
            return _finding("licence.ambiguous", f"{url} names no version, and the licence "
                            f"exists in several: {_listing(options or list(same_unit))}. Ask "
                            "the publisher (the council) to state the version they mean.")
        if ref.jurisdiction is None:
            known_versions = {r.version for r in self._by_ref if r.scheme == ref.scheme}
            if ref.scheme == "ogl" and ref.version in known_versions:
                ogl = [lic for lic in self if lic.family == "ogl"]
                return _finding("licence.unknown", f"{url}: this text of that OGL version is "
                                "not in syndicate's registry; use the English text's URL "
                                f"instead: {_listing(ogl)}")
            options = [lic for lic, r in same_unit.items() if r.jurisdiction is None]
            return _finding("licence.nonexistent", f"{url} does not exist: there is no "
                            f"version {ref.version} of this licence. What exists: "
                            f"{_listing(options)}.")
        ports = [lic for lic, r in same_unit.items() if r.jurisdiction is not None]
        if ref.jurisdiction in {r.jurisdiction for r in same_unit.values()}:
            return _finding("licence.nonexistent", f"{url} does not exist: Creative Commons "
                            f"never published version {ref.version} of this licence for "
                            f"'{ref.jurisdiction}'. The ports that exist are {_listing(ports)}"
                            "; an unported or international version is a different licence "
                            "and cannot stand in for a port.")
        if ref.jurisdiction in _CC_PORT_JURISDICTIONS:
            return _finding("licence.unknown", f"{url} is a Creative Commons port to "
                            f"'{ref.jurisdiction}', which syndicate's registry does not carry "
                            "(it holds the international and unported licences and the UK "
                            "ports); ask the publisher for an international version.")
        return _finding("licence.nonexistent", f"{url} does not exist: Creative Commons never "
                        f"ported a licence to '{ref.jurisdiction}'. What exists: "
                        f"{_listing(list(same_unit))}.")

    def _recognise_name(self, text: str) -> Recognition:
        recognition = self._match_name(text)
        # "Creative Commons Attribution 4.0 International (CC BY 4.0)": try the bracketed part.
        for inner in re.findall(r"\(([^()]+)\)", text) if recognition.licence is None else ():
            if (found := self._match_name(inner)).licence is not None:
                return found
        return recognition

    def _match_name(self, text: str) -> Recognition:
        if text.lower() in self._by_id:
            return Recognition(self._by_id[text.lower()])
        words, version = _name_key(text)
        licence = self._by_name.get((words, version))
        if licence is not None:
            return Recognition(licence)
        group = self._by_unversioned_name.get(words, [])
        if version is None and len(group) == 1:
            return Recognition(group[0])
        if version is None and group:
            return _finding("licence.ambiguous", f"{text!r} names no version, and the licence "
                            f"exists in several: {_listing(group)}. Ask the publisher (the "
                            "council) to state the version they mean.")
        if group:
            return _finding("licence.nonexistent", f"{text!r} does not exist: there is no "
                            f"version {version} of it. What exists: {_listing(group)}.")
        return _finding("licence.unknown", f"{text!r} is not a licence syndicate knows; give "
                        "a licence URL or choose one from `syndicate licences`")


_REQUIRED: dict[str, type | tuple[type, ...]] = {
    "id": str, "name": str, "short_name": str, "url": str, "aliases": list, "spdx": str,
    "family": str, "version": str, "jurisdiction": (str, type(None)), "conditions": list,
    "commons": bool, "commons_template": (str, type(None)), "wikipedia_text": bool,
    "wikipedia_template": (str, type(None)), "wikipedia_template_params": dict,
    "attribution_statement": (str, type(None)), "notes": str,
}


def _load(source: Traversable | Path) -> Licence:
    """One registry file, checked key by key so a slip names the file and line."""
    path = Path(str(source))
    doc = yamlfile.load(path, text=source.read_text(encoding="utf-8"))
    data = doc.data

    def fail(key: str | None, problem: str) -> InputError:
        where = doc.where(key) if key else str(path)
        return InputError(f"{where}: {problem} (licence registry file)")

    if not isinstance(data, dict):
        raise fail(None, "must be a mapping of licence fields")
    unknown = sorted(str(k) for k in data if k not in _REQUIRED)
    if unknown:
        raise fail(unknown[0], f"unknown key {unknown[0]!r}")
    for key, kind in _REQUIRED.items():
        if key not in data:
            raise fail(None, f"missing key {key!r}")
        if not isinstance(data[key], kind):
            raise fail(key, f"{key!r} has the wrong type ({type(data[key]).__name__})")
    _check(data, fail, path)
    return Licence(**{**data, "aliases": tuple(data["aliases"]),
                      "conditions": frozenset(data["conditions"]),
                      "wikipedia_template_params": MappingProxyType(
                          dict(data["wikipedia_template_params"]))})


_WELL_FORMED_URL = re.compile(r"^https?://[^\s/]+/\S*/$")


def _check(data: dict[str, Any], fail: Callable[[str | None, str], InputError],
           path: Path) -> None:
    if data["id"] != path.stem:
        raise fail("id", f"id {data['id']!r} must match the file name {path.name!r}")
    if data["family"] not in FAMILIES:
        raise fail("family", f"family must be one of {sorted(FAMILIES)}")
    if not set(data["conditions"]) <= CONDITIONS:
        raise fail("conditions", f"conditions must be among {sorted(CONDITIONS)}")
    if not all(isinstance(a, str) and _WELL_FORMED_URL.match(a) for a in data["aliases"]):
        raise fail("aliases", "aliases must be URLs (no spaces)")
    if not _WELL_FORMED_URL.match(data["url"]) or not data["url"].startswith("https://"):
        raise fail("url", "the canonical url must be an https:// URL ending in /")
    if data["commons"] and not data["commons_template"]:
        raise fail("commons_template", "a licence Commons accepts needs its commons_template")
    params = data["wikipedia_template_params"]
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in params.items()):
        raise fail("wikipedia_template_params", "parameters must map text to text")
    if params and not data["wikipedia_template"]:
        raise fail("wikipedia_template_params", "parameters given without wikipedia_template")


@functools.cache
def registry() -> Registry:
    """The registry installed with syndicate (the package ``syndicate.registry``)."""
    return Registry.from_directory(resources.files("syndicate.registry"))
