"""Typed options for sinks and sources: declared once as data, checked when the config loads.

A plugin lists its options on the class (Singer SDK's ``Property`` is the model)::

    from syndicate import Option, Sink
    from syndicate.options import Integer, ListOf, Text, Url

    class PartnerApiSink(Sink):
        options = (
            Option("endpoint", Url(), required=True, description="The partner's API."),
            Option("token", Text(), secret=True, required=True,
                   description="API token: {env: NAME} or {file: PATH}, never inline."),
            Option("retries", Integer(), default=3, range=(0, 10),
                   description="Attempts per item before it waits for the next run."),
            Option("tags", ListOf(Text()), default=[], description="Tags on every post."),
        )

The sink then reads ``self.config["retries"]`` (an ``int`` from 0 to 10, the default filled
in) and ``self.secret("token")`` (the secret's text, once syndicate has resolved it).
Every configured sink and source is checked against its options when syndicate.yaml loads,
so a bad value, an unknown key or an inline secret stops every command with exit 2, naming
the file, line and key — before anything runs.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import cssselect

from syndicate.errors import ConfigError
from syndicate.model import is_language_tag
from syndicate.secrets import Secret, reveal, secret_from

# ``Option(default=REQUIRED)`` is the same as ``required=True``.
REQUIRED: Any = object()


class Refused(ValueError):
    """A value refused for a reason of its own, said in full; the value is not repeated
    (it may hold a credential)."""


class OptionType:
    """How one option's value is read from YAML. Subclasses set ``label`` (words for the
    value, as ``syndicate sinks --options`` and errors show them) and write :meth:`convert`.
    """

    label = "a value"

    def convert(self, value: Any) -> Any:
        """The value as the plugin gets it; raise ValueError(what is wanted) if wrong."""
        raise NotImplementedError



class Text(OptionType):
    """A line of text; ``pattern`` (a regex the whole text must match) and ``hint`` (what
    such text looks like, for errors) narrow it."""

    def __init__(self, pattern: str | None = None, hint: str = "", *,
                 allow_empty: bool = False) -> None:
        self.pattern = re.compile(pattern) if pattern else None
        self.label = hint or ("one line of text" if allow_empty else "non-empty text")
        self.allow_empty = allow_empty

    def convert(self, value: Any) -> str:
        if not isinstance(value, str) or "\x00" in value or "\n" in value.strip() \
                or (not value.strip() and not self.allow_empty):
            raise ValueError(self.label)
        if self.pattern is not None and not self.pattern.fullmatch(value):
            raise ValueError(self.label)
        return value


class Integer(OptionType):
    """A whole number; the option's ``range`` is required (no unbounded integers)."""

    label = "a whole number"

    def convert(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(self.label)
        return value


class Number(OptionType):
    """A number, whole or decimal; the option's ``range`` is required."""

    label = "a number"

    def convert(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise ValueError(self.label)
        return float(value)


class Boolean(OptionType):
    """``true`` or ``false`` (never yes/no: the YAML reader keeps those as text)."""

    label = "true or false"

    def convert(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise ValueError(self.label)
        return value


class Url(OptionType):
    """An http(s) address with a host name and no user name or password in it."""

    label = "an http(s) address such as https://www.example.gov.uk/"

    def convert(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(self.label)
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(self.label)
        if parts.username is not None or parts.password is not None:
            raise Refused("an http(s) address without a user name or password in it (give "
                          "credentials as a secret option)")
        return value.strip()


class FilePath(OptionType):
    """A file or folder path, relative to syndicate.yaml unless absolute (kept as text;
    the plugin joins it to ``context.base_dir``)."""

    label = "a non-empty path, relative to syndicate.yaml"

    def convert(self, value: Any) -> str:
        if not isinstance(value, str) or not value.strip() or "\x00" in value:
            raise ValueError(self.label)
        return value


class CssSelector(OptionType):
    """A CSS selector, checked with the translator ``lxml.html`` applies it with (so a
    selector the pages would refuse, such as a pseudo-element, is refused at load)."""

    label = 'a CSS selector, e.g. "#content .article-body"'

    def convert(self, value: Any) -> str:
        if not isinstance(value, str) or not value.strip() or "\x00" in value:
            raise ValueError(self.label)
        try:
            cssselect.HTMLTranslator().css_to_xpath(value)
        except cssselect.SelectorError as error:
            raise Refused(f"a CSS selector this tool can use ({error})") from None
        return value.strip()


class LanguageTag(OptionType):
    """A BCP 47 language tag: what content is written in (``en-GB``, ``cy`` for Welsh)."""

    label = "a language tag such as en-GB or cy"

    def convert(self, value: Any) -> str:
        if not is_language_tag(value):
            raise ValueError(self.label)
        return str(value)


_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}


class Duration(OptionType):
    """A length of time in seconds: a number, or text such as ``90s``, ``15m``, ``2h``, ``7d``,
    ``2w``."""

    label = "a duration such as 90s, 15m, 2h or 7d"

    def convert(self, value: Any) -> float:
        if isinstance(value, bool):
            raise ValueError(self.label)
        if isinstance(value, int | float):
            return float(value)
        match = _DURATION.fullmatch(value.strip()) if isinstance(value, str) else None
        if match is None:
            raise ValueError(self.label)
        return float(match.group(1)) * _UNIT[match.group(2)]


class ListOf(OptionType):
    """A YAML list whose every entry is of type ``item`` (a single value is not taken as
    a list of one: ``kinds: image`` is a mistake worth naming)."""

    def __init__(self, item: OptionType, *, min_items: int = 0) -> None:
        self.item = item
        self.min_items = min_items
        self.label = f"a list (each entry {item.label})"
        if min_items:
            self.label = f"a list of at least {min_items} (each entry {item.label})"

    def convert(self, value: Any) -> list[Any]:
        if not isinstance(value, list) or len(value) < self.min_items:
            raise ValueError(self.label)
        return [self.item.convert(entry) for entry in value]


_ALIASES: dict[Any, type[OptionType]] = {str: Text, int: Integer, float: Number, bool: Boolean}


@dataclass(frozen=True)
class Option:
    """One option a sink or source takes under its name in syndicate.yaml.

    ``type`` is an :class:`OptionType` (or ``str``, ``int``, ``float``, ``bool``);
    ``choices`` limits the value (or each list entry) to those given; ``range`` is
    ``(low, high)`` for numbers and durations (either end may be ``None`` for a number, not
    both for an integer); ``secret=True`` means the value must come from ``{env: NAME}`` or
    ``{file: PATH}`` and reaches the plugin only through ``self.secret(name)``;
    ``default=REQUIRED`` is the same as ``required=True``.
    """

    name: str
    type: OptionType | type = field(default_factory=Text)
    default: Any = None
    description: str = ""
    secret: bool = False
    required: bool = False
    choices: tuple[Any, ...] | None = None
    range: tuple[Any, Any] | None = None

    def __post_init__(self) -> None:
        kind = self.type
        if isinstance(kind, type):
            if kind not in _ALIASES:
                raise TypeError(f"option {self.name}: type must be an OptionType or one of "
                                "str, int, float, bool")
            object.__setattr__(self, "type", _ALIASES[kind]())
        if self.default is REQUIRED:
            object.__setattr__(self, "default", None)
            object.__setattr__(self, "required", True)
        scalar = self.kind.item if isinstance(self.kind, ListOf) else self.kind
        if isinstance(scalar, Integer) and (self.range is None or None in self.range):
            # A bound keeps a typo (99999999999999999999) from reaching a C integer.
            raise TypeError(f"option {self.name}: an integer option needs range=(low, high)")
        if self.choices is not None:
            object.__setattr__(self, "choices", tuple(self.choices))

    @property
    def kind(self) -> OptionType:
        """The option's type as an :class:`OptionType`."""
        assert isinstance(self.type, OptionType)
        return self.type

    @property
    def label(self) -> str:
        """What the value must be, in words (for errors and ``--options``)."""
        if self.secret:
            return "a secret: {env: NAME} or {file: PATH} (a 0600 file), never inline"
        if self.choices is not None:
            one = "one or more of" if isinstance(self.kind, ListOf) else "one of"
            return f"{one}: {', '.join(str(c) for c in self.choices)}"
        text = self.kind.label
        if self.range is not None:
            text += f" {_bounds(*self.range)}"
        return text

    def convert(self, value: Any, base_dir: Path) -> Any:
        """The checked value; ConfigError (key = the option's name) when it is wrong."""
        made = secret_from(value, self.name, base_dir)
        if self.secret:
            if made is None:
                raise ConfigError(f"{self.name} must be a secret: give it as {{env: NAME}} "
                                  "or {file: PATH}, never inline in syndicate.yaml",
                                  key=self.name)
            return made
        if made is not None:
            raise ConfigError(f"{self.name} must be written in syndicate.yaml itself: it "
                              "is not a secret, so {env:} and {file:} do not apply",
                              key=self.name)
        try:
            converted = self.kind.convert(value)
            for entry in converted if isinstance(self.kind, ListOf) else [converted]:
                self._limit(entry)
        except Refused as refused:
            raise ConfigError(f"{self.name} must be {refused}", key=self.name) from None
        except ValueError:
            raise ConfigError(f"{self.name} must be {self.label}, not {_show(value)}",
                              key=self.name) from None
        return converted

    def _limit(self, value: Any) -> None:
        if self.choices is not None and value not in self.choices:
            raise ValueError(value)
        if self.range is not None:
            low, high = self.range
            if (low is not None and value < low) or (high is not None and value > high):
                raise ValueError(value)

    def describe(self) -> dict[str, Any]:
        """The option as data (``syndicate sinks --options NAME --json``)."""
        return {"name": self.name, "type": self.label, "required": self.required,
                "default": None if self.required else self.default, "secret": self.secret,
                "description": self.description}


def apply(schema: Iterable[Option], config: Mapping[str, Any], base_dir: Path, *,
          untyped: Iterable[str] = ()) -> dict[str, Any]:
    """``config`` checked against ``schema``, every declared option present (defaults
    filled in). Keys in ``untyped`` (an older plugin's ``config_keys``) pass unchecked.
    Raises ConfigError naming the key: an unknown key gets a did-you-mean."""
    options = {option.name: option for option in schema}
    loose = set(untyped) - set(options)
    result: dict[str, Any] = {}
    for key, value in config.items():
        if key in options:
            if value is None and not options[key].required:
                continue  # `key:` with nothing after it: the default
            result[key] = options[key].convert(value, base_dir)
        elif key in loose:
            result[key] = value
        else:
            raise unknown_key(str(key), [*options, *loose])
    for name, option in options.items():
        if name not in result:
            if option.required:
                raise ConfigError(f"{name} is required: {option.description or option.label}",
                                  key=name)
            result[name] = copy.deepcopy(option.default)
    return result


def unknown_key(key: str, allowed: Iterable[str]) -> ConfigError:
    """The error for a key nobody declared, with the closest declared one."""
    names = sorted(allowed)
    close = difflib.get_close_matches(key, names, n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(names) or 'none'}"
    return ConfigError(f"unknown key '{key}'; {hint}", key=key)


def _bounds(low: Any, high: Any) -> str:
    if low is not None and high is not None:
        return f"of at least {_number(low)} and at most {_number(high)}"
    return f"of at least {_number(low)}" if low is not None else f"of at most {_number(high)}"


def _number(value: float) -> str:
    return str(value) if isinstance(value, int) else f"{value:g}"


def _show(value: Any) -> str:
    if isinstance(value, Secret):
        return "a secret"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class Configurable:
    """What :class:`~syndicate.Sink` and :class:`~syndicate.Source` share: ``options``
    declared on the class, checked into ``self.config`` by the constructor, and
    :meth:`secret` to read a secret option.

    ``config_keys`` is kept for plugins written before options existed: keys listed there
    and not in ``options`` are accepted unchecked. For every class it ends up naming all
    the keys the plugin takes.

    Class attributes:
        options: the plugin's own options (besides ``type``, and for sinks
            ``kinds``/``sources``/``match``).
        config_keys: every key the plugin takes.
        untyped_keys: ``config_keys`` an older plugin lists without declaring them as
            options.
        pipeline_keys: keys the pipeline reads itself (``type``…): not the plugin's, so
            left out of ``config``.
    """

    options: ClassVar[tuple[Option, ...]] = ()
    config_keys: ClassVar[frozenset[str]] = frozenset()
    untyped_keys: ClassVar[frozenset[str]] = frozenset()
    #: Keys the pipeline reads itself (``type``…): not the plugin's, so left out of config.
    pipeline_keys: ClassVar[frozenset[str]] = frozenset({"type", "timeout"})

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        names = frozenset(option.name for option in cls.options)
        if "config_keys" in cls.__dict__:
            cls.untyped_keys = frozenset(cls.__dict__["config_keys"]) - names
        cls.config_keys = names | cls.untyped_keys

    def _configure(self, config: Mapping[str, Any], base_dir: Path) -> dict[str, Any]:
        own = {key: value for key, value in config.items() if key not in self.pipeline_keys}
        return apply(self.options, own, base_dir, untyped=self.untyped_keys)

    config: Mapping[str, Any]

    def resolve_secrets(self) -> None:
        """Read every secret now (syndicate calls this before a sink opens or a source is
        read): ConfigError naming the key if one is missing. Revealing a value is what makes
        the scrubber mask it (:mod:`syndicate.scrub`), so each secret option — and a secret
        given to an older plugin's untyped key — is known before the plugin runs."""
        for value in self.config.values():
            if isinstance(value, Secret):
                value.reveal()

    def secret(self, name: str) -> str:
        """The value of the secret option ``name`` — the one way a plugin reads a secret.

        Call it in ``open()`` or later: syndicate has checked by then that every secret is
        available. Keep the value out of messages, receipts and logs.
        """
        return reveal(self.config.get(name), key=name)
