#!/usr/bin/env python3
"""Generate the Creative Commons entries of the licence registry from CC's own list.

Usage::

    python3 tools/cc_registry.py PATH/TO/cc-legal-tools.csv licences/

The CSV is ``config/cc-legal-tools.csv`` of Creative Commons' ``cc-legal-tools-data``
repository (one row per legal tool: category, version, unit, jurisdiction, canonical URL,
identifier, SPDX id, title, default language). Every row becomes ``licences/<id>.yaml``;
files of tools no longer in the list are reported, not deleted, so a person decides. The
hand-written entries (the OGL) are never touched: they have no row in the CSV.

What a licence *allows* is not in CC's list. It follows from the rules below, written once
and each with its source in docs/licences.md ("How the generated facts are decided"):
free or not (Commons), adaptable into Wikipedia's CC BY-SA 4.0 text or not, retired or not.
Rerun this script whenever CC's list changes and review the diff before committing.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

COLUMNS = ("CATEGORY", "VERSION", "UNIT", "JURISDICTION", "CANONICAL_URL", "IDENTIFIER",
           "SPDX_IDENTIFIER", "TITLE", "LANGUAGE_DEFAULT")

# English names of CC's jurisdictions, as CC's English titles write them where it has any
# ("Attribution 3.0 Australia", "... 2.0 UK: England & Wales"), else the usual English name.
JURISDICTIONS = {
    "am": "Armenia", "ar": "Argentina", "at": "Austria", "au": "Australia",
    "az": "Azerbaijan", "be": "Belgium", "bg": "Bulgaria", "br": "Brazil", "ca": "Canada",
    "ch": "Switzerland", "cl": "Chile", "cn": "China Mainland", "co": "Colombia",
    "cr": "Costa Rica", "cz": "Czech Republic", "de": "Germany", "dk": "Denmark",
    "ec": "Ecuador", "ee": "Estonia", "eg": "Egypt", "es": "Spain", "fi": "Finland",
    "fr": "France", "ge": "Georgia", "gr": "Greece", "gt": "Guatemala", "hk": "Hong Kong",
    "hr": "Croatia", "hu": "Hungary", "ie": "Ireland", "igo": "IGO", "il": "Israel",
    "in": "India", "it": "Italy", "jp": "Japan", "kr": "Korea", "lu": "Luxembourg",
    "mk": "Macedonia", "mt": "Malta", "mx": "Mexico", "my": "Malaysia", "nl": "Netherlands",
    "no": "Norway", "nz": "New Zealand", "pe": "Peru", "ph": "Philippines", "pl": "Poland",
    "pr": "Puerto Rico", "pt": "Portugal", "ro": "Romania", "rs": "Serbia",
    "scotland": "UK: Scotland", "se": "Sweden", "sg": "Singapore", "si": "Slovenia",
    "th": "Thailand", "tw": "Taiwan", "ug": "Uganda", "uk": "UK: England & Wales",
    "us": "United States", "ve": "Venezuela", "vn": "Vietnam", "za": "South Africa",
}

# CC's element order of today: BY-NC-ND, not the 1.0-era by-nd-nc.
_ELEMENT_ORDER = ("by", "nc", "nd", "sa")
_ELEMENT_WORDS = {"by": "Attribution", "nc": "NonCommercial", "nd": "NoDerivs",
                  "sa": "ShareAlike"}
_CONDITIONS = {"by": "attribution", "nc": "non-commercial", "nd": "no-derivatives",
               "sa": "share-alike"}
# Units that are not a combination of the four elements.
_SPECIAL_UNITS: dict[str, dict[str, Any]] = {
    "sampling": {"slug": "sampling", "words": "Sampling", "conditions": ["attribution"]},
    "sampling+": {"slug": "sampling-plus", "words": "Sampling Plus",
                  "conditions": ["attribution"]},
    "nc-sampling+": {"slug": "nc-sampling-plus", "words": "NonCommercial Sampling Plus",
                     "conditions": ["attribution", "non-commercial"]},
    "devnations": {"slug": "devnations", "words": "Developing Nations",
                   "conditions": ["attribution"]},
}
# Rule 1 (not free): units whose terms forbid commercial reuse, adaptation or reuse in
# high-income countries, or allow only some kinds of adaptation.
NOT_FREE_UNITS = frozenset({"sampling", "sampling+", "nc-sampling+", "devnations"})
# Rule 3 (retired): tools Creative Commons has retired and no longer recommends.
RETIRED_UNITS = frozenset({"sampling", "sampling+", "nc-sampling+", "devnations", "nc", "nd",
                           "sa", "nc-sa", "nd-nc", "certification"})

_NOT_FREE_NOTE = ("Non-commercial and no-derivatives licences are not free licences: Wikimedia "
                  "Commons and Wikipedia refuse them as the sole licence. Partner feeds may "
                  "carry them; ask the rights holder for CC BY, CC BY-SA or CC0 to go further.")
_SPECIAL_NOTES = {
    "sampling": "Sampling licences allow only some adaptations (sampling, mash-ups) and no "
                "copying of the whole work, so they are not free licences: Wikimedia "
                "Commons and Wikipedia refuse them.",
    "sampling+": "Sampling Plus allows copying the whole work only for non-commercial "
                 "purposes and adaptation only by sampling, so it is not a free licence: "
                 "Wikimedia Commons and Wikipedia refuse it.",
    "nc-sampling+": "NonCommercial Sampling Plus forbids commercial use and allows "
                    "adaptation only by sampling, so it is not a free licence: Wikimedia "
                    "Commons and Wikipedia refuse it.",
    "devnations": "The Developing Nations licence applies only in countries the World Bank "
                  "does not class as high-income, so it is not a free licence: Wikimedia "
                  "Commons and Wikipedia refuse it.",
    "certification": "Not a licence: a certification that a work is in the public domain "
                     "under United States law, or a US-law dedication. Commons and Wikipedia "
                     "need a specific reason why a work is in the public domain, so both "
                     "gates refuse it by default; an editor may decide per work.",
}
_UK_NOTE = ("A port to the law of {place}: keep it distinct from the unported {short}; there is "
            "no CC 3.0 or 4.0 port for the UK (cc.licenserdf lists only 2.0 uk and 2.5 "
            "scotland).")
_PORT_NOTE = ("A port to {place} (legal code in {language}): keep it distinct from the generic "
              "{generic}.")
_LICENSEREF_NOTE = "SPDX has no identifier for this port, hence the LicenseRef."
_PORT_WIKIPEDIA_NOTE = ("Wikipedia accepts this text, but enwiki's Creative Commons text "
                        "attribution notice documents no cc= value for this port: credit the "
                        "licence by name and URL in the edit summary and on the talk page "
                        "instead of a notice with an unported value.")
_BY_SA_PORT_NOTE = ("Its adaptation clause lets adaptations be offered under a later version or "
                    "another CC licence with the same licence elements, so text can be "
                    "imported under Wikipedia's CC BY-SA 4.0.")
_BY_SA_1_NOTE = ("Commons accepts {short} media, but its text cannot go into Wikipedia: it has no "
                 "upgrade clause to later versions (WP:COMPLIC).")
_SA_1_NOTE = ("ShareAlike without attribution, retired by Creative Commons in 2004. Commons "
              "accepts the media ({{Cc-sa-1.0}}), but the text cannot go into Wikipedia: "
              "it has no upgrade clause to later versions.")
_BY_ND_NC_NOTE = ("Creative Commons published this licence at {url} (element order of the "
                  "time); {alias} is the modern spelling seen in the wild and is accepted as "
                  "an alias.")
_RETIRED_NOTE = "Retired by Creative Commons: it no longer recommends applying it to works."
_FIXED_NOTES = {
    "cc0-1.0": "A public domain dedication, not a licence: no conditions. The right choice for "
               "a council that wants to give up its own rights. Wikipedia treats CC0 text like "
               "public domain text but still wants the source credited: {{PD-notice}} is for "
               "text whose copyright expired or never existed, so a CC0 release takes the "
               "Creative Commons text attribution notice instead.",
    "pdm-1.0": "The Public Domain Mark is a label, not a licence or dedication, and has no legal "
               "code (deed only). Commons takes {{PDMark-owner}} only when the copyright "
               "holder applied the mark to their own work, and otherwise needs a specific "
               "public domain reason, so the Commons gate refuses it by default: a council "
               "marking its own works should use CC0 instead. Text that really is in the "
               "public domain (copyright expired or never existed) may go into Wikipedia as "
               "public domain text, marked with {{PD-notice}}.",
}


def read_rows(path: Path) -> list[dict[str, str]]:
    """The CSV's rows; a changed header is an error rather than a silent misreading."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise SystemExit(f"{path}: expected the columns {', '.join(COLUMNS)}, "
                             f"got {', '.join(reader.fieldnames or ())}")
        return list(reader)


