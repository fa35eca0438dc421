"""Driving a wiki sink the way the pipeline does, for the Commons and Wikipedia tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest

from syndicate.mediawiki import RetryPolicy
from syndicate.model import Item, Receipt
from syndicate.secrets import Secret
from syndicate.sinks.base import Organisation, Sink, SinkContext, SinkState
from tests.mediawiki import LocalWiki

ORG = Organisation("Example Borough Council", "https://www.example.gov.uk",
                   "webteam@example.gov.uk")
UA = "syndicate-tests/0.1 (https://www.example.gov.uk; webteam@example.gov.uk)"
FAST = RetryPolicy(attempts=2, base_delay=0, sleep=lambda seconds: None)


class SinkHarness:
    """Sink runs sharing one state store and one receipt ledger, as the pipeline would.
    Subclasses name the sink class, its type and name, and default options."""

    sink_class: ClassVar[type[Sink]]
    sink_type: ClassVar[str]
    sink_name: ClassVar[str]
    defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self, wiki: LocalWiki, folder: Path) -> None:
        self.wiki = wiki
        self.folder = folder
        self.store: dict[str, Any] = {}
        self.receipts: dict[str, Receipt] = {}

    def sink(self, *, dry_run: bool = False, state: SinkState | None = None,
             **config: Any) -> Any:
        context = SinkContext(
            base_dir=self.folder, state_dir=self.folder / ".syndicate", organisation=ORG,
            user_agent=UA, dry_run=dry_run,
            state=state or SinkState(self.store.get, self.store.__setitem__),
            previous=lambda item: self.receipts.get(item.id))
        settings = {"type": self.sink_type, "site": self.wiki.api_url,
                    "username": Secret(env="TEST_WIKI_USER", key="username"),
                    "password": Secret(env="TEST_WIKI_PASSWORD", key="password"),
                    **self.defaults, **config}
        sink = self.sink_class(self.sink_name, settings, context)
        sink.retry_policy = FAST  # type: ignore[attr-defined]
        return sink

    def publish(self, item: Item, **config: Any) -> Receipt:
        """One run: open, publish, close; the receipt goes into the ledger."""
        sink = self.sink(**config)
        sink.open()
        try:
            receipt: Receipt = sink.publish(item)
        finally:
            sink.close()
        self.receipts[item.id] = receipt
        return receipt


def login_env(wiki: LocalWiki, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test wiki's bot password in the environment, where the sinks' config reads it."""
    monkeypatch.setenv("TEST_WIKI_USER", wiki.username)
    monkeypatch.setenv("TEST_WIKI_PASSWORD", wiki.password)
