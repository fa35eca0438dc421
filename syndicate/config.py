"""Reading syndicate.yaml into a validated :class:`Config`.

Every mistake is reported as ``file:line: key: what is wrong`` with a did-you-mean for
unknown keys, before anything runs. Sink and source classes are loaded here (and only the
ones the file names) so their own keys are checked too.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from syndicate import limits as limits_module
from syndicate import plugins, policy, yamlfile
from syndicate import urgent as urgent_lane
from syndicate.errors import ConfigError
from syndicate.matching import Match
from syndicate.model import KINDS, Item
from syndicate.options import FilePath, Integer, LanguageTag, Option
from syndicate.secrets import Secret, read_env_file, secret_from
from syndicate.sinks.base import Organisation, Sink, SinkContext
from syndicate.sources.base import Source, SourceContext
from syndicate.tagging import Licensing

TOP_KEYS = ("organisation", "sources", "licensing", "queue", "sinks", "state", "env_file",
            "notify", "urgent", "limits")
ORGANISATION_KEYS = ("name", "url", "contact", "language")
QUEUE_KEYS = ("path", "max_pending", "keep_days")
STATE_KEYS = ("path", "metrics")
NOTIFY_KEYS = ("email", "review_url")
EMAIL_KEYS = ("to", "from", "host", "port", "security", "username", "password", "ca_file",
              "max_items")
EMAIL_SECURITY = {"starttls": 587, "ssl": 465, "none": 25}
SINK_COMMON_KEYS = ("type", "kinds", "sources", "match", "timeout")
SOURCE_COMMON_KEYS = ("type", "timeout")
T = TypeVar("T")
MAX_PENDING = Option("max_pending", Integer(), default=500, range=(1, 1_000_000))
KEEP_DAYS = Option("keep_days", Integer(), default=14, range=(1, 36_500))
MAX_ITEMS = Option("max_items", Integer(), default=20, range=(1, 1000))
LANGUAGE = Option("language", LanguageTag(), default="en-GB")
#: A user name or password inside a URL (``https://user:secret@host/``).
_URL_CREDENTIALS = re.compile(r"^\s*[A-Za-z][A-Za-z0-9+.-]*://[^/?#\s]*@")


@dataclass(frozen=True)
class SourceSpec:
    """A configured source: its name, class and own options."""

    name: str
    cls: type[Source]
    options: Mapping[str, Any]
    #: ``updates`` (bool) and ``expires_after`` (timedelta), read by syndicate.policy, not
    #: by the source; None where the source says nothing.
    policy: Mapping[str, Any] = field(default_factory=dict)
    timeout: int | None = None  # seconds per call, if not limits.plugin_timeout


@dataclass(frozen=True)
class SinkSpec:
    """A configured sink: its name, class, the kinds and sources it takes, its options."""

    name: str
    cls: type[Sink]
    kinds: frozenset[str]
    sources: frozenset[str] | None
    options: Mapping[str, Any]
    type: str = ""          # the registered sink type (commons, feed, a plugin's name)
    match: Match | None = None      # a topic: only the items this matches
    timeout: int | None = None  # seconds per call, if not limits.plugin_timeout

    def takes(self, kind: str, source: str) -> bool:
        return kind in self.kinds and (self.sources is None or source in self.sources)

    def takes_item(self, item: Item) -> bool:
        """``kinds:``, ``sources:`` and ``match:`` all hold for ``item``."""
        return self.takes(item.kind, item.source) and (self.match is None
                                                       or self.match.matches(item))


@dataclass(frozen=True)
class QueueSettings:
    path: Path
    max_pending: int = 500
    keep_days: int = 14


@dataclass(frozen=True)
class EmailSettings:
    """Where the digest goes and how it is sent (``notify.email``)."""

    to: tuple[str, ...]
    sender: str
    host: str
    port: int
    security: str                  # starttls | ssl | none
    username: str | None = None
    password: Secret | None = None
    ca_file: Path | None = None     # a private CA for the mail relay's certificate
    max_items: int = 20


@dataclass(frozen=True)
class NotifySettings:
    """``notify:``: the email digest and the review page's address for links."""

    email: EmailSettings | None = None
    review_url: str | None = None


