"""The command line as users meet it: exact error text, exit codes, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from syndicate.cli import main
from tests.council import Council


def invoke(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    if cwd is None:
        result = runner.invoke(main, list(args))
    else:
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(cwd)
            patch.delenv("SYNDICATE_CONFIG", raising=False)
            result = runner.invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_missing_config_says_how_to_make_one(tmp_path: Path) -> None:
    code, _, err = invoke("collect", cwd=tmp_path)
    assert code == 2
    assert err == ("Error: syndicate.yaml: no such file; create one with `syndicate init`, "
                   "or pass --config PATH\n")


def test_config_error_is_one_line_with_file_and_line(council: Council) -> None:
    council.write_config(council.config.read_text().replace("max_pending: 500",
                                                            "max_pendng: 500"))
    line = council.config.read_text().splitlines().index("  max_pendng: 500") + 1
    code, _, err = invoke("--config", str(council.config), "run")
    assert code == 2
    assert err == (f"Error: {council.config}:{line}: queue.max_pendng: unknown key 'max_pendng'; "
                   "did you mean 'max_pending'?\n")


def test_malformed_queue_names_line_and_leaves_file(council: Council) -> None:
    council.run("collect")
    council.queue.write_text("items:\n- id: x\n  status: [\n")
    code, _, err = invoke("--config", str(council.config), "publish")
    assert code == 2
    assert err.startswith(f"Error: {council.queue}:4: ")
    assert err.endswith(f"Fix {council.queue} and run again; nothing was changed.\n")
    assert council.queue.read_text() == "items:\n- id: x\n  status: [\n"


def test_queue_check_lists_problems_and_exits_2(council: Council) -> None:
    council.run("collect")
    first = council.queue_items()[0]["id"]
    council.set_status(first, "aproved")
    code, out, _ = invoke("--config", str(council.config), "queue", "check")
    assert code == 2
    assert "unknown status 'aproved'; did you mean 'approved'?" in out
    council.set_status(first, "approved")
    code, out, _ = invoke("--config", str(council.config), "queue", "check")
    assert (code, out) == (0, f"{council.queue}: OK\n")


def test_queue_list_show_and_filters(council: Council) -> None:
    council.run("collect")
    code, out, _ = invoke("--config", str(council.config), "queue", "list", "--source",
                          "photos", "--json")
    items = json.loads(out)
    assert code == 0 and items and {i["source"] for i in items} == {"photos"}
    code, out, _ = invoke("--config", str(council.config), "queue", "show", items[0]["id"])
    assert code == 0 and f"id: {items[0]['id']}" in out
    code, _, err = invoke("--config", str(council.config), "queue", "show", "nope-1")
    assert (code, err) == (2, "Error: no item nope-1 in the queue; see `syndicate queue "
                              "list`\n")


def test_approve_needs_ids_or_all(council: Council) -> None:
    code, _, err = invoke("--config", str(council.config), "queue", "approve")
    assert code == 2 and "name item ids, or use --all" in err


def test_approve_all_by_source_skips_items_with_errors(council: Council) -> None:
    council.run("collect")
    code, _, _ = invoke("--config", str(council.config), "queue", "approve", "--all",
                          "--source", "photos")
    assert code == 0
    approved = {i["id"] for i in council.queue_items() if i["status"] == "approved"}
    assert approved and all(i.startswith("photos-") for i in approved)
    assert all(not any(f["severity"] == "error" for f in council.item(i)["findings"])
               for i in approved)


def test_unknown_id_is_reported_and_exit_1(council: Council) -> None:
    council.run("collect")
    code, out, _ = invoke("--config", str(council.config), "queue", "reject", "news-0000")
    assert (code, out) == (1, "news-0000: not changed: no such item in the ledger\n")


def test_licences_lists_registry_and_shows_one() -> None:
    code, out, _ = invoke("licences")
    assert code == 0 and "cc-by-4.0" in out and "ogl-uk-3.0" in out
    code, out, _ = invoke("licences", "cc-by-nc-4.0", "--json")
    data = json.loads(out)
    assert code == 0 and data["commons"] is False
    code, _, err = invoke("licences", "cc-by-9.0")
    assert (code, err) == (2, "Error: no licence 'cc-by-9.0' in the registry; see "
                              "`syndicate licences`\n")


def test_sinks_lists_built_ins_and_the_example_plugin() -> None:
    code, out, _ = invoke("sinks")
    names = {line.split()[0] for line in out.splitlines()}
    assert code == 0
    assert {"feed", "commons", "wikipedia-draft", "jsonl"} <= names
    assert "syndicate-example-sink 0.1.0" in out


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    code, out, _ = invoke("init", str(tmp_path / "c"))
    assert code == 0 and "wrote" in out
    code, _, err = invoke("init", str(tmp_path / "c"))
    assert code == 2 and "already exists" in err and "Traceback" not in err


def test_status_reports_runs_and_counts(council: Council) -> None:
    council.run("collect")
    code, out, _ = invoke("--config", str(council.config), "status")
    assert code == 0
    assert "collect: exit 0 — collected 31" in out and "pending" in out


def test_inspect_without_config_shows_declared_licences_only(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0" '
        'xmlns:creativeCommons="http://backend.userland.com/creativeCommonsRssModule">'
        "<channel><title>T</title><link>https://council.example/</link>"
        "<item><title>Declared</title><link>https://council.example/a</link>"
        "<creativeCommons:license>http://www.creativecommons.org/licenses/by-sa/2.0/uk/deed.en"
        "</creativeCommons:license></item>"
        "<item><title>Silent</title><link>https://council.example/b</link></item>"
        "</channel></rss>")
    code, out, _ = invoke("inspect", "--json", str(feed), cwd=tmp_path)
    assert code == 0
    rows = {row["title"]: row for row in map(json.loads, out.splitlines())}
    assert rows["Declared"]["licence"] == "cc-by-sa-2.0-uk"
    assert rows["Declared"]["licence_url"] == "https://creativecommons.org/licenses/by-sa/2.0/uk/"
    assert rows["Silent"]["licence"] is None
    assert any(f["code"] == "licence.missing" for f in rows["Silent"]["findings"])


def test_inspect_refuses_hostile_xml_in_one_line(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
                    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rss><channel>'
                    "<item><title>&b;</title></item></channel></rss>")
    code, out, err = invoke("inspect", "--json", str(bomb), cwd=tmp_path)
    assert code == 2 and out == ""
    assert err.startswith(f"Error: {bomb}") and err.count("\n") == 1
    assert "Traceback" not in err


def test_inspect_takes_in_only_what_a_run_would(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        "<link>https://council.example/</link>"
        "<item><title>Fine\u200b news</title><link>https://council.example/a</link></item>"
        "<item><title>Trap</title><link>javascript:alert(1)</link></item>"
        "</channel></rss>", encoding="utf-8")
    code, out, err = invoke("inspect", "--json", str(feed), cwd=tmp_path)
    assert code == 0
    assert [json.loads(line)["title"] for line in out.splitlines()] == ["Fine news"]
    assert "javascript" in err       # left out, and said so: as collect does


def test_inspect_missing_target(tmp_path: Path) -> None:
    code, _, err = invoke("inspect", "nowhere.xml", cwd=tmp_path)
    assert (code, err) == (2, "Error: nowhere.xml: no such file, folder or http(s) URL\n")


def test_inspect_one_file_even_with_glob_characters_in_its_name(tmp_path: Path) -> None:
    from syndicate.testing import _tiny_png

    (tmp_path / "photo [1].png").write_bytes(_tiny_png())
    (tmp_path / "photo [1].png.yaml").write_text("title: Bandstand\nlicence: cc-by-4.0\n"
                                                 "source_url: https://photos.example/b\n")
    (tmp_path / "other.png").write_bytes(_tiny_png())
    code, out, _ = invoke("inspect", "--json", str(tmp_path / "photo [1].png"), cwd=tmp_path)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["title"] for r in rows] == ["Bandstand"]
    assert rows[0]["licence"] == "cc-by-4.0"
    assert "https://photos.example/b" in rows[0]["attribution"]


@pytest.mark.parametrize("args", [("-q", "collect"), ("collect", "-q")])
def test_quiet_before_or_after_the_command_prints_only_what_waits_for_people(
        council: Council, args: tuple[str, ...]) -> None:
    code, out, err = invoke("--config", str(council.config), *args)
    assert (code, err) == (0, "")
    # cron mails -q output: one line, because new items wait for an editor
    assert out.count("\n") == 1 and out.startswith("for people: 27 items wait for a decision")


def test_quiet_prints_nothing_when_nothing_waits_for_people(council: Council) -> None:
    text = council.config.read_text()
    rules = text.index("\n", text.index("  rules:")) + 1
    council.write_config(text[:rules] + "    - match: {source: news}\n      licence: none\n"
                         "    - match: {source: photos}\n      licence: none\n" + text[rules:])
    code, out, err = invoke("--config", str(council.config), "-q", "collect")
    assert (code, out, err) == (0, "", "")


def test_verbose_logs_each_publication(council: Council) -> None:
    council.run("collect")
    council.run("queue", "approve", "--all")
    code, _, err = invoke("--config", str(council.config), "publish", "-v")
    assert code == 0 and "INFO syndicate.publish: published" in err


def test_a_damaged_ledger_is_a_clear_error(council: Council) -> None:
    state = council.root / ".syndicate"
    state.mkdir()
    (state / "state.sqlite").write_bytes(b"this is not a database" * 100)
    code, _, err = invoke("--config", str(council.config), "collect")
    assert code == 2
    assert err.startswith(f"Error: {state / 'state.sqlite'} is corrupt (file is not a database)"
                          "; restore it from a backup")


def test_an_unwritable_queue_is_a_clear_error(council: Council) -> None:
    council.run("collect")
    council.queue.unlink()
    council.queue.mkdir()       # something that cannot be read or replaced as a file
    code, _, err = invoke("--config", str(council.config), "collect")
    assert code == 2 and err.startswith(f"Error: {council.queue}") and "Traceback" not in err
