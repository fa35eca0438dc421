"""The ``feed`` sink: Atom and RSS files for partners, with a licence on every entry.

Configuration (all optional)::

    partners:
      type: feed
      directory: public/feeds        # relative to syndicate.yaml
      formats: [atom, rss]
      title: Example Borough Council open content
      description: News, photos and documents to reuse   # shown by readers and index.html
      max_entries: 100
      filename: partners             # → partners.atom, partners.rss (default: the sink name)
      base_url: https://www.example.gov.uk/feeds   # where the files are served
      media: attach                  # or separate: an article's pictures as entries of their own
      icon: https://www.example.gov.uk/favicon.png  # square, small
      logo: https://www.example.gov.uk/logo.png     # wide
      match: {category: Schools}     # a topic feed (any sink takes match:, kinds:, sources:)
      hub: https://pubsubhubbub.appspot.com/       # WebSub hub told of each change (needs base_url)
      mirrors: [/mnt/second-disk/feeds]            # extra folders given the same files

Content HTML is sanitised again here (:mod:`syndicate.sanitise`), whatever the source did,
so nothing a source plugin lets through reaches a partner. Dates are the item's own; an
item with none is dated, in Atom's required ``updated``, by when syndicate first saw it.

A picture or document from a folder source is copied to ``files/`` beside the feeds and
linked from ``base_url`` (without ``base_url`` its entry has no enclosure, and ``check``
says so).

Beside its files the sink writes ``index.html`` (a page listing every feed of the folder,
for subscribers) and ``feeds.opml`` (the same list for feed readers), at the end of each run
that changed a feed (:mod:`syndicate.sinks.feedindex`).

Withdrawn entries leave the feeds; Atom keeps an RFC 6721 tombstone for 30 days. Tombstones,
the hub and mirrors live in :mod:`syndicate.sinks.feedaddons`.

The sink keeps the entries it has published in ``<state dir>/feeds/<sink name>.entries.json``
(out of the public folder, which a web server serves) so the feeds survive across runs and a
republished item replaces its entry. The formats
themselves live in :mod:`syndicate.sinks.feedformats`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import mimetypes
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

from syndicate import dates, sanitise
from syndicate.addresses import is_local_name, is_public
from syndicate.errors import ConfigError, SinkError, SkipItem
from syndicate.files import atomic_write
from syndicate.licences import registry
from syndicate.model import Finding, Item, Receipt, Withdrawal
from syndicate.options import FilePath, Integer, ListOf, Option, Text, Url
from syndicate.sinks import feedaddons, feedindex
from syndicate.sinks.base import Sink, SinkContext
from syndicate.sinks.feedformats import FORMATS, Enclosure, FeedEntry, FeedInfo

# RFC 4151 tag URIs need a date on which the organisation held its domain. Any council
# running syndicate held it when syndicate was written, and a constant (never the clock)
# keeps every entry id the same on every run.
TAG_DATE = "2026"

log = logging.getLogger(__name__)

_STORE_VERSION = 2     # 2: enclosures (a list), categories, language
MEDIA_MODES = ("attach", "separate")
FILES_FOLDER = "files"


class FeedSink(Sink):
    """Writes Atom 1.0 and/or RSS 2.0 files into a folder, one entry per published item."""

    options: ClassVar[tuple[Option, ...]] = (
        Option("directory", FilePath(), default="public/feeds",
               description="Folder the feed files are written to (your web server serves it)."),
        Option("formats", ListOf(Text(), min_items=1), default=list(FORMATS),
               choices=tuple(FORMATS),
               description="Which feeds to write."),
        Option("title", Text(), description="Feed title (default: '<organisation> open "
               "content')."),
        Option("description", Text(), description="What the feed offers, shown by feed "
               "readers and index.html (default: 'Openly licensed content from "
               "<organisation>')."),
        Option("max_entries", Integer(), default=100, range=(1, 100_000),
               description="Newest entries kept in each feed."),
        Option("filename", Text(r"[^/\\.][^/\\]*", "a plain name such as 'partners' (no "
                                "folders, not starting with a dot)"),
               description="File name without extension (default: the sink's name)."),
        Option("base_url", Url(), description="Where the feed files are served; gives the "
               "feeds their self links and lets folder photos travel with their entries."),
        Option("media", Text(), default="attach", choices=MEDIA_MODES,
               description="attach: an article's pictures and documents travel inside its "
               "entry; separate: each picture gets an entry of its own."),
        Option("icon", Url(), description="A small square image for the feed (public "
               "address)."),
        Option("logo", Url(), description="A wide image for the feed (public address)."),
        *feedaddons.OPTIONS,
    )
    supports_dry_run: ClassVar[bool] = True

    def __init__(self, name: str, config: Mapping[str, Any], context: SinkContext) -> None:
        super().__init__(name, config, context)
        self.directory_setting = Path(self.config["directory"])
        self.directory = context.base_dir / self.directory_setting
        self.formats = tuple(dict.fromkeys(self.config["formats"]))
        self.title = self.config["title"] or f"{context.organisation.name} open content"
        self.description = (self.config["description"]
                            or f"Openly licensed content from {context.organisation.name}")
        self.max_entries = self.config["max_entries"]
        self.filename = self.config["filename"] or name
        self.base_url = self.config["base_url"] and self.config["base_url"].rstrip("/")
        self.media = self.config["media"]
        self.icon = _public_url(self.config, "icon")
        self.logo = _public_url(self.config, "logo")
        self.authority = _authority(context.organisation.url, self.base_url)
        self.store_path = context.state_dir / "feeds" / f"{name}.entries.json"
        self._entries: list[FeedEntry] | None = None
        self._changed = False
        self.addons = feedaddons.FeedAddons(self)  # tombstones, WebSub hub, mirrors

    def check(self, item: Item) -> list[Finding]:
        """The licence gate, then what a feed entry needs: a licence URL, something to
        link to or show, and only links a partner can follow (public http/https)."""
        findings = super().check(item)
        if findings:
            return findings
        if not item.licence_url:
            findings.append(self._finding(
                "feed.no-licence-url",
                f"{item.id} has no licence URL, so partners could not read its licence; "
                "fix the licensing rule that tagged it"))
        if not (item.url or _enclosure_url(item) or item.content_html):
            findings.append(self._finding(
                "feed.no-link",
                f"{item.id} has no URL, no file URL and no content; a feed entry would "
                "point nowhere"))
        for url in (item.url, _enclosure_url(item), item.licence_url, item.creator_url):
            problem = _unreachable(url) if url else None
            if problem:
                findings.append(self._finding(
                    "feed.unsafe-url",
                    f"{item.id} links to {url!r}, {problem}; give it a public web address "
                    "or take this sink off the item"))
        for attachment in item.attachments if self.media == "attach" else ():
            problem = _unreachable(attachment.url)
            if problem:
                findings.append(Finding(
                    "feed.attachment-left-out", "warning",
                    f"{item.id}: the file {attachment.url!r} is left out of its entry, "
                    f"{problem}", self.name))
        if item.kind in ("image", "document") and not item.media_url and item.path \
                and not self.base_url:
            findings.append(Finding(
                "feed.no-base-url", "warning",
                f"{item.id}: its file cannot travel with its entry until the {self.name} "
                "sink has base_url (the address its folder is served from)", self.name))
        return findings

    def preflight(self) -> list[Finding]:
        """Advice on the sink's configuration, for a pre-flight check: without ``base_url``
        the feeds cannot name their own address (``rel="self"``, which readers and the
        W3C validator expect) and folder photos travel without their files."""
        if self.base_url:
            return []
        return [Finding("feed.no-base-url", "warning",
                        f"the {self.name} feed sink has no base_url: set it to the address "
                        f"where {self.directory_setting} is served, so the feeds carry "
                        'rel="self" and folder photos travel with their entries', self.name)]

    def open(self) -> None:
        """Create the feed folder (not in a dry run)."""
        if self.context.dry_run:
            return
        for finding in self.preflight():
            log.warning("%s", finding.message)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise SinkError(f"cannot create the feed folder {self.directory}: "
                            f"{error.strerror}; check the sink's directory setting") from error

    def publish(self, item: Item) -> Receipt:
        """Add or replace the item's entry and rewrite the feed files.

        The files are rewritten on every publish rather than once in ``close()``: batching
        would save writes in a big run, but a crash before ``close()`` would lose entries
        the ledger already counts as published.
        """
        carrier = self._carrier(item)
        if carrier is not None:
            # The article's entry carries this file; an entry of its own would repeat
            # the story (same title, same link) in partners' readers.
            return Receipt(carrier, item.url, {"attached_to": carrier})
        served = self._served_file(item)
        entries = self._load()
        new = self._entry(item, served)
        entry = _corrected(new, next((old for old in entries if old.id == new.id), None))
        replacing = any(old.id == entry.id for old in entries)
        updated = [entry, *(old for old in entries
                            if old.id != entry.id and not self._carries(entry, old))]
        updated = updated[:self.max_entries]
        files = [str(self.directory_setting / f"{self.filename}.{fmt}") for fmt in self.formats]
        if self.context.dry_run:
            preview = (f"would {'replace' if replacing else 'add'} entry {entry.id} "
                       f"({entry.title!r}) in {', '.join(files)}")
            return Receipt(entry.id, item.url, {"preview": preview, "files": files})
        if served is not None:
            self._copy_file(item, served)
        self._write(updated)
        return Receipt(entry.id, item.url, {"files": files})

    def withdraw(self, item: Item, receipt: Receipt) -> Withdrawal:
        """Take the item's entry out of the feeds; Atom keeps an RFC 6721 tombstone. A
        picture that rode inside its article's entry is taken out of that entry instead
        (the article stays)."""
        carrier = receipt.detail.get("attached_to")
        if carrier is None:
            return self.addons.withdraw(item, receipt)
        url = sanitise.iri_to_uri(item.media_url or "")
        files = ", ".join(f"{self.filename}.{fmt}" for fmt in self.formats)
        if self.context.dry_run:
            return Withdrawal(True, f"would take {url} out of entry {carrier} in {files}")
        self._write([replace(entry, enclosures=tuple(e for e in entry.enclosures
                                                     if e.url != url))
                     if entry.id == carrier else entry for entry in self._load()])
        return Withdrawal(True, f"its file is taken out of entry {carrier} in {files} (the "
                          "article stays)", url=self.self_url(self.formats[0]))

    def entries(self) -> list[FeedEntry]:
        """The entries the feeds hold now."""
        return self._load()

    def rewrite(self, entries: list[FeedEntry]) -> None:
        """Write the feeds with exactly ``entries``."""
        self._write(entries)

    def self_url(self, fmt: str) -> str | None:
        """Where the feed in format ``fmt`` is served, when base_url says."""
        return self._self_url(fmt)

    def _carrier(self, item: Item) -> str | None:
        """With ``media: attach``, the id of the entry of the item's article when that
        entry already carries the item's file; otherwise (the article is not in this feed,
        a page's picture) ``None``, and the item gets an entry of its own."""
        if self.media != "attach" or item.parent is None or not item.media_url:
            return None
        parent = self.entry_id(item.parent)
        url = sanitise.iri_to_uri(item.media_url)
        for entry in self._load():
            if entry.id == parent and any(e.url == url for e in entry.enclosures):
                return parent
        return None

    def _carries(self, article: FeedEntry, other: FeedEntry) -> bool:
        """Whether ``article`` now carries the file that ``other``, one of its pictures
        published before it, had an entry for (so that entry goes: one story, one entry)."""
        if self.media != "attach" or other.parent != article.item_id or not other.enclosures:
            return False
        carried = {enclosure.url for enclosure in article.enclosures}
        return all(enclosure.url in carried for enclosure in other.enclosures)

    def entry_id(self, item_id: str) -> str:
        """The stable id of an item's entry: an RFC 4151 tag URI such as
        ``tag:example.gov.uk,2026:news-4f2c1a9b``."""
        return self._tag(quote(item_id, safe="-._~"))

    def _tag(self, specific: str) -> str:
        return f"tag:{self.authority},{TAG_DATE}:{specific}"

    def entry_for(self, item: Item) -> FeedEntry:
        """The feed entry that represents ``item``."""
        return self._entry(item, self._served_file(item))

    def _entry(self, item: Item, served: Path | None) -> FeedEntry:
        """``item``'s entry; ``served`` is the file copied beside the feeds for it, if any."""
        if item.licence is None or not item.licence_url:
            raise SkipItem(f"{item.id} has no licence or licence URL, so it cannot go into "
                           "a feed; fix the licensing rule that tagged it")
        licence = registry().get(item.licence)
        organisation = self.context.organisation
        attribution = item.attribution
        entry_id = self.entry_id(item.id)
        published = dates.rfc3339(item.date)
        return FeedEntry(
            id=entry_id, item_id=item.id, title=item.title,
            url=sanitise.absolute_uri(item.url) if item.url else None,
            summary=item.description,
            content_html=sanitise.safe_html(item.content_html, item.url),
            author=item.creator or organisation.name,
            author_url=_uri(item.creator_url if item.creator else organisation.url),
            published=published,
            updated=(dates.rfc3339(item.modified) or published
                     or dates.rfc3339(item.first_seen) or self._first_stored(entry_id)),
            licence_url=item.licence_url, licence_title=licence.short_name,
            rights=attribution.text if attribution else None,
            attribution_html=attribution.html if attribution else None,
            enclosures=tuple(self._attachments(item, served)),
            categories=tuple(dict.fromkeys(c.strip() for c in item.categories if c.strip())),
            language=item.language or organisation.language, parent=item.parent)

    def _first_stored(self, entry_id: str) -> str:
        # Only for an item that did not come through the ledger (a plugin's test, say):
        # the time this sink first stored it, which stays the same on every later run.
        earlier = next((e.updated for e in self._load() if e.id == entry_id), None)
        return earlier or dates.utc_now()

    def _attachments(self, item: Item, served: Path | None) -> list[Enclosure]:
        """The item's own file, then (``media: attach``) the pictures and documents of an
        article: those a partner can fetch, each once."""
        found: list[Enclosure] = []
        own = self._own_file(item, served)
        if own is not None:
            found.append(own)
        if self.media == "attach":
            for attachment in item.attachments:
                media_type = (attachment.type or mimetypes.guess_type(
                    urlsplit(attachment.url).path)[0] or "application/octet-stream")
                found.append(Enclosure(
                    url=sanitise.iri_to_uri(attachment.url), type=media_type,
                    length=attachment.length, alt=attachment.alt, title=attachment.title,
                    credit=attachment.credit, licence_url=attachment.licence))
        unique = list({enclosure.url: enclosure for enclosure in reversed(found)}.values())
        unique.reverse()
        return [e for e in unique if _unreachable(e.url) is None]

    def _own_file(self, item: Item, served: Path | None) -> Enclosure | None:
        url = _enclosure_url(item) or (self._published_file_url(item) if served else None)
        if url is None:
            return None
        media_type = (item.media_type or mimetypes.guess_type(urlsplit(url).path)[0]
                      or "application/octet-stream")
        # A file we serve is the tagged copy, whose size differs from the original's.
        length = served.stat().st_size if served is not None else item.size
        return Enclosure(url=sanitise.iri_to_uri(url), type=media_type, length=length,
                         alt=item.alt, title=item.title,
                         credit=item.creator or self.context.organisation.name)

    def _published_file_url(self, item: Item) -> str | None:
        name = self._file_name(item)
        return f"{self.base_url}/{FILES_FOLDER}/{name}" if name and self.base_url else None

    def _file_name(self, item: Item) -> str | None:
        """The name under which a folder source's file is served beside the feeds."""
        if item.kind not in ("image", "document") or item.media_url or item.path is None:
            return None
        extension = (mimetypes.guess_extension(item.media_type or "")
                     or item.path.suffix.lower())
        return quote(item.id, safe="-._~") + extension

    def _served_file(self, item: Item) -> Path | None:
        """The file this sink copies beside the feeds for a folder source's item (the
        tagged copy the workspace gives, licence metadata inside), or ``None``."""
        if self._file_name(item) is None or not self.base_url:
            return None
        try:
            path = self.context.media(item)
            path.stat()
        except OSError as error:
            raise _uncopyable(item, error) from error
        return path

    def _copy_file(self, item: Item, served: Path) -> None:
        name = self._file_name(item)
        assert name is not None  # _served_file gave a path, so the item has a file name
        target = self.directory / FILES_FOLDER / name
        try:
            data = served.read_bytes()
            atomic_write(target, data)
        except OSError as error:
            raise _uncopyable(item, error) from error
        self.addons.written({target: data})     # mirrors serve the photos too

    def _feed_info(self) -> FeedInfo:
        organisation = self.context.organisation
        return FeedInfo(
            # Atom wants its own address as the feed id when that is known; item ids are
            # quoted, so "feed:" can never clash with an entry id.
            id=self._self_url("atom") or self._tag(f"feed:{self.filename}"), title=self.title,
            subtitle=self.description,
            link=_uri(organisation.url) or self.base_url or "", author=organisation.name,
            author_url=_uri(organisation.url), language=organisation.language,
            icon=self.icon, logo=self.logo)

    def _load(self) -> list[FeedEntry]:
        if self._entries is None:
            self._entries = self._read_store()
        return self._entries

    def _read_store(self) -> list[FeedEntry]:
        try:
            raw = self.store_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except OSError as error:
            raise SinkError(f"cannot read {self.store_path}: {error.strerror}") from error
        try:
            data = json.loads(raw)
            return [FeedEntry.from_dict(entry) for entry in data["entries"]]
        except (ValueError, KeyError, TypeError) as error:
            raise SinkError(f"{self.store_path} is damaged ({error}); restore it from a "
                            "backup, or delete it to restart the feeds with the next "
                            "published items") from error

    def _write(self, entries: list[FeedEntry]) -> None:
        # Render everything first so a rendering failure changes no file.
        info = self._feed_info()
        documents = self.addons.decorate({
            self.directory / f"{self.filename}.{fmt}":
                FORMATS[fmt](replace(info, self_url=self._self_url(fmt)), entries)
            for fmt in self.formats}, entries)
        store = json.dumps({"version": _STORE_VERSION,
                            "entries": [entry.to_dict() for entry in entries]},
                           indent=1)  # ASCII escapes carry even a lone surrogate
        # The store goes last: if a feed write fails, publish raises, the ledger records
        # nothing and the next run publishes the item again, which repairs any feed file
        # already rewritten.
        try:
            for path, document in documents.items():
                atomic_write(path, document)
            self.addons.save()
            atomic_write(self.store_path, store)
        except OSError as error:
            raise SinkError(f"cannot write the feed files in {self.directory}: "
                            f"{error.strerror or error}; free space or fix permissions, "
                            "the items are retried next run") from error
        self._entries = entries
        self._changed = True
        self.addons.written(documents)

    def close(self) -> None:
        """Rewrite the folder's index.html and feeds.opml if this run changed a feed
        (mirrors get them too), then tell the WebSub hub, if any."""
        try:
            if self._changed:
                self._write_index()
        finally:
            self.addons.close()

    def _write_index(self) -> None:
        feeds = feedindex.feeds_in(self.directory)
        title = f"{self.context.organisation.name} feeds"
        documents: dict[str, str | bytes] = {
            feedindex.INDEX: feedindex.index_html(title, self.context.organisation.name,
                                                  feeds, self.base_url,
                                                  self.context.organisation.language),
            feedindex.OPML: feedindex.opml_document(title, feeds, self.base_url)}
        try:
            for name, document in documents.items():
                atomic_write(self.directory / name, document)
        except OSError as error:
            raise SinkError(f"cannot write the feed index in {self.directory}: "
                            f"{error.strerror or error}; the feeds themselves are "
                            "written") from error
        self.addons.written({self.directory / name: document if isinstance(document, bytes)
                             else document.encode("utf-8")
                             for name, document in documents.items()})

    def _self_url(self, fmt: str) -> str | None:
        return f"{self.base_url}/{self.filename}.{fmt}" if self.base_url else None

    def _finding(self, code: str, message: str) -> Finding:
        return Finding(code, "error", message, self.name)


