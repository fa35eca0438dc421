"""A contract test for sink plugins: what every sink must do for the pipeline to trust it.

Run it on your own sink with pytest::

    from syndicate.testing import SinkContract
    from my_package import MySink

    class TestMySink(SinkContract):
        sink_class = MySink

        def make_config(self, tmp_path):
            return {"path": str(tmp_path / "out.jsonl")}

        def count_side_effects(self, tmp_path):     # optional: the probe
            return len((tmp_path / "out.jsonl").read_text().splitlines())

Override :meth:`~SinkContract.make_item` to give an item your sink takes, the
``sink_config`` fixture when the configuration needs another fixture (a test server, say),
and :meth:`~SinkContract.count_side_effects` — the probe — when your sink publishes
somewhere the kit cannot watch by itself. Without a probe the kit watches through a
recording transport: every file created, changed or deleted under ``tmp_path`` and every
HTTP request other than GET, HEAD and OPTIONS sent while ``publish`` runs (requests,
urllib3, urllib and mwclient all send through :mod:`http.client`).

The kit keeps a small ledger of its own, as the pipeline does: ``context.state`` persists
across sink instances within one test (and refuses values that are not JSON), and
``context.previous(item)`` returns the last receipt recorded for the item. A clause that
fails says which rule was broken and how to fix it.

Each ``test_*`` method of :class:`SinkContract` is one clause; the plugin guide
(``docs/plugins.md``) lists them.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, NoReturn

import pytest

from syndicate.deprecation import deprecated_names
from syndicate.errors import ConfigError
from syndicate.model import (
    KINDS,
    WITHDRAWAL_REASON,
    Attribution,
    Finding,
    Item,
    Receipt,
    Withdrawal,
    make_id,
)
from syndicate.options import Option
from syndicate.secrets import REDACTED
from syndicate.sinks.base import Organisation, Sink, SinkContext, SinkState

# HTTP methods that change nothing on a well-behaved server; any other counts as a side effect.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def broken(rule: str, fix: str) -> NoReturn:
    """Fail the current clause, naming the rule the sink broke and how to fix it."""
    pytest.fail(f"sink contract broken: {rule}\n    how to fix: {fix}", pytrace=False)


@dataclass
class KitLedger:
    """What the pipeline's ledger keeps for one sink, kept in memory for one test."""

    state: dict[str, str] = field(default_factory=dict)
    receipts: dict[str, Receipt] = field(default_factory=dict)

    def load(self, key: str) -> Any:
        text = self.state.get(key)
        return None if text is None else json.loads(text)

    def save(self, key: str, value: Any) -> None:
        if value is None:
            self.state.pop(key, None)
            return
        try:
            self.state[key] = json.dumps(value)
        except (TypeError, ValueError):
            broken(f"context.state.put({key!r}, …) was given a {type(value).__name__}, "
                   "which is not JSON-serialisable; the ledger stores state as JSON",
                   "store plain data (str, int, float, bool, None, lists and dicts of them)")


@dataclass
class Effects:
    """What one step of a sink did that the kit could see."""

    files: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    probe: int | None = None

    def __bool__(self) -> bool:
        return bool(self.files or self.requests or self.probe)

    def __str__(self) -> str:
        seen = [f"{self.probe} more by your count_side_effects() probe"] if self.probe else []
        seen += [f"file {name}" for name in self.files[:5]]
        seen += [f"HTTP {request}" for request in self.requests[:5]]
        return "; ".join(seen) or "nothing"


