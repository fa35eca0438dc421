"""The ``feed`` sink: Atom and RSS files for partners, with a licence on every entry.

Configuration (all optional)::

    partners:
      type: feed
      directory: public/feeds        # relative to syndicate.yaml
      formats: [atom, rss]
      title: Example Borough Council open content
      max_entries: 100
      filename: partners             # → partners.atom, partners.rss (default: the sink name)
      base_url: https://www.example.gov.uk/feeds   # where the files are served
      hub: https://pubsubhubbub.appspot.com/       # WebSub hub told of each change (needs base_url)
      mirrors: [/mnt/second-disk/feeds]            # extra folders given the same files

Withdrawn entries leave the feeds; Atom keeps an RFC 6721 tombstone for 30 days. Tombstones,
the hub and mirrors live in :mod:`syndicate.sinks.feedaddons`.

The sink keeps the entries it has published in ``<state dir>/feeds/<sink name>.entries.json``
(out of the public folder, which a web server serves) so the feeds survive across runs and a
republished item replaces its entry. The formats
themselves live in :mod:`syndicate.sinks.feedformats`.
"""

from __future__ import annotations

import ipaddress
import json
import mimetypes
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

from syndicate.errors import ConfigError, SinkError, SkipItem
from syndicate.files import atomic_write
from syndicate.licences import registry
from syndicate.model import Finding, Item, Receipt, Withdrawal
from syndicate.options import FilePath, Integer, ListOf, Option, Text, Url
from syndicate.sinks import feedaddons
from syndicate.sinks.base import Sink, SinkContext
from syndicate.sinks.feedformats import (
    FORMATS,
    Enclosure,
    FeedEntry,
    FeedInfo,
    rfc3339,
    utc_now,
)

# RFC 4151 tag URIs need a date on which the organisation held its domain. Any council
# running syndicate held it when syndicate was written, and a constant (never the clock)
# keeps every entry id the same on every run.
TAG_DATE = "2026"