def _corrected(entry: FeedEntry, old: FeedEntry | None) -> FeedEntry:
    """``entry``, replacing ``old``: when its content changed (a correction) but the source
    gave no later date, it was updated now, when partners first get the new version — a
    true date, and only for a real change (republishing the same content keeps ``old``'s)."""
    if old is None or _later(entry.updated, old.updated):
        return entry
    if _content(entry) == _content(old):
        return replace(entry, updated=old.updated)
    now = dates.rfc3339(dt.datetime.now(dt.UTC)) or dates.utc_now()  # to the microsecond
    return replace(entry, updated=now if _later(now, old.updated) else old.updated)


def _later(one: str, other: str) -> bool:
    first, second = dates.parse_date(one), dates.parse_date(other)
    return first is not None and second is not None and first > second


def _content(entry: FeedEntry) -> dict[str, Any]:
    return {k: v for k, v in entry.to_dict().items() if k != "updated"}


def _uncopyable(item: Item, error: OSError) -> SkipItem:
    return SkipItem(f"{item.id}: cannot copy its file beside the feeds "
                    f"({error.strerror or error}); check the file and the folder "
                    "permissions, then approve it again")


def _enclosure_url(item: Item) -> str | None:
    # The item's licence covers its own file; a picture on an article page may not be
    # the council's, so only images and documents get an enclosure.
    return item.media_url if item.kind in ("image", "document") else None


