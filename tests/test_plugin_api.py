"""The plugin API describes itself: every attribute and context field is documented where
``help()`` shows it and in docs/plugins.md, and a plugin type-checks against syndicate
with ``mypy --strict`` because syndicate ships ``py.typed``."""

from __future__ import annotations

import dataclasses
import pydoc
import shutil
import site
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest

import syndicate
from syndicate import Sink, SinkContext, Source, SourceContext

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
PLUGIN = ROOT / "tests" / "plugins" / "example_sink" / "syndicate_example_sink"

CLASS_ATTRIBUTES = {
    Sink: ["kinds", "options", "licence_gate", "supports_dry_run", "pipeline_keys",
           "config_keys", "name", "config", "context"],
    Source: ["options", "complete_listing", "name", "config", "context"],
}


@pytest.mark.parametrize("cls", [SinkContext, SourceContext], ids=lambda c: c.__name__)
def test_every_context_field_is_documented(cls: type) -> None:
    shown = pydoc.render_doc(cls, renderer=pydoc.plaintext)
    for field in dataclasses.fields(cls):
        assert f"{field.name}:" in (cls.__doc__ or ""), f"{cls.__name__}.{field.name}: document it"
        assert f"{field.name}: " in shown, f"help({cls.__name__}) must show {field.name}"
        assert f"`{field.name}" in GUIDE or f"context.{field.name}" in GUIDE, \
            f"docs/plugins.md: document context.{field.name}"


@pytest.mark.parametrize("cls", list(CLASS_ATTRIBUTES), ids=lambda c: c.__name__)
def test_every_plugin_attribute_is_documented(cls: type) -> None:
    shown = pydoc.render_doc(cls, renderer=pydoc.plaintext)
    for name in CLASS_ATTRIBUTES[cls]:
        assert f"{name}: " in shown, f"help({cls.__name__}) must describe {name}"
        assert f"`{name}`" in GUIDE or f"`self.{name}`" in GUIDE, \
            f"docs/plugins.md: document {cls.__name__}.{name}"


def test_the_readme_links_the_guide() -> None:
    assert "(docs/plugins.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_guide_names_the_current_plugin_api_version() -> None:
    assert f'now `"{syndicate.PLUGIN_API}"`' in GUIDE


def test_py_typed_is_shipped() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py.typed" in project["tool"]["setuptools"]["package-data"]["syndicate"]
    assert (ROOT / "syndicate" / "py.typed").is_file()


def _mypy_strict_on_the_example(tmp_path: Path, *, typed: bool) -> subprocess.CompletedProcess[str]:
    """mypy --strict on the example plugin in a folder of its own, with syndicate installed
    (as pip would, py.typed or not) in the site-packages of a new environment."""
    env = tmp_path / ("typed" if typed else "untyped")
    venv.create(env / "venv", with_pip=False)
    python = env / "venv" / "bin" / "python"
    target = Path(subprocess.run([python, "-c", "import site; print(site.getsitepackages()[0])"],
                                 capture_output=True, text=True, check=True).stdout.strip())
    shutil.copytree(ROOT / "syndicate", target / "syndicate",
                    ignore=shutil.ignore_patterns("__pycache__"))
    if not typed:
        (target / "syndicate" / "py.typed").unlink()
    # syndicate's own dependencies (and their stubs) from the environment running the tests
    (target / "deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    shutil.copytree(PLUGIN, env / "plugin" / PLUGIN.name,
                    ignore=shutil.ignore_patterns("__pycache__"))
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--python-executable",
                           str(python), "--cache-dir", str(env / "cache"), PLUGIN.name],
                          cwd=env / "plugin", capture_output=True, text=True, check=False)


@pytest.mark.slow
def test_mypy_strict_passes_on_a_plugin_that_subclasses_sink(tmp_path: Path) -> None:
    done = _mypy_strict_on_the_example(tmp_path, typed=True)
    assert done.returncode == 0, done.stdout + done.stderr
    # …and the check is real: without py.typed, mypy cannot see syndicate's types.
    done = _mypy_strict_on_the_example(tmp_path, typed=False)
    assert 'Class cannot subclass "Sink" (has type "Any")' in done.stdout, done.stdout
