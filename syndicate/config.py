"""Reading syndicate.yaml into a validated :class:`Config`.

Every mistake is reported as ``file:line: key: what is wrong`` with a did-you-mean for
unknown keys, before anything runs. Sink and source classes are loaded here (and only the
ones the file names) so their own keys are checked too.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from syndicate import limits as limits_module
from syndicate import plugins, yamlfile
from syndicate.errors import ConfigError
from syndicate.model import KINDS
from syndicate.secrets import Secret
from syndicate.sinks.base import Organisation, Sink
from syndicate.sources.base import Source
from syndicate.tagging import Licensing

TOP_KEYS = ("organisation", "sources", "licensing", "queue", "sinks", "state", "limits")
ORGANISATION_KEYS = ("name", "url", "contact")
QUEUE_KEYS = ("path", "max_pending", "keep_days")
STATE_KEYS = ("path",)
SINK_COMMON_KEYS = ("type", "kinds", "sources")


@dataclass(frozen=True)
class SourceSpec:
    """A configured source: its name, class and own options."""

    name: str
    cls: type[Source]
    options: Mapping[str, Any]


@dataclass(frozen=True)
class SinkSpec:
    """A configured sink: its name, class, the kinds and sources it takes, its options."""

    name: str
    cls: type[Sink]
    kinds: frozenset[str]
    sources: frozenset[str] | None
    options: Mapping[str, Any]

    def takes(self, kind: str, source: str) -> bool:
        return kind in self.kinds and (self.sources is None or source in self.sources)


@dataclass(frozen=True)
class QueueSettings:
    path: Path
    max_pending: int = 500
    keep_days: int = 14


@dataclass
class Config:
    """A validated configuration. ``document`` keeps the file's lines for later errors."""

    path: Path | None
    organisation: Organisation
    licensing: Licensing
    queue: QueueSettings
    state_dir: Path
    sources: dict[str, SourceSpec] = field(default_factory=dict)
    sinks: dict[str, SinkSpec] = field(default_factory=dict)
    document: yamlfile.Document | None = None
    limits: limits_module.Limits = field(default_factory=limits_module.Limits)

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path is not None else Path.cwd()

    def where(self, *keys: Hashable) -> str:
        """``file:line`` of a key, for messages raised after loading."""
        return self.document.where(*keys) if self.document else "(no config)"


def default_path() -> Path:
    """``$SYNDICATE_CONFIG`` or ./syndicate.yaml."""
    return Path(os.environ.get("SYNDICATE_CONFIG") or "syndicate.yaml")


def empty(base_dir: Path | None = None) -> Config:
    """The configuration ``inspect`` uses without a file: no default licence, no sinks."""
    base = base_dir or Path.cwd()
    return Config(path=None, organisation=Organisation("syndicate"),
                  licensing=Licensing.from_config({}),
                  queue=QueueSettings(base / "queue.yaml"), state_dir=base / ".syndicate")


def load(path: Path) -> Config:
    """Read and validate ``path``; raise ConfigError naming file, line and key."""
    doc = yamlfile.load(path)
    data = doc.data if doc.data is not None else {}
    reader = _Reader(doc)
    reader.mapping(data, (), TOP_KEYS)
    base = path.parent
    org = reader.mapping(data.get("organisation"), ("organisation",), ORGANISATION_KEYS)
    if "name" not in org:
        reader.fail(("organisation",), "organisation.name is required (the council's name)")
    organisation = Organisation(**{k: str(v) for k, v in org.items()})
    try:
        licensing = Licensing.from_config(data.get("licensing") or {})
    except ConfigError as exc:
        raise reader.error(("licensing", *_split(exc.key)), str(exc)) from None
    queue = reader.mapping(data.get("queue"), ("queue",), QUEUE_KEYS)
    state = reader.mapping(data.get("state"), ("state",), STATE_KEYS)
    config = Config(
        path=path, organisation=organisation, licensing=licensing, document=doc,
        queue=QueueSettings(
            path=base / str(queue.get("path", "queue.yaml")),
            max_pending=reader.positive_int(queue, ("queue", "max_pending"), 500),
            keep_days=reader.positive_int(queue, ("queue", "keep_days"), 14)),
        state_dir=base / str(state.get("path", ".syndicate")),
        limits=reader.limits(data.get("limits")),
    )
    sources = reader.mapping(data.get("sources"), ("sources",), None)
    for name, options in sources.items():
        config.sources[str(name)] = reader.source(str(name), options)
    try:
        licensing.check_sources(config.sources)
    except ConfigError as exc:
        raise reader.error(("licensing", *_split(exc.key)), str(exc)) from None
    sinks = reader.mapping(data.get("sinks"), ("sinks",), None)
    for name, options in sinks.items():
        config.sinks[str(name)] = reader.sink(str(name), options, set(config.sources))
    return config


def _split(key: str | None) -> tuple[Hashable, ...]:
    if not key:
        return ()
    return tuple(int(p) if p.isdigit() else p for p in key.split("."))


