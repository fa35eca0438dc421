"""A contract test for sink plugins: what every sink must do for the pipeline to trust it.

Run it on your own sink with pytest::

    from syndicate.testing import SinkContract
    from my_package import MySink

    class TestMySink(SinkContract):
        sink_class = MySink

        def make_config(self, tmp_path):
            return {"path": str(tmp_path / "out.jsonl")}

Override :meth:`make_item` to give an item your sink takes, or the ``sink_config`` fixture
when the configuration needs another fixture (a test server, say).
"""

from __future__ import annotations

import contextlib
import json
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import pytest

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
from syndicate.sinks.base import Organisation, Sink, SinkContext, SinkState

COMMON_KEYS = frozenset({"type", "kinds", "sources"})


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

    @pytest.fixture
    def sink_config(self, tmp_path: Path) -> Mapping[str, Any]:
        return self.make_config(tmp_path)

    def make_sink(self, config: Mapping[str, Any], tmp_path: Path, *,
                  dry_run: bool = False) -> Sink:
        store: dict[str, Any] = {}
        context = SinkContext(
            base_dir=tmp_path, state_dir=tmp_path / ".syndicate",
            organisation=Organisation("Contract Test Council", "https://council.example",
                                      "web@council.example"),
            user_agent="syndicate-contract-test/1 (web@council.example)", dry_run=dry_run,
            state=SinkState(store.get, store.__setitem__))
        return self.sink_class("contract", config, context)

    # The contract -------------------------------------------------------------------------

    def test_declares_the_kinds_it_takes(self) -> None:
        kinds = self.sink_class.kinds
        assert kinds and kinds <= KINDS, f"kinds must be a non-empty subset of {sorted(KINDS)}"

    def test_declares_its_own_config_keys(self) -> None:
        keys = self.sink_class.config_keys
        assert all(isinstance(k, str) for k in keys)
        assert not keys & COMMON_KEYS, "type, kinds and sources are the pipeline's keys"

    def test_declares_typed_options_with_docs(self) -> None:
        for option in self.sink_class.options:
            assert isinstance(option, Option), "options are syndicate.Option entries"
            assert option.description, f"option {option.name} needs a description"
        names = [option.name for option in self.sink_class.options]
        assert len(names) == len(set(names)), "each option is declared once"

    def test_unknown_option_values_raise_config_error_not_crash(self, tmp_path: Path) -> None:
        # Nonsense values must be refused with ConfigError (named key), never a crash.
        with contextlib.suppress(ConfigError):
            self.make_sink({key: object() for key in self.sink_class.config_keys}, tmp_path)

    def test_check_refuses_an_item_without_licence(self, sink_config: Mapping[str, Any],
                                                   tmp_path: Path) -> None:
        item = self.make_item(tmp_path)
        item.licence = None
        findings = self.make_sink(sink_config, tmp_path).check(item)
        assert any(f.is_error for f in findings), "an unlicensed item must be an error"

    def test_check_has_no_side_effects(self, sink_config: Mapping[str, Any],
                                       tmp_path: Path) -> None:
        item = self.make_item(tmp_path)
        sink = self.make_sink(sink_config, tmp_path)
        before_files, before_item = _files(tmp_path), item.to_dict()
        findings = sink.check(item)
        assert all(isinstance(f, Finding) and f.severity in ("error", "warning")
                   for f in findings)
        assert _files(tmp_path) == before_files, "check() must not write files"
        assert item.to_dict() == before_item, "check() must not change the item"

    def test_publish_returns_a_json_serialisable_receipt(
            self, sink_config: Mapping[str, Any], tmp_path: Path) -> None:
        sink = self.make_sink(sink_config, tmp_path)
        item = self.make_item(tmp_path)
        assert not any(f.is_error for f in sink.check(item)), "the sample item must pass"
        sink.open()
        try:
            receipt = sink.publish(item)
        finally:
            sink.close()
        assert isinstance(receipt, Receipt)
        assert isinstance(receipt.remote_id, str) and receipt.remote_id
        json.dumps(dict(receipt.detail))

    def test_publishing_again_does_not_publish_twice(self, sink_config: Mapping[str, Any],
                                                     tmp_path: Path) -> None:
        # A crash after publish but before the ledger commit means the pipeline will ask
        # again; the sink must recognise its own work and return the same remote id.
        first, second = (self._publish_once(sink_config, tmp_path) for _ in range(2))
        assert first.remote_id == second.remote_id

    def test_dry_run_changes_nothing(self, sink_config: Mapping[str, Any],
                                     tmp_path: Path) -> None:
        if not self.sink_class.supports_dry_run:
            pytest.skip("the sink does not claim dry-run support; the pipeline previews it")
        item = self.make_item(tmp_path)
        sink = self.make_sink(sink_config, tmp_path, dry_run=True)
        before = _files(tmp_path)
        sink.open()
        try:
            receipt = sink.publish(item)
        finally:
            sink.close()
        assert "preview" in receipt.detail, "a dry-run receipt carries detail['preview']"
        assert _files(tmp_path) == before, "a dry run must not write files"

    def test_withdraw_if_offered_returns_a_withdrawal(self, sink_config: Mapping[str, Any],
                                                      tmp_path: Path) -> None:
        # withdraw(item, receipt) is optional; a sink that offers it takes back what it
        # published (or says what a person must do) and may be asked twice after a crash.
        if getattr(self.sink_class, "withdraw", None) is None:
            pytest.skip("the sink has no withdraw(); withdrawals go to a person")
        receipt = self._publish_once(sink_config, tmp_path)
        item = self.make_item(tmp_path)
        item.extra[WITHDRAWAL_REASON] = "contract test withdrawal"
        for _ in range(2):
            sink = self.make_sink(sink_config, tmp_path)
            sink.open()
            try:
                outcome = sink.withdraw(item, receipt)  # type: ignore[attr-defined]
            finally:
                sink.close()
            assert isinstance(outcome, Withdrawal), "withdraw() returns a Withdrawal"
            assert isinstance(outcome.message, str) and outcome.message, \
                "a Withdrawal says what happened (or what a person must do)"

    def _publish_once(self, config: Mapping[str, Any], tmp_path: Path) -> Receipt:
        sink = self.make_sink(config, tmp_path)
        sink.open()
        try:
            return sink.publish(self.make_item(tmp_path))
        finally:
            sink.close()


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
