"""feedparser's own test corpus through ``syndicate inspect``: real-world feeds, encodings,
entities and broken XML must give items or a one-line error, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from syndicate.cli import main

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "feedparser"
if not CORPUS.is_dir():  # CI lays shared/ beside the clone; a developer may have it elsewhere
    CORPUS = Path("/work/shared/corpus/feedparser")


def corpus(folder: str) -> list[Path]:
    return sorted((CORPUS / folder).rglob("*.xml"))


def inspect(path: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["inspect", "--json", str(path)])
    return result.exit_code, result.stdout, result.stderr


def assert_clear(path: Path, code: int, out: str, err: str) -> None:
    assert code in (0, 2), f"{path}: exit {code}\n{err}"
    assert "Traceback" not in err + out, path
    if code == 2:
        assert err.startswith("Error: ") and err.count("\n") == 1, (path, err)
    else:
        for line in out.splitlines():
            row = json.loads(line)
            assert {"id", "kind", "title", "url", "licence", "findings"} <= set(row)


@pytest.mark.slow
def test_wellformed_files_are_read_or_refused_by_policy() -> None:
    files = corpus("wellformed")
    assert len(files) > 1000
    refused = []
    for path in files:
        code, out, err = inspect(path)
        assert_clear(path, code, out, err)
        if code:
            refused.append(err)
    # The only refusals: documents declaring entities in a DTD (refused by policy,
    # docs/security.md, "XML") and Microsoft CDF channels, which are not RSS or Atom.
    assert all("declares XML entities" in err or "not an RSS or Atom feed" in err
               for err in refused), refused
    assert len(refused) < 25


def test_encoding_files_are_read_or_refused_in_one_line() -> None:
    files = corpus("encoding")
    results = [inspect(path) for path in files]
    for path, result in zip(files, results, strict=True):
        assert_clear(path, *result)
    assert sum(code == 0 for code, _, _ in results) >= len(files) * 0.9


@pytest.mark.parametrize("folder", ["illformed", "entities"])
def test_illformed_and_entity_files_give_items_or_a_clear_error(folder: str) -> None:
    files = corpus(folder)
    assert files
    for path in files:
        assert_clear(path, *inspect(path))


def test_licences_declared_in_the_corpus_are_recognised() -> None:
    path = CORPUS / "wellformed" / "rss" / "item_cc_license.xml"
    code, out, _ = inspect(path)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and rows
    assert rows[0]["declared_licences"] == ["http://www.creativecommons.org/licenses/by-nc/1.0"]
    assert rows[0]["licence"] == "cc-by-nc-1.0"


def test_html_entity_names_in_feeds_are_understood() -> None:
    files = corpus("entities")
    read = sum(inspect(path)[0] == 0 for path in files)
    assert read >= len(files) * 0.9, f"only {read} of {len(files)} read"
