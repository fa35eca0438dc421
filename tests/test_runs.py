"""Every run is recorded as it ended: the run record, latest.json, status and the metrics
file agree with the exit code the command returned — for 0, 1 and 2; exit 75 records nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from syndicate import runlog
from syndicate.files import RunLock
from syndicate.report import RunReport
from tests.council import Council

COMMANDS = ("collect", "publish", "run")


def records(council: Council) -> list[dict[str, Any]]:
    folder = council.root / ".syndicate" / "runs"
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))
            if p.name != "latest.json"]


def latest(council: Council) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (council.root / ".syndicate" / "runs" / "latest.json").read_text())
    return data


def status_lines(council: Council) -> list[str]:
    result = council.run("status")
    assert result.exit_code == 0, result.stderr
    return [line for line in result.stdout.splitlines() if " exit " in line]


def metrics(path: Path) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    samples = {}
    for family in text_string_to_metric_families(path.read_text()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def break_a_source(council: Council) -> None:
    text = council.config.read_text().replace(
        "sources:\n", "sources:\n  scans: {type: directory, path: no-such-folder}\n", 1)
    council.write_config(text)


@pytest.mark.parametrize("command", COMMANDS)
def test_exit_0_is_recorded_with_counts_and_timings(council: Council, command: str) -> None:
    result = council.run(command)

    assert result.exit_code == 0, result.output
    record = latest(council)
    assert record["exit_code"] == 0 and record["problems"] == []
    assert record["command"] == command
    assert record["started"] <= record["finished"] and record["duration_seconds"] >= 0
    assert set(record["timings"]) == {"collect": {"collect"}, "publish": {"publish"},
                                      "run": {"collect", "publish"}}[command]
    assert records(council) == [record]
    (line,) = status_lines(council)
    assert f"{command}: exit 0" in line


@pytest.mark.parametrize("command", ["collect", "run"])
def test_exit_1_from_a_source_is_recorded_and_says_it_needs_a_person(council: Council,
                                                                     command: str) -> None:
    break_a_source(council)

    result = council.run(command)

    assert result.exit_code == 1
    record = latest(council)
    assert record["exit_code"] == 1
    (problem,) = record["problems"]
    assert problem["stage"] == "collect" and problem["source"] == "scans"
    assert "no-such-folder" in problem["message"]
    assert record["collected"]["news"] > 0        # the other sources were read
    assert problem["retry"] is False and "[needs a person]" in result.stdout
    assert f"{command}: exit 1 — collected" in status_lines(council)[0]


def test_exit_1_from_a_sink_records_counts_per_sink(
        council: Council, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_SUCH_SYNDICATE_TOKEN", raising=False)
    council.write_config(council.config.read_text().replace("sinks:\n", (
        "sinks:\n  commons:\n    type: commons\n    site: http://127.0.0.1:9/api.php\n"
        "    username: {env: NO_SUCH_SYNDICATE_TOKEN}\n"
        "    password: {env: NO_SUCH_SYNDICATE_TOKEN}\n    kinds: [image]\n"), 1))
    assert council.run("collect").exit_code == 0
    assert council.run("queue", "approve", "--all").exit_code == 0

    result = council.run("publish")

    assert result.exit_code == 1
    record = latest(council)
    assert record["exit_code"] == 1
    assert record["sinks"]["commons"]["published"] == 0
    assert record["sinks"]["commons"]["failed"] > 0
    assert record["sinks"]["partners"]["published"] > 0
    line = status_lines(council)[0]
    assert "publish: exit 1" in line and "partners" in line and "commons 0 published" in line


@pytest.mark.parametrize("command", COMMANDS)
def test_a_config_that_does_not_load_is_recorded_as_exit_2(council: Council,
                                                           command: str) -> None:
    council.write_config(council.config.read_text().replace(
        "    directory: public/feeds\n", "    directory: public/feeds\n    max_entries: 0\n",
        1))

    result = council.run(command, "--metrics", str(council.root / "syndicate.prom"))

    assert result.exit_code == 2
    record = latest(council)
    assert record["exit_code"] == 2 and record["command"] == command
    (problem,) = record["problems"]
    assert problem["stage"] == "config" and problem["retry"] is False
    assert "sinks.partners.max_entries" in problem["message"]
    assert problem["message"] in result.stderr
    assert metrics(council.root / "syndicate.prom")[
        ("syndicate_last_run_exit_code", (("command", command),))] == 2
    # Once the file is fixed, status shows the failed run with its real code.
    council.write_config(council.config.read_text().replace("    max_entries: 0\n", ""))
    (line,) = status_lines(council)
    assert f"{command}: exit 2 — stopped:" in line and "max_entries" in line


def test_a_malformed_queue_is_recorded_as_exit_2(council: Council) -> None:
    assert council.run("collect").exit_code == 0
    council.queue.write_text(council.queue.read_text().replace("status: pending",
                                                               "status: aproved", 1))
    result = council.run("run")

    assert result.exit_code == 2
    record = latest(council)
    assert record["exit_code"] == 2
    assert record["problems"][0]["stage"] == "queue"
    assert "aproved" in record["problems"][0]["message"]
    assert "run: exit 2" in status_lines(council)[0]


@pytest.mark.parametrize("command", COMMANDS)
def test_exit_75_records_nothing(council: Council, command: str) -> None:
    with RunLock(council.root / ".syndicate" / "lock"):
        result = council.run(command)
    assert result.exit_code == 75
    assert not (council.root / ".syndicate" / "runs").exists()


def test_dry_runs_record_nothing(council: Council) -> None:
    assert council.run("run", "--dry-run").exit_code == 0
    assert not (council.root / ".syndicate" / "runs").exists()


def test_latest_follows_the_newest_of_several_runs(council: Council) -> None:
    council.run("collect")
    break_a_source(council)
    council.run("publish")
    council.run("run")
    assert [r["command"] for r in records(council)] == ["collect", "publish", "run"]
    assert latest(council) == records(council)[-1]
    codes = [line.split(": exit ")[1][0] for line in status_lines(council)]
    assert codes == ["1", "0", "0"]      # newest first


def test_metrics_file_has_what_monitoring_needs(council: Council) -> None:
    prom = council.root / "textfile" / "syndicate.prom"
    council.write_config(council.config.read_text() + f"state: {{metrics: {prom}}}\n")
    assert council.run("collect").exit_code == 0
    assert council.run("queue", "approve", "--all").exit_code == 0
    break_a_source(council)

    assert council.run("run").exit_code == 1

    found = metrics(prom)
    run = (("command", "run"),)
    assert found[("syndicate_last_run_exit_code", run)] == 1
    assert found[("syndicate_last_run_timestamp_seconds", run)] > 1.7e9
    assert found[("syndicate_last_run_duration_seconds", run)] >= 0
    assert found[("syndicate_last_success_timestamp_seconds", ())] > 1.7e9  # the collect
    assert found[("syndicate_items_collected", (("source", "news"),))] > 0
    published = found[("syndicate_items_published", (("sink", "partners"),))]
    assert published == latest(council)["published"]["partners"] > 0
    assert ("syndicate_items_failed", (("sink", "partners"),)) in found
    assert found[("syndicate_queue_backlog", ())] == 0
    blocked = found[("syndicate_items_blocked", (("source", "photos"),))]
    assert blocked == latest(council)["blocked_now"]["photos"] > 0   # the demo's two
    assert found[("syndicate_queue_items", (("status", "published"),))] == published
    assert found[("syndicate_problems", ())] == 1
    leftovers = [p.name for p in prom.parent.iterdir() if p.name != "syndicate.prom"]
    assert leftovers == []               # replaced atomically, no temporary file left


def test_metrics_flag_overrides_the_config(council: Council, tmp_path: Path) -> None:
    flag = tmp_path / "flag.prom"
    assert council.run("collect", "--metrics", str(flag)).exit_code == 0
    assert metrics(flag)[("syndicate_last_run_exit_code", (("command", "collect"),))] == 0


def test_a_config_failure_is_recorded_in_the_configured_state_folder(council: Council) -> None:
    council.write_config(council.config.read_text().replace(
        "  max_pending: 500\n", "  max_pending: 99999999999999999999\n") +
        "state: {path: var/state}\n")
    assert council.run("run").exit_code == 2
    record = json.loads((council.root / "var" / "state" / "runs" / "latest.json").read_text())
    assert record["exit_code"] == 2 and "queue.max_pending" in record["problems"][0]["message"]
    assert not (council.root / ".syndicate").exists()


def urgent_runs(council: Council, count: int) -> None:
    """Records of ``count`` emergency-lane runs, as ``run --urgent`` writes them."""
    for _ in range(count):
        report = RunReport("urgent")
        report.finish()
        runlog.write(council.root / ".syndicate", report)


def test_an_urgent_lane_does_not_hide_the_last_nightly_success(council: Council) -> None:
    prom = council.root / "textfile" / "syndicate.prom"
    council.write_config(council.config.read_text() + f"state: {{metrics: {prom}}}\n")
    assert council.run("collect").exit_code == 0
    nightly = metrics(prom)[("syndicate_last_success_timestamp_seconds", ())]
    urgent_runs(council, 60)    # more than the 50 records monitoring looks back over
    break_a_source(council)
    assert council.run("collect").exit_code == 1
    assert metrics(prom)[("syndicate_last_success_timestamp_seconds", ())] == nightly


def test_each_command_keeps_only_its_newest_records(council: Council,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    assert council.run("collect").exit_code == 0
    monkeypatch.setattr(runlog, "KEEP_PER_COMMAND", 5)
    urgent_runs(council, 12)
    names = sorted(p.name for p in (council.root / ".syndicate" / "runs").glob("*.json"))
    assert sum(name.endswith("-urgent.json") for name in names) == 5
    assert sum(name.endswith("-collect.json") for name in names) == 1   # not another's
    assert runlog.last(council.root / ".syndicate", 1)[0]["command"] == "urgent"
