"""The licence registry: what each licence allows, where it may go, and how to recognise it.

Every fact about a licence lives in one YAML file under ``licences/`` (installed as the
package ``syndicate.registry``): the Creative Commons ones are generated from CC's own list
of legal tools by ``tools/cc_registry.py``, the others are written by hand. This module and
:mod:`syndicate.licence_text` and :mod:`syndicate.licence_urls` (which read names and URLs)
are the only code that knows a licence id, URL or template name.

Recognition is strict on purpose: a wrong licence tag on Wikimedia Commons is a copyright
violation, so a URL or name that does not match a real licence becomes a :class:`Finding`
(``licence.nonexistent``, ``licence.ambiguous`` or ``licence.unknown``) instead of a guess,
and a ported licence (``by/2.0/uk``) is never collapsed into its generic parent.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import yaml

from syndicate import yamlfile
from syndicate.errors import InputError
from syndicate.model import Finding

if TYPE_CHECKING:
    from syndicate.licence_text import Recogniser

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
    the licence itself prescribes (the OGL's), if any. A port has a ``jurisdiction`` (CC's
    code, e.g. ``de``) and names its ``generic`` equivalent; ``title`` is its name as its
    steward writes it, in the legal code's ``language``.
    """

    id: str
    name: str
    short_name: str
    title: str
    url: str
    aliases: tuple[str, ...]
    spdx: str
    family: str
    version: str
    jurisdiction: str | None
    jurisdiction_name: str | None
    generic: str | None
    language: str
    retired: bool
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
        data["conditions"] = [c for c in _CONDITION_ORDER if c in self.conditions]
        data["wikipedia_template_params"] = dict(self.wikipedia_template_params)
        return data

    @property
    def requires_attribution(self) -> bool:
        """Reusers must credit the author or licensor."""
        return "attribution" in self.conditions

    @property
    def is_mark(self) -> bool:
        """A label for works already in the public domain (the Public Domain Mark, CC's
        US certification), not a licence or dedication a rights holder can apply."""
        return self.family == "pd" and not self.commons

    @property
    def share_alike(self) -> bool:
        """Adaptations must be offered under the same or a compatible licence."""
        return "share-alike" in self.conditions


_CONDITION_ORDER = ("attribution", "non-commercial", "no-derivatives", "share-alike")
# How much each condition restricts reusers: NC and ND shut out Wikimedia and most reuse,
# share-alike binds adaptations, attribution only asks for credit.
_CONDITION_WEIGHT = {"attribution": 1, "share-alike": 2, "non-commercial": 4,
                     "no-derivatives": 4}
# Among equally free licences: public domain first, then CC (known worldwide, and the only
# family Openverse indexes), then OGL.
_FAMILY_ORDER = {"pd": 0, "cc": 1, "ogl": 2}


def preference(licence: Licence,
               gates: Iterable[str] = ("commons", "wikipedia_text")) -> tuple[Any, ...]:
    """Sort key for a choice among licences a rights holder offers, best first: accepted by
    more of ``gates``, lighter conditions, family order above, generic before a port, then
    the newest version (4.0 needs no ports)."""
    refused = sum(not licence.accepted_by(gate) for gate in gates)
    weight = sum(_CONDITION_WEIGHT[c] for c in licence.conditions)
    version = tuple(-int(p) for p in re.findall(r"\d+", licence.version))
    ported = licence.generic is not None
    return refused, weight, _FAMILY_ORDER.get(licence.family, 9), ported, version


@dataclass(frozen=True)
class Recognition:
    """What :meth:`Registry.recognise` made of a URL or name: the licences it offers, or a
    finding that says why none was chosen (never both empty).

    ``offered`` holds every licence named (Commons' ``cc-by-sa-3.0-2.5-2.0-1.0`` offers
    four, best first by :func:`preference`); ``licence`` is the best of them.
    """

    licence: Licence | None
    finding: Finding | None = None
    offered: tuple[Licence, ...] = ()

    @classmethod
    def of(cls, licences: Iterable[Licence]) -> Recognition:
        """A recognition offering ``licences`` (at least one), best first."""
        ordered = tuple(sorted(dict.fromkeys(licences), key=preference))
        return cls(ordered[0], None, ordered)

    @classmethod
    def failed(cls, code: str, message: str) -> Recognition:
        """No licence: an error finding with ``code`` (licence.unknown, …) and why."""
        return cls(None, Finding(code=code, severity="error", message=message))


