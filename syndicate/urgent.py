"""The emergency lane: ``urgent:`` rules and ``syndicate run --urgent``.

An urgent rule says which items a council trusts to go out at once (the same ``match:``
language as licensing rules) and to which sinks (feed sinks unless it names others; never
a wiki, which must always have a person)::

    urgent:
      - match: {source: news, category: Emergency}
        sinks: [partners]              # default: every feed sink
        updates: auto                  # corrections follow without an editor
        expires_after: 3d

``run --urgent`` (from a short cron, beside the nightly job) collects only the sources the
rules can match, approves matching items (``approved by rule urgent[1]`` in the queue and
the ledger), publishes them to the rule's sinks and nothing else, takes expired items off
the feeds, and is done in seconds. It waits politely for a nightly run's lock.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from syndicate import licensing_config, options, policy, tagging
from syndicate.errors import ConfigError
from syndicate.ledger import Record, now
from syndicate.model import Item
from syndicate.options import ListOf, Option, Text
from syndicate.status import Status

if TYPE_CHECKING:
    from syndicate.config import Config, SinkSpec
    from syndicate.progress import Progress
    from syndicate.report import RunReport
    from syndicate.workspace import Workspace

log = logging.getLogger(__name__)

#: What an urgent rule says besides ``match:`` (checked like a plugin's options).
RULE_OPTIONS = (
    Option("sinks", ListOf(Text(), min_items=1),
           description="The sinks urgent items go to, e.g. [partners] (default: every feed "
           "sink); never a wiki."),
    policy.UPDATES,
    policy.EXPIRES_AFTER,
)
#: Sink types that only ever publish with a person's approval.
WIKI_TYPES = frozenset({"commons", "wikipedia-draft"})


@dataclass(frozen=True)
class UrgentRule:
    """One entry of ``urgent:``; ``number`` is 1-based as people count."""

    number: int
    rule: tagging.Rule          # the licensing rules' matcher, reused as it is
    sinks: tuple[str, ...]
    updates: bool | None = None
    expires_after: timedelta | None = None

    @property
    def label(self) -> str:
        return f"urgent[{self.number}]"

    @property
    def sources(self) -> tuple[str, ...] | None:
        """The sources the rule can match (None: any)."""
        return self.rule.match.values("source") or None

    def matches(self, item: Item) -> bool:
        return self.rule.matches(item)


def parse(value: Any, sinks: Mapping[str, SinkSpec], source_names: set[str],
          feed_sinks: list[str]) -> tuple[UrgentRule, ...]:
    """The ``urgent:`` section; ConfigError with the key (``urgent.0.sinks``) otherwise.
    ``sinks`` are the configured sinks, ``feed_sinks`` the names of the feed sinks."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ConfigError("must be a list of rules, each with match: (and sinks:)",
                          key="urgent")
    return tuple(_rule(raw, index, sinks, source_names, feed_sinks)
                 for index, raw in enumerate(value))


def _rule(raw: Any, index: int, sinks: Mapping[str, SinkSpec], source_names: set[str],
          feed_sinks: list[str]) -> UrgentRule:
    key = f"urgent.{index}"
    if not isinstance(raw, Mapping) or "match" not in raw:
        raise ConfigError("needs match: (which items are urgent), as a licensing rule's",
                          key=key)
    try:
        fields = options.apply(RULE_OPTIONS, raw, Path.cwd(), untyped=("match",))
    except ConfigError as exc:
        raise ConfigError(str(exc), key=f"{key}.{exc.key}") from None
    match = licensing_config.parse_match(raw["match"], f"{key}.match")
    match.check_sources(source_names, f"{key}.match")
    return UrgentRule(
        number=index + 1,
        rule=tagging.Rule(number=index + 1, match=match, licence=None),
        sinks=_sinks(fields["sinks"], f"{key}.sinks", sinks, feed_sinks),
        updates=None if fields["updates"] is None else fields["updates"] == "auto",
        expires_after=None if fields["expires_after"] is None else
        timedelta(seconds=fields["expires_after"]))