def _elements(unit: str) -> list[str] | None:
    parts = unit.split("-")
    if all(p in _ELEMENT_ORDER for p in parts):
        return sorted(parts, key=_ELEMENT_ORDER.index)
    return None


def _slug(unit: str) -> str:
    elements = _elements(unit)
    return "-".join(elements) if elements else _SPECIAL_UNITS[unit]["slug"]


def licence_id(row: dict[str, str]) -> str:
    """Our id: ``cc-<unit>-<version>[-<jurisdiction>]`` (cc0-1.0 and pdm-1.0 as before)."""
    unit, version, place = row["UNIT"], row["VERSION"], row["JURISDICTION"]
    if row["CATEGORY"] == "publicdomain":
        base = {"zero": "cc0", "mark": "pdm", "certification": "cc-pddc"}[unit]
    else:
        base = f"cc-{_slug(unit)}"
    return "-".join(p for p in (base, version, place) if p)


def _english_words(unit: str, version: str) -> str:
    elements = _elements(unit)
    if elements is None:
        return str(_SPECIAL_UNITS[unit]["words"])
    # The published order is kept in names (BY-ND-NC 1.0 was "NoDerivs-NonCommercial").
    words = [_ELEMENT_WORDS[e] for e in unit.split("-")]
    if version == "4.0":
        words = ["NoDerivatives" if w == "NoDerivs" else w for w in words]
    return "-".join(words)


