"""Reading licence names as people write them, against the registry's licences (URLs are
:mod:`syndicate.licence_urls`'s; a URL in a text wins over the words around it).

A name is read as a run of licence words (``cc``, ``by``, ``sa``, ``ogl`` …), one or more
versions and an optional jurisdiction, after mapping the many spellings of each ("Share
Alike", "ShareAlike", "No Derivative Works", "England and Wales", "DE") to one. Several versions
(Commons' ``cc-by-sa-3.0-2.5-2.0-1.0``), ``1.0+`` (this or any later version) and several
names in one text are read as the set of licences offered. Nothing is guessed: a name or URL
that does not match exactly one licence per phrase gives a finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from syndicate.errors import InputError
from syndicate.licence_urls import (
    ELEMENTS,
    EMBEDDED_URL,
    QUOTES,
    URL_START,
    UrlIndex,
    ambiguous,
    listing,
    version_text,
)
from syndicate.licences import Licence, Recognition

# Words people use for the same thing in licence names, mapped to the words of our ids.
_SYNONYMS = tuple((re.compile(pattern, re.IGNORECASE), word) for pattern, word in (
    (r"creative[\s_-]*commons", " cc "),
    (r"open[\s_-]*government[\s_-]*licen[cs]e", " ogl "),
    (r"public[\s_-]*domain[\s_-]*mark", " pdm "),
    (r"\bcc[\s_-]*(?:0|zero)(?![\d.])", " cc0 "),
    (r"share[\s_-]*alike", " sa "),
    (r"non[\s_-]*commercial", " nc "),
    (r"no[\s_-]*deriv(?:ative)?s|no[\s_-]*derivative[\s_-]*works", " nd "),
    (r"developing[\s_-]*nations", " devnations "),
    (r"sampling[\s_-]*(?:\+|plus)", " sampling plus "),
    (r"(?:public[\s_-]*domain[\s_-]*)?certification", " pddc "),
    (r"attribution", " by "),
    (r"(?<=[a-z])v(?=\d)", " "),
    (r"&", " and "),
))
_FILLER = frozenset({"licence", "license", "licenses", "licences", "version", "v", "the",
                     "international", "unported", "generic", "universal", "and"})
_BRANDS = frozenset({"cc", "cc0", "pdm", "ogl", "pddc"})
# What Commons appends to a licence tag's name without changing the licence.
_TAG_SUFFIXES = frozenset({"migrated", "with", "disclaimers", "heirs", "stma", "gfdl"})
# The words licence names are made of, once synonyms are merged.
_WORDS = _BRANDS | {"by", "nc", "nd", "sa", "sampling", "plus", "devnations"}
_TOKEN = re.compile(r"j_[a-z]+|cc0|[a-z]+|(?<!\d)(?<!\d\.)\d{1,2}(?:\.\d{1,2})?\+?(?!\d|\.\d)")
# A jurisdiction code beside a licence name: "CC BY-SA 3.0 DE", "cc-by-sa-3.0-de".
_CODE = re.compile(r"(?<![A-Za-z])([A-Za-z]{2,8})(?![A-Za-z])")


class Phrase(NamedTuple):
    """One licence name read from a text: its words, versions and jurisdiction."""

    words: str
    versions: tuple[str, ...]   # () when none; "1.0+" means 1.0 or any later version
    jurisdiction: str | None


def _canonical(words: list[str]) -> str:
    """"cc by sa", whatever the order or brand: CC's own titles drop the brand
    ("Attribution-ShareAlike 2.0 UK: England & Wales") or repeat it ("Creative Commons
    CC0 1.0"); BY-ND-NC 1.0 and BY-NC-ND are one licence."""
    unique = list(dict.fromkeys(words))
    if (unique and unique[0] in (*ELEMENTS[1:], "sampling", "devnations")) or \
            unique[:1] == ["by"]:
        unique.insert(0, "cc")
    if "cc" in unique and _BRANDS & set(unique) - {"cc"}:
        unique.remove("cc")
    elements = iter(sorted((w for w in unique if w in ELEMENTS), key=ELEMENTS.index))
    return " ".join(next(elements) if w in ELEMENTS else w for w in unique)


class Recogniser:
    """Indexes of the registry's URLs, names and Commons tags, and the reading of texts."""

    def __init__(self, licences: list[Licence]) -> None:
        self.codes = {lic.jurisdiction for lic in licences if lic.jurisdiction}
        self._place_names = self._names_of_places(licences)
        self._places = self._place_pattern(self._place_names)
        self.urls = UrlIndex(licences)
        self.by_name: dict[tuple[str, str, str | None], Licence] = {}
        self.groups: dict[tuple[str, str | None], list[Licence]] = {}
        self.by_template = {lic.commons_template.casefold(): lic for lic in licences
                            if lic.commons_template}
        for licence in licences:
            self._add_names(licence)

    @staticmethod
    def _names_of_places(licences: Iterable[Licence]) -> dict[str, str]:
        """Jurisdiction names in plain words ("uk england and wales", "england and wales",
        "germany") → CC's code."""
        names: dict[str, str] = {}
        for lic in licences:
            if lic.jurisdiction and lic.jurisdiction_name:
                words = _plain_words(lic.jurisdiction_name)
                names[" ".join(words)] = lic.jurisdiction
                if words[:1] == ["uk"] and len(words) > 1:
                    names[" ".join(words[1:])] = lic.jurisdiction
        return names

    @staticmethod
    def _place_pattern(names: dict[str, str]) -> re.Pattern[str]:
        """Jurisdiction names as written, to be replaced by ``j_<code>`` tokens."""
        alternatives = sorted(names, key=len, reverse=True)
        pattern = "|".join(r"[\W_]+".join(map(re.escape, n.split())) for n in alternatives)
        return re.compile(rf"(?<![a-z])({pattern})(?![a-z])", re.IGNORECASE)

    def _add_names(self, licence: Licence) -> None:
        # The id spells the key out ("cc-by-sa-3.0-de"); the names, SPDX id and short name
        # read the same (tests hold every one of them to it), so parsing the id suffices.
        phrases = self.phrases(licence.id)
        if len(phrases) != 1 or len(phrases[0].versions) != 1:
            raise InputError(f"licence registry: the id {licence.id!r} does not read as a "
                             "licence name with one version")
        phrase = phrases[0]
        keys = {(phrase.words, phrase.versions[0], phrase.jurisdiction)}
        if licence.jurisdiction and licence.family != "cc":
            # The OGL's names do not say "UK"; CC's PD certification is US-only.
            keys |= {(words, version, None) for words, version, _ in keys}
        for key in keys:
            other = self.by_name.setdefault(key, licence)
            if other is not licence:
                raise InputError(f"licence registry: a name of {licence.id} reads the same "
                                 f"as a name of {other.id} ({' '.join(filter(None, key))})")
            group = self.groups.setdefault((key[0], key[2]), [])
            if licence not in group:
                group.append(licence)

    # --- reading a text ------------------------------------------------------------------

    def tokens(self, text: str) -> list[str]:
        """Lower-case tokens with synonyms merged and jurisdictions as ``j_<code>``."""
        for pattern, word in _SYNONYMS:
            text = pattern.sub(word, text)
        text = self._places.sub(lambda m: f" j_{self._place_code(m.group(1))} ", text)
        text = _CODE.sub(self._code_token, text)
        return _TOKEN.findall(text.lower())

    def _place_code(self, name: str) -> str:
        return self._place_names.get(" ".join(_plain_words(name)), "")

    def _code_token(self, match: re.Match[str]) -> str:
        """A jurisdiction code counts when written as one: upper case ("DE") or joined to
        the name ("cc-by-sa-3.0-de"); "at" and "in" in a sentence are words."""
        code = match.group(1)
        text = match.string
        start, end = match.span(1)
        if text[start - 2:start] == "j_":
            return code
        joined = (start > 0 and text[start - 1] in "-_/") or text[end:end + 1] in ("-", "_")
        if code.lower() in self.codes and (code.isupper() or joined):
            return f" j_{code.lower()} "
        if text[max(start - 2, 0):start - 1].isdigit() and text[start - 1:start] == "-" \
                and code.lower() not in _TAG_SUFFIXES:
            # "cc-by-2.0-foo": a place CC never ported to, not a word to skip.
            return f" j_{code.lower()} "
        return code

    def phrases(self, text: str) -> list[Phrase]:
        """Every licence name in ``text``, in order."""
        tokens = self.tokens(text)
        found: list[Phrase] = []
        i = 0
        started = False  # a word that is not part of a licence name came before
        while i < len(tokens):
            if tokens[i] not in _WORDS:
                started = started or not (tokens[i] in _FILLER or tokens[i].startswith("j_"))
                i += 1
                continue
            words: list[str] = []
            versions: list[str] = []
            place: str | None = None
            while i < len(tokens):
                token = tokens[i]
                if token in _FILLER:
                    pass
                elif token.startswith("j_"):
                    place = place or token[2:]
                elif token[0].isdigit():
                    versions.append(version_text(token.rstrip("+")) + "+" * token.endswith("+"))
                elif token in _WORDS and not versions:
                    words.append(token)
                else:
                    break
                i += 1
            # Without its brand, a name counts only as the whole text ("Attribution 3.0
            # Australia"): "Open Data Commons Attribution License v1.0" is not CC BY 1.0,
            # and "By 2 May 2024 …" is no licence at all.
            whole = not started and all(t in _FILLER or t.startswith("j_") for t in tokens[i:])
            if _BRANDS & set(words) or (versions and whole):
                found.append(Phrase(_canonical(words), tuple(versions), place))
            started = True
        return found

    def recognise(self, text: str) -> Recognition:
        """See :meth:`syndicate.licences.Registry.recognise`."""
        text = text.strip()
        bare = text.strip(QUOTES).strip()
        if not bare:
            return Recognition.failed("licence.unknown",
                                      "no licence given: state a licence URL or name")
        if URL_START.match(bare.lower()) and " " not in bare:
            return self.urls.recognise_url(bare)
        template = self._template(bare)
        if template is not None:
            return template
        urls = [self.urls.recognise_url(u.rstrip(".,;:")) for u in EMBEDDED_URL.findall(text)]
        named = [r for r in urls if r.licence is not None]
        if named:  # the URL wins over the words around it
            return Recognition.of(lic for r in named for lic in r.offered)
        failed = [r for r in urls if r.finding is not None and r.finding.code != "licence.unknown"]
        if failed:
            return failed[0]
        return self.recognise_name(text)

    def _template(self, text: str) -> Recognition | None:
        """A Commons licence tag: ``{{OGL}}``, ``Template:Cc-by-sa-3.0-de``."""
        match = re.fullmatch(r"\{\{\s*(?:template:)?([^|{}]+?)\s*(?:\|[^{}]*)?\}\}|"
                             r"template:\s*(\S.*)", text, re.IGNORECASE)
        if match is None:
            return None
        name = (match.group(1) or match.group(2)).strip()
        licence = self.by_template.get(name.casefold())
        return Recognition.of([licence]) if licence else self.recognise_name(name)

    def recognise_name(self, text: str) -> Recognition:
        """The licences the names in ``text`` offer; a finding if any of them names none."""
        phrases = self.phrases(text)
        if not phrases:
            return Recognition.failed("licence.unknown", f"{text!r} is not a licence syndicate "
                                      "knows; give a licence URL or choose one from "
                                      "`syndicate licences`")
        results = [self._resolve(phrase, text) for phrase in phrases]
        offered = [lic for r in results for lic in r.offered]
        named = {lic.id for lic in offered}
        for phrase, result in zip(phrases, results, strict=True):
            if result.finding is None:
                continue
            # "Creative Commons Attribution (CC BY 4.0)": the unversioned mention is the
            # same licence as the versioned one beside it.
            group = self.groups.get((phrase.words, phrase.jurisdiction), [])
            if not phrase.versions and offered and (
                    phrase.words == "cc" or any(lic.id in named for lic in group)):
                continue
            return result
        return Recognition.of(offered)

    def _resolve(self, phrase: Phrase, text: str) -> Recognition:
        group = self.groups.get((phrase.words, phrase.jurisdiction), [])
        if not phrase.versions:
            # CC0 and the PDM are named without a version; a licence never is, even
            # when only one version exists ("CC-NC" in a catalogue means any NC licence).
            if len(group) == 1 and group[0].family == "pd":
                return Recognition.of(group)
            if group:
                return ambiguous(text, group)
            return self._no_such(phrase, text, None)
        licences: list[Licence] = []
        for version in phrase.versions:
            if version.endswith("+"):
                floor = _numbers(version.rstrip("+"))
                later = [lic for lic in group if _numbers(lic.version) >= floor]
                if not later:
                    return self._no_such(phrase, text, version.rstrip("+"))
                licences += later
                continue
            licence = self.by_name.get((phrase.words, version, phrase.jurisdiction))
            if licence is None:
                return self._no_such(phrase, text, version)
            licences.append(licence)
        return Recognition.of(licences)

    def _no_such(self, phrase: Phrase, text: str, version: str | None) -> Recognition:
        group = self.groups.get((phrase.words, phrase.jurisdiction), [])
        if group:
            return Recognition.failed("licence.nonexistent", f"{text!r} does not exist: there "
                                      f"is no version {version} of it. What exists: "
                                      f"{listing(group)}.")
        generic = self.groups.get((phrase.words, None), [])
        if phrase.jurisdiction and generic:
            ports = [lic for (words, place), group in self.groups.items()
                     if words == phrase.words and place for lic in group]
            return Recognition.failed(
                "licence.nonexistent", f"{text!r} does not exist: it was never published for "
                f"'{phrase.jurisdiction}'. The ports that exist are "
                f"{listing(ports)}; a generic version is a different licence and cannot "
                "stand in for a port.")
        return Recognition.failed("licence.unknown", f"{text!r} is not a licence syndicate "
                                  "knows; give a licence URL or choose one from "
                                  "`syndicate licences`")

def _plain_words(name: str) -> list[str]:
    return re.findall(r"[a-z]+", name.lower().replace("&", " and "))


def _numbers(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version))

