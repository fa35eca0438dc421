"""Hostile sink and source plugins: each costs its own item or its own run, never the run."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.council import Council
from tests.faults.hostile import hostile

__all__ = ["hostile"]
SECRET = "Very-Secret-Pass-9876"


def add_sink(council: Council, behaviour: str, *, timeout: int | None = None) -> None:
    """The demo council with the hostile sink beside the partner feeds, taking articles."""
    extra = f", timeout: {timeout}" if timeout else ""
    text = council.config.read_text().replace(
        "sinks:\n", "sinks:\n  hostile: {type: hostile, kinds: [article], "
        f"behaviour: '{behaviour}', secret: {{env: HOSTILE_SECRET}}{extra}}}\n", 1)
    council.write_config(text)


def approve_all(council: Council) -> list[str]:
    assert council.run("collect").exit_code == 0
    assert council.run("queue", "approve", "--all").exit_code == 0
    return [i["id"] for i in council.queue_items() if i["status"] == "approved"]


def calls(council: Council, what: str) -> list[str]:
    log = council.root / "calls.log"
    lines = log.read_text().splitlines() if log.exists() else []
    return [line for line in lines if line.startswith(what)]


def publish(council: Council) -> tuple[int, dict[str, object]]:
    result = council.run("publish", "--json")
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSTILE_SECRET", SECRET)


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("behaviour", ["publish:none", "publish:ok",
                                       "publish:unserialisable", "publish:huge"])
def test_a_receipt_that_is_not_one_needs_a_person_and_is_not_sent_again(
        council: Council, behaviour: str) -> None:
    add_sink(council, behaviour)
    approved = approve_all(council)
    articles = [i["id"] for i in council.queue_items() if "hostile" in i["sinks"]]
    assert len(articles) >= 2

    code, report = publish(council)

    assert code == 1
    assert report["published"]["partners"] == len(approved)  # the other sink went on
    assert report["skipped"]["hostile"] == len(articles)    # every article, not just one
    assert len(calls(council, "publish")) == len(articles)
    shown = council.item(articles[0])["results"]["hostile"]
    assert shown["status"] == "skipped" and "Receipt" in shown["message"]
    # The next run does not call the plugin again for the same items.
    code, report = publish(council)
    assert len(calls(council, "publish")) == len(articles)
    runs = json.loads(council.run("status", "--json").stdout)["runs"]
    assert [run["exit_code"] for run in runs[:2]] == [0, 1]  # the first said why


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("behaviour", ["publish:exit", "publish:ctrl-c",
                                       "publish:generator-exit"])
def test_a_plugin_ending_the_process_is_contained(council: Council, behaviour: str) -> None:
    add_sink(council, behaviour)
    approved = approve_all(council)

    code, report = publish(council)

    assert code == 1
    assert report["published"]["partners"] == len(approved)
    # Set aside after the first: one item needs a person, the rest wait for the next run.
    assert report["skipped"]["hostile"] == 1
    assert len(calls(council, "publish")) == 1
    problems = [p for p in report["problems"] if p["where"] == "hostile"]  # type: ignore
    assert "which a plugin must never do" in problems[0]["message"]


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("where", ["open", "publish", "close"])
def test_a_hanging_plugin_is_set_aside_after_its_timeout(council: Council, where: str) -> None:
    add_sink(council, f"{where}:sleep", timeout=1)
    approved = approve_all(council)

    code, report = publish(council)

    assert code == 1
    assert report["published"]["partners"] == len(approved)
    problems = [p["message"] for p in report["problems"]]  # type: ignore
    assert any(f"{where} did not return within 1 s" in m for m in problems)
    if where == "publish":
        assert len(calls(council, "publish")) == 1   # not called again this run


@pytest.mark.usefixtures("hostile")
def test_a_hanging_check_blocks_that_sink_only(council: Council) -> None:
    add_sink(council, "check:sleep", timeout=1)
    result = council.run("collect", "--json")
    assert result.exit_code == 0
    article = next(i for i in council.queue_items() if i["kind"] == "article")
    assert "hostile" not in article["sinks"] and "partners" in article["sinks"]
    assert any(f["code"] == "sink.check-failed" and "did not return" in f["message"]
               for f in article["findings"])


@pytest.mark.usefixtures("hostile")
def test_a_check_returning_none_in_its_list_costs_that_sink_only(council: Council) -> None:
    add_sink(council, "check:none")
    report = json.loads(council.run("collect", "--json").stdout)
    assert report["problems"] == []
    items = council.queue_items()
    assert len(items) == sum(report["collected"].values()) - report["excluded"]
    article = next(i for i in items if i["kind"] == "article")
    assert "partners" in article["sinks"] and "hostile" not in article["sinks"]
    assert any(f["code"] == "sink.check-failed" and f["sink"] == "hostile"
               for f in article["findings"])


@pytest.mark.usefixtures("hostile")
def test_a_plugins_exception_text_is_scrubbed_everywhere(council: Council) -> None:
    add_sink(council, "publish:leak")
    approve_all(council)

    result = council.run("publish")

    assert result.exit_code == 1
    assert "login failed with password=***" in result.output
    assert SECRET not in result.output
    assert SECRET not in council.queue.read_text()
    ledger = (council.root / ".syndicate" / "state.sqlite").read_bytes()
    assert SECRET.encode() not in ledger
    for report in (council.root / ".syndicate" / "runs").glob("*.json"):
        assert SECRET not in report.read_text()


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("where", ["open", "publish"])
def test_a_secret_resolved_before_open_is_masked_though_the_plugin_never_revealed_it(
        council: Council, where: str) -> None:
    add_sink(council, f"{where}:leak-env")
    approve_all(council)

    result = council.run("publish")

    assert result.exit_code == 1
    assert "the partner refused ***" in result.output and SECRET not in result.output
    assert SECRET not in council.queue.read_text()
    assert SECRET.encode() not in (council.root / ".syndicate" / "state.sqlite").read_bytes()
    for report in (council.root / ".syndicate" / "runs").glob("*.json"):
        assert SECRET not in report.read_text()


def published_articles(council: Council) -> list[str]:
    """Every article approved and published, to the hostile sink and the partner feeds."""
    articles = [i for i in approve_all(council)
                if "hostile" in next(q["sinks"] for q in council.queue_items() if q["id"] == i)]
    code, _ = publish(council)
    assert code == 0
    return articles


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("behaviour", ["withdraw:sleep", "withdraw:exit", "withdraw:ctrl-c",
                                       "withdraw:generator-exit"])
def test_a_withdraw_that_hangs_or_ends_the_process_costs_only_that_sink(
        council: Council, behaviour: str) -> None:
    add_sink(council, behaviour, timeout=1)
    first, second = published_articles(council)[:2]

    started = time.monotonic()
    result = council.run("withdraw", first, second, "--reason", "Road reopened", "--json")

    assert time.monotonic() - started < 15  # the 20 s sleep was not waited for
    assert result.exit_code == 1 and "Traceback" not in result.output
    rows = {(r["item"], r["sink"]): r for entry in json.loads(result.stdout)
            for r in entry["sinks"]}
    assert rows[(first, "partners")]["status"] == "withdrawn"   # the other sink went on
    assert rows[(second, "partners")]["status"] == "withdrawn"
    called = rows[(first, "hostile")]           # it may have acted: a person checks
    assert called["status"] == "needs-person" and "not called again" in called["message"]
    later = rows[(second, "hostile")]           # never called: simply tried next run
    assert later["status"] == "failed" and "set aside this run" in later["message"]
    assert calls(council, "withdraw") == [f"withdraw {first}"]

    status = json.loads(council.run("status", "--json").stdout)
    assert any(w["item"] == first and w["sink"] == "hostile" for w in status["withdrawals"])


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("behaviour", ["withdraw:none", "withdraw:not-text"])
def test_a_withdraw_returning_what_it_must_not_needs_a_person(council: Council,
                                                              behaviour: str) -> None:
    add_sink(council, behaviour)
    first = published_articles(council)[0]

    result = council.run("withdraw", first, "--reason", "Road reopened", "--json")

    assert result.exit_code == 1 and "Traceback" not in result.output
    rows = {r["sink"]: r for r in json.loads(result.stdout)[0]["sinks"]}
    assert rows["partners"]["status"] == "withdrawn"
    assert rows["hostile"]["status"] == "needs-person"
    assert "check by hand" in rows["hostile"]["message"]


@pytest.mark.usefixtures("hostile")
def test_a_secret_in_a_withdraw_error_is_masked(council: Council) -> None:
    add_sink(council, "withdraw:leak-env")
    first = published_articles(council)[0]

    result = council.run("withdraw", first, "--reason", "Road reopened", "--json")

    assert result.exit_code == 1
    assert "the partner refused ***" in result.output and SECRET not in result.output
    assert SECRET.encode() not in (council.root / ".syndicate" / "state.sqlite").read_bytes()


def collect_with_source(council: Council, source: str, limits: str = "") -> dict[str, Any]:
    """Collect with one more source (a hanging one) and optional ``limits:``."""
    text = council.config.read_text().replace("sources:\n", f"sources:\n  {source}\n", 1)
    council.write_config(text + (f"limits: {{{limits}}}\n" if limits else ""))
    result = council.run("collect", "--json")
    assert "Traceback" not in result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


@pytest.mark.usefixtures("hostile")
def test_a_hanging_source_costs_that_source_and_keeps_what_it_gave(
        council: Council) -> None:
    report = collect_with_source(
        council, "slow: {type: hanging, count: 4, hang_after: 2, timeout: 1}")
    assert report["collected"]["slow"] == 2
    assert [p["where"] for p in report["problems"]] == ["slow"]
    assert "did not return within 1 s" in report["problems"][0]["message"]
    assert report["collected"]["news"] > 0  # the next source went on


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("behaviour", ["exit", "ctrl-c", "generator-exit"])
def test_a_source_ending_the_process_costs_that_source_only(council: Council,
                                                           behaviour: str) -> None:
    report = collect_with_source(
        council, f"odd: {{type: hanging, count: 4, hang_after: 2, behaviour: {behaviour}}}")
    assert report["collected"]["odd"] == 2
    assert "which a plugin must never do" in report["problems"][0]["message"]
    assert report["collected"]["news"] > 0


@pytest.mark.usefixtures("hostile")
def test_a_source_overrunning_its_deadline_keeps_what_it_read(council: Council) -> None:
    report = collect_with_source(council, "slow: {type: hanging, count: 4, hang_after: 2}",
                                 "source_deadline: 1")
    assert report["collected"]["slow"] == 2
    assert "limits.source_deadline (1 s)" in report["problems"][0]["message"]


@pytest.mark.usefixtures("hostile")
def test_items_per_source_is_capped_with_a_problem(council: Council) -> None:
    report = collect_with_source(council, "many: {type: hanging, count: 50}",
                                 "items_per_source: 10")
    assert report["collected"]["many"] == 10
    assert "more than limits.items_per_source (10)" in report["problems"][0]["message"]


@pytest.mark.parametrize("value", ["0", "99999999999999999999999", "yes", "'10'"])
def test_a_timeout_out_of_range_is_a_config_error(council: Council, value: str) -> None:
    text = council.config.read_text().replace("    type: feed\n    directory:",
                                              f"    type: feed\n    timeout: {value}\n"
                                              "    directory:", 1)
    council.write_config(text)
    result = council.run("collect")
    assert result.exit_code == 2
    line = text.splitlines().index(f"    timeout: {value}") + 1
    assert f"syndicate.yaml:{line}: sinks.partners.timeout: must be a whole number of at " \
        "least 1 and at most 86400" in result.stderr


def test_a_limit_out_of_range_is_a_config_error(council: Council) -> None:
    council.write_config(council.config.read_text() + "limits: {receipt_detail: -1}\n")
    result = council.run("collect")
    assert result.exit_code == 2 and "limits.receipt_detail: must be a whole number of at " \
        "least 1024" in result.stderr


