"""The sink plugin interface: one method to write, a fixed lifecycle around it.

The pipeline drives every sink the same way::

    sink = SinkClass(name, config, context)    # options checked (at config load too)
    findings = sink.check(item)                # for every item aimed at the sink; no side effects
    sink.open()                                # once, before the first publish (log in, mkdir)
    receipt = sink.publish(item)               # each approved item not yet published
    sink.close()                               # once, always, even after an error

``publish`` raises :class:`~syndicate.errors.RetryLater` (try this item next run),
:class:`~syndicate.errors.SkipItem` (a person must look) or
:class:`~syndicate.errors.SinkError` (stop this sink for this run). The plugin author's
guide, with the whole lifecycle, is docs/plugins.md.

A sink may also offer ``withdraw(item, receipt) -> Withdrawal`` (optional; see
:class:`~syndicate.model.Withdrawal`): called when a published item is withdrawn, between
``open`` and ``close``, with the receipt of its latest publication and the reason in
:func:`~syndicate.model.withdrawal_reason`. It takes the publication back as far as the
platform allows, or says what a person must do; it may be called again for the same
receipt. A sink without it leaves withdrawals to a person, with the receipt's URL.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from syndicate.limits import Limits
from syndicate.model import Finding, Item, Receipt
from syndicate.options import Configurable


@dataclass(frozen=True)
class Organisation:
    """Who runs syndicate: named in User-Agents, feeds and edit summaries."""

    name: str
    url: str = ""
    contact: str = ""
    language: str = "en-GB"     # BCP 47: what its content is written in, unless a source says


class SinkState:
    """A sink's own small persistent store in the ledger (an upload's stash key and
    offset, say), so a crashed run can resume. Values must be JSON-serialisable."""

    def __init__(self, load: Callable[[str], Any], save: Callable[[str, Any], None]) -> None:
        self._load = load
        self._save = save

    def get(self, key: str) -> Any:
        """The value stored under ``key``, or ``None``."""
        _refuse_abandoned()
        return self._load(key)

    def put(self, key: str, value: Any) -> None:
        """Store ``value`` (``None`` deletes); committed durably before returning."""
        _refuse_abandoned()
        self._save(key, value)


def _refuse_abandoned() -> None:
    """A plugin call that overran its deadline runs on unwatched: keep it off the ledger."""
    from syndicate.boundary import PluginFault, still_wanted

    if not still_wanted():
        raise PluginFault("this call was abandoned after its deadline", set_aside=True)


@dataclass
class SinkContext:
    """What the pipeline gives a sink besides its own configuration (``self.context``).

    Attributes:
        base_dir: the folder of syndicate.yaml; relative paths in options start here.
        state_dir: syndicate's state folder (``.syndicate/`` by default); a sink may keep
            caches in a subfolder named after itself.
        organisation: who publishes (:class:`Organisation`): name, URL, contact.
        user_agent: the User-Agent every request must carry (it names the organisation and
            its contact, as Wikimedia's policy asks).
        dry_run: true during ``run --dry-run``: a sink with ``supports_dry_run`` returns a
            preview receipt and changes nothing anywhere.
        state: the sink's own small persistent store (:class:`SinkState`).
        media: ``media(item)`` → a local path of the item's file, with its licence
            metadata written into it; send this, not ``item.path``.
        previous: ``previous(item)`` → the sink's last receipt for the item (any version),
            or ``None``: what to update rather than create again.
        published: ``published(item_id)`` → the receipts every sink holds for that item
            id (empty if none): an article's draft links the Commons file of its figure.
            Within a run media items are published before articles.
        limits: the configuration's caps (:class:`~syndicate.limits.Limits`, from
            ``limits:``); a sink that logs in honours ``limits.login_deadline``.
    """

    base_dir: Path
    state_dir: Path
    organisation: Organisation
    user_agent: str
    dry_run: bool = False
    state: SinkState = field(default_factory=lambda: SinkState(lambda k: None,
                                                               lambda k, v: None))
    media: Callable[[Item], Path] = field(default=lambda item: _no_media(item))
    previous: Callable[[Item], Receipt | None] = field(default=lambda item: None)
    published: Callable[[str], list[Receipt]] = field(default=lambda item_id: [])
    limits: Limits = field(default_factory=Limits)


def _no_media(item: Item) -> Path:
    if item.path is None:
        raise FileNotFoundError(f"{item.id}: no local file")
    return item.path


class Sink(abc.ABC, Configurable):
    """Base class of every sink, built-in or plugin.

    Subclasses set ``kinds`` (item kinds they can take) and ``options`` (their own options
    besides ``type``, ``kinds``, ``sources`` and ``match``, as :class:`~syndicate.options.Option`
    entries: checked when syndicate.yaml loads, with file and line), and write
    :meth:`publish`. ``self.config`` holds the checked options, defaults filled in; a secret
    option is read with ``self.secret(name)``. Override :meth:`check` to add rules; call
    ``super().check(item)`` to keep the licence gate. The guide is docs/plugins.md.

    Class attributes:
        kinds: the item kinds the sink takes (``article``, ``image``, ``document``).
        options: the sink's own options (:class:`~syndicate.options.Option` entries).
        licence_gate: the licence-registry flag this destination requires (``commons`` or
            ``wikipedia_text``); ``None`` takes any licence the registry knows.
        supports_dry_run: whether ``publish`` honours ``context.dry_run`` by returning a
            preview receipt (``detail["preview"]``) without changing anything; if false,
            a dry run does not open the sink and reports "would publish" for it.
        pipeline_keys: the keys syndicate reads itself (``type``, ``kinds``, ``sources``):
            never the sink's own options.
        config_keys: every key the sink takes (filled in from ``options``; an older plugin
            may list untyped keys here instead).

    Instance attributes:
        name: the sink's name in syndicate.yaml (``partners``), used in findings and logs.
        config: the checked options, defaults filled in.
        context: the :class:`SinkContext`.
    """

    kinds: ClassVar[frozenset[str]] = frozenset({"article", "image", "document"})
    pipeline_keys: ClassVar[frozenset[str]] = frozenset({"type", "kinds", "sources", "match",
                                                         "timeout"})
    licence_gate: ClassVar[str | None] = None
    supports_dry_run: ClassVar[bool] = False

    def __init__(self, name: str, config: Mapping[str, Any], context: SinkContext) -> None:
        self.name = name
        self.context = context
        self.config = self._configure(config, context.base_dir)

    def check(self, item: Item) -> list[Finding]:
        """Findings for sending ``item`` here; no side effects. The default is the licence
        gate: the registry must know the licence and, if set, accept it for this sink."""
        from syndicate.licences import registry

        if item.licence is None:
            return [Finding("licence.missing", "error",
                            f"{item.id} has no licence; add a licensing rule or declare one "
                            "at the source", self.name)]
        licence = registry().get(item.licence)
        if self.licence_gate and not licence.accepted_by(self.licence_gate):
            return [Finding("licence.not-accepted", "error",
                            f"{licence.name} is not accepted by {self.name} "
                            f"({self.licence_gate}); relicense or remove the sink",
                            self.name)]
        return []

    def preflight(self) -> list[Finding]:
        """Advice on the sink's own settings for ``syndicate check``, with no I/O: a
        warning is shown, an error fails the check. The default has none."""
        return []

    def open(self) -> None:
        """Prepare to publish: log in, create folders. Raise SinkError if impossible."""

    @abc.abstractmethod
    def publish(self, item: Item) -> Receipt:
        """Publish one approved item and say where it went."""

    def close(self) -> None:
        """Release what open() took; called even after an error."""
