"""Sink plugins: a third-party package (tests/plugins/example_sink, installed by tests/run)
works like a built-in; broken or unknown plugins give clear errors; nothing is imported
until a config names it."""

from __future__ import annotations

import hashlib
import hmac
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


ARCHIVE = "  archive:\n    type: jsonl\n    path: archive.jsonl\n    kinds: [image]\n"


def with_archive(council: Council, *extra: str) -> str:
    """The demo config with the example plugin configured; ``extra`` lines go under it."""
    text = council.config.read_text().replace(
        "  partners:\n", ARCHIVE + "".join(f"    {line}\n" for line in extra) + "  partners:\n",
        1)
    council.write_config(text)
    return text


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_typed_options_reach_the_plugin_checked(council: Council) -> None:
    with_archive(council, "fields: [id, title]", "max_lines: 2")
    council.run("collect")
    assert council.run("queue", "approve", "--all").exit_code == 0
    result = council.run("publish", "--json")
    lines = [json.loads(line) for line in
             (council.root / "archive.jsonl").read_text().splitlines()]
    assert [set(line) for line in lines] == [{"id", "title"}] * 2
    assert result.exit_code == 1                 # the rest wait for a person: max_lines
    assert any("max_lines=2" in p["message"] for p in json.loads(result.stdout)["problems"])


def test_a_secret_option_is_read_by_the_plugin_and_recorded_nowhere(
        council: Council, monkeypatch: pytest.MonkeyPatch) -> None:
    key = "correct-horse-battery-staple"
    monkeypatch.setenv("EXAMPLE_SIGNING_KEY", key)
    with_archive(council, "signing_key: {env: EXAMPLE_SIGNING_KEY}")
    council.run("collect")
    council.run("queue", "approve", "--all")
    assert council.run("publish").exit_code == 0
    (first, *_) = [json.loads(line) for line in
                   (council.root / "archive.jsonl").read_text().splitlines()]
    signed = {k: v for k, v in first.items() if k != "hmac"}
    expected = hmac.new(key.encode(), json.dumps(signed, sort_keys=True).encode(),
                        hashlib.sha256).hexdigest()
    assert first["hmac"] == expected
    for path in council.root.rglob("*"):
        if path.is_file() and path.name != "archive.jsonl":
            assert key.encode() not in path.read_bytes(), path


@pytest.mark.parametrize(("extra", "key", "message"), [
    ("signing_key: hunter2", "signing_key",
     "must be a secret: give it as {env: NAME} or {file: PATH}, never inline in "
     "syndicate.yaml"),
    ("max_lines: lots", "max_lines",
     "must be a whole number of at least 1 and at most 10000000, not 'lots'"),
    ("max_lines: 99999999999999999999999999", "max_lines",
     "must be a whole number of at least 1 and at most 10000000, not 99999999999999999999999999"),
    ("fields: [id, colour]", "fields", "must be one or more of: id, title, licence, url, "
     "not ['id', 'colour']"),
    ("max_line: 5", "max_line", "unknown key 'max_line'; did you mean 'max_lines'?"),
])
@pytest.mark.parametrize("command", ["collect", "publish", "queue list"])
def test_a_bad_plugin_option_stops_every_command_with_file_line_and_key(
        council: Council, extra: str, key: str, message: str, command: str) -> None:
    text = with_archive(council, extra)

    result = council.run(*command.split())

    assert result.exit_code == 2
    assert result.stderr == (f"Error: {council.config}:{line_of(text, extra)}: "
                             f"sinks.archive.{key}: {message}\n")
    assert "hunter2" not in result.stderr.replace("signing_key: hunter2", "")


def test_sinks_options_documents_a_plugin(council: Council) -> None:
    result = CliRunner().invoke(main, ["sinks", "--options", "jsonl"])
    assert result.exit_code == 0
    assert ("max_lines: a whole number of at least 1 and at most 10000000 (default: 100000)\n"
            "    Refuse to grow the file beyond this many lines.\n") in result.stdout
    assert "signing_key: a secret: {env: NAME} or {file: PATH}" in result.stdout
    data = json.loads(CliRunner().invoke(main, ["sinks", "--options", "jsonl", "--json"])
                      .stdout)
    assert {o["name"]: o["secret"] for o in data}["signing_key"] is True


LEAKY = '''
from syndicate import Option, Receipt, Sink


class Sink(Sink):
    options = (Option("token", secret=True, required=True, description="API token"),)

    def publish(self, item):
        # The mistake the redaction exists for: a Secret formatted as text.
        return Receipt(item.id, detail={"sent": f"Bearer {self.config['token']}"})
'''


@pytest.fixture
def leaky_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An installed plugin that formats its Secret into what it records."""
    dist = tmp_path / "leaky_sink-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: leaky-sink\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[syndicate.sinks]\nleaky = leaky_sink_mod:Sink\n")
    (tmp_path / "leaky_sink_mod.py").write_text(LEAKY)
    monkeypatch.syspath_prepend(str(tmp_path))


def test_a_secret_formatted_as_text_is_redacted_and_never_recorded(
        council: Council, leaky_plugin: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEAKY_TOKEN", "s3cret-token")
    council.write_config(council.config.read_text().replace(
        "  partners:\n", "  leaky:\n    type: leaky\n    token: {env: LEAKY_TOKEN}\n"
                         "    kinds: [image]\n  partners:\n", 1))
    council.run("collect")
    council.run("queue", "approve", "--all")
    result = council.run("publish", "--json")
    assert result.exit_code == 1
    problems = [p for p in json.loads(result.stdout)["problems"] if p["sink"] == "leaky"]
    assert problems and all("self.secret(NAME)" in p["message"] and not p["retry"]
                            for p in problems)
    leaked = [i for i in council.queue_items() if "leaky" in i.get("results", {})]
    assert leaked and all(i["results"]["leaky"]["status"] != "published" for i in leaked)
    for path in council.root.rglob("*"):
        if path.is_file():
            assert b"s3cret-token" not in path.read_bytes(), path


KEYED_SOURCE = '''
from syndicate import Option, Source


class Keyed(Source):
    options = (Option("api_key", secret=True, required=True, description="API key"),)

    def items(self):
        assert self.secret("api_key")
        return iter(())
'''


def test_a_source_whose_secret_is_missing_waits_while_the_others_are_read(
        council: Council, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dist = tmp_path / "keyed_source-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: keyed-source\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[syndicate.sources]\nkeyed = keyed_source_mod:Keyed\n")
    (tmp_path / "keyed_source_mod.py").write_text(KEYED_SOURCE)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("NO_SUCH_API_KEY", raising=False)
    text = council.config.read_text().replace(
        "sources:\n", "sources:\n  keyed: {type: keyed, api_key: {env: NO_SUCH_API_KEY}}\n", 1)
    council.write_config(text)

    result = council.run("collect", "--json")

    assert result.exit_code == 1
    report = json.loads(result.stdout)
    (problem,) = report["problems"]
    assert problem["source"] == "keyed"
    assert problem["message"].startswith(
        f"{council.config}:{line_of(text, 'keyed:')}: sources.keyed.api_key: environment "
        "variable NO_SUCH_API_KEY is not set")
    assert report["collected"]["news"] > 0
