"""Fixtures for end-to-end tests: a demo council in a temporary folder, and a runner for
the ``syndicate`` command as users type it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from syndicate import config as configuration
from syndicate import yamlfile
from syndicate.cli import main
from syndicate.collect import collect
from syndicate.report import RunReport
from syndicate.sources.base import Source
from syndicate.starter import create_starter
from syndicate.workspace import Workspace


@dataclass
class Council:
    """A council's working folder: syndicate.yaml, queue.yaml, content, state."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "syndicate.yaml"

    @property
    def queue(self) -> Path:
        return self.root / "queue.yaml"

    @property
    def feeds(self) -> Path:
        return self.root / "public" / "feeds"

    def run(self, *args: str) -> Result:
        """``syndicate --config … ARGS`` through click's runner (stderr kept apart)."""
        return CliRunner().invoke(main, ["--config", str(self.config), *args])

    def collect_json(self) -> dict[str, Any]:
        """``syndicate collect --json``, which must finish with exit 0: its run report."""
        result = self.run("collect", "--json")
        assert result.exit_code == 0, result.output
        report: dict[str, Any] = json.loads(result.stdout)
        return report

    def queue_items(self) -> list[dict[str, Any]]:
        data = yamlfile.load(self.queue).data or {}
        items: list[dict[str, Any]] = data.get("items") or []
        return items

    def item(self, item_id: str) -> dict[str, Any]:
        return next(i for i in self.queue_items() if i["id"] == item_id)

    def set_status(self, item_id: str, status: str) -> None:
        """Edit queue.yaml as an editor would: change one status line by hand."""
        lines = self.queue.read_text(encoding="utf-8").splitlines(keepends=True)
        inside = False
        for index, line in enumerate(lines):
            if line.startswith("- id: "):
                inside = line.strip() == f"- id: {item_id}"
            elif inside and line.startswith("  status: "):
                lines[index] = f"  status: {status}\n"
                break
        else:
            raise AssertionError(f"{item_id} not in the queue")
        self.queue.write_text("".join(lines), encoding="utf-8")

    def write_config(self, text: str) -> None:
        self.config.write_text(text, encoding="utf-8")


@pytest.fixture
def council(tmp_path: Path) -> Iterator[Council]:
    """The demo council (news feed, photos, a partner feed sink) in a fresh folder."""
    root = tmp_path / "council"
    create_starter(root, demo=True)
    yield Council(root)


def collect_only(council: Council, monkeypatch: pytest.MonkeyPatch, source: type[Source],
                 name: str) -> Callable[[], RunReport]:
    """A collect of the council's ledger that reads only ``source`` (a test plugin class),
    as ``name``, in a fresh workspace each time it is called."""
    config = configuration.load(council.config)

    def run() -> RunReport:
        report = RunReport("collect")
        with Workspace(config) as ws:
            only = source(name, {}, ws.sources()[0].context)
            monkeypatch.setattr(ws, "sources", lambda problem=None: [only])
            collect(ws, report)
        return report

    return run
