"""Documentation keeps up with the code: every command is in the README, every config key of
a built-in sink or source is described in its module's docstring (where users look)."""

from __future__ import annotations

import importlib
import sys
from importlib.metadata import entry_points
from pathlib import Path

import click
import pytest

from syndicate.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = "syndicate") -> list[str]:
    found = []
    for name, command in group.commands.items():
        found.append(f"{prefix} {name}")
        if isinstance(command, click.Group):
            found.extend(commands(command, f"{prefix} {name}"))
    return found


@pytest.mark.parametrize("command", commands(main))
def test_every_command_is_in_the_readme(command: str) -> None:
    assert command in README, f"document `{command}` in README.md"


@pytest.mark.parametrize("code", ["| 0 |", "| 1 |", "| 2 |", "| 75 |"])
def test_exit_codes_are_in_the_readme(code: str) -> None:
    assert code in README


BUILT_INS = [(group, ep) for group in ("syndicate.sinks", "syndicate.sources")
             for ep in entry_points(group=group) if ep.value.startswith("syndicate.")]


@pytest.mark.parametrize(("group", "entry"), BUILT_INS, ids=lambda v: getattr(v, "name", v))
def test_every_config_key_of_a_built_in_is_documented(group: str, entry: object) -> None:
    cls = entry.load()  # type: ignore[attr-defined]
    module = sys.modules[cls.__module__]
    text = (module.__doc__ or "") + (cls.__doc__ or "")
    if not text.strip():
        text = importlib.import_module(cls.__module__.rsplit(".", 1)[0]).__doc__ or ""
    missing = sorted(key for key in cls.config_keys if key not in text)
    assert not missing, f"{cls.__module__}: describe {missing} in its docstring"
