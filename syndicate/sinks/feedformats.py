"""Feed formats: turn the feed sink's entries into Atom 1.0 or RSS 2.0 documents.

Only the format lives here; where the bytes go (a folder, atomically) is the sink's business
(:mod:`syndicate.sinks.feed`), as Scrapy keeps exporters apart from feed storages.

Every entry carries its own licence link because feedparser, which partners' code uses,
does not let entries inherit the feed's licence (docs/metadata.md, "Feeds"). All text goes through
lxml and :func:`xml_text`, so nothing an item says can break the XML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from lxml import etree

from syndicate import __version__
from syndicate.dates import rfc822

ATOM = "http://www.w3.org/2005/Atom"
CREATIVE_COMMONS = "http://backend.userland.com/creativeCommonsRssModule"
DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
MEDIA = "http://search.yahoo.com/mrss/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
GENERATOR = "syndicate"

# Characters XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE/U+FFFF); lxml
# refuses them outright, so they are dropped rather than letting one item stop the feed.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot carry."""
    if value.isascii() and value.isprintable():
        return value          # the usual case, checked in C
    return _NOT_XML.sub("", value)


@dataclass(frozen=True)
class Enclosure:
    """A picture or document that travels with an entry: its URL, type and size, and what
    a reader needs to use it (alt text, title, credit, its own licence URL if it has one)."""

    url: str
    type: str
    length: int | None = None
    alt: str = ""
    title: str = ""
    credit: str | None = None
    licence_url: str | None = None

    @property
    def medium(self) -> str:
        return "image" if self.type.startswith("image/") else "document"


@dataclass(frozen=True)
class FeedEntry:
    """One published item as the feeds show it; stored as JSON between runs.

    Dates are RFC 3339 strings in UTC (``2026-01-05T02:00:13Z``); ``published`` is the
    item's own date (``None`` if it has none) and ``updated`` its modified date, else its
    date, else when syndicate first saw it. ``rights`` is the plain attribution text and
    ``attribution_html`` its HTML form; both are ``None`` when the item has no attribution.
    ``content_html`` is already sanitised.
    """

    id: str
    item_id: str
    title: str
    url: str | None
    summary: str
    content_html: str
    author: str
    author_url: str | None
    published: str | None
    updated: str
    licence_url: str
    licence_title: str
    rights: str | None = None
    attribution_html: str | None = None
    enclosures: tuple[Enclosure, ...] = ()
    categories: tuple[str, ...] = ()
    language: str | None = None
    parent: str | None = None        # the item id of the article a picture belongs to

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FeedEntry:
        values = dict(data)
        old = values.pop("enclosure", None)   # version 1 stores held at most one
        enclosures = values.get("enclosures") or ([old] if old else [])
        values["enclosures"] = tuple(Enclosure(**e) for e in enclosures)
        values["categories"] = tuple(values.get("categories") or ())
        return cls(**values)


@dataclass(frozen=True)
class FeedInfo:
    """What a feed says about itself. ``id`` is stable across runs; ``link`` is the
    organisation's site; ``self_url`` is where this very document is served, if known;
    ``language`` a BCP 47 tag; ``icon`` and ``logo`` image URLs, if configured."""

    id: str
    title: str
    subtitle: str
    link: str
    author: str
    author_url: str | None
    self_url: str | None = None
    language: str | None = None
    icon: str | None = None
    logo: str | None = None


def atom_document(feed: FeedInfo, entries: Sequence[FeedEntry]) -> bytes:
    """An Atom 1.0 feed (RFC 4287) with RFC 4946 licence links on the feed and every entry."""
    root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    if feed.language:
        root.set(XML_LANG, feed.language)
    _add(root, "id", feed.id)
    _add(root, "title", feed.title)
    _add(root, "subtitle", feed.subtitle)
    _add(root, "updated", _latest(entries))
    _add(root, "link", attrs={"rel": "alternate", "type": "text/html", "href": feed.link})
    if feed.self_url:
        _add(root, "link", attrs={"rel": "self", "type": "application/atom+xml",
                                  "href": feed.self_url})
    _add(root, "generator", GENERATOR, attrs={"version": __version__})
    if feed.icon:
        _add(root, "icon", feed.icon)
    if feed.logo:
        _add(root, "logo", feed.logo)
    shared = shared_licence(entries)
    if shared is not None:
        _add(root, "link", attrs=_atom_licence(*shared))
    _atom_author(root, feed.author, feed.author_url)
    for entry in entries:
        _atom_entry(root, entry, feed.language)
    return _serialise(root)


