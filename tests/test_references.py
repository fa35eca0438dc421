"""Everything a reader needs is in the repository: every file that code, comments, the README
or docs/ point to exists here, and nothing points outside the repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# A path inside the repository as the text mentions it: under a top-level folder of ours, or
# any Markdown file (REFERENCE.md, docs/plugins.md).
TOP = r"(?:docs|syndicate|tests|tools|benchmarks|licences|config)"
MENTION = re.compile(rf"(?<![\w./-])(?:{TOP}/[\w./-]*[\w/]|[\w./-]*\w\.md)\b/?")
LINK = re.compile(r"\]\((?!https?:|mailto:|#)([^)\s#]+)")
# Paths the suite and commands create when they run, which the repository does not hold.
MADE_AT_RUN_TIME = ("tests/artefacts",)
# Paths in other projects' repositories, named as such where they are mentioned.
ELSEWHERE = ("config/cc-legal-tools.csv",)  # Creative Commons' cc-legal-tools-data
# This file's own examples of what it catches.
SELF = "tests/test_references.py"


def _tracked() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    if listed.returncode != 0:
        pytest.skip("not a git checkout: the files to read are the tracked ones")
    return [ROOT / name for name in listed.stdout.splitlines()
            if name.endswith((".py", ".md", ".toml", ".txt", ".cfg")) or name == "tests/run"]


def _exists(mention: str) -> bool:
    mention = mention.rstrip("/.")
    if mention.startswith(MADE_AT_RUN_TIME) or mention in ELSEWHERE:
        return True
    if "/" in mention:
        return (ROOT / mention).exists()
    return any(ROOT.glob(f"**/{mention}"))


def _texts() -> list[tuple[str, str]]:
    return [(str(path.relative_to(ROOT)), path.read_text(encoding="utf-8"))
            for path in _tracked() if path.is_file()]


def test_every_mentioned_file_is_in_the_repository() -> None:
    missing = sorted({f"{name}: {mention}" for name, text in _texts() if name != SELF
                      for mention in MENTION.findall(text) if "*" not in mention
                      and not _exists(mention)})
    assert not missing, ("these point to files the repository does not have; move the facts "
                         "into docs/ and point there:\n" + "\n".join(missing))


def test_every_markdown_link_resolves() -> None:
    broken = sorted(f"{name}: {target}" for name, text in _texts() if name.endswith(".md")
                    for target in LINK.findall(text)
                    if not ((ROOT / name).parent / target).exists())
    assert not broken, "links to nothing:\n" + "\n".join(broken)


def test_nothing_points_outside_the_repository() -> None:
    outside = sorted(name for name, text in _texts() if name != SELF
                     and not name.startswith("tests/") and "../shared" in text)
    assert not outside, f"code and docs must not mention ../shared: {outside}"


@pytest.mark.parametrize(("text", "found"), [
    ("see REFERENCE.md §4", ["REFERENCE.md"]),
    ("(docs/wikimedia.md, \"File names\")", ["docs/wikimedia.md"]),
    ("`tests/plugins/example_sink/` is", ["tests/plugins/example_sink/"]),
    ("from syndicate.yaml and queue.yaml", []),
])
def test_the_pattern_finds_mentions(text: str, found: list[str]) -> None:
    assert MENTION.findall(text) == found
    assert not _exists("REFERENCE.md") and _exists("docs/plugins.md")
