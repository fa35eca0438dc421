"""Caps on everything one input or one plugin could blow up: time, counts and sizes.

Each is an option under ``limits:`` in syndicate.yaml with a safe default and a range
(checked when the config loads, like every option: file, line and key on a mistake);
hitting one is a problem in the run report or a finding on the item, never a silent cut::

    limits:
      plugin_timeout: 600      # seconds one call into a sink or source may take
      source_deadline: 3600    # seconds one source may take to read, overall
      login_deadline: 120      # seconds logging in to one wiki may take, retries included
      run_deadline: 21600      # seconds a whole run may take; the rest waits for the next
      url_length: 4096         # characters in any URL taken from remote content
      items_per_entry: 100     # items one page, feed entry or sidecar may give
      items_per_source: 10000  # items one source may give in one run
      receipt_detail: 65536    # bytes of a sink's receipt detail (JSON) kept in the ledger

A sink or source may also set its own ``timeout:`` (seconds per call, :data:`TIMEOUT`),
which wins over ``plugin_timeout`` for that plugin.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syndicate.options import Integer, Option, apply

_DAY = 86400


def _limit(name: str, default: int, least: int, most: int, description: str) -> Option:
    return Option(name, Integer(), default=default, range=(least, most),
                  description=description)


#: The ``limits:`` section, one option per cap.
OPTIONS = (
    _limit("plugin_timeout", 600, 1, _DAY,
           "Seconds one call into a sink or source may take (a sink's or source's own "
           "timeout: wins)."),
    _limit("source_deadline", 3600, 1, 7 * _DAY,
           "Seconds one source may take to read, overall; the rest is read next run."),
    _limit("login_deadline", 120, 1, 3600,
           "Seconds logging in to one wiki may take, retries included."),
    _limit("run_deadline", 6 * 3600, 60, 7 * _DAY,
           "Seconds a whole run may take; what is left waits for the next run."),
    _limit("url_length", 4096, 256, 1 << 20,
           "Characters in any URL taken from remote content; a longer one leaves its item out."),
    _limit("items_per_entry", 100, 1, 100_000,
           "Items one page, feed entry or sidecar may give; the rest are left out."),
    _limit("items_per_source", 10_000, 1, 10_000_000,
           "Items one source may give in one run; the rest are not read."),
    _limit("receipt_detail", 65536, 1024, 16 << 20,
           "Bytes of a sink's receipt detail (as JSON) kept in the ledger."),
)

#: The option every sink and source takes besides its own (like a sink's ``kinds``).
TIMEOUT = Option("timeout", Integer(), range=(1, _DAY),
                 description="Seconds one call into this sink or source may take before "
                             "it is set aside for the run (default: limits.plugin_timeout).")
_DEFAULTS = {option.name: option.default for option in OPTIONS}


@dataclass(frozen=True)
class Limits:
    """The caps of one configuration (see :data:`OPTIONS` for each)."""

    plugin_timeout: int = _DEFAULTS["plugin_timeout"]
    source_deadline: int = _DEFAULTS["source_deadline"]
    login_deadline: int = _DEFAULTS["login_deadline"]
    run_deadline: int = _DEFAULTS["run_deadline"]
    url_length: int = _DEFAULTS["url_length"]
    items_per_entry: int = _DEFAULTS["items_per_entry"]
    items_per_source: int = _DEFAULTS["items_per_source"]
    receipt_detail: int = _DEFAULTS["receipt_detail"]


def from_config(section: Mapping[str, Any], base_dir: Path) -> Limits:
    """The ``limits:`` section as :class:`Limits`; ConfigError naming the key for an
    unknown key or a value that is not a whole number in its range."""
    return Limits(**apply(OPTIONS, section, base_dir))