def _atom_entry(feed: etree._Element, entry: FeedEntry, language: str | None) -> None:
    element = _add(feed, "entry")
    if _differs(entry.language, language):
        element.set(XML_LANG, entry.language or "")
    _add(element, "id", entry.id)
    _add(element, "title", entry.title, attrs={"type": "text"})
    if entry.url:
        _add(element, "link", attrs={"rel": "alternate", "type": "text/html",
                                     "href": entry.url})
    _add(element, "link", attrs=_atom_licence(entry.licence_url, entry.licence_title))
    for enclosure in entry.enclosures:
        attrs = {"rel": "enclosure", "href": enclosure.url, "type": enclosure.type}
        if enclosure.length is not None:
            attrs["length"] = str(enclosure.length)
        if enclosure.alt or enclosure.title:
            attrs["title"] = enclosure.alt or enclosure.title
        _add(element, "link", attrs=attrs)
    _atom_author(element, entry.author, entry.author_url)
    for category in entry.categories:
        _add(element, "category", attrs={"term": category})
    if entry.published:
        _add(element, "published", entry.published)
    _add(element, "updated", entry.updated)
    if entry.rights:
        _add(element, "rights", entry.rights, attrs={"type": "text"})
    if entry.summary:
        _add(element, "summary", entry.summary, attrs={"type": "text"})
    if entry.content_html:
        _add(element, "content", _with_attribution(entry.content_html, entry),
             attrs={"type": "html"})


def _atom_licence(url: str, title: str) -> dict[str, str]:
    return {"rel": "license", "type": "text/html", "href": url, "title": title}


def _atom_author(parent: etree._Element, name: str, url: str | None) -> None:
    author = _add(parent, "author")
    _add(author, "name", name)
    if url:
        _add(author, "uri", url)


def rss_document(feed: FeedInfo, entries: Sequence[FeedEntry]) -> bytes:
    """An RSS 2.0 feed with ``creativeCommons:license`` on the channel (when every item
    shares one licence) and on every item."""
    nsmap = {"atom": ATOM, "creativeCommons": CREATIVE_COMMONS, "dc": DUBLIN_CORE,
             "content": CONTENT, "media": MEDIA}
    root = etree.Element("rss", nsmap=nsmap, attrib={"version": "2.0"})
    channel = _add(root, "channel")
    _add(channel, "title", feed.title)
    _add(channel, "link", feed.link)
    _add(channel, "description", feed.subtitle)
    if feed.language:
        _add(channel, "language", feed.language)
    _add(channel, "lastBuildDate", rfc822(_latest(entries)))
    _add(channel, "generator", f"{GENERATOR} {__version__}")
    if feed.self_url:
        _add(channel, f"{{{ATOM}}}link", attrs={"rel": "self", "type": "application/rss+xml",
                                                "href": feed.self_url})
    if feed.logo or feed.icon:
        image = _add(channel, "image")
        _add(image, "url", feed.logo or feed.icon)
        _add(image, "title", feed.title)
        _add(image, "link", feed.link)
    shared = shared_licence(entries)
    if shared is not None:
        _add(channel, f"{{{CREATIVE_COMMONS}}}license", shared[0])
    for entry in entries:
        _rss_item(channel, entry, feed.language)
    return _serialise(root)


def _rss_item(channel: etree._Element, entry: FeedEntry, language: str | None) -> None:
    item = _add(channel, "item")
    _add(item, "title", entry.title)
    link = entry.url or (entry.enclosures[0].url if entry.enclosures else None)
    if link:
        _add(item, "link", link)
    _add(item, "guid", entry.id, attrs={"isPermaLink": "false"})
    if entry.published:     # RSS has no "first seen": an undated item stays undated
        _add(item, "pubDate", rfc822(entry.published))
    _add(item, f"{{{DUBLIN_CORE}}}creator", entry.author)
    for category in entry.categories:
        _add(item, "category", category)
    if _differs(entry.language, language):
        _add(item, f"{{{DUBLIN_CORE}}}language", entry.language)
    if entry.rights:
        _add(item, f"{{{DUBLIN_CORE}}}rights", entry.rights)
    description = f"<p>{html.escape(entry.summary)}</p>" if entry.summary else ""
    _add(item, "description", _with_attribution(description, entry))
    if entry.content_html:
        _add(item, f"{{{CONTENT}}}encoded", _with_attribution(entry.content_html, entry))
    _add(item, f"{{{CREATIVE_COMMONS}}}license", entry.licence_url)
    if entry.enclosures:
        first = entry.enclosures[0]
        # RSS allows one enclosure and requires a length; the RSS Advisory Board's advice
        # for an unknown one is 0. Media RSS carries every file with its alt text.
        _add(item, "enclosure", attrs={"url": first.url, "length": str(first.length or 0),
                                       "type": first.type})
    for enclosure in entry.enclosures:
        _media_content(item, enclosure, entry)


