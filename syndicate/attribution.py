"""Credit lines: one attribution, written as plain text, HTML with ccREL RDFa, and wikitext.

CC best practice is TASL — Title, Author, Source, Licence — and saying when the work was
modified (https://wiki.creativecommons.org/wiki/Best_practices_for_attribution). The OGL
instead asks for the provider's attribution statement, or, when the provider gives none, its
own fixed sentence ("Contains public sector information licensed under the Open Government
Licence v3.0."), with a link to the licence where possible (docs/metadata.md). Public domain
works (CC0, PDM) need no credit, but we give it anyway as a courtesy.

Each credit is built once as a list of parts and rendered three ways, so the three forms can
never say different things. Everything that came from a source is untrusted: the HTML form
escapes all text and only links http(s) URLs; the wikitext form goes through
:mod:`syndicate.wikitext`.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from syndicate import wikitext
from syndicate.licences import Licence
from syndicate.model import Attribution, Item

UNTITLED = "This work"
MODIFIED = "Modified from the original."
_CCREL = 'xmlns:cc="http://creativecommons.org/ns#" xmlns:dct="http://purl.org/dc/terms/"'


@dataclass(frozen=True)
class Attributor:
    """Who is credited when an item names no creator (the council, or a rule's override),
    and the attribution statement it asks reusers to include (an OGL provider's statement,
    or a copyright notice that CC licences require reusers to keep)."""

    name: str
    url: str | None = None
    statement: str | None = None


# The parts a credit line is made of; each renderer below knows how to write each part.
@dataclass(frozen=True)
class _Text:
    text: str


@dataclass(frozen=True)
class _Work:
    title: str | None
    url: str | None


@dataclass(frozen=True)
class _Creator:
    name: str
    url: str | None


@dataclass(frozen=True)
class _Source:
    """The work's URL. HTML and wikitext already link the title to it; text spells it out."""

    url: str | None


@dataclass(frozen=True)
class _LicenceLink:
    label: str
    url: str


_Part = _Text | _Work | _Creator | _Source | _LicenceLink


def build_attribution(item: Item, licence: Licence,
                      attributor: Attributor | None = None) -> Attribution:
    """The credit line for ``item`` under ``licence`` in plain text, HTML and wikitext.

    The creator is the item's own, or else ``attributor`` (the council as default author).
    The attributor's statement is included only when the attributor is the one credited:
    it speaks for the council's works, not a third party's.
    """
    return Attribution(credit=Credit(tuple(_parts(item, licence, attributor))))


@dataclass(frozen=True)
class Credit:
    """A credit line as its parts, written out in any form on demand
    (:class:`~syndicate.model.Attribution` asks for each form once)."""

    parts: tuple[_Part, ...]

    def render(self, form: str) -> str:
        return _RENDERERS[form](self.parts)

    def as_data(self) -> list[list[str | None]]:
        """Each part as ``[kind, value…]``: what the ledger stores."""
        return [[_KIND_OF[type(part)], *vars(part).values()] for part in self.parts]

    @classmethod
    def from_data(cls, data: Sequence[Sequence[Any]]) -> Credit:
        return cls(tuple(_PART_OF[kind](*values) for kind, *values in data))


def _parts(item: Item, licence: Licence, attributor: Attributor | None) -> list[_Part]:
    title = " ".join(item.title.split()) or None
    # A lent work is credited with a link to where its owner published it.
    source = item.extra.get("source_url") or item.url or item.media_url
    creator: _Creator | None = None
    if item.creator and item.creator.strip():
        creator = _Creator(item.creator.strip(), item.creator_url)
    elif attributor is not None:
        creator = _Creator(attributor.name, attributor.url)
    credits_attributor = attributor is not None and creator is not None \
        and creator.name == attributor.name
    statement = attributor.statement if attributor and credits_attributor else None

    parts: list[_Part] = [_Work(title, source)]
    if creator is not None:
        parts += [_Text(" by "), creator]
    parts.append(_Source(source))
    extras = [MODIFIED] if item.extra.get("modified") is True else []
    if licence.family == "ogl":
        return parts + list(_ogl_statements(licence, statement, tuple(extras)))
    verb = " is marked with " if licence.family == "pd" else " is licensed under "
    parts += [_Text(verb), _LicenceLink(licence.short_name, licence.url)]
    if statement:
        extras.append(_sentence(statement))
    return parts + ([_Text(". " + " ".join(extras))] if extras else [])


@functools.lru_cache(maxsize=64)
def _ogl_statements(licence: Licence, council_statement: str | None,
                    extras: tuple[str, ...]) -> tuple[_Part, ...]:
    """The provider's statement if it has one, else the OGL's own sentence; the licence's
    name is linked wherever it appears. A council statement that does not name the licence
    (a bare "© Example Council") gets the OGL's sentence after it, so the licence is named.
    The same for every item of a council (kept: it was a tenth of tagging an item)."""
    sentences = [*extras]
    if council_statement:
        sentences.append(_sentence(council_statement))
    if not any(licence.name in sentence for sentence in sentences):
        sentences.append(licence.attribution_statement or f"Licensed under the {licence.name}.")
    before, name, after = " ".join(sentences).partition(licence.name)
    if not name:
        return (_Text(f". {before} "), _LicenceLink(licence.short_name, licence.url))
    return (_Text(f". {before}"), _LicenceLink(name, licence.url), _Text(after))


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if re.search(r"[.!?]$", text) else text + "."


def _http(url: str | None) -> str | None:
    """Only web links become links: a ``javascript:`` or ``file:`` URL from a feed must not."""
    return url if url and re.match(r"(?i)^https?://", url) else None


def _as_text(parts: Sequence[_Part]) -> str:
    out: list[str] = []
    for part in parts:
        match part:
            case _Text(text):
                out.append(text)
            case _Work(title, _):
                out.append(f"“{title}”" if title else UNTITLED)
            case _Creator(name, _):
                out.append(name)
            case _Source(url):
                out.append(f" ({url})" if url else "")
            case _LicenceLink(label, url):
                out.append(f"{label} ({url})")
    return " ".join("".join(out).split())


def _as_html(parts: Sequence[_Part]) -> str:
    """The CC chooser's markup (docs/metadata.md): dct:title on the work, cc:attributionName
    on the creator, rel="license" on the licence link — plus cc:license there, so RDFa 1.1
    readers get ccREL's own property as well as xhv:license."""
    out: list[str] = []
    for part in parts:
        match part:
            case _Text(text):
                out.append(html.escape(text))
            case _Work(title, url):
                out.append(_html_work(title, _http(url)))
            case _Creator(name, url):
                out.append(_html_creator(name, _http(url)))
            case _LicenceLink(label, url):
                out.append(f'<a rel="license cc:license" href="{html.escape(url)}">'
                           f'{html.escape(label)}</a>')
    return f"<p {_CCREL}>{''.join(out)}</p>"


def _html_work(title: str | None, url: str | None) -> str:
    label = html.escape(title or UNTITLED)
    prop = ' property="dct:title"' if title else ""
    if url is None:
        return f"<span{prop}>{label}</span>" if title else label
    return f'<a{prop} rel="cc:attributionURL" href="{html.escape(url)}">{label}</a>'


def _html_creator(name: str, url: str | None) -> str:
    if url is None:
        return f'<span property="cc:attributionName">{html.escape(name)}</span>'
    return (f'<a rel="cc:attributionURL dct:creator" property="cc:attributionName" '
            f'href="{html.escape(url)}">{html.escape(name)}</a>')


def _as_wikitext(parts: Sequence[_Part]) -> str:
    """Escaped text and external links only: no templates, wikilinks or signatures, so the
    result is safe as the value of a named template parameter."""
    out: list[str] = []
    for part in parts:
        match part:
            case _Text(text):
                out.append(_wiki_text(text))
            case _Work(title, url):
                label = f"“{title}”" if title else UNTITLED
                link = _http(url)
                out.append(wikitext.external_link(link, label) if link
                           else wikitext.escape(label))
            case _Creator(name, url):
                link = _http(url)
                out.append(wikitext.external_link(link, name) if link
                           else wikitext.escape(name))
            case _LicenceLink(label, url):
                out.append(wikitext.external_link(url, label))
    return "".join(out).strip()


def _wiki_text(text: str) -> str:
    """:func:`wikitext.escape` collapses the spaces around a fragment; keep them."""
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() else ""
    return lead + wikitext.escape(text) + trail


_RENDERERS = {"text": _as_text, "html": _as_html, "wikitext": _as_wikitext}
_PART_OF: dict[str | None, type[_Part]] = {
    "text": _Text, "work": _Work, "creator": _Creator, "source": _Source,
    "licence": _LicenceLink}
_KIND_OF = {part: kind for kind, part in _PART_OF.items()}
