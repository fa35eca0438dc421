"""What a council says about an item's life after publication: ``updates: auto`` (a
corrected version goes out without a new approval) and expiry (``expires:`` on the item,
``expires_after:`` on a source, a licensing rule or an urgent rule).

Sources, licensing rules and urgent rules may each say either; the most specific wins:
an urgent rule, then the licensing rule that tagged the item, then the source.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from syndicate.errors import ConfigError
from syndicate.model import Item
from syndicate.options import Duration, Option, Text

if TYPE_CHECKING:
    from syndicate.config import Config
    from syndicate.sinks.base import Sink

#: What every source, licensing rule and urgent rule may say, declared like a plugin's
#: options (``syndicate sources --options TYPE`` lists them with each source's own).
UPDATES = Option(
    "updates", Text(r"auto|approve", "auto (corrections go out without a new approval) or "
                    "approve (every version waits for an editor)"),
    description="auto: a corrected version of a published item goes out without a new "
    "approval when its licence, attribution and findings are unchanged (default: approve).")
EXPIRES_AFTER = Option(
    "expires_after", Duration(), range=(60, None),
    description="Items are taken off the feed sinks this long after their date (or after "
    "syndicate first saw them), e.g. 3d; an item's own expires: wins.")
OPTIONS = (UPDATES, EXPIRES_AFTER)
KEYS = tuple(option.name for option in OPTIONS)


def parse_updates(value: Any, key: str) -> bool | None:
    """``updates: auto`` → True, ``updates: approve`` (every version needs an editor, the
    default) → False; absent → None (say nothing, let a less specific setting decide).
    ConfigError naming ``key`` when the value is wrong."""
    if value is None:
        return None
    return bool(_convert(UPDATES, value, key) == "auto")


def parse_duration(value: Any, key: str) -> timedelta | None:
    """``expires_after``: ``30m``, ``12h``, ``3d``, ``2w`` (or seconds) → a timedelta;
    absent → None. ConfigError naming ``key`` when the value is wrong."""
    if value is None:
        return None
    return timedelta(seconds=_convert(EXPIRES_AFTER, value, key))


def source_settings(options: Mapping[str, Any], key: str) -> dict[str, Any]:
    """A source's ``updates`` and ``expires_after``, checked (``key`` is the source's,
    ``sources.news``); absent ones are None."""
    return {"updates": parse_updates(options.get("updates"), f"{key}.updates"),
            "expires_after": parse_duration(options.get("expires_after"),
                                            f"{key}.expires_after")}


def _convert(option: Option, value: Any, key: str) -> Any:
    try:
        return option.convert(value, Path.cwd())
    except ConfigError as exc:
        raise ConfigError(str(exc), key=key) from None


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
        yield spec.policy.get(key)


def any_expires_after(config: Config) -> bool:
    """Whether any source or rule gives items a lifetime (else only items that carry their
    own ``expires`` can expire, and a run need not look at the others)."""
    return any(rule.expires_after for rule in config.urgent) or \
        any(rule.expires_after for rule in config.licensing.rules) or \
        any(spec.policy.get("expires_after") for spec in config.sources.values())


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
