"""Logo, crest and insignia words: the one list behind every check that asks "is this a mark?".

Two checks use it. The OGL does not license departmental or public-sector logos, crests,
the Royal Arms or military insignia (docs/metadata.md), so syndicate.checks refuses OGL
images that name one; and Commons marks logos with ``{{Trademarked}}`` and coats of arms,
badges and insignia with ``{{Insignia}}``
(https://commons.wikimedia.org/wiki/Commons:Non-copyright_restrictions), so the Commons sink
tags them (syndicate.sinks.commons.checks).

Words are matched whole, so "Hillcrest", "Crestwood" and "badger" pass; separators cover file
names like ``council_logo`` and ``coat-of-arms``, and camelCase is split so ``CouncilLogo.png``
counts. "Blue Badge" (the disabled parking permit councils write about far more often than
about cap badges) is not a badge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_SEPARATOR = r"[\s_.\-]"
_SEP = _SEPARATOR + "+"
#: Trade marks: what ``{{Trademarked}}`` is for.
LOGO_WORDS = ("logo(?:type)?s?", "wordmarks?", f"brand{_SEP}marks?")
#: Heraldry and badges of office: what ``{{Insignia}}`` is for.
INSIGNIA_WORDS = ("crests?", f"coats?{_SEP}of{_SEP}arms", f"royal{_SEP}arms", "insignia",
                  "armorial", "heraldic", f"(?<!blue{_SEPARATOR})badges?", "emblems?")


def _words(words: Iterable[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z])(?:{'|'.join(words)})(?![a-z])", re.IGNORECASE)


_LOGO = _words(LOGO_WORDS)
_INSIGNIA = _words(INSIGNIA_WORDS)
_MARK = _words((*LOGO_WORDS, *INSIGNIA_WORDS))
_CAMEL_CASE = re.compile(r"(?<=[a-z])(?=[A-Z])")


def logo_word(*texts: str) -> str | None:
    """The first logo word in ``texts`` (titles, file names, alt text…), or None."""
    return _first(_LOGO, texts)


def insignia_word(*texts: str) -> str | None:
    """The first crest, coat-of-arms, badge or insignia word in ``texts``, or None."""
    return _first(_INSIGNIA, texts)


def mark_word(*texts: str) -> str | None:
    """The first word of either kind in ``texts``: what the OGL does not license."""
    return _first(_MARK, texts)


def _first(pattern: re.Pattern[str], texts: Iterable[str]) -> str | None:
    for text in texts:
        found = pattern.search(_CAMEL_CASE.sub(" ", text))
        if found:
            return found.group()
    return None