@dataclass
class Config:
    """A validated configuration. ``document`` keeps the file's lines for later errors."""

    path: Path | None
    organisation: Organisation
    licensing: Licensing
    queue: QueueSettings
    state_dir: Path
    #: Prometheus text file written after each run (``state.metrics:``), or None.
    metrics: Path | None = None
    sources: dict[str, SourceSpec] = field(default_factory=dict)
    sinks: dict[str, SinkSpec] = field(default_factory=dict)
    document: yamlfile.Document | None = None
    notify: NotifySettings = field(default_factory=NotifySettings)
    urgent: tuple[urgent_lane.UrgentRule, ...] = ()   # the emergency lane (syndicate.urgent)
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
    reader.refuse_url_credentials(data, ())
    base = path.parent
    if data.get("env_file") is not None:
        reader.env_file = reader.read_env_file(data["env_file"])
    org = reader.mapping(data.get("organisation"), ("organisation",), ORGANISATION_KEYS)
    if "name" not in org:
        reader.fail(("organisation",), "organisation.name is required (the council's name)")
    organisation = Organisation(**{k: str(v) for k, v in org.items() if k != "language"},
                                language=reader.option(org, ("organisation",), LANGUAGE))
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
            max_pending=reader.option(queue, ("queue",), MAX_PENDING),
            keep_days=reader.option(queue, ("queue",), KEEP_DAYS)),
        state_dir=base / str(state.get("path", ".syndicate")),
        metrics=base / str(state["metrics"]) if state.get("metrics") else None,
        notify=reader.notify(data.get("notify")),
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
    build_all(config)
    try:
        config.urgent = urgent_lane.parse(data.get("urgent"), config.sinks, set(config.sources), [
            spec.name for spec in config.sinks.values() if policy.is_feed_sink(spec.cls)])
    except ConfigError as exc:
        raise reader.error(_split(exc.key), str(exc)) from None
    return config


def build_all(config: Config) -> None:
    """Construct every configured source and sink once, so each checks its own options
    now: a bad value is exit 2 before anything runs, not a failure in the middle of the
    night. (The workspace constructs them again with their real context.)"""
    from syndicate.fetch import Fetcher

    fetcher = Fetcher("syndicate (checking the configuration)")
    for source in config.sources.values():
        context = SourceContext(base_dir=config.base_dir, fetcher=fetcher)
        construct(config, "sources", source.name,
                  functools.partial(source.cls, source.name, source.options, context))
    for sink in config.sinks.values():
        sink_context = SinkContext(base_dir=config.base_dir, state_dir=config.state_dir,
                                   organisation=config.organisation, user_agent="syndicate",
                                   dry_run=True)
        construct(config, "sinks", sink.name,
                  functools.partial(sink.cls, sink.name, sink.options, sink_context))


def construct(config: Config, section: str, name: str, make: Callable[[], T]) -> T:
    """``make()`` — a sink or source constructor — with its ConfigError located in the
    file, and any other exception from a plugin turned into a config error naming it."""
    try:
        return make()
    except ConfigError as exc:
        raise located(config, section, name, exc) from None
    except Exception as exc:  # a plugin's constructor must not crash the command
        what = "sink" if section == "sinks" else "source"
        raise ConfigError(f"{config.where(section, name)}: {section}.{name}: the {what} could "
                          f"not be set up ({type(exc).__name__}: {exc}); check its options "
                          f"with `syndicate {section} --options TYPE`, or report it to the "
                          "plugin's authors", key=f"{section}.{name}") from None


def _split(key: str | None) -> tuple[Hashable, ...]:
    if not key:
        return ()
    return tuple(int(p) if p.isdigit() else p for p in key.split("."))


