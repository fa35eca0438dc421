"""The contract kit proves what it promises: each clause fails, saying which rule was broken
and how to fix it, for a sink that breaks that rule — and a sink that keeps them all
passes every clause (TestAWellBehavedSink runs the kit itself)."""

from __future__ import annotations

import json
import uuid
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

import pytest
import requests

import syndicate
import syndicate.testing
from syndicate import ConfigError, Finding, Item, Option, Receipt, Sink, SinkContext
from syndicate.options import FilePath
from syndicate.testing import SinkContract
from tests.httpserver import LocalHTTPServer


class LinesSink(Sink):
    """A sink that keeps every rule: one JSON line per version of an item."""

    kinds: ClassVar[frozenset[str]] = frozenset({"article"})
    options: ClassVar[tuple[Option, ...]] = (
        Option("path", FilePath(), default="out.jsonl", description="The output file."),)
    supports_dry_run: ClassVar[bool] = True

    def __init__(self, name: str, config: Mapping[str, Any], context: SinkContext) -> None:
        super().__init__(name, config, context)
        self.path = context.base_dir / self.config["path"]

    def publish(self, item: Item) -> Receipt:
        remote_id = f"{item.id}@{item.content_hash()}"
        if self.context.dry_run:
            return Receipt(remote_id, detail={"preview": f"append {item.id}"})
        if remote_id not in self.written():
            self.append(remote_id)
        return Receipt(remote_id, detail={"path": str(self.path)})

    def written(self) -> list[str]:
        if not self.path.exists():
            return []
        return [json.loads(line)["id"] for line in self.path.read_text().splitlines()]

    def append(self, remote_id: str) -> None:
        with self.path.open("a") as handle:
            handle.write(json.dumps({"id": remote_id}) + "\n")


class TestAWellBehavedSink(SinkContract):
    sink_class = LinesSink


