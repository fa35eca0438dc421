"""The run report: what a run did, for the person reading cron mail and for monitoring."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from syndicate.scrub import scrub


@dataclass
class Problem:
    """Something that needs a person or will be retried: where, what, and why."""

    stage: str          # collect | publish
    where: str          # source or sink name
    item: str | None
    message: str
    retry: bool         # True: tried again next run by itself

    def as_dict(self) -> dict[str, Any]:
        return {"stage": self.stage, "where": self.where, "item": self.item,
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

    def problem(self, stage: str, where: str, item: str | None, message: str,
                retry: bool) -> None:
        self.problems.append(Problem(stage, where, item, scrub(message), retry))

    @property
    def exit_code(self) -> int:
        """0 all done; 1 something failed (and will be retried or needs a person)."""
        return 1 if self.problems else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "command": self.command, "dry_run": self.dry_run, "exit_code": self.exit_code,
            "collected": dict(self.collected), "new": self.new, "changed": self.changed,
            "unchanged": self.unchanged, "excluded": self.excluded, "blocked": self.blocked,
            "withdrawn": self.withdrawn, "published": dict(self.published),
            "failed": dict(self.failed), "skipped": dict(self.skipped),
            "queue": self.queue, "backlog": self.backlog,
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
        sinks = sorted(set(self.published) | set(self.failed) | set(self.skipped))
        for sink in sinks:
            lines.append(f"{sink}: {self.published[sink]} published, {self.failed[sink]} "
                         f"failed, {self.skipped[sink]} need a person")
        if self.queue:
            counts = ", ".join(f"{n} {status}" for status, n in sorted(self.queue.items()))
            backlog = f"; {self.backlog} more waiting in the backlog" if self.backlog else ""
            lines.append(f"queue: {counts}{backlog}")
        lines.extend(self.previews)
        for p in self.problems:
            what = f"{p.item}: " if p.item else ""
            then = "will retry next run" if p.retry else "needs a person"
            lines.append(f"problem ({p.stage}, {p.where}): {what}{p.message} [{then}]")
        if self.dry_run:
            lines.append("dry run: nothing was changed")
        return "\n".join(lines)
