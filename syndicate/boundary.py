"""The plugin boundary: every call into a sink or a source goes through here.

Sinks and sources are third-party code running inside the nightly job. Whatever one does —
hang, return ``None`` instead of a receipt, call ``sys.exit``, raise ``KeyboardInterrupt``
— must cost that plugin's item or that plugin's run, never the run, the lock or the other
plugins. So each plugin instance gets **one worker thread** of its own and every call
(``open``, ``check``, ``publish``, ``close``, each step of a source's ``items``) is handed
to it and waited for with a deadline. A source's items and a sink's checks during collect
cross in slices of up to :data:`SLICE` seconds rather than one round trip per item (which
cost a third of a big first collect); a hang still overruns its call's deadline.

- *Why a thread, not a process:* plugins keep state between calls (``open`` logs in,
  ``publish`` uses the session) and use what syndicate hands them (the sink state in the
  ledger, ``context.media``); a process per call would lose the one and need every
  argument pickled. One thread per plugin, not one per call, keeps thread-bound things a
  plugin makes in ``open`` (a SQLite connection, say) usable in ``publish``. Measured cost:
  ``benchmarks/boundary.py``.
- *What a thread cannot do* is kill a hung call. The call is abandoned instead: the
  plugin is set aside for the rest of the run, its thread may still be running but is never
  given work again, and its access to the sink state is refused (:func:`still_wanted`).
  The thread is a daemon, so it cannot keep the process alive or hold the run lock.
- *Ctrl-C stays the user's:* the signal reaches only the main thread, which is waiting
  here, so it stops the run as before; a ``KeyboardInterrupt`` or ``SystemExit`` raised by
  the plugin itself happens in its worker and is contained like any other misbehaviour.

Results are validated here too: a receipt must be a :class:`~syndicate.model.Receipt`
with a string ``remote_id`` and a JSON-serialisable ``detail`` under the size cap; a
check must return a list of :class:`~syndicate.model.Finding`.
"""

from __future__ import annotations

import json
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from syndicate.errors import SyndicateError
from syndicate.limits import Limits
from syndicate.model import Finding, Item, Receipt
from syndicate.scrub import scrub
from syndicate.visible import REPLACEMENT, visible

if TYPE_CHECKING:
    from syndicate.config import Config

T = TypeVar("T")
#: The text fields of an item that leave syndicate (in feeds, the queue, wiki pages).
TEXT_FIELDS = ("title", "description", "content_html", "creator", "alt")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
#: A source's items and a sink's checks cross threads in slices of at most this many
#: seconds (see :class:`_Slices`)…
SLICE = 0.05
#: …and a source's, of this many items.
BATCH = 500
_local = threading.local()


class PluginFault(SyndicateError):
    """A plugin misbehaved: it hung, returned what it must not, or raised something other
    than an exception (``SystemExit``, ``KeyboardInterrupt``, ``GeneratorExit``).

    ``set_aside`` says the plugin must not be called again this run (it hung, or it tried
    to end the process); the item it was working on needs a person, because the plugin
    may have acted on the remote side before misbehaving. ``retry`` is the run record's:
    whether trying again next run may be enough (a hang may pass; a plugin that ends the
    process or gives what it must not needs its authors).
    """

    exit_code = 1

    def __init__(self, message: str, *, set_aside: bool, retry: bool = True) -> None:
        super().__init__(message)
        self.set_aside = set_aside
        self.retry = retry


def still_wanted() -> bool:
    """False inside a plugin call that was abandoned (it overran its deadline): whatever
    it does now must not reach the ledger."""
    job: _Job | None = getattr(_local, "job", None)
    return job is None or not job.abandoned


@dataclass
class _Job:
    function: Callable[..., Any]
    args: tuple[Any, ...]
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None
    abandoned: bool = False


