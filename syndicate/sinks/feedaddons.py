"""What the feed sink does beyond writing entries: withdrawals with RFC 6721 tombstones,
WebSub (``hub:``) and mirror folders (``mirrors:``).

Options, besides the feed sink's own::

    partners:
      type: feed
      base_url: https://www.example.gov.uk/feeds   # required by hub: (the topic URLs)
      hub: https://pubsubhubbub.appspot.com/         # WebSub hub told after each change
      mirrors: [/mnt/second-disk/feeds, /srv/sync/feeds]   # same files, written atomically

A mirror that cannot be written is a warning (the main folder is the publication; the
next change rewrites the mirror); so is a hub that cannot be told.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from syndicate import websub
from syndicate.dates import utc_now
from syndicate.errors import ConfigError
from syndicate.files import atomic_write
from syndicate.model import Item, Receipt, Withdrawal, withdrawal_reason
from syndicate.options import FilePath, ListOf, Option, Url
from syndicate.sinks.feedformats import ATOM, FeedEntry
from syndicate.sinks.tombstones import (
    TOMBSTONES,
    Tombstone,
    TombstoneStore,
    add_to_atom,
    touch_rss,
)

if TYPE_CHECKING:
    from syndicate.sinks.feed import FeedSink

log = logging.getLogger(__name__)

#: The feed sink's options for what this module does (declared with the sink's own).
OPTIONS = (
    Option("hub", Url(), description="WebSub hub told after every change, so partners hear "
           "at once (needs base_url: the feeds' addresses are what the hub announces)."),
    Option("mirrors", ListOf(FilePath()), default=[],
           description="Extra folders written atomically with the same feed files (a "
           "second disk, a synced folder)."),
)
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)


class FeedAddons:
    """Tombstones, hub and mirrors of one feed sink."""

    def __init__(self, sink: FeedSink) -> None:
        self.sink = sink
        self.hub: str | None = sink.config["hub"]
        if self.hub and not sink.base_url:
            raise ConfigError("hub needs base_url: the address where the feeds are served "
                              "is what the hub tells subscribers about", key="hub")
        self.mirrors = [sink.context.base_dir / folder for folder in sink.config["mirrors"]]
        self.store = TombstoneStore(sink.context.state_dir / "feeds" /
                                    f"{sink.name}.tombstones.json")
        self.changed = False
        self._stones: list[Tombstone] | None = None
        self._unsaved = False

    # -- hooks the feed sink calls --------------------------------------------------------
    def decorate(self, documents: Mapping[Path, bytes],
                 entries: Sequence[FeedEntry]) -> dict[Path, bytes]:
        """The rendered feeds with tombstones (Atom) and the hub link (both formats)."""
        live = {entry.id for entry in entries}
        moment = datetime.now(UTC)
        stones = [s for s in self.stones() if s.ref not in live and s.fresh(moment)]
        if stones != self.stones():
            self._stones, self._unsaved = stones, True  # republished or past 30 days
        if not stones and not self.hub:
            return dict(documents)
        decorated = {}
        for path, document in documents.items():
            root = etree.fromstring(document, _PARSER)
            feed = root if root.tag == f"{{{ATOM}}}feed" else root.find("channel")
            assert feed is not None, "the feed sink renders Atom or RSS"
            if feed is root:
                add_to_atom(feed, stones)
            else:
                touch_rss(feed, stones)
            if self.hub:
                websub.add_hub_link(feed, self.hub)
            etree.cleanup_namespaces(root, top_nsmap={"at": TOMBSTONES} if
                                     feed is root and stones else None)
            decorated[path] = etree.tostring(root, xml_declaration=True, encoding="utf-8",
                                             pretty_print=True)
        return decorated

    def save(self) -> None:
        """Write changed tombstones (before the entry store, so a crash between the two
        leaves a tombstone for an entry still listed, which :meth:`decorate` ignores)."""
        if self._unsaved and self._stones is not None:
            self.store.save(self._stones)
            self._unsaved = False

    def written(self, documents: Mapping[Path, bytes]) -> None:
        """The feed files changed: copy them to the mirrors; the hub hears at close."""
        self.changed = True
        for mirror in self.mirrors:
            try:
                for path, document in documents.items():  # files/ keeps its folder
                    atomic_write(mirror / path.relative_to(self.sink.directory), document)
            except OSError as error:
                log.warning("%s: cannot write the mirror %s (%s); it is brought up to date "
                            "at the next change", self.sink.name, mirror,
                            error.strerror or error)

    def close(self) -> None:
        """Tell the hub once about everything this run changed."""
        if self.changed and self.hub:
            topics = [url for fmt in self.sink.formats
                      if (url := self.sink.self_url(fmt)) is not None]
            websub.ping(self.hub, topics, self.sink.context.user_agent)
        self.changed = False

    def withdraw(self, item: Item, receipt: Receipt) -> Withdrawal:
        """Take the item's entry out of every format and leave a tombstone in Atom."""
        ref = receipt.remote_id
        organisation = self.sink.context.organisation
        stone = Tombstone(ref=ref, when=utc_now(), by=organisation.name,
                          by_uri=organisation.url or None, reason=withdrawal_reason(item),
                          link=item.url)
        entries = self.sink.entries()
        files = ", ".join(f"{self.sink.filename}.{fmt}" for fmt in self.sink.formats)
        if self.sink.context.dry_run:
            return Withdrawal(True, f"would remove entry {ref} from {files}")
        self._stones = [stone, *(s for s in self.stones() if s.ref != ref)]
        self._unsaved = True
        self.sink.rewrite([entry for entry in entries if entry.id != ref])
        tombstone = f"; a tombstone stays in {self.sink.filename}.atom until {stone.until()}" \
            if "atom" in self.sink.formats else ""
        return Withdrawal(True, f"entry removed from {files}{tombstone}",
                          url=self.sink.self_url(self.sink.formats[0]))

    def stones(self) -> list[Tombstone]:
        if self._stones is None:
            self._stones = self.store.load()
        return self._stones