def clause(sink: type[Sink], name: str, tmp_path: Path, *,
           probe: Callable[[Path], int | None] | None = None,
           config: Mapping[str, Any] | None = None) -> str:
    """Run one clause of the kit on ``sink``; the failure message it gives."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    contract = type("Contract", (SinkContract,), {"sink_class": sink})()
    if probe is not None:
        contract.count_side_effects = probe  # type: ignore[method-assign]
    method = getattr(contract, name)
    args = [] if name.startswith("test_declares") else [tmp_path]
    if "sink_config" in method.__code__.co_varnames:
        args.insert(0, config if config is not None else contract.make_config(tmp_path))
    with pytest.raises(pytest.fail.Exception) as failed:
        method(*args)
    message = str(failed.value)
    assert "sink contract broken:" in message and "how to fix:" in message, message
    return message


def test_no_kinds(tmp_path: Path) -> None:
    broken = type("NoKinds", (LinesSink,), {"kinds": frozenset()})
    assert "non-empty subset" in clause(broken, "test_declares_the_kinds_it_takes", tmp_path)


def test_an_option_named_like_a_pipeline_key(tmp_path: Path) -> None:
    broken = type("Clash", (LinesSink,), {"options": (
        Option("path", FilePath(), default="o", description="d"),
        Option("kinds", description="clashes"))})
    message = clause(broken, "test_declares_its_own_config_keys", tmp_path)
    assert "['kinds']" in message and "rename the option" in message


def test_an_undocumented_option(tmp_path: Path) -> None:
    broken = type("Undocumented", (LinesSink,), {"options": (
        Option("path", FilePath(), default="out.jsonl"),)})
    message = clause(broken, "test_declares_typed_options_with_docs", tmp_path)
    assert "option path has no description" in message


class CrashesOnBadValues(LinesSink):
    options = ()
    config_keys = frozenset({"path"})  # an older plugin: untyped keys

    def __init__(self, name: str, config: Mapping[str, Any], context: SinkContext) -> None:
        Sink.__init__(self, name, config, context)
        self.path = context.base_dir / config.get("path", "out.jsonl")


def test_a_constructor_that_crashes_on_nonsense(tmp_path: Path) -> None:
    message = clause(CrashesOnBadValues, "test_unknown_option_values_raise_config_error_not_crash",
                     tmp_path)
    assert "TypeError" in message and "ConfigError" in message


class WaivesTheLicenceGate(LinesSink):
    def check(self, item: Item) -> list[Finding]:
        return []


def test_a_check_that_drops_the_licence_gate(tmp_path: Path) -> None:
    message = clause(WaivesTheLicenceGate, "test_check_refuses_an_item_without_licence",
                     tmp_path)
    assert "without a licence" in message and "super().check(item)" in message


class CheckWrites(LinesSink):
    def check(self, item: Item) -> list[Finding]:
        self.path.write_text("checked\n")
        return super().check(item)


class CheckChangesTheItem(LinesSink):
    def check(self, item: Item) -> list[Finding]:
        item.title = item.title.upper()
        return super().check(item)


def test_a_check_with_side_effects(tmp_path: Path) -> None:
    assert "file out.jsonl" in clause(CheckWrites, "test_check_has_no_side_effects",
                                      tmp_path / "a")
    assert "changed the item" in clause(CheckChangesTheItem, "test_check_has_no_side_effects",
                                        tmp_path / "b")


class ReturnsText(LinesSink):
    def publish(self, item: Item) -> Receipt:
        return "done"  # type: ignore[return-value]


class EmptyId(LinesSink):
    def publish(self, item: Item) -> Receipt:
        return Receipt("")


class NotJson(LinesSink):
    def publish(self, item: Item) -> Receipt:
        return Receipt(item.id, detail={"at": object()})


class LeaksASecret(LinesSink):
    def publish(self, item: Item) -> Receipt:
        return Receipt(item.id, detail={"auth": "Bearer [redacted secret env TOKEN]"})


@pytest.mark.parametrize(("sink", "said"), [
    (ReturnsText, "returned str, not a Receipt"), (EmptyId, "remote_id is ''"),
    (NotJson, "not JSON-serialisable"), (LeaksASecret, "self.secret(NAME)")])
def test_a_bad_receipt(tmp_path: Path, sink: type[Sink], said: str) -> None:
    assert said in clause(sink, "test_publish_returns_a_json_serialisable_receipt", tmp_path)


class PostsTwice(LinesSink):
    """Deterministic ids, so the old kit passed it: but it appends on every call."""

    def publish(self, item: Item) -> Receipt:
        self.append(item.id)
        return Receipt(item.id)


def test_a_sink_that_writes_twice_is_caught_by_the_recording_transport(tmp_path: Path) -> None:
    message = clause(PostsTwice, "test_publishing_again_does_not_publish_twice", tmp_path)
    assert "published it again: file out.jsonl" in message


def test_a_sink_that_writes_twice_is_caught_by_the_authors_probe(tmp_path: Path) -> None:
    def lines(root: Path) -> int:
        out = root / "out.jsonl"
        return len(out.read_text().splitlines()) if out.exists() else 0

    message = clause(PostsTwice, "test_publishing_again_does_not_publish_twice", tmp_path,
                     probe=lines)
    assert "1 more by your count_side_effects() probe" in message


class PostsOverHttpTwice(LinesSink):
    """Sends a POST per call to the partner (the local server) with a deterministic id."""

    options = (Option("endpoint", description="Where to post."),)

    def __init__(self, name: str, config: Mapping[str, Any], context: SinkContext) -> None:
        Sink.__init__(self, name, config, context)

    def publish(self, item: Item) -> Receipt:
        requests.post(self.config["endpoint"], json={"id": item.id}, timeout=5)
        return Receipt(item.id)


def test_a_sink_that_posts_twice_is_caught_by_the_recording_transport(
        tmp_path: Path, http_server: LocalHTTPServer) -> None:
    message = clause(PostsOverHttpTwice, "test_publishing_again_does_not_publish_twice",
                     tmp_path, config={"endpoint": http_server.url("/posts")})
    assert "published it again: HTTP POST 127.0.0.1:" in message and "/posts" in message


class NewIdEachTime(LinesSink):
    def publish(self, item: Item) -> Receipt:
        super().publish(item)
        return Receipt(str(uuid.uuid4()))


def test_a_sink_that_forgets_its_remote_id(tmp_path: Path) -> None:
    message = clause(NewIdEachTime, "test_publishing_again_does_not_publish_twice", tmp_path)
    assert "gave remote id" in message


OUT_OF_SIGHT: list[str] = []


class PublishesOutOfSight(LinesSink):
    def publish(self, item: Item) -> Receipt:
        OUT_OF_SIGHT.append(item.id)
        return Receipt(item.id)


def test_a_publication_the_kit_cannot_see_asks_for_a_probe(tmp_path: Path) -> None:
    message = clause(PublishesOutOfSight, "test_publishing_is_seen", tmp_path)
    assert "override count_side_effects" in message


class UpdatesEveryTime(LinesSink):
    """Idempotent for a new item, but appends an update whenever it has a receipt."""

    def publish(self, item: Item) -> Receipt:
        if self.context.previous(item) is not None:
            self.append(f"{item.id} updated")
            return Receipt(item.id)
        if item.id not in self.written():
            self.append(item.id)
        return Receipt(item.id)


def test_an_update_published_twice(tmp_path: Path) -> None:
    assert "changed item a second time" in clause(
        UpdatesEveryTime, "test_a_changed_item_is_updated_once", tmp_path)


class DryRunWrites(LinesSink):
    def publish(self, item: Item) -> Receipt:
        self.append(item.id)
        return Receipt(item.id, detail={"preview": "…"})


class DryRunWithoutPreview(LinesSink):
    def publish(self, item: Item) -> Receipt:
        return Receipt(item.id)


def test_a_dry_run_that_writes_or_shows_nothing(tmp_path: Path) -> None:
    assert "a dry run changed something" in clause(
        DryRunWrites, "test_dry_run_changes_nothing", tmp_path / "a")
    assert "no detail['preview']" in clause(
        DryRunWithoutPreview, "test_dry_run_changes_nothing", tmp_path / "b")


class StoresAnObject(LinesSink):
    def publish(self, item: Item) -> Receipt:
        self.context.state.put("last", object())
        return super().publish(item)


def test_state_that_is_not_json(tmp_path: Path) -> None:
    message = clause(StoresAnObject, "test_publish_returns_a_json_serialisable_receipt",
                     tmp_path)
    assert "not JSON-serialisable" in message and "context.state.put('last'" in message


def test_state_and_previous_are_real_across_sink_instances(tmp_path: Path) -> None:
    contract = TestAWellBehavedSink()
    config = contract.make_config(tmp_path)
    contract.make_sink(config, tmp_path).context.state.put("offset", {"bytes": 1024})
    item = contract.make_item(tmp_path)
    receipt, effects = contract.publish(config, tmp_path, item)
    later = contract.make_sink(config, tmp_path)
    assert later.context.state.get("offset") == {"bytes": 1024}
    assert later.context.previous(item) == receipt
    assert effects.files == ["out.jsonl"]


def test_a_wrong_sample_config_is_named(tmp_path: Path) -> None:
    message = clause(LinesSink, "test_publish_returns_a_json_serialisable_receipt", tmp_path,
                     config={"pth": "x"})
    assert "refused the configuration" in message and "make_config()" in message


def test_the_plugin_api_is_versioned() -> None:
    major, minor = (int(part) for part in syndicate.PLUGIN_API.split("."))
    assert major >= 1 and minor >= 0
    assert "PLUGIN_API" in syndicate.__all__


def test_a_deprecated_name_still_works_and_warns() -> None:
    with pytest.warns(DeprecationWarning, match=r"COMMON_KEYS is deprecated and will be "
                      r"removed in plugin API 2\.0; use syndicate\.Sink\.pipeline_keys"):
        keys = syndicate.testing.COMMON_KEYS
    assert keys == Sink.pipeline_keys


def test_an_unknown_name_is_an_attribute_error_without_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(AttributeError, match="has no attribute 'Sinkk'"):
            _ = syndicate.Sinkk  # type: ignore[attr-defined]
        with pytest.raises(ImportError):
            from syndicate import NoSuchName  # type: ignore[attr-defined]  # noqa: F401


def test_skip_item_stops_one_item_like_retry_later_does() -> None:
    assert issubclass(syndicate.SkipItem, syndicate.SinkError)
    assert issubclass(syndicate.RetryLater, syndicate.SinkError)
    assert not issubclass(syndicate.SkipItem, ConfigError)