class Worker:
    """One plugin's own thread: calls run there one at a time, each with a deadline."""

    def __init__(self, name: str, timeout: float) -> None:
        self.name = name
        self.timeout = timeout
        self.set_aside: str | None = None
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def call(self, what: str, function: Callable[..., T], *args: Any,
             timeout: float | None = None) -> T:
        """``function(*args)`` in the plugin's thread. Ordinary exceptions come back as
        they are (the caller knows what RetryLater or SkipItem mean); a call that overruns
        ``timeout`` or raises a BaseException becomes :class:`PluginFault`."""
        if self.set_aside is not None:
            raise PluginFault(f"{self.name} was set aside earlier in this run "
                              f"({self.set_aside})", set_aside=True)
        if self._thread is None:
            self._thread = threading.Thread(target=self._serve, daemon=True,
                                            name=f"plugin {self.name}")
            self._thread.start()
        job = _Job(function, args)
        self._jobs.put(job)
        limit = self.timeout if timeout is None else max(0.0, min(timeout, self.timeout))
        if not job.done.wait(limit):
            job.abandoned = True
            self.set_aside = f"{what} did not return within {limit:g} s"
            self._jobs.put(None)
            raise PluginFault(f"{self.name}: {self.set_aside}; it is not called again "
                              "this run", set_aside=True)
        error = job.error
        if error is None:
            return job.result  # type: ignore[no-any-return]
        if isinstance(error, Exception):
            raise error
        self.set_aside = f"{what} raised {type(error).__name__}"
        detail = f": {error}" if str(error) else ""
        raise PluginFault(scrub(f"{self.name}: {what} raised {type(error).__name__}{detail}, "
                                "which a plugin must never do; it is not called again this "
                                "run — report it to the plugin's authors"), set_aside=True,
                          retry=False)

    def stop(self) -> None:
        """Let the thread end once it is idle (an abandoned one ends when its call does)."""
        if self._thread is not None:
            self._jobs.put(None)

    def _serve(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            _local.job = job
            try:
                job.result = job.function(*job.args)
            except BaseException as error:  # contained: see the module docstring
                job.error = error
            finally:
                _local.job = None
                job.done.set()
            if job.abandoned:
                return


class _Slices:
    """What a plugin's worker makes one by one (a source's items, a sink's checks), handed
    over in slices: as many as come within :data:`SLICE` seconds per call into the worker.
    One thread round trip per item cost a third of a big first collect; a slice keeps a
    slow source streaming and a hung step still overruns its call's deadline. An exception
    after some items of a slice is raised on the next call, so the items before it are
    handled first, as they would be one by one."""

    def __init__(self, iterator: Iterator[Any]) -> None:
        self._iterator = iterator
        self._error: Exception | None = None
        self._gathering: list[Any] = []

    def take(self, most: int) -> list[Any]:
        """The next slice, of at most ``most`` items; an empty list at the end."""
        self._gathering = []
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        batch = self._gathering
        until = time.monotonic() + SLICE
        try:
            while len(batch) < most:
                batch.append(next(self._iterator))
                if time.monotonic() >= until:
                    break
        except StopIteration:
            pass
        except Exception as error:
            if not batch:
                raise
            self._error = error
        self._gathering = []    # handed over: nothing left to salvage
        return batch

    def salvage(self) -> list[Any]:
        """The items of a slice that never came back (the source hung or misbehaved
        midway), taken as they are now; anything added later is not looked at."""
        batch, self._gathering = self._gathering, []
        return list(batch)


class Boundary:
    """The workers of one run, one per plugin, and the run's own deadline."""

    def __init__(self, limits: Limits, timeouts: Mapping[tuple[str, str], float]) -> None:
        """``timeouts``: seconds per call for ``("sink"|"source", name)``, where a plugin
        has its own ``timeout:``."""
        self.limits = limits
        self.timeouts = timeouts
        self.started = time.monotonic()
        self._workers: dict[tuple[str, str], Worker] = {}

    def worker(self, name: str, role: str = "sink") -> Worker:
        """The worker of the sink (or source) ``name``, started on first use."""
        key = (role, name)
        if key not in self._workers:
            self._workers[key] = Worker(name, self.timeouts.get(key, self.limits.plugin_timeout))
        return self._workers[key]

    def set_aside(self, name: str) -> str | None:
        """Why the sink ``name`` is not called again this run, if it is not."""
        worker = self._workers.get(("sink", name))
        return worker.set_aside if worker else None

    def run_overdue(self) -> bool:
        """Whether the whole run has used up ``limits.run_deadline``."""
        return time.monotonic() - self.started > self.limits.run_deadline

    def batches(self, name: str, produce: Callable[[], Iterator[Item]],
                problem: Callable[[str], None]) -> Iterator[list[Item]]:
        """A source's items, in the slices they cross from its worker (see
        :class:`_Slices`), each step bounded by its timeout and the whole by
        ``limits.source_deadline``; reaching the deadline raises PluginFault (set_aside
        False: the source is simply read again next run). An item over a cap (a URL
        longer than ``limits.url_length``, more than ``limits.items_per_entry`` from one
        page or entry) is left out and ``problem`` hears why."""
        per_parent: dict[str, int] = {}
        for batch in self._steps(name, produce):
            yield [item for item in batch if self._admitted(item, per_parent, problem)]

    def _admitted(self, item: Item, per_parent: dict[str, int],
                  problem: Callable[[str], None]) -> bool:
        bad_url = self._bad_url(item)
        if bad_url:
            problem(bad_url)
            return False
        self._drop_bad_attachments(item)
        _clean_text(item)
        if item.parent is None:
            return True
        count = per_parent[item.parent] = per_parent.get(item.parent, 0) + 1
        if count == self.limits.items_per_entry + 1:  # said once per entry
            problem(f"{item.parent} ({item.url or 'its page'}) gives more than "
                    f"limits.items_per_entry ({self.limits.items_per_entry}) items; the "
                    "first ones are kept and the rest left out")
        return count <= self.limits.items_per_entry

    def _bad_url(self, item: Item) -> str | None:
        """Why the item's URLs cannot be taken: too long, or a scheme other than http(s)
        (``file:``, ``javascript:``… from remote content)."""
        for key in ("url", "media_url", "creator_url"):
            value = getattr(item, key)
            refused = self._refused_url(value) if isinstance(value, str) else None
            if refused:
                return f"{item.id}: its {key} {refused}, so the item is left out"
        return None

    def _drop_bad_attachments(self, item: Item) -> None:
        """The same rule for the pictures and documents an article carries inside it
        (a feed entry's enclosures): a refused one leaves the article, with a finding."""
        kept = []
        for attachment in item.attachments:
            refused = self._refused_url(attachment.url)
            if refused is None:
                kept.append(attachment)
                continue
            item.findings.append(Finding(
                "url.refused", "warning", f"{item.id}: an attachment's URL {refused}, so "
                "the attachment is left out of the item"))
        item.attachments = kept

    def _refused_url(self, url: str) -> str | None:
        """Why ``url`` cannot be taken from content: too long, or a scheme other than
        http(s) (``file:``, ``javascript:``…). The URL itself is never repeated."""
        if len(url) > self.limits.url_length:
            return (f"is {len(url)} characters, more than limits.url_length "
                    f"({self.limits.url_length})")
        scheme = url.partition(":")[0].lower() if _SCHEME.match(url) else ""
        if scheme not in ("", "http", "https"):
            return f"is a {scheme}: URL; only http and https addresses are taken from content"
        return None

    def _steps(self, name: str, produce: Callable[[], Iterator[Item]]
               ) -> Iterator[list[Item]]:
        worker = self.worker(name, "source")
        deadline = time.monotonic() + self.limits.source_deadline
        slices = worker.call("items", lambda: _Slices(iter(produce())))
        count = 0
        while True:
            # Up to one item over the cap, so that going over it is noticed.
            most = min(BATCH, self.limits.items_per_source + 1 - count)
            fault: PluginFault | None = None
            try:
                batch = worker.call("items", slices.take, most,
                                    timeout=deadline - time.monotonic())
            except PluginFault as error:
                batch = slices.salvage()   # what it gave before it hung
                fault = self._overdue(name, error, deadline)
            checked = []
            try:
                for item in batch:
                    count += 1
                    checked.append(self._checked_item(name, item, count))
            except PluginFault as error:
                fault = error
            if checked:
                yield checked   # what was read is kept, whatever comes next
            if fault is not None:
                raise fault
            if not batch:
                return

    def _overdue(self, name: str, fault: PluginFault, deadline: float) -> PluginFault:
        """``fault``, or the source deadline's own when the whole read ran out of time."""
        if time.monotonic() < deadline:
            return fault
        overdue = PluginFault(
            f"{name}: reading took longer than limits.source_deadline "
            f"({self.limits.source_deadline} s); what was read is kept and the rest is "
            "read next run", set_aside=False)
        overdue.__cause__ = fault
        return overdue

    def _checked_item(self, name: str, item: object, count: int) -> Item:
        """``item``, the ``count``-th of source ``name``, if it may be taken at all."""
        if count > self.limits.items_per_source:
            raise PluginFault(
                f"{name}: more than limits.items_per_source "
                f"({self.limits.items_per_source}) items; the first ones are kept, the "
                "rest are not read — raise the limit if the source really is that big",
                set_aside=False, retry=False)
        if not isinstance(item, Item):
            raise PluginFault(f"{name}: items() gave a {type(item).__name__}, not an Item; "
                              "report it to the source's authors", set_aside=False,
                              retry=False)
        return item

    def checks(self, name: str, check: Callable[[Item], Any],
               items: list[Item]) -> list[list[Finding] | Exception]:
        """A sink's findings on each of ``items``, each finding its own (a check speaks
        only for its sink), or the exception its check raised; anything but a list of
        findings is itself an error finding for that sink. The checks run in the sink's
        worker in slices, as a source's items do (one thread round trip per item was a
        tenth of a big first collect). A check that hangs or misbehaves costs the item it
        was on a :class:`PluginFault` outcome; the items after it get the fault of a sink
        set aside."""
        worker = self.worker(name)
        slices = _Slices(_checked(check, item) for item in items)
        outcomes: list[list[Finding] | Exception] = []
        while len(outcomes) < len(items):
            try:
                done = worker.call("check", slices.take, len(items) - len(outcomes))
            except PluginFault as fault:
                done = [*slices.salvage(), fault]
            outcomes += [self._findings(name, item, found) for item, found
                         in zip(items[len(outcomes):], done, strict=False)]
        return outcomes

    def _findings(self, name: str, item: Item, found: object) -> list[Finding] | Exception:
        if isinstance(found, Exception):
            return found
        if not isinstance(found, list | tuple):
            return [_bad_check(name, item, f"returned {type(found).__name__}, not a list")]
        return [Finding(f.code, f.severity, scrub(f.message), name) if isinstance(f, Finding)
                else _bad_check(name, item, f"returned a {type(f).__name__} among its "
                                            "findings") for f in found]

    def publish(self, name: str, publish: Callable[[Item], Any], item: Item) -> Receipt:
        """A sink's receipt for ``item``, validated before the ledger sees it."""
        receipt = self.worker(name).call("publish", publish, item)
        problem = receipt_problem(receipt, self.limits.receipt_detail)
        if problem:
            raise PluginFault(f"{name}: publish of {item.id} {problem}; the item may have "
                              "been published — look on the remote side, then re-approve "
                              "it or mark it done", set_aside=False)
        return receipt  # type: ignore[no-any-return]

    def close(self) -> None:
        for worker in self._workers.values():
            worker.stop()


def _checked(check: Callable[[Item], Any], item: Item) -> Any:
    """``check(item)``, or the exception it raised (the caller makes it the item's finding;
    :class:`_Slices` would hold it back for the next slice)."""
    try:
        return check(item)
    except Exception as error:
        return error


def _clean_text(item: Item) -> None:
    """Invisible characters out of every text field (:mod:`syndicate.visible`); text a
    decoder could not read (U+FFFD in it) becomes a finding, never a silent guess."""
    undecodable = []
    for key in TEXT_FIELDS:
        value = getattr(item, key)
        if isinstance(value, str):
            if REPLACEMENT in value:
                undecodable.append(key)
            setattr(item, key, visible(value))
    item.categories = [visible(category) for category in item.categories]
    if undecodable:
        item.findings.append(Finding(
            "text.undecodable", "warning", f"{item.id}: the {', '.join(undecodable)} "
            "held bytes that are not text in the document's encoding (shown as �); check "
            "the source's encoding, or correct the text before approving"))


def receipt_problem(receipt: object, max_detail: int) -> str | None:
    """What is wrong with a sink's answer as a receipt, or ``None`` if nothing is."""
    if not isinstance(receipt, Receipt):
        return f"returned {type(receipt).__name__}, not a Receipt"
    if not isinstance(receipt.remote_id, str) or not receipt.remote_id.strip():
        return "returned a Receipt without a remote_id string"
    if receipt.url is not None and not isinstance(receipt.url, str):
        return "returned a Receipt whose url is not a string"
    if not isinstance(receipt.detail, Mapping):
        return "returned a Receipt whose detail is not a mapping"
    try:
        size = len(json.dumps(dict(receipt.detail)).encode("utf-8"))
    except (TypeError, ValueError) as error:
        return f"returned a Receipt whose detail is not JSON ({error})"
    if size > max_detail:
        return (f"returned a Receipt with {size} bytes of detail, more than "
                f"limits.receipt_detail ({max_detail})")
    return None


def _bad_check(name: str, item: Item, what: str) -> Finding:
    return Finding("sink.check-failed", "error", f"the {name} sink could not check {item.id} "
                   f"(its check {what}); report it to the sink's authors", name)


def plugin_timeouts(config: Config) -> dict[tuple[str, str], float]:
    """Each configured sink's and source's seconds per call (its own ``timeout:`` or
    ``limits.plugin_timeout``)."""
    timeouts: dict[tuple[str, str], float] = {}
    for role, specs in (("sink", config.sinks), ("source", config.sources)):
        for name, spec in specs.items():
            timeouts[(role, name)] = spec.timeout or config.limits.plugin_timeout
    return timeouts
