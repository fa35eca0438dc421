"""Run records: one JSON file per run under ``<state>/runs/``, whatever the run's exit code.

Monitoring reads these (or ``runs/latest.json``, always a copy of the newest) and
``syndicate status`` lists them, so a run that failed — even one that could not start
because syndicate.yaml is wrong — is never mistaken for a quiet success. A run that found
another holding the lock (exit 75) did not start and leaves no record. Dry runs change
nothing anywhere, so they leave none either. The newest :data:`KEEP_PER_COMMAND` records of
each command are kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from syndicate import yamlfile
from syndicate.files import atomic_write
from syndicate.report import RunReport

LATEST = "latest.json"
#: Records kept of each command, the newest: the emergency lane runs every few minutes and
#: would otherwise fill the folder (500 of its runs are about two days of them; 500 nights
#: are more than a year).
KEEP_PER_COMMAND = 500


def write(state_dir: Path, report: RunReport) -> Path:
    """Write ``report`` as ``runs/<stamp>-<command>.json`` and as ``runs/latest.json``, and
    let the command's records beyond the newest :data:`KEEP_PER_COMMAND` go."""
    folder = state_dir / "runs"
    stamp = report.started.strftime("%Y%m%dT%H%M%S.%fZ")
    path = folder / f"{stamp}-{report.command}.json"
    data = report.as_dict() | {"record": path.name}
    text = json.dumps(data, indent=2) + "\n"
    atomic_write(path, text)
    atomic_write(folder / LATEST, text)
    for old in _records(folder, lambda command: command == report.command)[KEEP_PER_COMMAND:]:
        old.unlink(missing_ok=True)
    return path


def last(state_dir: Path, limit: int = 5, *,
         leaving_out: Collection[str] = ()) -> list[dict[str, Any]]:
    """The newest ``limit`` run records, newest first, but for those of the commands in
    ``leaving_out`` (unreadable files are skipped)."""
    folder = state_dir / "runs"
    if not folder.is_dir():
        return []
    names = _records(folder, lambda command: command not in leaving_out)
    records = []
    for path in names[:limit]:
        try:
            records.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return records


def _records(folder: Path, wanted: Callable[[str], bool]) -> list[Path]:
    """The run records in ``folder`` of the commands ``wanted`` says yes to, newest first.
    A record's name is ``<stamp>-<command>.json``; the stamp has no hyphen."""
    found = [path for path in folder.glob("*-*.json") if wanted(path.stem.split("-", 1)[1])]
    return sorted(found, key=lambda path: path.name, reverse=True)


def state_dir_of(config_path: Path) -> Path:
    """Where the runs of a config that did not load would have been recorded: its
    ``state.path`` if the file says so plainly, else ``.syndicate`` beside it."""
    return config_path.parent / (_state_setting(config_path, "path") or ".syndicate")


def metrics_path_of(config_path: Path) -> Path | None:
    """``state.metrics`` of a config that did not load, if the file says so plainly."""
    path = _state_setting(config_path, "metrics")
    return config_path.parent / path if path else None


def _state_setting(config_path: Path, key: str) -> str | None:
    try:
        data = yamlfile.load(config_path).data
    except Exception:  # the config is broken: that is why we are here
        return None
    state = data.get("state") if isinstance(data, dict) else None
    value = state.get(key) if isinstance(state, dict) else None
    return value if isinstance(value, str) and value.strip() else None