class Registry:
    """All licences, looked up by id, by URL (in any of its forms in the wild) or by name.

    A registry read :meth:`from_directory` loads a licence's file when it is first asked
    for: most commands need only the few licences their items carry, and the ~650 files
    are read in full only to list them or to recognise a URL or name.
    """

    def __init__(self, licences: Iterable[Licence] = ()) -> None:
        self._sources: dict[str, Traversable | Path] = {}
        self._by_id: dict[str, Licence] = {}
        for licence in licences:
            if licence.id in self._by_id:
                raise InputError(f"licence registry: two files define {licence.id!r}")
            self._by_id[licence.id] = licence
        self._complete = False

    @classmethod
    def from_directory(cls, directory: Traversable | Path) -> Registry:
        """The registry of every ``*.yaml`` file in ``directory``, each read on first use; a
        malformed one raises InputError naming the file (and line) then, or at
        :meth:`check`."""
        registry = cls()
        registry._sources = {f.name.removesuffix(".yaml"): f for f in sorted(
            (f for f in directory.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)}
        if not registry._sources:
            raise InputError(f"licence registry: no *.yaml files in {directory}")
        return registry

    def _all(self) -> dict[str, Licence]:
        if not self._complete:
            for licence_id in self._sources:
                self.find(licence_id)
            self._by_id = dict(sorted(self._by_id.items()))
            for licence in self._by_id.values():
                if licence.generic is not None and licence.generic not in self._by_id:
                    raise InputError(f"licence registry: {licence.id}: its generic licence "
                                     f"{licence.generic!r} is not in the registry")
            self._complete = True
        return self._by_id

    @functools.cached_property
    def _recogniser(self) -> Recogniser:
        # Built on first use: most commands look licences up by id and never need it.
        from syndicate.licence_text import Recogniser

        return Recogniser(list(self._all().values()))

    def check(self) -> None:
        """Read every file and build the URL and name indexes now, raising InputError for a
        malformed file or for two licences that claim the same URL or name."""
        _ = self._recogniser

    def __iter__(self) -> Iterator[Licence]:
        return iter(self._all().values())

    def __len__(self) -> int:
        return len(self._sources.keys() | self._by_id.keys())

    def __contains__(self, licence_id: object) -> bool:
        return licence_id in self._by_id or licence_id in self._sources

    def get(self, licence_id: str) -> Licence:
        """The licence with this registry id; KeyError if there is none."""
        licence = self.find(licence_id)
        if licence is None:
            raise KeyError(f"no licence {licence_id!r} in the registry")
        return licence

    def find(self, licence_id: str) -> Licence | None:
        """The licence with this registry id, or None."""
        licence = self._by_id.get(licence_id)
        if licence is None and licence_id in self._sources:
            licence = self._by_id[licence_id] = _load(self._sources[licence_id])
        return licence

    def ports(self, licence: Licence) -> list[Licence]:
        """The ports whose generic equivalent is ``licence``."""
        return [lic for lic in self if lic.generic == licence.id]

    def recognise(self, url_or_text: str) -> Recognition:
        """The licence(s) a URL, registry id, SPDX id, Commons tag or common name names.

        URLs are normalised (http/https, ``www.``, trailing slash, ``deed``/``legalcode``
        pages in any language, ``/rdf``, ``legalcode.txt``, queries, case, ``4`` for
        ``4.0``, angle brackets and quotes); names are compared case-insensitively in their
        usual spellings ("CC BY 4.0", "CC-BY-SA-3.0", "Attribution-Share Alike 3.0 Germany",
        "OGL v3.0", "CC0", "{{Cc-by-sa-3.0-migrated}}"). A URL in the text wins over the
        words around it. What does not match gives a finding instead of a guess.
        """
        return self._recogniser.recognise(url_or_text)


_REQUIRED: dict[str, type | tuple[type, ...]] = {
    "id": str, "name": str, "short_name": str, "title": str, "url": str, "aliases": list,
    "spdx": str, "family": str, "version": str, "jurisdiction": (str, type(None)),
    "jurisdiction_name": (str, type(None)), "generic": (str, type(None)), "language": str,
    "retired": bool, "conditions": list, "commons": bool,
    "commons_template": (str, type(None)), "wikipedia_text": bool,
    "wikipedia_template": (str, type(None)), "wikipedia_template_params": dict,
    "attribution_statement": (str, type(None)), "notes": str,
}


_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*):", re.MULTILINE)
_ANCHOR_OR_ALIAS = re.compile(r"(?:^|[\s:\[{,-])[&*][^\s]")


def _plain(text: str) -> bool:
    """A file the fast loader reads exactly as the strict one: no duplicate top-level key
    (libyaml would keep the last silently), no anchor or alias. Anything else goes through
    :func:`syndicate.yamlfile.load`, which refuses those with the file and line."""
    keys = _TOP_KEY.findall(text)
    return len(keys) == len(set(keys)) and _ANCHOR_OR_ALIAS.search(text) is None


def _load(source: Traversable | Path) -> Licence:
    """One registry file, checked key by key so a slip names the file and line."""
    path = Path(str(source))
    text = source.read_text(encoding="utf-8")
    data: Any = None
    if _plain(text):
        try:
            # yamlfile's loader is libyaml's safe loader with YAML 1.2 booleans; used whole,
            # without its per-key line tracking, it reads ~650 files several times faster.
            data = yaml.load(text, Loader=yamlfile._StrictLoader)
        except yaml.YAMLError:
            data = None  # the strict loader below says where and what
    doc: yamlfile.Document | None = None
    if not isinstance(data, dict) or not _well_typed(data):
        doc = yamlfile.load(path, text=text)
        data = doc.data

    def fail(key: str | None, problem: str) -> InputError:
        where = (doc or yamlfile.load(path, text=text)).where(key) if key else str(path)
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


def _well_typed(data: dict[Any, Any]) -> bool:
    return data.keys() == _REQUIRED.keys() and all(
        isinstance(data[key], kind) for key, kind in _REQUIRED.items())


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
    if (data["jurisdiction"] is None) != (data["jurisdiction_name"] is None):
        raise fail("jurisdiction_name", "a jurisdiction needs its jurisdiction_name, and "
                   "only a jurisdiction has one")
    params = data["wikipedia_template_params"]
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in params.items()):
        raise fail("wikipedia_template_params", "parameters must map text to text")
    if params and not data["wikipedia_template"]:
        raise fail("wikipedia_template_params", "parameters given without wikipedia_template")


@functools.cache
def registry() -> Registry:
    """The registry installed with syndicate (the package ``syndicate.registry``)."""
    return Registry.from_directory(resources.files("syndicate.registry"))
