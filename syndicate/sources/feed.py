"""The ``feed`` source: entries of an RSS 0.9x/1.0/2.0 or Atom feed, from a file or a URL.

Each entry becomes an ``article`` item; its enclosures and ``media:content`` images and
documents become ``image``/``document`` items whose ``parent`` is the article. Licences the
feed declares (``creativeCommons:license``, ``cc:license``, Atom ``rel="license"``,
``dcterms:license``, ``media:license``) go into ``declared_licences`` as the raw URLs; an
entry's own declarations replace the feed's (RFC 4946 §2; the CC RSS module).

The feed is streamed: each entry is turned into items and released as soon as it ends, so
memory stays flat however many entries there are. Feed-level data (licence, author) is
taken from what precedes the entries, where every feed format puts it.
"""

from __future__ import annotations

import copy
import html
import io
import logging
import mimetypes
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import urljoin, urlsplit

import lxml.html  # type: ignore[import-untyped]
from lxml import etree

from syndicate.errors import ConfigError, InputError, SourceError
from syndicate.model import Item, Kind, make_id
from syndicate.safexml import XMLStream, release
from syndicate.sources.base import Source, SourceContext

log = logging.getLogger(__name__)

ATOM = "http://www.w3.org/2005/Atom"
ATOM03 = "http://purl.org/atom/ns#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
MEDIA = ("http://search.yahoo.com/mrss/", "http://search.yahoo.com/mrss")
CC_RSS2 = "http://backend.userland.com/creativeCommonsRssModule"
CC_RDF = ("http://web.resource.org/cc/", "http://creativecommons.org/ns#")
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
RDF_RESOURCE = f"{{{RDF}}}resource"
RDF_ABOUT = f"{{{RDF}}}about"

FEED_ROOTS = frozenset({"rss", "RDF", "feed"})
DOCUMENT_TYPES = ("application/pdf", "application/msword", "application/rtf",
                  "application/vnd.openxmlformats-officedocument.",
                  "application/vnd.oasis.opendocument.", "application/vnd.ms-excel",
                  "application/vnd.ms-powerpoint")
HTML_TYPES = frozenset({"html", "text/html"})
XHTML_TYPES = frozenset({"xhtml", "application/xhtml+xml"})


class FeedSource(Source):
    """Items from an RSS or Atom feed.

    Config: ``url`` (http/https, fetched through the pipeline's fetcher) or ``path`` (a
    file, relative to syndicate.yaml); ``allow_private`` to read a feed on the council's
    own network; ``max_bytes`` to change the size cap.
    """

    config_keys = frozenset({"url", "path", "allow_private", "max_bytes"})

    def __init__(self, name: str, config: Mapping[str, Any], context: SourceContext) -> None:
        super().__init__(name, config, context)
        url, path = config.get("url"), config.get("path")
        if (url is None) == (path is None):
            raise ConfigError("give exactly one of url: (a feed on the web) or path: (a "
                              "feed file)", key="path" if url is None else "url")
        if url is not None and (not isinstance(url, str)
                                or urlsplit(url).scheme not in ("http", "https")):
            raise ConfigError(f"url must be an http:// or https:// address, not {url!r}",
                              key="url")
        if path is not None and not isinstance(path, str):
            raise ConfigError("path must be a file name", key="path")
        allow_private = config.get("allow_private", False)
        if not isinstance(allow_private, bool):
            raise ConfigError("allow_private must be true or false", key="allow_private")
        max_bytes = config.get("max_bytes")
        if max_bytes is not None and (isinstance(max_bytes, bool)
                                      or not isinstance(max_bytes, int) or max_bytes <= 0):
            raise ConfigError("max_bytes must be a positive whole number of bytes",
                              key="max_bytes")
        self.url: str | None = url
        self.path: Path | None = context.base_dir / path if path is not None else None
        self.allow_private = allow_private
        self.max_bytes: int | None = max_bytes

    def items(self) -> Iterator[Item]:
        with self._open() as (stream, name, base_url):
            yield from FeedReader(self.name, name, base_url).read(stream)

    @contextmanager
    def _open(self) -> Iterator[tuple[IO[bytes], str, str | None]]:
        if self.path is not None:
            try:
                handle = self.path.open("rb")
            except OSError as error:
                raise SourceError(f"{self.path}: cannot read the feed file "
                                  f"({error.strerror}); check path:") from None
            with handle:
                yield handle, str(self.path), None
            return
        assert self.url is not None
        fetched = self.context.fetcher.get(self.url, allow_private=self.allow_private,
                                           max_bytes=self.max_bytes)
        yield io.BytesIO(fetched.content), self.url, fetched.url


