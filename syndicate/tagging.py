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

The section itself is read, and its mistakes reported, by syndicate.licensing_config.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, Literal

from syndicate.attribution import Attributor, build_attribution
from syndicate.licences import Licence, preference, registry
from syndicate.matching import Match
from syndicate.model import Finding, Item

Origin = Literal["declared", "forced", "rule", "default"]


@dataclass(frozen=True)
class Rule:
    """One entry of ``licensing.rules``. ``licence`` None means ``licence: none``."""

    number: int                              # 1-based, for messages to people
    match: Match
    licence: Licence | None
    force: bool = False
    attribution: Attributor | None = None
    evidence: str | None = None
    updates: bool | None = None              # ``updates: auto`` (syndicate.policy)
    expires_after: timedelta | None = None

    def matches(self, item: Item) -> bool:
        """Every key of ``match`` must match; within a key, any alternative may."""
        return self.match.matches(item)

    def describe(self) -> str:
        return f"licensing rule {self.number} ({self.match.describe()})"


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
        """Parse the ``licensing:`` section (syndicate.licensing_config); raise ConfigError
        with the dotted key (relative to the section) of the first thing that is wrong."""
        # Imported here: the parser builds this class, so it imports this module.
        from syndicate.licensing_config import parse_licensing

        return parse_licensing(data)

    def check_sources(self, names: Collection[str]) -> None:
        """Raise ConfigError for a rule naming a source that is not configured: a typo there
        would silently never match."""
        for rule in self.rules:
            rule.match.check_sources(names, f"rules.{rule.number - 1}.match")

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