class _Reader:
    """Validation helpers that know where each key is in the file."""

    def __init__(self, doc: yamlfile.Document) -> None:
        self.doc = doc
        self.env_file: dict[str, str] = {}

    def read_env_file(self, value: Any) -> dict[str, str]:
        if not isinstance(value, str) or not value.strip():
            self.fail(("env_file",), "must be the path of a KEY=VALUE file (mode 0600), "
                      "relative to syndicate.yaml")
        try:
            return read_env_file(self.doc.path.parent / value)
        except ConfigError as exc:
            raise self.error(("env_file",), str(exc)) from None

    def refuse_url_credentials(self, value: Any, keys: tuple[Hashable, ...]) -> None:
        """No user name or password inside any URL in the file: it would end up in logs,
        reports and the queue. Credentials go in secret options."""
        if isinstance(value, dict):
            for key, child in value.items():
                self.refuse_url_credentials(child, (*keys, key))
        elif isinstance(value, list):
            for index, child in enumerate(value):
                self.refuse_url_credentials(child, (*keys, index))
        elif isinstance(value, str) and _URL_CREDENTIALS.match(value):
            self.fail(keys, "a URL here must not contain a user name or password (user:"
                      "password@host); remove them and give credentials as {env: NAME} or "
                      "{file: PATH} secrets in the sink's username/password options")

    def error(self, keys: tuple[Hashable, ...], message: str) -> ConfigError:
        dotted = _dotted(keys)
        if keys and message.startswith(f"{keys[-1]} must "):  # "max_pending must …": once
            message = message[len(str(keys[-1])) + 1:]
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

    def option(self, section: Mapping[str, Any], keys: tuple[Hashable, ...],
               option: Option) -> Any:
        """One of syndicate's own options, checked like a plugin's."""
        if section.get(option.name) is None:
            return option.default
        try:
            return option.convert(section[option.name], self.doc.path.parent)
        except ConfigError as exc:
            raise self.error((*keys, option.name), str(exc)) from None

    def options(self, keys: tuple[Hashable, ...], options: dict[str, Any],
                cls: type[Sink] | type[Source], common: tuple[str, ...]) -> dict[str, Any]:
        """A plugin's options: unknown keys refused; secrets made :class:`Secret` (a
        secret file is checked now: it must exist and be private)."""
        self.mapping(options, keys, frozenset(common) | cls.config_keys)
        secret_keys = {o.name for o in cls.options if o.secret} | cls.untyped_keys
        result = {}
        for key, value in options.items():
            if key in secret_keys:
                dotted = ".".join(str(k) for k in (*keys, key))
                try:
                    made = secret_from(value, dotted, self.doc.path.parent, self.env_file)
                    if made is not None:
                        made.check_file()
                        value = made
                except ConfigError as exc:
                    raise self.error((*keys, key), str(exc)) from None
            result[key] = value
        return result

    def notify(self, value: Any) -> NotifySettings:
        section = self.mapping(value, ("notify",), NOTIFY_KEYS)
        url = section.get("review_url")
        if url is not None and not str(url).startswith(("https://", "http://")):
            self.fail(("notify", "review_url"), "must be an http(s) address of the review "
                      "page, like https://intranet.example.gov.uk/syndicate/queue.html")
        email = None
        if section.get("email") is not None:
            email = self.email(section["email"])
        return NotifySettings(email, str(url) if url is not None else None)

    def email(self, value: Any) -> EmailSettings:
        keys: tuple[Hashable, ...] = ("notify", "email")
        section = self.mapping(value, keys, EMAIL_KEYS)
        for required in ("to", "from", "host"):
            if not section.get(required):
                self.fail((*keys,), f"notify.email.{required} is required")
        to = section["to"] if isinstance(section["to"], list) else [section["to"]]
        for address in [*to, section["from"]]:
            if not isinstance(address, str) or not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+",
                                                                address.strip()):
                self.fail((*keys, "to" if address in to else "from"),
                          f"{address!r} is not an email address like editors@example.gov.uk")
        security = str(section.get("security", "starttls")).lower()
        if security not in EMAIL_SECURITY:
            self.fail((*keys, "security"), f"must be one of {', '.join(EMAIL_SECURITY)}")
        port = self.option(section, keys, Option("port", Integer(),
                                                 default=EMAIL_SECURITY[security],
                                                 range=(1, 65535)))
        password = self.secret(section.get("password"), (*keys, "password"))
        if password is not None and security == "none" and \
                str(section["host"]) not in ("localhost", "127.0.0.1", "::1"):
            self.fail((*keys, "security"), "a password is never sent unencrypted: use "
                      "starttls or ssl")
        ca_file = section.get("ca_file")
        return EmailSettings(
            to=tuple(a.strip() for a in to), sender=str(section["from"]).strip(),
            host=str(section["host"]), port=port, security=security,
            username=str(section["username"]) if section.get("username") else None,
            password=password,
            ca_file=self.doc.path.parent / str(ca_file) if ca_file else None,
            max_items=self.option(section, keys, MAX_ITEMS))

    def secret(self, value: Any, keys: tuple[Hashable, ...]) -> Secret | None:
        """One of syndicate's own secrets: ``{env:}``/``{file:}`` only, never inline."""
        if value is None:
            return None
        dotted = ".".join(str(k) for k in keys)
        try:
            made = secret_from(value, dotted, self.doc.path.parent, self.env_file)
            if made is None:
                raise ConfigError("must be a secret: give it as {env: NAME} or {file: PATH}, "
                                  "never inline in syndicate.yaml", key=dotted)
            made.check_file()
        except ConfigError as exc:
            raise self.error(keys, str(exc)) from None
        return made

    def limits(self, value: Any) -> limits_module.Limits:
        """``limits:``, each cap checked like an option (type and range)."""
        section = self.mapping(value, ("limits",), None)
        try:
            return limits_module.from_config(section, self.doc.path.parent)
        except ConfigError as exc:
            raise self.error(("limits", *_split(exc.key)), str(exc)) from None

    def source(self, name: str, options: Any) -> SourceSpec:
        keys: tuple[Hashable, ...] = ("sources", name)
        options = self.mapping(options, keys, None)
        cls = self.plugin(keys, options, plugins.load_source)
        common = (*SOURCE_COMMON_KEYS, *policy.KEYS)
        opts = self.options(keys, options, cls, common)
        try:
            settings = policy.source_settings(opts, f"sources.{name}")
        except ConfigError as exc:
            raise self.error(_split(exc.key), str(exc)) from None
        own = {k: v for k, v in opts.items() if k not in common}
        return SourceSpec(name, cls, own, settings,
                          self.option(opts, keys, limits_module.TIMEOUT))

    def sink(self, name: str, options: Any, source_names: set[str]) -> SinkSpec:
        keys: tuple[Hashable, ...] = ("sinks", name)
        options = self.mapping(options, keys, None)
        cls = self.plugin(keys, options, plugins.load_sink)
        opts = self.options(keys, options, cls, SINK_COMMON_KEYS)
        kinds = frozenset(self.names(opts, (*keys, "kinds"), KINDS) or cls.kinds)
        if not kinds <= cls.kinds:
            self.fail((*keys, "kinds"), f"sink type '{options['type']}' takes only "
                      f"{', '.join(sorted(cls.kinds))}")
        sources = self.names(opts, (*keys, "sources"), frozenset(source_names))
        match = None
        if "match" in opts:
            try:
                match = Match.parse(opts["match"], "match")
                match.check_sources(source_names, "match")
            except ConfigError as exc:
                raise self.error((*keys, *_split(exc.key)), str(exc)) from None
        rest = {k: v for k, v in opts.items() if k not in SINK_COMMON_KEYS}
        return SinkSpec(name, cls, kinds, frozenset(sources) if sources else None, rest,
                        str(options["type"]), match,
                        timeout=self.option(opts, keys, limits_module.TIMEOUT))

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


