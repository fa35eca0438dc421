"""Sink plugins: a third-party package (tests/plugins/example_sink, installed by tests/run)
works like a built-in; broken or unknown plugins give clear errors; nothing is imported
until a config names it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from syndicate_example_sink import JsonLinesSink

from syndicate.cli import main
from syndicate.testing import SinkContract
from tests.council import Council


class TestExamplePluginHonoursTheContract(SinkContract):
    sink_class = JsonLinesSink

    def make_config(self, tmp_path: Path) -> dict[str, Any]:
        return {"path": "out/items.jsonl"}


def test_a_configured_plugin_publishes_through_the_pipeline(council: Council) -> None:
    council.write_config(council.config.read_text().replace(
        "  partners:\n", "  archive:\n    type: jsonl\n    path: archive.jsonl\n"
                         "    kinds: [image]\n  partners:\n", 1))
    council.run("collect")
    assert council.run("queue", "approve", "--all").exit_code == 0
    result = council.run("publish")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in
             (council.root / "archive.jsonl").read_text().splitlines()]
    images = [i for i in council.queue_items()
              if i["kind"] == "image" and "archive" in i.get("results", {})]
    assert lines and len(lines) == len(images)
    assert council.run("publish").exit_code == 0     # a rerun appends nothing
    assert len((council.root / "archive.jsonl").read_text().splitlines()) == len(lines)


@pytest.fixture
def broken_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real installed distribution (a dist-info on sys.path) whose module fails."""
    dist = tmp_path / "broken_sink-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-sink\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[syndicate.sinks]\nbroken = broken_sink_mod:Sink\n")
    (tmp_path / "broken_sink_mod.py").write_text("raise RuntimeError('boom at import')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_plugins_are_listed_without_being_imported(broken_plugin: Path) -> None:
    result = CliRunner().invoke(main, ["sinks"])
    assert result.exit_code == 0
    assert "broken" in result.stdout and "broken-sink 0.1" in result.stdout
    assert "broken_sink_mod" not in sys.modules


def test_a_broken_plugin_named_in_config_is_a_clear_error(council: Council,
                                                          broken_plugin: Path) -> None:
    text = council.config.read_text().replace("    type: feed\n    directory:",
                                              "    type: broken\n    directory:", 1)
    council.write_config(text)
    line = text.splitlines().index("    type: broken") + 1
    result = council.run("collect")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {council.config}:{line}: sinks.partners.type: sink type 'broken' from "
        "package broken-sink failed to load (RuntimeError: boom at import); reinstall or "
        "upgrade it\n")


def test_an_unused_broken_plugin_does_not_matter(council: Council, broken_plugin: Path) -> None:
    assert council.run("collect").exit_code == 0


@pytest.fixture
def faulty_plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sink whose check() and a source whose items() have bugs, installed for real."""
    dist = tmp_path / "faulty-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: faulty\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        "[syndicate.sinks]\nfaulty = faulty_mod:FaultySink\n"
        "[syndicate.sources]\nfaulty = faulty_mod:FaultySource\n")
    (tmp_path / "faulty_mod.py").write_text(
        "from syndicate import Sink, Source\n"
        "class FaultySink(Sink):\n"
        "    def check(self, item):\n        return 1 / 0\n"
        "    def publish(self, item):\n        raise AssertionError\n"
        "class FaultySource(Source):\n"
        "    def items(self):\n        raise KeyError('oops')\n")
    monkeypatch.syspath_prepend(str(tmp_path))


@pytest.mark.usefixtures("faulty_plugins")
def test_plugin_bugs_are_contained_and_reported(council: Council) -> None:
    text = council.config.read_text()
    text = text.replace("sources:\n", "sources:\n  broken: {type: faulty}\n", 1)
    text = text.replace("sinks:\n", "sinks:\n  faulty: {type: faulty, kinds: [image]}\n", 1)
    council.write_config(text)
    result = council.run("collect", "--json")
    report = json.loads(result.stdout)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert [p["where"] for p in report["problems"]] == ["broken"]
    assert "unexpected KeyError in source" in report["problems"][0]["message"]
    image = next(i for i in council.queue_items() if i["kind"] == "image")
    assert any(f["code"] == "sink.check-failed" and f["sink"] == "faulty"
               for f in image["findings"])
    assert "faulty" not in image["sinks"] and "partners" in image["sinks"]


def test_an_editor_can_take_a_sink_off_an_item(council: Council) -> None:
    council.write_config(council.config.read_text().replace(
        "  partners:\n", "  archive:\n    type: jsonl\n    path: archive.jsonl\n  partners:\n", 1))
    council.run("collect")
    item = next(i for i in council.queue_items()
                if i["status"] == "pending" and "partners" in i["sinks"])
    assert item["sinks"] == ["archive", "partners"]
    text = council.queue.read_text()
    start = text.index(f"- id: {item['id']}")
    block = text[start:text.index("\n- id: ", start)]
    council.queue.write_text(text.replace(block, block.replace(
        "status: pending", "status: approved").replace("  - archive\n", ""), 1))
    assert council.run("publish").exit_code == 0
    shown = council.item(item["id"])
    assert shown["sinks"] == ["partners"] and set(shown["results"]) == {"partners"}
    assert not (council.root / "archive.jsonl").exists()
