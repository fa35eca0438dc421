"""Reading the ``licensing:`` section of syndicate.yaml into a tagging policy.

syndicate.tagging is the policy (which licence each item gets); this module only turns the
YAML into a :class:`~syndicate.tagging.Licensing`, naming the dotted key (relative to the
section) of the first thing that is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from syndicate import policy
from syndicate.attribution import Attributor
from syndicate.errors import ConfigError
from syndicate.licences import Licence, registry
from syndicate.matching import MATCH_KEYS, Match, hint
from syndicate.tagging import Licensing, Rule

SECTION_KEYS = ("default", "attribution", "evidence", "rules")
RULE_KEYS = ("match", "licence", "force", "attribution", "evidence", *policy.KEYS)
ATTRIBUTION_KEYS = ("name", "url", "statement")
NONE = "none"


def parse_licensing(data: Mapping[str, Any]) -> Licensing:
    """Parse the ``licensing:`` section; raise ConfigError with the dotted key (relative
    to the section) of the first thing that is wrong."""
    section = _mapping(data, "", SECTION_KEYS)
    default_id = section.get("default")
    default = None
    if default_id is not None:
        default = _licence(default_id, "default")
        if default is not None and default.is_mark:
            raise ConfigError("the Public Domain Mark labels works already in the public "
                              "domain; it cannot release the council's own works. Use "
                              "cc0-1.0 to give them to the public domain", key="default")
    rules = section.get("rules") or []
    if not isinstance(rules, list):
        raise ConfigError("must be a list of rules, each with match: and licence:",
                          key="rules")
    return Licensing(default=default, default_excludes=default_id == NONE,
                     attribution=_attributor(section.get("attribution"), "attribution"),
                     evidence=_url(section.get("evidence"), "evidence"),
                     rules=tuple(_rule(rule, index) for index, rule in enumerate(rules)))


def _hint(value: str, known: Collection[str]) -> str:
    return hint(value, known)


def _key(*parts: object) -> str:
    return ".".join(str(p) for p in parts if p != "")


def _mapping(value: Any, key: str, allowed: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"expected a mapping of keys, got {type(value).__name__}",
                          key=key or None)
    for name in value:
        if name not in allowed:
            raise ConfigError(f"unknown key '{name}'{_hint(str(name), allowed)}",
                              key=_key(key, name))
    return dict(value)


def _licence(value: Any, key: str) -> Licence | None:
    """A registry id, or None for ``none``."""
    if value == NONE:
        return None
    if not isinstance(value, str) or not value:
        raise ConfigError("needs a licence id from `syndicate licences`, or none", key=key)
    licence = registry().find(value)
    if licence is not None:
        return licence
    recognised = registry().recognise(value).licence
    if recognised is not None:
        hint = f"; did you mean '{recognised.id}'?"
    else:
        hint = _hint(value, [lic.id for lic in registry()]) or \
            "; see `syndicate licences` for the ids"
    raise ConfigError(f"unknown licence '{value}'{hint}", key=key)


def _url(value: Any, key: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not re.match(r"(?i)^https?://[^\s/]+", value):
        raise ConfigError(f"must be a web address (https://…), not {value!r}", key=key)
    return value


def _attributor(value: Any, key: str) -> Attributor | None:
    if value is None:
        return None
    fields = _mapping(value, key, ATTRIBUTION_KEYS)
    name = fields.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError("needs a name: the author or body to credit", key=_key(key, "name"))
    statement = fields.get("statement")
    if statement is not None and not isinstance(statement, str):
        raise ConfigError("must be text", key=_key(key, "statement"))
    return Attributor(name.strip(), _url(fields.get("url"), _key(key, "url")), statement)


def _rule(value: Any, index: int) -> Rule:
    key = f"rules.{index}"
    fields = _mapping(value, key, RULE_KEYS)
    if "match" not in fields:
        raise ConfigError("needs match: (which items) and licence: (what to give them)",
                          key=key)
    if "licence" not in fields:
        raise ConfigError("needs licence: a licence id, or none to never syndicate these",
                          key=key)
    force = fields.get("force", False)
    if not isinstance(force, bool):
        raise ConfigError("must be true or false", key=_key(key, "force"))
    return Rule(number=index + 1, match=parse_match(fields["match"], _key(key, "match")),
                licence=_licence(fields["licence"], _key(key, "licence")), force=force,
                attribution=_attributor(fields.get("attribution"), _key(key, "attribution")),
                evidence=_url(fields.get("evidence"), _key(key, "evidence")),
                updates=policy.parse_updates(fields.get("updates"), _key(key, "updates")),
                expires_after=policy.parse_duration(fields.get("expires_after"),
                                                    _key(key, "expires_after")))


def parse_match(value: Any, key: str) -> Match:
    """A rule's ``match:`` (also the urgent lane's), with a hint when it is empty."""
    try:
        return Match.parse(value, key)
    except ConfigError as error:
        if error.key == key and isinstance(value, Mapping) and not value:
            raise ConfigError(f"needs at least one of {', '.join(MATCH_KEYS)}; a licence "
                              "for every item is the default", key=key) from None
        raise