@dataclass
class _FeedLevel:
    """What the feed says for all of its entries."""

    licences: list[str] = field(default_factory=list)
    creator: str | None = None
    link: str | None = None


class FeedReader:
    """Turns one feed document into items, entry by entry.

    ``name`` (the file or URL) is used in messages; ``base_url`` resolves relative links.
    """

    def __init__(self, source: str, name: str, base_url: str | None = None) -> None:
        self.source = source
        self.name = name
        self.base_url = base_url
        self.feed = _FeedLevel()
        self._seen_media: set[str] = set()

    def read(self, stream: IO[bytes]) -> Iterator[Item]:
        """Yield the items of the feed in ``stream``. Raises :class:`InputError` for a
        document that is not a feed, or so broken that no entry could be recovered."""
        xml = XMLStream(stream, self.name, recover=True)
        root: etree._Element | None = None
        entries = 0
        for event, element in xml:
            if root is None:
                root = element
                self._check_root(root)
            if event != "end":
                continue
            if _is_entry(element):
                entries += 1
                yield from self._entry(element)
                release(element)
            elif _is_feed_level(element):
                self._feed_level(element)
                release(element)
        problem = xml.first_error
        if root is None or (problem and not entries):
            raise InputError(f"{self.name}: {problem or 'no XML element found'}; not a "
                             "readable feed: check the file or tell its publisher")
        if problem:
            log.warning("%s: recovered past broken XML (%s)", self.name, problem)

    def _check_root(self, root: etree._Element) -> None:
        if _local(root) not in FEED_ROOTS:
            raise InputError(f"{self.name}: not an RSS or Atom feed (the document is "
                             f"<{_local(root)}>); check the URL or path")

    def _feed_level(self, element: etree._Element) -> None:
        licences = _licences(element)
        if licences:
            self.feed.licences.extend(licence for licence in licences
                                      if licence not in self.feed.licences)
        local = _local(element)
        if local == "creator" or (local == "author" and _is_atom(element)):
            self.feed.creator = _creator(element) or self.feed.creator
        elif local == "link" and self.feed.link is None:
            href = element.get("href") if _is_atom(element) else _text(element)
            if href and element.get("rel", "alternate") == "alternate":
                self.feed.link = href.strip()

    def _entry(self, entry: etree._Element) -> Iterator[Item]:
        article = self._article(entry)
        if article is None:
            return
        yield article
        for media in _media(entry):
            item = self._media_item(entry, article, media)
            if item is not None and item.id not in self._seen_media:
                self._seen_media.add(item.id)
                yield item

    def _article(self, entry: etree._Element) -> Item | None:
        core = _core(entry)
        title = _plain(_either(core.first(entry, "title"), _find(entry, DC, "title")))
        link = self._absolute(entry, _entry_link(entry))
        guid = _text(core.first(entry, "id", "guid")) or entry.get(RDF_ABOUT, "")
        description = _plain(core.first(entry, "summary", "description"), is_html=True)
        content = _content_html(entry)
        key = guid or link or title or description or content
        if not key:
            return None    # nothing identifies the entry and nothing in it to syndicate
        date = _iso_date(_either(core.first(entry, "published", "issued", "created", "pubDate"),
                                 _find(entry, DC, "date")))
        modified = _iso_date(_either(core.first(entry, "updated", "modified"),
                                     _find(entry, DCTERMS, "modified")))
        return Item(id=make_id(self.source, key), source=self.source, kind="article",
                    title=title, url=link or None, description=description,
                    content_html=content, creator=_entry_creator(entry) or self.feed.creator,
                    creator_url=_author_uri(entry), date=date or modified,
                    modified=modified, categories=_categories(entry),
                    declared_licences=_licences_in(entry) or list(self.feed.licences))

    def _media_item(self, entry: etree._Element, article: Item,
                    media: _Media) -> Item | None:
        url = self._absolute(entry, media.url)
        media_type = media.type or mimetypes.guess_type(url.split("?")[0])[0]
        kind = _media_kind(media_type, media.medium)
        if kind is None:
            return None
        return Item(id=make_id(self.source, url), source=self.source, kind=kind,
                    title=media.title or article.title, url=article.url,
                    description=media.description or article.description,
                    creator=article.creator, creator_url=article.creator_url,
                    date=article.date, modified=article.modified, media_url=url,
                    media_type=media_type, size=media.size, alt=media.description,
                    categories=list(article.categories), parent=article.id,
                    declared_licences=media.licences or list(article.declared_licences))

    def _absolute(self, element: etree._Element, href: str) -> str:
        """``href`` resolved against the document URL and any ``xml:base`` above it."""
        if not href:
            return ""
        base = self.base_url or self.feed.link or ""
        try:
            for ancestor in reversed([element, *element.iterancestors()]):
                if ancestor.get(XML_BASE):
                    base = urljoin(base, ancestor.get(XML_BASE))
            return urljoin(base, href) if base else href
        except ValueError:
            return href     # a malformed base (urllib refuses "[bad]" hosts): keep as given


