"""The source interface: something that yields items.

A source is configured under ``sources:`` in syndicate.yaml and registered under the
entry-point group ``syndicate.sources``, exactly like sinks.
"""

from __future__ import annotations

import abc
import logging
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from syndicate.model import Item
from syndicate.options import Configurable

_log = logging.getLogger("syndicate.sources")

if TYPE_CHECKING:
    from syndicate.fetch import Fetcher


@dataclass
class SourceContext:
    """What the pipeline gives a source besides its own configuration (``self.context``).

    Attributes:
        base_dir: the folder of syndicate.yaml; relative paths in options start here.
        fetcher: the only way a source may reach the network (:class:`~syndicate.fetch.
            Fetcher`: timeouts, size caps, private addresses refused, conditional GET).
        problem: ``problem(message)`` reports one entry that could not be read (a dead
            page in a sitemap) and carries on: it lands in the run report and the exit
            code, and is tried again next run.
        known: ``known(item_id, raw_hash)`` lets a source skip building an item whose raw
            entry is byte-for-byte what it was last run. ``raw_hash`` is the source's own
            hash of everything the item is built from (the entry's bytes and anything
            around them that goes into it). True: the ledger has that raw hash for that
            item, so the item (and the items built from the same entry, whose ``parent`` it
            is) counts as collected, unchanged and seen: the source must not yield it.
            False: yield it as usual; the raw hash is stored with it. Calling it is
            optional (the default answers False); a source calls it at most once per item.
        known_document: ``known_document(raw_hash)``, for a source that can hash all of
            its input at once (a feed document, fresh or a 304 from the cache): True when
            the source was last collected in full from input with that hash; every item
            collected then counts as collected, unchanged and seen, and the source yields
            nothing. False: read as usual; once the run has read it all, the hash is kept.
        defer: ``defer(item_id, raw_hash, entry)``, for a source that can build an item
            again from bytes alone (:meth:`Source.rebuild`): call it after ``known``
            said False. True: the run has no queue room to examine a new item now, and
            keeps ``entry`` (everything the item and its children are built from)
            instead; the item counts as collected and seen, and the source must not
            yield it. It is built through ``rebuild`` when the queue has room for it.
            False: yield it as usual. The default answers False.
        scratch_map: ``scratch_map()`` gives a new, empty map of int to int for a read's
            own bookkeeping that grows with the source (the guids a feed reader has met),
            kept out of memory by syndicate (SQLite's temporary store) and dropped when
            the read ends. The default is a plain ``dict``.
    """

    base_dir: Path
    fetcher: Fetcher
    problem: Callable[[str], None] = field(default=lambda message: _log.warning("%s", message))
    known: Callable[[str, str], bool] = field(default=lambda item_id, raw_hash: False)
    known_document: Callable[[str], bool] = field(default=lambda raw_hash: False)
    defer: Callable[[str, str, bytes], bool] = field(
        default=lambda item_id, raw_hash, entry: False)
    scratch_map: Callable[[], MutableMapping[int, int]] = field(default=dict)


class Source(abc.ABC, Configurable):
    """Base class of every source.

    Subclasses set ``options`` (their options besides ``type``, as
    :class:`~syndicate.options.Option` entries; ``self.config`` holds them checked, defaults
    filled in) and write :meth:`items`.
    Raise :class:`~syndicate.errors.SourceError` when the whole source cannot be read and
    :class:`~syndicate.errors.InputError` for input that is malformed, naming the file/URL.
    The guide is docs/plugins.md.

    Class attributes:
        options: the source's own options (:class:`~syndicate.options.Option` entries).
        complete_listing: true when every run sees every item the source has (a folder),
            so an item that disappears was withdrawn; false for feeds, which only show
            their latest entries.

    Instance attributes:
        name: the source's name in syndicate.yaml; it becomes ``item.source``.
        config: the checked options, defaults filled in.
        context: the :class:`SourceContext`.
    """

    complete_listing: ClassVar[bool] = False

    def __init__(self, name: str, config: Mapping[str, Any], context: SourceContext) -> None:
        self.name = name
        self.context = context
        self.config = self._configure(config, context.base_dir)

    @abc.abstractmethod
    def items(self) -> Iterator[Item]:
        """Yield the source's items, streaming: memory must not grow with the source."""

    def rebuild(self, entries: list[bytes]) -> Iterator[Item]:
        """Yield the items of entries this source handed to ``context.defer`` (each
        entry's item first, then those built from it), in order. Only a source that
        defers needs it; like :meth:`items` it reports an unreadable entry through
        ``context.problem`` and goes on."""
        raise NotImplementedError(f"source {self.name} does not defer entries")
