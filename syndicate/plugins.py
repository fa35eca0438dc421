"""Finding sink and source classes through entry points.

Built-in sinks and sources are registered in the same entry-point groups as third-party
ones (``syndicate.sinks``, ``syndicate.sources``) and, like them, are imported only when a
configuration names them: a broken plugin you do not use cannot break your run.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from syndicate import policy
from syndicate.errors import ConfigError
from syndicate.limits import TIMEOUT
from syndicate.matching import MatchRule
from syndicate.options import ListOf, Option, Text
from syndicate.sinks.base import Sink
from syndicate.sources.base import Source

SINK_GROUP = "syndicate.sinks"
SOURCE_GROUP = "syndicate.sources"


@dataclass(frozen=True)
class Plugin:
    """An installed plugin as ``syndicate sinks`` lists it."""

    name: str
    package: str
    version: str
    target: str


def installed(group: str) -> list[Plugin]:
    """Every plugin registered in ``group``, without importing any of them."""
    found = []
    for ep in entry_points(group=group):
        dist = ep.dist
        found.append(Plugin(ep.name, dist.name if dist else "?", dist.version if dist else "?",
                            ep.value))
    return sorted(found, key=lambda p: p.name)


def load_sink(type_name: str) -> type[Sink]:
    """The sink class registered as ``type_name``."""
    cls: type[Sink] = _load(SINK_GROUP, type_name, Sink, "sink")
    return cls


def load_source(type_name: str) -> type[Source]:
    """The source class registered as ``type_name``."""
    cls: type[Source] = _load(SOURCE_GROUP, type_name, Source, "source")
    return cls


#: Options the pipeline itself reads from every sink, documented with the sink's own.
SINK_COMMON_OPTIONS = (
    Option("kinds", ListOf(Text()), choices=("article", "image", "document"),
           description="Item kinds this sink takes (default: all it can take)."),
    Option("sources", ListOf(Text()),
           description="Only items from these sources (default: every source)."),
    Option("match", MatchRule(), description="Only items this matches, in the licensing "
           "rules' language plus text: (a topic feed; default: every item)."),
    TIMEOUT,
)


def documented_options(group: str, type_name: str) -> list[dict[str, Any]]:
    """The options of plugin ``type_name`` as data, for ``syndicate sinks --options``."""
    cls = load_sink(type_name) if group == SINK_GROUP else load_source(type_name)
    common = SINK_COMMON_OPTIONS if group == SINK_GROUP else (*policy.OPTIONS, TIMEOUT)
    described = [option.describe() for option in (*cls.options, *common)]
    for key in sorted(cls.config_keys - {option.name for option in cls.options}):
        described.append({"name": key, "type": "not declared by the plugin",
                          "required": False, "default": None, "secret": False,
                          "description": ""})
    return described


def _load(group: str, type_name: str, base: Any, what: str) -> Any:
    matches: list[EntryPoint] = list(entry_points(group=group, name=type_name))
    if not matches:
        names = sorted(ep.name for ep in entry_points(group=group))
        close = difflib.get_close_matches(type_name, names, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        listing = " (see `syndicate sinks`)" if group == SINK_GROUP else ""
        raise ConfigError(f"unknown {what} type '{type_name}'; {hint}installed: "
                          f"{', '.join(names) or 'none'}{listing}", key="type")
    ep = matches[0]
    package = ep.dist.name if ep.dist else ep.value
    try:
        cls = ep.load()
    except Exception as exc:  # any import-time failure of a third-party plugin
        raise ConfigError(f"{what} type '{type_name}' from package {package} failed to load "
                          f"({type(exc).__name__}: {exc}); reinstall or upgrade it",
                          key="type") from None
    if not (isinstance(cls, type) and issubclass(cls, base)):
        raise ConfigError(f"{what} type '{type_name}' from package {package} is not a "
                          f"syndicate {base.__name__} subclass", key="type")
    return cls