@dataclass(frozen=True)
class _Core:
    """The namespace an entry's core elements are in: none (RSS 0.9x/2.0), RSS 1.0/0.90's
    or Atom's. Looking names up in it lets one code path read every format."""

    namespace: str

    def tag(self, name: str) -> str:
        return f"{{{self.namespace}}}{name}" if self.namespace else name

    def first(self, parent: etree._Element, *names: str) -> etree._Element | None:
        for name in names:
            found = parent.find(self.tag(name))
            if found is not None:
                return found
        return None


def _core(element: etree._Element) -> _Core:
    return _Core(_namespace(element))


def _is_atom(element: etree._Element) -> bool:
    return _namespace(element) in (ATOM, ATOM03)


def _namespace(element: etree._Element) -> str:
    tag = element.tag
    return tag[1:].partition("}")[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _local(element: etree._Element) -> str:
    """The local name; "" for comments and processing instructions. (Recover mode can
    leave prefixed names such as ``itunes:subtitle``, which QName() refuses.)"""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _either(*elements: etree._Element | None) -> etree._Element | None:
    """The first element found. (``a or b`` is wrong for elements: a childless one is
    false.)"""
    return next((element for element in elements if element is not None), None)


def _is_entry(element: etree._Element) -> bool:
    parent = element.getparent()
    if parent is None:
        return False
    local, parent_local = _local(element), _local(parent)
    if local == "entry":
        return _is_atom(element) and parent_local == "feed"
    return local == "item" and parent_local in ("channel", "RDF", "rss")


def _is_feed_level(element: etree._Element) -> bool:
    parent = element.getparent()
    if parent is None:
        return False
    parent_local = _local(parent)
    return parent_local == "channel" or (parent_local == "feed" and parent.getparent() is None)


def _find(parent: etree._Element, namespaces: str | Iterable[str],
          local: str) -> etree._Element | None:
    for namespace in (namespaces,) if isinstance(namespaces, str) else namespaces:
        found = parent.find(f"{{{namespace}}}{local}")
        if found is not None:
            return found
    return None


def _findall(parent: etree._Element, namespaces: str | Iterable[str],
             local: str) -> list[etree._Element]:
    found: list[etree._Element] = []
    for namespace in (namespaces,) if isinstance(namespaces, str) else namespaces:
        found.extend(parent.findall(f"{{{namespace}}}{local}"))
    return found


def _text(element: etree._Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _plain(element: etree._Element | None, *, is_html: bool = False) -> str:
    """An element's text as plain text, markup removed. Atom says what its text is; RSS
    descriptions are HTML, and RSS titles are when they contain markup or entities."""
    if element is None:
        return ""
    kind = (element.get("type") or "").lower()
    if kind in XHTML_TYPES:
        return _text(element)
    text = "".join(element.itertext())
    if _is_atom(element):
        is_html = kind in HTML_TYPES or element.get("mode") == "escaped"
    else:
        is_html = is_html or kind in HTML_TYPES or "<" in text or "&" in text
    markup = is_html and ("<" in text or "&" in text)
    return html_to_text(text) if markup else " ".join(text.split())


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed."""
    if not markup.strip():
        return ""
    try:
        fragment = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return " ".join(re.sub(r"<[^>]*>", " ", markup).split())
    for element in fragment.iter():
        if element.tag in _BLOCKS:   # "<p>One.</p><p>Two.</p>" reads "One. Two."
            element.tail = " " + (element.tail or "")
    return " ".join(str(fragment.text_content()).split())


_BLOCKS = frozenset({"p", "div", "br", "li", "dt", "dd", "tr", "td", "th", "h1", "h2", "h3",
                     "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "dl", "table",
                     "section", "article", "figure", "figcaption", "hr"})


def _content_html(entry: etree._Element) -> str:
    """``content:encoded`` or Atom ``content`` as HTML (inline content only)."""
    encoded = _find(entry, CONTENT, "encoded")
    if encoded is not None:
        return "".join(encoded.itertext()).strip()
    content = _core(entry).first(entry, "content") if _is_atom(entry) else None
    if content is None or content.get("src"):
        return ""
    kind = (content.get("type") or "text").lower()
    if kind in XHTML_TYPES or content.get("mode") == "xml":
        return _xhtml_to_html(content)
    text = "".join(content.itertext()).strip()
    if kind in HTML_TYPES or content.get("mode") == "escaped":
        return text
    return html.escape(text) if kind in ("text", "text/plain") else ""


def _xhtml_to_html(content: etree._Element) -> str:
    """Inline XHTML (inside Atom's wrapper ``div``) as plain HTML without namespaces."""
    inner = content[0] if len(content) == 1 and not (content.text or "").strip() else content
    fragment = copy.deepcopy(inner)
    for element in fragment.iter():
        if isinstance(element.tag, str):
            element.tag = _local(element)
    etree.cleanup_namespaces(fragment)
    parts = [html.escape(fragment.text or "")]
    parts += [etree.tostring(child, encoding="unicode", method="html", with_tail=True)
              for child in fragment]
    return "".join(parts).strip()


def _entry_link(entry: etree._Element) -> str:
    """The entry's web page: Atom ``link rel=alternate``, RSS ``link`` or a permalink guid."""
    for link in entry.findall(_core(entry).tag("link")):
        if _is_atom(link):
            if link.get("rel", "alternate") == "alternate" and link.get("href"):
                return str(link.get("href")).strip()
        elif _text(link):
            return _text(link)
    guid = entry.find("guid")
    if guid is not None and guid.get("isPermaLink", "true").lower() == "true":
        value = _text(guid)
        if value.startswith(("http://", "https://")):
            return value
    return ""


def _creator(element: etree._Element) -> str | None:
    """A person's name from ``dc:creator``, an Atom ``author`` or an RSS ``author``."""
    if _is_atom(element):
        return _text(_core(element).first(element, "name")) or None
    value = _text(element)
    if "@" in value:
        # RSS author is "email (Name)"; a bare address is personal data, not a credit.
        named = re.search(r"\(([^)]+)\)", value)
        return named.group(1).strip() if named else None
    return value or None


def _entry_creator(entry: etree._Element) -> str | None:
    for candidate in [*_findall(entry, DC, "creator"), _core(entry).first(entry, "author")]:
        if candidate is not None and (name := _creator(candidate)):
            return name
    return None


def _author_uri(entry: etree._Element) -> str | None:
    author = _core(entry).first(entry, "author") if _is_atom(entry) else None
    uri = _text(_core(entry).first(author, "uri", "url")) if author is not None else ""
    return uri if uri.startswith(("http://", "https://")) else None


def _categories(entry: etree._Element) -> list[str]:
    names = [category.get("label") or category.get("term") or _text(category)
             for category in entry.findall(_core(entry).tag("category"))]
    names += [_text(subject) for subject in _findall(entry, DC, "subject")]
    return list(dict.fromkeys(name for name in names if name))


def _licences_in(parent: etree._Element) -> list[str]:
    """Licence URLs an entry or feed declares in its child elements."""
    found: list[str] = []
    for child in parent:
        for licence in _licences(child):
            if licence not in found:
                found.append(licence)
    return found


def _licences(element: etree._Element) -> list[str]:
    """The licence URL(s) one element declares, if it is a licence declaration."""
    local, namespace = _local(element), _namespace(element)
    value = ""
    if local == "link" and _is_atom(element):
        if element.get("rel") == "license":
            value = element.get("href", "")
    elif local == "license" and namespace == CC_RSS2:
        value = _text(element)
    elif local == "license" and namespace in (*CC_RDF, DCTERMS):
        value = element.get(RDF_RESOURCE) or _text(element)
    elif local == "license" and namespace in MEDIA:
        value = element.get("href") or _text(element)
    return [value.strip()] if value.strip() else []


@dataclass(frozen=True)
class _Media:
    url: str
    type: str | None
    size: int | None
    medium: str | None = None
    title: str = ""
    description: str = ""
    licences: list[str] = field(default_factory=list)


def _media(entry: etree._Element) -> Iterator[_Media]:
    """Enclosures, Atom ``rel=enclosure`` links and ``media:content`` (also inside
    ``media:group``). Thumbnails are previews of these, not works of their own."""
    for enclosure in entry.findall("enclosure"):
        if enclosure.get("url"):
            yield _Media(enclosure.get("url", "").strip(), enclosure.get("type"),
                         _size(enclosure.get("length")))
    for link in entry:
        if _is_atom(link) and _local(link) == "link" \
                and link.get("rel") == "enclosure" and link.get("href"):
            yield _Media(link.get("href", "").strip(), link.get("type"),
                         _size(link.get("length")))
    groups = [entry, *_findall(entry, MEDIA, "group")]
    for group in groups:
        for content in _findall(group, MEDIA, "content"):
            if content.get("url"):
                yield _Media(content.get("url", "").strip(), content.get("type"),
                             _size(content.get("fileSize")), content.get("medium"),
                             _plain(_either(_find(content, MEDIA, "title"),
                                            _find(group, MEDIA, "title"))),
                             _plain(_either(_find(content, MEDIA, "description"),
                                            _find(group, MEDIA, "description"))),
                             _licences_in(content) or (_licences_in(group)
                                                       if group is not entry else []))


def _media_kind(media_type: str | None, medium: str | None) -> Kind | None:
    media_type = (media_type or "").split(";")[0].strip().lower()
    if media_type.startswith("image/") or (not media_type and medium == "image"):
        return "image"
    if media_type.startswith(DOCUMENT_TYPES) or (not media_type and medium == "document"):
        return "document"
    return None


def _size(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def _iso_date(element: etree._Element | None) -> str | None:
    """RFC 822 (RSS) or ISO 8601 (Atom, Dublin Core) as ``YYYY-MM-DDTHH:MM:SSZ``; None
    for a date nobody can read (feeds get them wrong often enough to tolerate)."""
    text = _text(element)
    if not text:
        return None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, ValueError):
        return None
