"""Reading the dates sources write, and writing the two forms feeds need.

Sources write dates every way there is: ISO 8601 (Atom, Dublin Core, YAML), RFC 822 with a
zone name (RSS — ``GMT``, ``UT``, ``BST``, the US zones, military letters) and, in sidecars
written by people in the UK, day-first dates (``28/11/2026``, ``28 November 2026``).
:func:`parse_date` reads them all and gives ``None`` — never a guess — for anything it
cannot read completely: "spring 1962", a bare year, an unknown zone name. A caller that
gets ``None`` for a value that was there reports it (:func:`unreadable`).

ISO 8601 is read by the standard library; everything else by python-dateutil, with
``dayfirst`` because these are UK dates (``04/05/2026`` is 4 May) and with the zone names
below, so ``10:00 BST`` is 09:00Z rather than a naive 10:00.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from email.utils import format_datetime, parsedate_tz

from dateutil import parser as dateutil_parser

from syndicate.model import Finding

_HOUR = 3600
#: Zone names a UK feed uses: RFC 822's (UT, GMT, the US zones, military letters) and the
#: British ones. RFC 822 got the military letters' signs backwards, so RFC 1123 §5.2.14 and
#: RFC 2822 §4.3 say they carry no information and mean -0000: they are read as UTC.
ZONES: dict[str, int] = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "BST": _HOUR,
    "EST": -5 * _HOUR, "EDT": -4 * _HOUR, "CST": -6 * _HOUR, "CDT": -5 * _HOUR,
    "MST": -7 * _HOUR, "MDT": -6 * _HOUR, "PST": -8 * _HOUR, "PDT": -7 * _HOUR,
    **{letter: 0 for letter in "ABCDEFGHIKLMNOPQRSTUVWXY"},
}
_RFC3339 = "%Y-%m-%dT%H:%M:%SZ"
# Recognises (does not parse) RSS's RFC 822 dates: "Sat, 28 Nov 2026 10:00:00 BST".
_RFC822 = re.compile(r"(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}")
# Two defaults that differ in every date field: a field the text did not give takes the
# default, so the two readings differ exactly when the date is incomplete.
_DEFAULTS = (dt.datetime(2000, 1, 1), dt.datetime(2004, 2, 2))


def parse_date(value: str | dt.date | None) -> dt.datetime | None:
    """``value`` as an aware UTC datetime, or ``None`` when there is none or it cannot be
    read completely. A date without a time is midnight UTC (so it stays on its day); a
    time without a zone is taken as UTC."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return _utc(value)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    text = " ".join(str(value).split())
    if not text:
        return None
    try:
        return _utc(dt.datetime.fromisoformat(text))
    except ValueError:
        pass
    if _RFC822.match(text):
        return _rfc822(text)
    return _utc_or_none(_with_dateutil(text))


def _rfc822(text: str) -> dt.datetime | None:
    """RSS's form, read by the standard library; zone names it does not know (BST, the
    military letters) from :data:`ZONES`. An unknown zone name gives ``None``."""
    fields = parsedate_tz(text)
    if fields is None:
        return _utc_or_none(_with_dateutil(text))
    zone = text.rsplit(None, 1)[-1]
    offset = fields[9]
    if zone.upper() in ZONES:
        offset = ZONES[zone.upper()]
    elif zone.isalpha():
        return None
    try:
        moment = dt.datetime(*fields[:6], tzinfo=dt.timezone(dt.timedelta(seconds=offset or 0)))
    except (ValueError, OverflowError):
        return None
    return _utc(moment)


def _with_dateutil(text: str) -> dt.datetime | None:
    readings = []
    with warnings.catch_warnings():
        # An unknown zone name is a warning in dateutil and a naive result: a wrong time.
        warnings.simplefilter("error", dateutil_parser.UnknownTimezoneWarning)
        for default in _DEFAULTS:
            try:
                readings.append(dateutil_parser.parse(text, dayfirst=True, tzinfos=ZONES,
                                                      default=default))
            except (ValueError, OverflowError, dateutil_parser.UnknownTimezoneWarning):
                return None
    first, second = readings
    if first.date() != second.date():
        return None     # "1962", "November 2026": not a day we could name
    return first


def _utc_or_none(moment: dt.datetime | None) -> dt.datetime | None:
    return _utc(moment) if moment is not None else None


def _utc(moment: dt.datetime) -> dt.datetime | None:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    try:
        return moment.astimezone(dt.UTC)
    except (OverflowError, ValueError):    # year 1 moved across a zone
        return None


def rfc3339(value: str | dt.date | None) -> str | None:
    """``value`` read by :func:`parse_date` as RFC 3339 UTC (``2026-11-28T09:00:00Z``;
    fractions of a second only when the value has them), or ``None``."""
    moment = parse_date(value)
    if moment is None:
        return None
    fraction = f".{moment.microsecond:06d}" if moment.microsecond else ""
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


def rfc822(value: str | dt.date) -> str:
    """An RFC 3339 (or any readable) date in the RFC 822 form RSS uses, in GMT.
    Raises ValueError for a value :func:`parse_date` cannot read."""
    moment = parse_date(value)
    if moment is None:
        raise ValueError(f"not a readable date: {value!r}")
    return format_datetime(moment, usegmt=True)


def utc_now() -> str:
    """The current time as RFC 3339 UTC, to the second."""
    return dt.datetime.now(dt.UTC).strftime(_RFC3339)


def unreadable(item_id: str, field: str, value: object) -> Finding:
    """The warning for a date that was given but could not be read."""
    return Finding("date.unreadable", "warning",
                   f"{item_id}: cannot read the {field} {value!r} as a date, so it is left "
                   "out where a date is required (feeds use the time syndicate first saw "
                   "the item); write it as 2026-11-28, 28/11/2026 or 28 November 2026")