def _sinks(named: list[str] | None, key: str, sinks: Mapping[str, SinkSpec],
           feed_sinks: list[str]) -> tuple[str, ...]:
    """The rule's sinks: those it names (never a wiki), else every feed sink."""
    if named is None:
        if not feed_sinks:
            raise ConfigError("urgent items go to feed sinks unless a rule names others, "
                              "and there is no feed sink; add one or name sinks:",
                              key=key.rsplit(".", 1)[0])
        return tuple(feed_sinks)
    for name in named:
        if name not in sinks:
            raise ConfigError(f"no sink named '{name}'", key=key)
        if sinks[name].type in WIKI_TYPES:
            raise ConfigError(f"'{name}' is a {sinks[name].type} sink: nothing goes to a wiki "
                              "without a person's approval, even in an emergency", key=key)
    return tuple(named)


def lane_sources(config: Config) -> list[str]:
    """The sources urgent rules can match: those they name, or all if one names none."""
    if any(rule.sources is None for rule in config.urgent):
        return list(config.sources)
    named = {s for rule in config.urgent for s in rule.sources or ()}
    return [name for name in config.sources if name in named]


def run(config: Config, *, wait: float = 0.0, dry_run: bool = False,
        progress: Progress | None = None, metrics_path: Path | None = None) -> RunReport:
    """``syndicate run --urgent``: collect the lane's sources, approve what urgent rules
    match, publish those items to the rules' sinks, take expired items off the feeds.
    Recorded in ``runs/`` like every run; metrics only to ``metrics_path`` (``state.metrics``
    stays the nightly job's, which a lane running every few minutes would hide)."""
    from syndicate import pipeline
    from syndicate.errors import InputError

    if not config.urgent:
        raise InputError(f"{config.path}: no urgent: rules, so an urgent run has nothing "
                         "to do; see the README's Snow day section")
    lane = replace(config, sources={name: config.sources[name]
                                    for name in lane_sources(config)})
    return pipeline.run_stages(lane, "urgent", dry_run, progress, _stages, wait=wait,
                               lazy_queue=True, metrics_path=metrics_path)


def _stages(ws: Workspace, report: RunReport) -> None:
    from syndicate import takedown
    from syndicate.collect import collect
    from syndicate.publish import publish

    started = time.monotonic()
    collect(ws, report)
    report.timed("collect", started)
    started = time.monotonic()
    with takedown.open_sinks(ws) as sinks:
        takedown.expire(ws, sinks, report)
    publish(ws, report, only=approve(ws, report))
    report.timed("publish", started)


def approve(ws: Workspace, report: RunReport) -> set[str]:
    """Approve pending items urgent rules match (to the rule's sinks only) and return the
    ids the lane may publish: those, and earlier ones still due."""
    ws.ledger.withdrawals.ensure()
    lane = tuple(ws.config.sources)
    due: set[str] = set()
    for record in ws.ledger.with_status(Status.PENDING, Status.APPROVED, Status.FAILED,
                                        sources=lane):
        rule = next((r for r in ws.config.urgent if r.matches(record.item)), None)
        if rule is None:
            continue
        if record.status == Status.PENDING and not _approve(ws, record, rule, report):
            continue
        if record.sinks and set(record.sinks) <= set(rule.sinks):
            due.add(record.item.id)
    ws.ledger.commit()
    return due


def _approve(ws: Workspace, record: Record, rule: UrgentRule, report: RunReport) -> bool:
    item = record.item
    if ws.ledger.withdrawals.ever_withdrawn(item.id):
        report.problem("urgent", rule.label, item.id, "was withdrawn before, so it waits "
                       "for an editor's approval", retry=False)
        return False
    sinks = [s for s in record.targets if s in rule.sinks]
    if not sinks:
        why = "; ".join(f.message for f in item.findings if f.is_error) or \
            "no sink of the rule takes it"
        report.problem("urgent", rule.label, item.id, f"cannot go out urgently: {why}",
                       retry=False)
        return False
    record.chosen = sinks
    record.status = Status.APPROVED
    record.reason = f"approved by rule {rule.label}"
    record.updated = now()
    ws.ledger.save(record)
    log.info("%s %s to %s", item.id, record.reason, ", ".join(sinks))
    return True
