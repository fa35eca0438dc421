"""Run records: one JSON file per run under ``<state>/runs/``, whatever the run's exit code.

Monitoring reads these (or ``runs/latest.json``, always a copy of the newest) and
``syndicate status`` lists them, so a run that failed — even one that could not start
because syndicate.yaml is wrong — is never mistaken for a quiet success. A run that found
another holding the lock (exit 75) did not start and leaves no record. Dry runs change
nothing anywhere, so they leave none either.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from syndicate import yamlfile
from syndicate.files import atomic_write
from syndicate.report import RunReport

LATEST = "latest.json"


def write(state_dir: Path, report: RunReport) -> Path:
    """Write ``report`` as ``runs/<stamp>-<command>.json`` and as ``runs/latest.json``."""
    folder = state_dir / "runs"
    stamp = report.started.strftime("%Y%m%dT%H%M%S.%fZ")
    path = folder / f"{stamp}-{report.command}.json"
    data = report.as_dict() | {"record": path.name}
    text = json.dumps(data, indent=2) + "\n"
    atomic_write(path, text)
    atomic_write(folder / LATEST, text)
    return path


def last(state_dir: Path, limit: int = 5) -> list[dict[str, Any]]:
    """The newest ``limit`` run records, newest first (unreadable files are skipped)."""
    folder = state_dir / "runs"
    if not folder.is_dir():
        return []
    names = sorted((p for p in folder.glob("*.json") if p.name != LATEST), reverse=True)
    records = []
    for path in names[:limit]:
        try:
            records.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return records


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
