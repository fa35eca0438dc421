"""Prometheus metrics for the monitoring councils already have.

After each run syndicate can write a text file in the Prometheus exposition format, for the
node_exporter textfile collector (``--collector.textfile.directory``): the convention for
cron jobs, which cannot be scraped themselves. The file is replaced atomically, so the
collector never reads half of it. Point ``--metrics FILE`` (or ``state.metrics:`` in
syndicate.yaml) at ``<textfile directory>/syndicate.prom``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from syndicate.files import atomic_write
from syndicate.report import RunReport


def render(report: RunReport, last_success: float | None = None) -> str:
    """The metrics of one run (and the time of the last run that exited 0)."""
    run = {"command": report.command}
    finished = (report.finished or report.started).timestamp()
    lines: list[str] = []
    _gauge(lines, "syndicate_last_run_timestamp_seconds",
           "Unix time the last run finished.", [(run, finished)])
    _gauge(lines, "syndicate_last_run_exit_code",
           "Exit code of the last run: 0 all done, 1 some items failed, 2 config or queue "
           "error.", [(run, report.exit_code)])
    _gauge(lines, "syndicate_last_run_duration_seconds", "How long the last run took.",
           [(run, report.duration)])
    if last_success is not None:
        _gauge(lines, "syndicate_last_success_timestamp_seconds",
               "Unix time of the last run that exited 0.", [({}, last_success)])
    _gauge(lines, "syndicate_items_collected", "Items read per source in the last run.",
           _per("source", report.collected))
    _gauge(lines, "syndicate_items_blocked",
           "Items the checks block from every sink, per source (a person must fix them).",
           _per("source", report.blocked_now))
    sinks = report.sinks()
    for key, name, help_text in (
            ("published", "syndicate_items_published", "Items published per sink."),
            ("failed", "syndicate_items_failed",
             "Items that failed per sink (retried next run)."),
            ("needs_person", "syndicate_items_needing_person",
             "Items a person must look at, per sink.")):
        _gauge(lines, name, f"{help_text} In the last run.",
               _per("sink", {sink: counts[key] for sink, counts in sinks.items()}))
    _gauge(lines, "syndicate_queue_items", "Items in queue.yaml by status.",
           _per("status", report.queue))
    _gauge(lines, "syndicate_queue_backlog",
           "Items waiting beyond queue.max_pending (new entries not examined yet included).",
           [({}, report.backlog)])
    _gauge(lines, "syndicate_problems", "Problems the last run reported.",
           [({}, len(report.problems))])
    return "\n".join(lines) + "\n"


def write(path: Path, report: RunReport, last_success: float | None = None) -> None:
    """Replace ``path`` with the run's metrics in one step."""
    atomic_write(path, render(report, last_success))


def _per(label: str, counts: Mapping[str, int]) -> list[tuple[dict[str, str], float]]:
    return [({label: name}, value) for name, value in sorted(counts.items())]


def _gauge(lines: list[str], name: str, help_text: str,
           samples: Iterable[tuple[Mapping[str, str], float]]) -> None:
    lines.append(f"# HELP {name} {help_text}")
    lines.append(f"# TYPE {name} gauge")
    for labels, value in samples:
        text = ",".join(f'{key}="{_escape(val)}"' for key, val in labels.items())
        number = str(value) if isinstance(value, int) else repr(float(value))
        lines.append(f"{name}{{{text}}} {number}" if text else f"{name} {number}")


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')
