"""The one match language: which items a licensing rule, a sink's ``match:`` or any other
rule is about.

A match is a mapping of keys to a value or a list of alternatives::

    match: {source: news, category: [Schools, Education], text: "school closure"}

Every key given must hold; within a key, any alternative may. The keys:

``source``    the source's name
``kind``      article, image or document
``url``       a glob (``https://www.example.gov.uk/roads/*``) on the item's page or file URL
``category``  one of the item's categories, case-insensitive
``creator``   the item's creator, case-insensitive
``text``      words or a phrase found as whole words in the title or summary,
              case-insensitive (``closure`` matches "Road closure", not "closures")
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from syndicate.errors import ConfigError
from syndicate.model import KINDS, Item
from syndicate.options import OptionType

MATCH_KEYS = ("source", "kind", "url", "category", "creator", "text")


@dataclass(frozen=True)
class Match:
    """A parsed match: key → alternatives (the original spellings, for messages)."""

    conditions: Mapping[str, tuple[str, ...]]

    def matches(self, item: Item) -> bool:
        """Every condition holds for ``item``; within one, any alternative."""
        return all(_MATCHERS[key](item, values) for key, values in self.conditions.items())

    def values(self, key: str) -> tuple[str, ...]:
        """The alternatives given for ``key`` (empty when the key is not used)."""
        return self.conditions.get(key, ())

    def describe(self) -> str:
        """``source: news, text: school | closure`` for messages to people."""
        return ", ".join(f"{key}: {' | '.join(values)}"
                         for key, values in self.conditions.items())

    @classmethod
    def parse(cls, value: Any, key: str = "match") -> Match:
        """Read a ``match:`` mapping; raise ConfigError naming the dotted ``key`` (and the
        sub-key) of the first thing wrong."""
        if not isinstance(value, Mapping):
            raise ConfigError(f"expected a mapping such as {{source: news}}, got "
                              f"{type(value).__name__}", key=key)
        if not value:
            raise ConfigError(f"needs at least one of {', '.join(MATCH_KEYS)}", key=key)
        conditions: dict[str, tuple[str, ...]] = {}
        for name, raw in value.items():
            where = f"{key}.{name}"
            if name not in MATCH_KEYS:
                raise ConfigError(f"unknown key '{name}'{hint(str(name), MATCH_KEYS)}",
                                  key=where)
            values = [raw] if isinstance(raw, str) else raw
            if not isinstance(values, list) or not values or \
                    not all(isinstance(v, str) and v.strip() for v in values):
                raise ConfigError("must be text or a list of alternatives", key=where)
            if name == "kind":
                for kind in values:
                    if kind not in KINDS:
                        raise ConfigError(f"unknown kind '{kind}'{hint(kind, KINDS)}",
                                          key=where)
            conditions[name] = tuple(values)
        return cls(conditions)

    def check_sources(self, names: Iterable[str], key: str = "match") -> None:
        """Raise ConfigError for a ``source`` that is not configured: a typo there would
        silently never match."""
        known = list(names)
        for name in self.values("source"):
            if name not in known:
                raise ConfigError(f"no source named '{name}'{hint(name, known)}",
                                  key=f"{key}.source")


class MatchRule(OptionType):
    """A ``match:`` mapping as an option type (how ``syndicate sinks --options`` shows it)."""

    label = f"a mapping of {', '.join(MATCH_KEYS)} (each text or a list of alternatives)"

    def convert(self, value: Any) -> Match:
        return Match.parse(value)


def hint(value: str, known: Iterable[str]) -> str:
    """"; did you mean 'x'?" for a near miss, or the choices when there are few."""
    choices = list(known)
    close = difflib.get_close_matches(value, choices, n=3, cutoff=0.6)
    if close:
        return "; did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    return f"; choose from {', '.join(sorted(choices))}" if len(choices) <= 12 else ""


def _any_url(item: Item, patterns: tuple[str, ...]) -> bool:
    # An image found on a page has the page as url and the file as media_url; either may
    # be what the council wrote a rule for.
    urls = [u for u in (item.url, item.media_url) if u]
    return any(fnmatch.fnmatchcase(u, p) for u in urls for p in patterns)


def _folded(values: Iterable[str]) -> set[str]:
    return {v.casefold() for v in values}


def _text(item: Item, phrases: tuple[str, ...]) -> bool:
    words = f"{item.title}\n{item.description}".casefold()
    return any(_phrase(phrase).search(words) for phrase in phrases)


def _phrase(phrase: str) -> re.Pattern[str]:
    # Whole words, any run of whitespace between them: "school  closure" finds
    # "School\nclosure" but "closure" does not find "closures".
    parts = [re.escape(word) for word in phrase.casefold().split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)")


_MATCHERS: dict[str, Callable[[Item, tuple[str, ...]], bool]] = {
    "source": lambda item, values: item.source in values,
    "kind": lambda item, values: item.kind in values,
    "url": _any_url,
    "category": lambda item, values: bool(_folded(values) & _folded(item.categories)),
    "creator": lambda item, values: (item.creator or "").casefold() in _folded(values),
    "text": _text,
}
