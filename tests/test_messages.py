"""Messages a web team can act on: what will not fix itself says so, a path error shows its
config line and the resolved path, rules are counted from 1."""

from __future__ import annotations

import json

from tests.council import Council
from tests.httpserver import LocalHTTPServer


def test_a_wrong_path_names_its_line_the_resolved_path_and_needs_a_person(
        council: Council) -> None:
    text = council.config.read_text().replace("path: content/photos",
                                              "path: council/content/photos")
    council.write_config(text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "council/content" in row)

    result = council.run("collect")

    assert result.exit_code == 1
    resolved = council.root / "council" / "content" / "photos"
    assert (f"problem (collect, photos): {council.config}:{line}: sources.photos.path: "
            f"{resolved}: no such folder (source 'photos'); create it or correct its path in "
            f"syndicate.yaml (paths are relative to the folder of the config file, "
            f"{council.root}) [needs a person]") in result.stdout
    assert "will retry" not in result.stdout


def test_a_404_from_a_source_will_not_fix_itself(council: Council,
                                                 http_server: LocalHTTPServer) -> None:
    http_server.add("/old-news.rss", b"gone", status=404)
    council.write_config(council.config.read_text().replace(
        "sources:\n", f"sources:\n  old: {{type: feed, url: '{http_server.url('/old-news.rss')}'"
                      ", allow_private: true}\n", 1))

    report = json.loads(council.run("collect", "--json").stdout)

    (problem,) = report["problems"]
    assert problem["source"] == "old" and problem["retry"] is False
    assert problem["message"].endswith("the server answered HTTP 404 Not Found; check the URL "
                                       "in syndicate.yaml")


def test_a_503_from_a_source_is_retried(council: Council,
                                        http_server: LocalHTTPServer) -> None:
    http_server.add("/busy.rss", b"busy", status=503)
    council.write_config(council.config.read_text().replace(
        "sources:\n", f"sources:\n  busy: {{type: feed, url: '{http_server.url('/busy.rss')}'"
                      ", allow_private: true}\n", 1))

    result = council.run("collect")

    assert "HTTP 503" in result.stdout and "[will retry next run]" in result.stdout


def test_rule_positions_are_counted_from_one(council: Council) -> None:
    text = council.config.read_text()
    start = text.index("  rules:")
    council.write_config(text[:start] + (
        "  rules:\n    - match: {source: news}\n      licence: cc-by-4.0\n"
        "    - match: {source: photos}\n      licence: cc-by-9.0\n") + _after_rules(text, start))

    result = council.run("check")

    assert result.exit_code == 2
    assert "licensing.rules[2].licence: unknown licence 'cc-by-9.0'" in result.stderr


def _after_rules(text: str, start: int) -> str:
    """The config after the ``rules:`` list (the next top-level key on)."""
    rest = text[start:].splitlines(keepends=True)[1:]
    for index, line in enumerate(rest):
        if line and not line.startswith(" "):
            return "".join(rest[index:])
    return ""