class _Reader:
    """Validation helpers that know where each key is in the file."""

    def __init__(self, doc: yamlfile.Document) -> None:
        self.doc = doc

    def error(self, keys: tuple[Hashable, ...], message: str) -> ConfigError:
        dotted = ".".join(str(k) for k in keys)
        prefix = f"{dotted}: " if dotted and not message.startswith(dotted) else ""
        return ConfigError(f"{self.doc.where(*keys)}: {prefix}{message}", key=dotted or None)

    def fail(self, keys: tuple[Hashable, ...], message: str) -> None:
        raise self.error(keys, message)

    def mapping(self, value: Any, keys: tuple[Hashable, ...],
                allowed: tuple[str, ...] | frozenset[str] | None) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(keys, f"expected a mapping of keys, got {type(value).__name__}")
        if allowed is not None:
            for key in value:
                if key not in allowed:
                    close = difflib.get_close_matches(str(key), list(allowed), n=1)
                    hint = f"; did you mean '{close[0]}'?" if close else \
                        f"; allowed: {', '.join(sorted(allowed))}"
                    self.fail((*keys, key), f"unknown key '{key}'{hint}")
        return dict(value)

    def positive_int(self, section: Mapping[str, Any], keys: tuple[Hashable, ...],
                     default: int) -> int:
        value = section.get(str(keys[-1]), default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.fail(keys, f"must be a whole number of 1 or more, not {value!r}")
        return int(value)

    def options(self, keys: tuple[Hashable, ...], options: dict[str, Any],
                allowed: frozenset[str]) -> dict[str, Any]:
        self.mapping(options, keys, allowed)
        return {k: self.secret(v, (*keys, k)) for k, v in options.items()}

    def secret(self, value: Any, keys: tuple[Hashable, ...]) -> Any:
        """``{env: NAME}`` / ``{file: PATH}`` become Secrets; nothing is read yet."""
        if isinstance(value, dict) and len(value) == 1 and set(value) <= {"env", "file"}:
            dotted = ".".join(str(k) for k in keys)
            if "env" in value:
                return Secret(env=str(value["env"]), key=dotted)
            base = self.doc.path.parent
            return Secret(file=base / str(value["file"]), key=dotted)
        return value

    def limits(self, value: Any) -> limits_module.Limits:
        section = self.mapping(value, ("limits",), limits_module.KEYS)
        try:
            return limits_module.from_config(section)
        except ConfigError as exc:
            raise self.error(("limits", str(exc.key)), str(exc)) from None

    def plugin_timeout(self, keys: tuple[Hashable, ...], options: Mapping[str, Any]) -> None:
        try:
            limits_module.plugin_timeout(options, limits_module.Limits())
        except ConfigError as exc:
            raise self.error((*keys, "timeout"), str(exc)) from None

    def source(self, name: str, options: Any) -> SourceSpec:
        keys: tuple[Hashable, ...] = ("sources", name)
        options = self.mapping(options, keys, None)
        cls = self.plugin(keys, options, plugins.load_source)
        allowed = frozenset({"type"}) | limits_module.PLUGIN_KEYS | cls.config_keys
        opts = self.options(keys, options, allowed)
        self.plugin_timeout(keys, opts)
        return SourceSpec(name, cls, {k: v for k, v in opts.items() if k != "type"})

    def sink(self, name: str, options: Any, source_names: set[str]) -> SinkSpec:
        keys: tuple[Hashable, ...] = ("sinks", name)
        options = self.mapping(options, keys, None)
        cls = self.plugin(keys, options, plugins.load_sink)
        opts = self.options(keys, options, frozenset(SINK_COMMON_KEYS) | cls.config_keys
                            | limits_module.PLUGIN_KEYS)
        self.plugin_timeout(keys, opts)
        kinds = frozenset(self.names(opts, (*keys, "kinds"), KINDS) or cls.kinds)
        if not kinds <= cls.kinds:
            self.fail((*keys, "kinds"), f"sink type '{options['type']}' takes only "
                      f"{', '.join(sorted(cls.kinds))}")
        sources = self.names(opts, (*keys, "sources"), frozenset(source_names))
        rest = {k: v for k, v in opts.items() if k not in SINK_COMMON_KEYS}
        return SinkSpec(name, cls, kinds, frozenset(sources) if sources else None, rest)

    def plugin(self, keys: tuple[Hashable, ...], options: dict[str, Any], load: Any) -> Any:
        if "type" not in options:
            self.fail(keys, "needs a 'type' (see `syndicate sinks` for what is installed)")
        try:
            return load(str(options["type"]))
        except ConfigError as exc:
            raise self.error((*keys, "type"), str(exc)) from None

    def names(self, opts: Mapping[str, Any], keys: tuple[Hashable, ...],
              allowed: frozenset[str]) -> list[str]:
        value = opts.get(str(keys[-1]))
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(keys, "must be a list of names, like [image, document]")
        for name in value:
            if name not in allowed:
                close = difflib.get_close_matches(name, list(allowed), n=1)
                hint = f"did you mean '{close[0]}'?" if close else \
                    f"choose from {', '.join(sorted(allowed)) or 'none'}"
                self.fail(keys, f"unknown name '{name}'; {hint}")
        return list(value)


def located(config: Config, section: str, name: str, exc: ConfigError) -> ConfigError:
    """Turn a sink's or source's own ConfigError (raised by its constructor with a key
    relative to itself) into one that names the file, line and full key."""
    own = _split(exc.key)
    if own[:2] == (section, name):  # a Secret names its full key already
        own = own[2:]
    keys: tuple[Hashable, ...] = (section, name, *own)
    dotted = ".".join(str(k) for k in keys)
    return ConfigError(f"{config.where(*keys)}: {dotted}: {exc}", key=dotted)
