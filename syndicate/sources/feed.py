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

import io
import logging
import mimetypes
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urljoin

from lxml import etree

from syndicate.errors import ConfigError, InputError, SourceError
from syndicate.model import Item, make_id
from syndicate.options import Boolean, FilePath, Integer, Option, Url
from syndicate.safexml import XMLStream, release
from syndicate.sources import expiry
from syndicate.sources import feedelements as el
from syndicate.sources.base import Source, SourceContext

log = logging.getLogger(__name__)


class FeedSource(Source):
    """Items from an RSS or Atom feed.

    Config: ``url`` (http/https, fetched through the pipeline's fetcher) or ``path`` (a
    file, relative to syndicate.yaml); ``allow_private`` to read a feed on the council's
    own network; ``max_bytes`` to change the size cap.
    """

    options = (
        Option("url", Url(), description="The feed on the web (or give path:)."),
        Option("path", FilePath(), description="A feed file, relative to syndicate.yaml."),
        Option("allow_private", Boolean(), default=False,
               description="Allow a feed on the council's own network (private addresses)."),
        Option("max_bytes", Integer(), range=(1, 2**40),
               description="Largest feed in bytes (default: the fetcher's cap, 50 MiB)."),
    )

    def __init__(self, name: str, config: Mapping[str, Any], context: SourceContext) -> None:
        super().__init__(name, config, context)
        url, path = self.config["url"], self.config["path"]
        if (url is None) == (path is None):
            raise ConfigError("give exactly one of url: (a feed on the web) or path: (a "
                              "feed file)", key="path" if url is None else "url")
        allow_private = self.config["allow_private"]
        max_bytes = self.config["max_bytes"]
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
                raise SourceError(f"{self.path.absolute()}: cannot read the feed file "
                                  f"({error.strerror}); check path:", retry=False,
                                  key="path") from None
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
            if el.is_entry(element):
                entries += 1
                yield from self._entry(element)
                release(element)
            elif el.is_feed_level(element):
                self._feed_level(element)
                release(element)
        problem = xml.first_error
        if root is None or (problem and not entries):
            raise InputError(f"{self.name}: {problem or 'no XML element found'}; not a "
                             "readable feed: check the file or tell its publisher")
        if problem:
            log.warning("%s: recovered past broken XML (%s)", self.name, problem)

    def _check_root(self, root: etree._Element) -> None:
        if el.local_name(root) not in el.FEED_ROOTS:
            raise InputError(f"{self.name}: not an RSS or Atom feed (the document is "
                             f"<{el.local_name(root)}>); check the URL or path")

    def _feed_level(self, element: etree._Element) -> None:
        licences = el.licences_of(element)
        if licences:
            self.feed.licences.extend(licence for licence in licences
                                      if licence not in self.feed.licences)
        local = el.local_name(element)
        if local == "creator" or (local == "author" and el.is_atom(element)):
            self.feed.creator = el.creator_of(element) or self.feed.creator
        elif local == "link" and self.feed.link is None:
            href = element.get("href") if el.is_atom(element) else el.text_of(element)
            if href and element.get("rel", "alternate") == "alternate":
                self.feed.link = href.strip()

    def _entry(self, entry: etree._Element) -> Iterator[Item]:
        article = self._article(entry)
        if article is None:
            return
        yield article
        for media in el.media_of(entry):
            item = self._media_item(entry, article, media)
            if item is not None and item.id not in self._seen_media:
                self._seen_media.add(item.id)
                yield item

    def _article(self, entry: etree._Element) -> Item | None:
        core = el.core_of(entry)
        title = el.plain_text(el.either(core.first(entry, "title"), el.find(entry, el.DC, "title")))
        link = self._absolute(entry, el.entry_link(entry))
        guid = el.text_of(core.first(entry, "id", "guid")) or entry.get(el.RDF_ABOUT, "")
        description = el.plain_text(core.first(entry, "summary", "description"), is_html=True)
        content = el.content_html_of(entry)
        key = guid or link or title or description or content
        if not key:
            return None    # nothing identifies the entry and nothing in it to syndicate
        date = el.iso_date(el.either(core.first(entry, "published", "issued", "created", "pubDate"),
                                 el.find(entry, el.DC, "date")))
        modified = el.iso_date(el.either(core.first(entry, "updated", "modified"),
                                     el.find(entry, el.DCTERMS, "modified")))
        return Item(id=make_id(self.source, key), source=self.source, kind="article",
                    title=title, url=link or None, description=description,
                    content_html=content, creator=el.entry_creator(entry) or self.feed.creator,
                    creator_url=el.author_uri(entry), date=date or modified,
                    modified=modified, categories=el.categories_of(entry),
                    declared_licences=el.licences_in(entry) or list(self.feed.licences),
                    extra=expiry.of_entry(entry))

    def _media_item(self, entry: etree._Element, article: Item,
                    media: el.Media) -> Item | None:
        url = self._absolute(entry, media.url)
        media_type = media.type or mimetypes.guess_type(url.split("?")[0])[0]
        kind = el.media_kind(media_type, media.medium)
        if kind is None:
            return None
        return Item(id=make_id(self.source, url), source=self.source, kind=kind,
                    title=media.title or article.title, url=article.url,
                    description=media.description or article.description,
                    creator=article.creator, creator_url=article.creator_url,
                    date=article.date, modified=article.modified, media_url=url,
                    media_type=media_type, size=media.size, alt=media.description,
                    categories=list(article.categories), parent=article.id,
                    extra=dict(article.extra),
                    declared_licences=media.licences or list(article.declared_licences))

    def _absolute(self, element: etree._Element, href: str) -> str:
        """``href`` resolved against the document URL and any ``xml:base`` above it."""
        if not href:
            return ""
        base = self.base_url or self.feed.link or ""
        try:
            for ancestor in reversed([element, *element.iterancestors()]):
                if ancestor.get(el.XML_BASE):
                    base = urljoin(base, ancestor.get(el.XML_BASE))
            return urljoin(base, href) if base else href
        except ValueError:
            return href     # a malformed base (urllib refuses "[bad]" hosts): keep as given


