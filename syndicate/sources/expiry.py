"""When an item stops being news, as its source says: a sidecar's ``expires:``, or a feed
entry's ``dcterms:valid`` (a DCMI period, ``start=…; end=…; scheme=W3C-DTF``) or
``expires`` element. Kept in ``Item.extra["expires"]`` as RFC 3339 UTC; expired items leave
the feed sinks at the next run (syndicate.takedown).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from lxml import etree

from syndicate.policy import parse_moment

DCTERMS = "http://purl.org/dc/terms/"
_VALID = f"{{{DCTERMS}}}valid"
_END = re.compile(r"(?:^|;)\s*end\s*=\s*([^;]+)")


def normalise(value: Any) -> str | None:
    """A date or date-time (a YAML date, ISO 8601 text, a DCMI period's end) as RFC 3339
    UTC; a bare date means the start of that day. None when it cannot be read."""
    if isinstance(value, datetime):
        moment: datetime | None = value if value.tzinfo else value.replace(tzinfo=UTC)
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day, tzinfo=UTC)
    elif isinstance(value, str):
        period = _END.search(value)
        moment = parse_moment(period.group(1) if period else value)
    else:
        moment = None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def of_entry(entry: etree._Element) -> dict[str, str]:
    """``{"expires": …}`` for a feed entry that says when it expires, else ``{}``: the
    ``extra`` a feed source gives the entry's items."""
    for child in entry:
        tag = child.tag
        if not isinstance(tag, str):
            continue  # comments and processing instructions
        if tag == _VALID or tag.rpartition("}")[2] == "expires":
            found = normalise((child.text or "").strip())
            if found:
                return {"expires": found}
    return {}
