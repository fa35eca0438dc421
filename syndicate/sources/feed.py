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

import dataclasses
import hashlib
import io
import json
import logging
import mimetypes
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urljoin

from lxml import etree

import syndicate
from syndicate import dates, sanitise
from syndicate.errors import ConfigError, InputError, SourceError
from syndicate.model import Attachment, Finding, Item, make_id
from syndicate.options import Boolean, FilePath, Integer, LanguageTag, Option, Url
from syndicate.safexml import XMLStream, fromstring, release
from syndicate.sources import expiry
from syndicate.sources import feedelements as el
from syndicate.sources.base import Source, SourceContext

log = logging.getLogger(__name__)


class FeedSource(Source):
    """Items from an RSS or Atom feed.

    Config: ``url`` (http/https, fetched through the pipeline's fetcher) or ``path`` (a
    file, relative to syndicate.yaml); ``allow_private`` to read a feed on the council's
    own network; ``max_bytes`` to change the size cap; ``language`` (a tag such as ``cy``)
    when the feed's own ``<language>``/``xml:lang`` is missing or wrong.
    """

    options = (
        Option("url", Url(), description="The feed on the web (or give path:)."),
        Option("path", FilePath(), description="A feed file, relative to syndicate.yaml."),
        Option("allow_private", Boolean(), default=False,
               description="Allow a feed on the council's own network (private addresses)."),
        Option("max_bytes", Integer(), range=(1, 2**40),
               description="Largest feed in bytes (default: the fetcher's cap, 50 MiB)."),
        Option("language", LanguageTag(), description="What the feed is written in, when "
               "its own <language> or xml:lang is missing or wrong (default: the feed's, "
               "else organisation.language)."),
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
        self.language: str | None = self.config["language"]

    def items(self) -> Iterator[Item]:
        with self._open() as (stream, name, base_url):
            if self.context.known_document(self._document_hash(stream, base_url)):
                return      # read in full before, byte for byte (a 304 or the same file)
            reader = FeedReader(self.name, name, base_url, problem=self.context.problem,
                                language=self.language, known=self.context.known,
                                defer=self.context.defer, guids=self.context.scratch_map())
            yield from reader.read(stream)

    def rebuild(self, entries: list[bytes]) -> Iterator[Item]:
        for number, entry in enumerate(entries, 1):
            yield from FeedReader.rebuilt(self.name, entry, number, self.context.problem)

    def _document_hash(self, stream: IO[bytes], base_url: str | None) -> str:
        """The whole feed's bytes and what else goes into its items (rewound after)."""
        digest = hashlib.blake2b(digest_size=16)
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
        digest.update(repr((_read_by(), base_url, self.language)).encode())
        stream.seek(0)
        return digest.hexdigest()

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
    language: str | None = None


# An xml:base urllib cannot parse ("Invalid IPv6 URL"), standing in a deferred entry's head
# for whatever malformed base was above it: relative links are then dropped, as when read.
_REFUSED_BASE = "http://["
_RAW = "raw:"   # marks a _guids fingerprint that is the raw hash of an entry passed over
# Part of every raw hash, with syndicate's version: raise it whenever the reader would build
# different items from the same bytes, so that entries passed over as unchanged are built
# again once. Every release rebuilds them anyway, in case a change here was not marked.
READER_VERSION = 1


def _read_by() -> tuple[int, str]:
    """What goes into every raw hash besides the input: this reader's version and
    syndicate's."""
    return READER_VERSION, syndicate.__version__


class FeedReader:
    """Turns one feed document into items, entry by entry.

    ``name`` (the file or URL) is used in messages; ``base_url`` resolves relative links;
    ``problem`` hears about entries the run report should mention (a repeated guid);
    ``language`` overrides the language the feed declares; ``known`` is
    :attr:`SourceContext.known <syndicate.sources.base.SourceContext>`: an entry whose raw
    bytes (with the feed-level data it inherits) hash to what the ledger has for its id is
    passed over without being parsed into items; ``defer`` is :attr:`SourceContext.defer`:
    a new entry it takes is handed over as bytes (:meth:`rebuilt` makes its items later).
    """

    def __init__(self, source: str, name: str, base_url: str | None = None, *,
                 problem: Callable[[str], None] | None = None,
                 language: str | None = None,
                 known: Callable[[str, str], bool] | None = None,
                 defer: Callable[[str, str, bytes], bool] | None = None,
                 guids: MutableMapping[int, int] | None = None) -> None:
        self.source = source
        self.name = name
        self.base_url = base_url
        #: Hears about an entry that could not be read (the others go on).
        self.problem: Callable[[str], None] = problem or (lambda message: log.warning(
            "%s", message))
        self.language = language
        self.feed = _FeedLevel()
        self._inherited_bytes: bytes | None = None
        self._seen_media: set[str] = set()
        # hash(guid) → hash of the first entry using it: Python's own hashes, as the map
        # lives for one read only. A big archive holds one entry per guid: ``guids`` is
        # SourceContext.scratch_map(), kept out of memory.
        self._guids: MutableMapping[int, int] = {} if guids is None else guids
        self.known = known
        self.defer = defer
        self._last_head: tuple[etree._Element | None, bytes] | None = None  # see _head

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
                yield from self._contained(element, entries)
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

    def _inherited(self) -> bytes:
        """What every entry's items inherit besides its own bytes, as part of its raw hash
        (made again only when the feed-level data changes)."""
        if self._inherited_bytes is None:
            self._inherited_bytes = repr((_read_by(), self.base_url, self.language,
                                          self.feed)).encode()
        return self._inherited_bytes

    def _feed_level(self, element: etree._Element) -> None:
        self._inherited_bytes = None
        self._last_head = None
        licences = el.licences_of(element)
        if licences:
            self.feed.licences.extend(licence for licence in licences
                                      if licence not in self.feed.licences)
        local = el.local_name(element)
        if local == "creator" or (local == "author" and el.is_atom(element)):
            self.feed.creator = el.creator_of(element) or self.feed.creator
        elif local == "language" and el.is_language_element(element):
            self.feed.language = el.text_of(element) or self.feed.language
        elif local == "link" and self.feed.link is None:
            href = element.get("href") if el.is_atom(element) else el.text_of(element)
            if href and element.get("rel", "alternate") == "alternate":
                self.feed.link = href.strip()

    def _contained(self, entry: etree._Element, number: int) -> list[Item]:
        """The items of one entry; anything raised while reading it costs that entry
        only, as a problem naming the feed and the entry."""
        try:
            return list(self._entry(entry))
        except Exception as exc:  # RecursionError from a hostile nesting, a bug…
            self.problem(f"{self.name}: entry {number} cannot be read "
                         f"({type(exc).__name__}: {exc}); it is skipped this run")
            return []

    def _entry(self, element: etree._Element) -> Iterator[Item]:
        entry = el.Entry(element)
        if self._passed_over(entry):
            return
        media = list(el.media_of(entry))
        article = self._article(entry, media)
        if article is None:
            return
        yield article
        for found in media:
            item = self._media_item(element, article, found)
            if item is not None and item.id not in self._seen_media:
                self._seen_media.add(item.id)
                yield item

    def _passed_over(self, entry: el.Entry) -> bool:
        """Whether the entry's items are not to be built now: ``known`` says the entry is
        as it was, or ``defer`` took it to build later. Keyed like :meth:`_article` (by
        guid, else link), hashed over its bytes and the feed-level data items inherit."""
        if self.known is None:
            return False
        guid = _guid(entry)
        key = guid or self._absolute(entry.element, el.entry_link(entry))
        if not key:
            return False
        raw = etree.tostring(entry.element)
        digest = hashlib.blake2b(raw, digest_size=16)
        digest.update(self._inherited())
        raw_hash = digest.hexdigest()
        if guid:
            first = self._guids.get(hash(guid))
            if first is not None:   # a guid used again: the same bytes are the same entry
                return first == hash((_RAW, raw_hash))
        item_id = make_id(self.source, key)
        if not self.known(item_id, raw_hash) and not (
                self.defer is not None
                and self.defer(item_id, raw_hash, self._head(entry.element) + raw)):
            return False
        if guid:    # its fingerprint is unknown (never built): see _distinct_key
            self._guids[hash(guid)] = hash((_RAW, raw_hash))
        return True

    def _head(self, element: etree._Element) -> bytes:
        """The first line of a deferred entry: what its items inherit besides its own
        bytes (see :meth:`rebuilt`), as JSON. Entries of one parent share it."""
        parent = element.getparent()
        if self._last_head is not None and self._last_head[0] is parent:
            return self._last_head[1]
        base = lang = None
        for ancestor in element.iterancestors():
            lang = lang or ancestor.get(el.XML_LANG)
            if base is None and ancestor.get(el.XML_BASE):
                try:
                    base = self._base(ancestor)
                except ValueError:  # one urllib refuses: so will the rebuilt entry's
                    base = _REFUSED_BASE
        given = {"name": self.name, "base_url": self.base_url, "language": self.language,
                 "feed": {key: value for key, value in dataclasses.asdict(self.feed).items()
                          if value},
                 "xml_base": base, "xml_lang": lang}   # what is empty is left out: it is
        head = json.dumps({key: value for key, value in given.items() if value is not None},
                          separators=(",", ":")).encode() + b"\n"   # stored with every entry
        self._last_head = (parent, head)
        return head

    @classmethod
    def rebuilt(cls, source: str, entry: bytes, number: int,
                problem: Callable[[str], None] | None = None) -> list[Item]:
        """The items of an entry handed to ``defer`` (its :meth:`_head` line, then its
        XML), built as they would have been when it was read."""
        head_line, _, xml = entry.partition(b"\n")
        head = json.loads(head_line)
        reader = cls(source, head["name"], head.get("base_url"), problem=problem,
                     language=head.get("language"))
        reader.feed = _FeedLevel(**head["feed"])
        try:
            element = fromstring(xml, head["name"])
        except InputError as error:
            reader.problem(f"{error}; entry {number} kept for later cannot be read again")
            return []
        inherited = [(name, head[key]) for name, key in ((el.XML_BASE, "xml_base"),
                                                         (el.XML_LANG, "xml_lang"))
                     if key in head]
        if inherited:
            scope = etree.Element("scope")  # the xml:base and xml:lang it was read in
            for name, value in inherited:
                scope.set(name, value)
            scope.append(element)
        return reader._contained(element, number)

    def _article(self, entry: el.Entry, media: list[el.Media]) -> Item | None:
        title = el.plain_text(el.either(entry.first("title"), entry.find(el.DC, "title")))
        link = self._absolute(entry.element, el.entry_link(entry))
        guid = _guid(entry)
        description = el.plain_text(entry.first("summary", "description"), is_html=True)
        content_element = el.content_element(entry)
        content = sanitise.safe_html(el.content_html_of(entry),
                                     self._content_base(content_element, entry.element, link))
        key = guid or link or title or description or content
        if not key:
            return None    # nothing identifies the entry and nothing in it to syndicate
        if guid:
            key = self._distinct_key(guid, (link, title, description, content))
        findings: list[Finding] = []
        published = el.either(entry.first("published", "issued", "created", "pubDate"),
                              entry.find(el.DC, "date"))
        updated = el.either(entry.first("updated", "modified"), entry.find(el.DCTERMS, "modified"))
        date, modified = el.iso_date(published), el.iso_date(updated)
        item_id = make_id(self.source, key)
        for element, value in ((published, date), (updated, modified)):
            if element is not None and value is None and el.date_text(element):
                findings.append(dates.unreadable(item_id, el.local_name(element),
                                                 el.date_text(element)))
        if key != guid and guid:
            findings.append(self._repeated_guid(item_id, guid, title))
        creator = el.entry_creator(entry) or self.feed.creator
        licences = el.licences_in(entry) or list(self.feed.licences)
        return Item(id=item_id, source=self.source, kind="article",
                    title=title, url=link or None, description=description,
                    content_html=content, creator=creator,
                    creator_url=el.author_uri(entry), date=date or modified,
                    modified=modified, categories=el.categories_of(entry),
                    declared_licences=licences, findings=findings,
                    language=self.language or el.language_of(entry) or self.feed.language,
                    attachments=self._attachments(entry.element, media),
                    extra=expiry.of_entry(entry.element))

    def _content_base(self, content: etree._Element | None, entry: etree._Element,
                      link: str) -> str | None:
        """What relative links in the content are relative to: an ``xml:base`` in scope
        (XML Base says so), else the entry's own page, else the feed's address."""
        scope = content if content is not None else entry
        if any(e.get(el.XML_BASE) for e in (scope, *scope.iterancestors())):
            try:
                return self._base(scope) or None
            except ValueError:
                return None      # a malformed xml:base: relative links are dropped
        return link or self.base_url or self.feed.link or None

    def _distinct_key(self, guid: str, content: tuple[str, ...]) -> str:
        """The entry's guid, unless an earlier entry of this feed used the same guid for
        different content: then the guid and a fingerprint of the content, so both are
        kept as distinct items (the same entry listed twice stays one item). When the
        first was passed over unchanged (:meth:`_unchanged`), its content is unknown and a
        later entry with other bytes is kept as distinct: a duplicate with a finding beats
        an entry dropped unseen."""
        joined = "\n".join(content)
        if self._guids.setdefault(hash(guid), hash(joined)) == hash(joined):
            return guid
        return f"{guid}#{make_id('', joined).lstrip('-')}"

    def _repeated_guid(self, item_id: str, guid: str, title: str) -> Finding:
        message = (f"{self.name}: the guid {guid!r} is used again by the entry "
                   f"{title or item_id!r} with different content; both are kept, this one "
                   f"as {item_id}. Tell the feed's publisher that each entry needs its own "
                   "guid")
        self.problem(message)
        return Finding("feed.repeated-guid", "warning", message)

    def _attachments(self, entry: etree._Element, media_list: list[el.Media]
                     ) -> list[Attachment]:
        found: dict[str, Attachment] = {}
        for media in media_list:
            url = self._absolute(entry, media.url)
            media_type = media.type or mimetypes.guess_type(url.split("?")[0])[0]
            if sanitise.absolute_uri(url) and url not in found \
                    and el.media_kind(media_type, media.medium):
                found[url] = Attachment(url=url, type=media_type, length=media.size,
                                        alt=media.description, title=media.title,
                                        credit=media.credit,
                                        licence=media.licences[0] if media.licences else None)
        return list(found.values())

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
                    creator=media.credit or article.creator,
                    creator_url=None if media.credit else article.creator_url,
                    date=article.date, modified=article.modified, media_url=url,
                    language=article.language,
                    media_type=media_type, size=media.size, alt=media.description,
                    categories=list(article.categories), parent=article.id,
                    extra=dict(article.extra),
                    declared_licences=media.licences or list(article.declared_licences))

    def _absolute(self, element: etree._Element, href: str) -> str:
        """``href`` resolved against the document URL and any ``xml:base`` above it."""
        if not href:
            return ""
        try:
            base = self._base(element)
            return sanitise.iri_to_uri(urljoin(base, href) if base else href)
        except ValueError:
            return href     # a malformed base (urllib refuses "[bad]" hosts): keep as given

    def _base(self, element: etree._Element) -> str:
        """The base URI in scope at ``element`` (XML Base over the document's URL).
        Raises ValueError for a base urllib cannot parse."""
        base = self.base_url or self.feed.link or ""
        for ancestor in reversed([element, *element.iterancestors()]):
            if ancestor.get(el.XML_BASE):
                base = urljoin(base, ancestor.get(el.XML_BASE))
        return base


def _guid(entry: el.Entry) -> str:
    """The entry's own id: Atom ``id``, RSS ``guid`` or RSS 1.0's ``rdf:about``."""
    return el.text_of(entry.first("id", "guid")) or entry.element.get(el.RDF_ABOUT, "")