_STORE_VERSION = 1


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
        Option("max_entries", Integer(), default=100, range=(1, 100_000),
               description="Newest entries kept in each feed."),
        Option("filename", Text(r"[^/\\.][^/\\]*", "a plain name such as 'partners' (no "
                                "folders, not starting with a dot)"),
               description="File name without extension (default: the sink's name)."),
        Option("base_url", Url(), description="Where the feed files are served; gives the "
               "feeds their self links."),
        *feedaddons.OPTIONS,
    )
    supports_dry_run: ClassVar[bool] = True

    def __init__(self, name: str, config: Mapping[str, Any], context: SinkContext) -> None:
        super().__init__(name, config, context)
        self.directory_setting = Path(self.config["directory"])
        self.directory = context.base_dir / self.directory_setting
        self.formats = tuple(dict.fromkeys(self.config["formats"]))
        self.title = self.config["title"] or f"{context.organisation.name} open content"
        self.max_entries = self.config["max_entries"]
        self.filename = self.config["filename"] or name
        self.base_url = self.config["base_url"] and self.config["base_url"].rstrip("/")
        self.authority = _authority(context.organisation.url, self.base_url)
        self.store_path = context.state_dir / "feeds" / f"{name}.entries.json"
        self._entries: list[FeedEntry] | None = None
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
        return findings

    def open(self) -> None:
        """Create the feed folder (not in a dry run)."""
        if self.context.dry_run:
            return
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
        entry = self.entry_for(item)
        entries = self._load()
        replacing = any(old.id == entry.id for old in entries)
        updated = [entry, *(old for old in entries if old.id != entry.id)][:self.max_entries]
        files = [str(self.directory_setting / f"{self.filename}.{fmt}") for fmt in self.formats]
        if self.context.dry_run:
            preview = (f"would {'replace' if replacing else 'add'} entry {entry.id} "
                       f"({entry.title!r}) in {', '.join(files)}")
            return Receipt(entry.id, item.url, {"preview": preview, "files": files})
        self._write(updated)
        return Receipt(entry.id, item.url, {"files": files})

    def withdraw(self, item: Item, receipt: Receipt) -> Withdrawal:
        """Take the item's entry out of the feeds; Atom keeps an RFC 6721 tombstone."""
        return self.addons.withdraw(item, receipt)

    def close(self) -> None:
        """Tell the WebSub hub, if any, that the feeds changed."""
        self.addons.close()

    def entries(self) -> list[FeedEntry]:
        """The entries the feeds hold now."""
        return self._load()

    def rewrite(self, entries: list[FeedEntry]) -> None:
        """Write the feeds with exactly ``entries``."""
        self._write(entries)

    def self_url(self, fmt: str) -> str | None:
        """Where the feed in format ``fmt`` is served, when base_url says."""
        return self._self_url(fmt)

    def entry_id(self, item_id: str) -> str:
        """The stable id of an item's entry: an RFC 4151 tag URI such as
        ``tag:example.gov.uk,2026:news-4f2c1a9b``."""
        return self._tag(quote(item_id, safe="-._~"))

    def _tag(self, specific: str) -> str:
        return f"tag:{self.authority},{TAG_DATE}:{specific}"

    def entry_for(self, item: Item) -> FeedEntry:
        """The feed entry that represents ``item``."""
        if item.licence is None or not item.licence_url:
            raise SkipItem(f"{item.id} has no licence or licence URL, so it cannot go into "
                           "a feed; fix the licensing rule that tagged it")
        licence = registry().get(item.licence)
        organisation = self.context.organisation
        attribution = item.attribution
        return FeedEntry(
            id=self.entry_id(item.id), item_id=item.id, title=item.title, url=item.url,
            summary=item.description, content_html=item.content_html,
            author=item.creator or organisation.name,
            author_url=(item.creator_url if item.creator else organisation.url) or None,
            published=rfc3339(item.date),
            # Without a modification date, the entry changed when it was (re)published.
            updated=rfc3339(item.modified) or utc_now(),
            licence_url=item.licence_url, licence_title=licence.short_name,
            rights=attribution.text if attribution else None,
            attribution_html=attribution.html if attribution else None,
            enclosure=_enclosure(item))

    def _feed_info(self) -> FeedInfo:
        organisation = self.context.organisation
        return FeedInfo(
            # Atom wants its own address as the feed id when that is known; item ids are
            # quoted, so "feed:" can never clash with an entry id.
            id=self._self_url("atom") or self._tag(f"feed:{self.filename}"), title=self.title,
            subtitle=f"Openly licensed content from {organisation.name}",
            link=organisation.url or self.base_url or "", author=organisation.name,
            author_url=organisation.url or None)

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
        self.addons.written(documents)

    def _self_url(self, fmt: str) -> str | None:
        return f"{self.base_url}/{self.filename}.{fmt}" if self.base_url else None

    def _finding(self, code: str, message: str) -> Finding:
        return Finding(code, "error", message, self.name)


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
    host = parts.hostname
    if host == "localhost" or host.endswith(".localhost"):
        return "which only this machine can reach"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    # An intranet address is useless to partners and tells the world about the network.
    return None if address.is_global else "a private address partners cannot reach"


def _enclosure(item: Item) -> Enclosure | None:
    url = _enclosure_url(item)
    if url is None:
        return None
    media_type = (item.media_type or mimetypes.guess_type(urlsplit(url).path)[0]
                  or "application/octet-stream")
    return Enclosure(url=url, type=media_type, length=item.size)


def _authority(organisation_url: str, base_url: str | None) -> str:
    for url in (organisation_url, base_url):
        host = urlsplit(url or "").hostname
        if host:
            return host.removeprefix("www.")
    raise ConfigError("the feed sink needs organisation.url (or its own base_url) to give "
                      "entries stable ids; set one", key="base_url")