class SinkContract:
    """Subclass with ``sink_class`` set; every ``test_*`` method is one clause."""

    sink_class: ClassVar[type[Sink]]

    def make_config(self, tmp_path: Path) -> Mapping[str, Any]:
        """The sink's own options for a working instance."""
        return {}

    def make_item(self, tmp_path: Path) -> Item:
        """An approved item the sink takes: licensed CC BY 4.0, with attribution, and a
        small real PNG for image and document sinks."""
        kind = "article" if "article" in self.sink_class.kinds else \
            sorted(self.sink_class.kinds)[0]
        item = Item(
            id=make_id("contract", "item-1"), source="contract", kind=kind,  # type: ignore[arg-type]
            title="Contract test item", url="https://council.example/news/contract",
            description="An item used by syndicate's sink contract test.",
            content_html="<p>An item used by syndicate's sink contract test.</p>",
            creator="Contract Test Council", date="2026-01-05T10:00:00Z",
            licence="cc-by-4.0", licence_url="https://creativecommons.org/licenses/by/4.0/",
            attribution=Attribution(
                text="“Contract test item” by Contract Test Council, licensed under CC BY 4.0",
                html="<p>Contract test item by Contract Test Council</p>",
                wikitext="Contract test item by Contract Test Council"),
            evidence="https://council.example/copyright")
        if kind != "article":
            item.path = tmp_path / "contract-test-image.png"
            item.path.write_bytes(_tiny_png())
            item.media_type = "image/png"
            item.size = item.path.stat().st_size
        return item

    def count_side_effects(self, tmp_path: Path) -> int | None:
        """The probe: how many publications the remote side holds now (lines in your
        output file, posts on your test server, edits on a test wiki). ``None`` (the
        default) lets the kit watch files under ``tmp_path`` and HTTP requests itself."""
        return None

    @pytest.fixture
    def sink_config(self, tmp_path: Path) -> Mapping[str, Any]:
        return self.make_config(tmp_path)

    @property
    def kit_ledger(self) -> KitLedger:
        """The kit's ledger for the current test (pytest makes one instance per test)."""
        ledger = self.__dict__.get("_kit_ledger")
        if ledger is None:
            ledger = self.__dict__["_kit_ledger"] = KitLedger()
        return ledger

    def make_sink(self, config: Mapping[str, Any], tmp_path: Path, *,
                  dry_run: bool = False) -> Sink:
        """A new instance, as a new run would build it: same state, same receipts."""
        ledger = self.kit_ledger
        context = SinkContext(
            base_dir=tmp_path, state_dir=tmp_path / ".syndicate",
            organisation=Organisation("Contract Test Council", "https://council.example",
                                      "web@council.example"),
            user_agent="syndicate-contract-test/1 (web@council.example)", dry_run=dry_run,
            state=SinkState(ledger.load, ledger.save),
            previous=lambda item: ledger.receipts.get(item.id))
        try:
            return self.sink_class("contract", config, context)
        except ConfigError as exc:
            broken(f"the sink refused the configuration the test gave it: {exc}",
                   "return a working configuration from make_config() (or the "
                   "sink_config fixture)")

    def publish(self, config: Mapping[str, Any], tmp_path: Path, item: Item, *,
                record: bool = True, dry_run: bool = False) -> tuple[Receipt, Effects]:
        """One run's worth of publishing, as the pipeline does it: a new sink, ``open``,
        ``publish``, ``close`` (always). The receipt is checked and, with ``record``, kept
        for ``context.previous``; ``record=False`` is a crash before the ledger commit."""
        sink = self.make_sink(config, tmp_path, dry_run=dry_run)
        sink.resolve_secrets()
        sink.open()
        try:
            with self.watching(tmp_path) as effects:
                receipt = sink.publish(item)
        finally:
            sink.close()
        _check_receipt(receipt)
        if record and not dry_run:
            self.kit_ledger.receipts[item.id] = receipt
        return receipt, effects

    @contextlib.contextmanager
    def watching(self, tmp_path: Path) -> Iterator[Effects]:
        """Collect into the yielded :class:`Effects` what happens inside the block."""
        effects = Effects()
        before_probe, before_files = self.count_side_effects(tmp_path), _files(tmp_path)
        with recording_transport() as sent:
            yield effects
        after_probe = self.count_side_effects(tmp_path)
        if before_probe is not None and after_probe is not None:
            effects.probe = after_probe - before_probe
        else:
            after_files = _files(tmp_path)
            effects.files = sorted(name for name in before_files.keys() | after_files.keys()
                                   if before_files.get(name) != after_files.get(name))
            effects.requests = list(sent)

    # The contract -------------------------------------------------------------------------

    def test_declares_the_kinds_it_takes(self) -> None:
        kinds = self.sink_class.kinds
        if not kinds or not kinds <= KINDS:
            broken(f"kinds is {sorted(kinds)}; it must be a non-empty subset of "
                   f"{sorted(KINDS)}",
                   "set kinds = frozenset({...}) on the class to the item kinds it can take")

    def test_declares_its_own_config_keys(self) -> None:
        keys = self.sink_class.config_keys
        if not all(isinstance(k, str) for k in keys):
            broken("every config key must be text", "name options with strings")
        clash = sorted(keys & Sink.pipeline_keys)
        if clash:
            broken(f"the sink declares {clash}, which syndicate reads itself for every sink",
                   "rename the option: type, kinds, sources, match and timeout are the "
                   "pipeline's keys")

    def test_declares_typed_options_with_docs(self) -> None:
        for option in self.sink_class.options:
            if not isinstance(option, Option):
                broken(f"options holds {option!r}, not an Option",
                       "declare each option as syndicate.Option(name, type, …)")
            if not option.description:
                broken(f"option {option.name} has no description; `syndicate sinks "
                       "--options` shows it to the people configuring your sink",
                       f"give Option({option.name!r}, …, description='…')")
        names = [option.name for option in self.sink_class.options]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            broken(f"options {twice} are declared more than once", "declare each option once")

    def test_unknown_option_values_raise_config_error_not_crash(self, tmp_path: Path) -> None:
        # Nonsense values must be refused with ConfigError (named key), never a crash.
        nonsense = {key: object() for key in self.sink_class.config_keys}
        try:
            self.sink_class("contract", nonsense, SinkContext(
                tmp_path, tmp_path / ".syndicate", Organisation("Contract Test Council"),
                "syndicate-contract-test/1"))
        except ConfigError:
            pass
        except Exception as exc:
            broken(f"a nonsense option value made the constructor raise "
                   f"{type(exc).__name__}: {exc}",
                   "declare options with types (syndicate.options) so syndicate checks them, "
                   "and raise ConfigError(message, key=NAME) for rules of your own")

    def test_check_refuses_an_item_without_licence(self, sink_config: Mapping[str, Any],
                                                   tmp_path: Path) -> None:
        item = self.make_item(tmp_path)
        item.licence = None
        findings = self.make_sink(sink_config, tmp_path).check(item)
        if not any(f.is_error for f in findings):
            broken("check() let an item without a licence through",
                   "call super().check(item) in your check() and keep its findings")

    def test_check_has_no_side_effects(self, sink_config: Mapping[str, Any],
                                       tmp_path: Path) -> None:
        item = self.make_item(tmp_path)
        sink = self.make_sink(sink_config, tmp_path)
        before_item = item.to_dict()
        with self.watching(tmp_path) as effects:
            findings = sink.check(item)
        bad = [f for f in findings
               if not isinstance(f, Finding) or f.severity not in ("error", "warning")]
        if bad:
            broken(f"check() returned {bad[0]!r}",
                   "return syndicate.Finding objects with severity 'error' or 'warning'")
        if effects:
            broken(f"check() changed something: {effects}",
                   "check() only looks; do the work in open() and publish()")
        if item.to_dict() != before_item:
            broken("check() changed the item", "work on a copy (dataclasses.replace)")

    def test_publish_returns_a_json_serialisable_receipt(
            self, sink_config: Mapping[str, Any], tmp_path: Path) -> None:
        item = self.make_item(tmp_path)
        errors = [f for f in self.make_sink(sink_config, tmp_path).check(item) if f.is_error]
        if errors:
            broken(f"the sample item does not pass check(): {errors[0].message}",
                   "override make_item() to return an item your sink takes")
        self.publish(sink_config, tmp_path, item)  # the receipt is checked there

    def test_publishing_is_seen(self, sink_config: Mapping[str, Any],
                                tmp_path: Path) -> None:
        # The clauses below prove a sink changes nothing by watching; watching must work.
        _, effects = self.publish(sink_config, tmp_path, self.make_item(tmp_path))
        if not effects:
            broken("the kit could not see the publication happen, so it cannot prove the "
                   "sink does not publish twice",
                   "override count_side_effects(tmp_path) to return how many publications "
                   "the remote side holds (lines written, posts on your test server)")

    def test_publishing_again_does_not_publish_twice(self, sink_config: Mapping[str, Any],
                                                     tmp_path: Path) -> None:
        # A crash after publish but before the ledger commit means the pipeline will ask
        # again; the sink must recognise its own work and return the same remote id.
        item = self.make_item(tmp_path)
        first, _ = self.publish(sink_config, tmp_path, item, record=False)
        second, effects = self.publish(sink_config, tmp_path, item, record=False)
        if effects:
            broken(f"publishing the same item again published it again: {effects}",
                   "before sending, look for your own earlier work (a remote id derived from "
                   "item.id and item.content_hash(), a lookup on the remote, context.state)")
        if first.remote_id != second.remote_id:
            broken(f"publishing the same item again gave remote id {second.remote_id!r}, "
                   f"not {first.remote_id!r}",
                   "return the remote id of the publication you found")

    def test_a_changed_item_is_updated_once(self, sink_config: Mapping[str, Any],
                                            tmp_path: Path) -> None:
        # The pipeline sends a changed item again with context.previous() = the last receipt.
        item = self.make_item(tmp_path)
        self.publish(sink_config, tmp_path, item)
        item.title, item.description = "Contract test item (corrected)", "Now corrected."
        self.publish(sink_config, tmp_path, item, record=False)
        _, effects = self.publish(sink_config, tmp_path, item)
        if effects:
            broken(f"publishing the changed item a second time published it again: {effects}",
                   "recognise your own work for the new version too (compare "
                   "item.content_hash() with what context.previous(item) or the remote says)")

    def test_dry_run_changes_nothing(self, sink_config: Mapping[str, Any],
                                     tmp_path: Path) -> None:
        if not self.sink_class.supports_dry_run:
            pytest.skip("the sink does not claim dry-run support; the pipeline previews it")
        receipt, effects = self.publish(sink_config, tmp_path, self.make_item(tmp_path),
                                        dry_run=True)
        if "preview" not in receipt.detail:
            broken("a dry-run receipt has no detail['preview']",
                   "when context.dry_run is true, return Receipt(remote_id, "
                   "detail={'preview': what a real run would send})")
        if effects:
            broken(f"a dry run changed something: {effects}",
                   "when context.dry_run is true, build what you would send and return it "
                   "as the preview instead of sending it")

    def test_withdraw_if_offered_returns_a_withdrawal(self, sink_config: Mapping[str, Any],
                                                      tmp_path: Path) -> None:
        # withdraw(item, receipt) is optional; a sink that offers it takes back what it
        # published (or says what a person must do) and may be asked twice after a crash.
        if getattr(self.sink_class, "withdraw", None) is None:
            pytest.skip("the sink has no withdraw(); withdrawals go to a person")
        item = self.make_item(tmp_path)
        receipt, _ = self.publish(sink_config, tmp_path, item)
        item.extra[WITHDRAWAL_REASON] = "contract test withdrawal"
        for attempt in ("first", "second"):
            sink = self.make_sink(sink_config, tmp_path)
            sink.resolve_secrets()
            sink.open()
            try:
                outcome = sink.withdraw(item, receipt)  # type: ignore[attr-defined]
            finally:
                sink.close()
            if not isinstance(outcome, Withdrawal):
                broken(f"the {attempt} withdraw() returned {type(outcome).__name__}, "
                       "not a Withdrawal",
                       "return syndicate.Withdrawal(done=…, message=…) saying what happened")
            if not isinstance(outcome.message, str) or not outcome.message:
                broken(f"the {attempt} withdraw() returned a Withdrawal with no message",
                       "say what was taken back, or what a person must do and where")

