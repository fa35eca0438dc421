"""What a council says about an item's life after publication: ``updates: auto`` (a
corrected version goes out without a new approval) and expiry (``expires:`` on the item,
``expires_after:`` on a source, a licensing rule or an urgent rule).

Sources, licensing rules and urgent rules may each say either; the most specific wins:
an urgent rule, then the licensing rule that tagged the item, then the source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from syndicate.errors import ConfigError
from syndicate.model import Item

if TYPE_CHECKING:
    from syndicate.config import Config, SourceSpec
    from syndicate.sinks.base import Sink

#: Keys every source, licensing rule and urgent rule may carry.
KEYS = ("updates", "expires_after")
UPDATES = ("auto", "approve")
_DURATION = re.compile(r"^\s*(\d+)\s*(m|h|d|w)\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_updates(value: Any, key: str) -> bool | None:
    """``updates: auto`` → True, ``updates: approve`` (every version needs an editor, the
    default) → False; absent → None (say nothing, let a less specific setting decide)."""
    if value is None:
        return None
    if value not in UPDATES:
        raise ConfigError(f"must be auto (corrections go out without a new approval) or "
                          f"approve (every version waits for an editor), not {value!r}",
                          key=key)
    return bool(value == "auto")


def parse_duration(value: Any, key: str) -> timedelta | None:
    """``30m``, ``12h``, ``3d`` or ``2w`` → a timedelta; absent → None."""
    if value is None:
        return None
    match = _DURATION.match(value) if isinstance(value, str) else None
    if match is None or int(match.group(1)) == 0:
        raise ConfigError(f"must be a duration such as 30m, 12h, 3d or 2w, not {value!r}",
                          key=key)
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def check_sources(sources: Iterable[SourceSpec]) -> None:
    """Validate every source's ``updates`` and ``expires_after`` when the config loads."""
    for spec in sources:
        parse_updates(spec.options.get("updates"), f"sources.{spec.name}.updates")
        parse_duration(spec.options.get("expires_after"),
                       f"sources.{spec.name}.expires_after")


def updates_auto(config: Config, item: Item) -> bool:
    """Whether a changed version of ``item`` may be republished without a new approval."""
    for said in _said(config, item, "updates"):
        if said is not None:
            return bool(said)
    return False


def expires_at(config: Config, item: Item, first_seen: str) -> datetime | None:
    """When ``item`` stops being news: its own ``expires``, else its date (or when
    syndicate first saw it) plus the most specific ``expires_after``."""
    own = parse_moment(item.extra.get("expires"))
    if own is not None:
        return own
    for said in _said(config, item, "expires_after"):
        if isinstance(said, timedelta):
            start = parse_moment(item.date) or parse_moment(first_seen)
            return start + said if start is not None else None
    return None


def _said(config: Config, item: Item, key: str) -> Iterable[Any]:
    """What the urgent rule, licensing rule and source say about ``key``, most specific
    first."""
    for urgent in config.urgent:
        if urgent.matches(item):
            yield getattr(urgent, key)
            break
    rule = next((r for r in config.licensing.rules if r.matches(item)), None)
    if rule is not None:
        yield getattr(rule, key)
    spec = config.sources.get(item.source)
    if spec is not None:
        parse = parse_updates if key == "updates" else parse_duration
        yield parse(spec.options.get(key), f"sources.{item.source}.{key}")


def any_expires_after(config: Config) -> bool:
    """Whether any source or rule gives items a lifetime (else only items that carry their
    own ``expires`` can expire, and a run need not look at the others)."""
    return any(rule.expires_after for rule in config.urgent) or \
        any(rule.expires_after for rule in config.licensing.rules) or \
        any(spec.options.get("expires_after") for spec in config.sources.values())


def parse_moment(value: Any) -> datetime | None:
    """An ISO 8601 date or date-time as an aware UTC datetime (a bare date is the start of
    that day, UTC); None when absent or unreadable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def is_feed_sink(cls: type[Sink]) -> bool:
    """Whether a sink class writes partner feeds (the urgent lane's and expiry's domain)."""
    from syndicate.sinks.feed import FeedSink

    return issubclass(cls, FeedSink)