def _unreachable(url: str) -> str | None:
    """Why a partner could not follow ``url`` (``None`` if they can). Only literal
    addresses are judged: check() must not look names up."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "but feeds carry only http(s) links"
    return _unreachable_host(parts.hostname)


@functools.lru_cache(maxsize=1024)
def _unreachable_host(host: str) -> str | None:
    """:func:`_unreachable` for a host (a collect asks once per item: cached per host)."""
    if is_local_name(host):
        return "which only this machine can reach"
    try:
        public = is_public(host)
    except ValueError:
        return None  # a name: judged by the partner's resolver, not looked up here
    # An intranet address is useless to partners and tells the world about the network.
    return None if public else "a private address partners cannot reach"


def _uri(url: str | None) -> str | None:
    return sanitise.iri_to_uri(url) if url else None


def _public_url(config: Mapping[str, Any], key: str) -> str | None:
    """An image address partners' readers will fetch: public, written as a valid URI."""
    value = config.get(key)
    if value is None:
        return None
    if _unreachable(value):
        raise ConfigError(f"{key} must be a public http(s) address, not {value!r}", key=key)
    return sanitise.iri_to_uri(value)


def _authority(organisation_url: str, base_url: str | None) -> str:
    for url in (organisation_url, base_url):
        host = urlsplit(url or "").hostname
        if host:
            return host.removeprefix("www.")
    raise ConfigError("the feed sink needs organisation.url (or its own base_url) to give "
                      "entries stable ids; set one", key="base_url")