def _check_receipt(receipt: object) -> None:
    if not isinstance(receipt, Receipt):
        broken(f"publish() returned {type(receipt).__name__}, not a Receipt",
               "return syndicate.Receipt(remote_id, url=…, detail={…})")
    if not isinstance(receipt.remote_id, str) or not receipt.remote_id:
        broken(f"the receipt's remote_id is {receipt.remote_id!r}",
               "give the id of the publication on the remote side, as non-empty text")
    try:
        text = json.dumps([receipt.remote_id, receipt.url, dict(receipt.detail)])
    except (TypeError, ValueError) as exc:
        broken(f"the receipt is not JSON-serialisable ({exc}); the ledger stores it as JSON",
               "keep receipt.detail to plain data: str, int, float, bool, None, lists, dicts")
    if REDACTED in text:
        broken("the receipt holds a secret formatted as text ('[redacted secret …]')",
               "read secrets with self.secret(NAME), never str() or an f-string of "
               "self.config[NAME], and keep them out of receipts")


@contextlib.contextmanager
def recording_transport() -> Iterator[list[str]]:
    """Record every HTTP request other than GET, HEAD and OPTIONS sent through
    :mod:`http.client` (and so through urllib, urllib3, requests and mwclient)."""
    sent: list[str] = []
    original = http.client.HTTPConnection.putrequest

    def putrequest(conn: http.client.HTTPConnection, method: str, url: str,
                   *args: Any, **kwargs: Any) -> None:
        if method.upper() not in SAFE_METHODS:
            sent.append(f"{method} {conn.host}:{conn.port}{url}")
        original(conn, method, url, *args, **kwargs)

    http.client.HTTPConnection.putrequest = putrequest  # type: ignore[method-assign,assignment]
    try:
        yield sent
    finally:
        http.client.HTTPConnection.putrequest = original  # type: ignore[method-assign]


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def _tiny_png() -> bytes:
    """A valid 1 by 1 PNG, written by hand so the contract needs no imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    pixels = zlib.compress(b"\x00\x1f\x6f\xb4")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + \
        chunk(b"IEND", b"")


__getattr__ = deprecated_names(__name__, {
    "COMMON_KEYS": ("syndicate.Sink.pipeline_keys", lambda: Sink.pipeline_keys, "2.0"),
})
