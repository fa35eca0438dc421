"""An example sink plugin: each published item becomes one line of a JSON Lines file.

It shows everything a plugin author writes: a Sink subclass with ``kinds`` and typed
``options`` (syndicate checks them when syndicate.yaml loads and documents them in
``syndicate sinks --options jsonl``), a secret read with ``self.secret(...)``, a ``publish``
that returns a Receipt and recognises its own earlier work, and an entry point in the
``syndicate.sinks`` group (see pyproject.toml).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any, ClassVar

from syndicate import Item, Option, Receipt, Sink, SinkContext, SkipItem
from syndicate.options import FilePath, Integer, ListOf, Text

FIELDS = ("id", "title", "licence", "url")


class JsonLinesSink(Sink):
    """Appends ``{"id", "title", "licence", "url"}`` per item to ``path``."""

    kinds: ClassVar[frozenset[str]] = frozenset({"article", "image", "document"})
    options: ClassVar[tuple[Option, ...]] = (
        Option("path", FilePath(), description="The JSON Lines file (default: NAME.jsonl)."),
        Option("fields", ListOf(Text()), default=list(FIELDS), choices=FIELDS,
               description="Which fields each line has."),
        Option("max_lines", Integer(), default=100_000, range=(1, 10_000_000),
               description="Refuse to grow the file beyond this many lines."),
        Option("signing_key", secret=True,
               description="If set, each line carries an HMAC-SHA256 of its data made with "
                           "this key, so the partner can tell it came from you."),
    )
    supports_dry_run: ClassVar[bool] = True

    def __init__(self, name: str, config: Mapping[str, Any], context: SinkContext) -> None:
        super().__init__(name, config, context)
        self.path = context.base_dir / (self.config["path"] or f"{name}.jsonl")

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def publish(self, item: Item) -> Receipt:
        remote_id = f"{item.id}@{item.content_hash()}"
        if self.context.dry_run:
            return Receipt(remote_id, detail={"preview": f"append {item.id} to {self.path}"})
        written = self._written()
        if remote_id in written:
            return Receipt(remote_id, detail={"path": str(self.path)})
        if item.licence is None:
            raise SkipItem(f"{item.id} has no licence")
        if len(written) >= self.config["max_lines"]:
            raise SkipItem(f"{self.path} already has max_lines={self.config['max_lines']} "
                           "lines; raise max_lines or start a new file")
        values = {"id": remote_id, "title": item.title, "licence": item.licence,
                  "url": item.url}
        line: dict[str, Any] = {key: values[key] for key in self.config["fields"]}
        line["id"] = remote_id  # always there: it is how a rerun recognises its own work
        if self.config["signing_key"] is not None:
            data = json.dumps(line, sort_keys=True).encode("utf-8")
            key = self.secret("signing_key").encode("utf-8")
            line["hmac"] = hmac.new(key, data, hashlib.sha256).hexdigest()
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line) + "\n")
        return Receipt(remote_id, detail={"path": str(self.path)})

    def _written(self) -> set[str]:
        if not self.path.exists():
            return set()
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return {json.loads(line)["id"] for line in lines if line.strip()}


__all__ = ["JsonLinesSink"]
