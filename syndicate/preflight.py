"""``syndicate check``: the pre-flight a web team runs after every config change.

The config has already loaded (so every option of every sink and source is valid); this
checks what loading does not: every secret is there and private, every path can be used,
and — with ``online`` — every source answers and every wiki account can log in and holds
the rights its sink needs. It changes nothing: no lock, no ledger write, no HTTP cache.
"""

from __future__ import annotations

import functools
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syndicate.boundary import Boundary, PluginFault, plugin_timeouts
from syndicate.config import Config, construct
from syndicate.errors import ConfigError, InputError, SinkError, SourceError
from syndicate.fetch import Fetcher
from syndicate.ledger import Ledger
from syndicate.mediawiki import Account, RetryPolicy
from syndicate.model import Item
from syndicate.options import FilePath
from syndicate.pipeline import check_queue
from syndicate.secrets import Secret
from syndicate.sinks.base import Sink, SinkContext
from syndicate.sources.base import Source, SourceContext
from syndicate.status import Status
from syndicate.workspace import user_agent

#: The user rights each wiki sink needs, and the bot-password grant that gives each
#: (Special:BotPasswords shows the grants by these descriptions).
GRANTS = {
    "edit": "Edit existing pages (editpage)",
    "createpage": "Create, edit, and move pages (createeditmovepage)",
    "createtalk": "Create, edit, and move pages (createeditmovepage)",
    "upload": "Upload new files (uploadfile)",
    "reupload-own": "Upload new files (uploadfile)",
}
RIGHTS = {"commons": ("edit", "upload"), "wikipedia-draft": ("edit", "createpage", "createtalk")}


@dataclass(frozen=True)
class Check:
    """One thing checked: ``ok`` or not, what (``source news``), and what was found."""

    ok: bool
    subject: str
    message: str
    #: Advice that does not stop a run (a sink's warning): shown, but the check passes.
    warning: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "subject": self.subject, "message": self.message,
                "warning": self.warning}


def check(config: Config, *, online: bool = False) -> list[Check]:
    """Everything the first night needs, checked without changing anything."""
    found = [*_secrets(config), *_paths(config), *_queue(config), *_sink_advice(config)]
    if online:
        found.extend(_sources_online(config))
        found.extend(_wikis_online(config))
    return found


def first_night(config: Config) -> list[str]:
    """What the next run would do, from the ledger as it stands (read, never written)."""
    names = ", ".join(config.sources) or "none"
    lines = [f"collect from {len(config.sources)} sources ({names})"]
    path = config.state_dir / "state.sqlite"
    if not path.exists():
        lines.append("no items yet: the first run queues everything it collects as pending "
                     f"in {config.queue.path} for editors; nothing is published until they "
                     "approve")
        return lines
    ledger = Ledger.scratch_copy(path)
    try:
        due: Counter[str] = Counter()
        for record in ledger.with_status(Status.APPROVED, Status.FAILED):
            due.update(record.sinks)
        counts = ledger.counts()
    finally:
        ledger.close()
    for sink in config.sinks:
        lines.append(f"publish to {sink}: {due[sink]} approved items waiting")
    if counts.get(Status.PENDING):
        lines.append(f"{counts[Status.PENDING]} items wait for an editor in {config.queue.path}")
    return lines


def _secrets(config: Config) -> Iterator[Check]:
    for section, specs in (("sources", config.sources), ("sinks", config.sinks)):
        for name, spec in specs.items():
            for key, value in spec.options.items():
                if not isinstance(value, Secret):
                    continue
                subject = f"secret {section}.{name}.{key}"
                try:
                    value.reveal()
                except ConfigError as exc:
                    yield Check(False, subject, f"{config.where(section, name, key)}: {exc}")
                else:
                    yield Check(True, subject, f"{value.describe()}: set and readable")


def _paths(config: Config) -> Iterator[Check]:
    yield _writable(config, "queue.path", config.queue.path, ("queue", "path"))
    yield _writable(config, "state.path", config.state_dir, ("state", "path"))
    if config.metrics is not None:
        yield _writable(config, "state.metrics", config.metrics, ("state", "metrics"))
    for section, specs in (("sources", config.sources), ("sinks", config.sinks)):
        for name, spec in specs.items():
            for option in spec.cls.options:
                value = spec.options.get(option.name)
                if not isinstance(option.kind, FilePath) or not isinstance(value, str):
                    continue
                keys = (section, name, option.name)
                label = ".".join(keys)
                if section == "sources":
                    yield _readable(config, label, config.base_dir / value, keys)
                else:
                    yield _writable(config, label, config.base_dir / value, keys)


def _queue(config: Config) -> Iterator[Check]:
    """The editors' queue must read cleanly, or the next run stops before publishing."""
    if not config.queue.path.exists():
        return
    problems = check_queue(config)
    for problem in problems:
        yield Check(False, "queue", problem)
    if not problems:
        yield Check(True, "queue", f"{config.queue.path} reads cleanly")


def _readable(config: Config, label: str, path: Path, keys: tuple[str, ...]) -> Check:
    path = path.absolute()
    if path.exists() and os.access(path, os.R_OK):
        return Check(True, f"path {label}", f"{path} exists")
    return Check(False, f"path {label}", f"{config.where(*keys)}: {label} is {path}, which "
                 f"does not exist{_relative_hint(config, path)}")


