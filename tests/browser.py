"""A real browser for tests: Debian's headless Chromium driven by Selenium, and axe-core.

Nothing is downloaded by Selenium itself: ``chromium`` and ``chromium-driver`` come from
Debian (``python -m tests.browser install``, called by tests/run), and axe-core from the npm
registry into ``tests/.cache/npm`` (gitignored), from where a test injects ``axe.min.js``
into the page. Screenshots go to ``tests/artefacts/`` (gitignored) for people to look at.

Fixture: ``browser`` (one headless Chromium per test module, a fresh profile each time).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PACKAGES = ["chromium", "chromium-driver"]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ROOT = Path(__file__).resolve().parent
NPM_CACHE = ROOT / ".cache" / "npm"
AXE = NPM_CACHE / "node_modules" / "axe-core" / "axe.min.js"
AXE_VERSION = "4"
ARTEFACTS = ROOT / "artefacts"

# Root in a container needs --no-sandbox; the rest keep the browser from calling home.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars"]


def install() -> None:
    """apt-get Chromium and its driver if missing; npm-install axe-core into the cache."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        apt = ["apt-get", "-o", "DPkg::Lock::Timeout=600"]
        subprocess.run([*apt, "update", "-q"], check=True)
        subprocess.run([*apt, "install", "-y", "-q", *PACKAGES], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    if not AXE.exists():
        if shutil.which("npm") is None:
            subprocess.run(["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "-q",
                            "npm"], check=True)
        NPM_CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(NPM_CACHE), "--no-audit",
                        "--no-fund", "--no-save", f"axe-core@{AXE_VERSION}"], check=True)


def missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    for path in (CHROMIUM, CHROMEDRIVER, AXE):
        if not path.exists():
            return f"{path} is missing; run `python -m tests.browser install`"
    return None


@pytest.fixture
def browser() -> Iterator[Any]:
    """A headless Chromium (Selenium WebDriver) with a fresh profile."""
    reason = missing()
    if reason:
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="syndicate-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in [*FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def run_axe(driver: Any) -> dict[str, Any]:
    """axe-core's results for the page open in ``driver`` (WCAG 2.0/2.1 A and AA rules)."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result: dict[str, Any] = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        ".then(r => done({violations: r.violations, passes: r.passes.length,"
        " version: axe.version}), e => done({error: String(e)}));")
    return result


def screenshot(driver: Any, name: str, width: int) -> Path:
    """A full-page screenshot at ``width`` CSS pixels, written to tests/artefacts/."""
    driver.set_window_size(width, 900)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(int(height) + 100, 16000))
    ARTEFACTS.mkdir(exist_ok=True)
    path = ARTEFACTS / f"{name}-{width}px.png"
    driver.save_screenshot(str(path))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["install"])
    parser.parse_args()
    install()


if __name__ == "__main__":
    sys.exit(main())
