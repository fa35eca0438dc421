"""Tagging: deciding each item's licence from the ``licensing:`` section of syndicate.yaml.

Precedence, strongest first:

1. a rule with ``licence: none`` excludes the item (it is never syndicated);
2. a rule with ``force: true`` decides, whatever the source declares;
3. a licence the source declares (feed, page or sidecar) — the rights holder's own word;
4. the first rule that matches;
5. ``default`` (``default: none`` excludes what nothing else licenses; no default at all
   leaves such items unlicensed, with a ``licence.missing`` error for an editor to see).

A declared licence that disagrees with the rule or default it overrides is a
``licence.conflict`` finding, and so is a forced rule overriding a declaration: an editor
should know when the council and the source say different things.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, Literal

from syndicate import policy
from syndicate.attribution import Attributor, build_attribution
from syndicate.errors import ConfigError
from syndicate.licences import Licence, preference, registry
from syndicate.model import KINDS, Finding, Item

SECTION_KEYS = ("default", "attribution", "evidence", "rules")
RULE_KEYS = ("match", "licence", "force", "attribution", "evidence", *policy.KEYS)
MATCH_KEYS = ("source", "kind", "url", "category", "creator")
ATTRIBUTION_KEYS = ("name", "url", "statement")
NONE = "none"

Origin = Literal["declared", "forced", "rule", "default"]


@dataclass(frozen=True)
class Rule:
    """One entry of ``licensing.rules``. ``licence`` None means ``licence: none``."""

    number: int                              # 1-based, for messages to people
    match: Mapping[str, tuple[str, ...]]
    licence: Licence | None
    force: bool = False
    attribution: Attributor | None = None
    evidence: str | None = None
    updates: bool | None = None              # ``updates: auto`` (syndicate.policy)
    expires_after: timedelta | None = None

    def matches(self, item: Item) -> bool:
        """Every key of ``match`` must match; within a key, any alternative may."""
        return all(_MATCHERS[key](item, values) for key, values in self.match.items())

    def describe(self) -> str:
        conditions = ", ".join(f"{key}: {' | '.join(values)}"
                               for key, values in self.match.items())
        return f"licensing rule {self.number} ({conditions})"


def _any_url(item: Item, patterns: tuple[str, ...]) -> bool:
    # An image found on a page has the page as url and the file as media_url; either may
    # be what the council wrote a rule for.
    urls = [u for u in (item.url, item.media_url) if u]
    return any(fnmatch.fnmatchcase(u, p) for u in urls for p in patterns)


def _folded(values: tuple[str, ...]) -> set[str]:
    return {v.casefold() for v in values}


_MATCHERS: dict[str, Callable[[Item, tuple[str, ...]], bool]] = {
    "source": lambda item, values: item.source in values,
    "kind": lambda item, values: item.kind in values,
    "url": _any_url,
    "category": lambda item, values: bool(_folded(values) & _folded(tuple(item.categories))),
    "creator": lambda item, values: (item.creator or "").casefold() in _folded(values),
}


@dataclass(frozen=True)
class Decision:
    """The outcome of tagging one item, before anything is written to it. ``offered`` is
    every licence the source declares, best first (``licence`` is the first when declared)."""

    licence: Licence | None
    origin: Origin | None        # None when excluded or unlicensed
    excluded: bool
    attributor: Attributor | None
    evidence: str | None
    findings: tuple[Finding, ...]
    offered: tuple[Licence, ...] = ()


@dataclass(frozen=True)
class Licensing:
    """The council's licensing policy: a default, the party credited, the public licence
    statement that is its evidence, and rules (first match wins)."""

    default: Licence | None = None
    default_excludes: bool = False
    attribution: Attributor | None = None
    evidence: str | None = None
    rules: tuple[Rule, ...] = ()

    @classmethod
    def from_config(cls, data: Mapping[str, Any]) -> Licensing:
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
        return cls(default=default, default_excludes=default_id == NONE,
                   attribution=_attributor(section.get("attribution"), "attribution"),
                   evidence=_url(section.get("evidence"), "evidence"),
                   rules=tuple(_rule(rule, index) for index, rule in enumerate(rules)))

    def check_sources(self, names: Collection[str]) -> None:
        """Raise ConfigError for a rule naming a source that is not configured: a typo there
        would silently never match."""
        for rule in self.rules:
            for name in rule.match.get("source", ()):
                if name not in names:
                    key = f"rules.{rule.number - 1}.match.source"
                    raise ConfigError(f"no source named '{name}'{_hint(name, names)}", key=key)

    def decide(self, item: Item) -> Decision:
        """Work out the item's licence without changing the item."""
        rule = next((r for r in self.rules if r.matches(item)), None)
        if rule is not None and rule.licence is None:
            return Decision(None, None, True, None, None, ())
        attributor = (rule.attribution if rule else None) or self.attribution
        offered, problems = _declared(item)
        licence: Licence | None
        origin: Origin
        if rule is not None and rule.force:
            licence, origin, evidence = rule.licence, "forced", rule.evidence or self.evidence
        elif offered:
            licence, origin, evidence = offered[0], "declared", item.url
        elif rule is not None:
            licence, origin, evidence = rule.licence, "rule", rule.evidence or self.evidence
        else:
            licence, origin, evidence = self.default, "default", self.evidence
        if licence is None:
            if self.default_excludes:
                return Decision(None, None, True, None, None, tuple(problems))
            missing = Finding("licence.missing", "error",
                              f"{item.id} has no licence: the source declares none that "
                              "syndicate recognises, no licensing rule matches and there is no "
                              "default; add a rule or a default to syndicate.yaml")
            return Decision(None, None, False, attributor, None, (*problems, missing))
        findings = _declaration_findings(offered, problems, licence, origin, rule,
                                         rule.licence if rule else self.default)
        return Decision(licence, origin, False, attributor, evidence, tuple(findings),
                        tuple(offered))

    def tag(self, item: Item) -> bool:
        """Set the item's licence, licence URL, evidence and attribution and append the
        findings; return False when the item is excluded and must not be syndicated."""
        return not self.apply(item).excluded

    def apply(self, item: Item) -> Decision:
        """What :meth:`tag` does, returning the decision so checks need not make it again."""
        decision = self.decide(item)
        item.findings.extend(decision.findings)
        licence = decision.licence
        item.licence = licence.id if licence else None
        item.licence_url = licence.url if licence else None
        item.evidence = decision.evidence
        item.attribution = build_attribution(item, licence, decision.attributor) \
            if licence else None
        return decision


