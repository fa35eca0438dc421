"""The page and the list beside a folder of feeds: ``index.html`` and ``feeds.opml``.

A council links one page from its site; a partner imports one OPML file into a reader to
subscribe to every topic at once. Both are built from the feed files in the folder
themselves, so feeds written by several feed sinks into one folder are all listed, and the
page never disagrees with the feeds it describes. Static HTML5, no script, readable
without JavaScript.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from syndicate.dates import rfc822, rfc3339, utc_now
from syndicate.safexml import XMLStream, release
from syndicate.sinks.feedformats import CREATIVE_COMMONS, xml_text

INDEX = "index.html"
OPML = "feeds.opml"
_TYPES = {"atom": ("application/atom+xml", "Atom"), "rss": ("application/rss+xml", "RSS")}


@dataclass
class FeedFile:
    """One feed of the folder as the index shows it: every format written for one name."""

    name: str                                   # partners → partners.atom, partners.rss
    title: str = ""
    description: str = ""
    link: str = ""
    updated: str = ""                           # RFC 3339
    licence_url: str | None = None
    licence_title: str | None = None
    formats: list[str] = field(default_factory=list)


def feeds_in(directory: Path) -> list[FeedFile]:
    """Every feed in ``directory`` (``*.atom``, ``*.rss``), read from the files."""
    found: dict[str, FeedFile] = {}
    for fmt in _TYPES:
        for path in sorted(directory.glob(f"*.{fmt}")):
            feed = found.setdefault(path.stem, FeedFile(path.stem))
            feed.formats.append(fmt)
            if not feed.title:
                _read_head(path, feed)
    return sorted(found.values(), key=lambda f: f.title.casefold() or f.name)


def _read_head(path: Path, feed: FeedFile) -> None:
    """Fill ``feed`` from what precedes the entries (stops at the first one)."""
    try:
        handle = path.open("rb")
    except OSError:
        return
    with handle:
        for event, element in XMLStream(handle, str(path)):
            if event != "end":
                continue
            tag = etree.QName(element).localname if isinstance(element.tag, str) else ""
            if tag in ("entry", "item"):
                return
            parent = element.getparent()
            if parent is None or etree.QName(parent).localname not in ("feed", "channel"):
                continue
            text = (element.text or "").strip()
            if tag == "title":
                feed.title = text
            elif tag in ("subtitle", "description"):
                feed.description = text
            elif tag == "updated":
                feed.updated = text
            elif tag == "lastBuildDate" and not feed.updated:
                feed.updated = rfc3339(text) or ""
            elif tag == "link" and element.get("rel") == "license":
                feed.licence_url = element.get("href")
                feed.licence_title = element.get("title")
            elif tag == "link" and element.get("rel", "alternate") == "alternate":
                feed.link = element.get("href") or text
            elif element.tag == f"{{{CREATIVE_COMMONS}}}license":
                feed.licence_url = text
            release(element)


def index_html(title: str, organisation: str, feeds: Sequence[FeedFile],
               base_url: str | None, language: str = "en-GB") -> str:
    """The subscribers' page (in ``language``): each feed with its description, licence,
    last update and a link per format, plus the OPML file."""
    rows = "\n".join(_feed_section(feed, base_url) for feed in feeds)
    opml = _href(OPML, base_url)
    esc = html.escape
    return f"""<!DOCTYPE html>
<html lang="{esc(language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
{_alternates(feeds, base_url)}
</head>
<body>
<main>
<h1>{esc(title)}</h1>
<p>Openly licensed news, photos and documents from {esc(organisation)}, as feeds you can
read in a feed reader or show on your own site. Each entry carries its own licence and
the credit line to use.</p>
<p>Subscribe to every feed at once: <a href="{esc(opml)}" type="text/x-opml">{OPML}</a>
(OPML, for feed readers).</p>
{rows}
</main>
</body>
</html>
"""


def _feed_section(feed: FeedFile, base_url: str | None) -> str:
    esc = html.escape
    links = " ".join(
        f'<a href="{esc(_href(f"{feed.name}.{fmt}", base_url))}" '
        f'type="{_TYPES[fmt][0]}">{_TYPES[fmt][1]}</a>' for fmt in feed.formats)
    licence = "Each entry states its licence."
    if feed.licence_url:
        label = esc(feed.licence_title or feed.licence_url)
        licence = f'Licence: <a rel="license" href="{esc(feed.licence_url)}">{label}</a>.'
    updated = ""
    if feed.updated:
        updated = f' Last updated <time datetime="{esc(feed.updated)}">' \
                  f"{esc(feed.updated[:16].replace('T', ' '))} UTC</time>."
    return f"""<section>
<h2>{esc(feed.title or feed.name)}</h2>
<p>{esc(feed.description)}</p>
<p>{licence}{updated}</p>
<p>Subscribe: {links}</p>
</section>"""


def _alternates(feeds: Iterable[FeedFile], base_url: str | None) -> str:
    # <link rel=alternate> lets browsers and readers find the feeds from the page itself.
    return "\n".join(
        f'<link rel="alternate" type="{_TYPES[fmt][0]}" '
        f'title="{html.escape(feed.title or feed.name)}" '
        f'href="{html.escape(_href(f"{feed.name}.{fmt}", base_url))}">'
        for feed in feeds for fmt in feed.formats)


def opml_document(title: str, feeds: Sequence[FeedFile], base_url: str | None) -> bytes:
    """OPML 2.0 listing every feed (one outline per format), for readers to import."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = xml_text(title)
    etree.SubElement(head, "dateCreated").text = rfc822(
        max((feed.updated for feed in feeds if feed.updated), default=utc_now()))
    body = etree.SubElement(root, "body")
    for feed in feeds:
        for fmt in feed.formats:
            attrs = {"type": "rss", "text": feed.title or feed.name,
                     "title": feed.title or feed.name,
                     "xmlUrl": _href(f"{feed.name}.{fmt}", base_url),
                     "version": "ATOM" if fmt == "atom" else "RSS2"}
            if feed.description:
                attrs["description"] = feed.description
            if feed.link:
                attrs["htmlUrl"] = feed.link
            etree.SubElement(body, "outline", {k: xml_text(v) for k, v in attrs.items()})
    document: bytes = etree.tostring(root, xml_declaration=True, encoding="utf-8",
                                     pretty_print=True)
    return document


def _href(name: str, base_url: str | None) -> str:
    return f"{base_url}/{name}" if base_url else name
