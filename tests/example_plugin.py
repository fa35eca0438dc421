"""The example plugin (tests/plugins/example_sink) for the suite, installed or not.

``tests/run`` pip-installs it beside syndicate, as a plugin author's users would. After a
bare ``pip install -e '.[test]'`` it is not installed; then this makes it importable and
discoverable exactly as an installed distribution is: its folder on ``sys.path`` and a
``.dist-info`` with its own entry points (read from its pyproject.toml) in a temporary
folder on ``sys.path`` and ``PYTHONPATH`` (for the commands tests run in subprocesses).
"""

from __future__ import annotations

import atexit
import importlib
import os
import shutil
import sys
import tempfile
import tomllib
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

PLUGIN = Path(__file__).resolve().parent / "plugins" / "example_sink"


def ensure_example_plugin() -> None:
    """Make ``syndicate_example_sink`` and its ``jsonl`` entry point available."""
    project = tomllib.loads((PLUGIN / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    try:
        distribution(project["name"])
        return
    except PackageNotFoundError:
        pass
    site = Path(tempfile.mkdtemp(prefix="syndicate-example-sink-"))
    atexit.register(shutil.rmtree, site, ignore_errors=True)
    info = site / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {project['name']}\n"
                                   f"Version: {project['version']}\n", encoding="utf-8")
    groups = [f"[{group}]\n" + "".join(f"{name} = {target}\n" for name, target in eps.items())
              for group, eps in project["entry-points"].items()]
    (info / "entry_points.txt").write_text("\n".join(groups), encoding="utf-8")
    paths = [str(site), str(PLUGIN)]
    sys.path[:0] = paths
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [*paths, *filter(None, [os.environ.get("PYTHONPATH")])])
    importlib.invalidate_caches()