def source_problem(config: Config, name: str, exc: Exception) -> str:
    """A source's error for the run report: with the line of the option at fault, and for
    a path, where paths start from."""
    message = str(exc)
    key = getattr(exc, "key", None)
    spec = config.sources.get(name)
    if not key or spec is None:
        return message
    keys = ("sources", name, key)
    hint = ""
    if any(o.name == key and isinstance(o.kind, FilePath) for o in spec.cls.options):
        hint = (f" (paths are relative to the folder of the config file, "
                f"{config.base_dir.absolute()})")
    return f"{config.where(*keys)}: {_dotted(keys)}: {message}{hint}"


def _dotted(keys: tuple[Hashable, ...]) -> str:
    """``licensing.rules[2].licence``: list positions counted from 1, as people count."""
    text = ""
    for key in keys:
        text += f"[{key + 1}]" if isinstance(key, int) else f".{key}" if text else str(key)
    return text


def located(config: Config, section: str, name: str, exc: ConfigError) -> ConfigError:
    """Turn a sink's or source's own ConfigError (raised by its constructor with a key
    relative to itself) into one that names the file, line and full key."""
    own = _split(exc.key)
    if own[:2] == (section, name):  # a Secret names its full key already
        own = own[2:]
    keys: tuple[Hashable, ...] = (section, name, *own)
    dotted = _dotted(keys)
    message = str(exc)
    if exc.key and message.startswith(f"{exc.key} must "):  # "max_entries must …": once
        message = message[len(exc.key) + 1:]
    return ConfigError(f"{config.where(*keys)}: {dotted}: {message}", key=dotted)