def _short_name(row: dict[str, str], unit_slug: str) -> str:
    if row["CATEGORY"] == "publicdomain":
        return {"zero": "CC0 1.0", "mark": "PDM 1.0",
                "certification": "CC PDDC 1.0 US"}[row["UNIT"]]
    label = unit_slug.upper().replace("-PLUS", "+")
    place = row["JURISDICTION"]
    place = place.capitalize() if place == "scotland" else place.upper()
    return " ".join(p for p in ("CC", label, row["VERSION"], place) if p)


def _name(row: dict[str, str]) -> str:
    """The English name; CC's own title where it is English, else built the same way."""
    title, place = row["TITLE"], row["JURISDICTION"]
    if row["CATEGORY"] == "publicdomain":
        return title if row["UNIT"] == "mark" else f"Creative Commons {title}"
    if row["LANGUAGE_DEFAULT"] == "en" and title.isascii():
        return f"Creative Commons {title}"
    words = _english_words(row["UNIT"], row["VERSION"])
    suffix = JURISDICTIONS[place] if place else "Generic"
    return f"Creative Commons {words} {row['VERSION']} {suffix}"


def _conditions(unit: str) -> list[str]:
    elements = _elements(unit)
    if elements is None:
        return list(_SPECIAL_UNITS.get(unit, {"conditions": []})["conditions"])
    return [_CONDITIONS[e] for e in elements]


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def gates(row: dict[str, str]) -> tuple[bool, bool]:
    """(Commons accepts it, its text may be adapted into Wikipedia's CC BY-SA 4.0 text).

    Rule 1, free: no NC, no ND, not Sampling/Sampling+/NC-Sampling+/DevNations.
    Rule 2, Wikipedia text: CC BY of any version and port; CC BY-SA 2.0 and later, ported
    or not (their adaptation clauses allow a later version with the same elements); CC0.
    BY-SA 1.0 and SA 1.0 may only be adapted under the same 1.0 licence.
    """
    unit, version = row["UNIT"], row["VERSION"]
    if row["CATEGORY"] == "publicdomain":
        return {"zero": (True, True), "mark": (False, True),
                "certification": (False, False)}[unit]
    elements = _elements(unit)
    if elements is None or unit in NOT_FREE_UNITS or {"nc", "nd"} & set(elements):
        return False, False
    if elements == ["by"]:
        return True, True
    return True, "by" in elements and _version_key(version) >= (2, 0)


