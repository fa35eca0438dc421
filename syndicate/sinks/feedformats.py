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
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
CREATIVE_COMMONS = "http://backend.userland.com/creativeCommonsRssModule"
DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
_RFC3339 = "%Y-%m-%dT%H:%M:%SZ"

# Characters XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE/U+FFFF); lxml
# refuses them outright, so they are dropped rather than letting one item stop the feed.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", value)


@dataclass(frozen=True)
class Enclosure:
    """The file an image or document entry points at."""

    url: str
    type: str
    length: int | None = None


@dataclass(frozen=True)
class FeedEntry:
    """One published item as the feeds show it; stored as JSON between runs.

    Dates are RFC 3339 strings in UTC (``2026-01-05T02:00:13Z``). ``rights`` is the plain
    attribution text and ``attribution_html`` its HTML form; both are ``None`` when the item
    has no attribution.
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
    enclosure: Enclosure | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FeedEntry:
        values = dict(data)
        if values.get("enclosure") is not None:
            values["enclosure"] = Enclosure(**values["enclosure"])
        return cls(**values)


@dataclass(frozen=True)
class FeedInfo:
    """What a feed says about itself. ``id`` is stable across runs; ``link`` is the
    organisation's site; ``self_url`` is where this very document is served, if known."""

    id: str
    title: str
    subtitle: str
    link: str
    author: str
    author_url: str | None
    self_url: str | None = None


def atom_document(feed: FeedInfo, entries: Sequence[FeedEntry]) -> bytes:
    """An Atom 1.0 feed (RFC 4287) with RFC 4946 licence links on the feed and every entry."""
    root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    _add(root, "id", feed.id)
    _add(root, "title", feed.title)
    _add(root, "subtitle", feed.subtitle)
    _add(root, "updated", _latest(entries))
    _add(root, "link", attrs={"rel": "alternate", "type": "text/html", "href": feed.link})
    if feed.self_url:
        _add(root, "link", attrs={"rel": "self", "type": "application/atom+xml",
                                  "href": feed.self_url})
    shared = shared_licence(entries)
    if shared is not None:
        _add(root, "link", attrs=_atom_licence(*shared))
    _atom_author(root, feed.author, feed.author_url)
    for entry in entries:
        _atom_entry(root, entry)
    return _serialise(root)


def _atom_entry(feed: etree._Element, entry: FeedEntry) -> None:
    element = _add(feed, "entry")
    _add(element, "id", entry.id)
    _add(element, "title", entry.title, attrs={"type": "text"})
    if entry.url:
        _add(element, "link", attrs={"rel": "alternate", "type": "text/html",
                                     "href": entry.url})
    _add(element, "link", attrs=_atom_licence(entry.licence_url, entry.licence_title))
    if entry.enclosure is not None:
        attrs = {"rel": "enclosure", "href": entry.enclosure.url,
                 "type": entry.enclosure.type}
        if entry.enclosure.length is not None:
            attrs["length"] = str(entry.enclosure.length)
        _add(element, "link", attrs=attrs)
    _atom_author(element, entry.author, entry.author_url)
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
             "content": CONTENT}
    root = etree.Element("rss", nsmap=nsmap, attrib={"version": "2.0"})
    channel = _add(root, "channel")
    _add(channel, "title", feed.title)
    _add(channel, "link", feed.link)
    _add(channel, "description", feed.subtitle)
    _add(channel, "lastBuildDate", rfc822(_latest(entries)))
    if feed.self_url:
        _add(channel, f"{{{ATOM}}}link", attrs={"rel": "self", "type": "application/rss+xml",
                                                "href": feed.self_url})
    shared = shared_licence(entries)
    if shared is not None:
        _add(channel, f"{{{CREATIVE_COMMONS}}}license", shared[0])
    for entry in entries:
        _rss_item(channel, entry)
    return _serialise(root)


def _rss_item(channel: etree._Element, entry: FeedEntry) -> None:
    item = _add(channel, "item")
    _add(item, "title", entry.title)
    link = entry.url or (entry.enclosure.url if entry.enclosure else None)
    if link:
        _add(item, "link", link)
    _add(item, "guid", entry.id, attrs={"isPermaLink": "false"})
    _add(item, "pubDate", rfc822(entry.published or entry.updated))
    _add(item, f"{{{DUBLIN_CORE}}}creator", entry.author)
    description = f"<p>{html.escape(entry.summary)}</p>" if entry.summary else ""
    _add(item, "description", _with_attribution(description, entry))
    if entry.content_html:
        _add(item, f"{{{CONTENT}}}encoded", _with_attribution(entry.content_html, entry))
    _add(item, f"{{{CREATIVE_COMMONS}}}license", entry.licence_url)
    if entry.enclosure is not None:
        # RSS requires a length; the RSS Advisory Board's advice for an unknown one is 0.
        _add(item, "enclosure", attrs={"url": entry.enclosure.url,
                                       "length": str(entry.enclosure.length or 0),
                                       "type": entry.enclosure.type})


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


def rfc3339(value: str | None) -> str | None:
    """A source's date (ISO 8601, or the RFC 822 form of RSS) as RFC 3339 UTC, or ``None``
    when there is none or it cannot be read. Dates without a zone are taken as UTC."""
    if not value:
        return None
    try:
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            moment = parsedate_to_datetime(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime(_RFC3339)
    except (TypeError, ValueError, OverflowError):  # OverflowError: year 1 moved across a zone
        return None


def utc_now() -> str:
    """The current time as RFC 3339 UTC, to the second."""
    return datetime.now(UTC).strftime(_RFC3339)


def rfc822(timestamp: str) -> str:
    """An RFC 3339 UTC timestamp in the RFC 822 form RSS uses."""
    return format_datetime(datetime.fromisoformat(timestamp), usegmt=True)


def _add(parent: etree._Element, tag: str, text: str | None = None,
         attrs: Mapping[str, str] | None = None) -> etree._Element:
    # Unqualified tags take the parent's namespace: Atom's for Atom, none for RSS.
    if not tag.startswith("{"):
        namespace = etree.QName(parent).namespace
        tag = f"{{{namespace}}}{tag}" if namespace else tag
    element = etree.SubElement(parent, tag,
                               {name: xml_text(value) for name, value in (attrs or {}).items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _serialise(root: etree._Element) -> bytes:
    document: bytes = etree.tostring(root, xml_declaration=True, encoding="utf-8",
                                     pretty_print=True)
    return document


Renderer = Callable[[FeedInfo, Sequence[FeedEntry]], bytes]

#: Format name (as in the sink's ``formats`` key and the file extension) → renderer.
FORMATS: dict[str, Renderer] = {"atom": atom_document, "rss": rss_document}