def _media_content(item: etree._Element, enclosure: Enclosure, entry: FeedEntry) -> None:
    attrs = {"url": enclosure.url, "type": enclosure.type, "medium": enclosure.medium}
    if enclosure.length is not None:
        attrs["fileSize"] = str(enclosure.length)
    content = _add(item, f"{{{MEDIA}}}content", attrs=attrs)
    if enclosure.title:
        _add(content, f"{{{MEDIA}}}title", enclosure.title, attrs={"type": "plain"})
    if enclosure.alt:
        _add(content, f"{{{MEDIA}}}description", enclosure.alt, attrs={"type": "plain"})
    _add(content, f"{{{MEDIA}}}credit", enclosure.credit or entry.author)
    if enclosure.licence_url and enclosure.licence_url != entry.licence_url:
        # Only a file under a licence of its own needs media:license (Media RSS 1.5); the
        # item's creativeCommons:license covers the rest. The W3C validator predates 1.5
        # and calls media:license undefined, so it is not repeated where it adds nothing.
        _add(content, f"{{{MEDIA}}}license", attrs={"type": "text/html",
                                                   "href": enclosure.licence_url})


def _differs(language: str | None, feed_language: str | None) -> bool:
    # Language tags are case-insensitive (RFC 5646 §2.1.1): en-gb is the feed's en-GB.
    return bool(language) and (language or "").casefold() != (feed_language or "").casefold()


def shared_licence(entries: Sequence[FeedEntry]) -> tuple[str, str] | None:
    """The (URL, short name) of the licence every entry has, or ``None`` if they differ."""
    licences = {(entry.licence_url, entry.licence_title) for entry in entries}
    return licences.pop() if len(licences) == 1 else None


def _with_attribution(html_text: str, entry: FeedEntry) -> str:
    # The credit line travels inside the HTML a reader displays, so a partner who shows
    # or republishes the entry keeps the attribution the licence asks for.
    if not entry.attribution_html:
        return html_text
    return f'{html_text}\n<div class="attribution">{entry.attribution_html}</div>'.strip()


def _latest(entries: Sequence[FeedEntry]) -> str:
    # RFC 3339 UTC strings of one shape sort as the instants they name.
    return max((entry.updated for entry in entries), default="1970-01-01T00:00:00Z")


def _add(parent: etree._Element, tag: str, text: str | None = None,
         attrs: Mapping[str, str] | None = None) -> etree._Element:
    # Unqualified tags take the parent's namespace: Atom's for Atom, none for RSS.
    if tag[0] != "{":
        parent_tag = parent.tag
        if isinstance(parent_tag, str) and parent_tag[0] == "{":
            tag = parent_tag[:parent_tag.index("}") + 1] + tag
    # xml_text's fast check is inlined: this runs for every element of every entry.
    element = _SUB_ELEMENT(parent, tag, {
        name: value if value.isascii() and value.isprintable() else _NOT_XML.sub("", value)
        for name, value in attrs.items()} if attrs else None)
    if text is not None:
        element.text = text if text.isascii() and text.isprintable() else \
            _NOT_XML.sub("", text)
    return element


_SUB_ELEMENT = etree.SubElement


def _serialise(root: etree._Element) -> bytes:
    # Not pretty-printed: feeds are read by programs, polled often, and the whitespace
    # costs a tenth of the rendering time and of the bytes.
    document: bytes = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    return document


Renderer = Callable[[FeedInfo, Sequence[FeedEntry]], bytes]

#: Format name (as in the sink's ``formats`` key and the file extension) → renderer.
FORMATS: dict[str, Renderer] = {"atom": atom_document, "rss": rss_document}
