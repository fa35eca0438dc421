"""The source interface: something that yields items.

A source is configured under ``sources:`` in syndicate.yaml and registered under the
entry-point group ``syndicate.sources``, exactly like sinks.
"""

from __future__ import annotations

import abc
import logging
from collections.abc import Callable, Iterator, Mapping
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
    """

    base_dir: Path
    fetcher: Fetcher
    problem: Callable[[str], None] = field(default=lambda message: _log.warning("%s", message))


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
