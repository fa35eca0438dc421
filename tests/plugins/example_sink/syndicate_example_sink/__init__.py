"""An example sink plugin: each published item becomes one line of a JSON Lines file.

It shows everything a plugin author writes: a Sink subclass with ``kinds`` and
``config_keys``, a ``publish`` that returns a Receipt and recognises its own earlier work,
and an entry point in the ``syndicate.sinks`` group (see pyproject.toml).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from syndicate import ConfigError, Item, Receipt, Sink, SinkContext, SkipItem


class JsonLinesSink(Sink):
    """Appends ``{"id", "title", "licence", "url"}`` per item to ``path``."""

    kinds: ClassVar[frozenset[str]] = frozenset({"article", "image", "document"})
    config_keys: ClassVar[frozenset[str]] = frozenset({"path"})
    supports_dry_run: ClassVar[bool] = True

    def __init__(self, name: str, config: Mapping[str, Any], context: SinkContext) -> None:
        super().__init__(name, config, context)
        path = config.get("path", f"{name}.jsonl")
        if not isinstance(path, str):
            raise ConfigError("path must be a file name, like out/items.jsonl", key="path")
        self.path = context.base_dir / path

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def publish(self, item: Item) -> Receipt:
        remote_id = f"{item.id}@{item.content_hash()}"
        if self.context.dry_run:
            return Receipt(remote_id, detail={"preview": f"append {item.id} to {self.path}"})
        if remote_id in self._written():
            return Receipt(remote_id, detail={"path": str(self.path)})
        if item.licence is None:
            raise SkipItem(f"{item.id} has no licence")
        line = {"id": remote_id, "title": item.title, "licence": item.licence,
                "url": item.url}
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line) + "\n")
        return Receipt(remote_id, detail={"path": str(self.path)})

    def _written(self) -> set[str]:
        if not self.path.exists():
            return set()
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return {json.loads(line)["id"] for line in lines if line.strip()}


__all__ = ["JsonLinesSink"]
