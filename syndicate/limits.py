"""Caps on everything one input or one plugin could blow up: time, counts and sizes.

Each is an option under ``limits:`` in syndicate.yaml with a safe default; hitting one is
a problem in the run report or a finding on the item, never a silent cut::

    limits:
      plugin_timeout: 600      # seconds one call into a sink or source may take
      source_deadline: 3600    # seconds one source may take to read, overall
      login_deadline: 120      # seconds logging in to one wiki may take, retries included
      run_deadline: 21600      # seconds a whole run may take; the rest waits for the next
      url_length: 4096         # characters in any URL taken from remote content
      items_per_entry: 100     # items one page, feed entry or sidecar may give
      items_per_source: 10000  # items one source may give in one run
      receipt_detail: 65536    # bytes of a sink's receipt detail (JSON) kept in the ledger

A sink or source may also set its own ``timeout:`` (seconds per call), which wins over
``plugin_timeout`` for that plugin.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from syndicate.errors import ConfigError

#: The key every sink and source may carry besides its own.
PLUGIN_KEYS = frozenset({"timeout"})
_DAY = 86400


@dataclass(frozen=True)
class Limits:
    """The caps of one configuration (see the module docstring for each)."""

    plugin_timeout: int = 600
    source_deadline: int = 3600
    login_deadline: int = 120
    run_deadline: int = 6 * 3600
    url_length: int = 4096
    items_per_entry: int = 100
    items_per_source: int = 10000
    receipt_detail: int = 65536


#: The range each option may take: (least, most).
RANGES: dict[str, tuple[int, int]] = {
    "plugin_timeout": (1, _DAY), "source_deadline": (1, 7 * _DAY),
    "login_deadline": (1, 3600), "run_deadline": (60, 7 * _DAY),
    "url_length": (256, 1 << 20), "items_per_entry": (1, 100000),
    "items_per_source": (1, 10_000_000), "receipt_detail": (1024, 16 << 20),
}
KEYS = tuple(field.name for field in dataclasses.fields(Limits))


def from_config(section: Mapping[str, Any]) -> Limits:
    """The ``limits:`` section as :class:`Limits`; ConfigError naming the key if a value is
    not a whole number in its range (unknown keys are the config reader's to report)."""
    values = {key: whole_number(section[key], key, *RANGES[key])
              for key in KEYS if key in section}
    return Limits(**values)


def plugin_timeout(options: Mapping[str, Any], limits: Limits) -> int:
    """A plugin's own ``timeout:`` if it has one, else the configured default."""
    if "timeout" not in options:
        return limits.plugin_timeout
    return whole_number(options["timeout"], "timeout", *RANGES["plugin_timeout"])


def whole_number(value: Any, key: str, least: int, most: int) -> int:
    """``value`` if it is an int from ``least`` to ``most``; ConfigError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
        raise ConfigError(f"must be a whole number from {least} to {most}, not {value!r}",
                          key=key)
    return value