def _writable(config: Config, label: str, path: Path, keys: tuple[str, ...]) -> Check:
    path = path.absolute()
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if os.access(existing, os.W_OK):
        state = "exists" if existing == path else f"will be created in {existing}"
        return Check(True, f"path {label}", f"{path} {state}")
    return Check(False, f"path {label}", f"{config.where(*keys)}: {label} is {path}, but "
                 f"{existing} is not writable by this user{_relative_hint(config, path)}")


def _relative_hint(config: Config, path: Path) -> str:
    return f"; paths are relative to the folder of the config file ({config.base_dir})"


def _sources_online(config: Config) -> Iterator[Check]:
    """Each source read once, up to its first item, without the run's HTTP cache."""
    fetcher = Fetcher(user_agent(config))
    boundary = Boundary(config.limits, plugin_timeouts(config))  # a hung source costs itself
    try:
        for name, spec in config.sources.items():
            problems: list[str] = []
            context = SourceContext(base_dir=config.base_dir, fetcher=fetcher,
                                    problem=problems.append)
            source = construct(config, "sources", name,
                               functools.partial(spec.cls, name, spec.options, context))
            try:
                first = boundary.worker(name, "source").call("items", _first_item, source)
            except (SourceError, InputError, PluginFault) as exc:
                yield Check(False, f"source {name}", str(exc))
                continue
            except Exception as exc:  # a source plugin's bug: report it, check the others
                yield Check(False, f"source {name}", f"the source failed ({type(exc).__name__}: "
                            f"{exc}); report it to the plugin's authors")
                continue
            for problem in problems:
                yield Check(False, f"source {name}", problem)
            if not problems:
                what = f"first item: {first.title!r}" if first is not None else "no items (yet)"
                yield Check(True, f"source {name}", f"read; {what}")
    finally:  # also when the caller stops reading early
        boundary.close()


def _first_item(source: Source) -> Item | None:
    return next(iter(source.items()), None)


def _sink_advice(config: Config) -> Iterator[Check]:
    """What each sink's own :meth:`~syndicate.Sink.preflight` says about its settings."""
    boundary = Boundary(config.limits, plugin_timeouts(config))  # a hung sink costs itself
    try:
        for name, sink in _sinks(config):
            try:
                findings = boundary.worker(name).call("preflight", sink.preflight)
            except PluginFault as exc:
                yield Check(False, f"sink {name}", f"its pre-flight failed: {exc}")
                continue
            except Exception as exc:  # a sink plugin's bug: report it, check the others
                yield Check(False, f"sink {name}", f"its pre-flight failed ({type(exc).__name__}: "
                            f"{exc}); report it to the plugin's authors")
                continue
            for finding in findings:
                error = finding.severity == "error"
                yield Check(not error, f"sink {name}",
                            f"{config.where('sinks', name)}: {finding.code}: {finding.message}",
                            warning=not error)
    finally:  # also when the caller stops reading early
        boundary.close()


def _sinks(config: Config) -> Iterator[tuple[str, Sink]]:
    """Every configured sink, constructed for a dry run (nothing opened)."""
    for name, spec in config.sinks.items():
        yield name, construct(config, "sinks", name,
                              functools.partial(spec.cls, name, spec.options,
                                                _sink_context(config)))


def _wikis_online(config: Config) -> Iterator[Check]:
    """Each wiki sink logs in once with its own credentials and shows its rights."""
    for name, sink in _sinks(config):
        spec = config.sinks[name]
        account = getattr(sink, "account", None)
        if not isinstance(account, Account):
            continue
        yield _wiki_login(config, name, account, RIGHTS.get(spec.type, ()))


def _wiki_login(config: Config, name: str, account: Account,
                needed: tuple[str, ...]) -> Check:
    subject = f"sink {name}"
    try:
        wiki = account.login(user_agent=user_agent(config), policy=RetryPolicy(attempts=1),
                             purpose="publishing", deadline=config.limits.login_deadline)
    except ConfigError as exc:
        return Check(False, subject, f"{config.where('sinks', name)}: {exc}")
    except SinkError as exc:
        return Check(False, subject, str(exc))
    try:
        info = wiki.get("query", meta="userinfo", uiprop="rights",
                        **{"assert": "user"})["query"]["userinfo"]
    except SinkError as exc:
        return Check(False, subject, str(exc))
    finally:
        wiki.close()
    rights = set(info.get("rights", []))
    missing = [right for right in needed if right not in rights]
    if missing:
        grants = sorted({GRANTS.get(right, right) for right in missing})
        return Check(False, subject, f"logged in to {wiki.name} as {info.get('name')}, but "
                     f"the account may not {', '.join(missing)}; on the wiki's "
                     f"Special:BotPasswords give this bot password the grants: "
                     f"{'; '.join(grants)}")
    return Check(True, subject, f"logged in to {wiki.name} as {info.get('name')} "
                 f"(may {', '.join(needed) or 'read'})")


def _sink_context(config: Config) -> SinkContext:
    return SinkContext(base_dir=config.base_dir, state_dir=config.state_dir,
                       organisation=config.organisation, user_agent=user_agent(config),
                       dry_run=True)

