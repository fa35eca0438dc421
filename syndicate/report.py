"""The run report: what a run did, for the person reading cron mail and for monitoring."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from syndicate.scrub import scrub


@dataclass
class Problem:
    """Something that needs a person or will be retried: where, what, and why."""

    stage: str          # config | queue | collect | publish
    where: str          # source or sink name
    item: str | None
    message: str
    retry: bool         # True: tried again next run by itself

    def as_dict(self) -> dict[str, Any]:
        side = {"collect": "source", "publish": "sink"}.get(self.stage)
        return {"stage": self.stage, "where": self.where,
                **({side: self.where} if side else {}), "item": self.item,
                "message": self.message, "retry": self.retry}


@dataclass
class RunReport:
    """Counts per stage, source and sink, and the problems met."""

    command: str
    dry_run: bool = False
    collected: Counter[str] = field(default_factory=Counter)    # per source
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    #: New entries kept unbuilt for want of queue room (examined as it frees; collect.py).
    deferred: int = 0
    excluded: int = 0
    blocked: int = 0
    withdrawn: int = 0
    published: Counter[str] = field(default_factory=Counter)    # per sink
    failed: Counter[str] = field(default_factory=Counter)       # per sink
    skipped: Counter[str] = field(default_factory=Counter)      # per sink
    previews: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    queue: dict[str, int] = field(default_factory=dict)
    backlog: int = 0
    #: Items blocked from every sink after the run, per source (the ledger's count).
    blocked_now: dict[str, int] = field(default_factory=dict)
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished: datetime | None = None
    #: Seconds spent in each stage (collect, publish).
    timings: dict[str, float] = field(default_factory=dict)
    #: The exit code of a run stopped by an error (config, queue, disk), else None.
    stopped: int | None = None

    def problem(self, stage: str, where: str, item: str | None, message: str,
                retry: bool) -> None:
        self.problems.append(Problem(stage, where, item, scrub(message), retry))

    def stop(self, stage: str, message: str, exit_code: int) -> None:
        """The run stopped early (a config or queue error, a full disk): recorded with the
        exit code the command returns."""
        self.stopped = exit_code
        self.problem(stage, stage, None, message, retry=False)

    def finish(self) -> None:
        """Mark the end of the run (for its duration)."""
        self.finished = datetime.now(UTC)

    def timed(self, stage: str, since: float) -> None:
        """Add the seconds since ``since`` (``time.monotonic()``) to ``stage``."""
        self.timings[stage] = round(self.timings.get(stage, 0) + time.monotonic() - since, 3)

    @property
    def duration(self) -> float:
        end = self.finished or datetime.now(UTC)
        return round((end - self.started).total_seconds(), 3)

    @property
    def exit_code(self) -> int:
        """0 all done; 1 something failed (and will be retried or needs a person); the
        error's own code (2, 130…) when the run was stopped."""
        if self.stopped is not None:
            return self.stopped
        return 1 if self.problems else 0

    def sinks(self) -> dict[str, dict[str, int]]:
        """Per sink: published, failed (retried next run), needing a person."""
        names = sorted(set(self.published) | set(self.failed) | set(self.skipped))
        return {name: {"published": self.published[name], "failed": self.failed[name],
                       "needs_person": self.skipped[name]} for name in names}

    def as_dict(self) -> dict[str, Any]:
        return {
            "command": self.command, "dry_run": self.dry_run, "exit_code": self.exit_code,
            "started": _stamp(self.started),
            "finished": _stamp(self.finished) if self.finished else None,
            "duration_seconds": self.duration, "timings": self.timings,
            "sinks": self.sinks(),
            "collected": dict(self.collected), "new": self.new, "changed": self.changed,
            "unchanged": self.unchanged, "deferred": self.deferred,
            "excluded": self.excluded, "blocked": self.blocked,
            "withdrawn": self.withdrawn, "published": dict(self.published),
            "failed": dict(self.failed), "skipped": dict(self.skipped),
            "queue": self.queue, "backlog": self.backlog, "blocked_now": self.blocked_now,
            "problems": [p.as_dict() for p in self.problems],
        }

    def summary(self) -> str:
        """A few plain lines for a terminal or a cron mail."""
        lines = []
        if self.collected:
            per_source = ", ".join(f"{n} {name}" for name, n in sorted(self.collected.items()))
            lines.append(f"collected {sum(self.collected.values())} items ({per_source}): "
                         f"{self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
                         f"{self.excluded} excluded by rules, {self.blocked} blocked")
            if self.deferred:
                lines.append(f"kept to examine when the queue has room: {self.deferred} new "
                             f"item{'s' if self.deferred != 1 else ''} (oldest first, as "
                             "editors decide; see backlog)")
        if self.withdrawn:
            lines.append(f"withdrawn: {self.withdrawn} item{'s' if self.withdrawn != 1 else ''}"
                         " (gone from the source, withdrawn or expired)")
        for sink, n in self.sinks().items():
            lines.append(f"{sink}: {n['published']} published, {n['failed']} failed, "
                         f"{n['needs_person']} need a person")
        if self.queue:
            counts = ", ".join(f"{n} {status}" for status, n in sorted(self.queue.items()))
            backlog = f"; {self.backlog} more waiting in the backlog" if self.backlog else ""
            lines.append(f"queue: {counts}{backlog}")
        lines.extend(self.previews)
        for p in self.problems:
            if p.stage == p.where:  # the run stopped: the message says it all
                lines.append(f"stopped ({p.stage}): {p.message}")
                continue
            what = f"{p.item}: " if p.item else ""
            then = "will retry next run" if p.retry else "needs a person"
            lines.append(f"problem ({p.stage}, {p.where}): {what}{p.message} [{then}]")
        if self.dry_run:
            lines.append("dry run: nothing was changed")
        return "\n".join(lines)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