def _declared(item: Item) -> tuple[list[Licence], list[Finding]]:
    """The licences the source declares, most permissive first, and the registry's findings
    about declarations it could not recognise.

    Several licences (several declarations, or one naming several such as Commons'
    ``cc-by-sa-3.0-2.5-2.0-1.0``) mean the rights holder offers a choice: the first, by
    :func:`syndicate.licences.preference`, is the one we use.
    """
    found: dict[str, Licence] = {}
    problems: list[Finding] = []
    for raw in item.declared_licences:
        recognition = registry().recognise(raw)
        for licence in recognition.offered:
            found.setdefault(licence.id, licence)
        if recognition.finding is not None:
            problems.append(recognition.finding)
    return sorted(found.values(), key=preference), problems


def _declaration_findings(offered: list[Licence], problems: list[Finding], licence: Licence,
                          origin: Origin, rule: Rule | None,
                          fallback: Licence | None) -> list[Finding]:
    """What an editor should know about the source's declarations and the chosen licence.

    An unrecognised declaration keeps the registry's finding as it is when the licence fell
    back to the council's rules (a person must check which is right), and becomes a warning
    when something explicit decided instead (a usable declaration, or a forced rule).
    """
    decided = origin in ("declared", "forced")
    findings = [_demote(p, f"(ignored: using {licence.short_name})") if decided else p
                for p in problems]
    offered_ids = {lic.id for lic in offered}
    if origin == "forced" and offered and licence.id not in offered_ids:
        assert rule is not None
        findings.append(_conflict(
            f"{rule.describe()} forces {licence.short_name} over the licence the source "
            f"declares ({offered[0].short_name}); check the council holds the rights to "
            "relicense it"))
    if origin != "declared":
        return findings
    if len(offered) > 1:
        others = ", ".join(f"{lic.short_name} ({_destinations(lic)})" for lic in offered[1:])
        findings.append(Finding("licence.dual", "warning",
                                f"the source offers {licence.short_name} "
                                f"({_destinations(licence)}) and {others}; using "
                                f"{licence.short_name}, the one reusers can do most with"))
    if fallback is not None and fallback.id not in offered_ids:
        by = rule.describe() if rule else "the default licence"
        findings.append(_conflict(
            f"the source declares {licence.short_name} but {by} gives {fallback.short_name}; "
            f"using the declared {licence.short_name}. Add force: true to a rule if the "
            "council's licence must win"))
    return findings


def _destinations(licence: Licence) -> str:
    """Which Wikimedia destinations take a licence, for editors choosing among several."""
    gates = [name for gate, name in (("commons", "Commons"), ("wikipedia_text", "Wikipedia"))
             if licence.accepted_by(gate)]
    return " and ".join(gates) + " accept it" if gates else "no Wikimedia destination"


def _conflict(message: str) -> Finding:
    return Finding("licence.conflict", "warning", message)


def _demote(finding: Finding, note: str) -> Finding:
    """A problem with one declaration that something else made moot: keep it, as a warning."""
    return replace(finding, severity="warning", message=f"{finding.message} {note}")


# --- reading the configuration ------------------------------------------------------------

def _hint(value: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(value, list(known), n=3, cutoff=0.6)
    if close:
        return "; did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    return f"; choose from {', '.join(sorted(known))}" if len(known) <= 12 else ""


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
    return Rule(number=index + 1, match=_match(fields["match"], _key(key, "match")),
                licence=_licence(fields["licence"], _key(key, "licence")), force=force,
                attribution=_attributor(fields.get("attribution"), _key(key, "attribution")),
                evidence=_url(fields.get("evidence"), _key(key, "evidence")),
                updates=policy.parse_updates(fields.get("updates"), _key(key, "updates")),
                expires_after=policy.parse_duration(fields.get("expires_after"),
                                                    _key(key, "expires_after")))


def _match(value: Any, key: str) -> dict[str, tuple[str, ...]]:
    fields = _mapping(value, key, MATCH_KEYS)
    if not fields:
        raise ConfigError(f"needs at least one of {', '.join(MATCH_KEYS)}; a licence for "
                          "every item is the default", key=key)
    match: dict[str, tuple[str, ...]] = {}
    for name, raw in fields.items():
        values = [raw] if isinstance(raw, str) else raw
        if not isinstance(values, list) or not values or \
                not all(isinstance(v, str) and v for v in values):
            raise ConfigError("must be text or a list of alternatives", key=_key(key, name))
        if name == "kind":
            for kind in values:
                if kind not in KINDS:
                    raise ConfigError(f"unknown kind '{kind}'{_hint(kind, KINDS)}",
                                      key=_key(key, name))
        match[name] = tuple(values)
    return match