def _commons_template(row: dict[str, str], slug: str, commons: bool) -> str | None:
    if row["CATEGORY"] == "publicdomain":
        return {"zero": "Cc-zero", "mark": "PDMark-owner"}.get(row["UNIT"])
    if not commons:
        return None
    return "-".join(p for p in ("Cc", slug, row["VERSION"], row["JURISDICTION"]) if p)


def _wikipedia_notice(row: dict[str, str], slug: str,
                      wikipedia: bool) -> tuple[str | None, dict[str, str]]:
    """enwiki's notice marks imported text; its cc= values exist for unported BY and BY-SA."""
    if not wikipedia:
        return None, {}
    if row["CATEGORY"] == "publicdomain":
        return {"zero": ("Creative Commons text attribution notice", {"cc": "cc0"}),
                "mark": ("PD-notice", {})}[row["UNIT"]]
    if row["JURISDICTION"]:
        return None, {}
    version = row["VERSION"].removesuffix(".0")
    return "Creative Commons text attribution notice", {"cc": f"{slug}{version}"}


def _notes(row: dict[str, str], entry: dict[str, Any], generic: dict[str, Any] | None) -> str:
    lid, unit, place = entry["id"], row["UNIT"], row["JURISDICTION"]
    if lid in _FIXED_NOTES:
        return _FIXED_NOTES[lid]
    notes: list[str] = []
    if place in ("uk", "scotland"):
        where = "England and Wales" if place == "uk" else "Scotland"
        short = generic["short_name"] if generic else entry["short_name"]
        notes.append(_UK_NOTE.format(place=where, short=short.removeprefix("CC ")))
    elif place and generic:
        notes.append(_PORT_NOTE.format(place=_law_of(place),
                                       language=row["LANGUAGE_DEFAULT"],
                                       generic=generic["short_name"]))
    elif place:
        notes.append(f"A tool written for {_law_of(place)}; there is no generic equivalent.")
    if place and entry["spdx"].startswith("LicenseRef-"):
        notes.append(_LICENSEREF_NOTE)
    if unit in _SPECIAL_NOTES:
        notes.append(_SPECIAL_NOTES[unit])
    elif not entry["commons"]:
        notes.append(_NOT_FREE_NOTE)
    elif unit == "sa":
        notes.append(_SA_1_NOTE)
    elif not entry["wikipedia_text"]:
        notes.append(_BY_SA_1_NOTE.format(short=entry["short_name"]))
    elif place:
        if "sa" in (_elements(unit) or ()):
            notes.append(_BY_SA_PORT_NOTE)
        notes.append(_PORT_WIKIPEDIA_NOTE)
    if entry["retired"] and unit != "sa":
        notes.append(_RETIRED_NOTE)
    for alias in entry["aliases"]:
        notes.append(_BY_ND_NC_NOTE.format(url=_path(entry["url"]), alias=_path(alias)))
    return " ".join(notes)


def _law_of(place: str) -> str:
    """"the law of Germany", "the law of the Netherlands", "intergovernmental organisations"."""
    if place == "igo":
        return "intergovernmental organisations"
    name = JURISDICTIONS[place]
    article = "the " if name in ("United States", "Netherlands", "Philippines",
                                 "Czech Republic") else ""
    return f"the law of {article}{name}"


def _path(url: str) -> str:
    return url.split("creativecommons.org/licenses/", 1)[-1]


def _aliases(row: dict[str, str], slug: str) -> list[str]:
    """The modern element order of a 1.0-era URL (by-nd-nc → by-nc-nd), seen in the wild."""
    if row["CATEGORY"] != "licenses" or slug == row["UNIT"] or _elements(row["UNIT"]) is None:
        return []
    return [row["CANONICAL_URL"].replace(f"/{row['UNIT']}/", f"/{slug}/", 1)]


