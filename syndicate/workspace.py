"""A workspace: one configuration opened for a run — its lock, ledger, fetcher, sinks and
media (:mod:`syndicate.media`).

Everything that changes state (collect, publish, queue decisions) happens inside
``with Workspace(config) as ws:``, which holds the run lock so cron runs and editors'
``syndicate queue approve`` never interleave.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from syndicate import __version__
from syndicate.boundary import Boundary, plugin_timeouts
from syndicate.config import Config, SinkSpec, located
from syndicate.errors import ConfigError
from syndicate.fetch import Fetcher
from syndicate.files import RunLock
from syndicate.ledger import Ledger
from syndicate.media import MediaStore
from syndicate.model import Item, Receipt
from syndicate.progress import Progress, Silent
from syndicate.sinks.base import Sink, SinkContext, SinkState
from syndicate.sources.base import Source, SourceContext

log = logging.getLogger(__name__)


def user_agent(config: Config) -> str:
    """A descriptive User-Agent with contact details (Wikimedia's policy: docs/wikimedia.md)."""
    org = config.organisation
    contact = "; ".join(part for part in (org.url, org.contact) if part)
    return f"syndicate/{__version__} ({org.name}{'; ' + contact if contact else ''})"


class Workspace:
    """The open state of one configuration. ``dry_run`` works on a scratch copy of the
    ledger and tells sinks to change nothing; ``wait`` is how long to wait for another
    run's lock (0: give up at once)."""

    def __init__(self, config: Config, *, dry_run: bool = False,
                 progress: Progress | None = None, wait: float = 0.0) -> None:
        self.config = config
        self.dry_run = dry_run
        self.progress: Progress = progress or Silent()
        self.lock = RunLock(config.state_dir / "lock", wait=wait)
        self.fetcher = Fetcher(user_agent(config),
                               cache_dir=None if dry_run else config.state_dir / "http")
        self._sinks: dict[str, Sink] = {}
        self._ledger: Ledger | None = None
        #: Every call into a sink or source plugin goes through here.
        self.boundary = Boundary(config.limits, plugin_timeouts(config))
        #: The files sinks send (downloads and tagged copies).
        self.media_store = MediaStore(config, self.fetcher, dry_run=dry_run)

    def __enter__(self) -> Workspace:
        if not self.dry_run:  # a dry run reads a snapshot and leaves no trace, not even a lock
            self.lock.__enter__()
        try:
            path = self.config.state_dir / "state.sqlite"
            self._ledger = Ledger.scratch_copy(path) if self.dry_run else Ledger(path)
        except BaseException:
            self.lock.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.media_store.close()
        if self._ledger is not None:
            self._ledger.close()
        self.boundary.close()
        self.progress.done()
        self.lock.__exit__(exc_type, exc, tb)

    @property
    def ledger(self) -> Ledger:
        assert self._ledger is not None, "use the workspace in a with block"
        return self._ledger

    def sources(self, problem: Callable[[str, str], None] | None = None) -> list[Source]:
        """Every configured source, constructed (so their config errors surface now).
        ``problem(source name, message)`` hears about entries a source had to skip."""
        built = []
        for spec in self.config.sources.values():
            context = SourceContext(base_dir=self.config.base_dir, fetcher=self.fetcher)
            if problem is not None:
                context.problem = functools.partial(problem, spec.name)
            try:
                source = spec.cls(spec.name, spec.options, context)
            except ConfigError as exc:
                raise located(self.config, "sources", spec.name, exc) from None
            try:
                source.resolve_secrets()
            except ConfigError as exc:  # this source waits for a person; the others run
                if problem is not None:
                    problem(spec.name, str(located(self.config, "sources", spec.name, exc)))
                continue
            built.append(source)
        return built

    def sink(self, name: str) -> Sink:
        """The named sink, constructed once per workspace."""
        if name not in self._sinks:
            spec = self.config.sinks[name]
            try:
                self._sinks[name] = spec.cls(name, spec.options, self._context(spec))
            except ConfigError as exc:
                raise located(self.config, "sinks", name, exc) from None
        return self._sinks[name]

    def targets(self, item: Item) -> list[str]:
        """The sinks configured to take this item (its kind, source and ``match:``)."""
        return [s.name for s in self.config.sinks.values() if s.takes_item(item)]

    def _context(self, spec: SinkSpec) -> SinkContext:
        name = spec.name
        return SinkContext(
            base_dir=self.config.base_dir, state_dir=self.config.state_dir,
            organisation=self.config.organisation, user_agent=user_agent(self.config),
            dry_run=self.dry_run,
            state=SinkState(lambda key: self.ledger.sink_value(name, key),
                            lambda key, value: self.ledger.put_sink_value(name, key, value)),
            media=self.media,
            previous=lambda item: self._previous(name, item), limits=self.config.limits,
            published=self._published)

    def _previous(self, sink: str, item: Item) -> Receipt | None:
        return self.ledger.receipt(item.id, sink)

    def _published(self, item_id: str) -> list[Receipt]:
        return [receipt for sink in self.config.sinks
                if (receipt := self.ledger.receipt(item_id, sink)) is not None]

    def media(self, item: Item) -> Path:
        """The file sinks send (``SinkContext.media``): see :meth:`MediaStore.tagged`."""
        return self.media_store.tagged(item)

    def local_file(self, item: Item) -> Path:
        """A local copy of the item's file: see :meth:`MediaStore.local_file`."""
        return self.media_store.local_file(item)
