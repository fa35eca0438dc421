"""A council folder publishing to the real test wiki, driven by the ``syndicate`` command
in a separate process (so it can be killed), for the crash and recovery fault tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.mediawiki import LocalWiki, png_bytes

CONFIG = """\
organisation: {{name: Example Borough Council, url: https://www.example.gov.uk,
               contact: webteam@example.gov.uk}}
sources:
  photos: {{type: directory, path: photos}}
licensing:
  default: cc-by-4.0
  attribution: {{name: Example Borough Council, url: https://www.example.gov.uk}}
  evidence: https://www.example.gov.uk/copyright
sinks:
  commons:
    type: commons
    site: {api_url}
    username: {{env: SYNDICATE_COMMONS_USER}}
    password: {{env: SYNDICATE_COMMONS_PASSWORD}}
    categories: [Example Borough Council]
    max_retries: 0
"""
RUN = "from syndicate.cli import main; main()"


def write_council(folder: Path, api_url: str, extra: str = "") -> Path:
    """syndicate.yaml for a Commons sink at ``api_url`` (``extra``: more sink keys)."""
    (folder / "photos").mkdir(exist_ok=True)
    (folder / "syndicate.yaml").write_text(CONFIG.format(api_url=api_url) + extra)
    return folder


def add_photo(folder: Path, name: str, title: str, seed: int, padding: int = 0) -> None:
    (folder / "photos" / f"{name}.png").write_bytes(png_bytes(seed, padding=padding))
    (folder / "photos" / f"{name}.png.yaml").write_text(
        f"title: {title}\ncreator: Jo Bloggs\ndate: 2024-05-01\n")


def command(folder: Path, *args: str, code: str = RUN) -> list[str]:
    return [sys.executable, "-c", code, "--config", str(folder / "syndicate.yaml"), *args]


def environment(wiki: LocalWiki) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "SYNDICATE_COMMONS_USER": wiki.username,
            "SYNDICATE_COMMONS_PASSWORD": wiki.password}


def syndicate(folder: Path, wiki: LocalWiki, *args: str, code: str = RUN,
              answer: str = "") -> subprocess.CompletedProcess[str]:
    """Run the command to its end (``answer`` is typed at its prompt)."""
    return subprocess.run(command(folder, *args, code=code), input=answer,
                          capture_output=True, text=True, env=environment(wiki), cwd=folder,
                          timeout=120)


def files_on(wiki: LocalWiki) -> dict[str, int]:
    """Each file on the wiki with its number of versions."""
    return {image.name: len(list(image.imagehistory())) for image in wiki.site().allimages()}