def entries(rows: Iterable[dict[str, str]]) -> list[dict[str, Any]]:
    """One registry entry (key order of the registry files) per CSV row."""
    rows = list(rows)
    by_key = {(r["UNIT"], r["VERSION"], r["JURISDICTION"]): r for r in rows}
    built: dict[str, dict[str, Any]] = {}
    # Generic tools first, so each port can name its generic equivalent.
    for row in sorted(rows, key=lambda r: bool(r["JURISDICTION"])):
        unit, version, place = row["UNIT"], row["VERSION"], row["JURISDICTION"]
        slug = "zero" if row["CATEGORY"] == "publicdomain" else _slug(unit)
        lid = licence_id(row)
        generic_row = by_key.get((unit, version, "")) if place else None
        generic = built.get(licence_id(generic_row)) if generic_row else None
        commons, wikipedia = gates(row)
        template, params = _wikipedia_notice(row, slug, wikipedia)
        entry: dict[str, Any] = {
            "id": lid,
            "name": _name(row),
            "short_name": _short_name(row, slug),
            "title": row["TITLE"],
            "url": row["CANONICAL_URL"],
            "aliases": _aliases(row, slug),
            "spdx": row["SPDX_IDENTIFIER"] or f"LicenseRef-{lid}",
            "family": "pd" if row["CATEGORY"] == "publicdomain" else "cc",
            "version": version,
            "jurisdiction": place or None,
            "jurisdiction_name": JURISDICTIONS[place] if place else None,
            "generic": generic["id"] if generic else None,
            "language": row["LANGUAGE_DEFAULT"],
            "retired": unit in RETIRED_UNITS,
            "conditions": _conditions(unit),
            "commons": commons,
            "commons_template": _commons_template(row, slug, commons),
            "wikipedia_text": wikipedia,
            "wikipedia_template": template,
            "wikipedia_template_params": params,
            "attribution_statement": None,
            "notes": "",
        }
        entry["notes"] = _notes(row, entry, generic)
        if lid in built:
            raise SystemExit(f"two rows give the id {lid}")
        built[lid] = entry
    return sorted(built.values(), key=lambda e: str(e["id"]))


class _Dumper(yaml.SafeDumper):
    """Block style, keys in the registry's order, long text folded for review."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def render(entry: dict[str, Any]) -> str:
    """The text of one registry file."""
    header = ("# Generated by tools/cc_registry.py from Creative Commons' cc-legal-tools.csv;\n"
              "# edit the rules in that script and rerun it instead of editing this file.\n")
    return header + yaml.dump(entry, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                              default_flow_style=False, width=100)


def write(entries_: list[dict[str, Any]], out: Path) -> tuple[int, int, list[str]]:
    """Write the files; return (written, unchanged, stale ids with no row any more)."""
    written = unchanged = 0
    for entry in entries_:
        target = out / f"{entry['id']}.yaml"
        text = render(entry)
        if target.exists() and target.read_text(encoding="utf-8") == text:
            unchanged += 1
            continue
        target.write_text(text, encoding="utf-8")
        written += 1
    ids = {e["id"] for e in entries_}
    stale = sorted(p.stem for p in out.glob("*.yaml")
                   if p.read_text(encoding="utf-8").startswith("# Generated by")
                   and p.stem not in ids)
    return written, unchanged, stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv", type=Path, help="Creative Commons' cc-legal-tools.csv")
    parser.add_argument("out", type=Path, help="the registry folder (licences/)")
    args = parser.parse_args(argv)
    if not args.out.is_dir():
        parser.error(f"{args.out} is not a folder")
    built = entries(read_rows(args.csv))
    written, unchanged, stale = write(built, args.out)
    print(f"{len(built)} Creative Commons legal tools: {written} files written, "
          f"{unchanged} unchanged")
    for lid in stale:
        print(f"warning: {lid}.yaml is no longer in CC's list; review and delete it",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
