"""``syndicate check [--online]``: the pre-flight finds, before the first night, what would
make it fail — against a real HTTP server and the real test MediaWiki."""

from __future__ import annotations

import json
import os
import re
import socket
from pathlib import Path

import pytest

from tests.council import Council
from tests.httpserver import LocalHTTPServer
from tests.mediawiki import USERNAME, LocalWiki

ORGANISATION = """\
organisation: {name: Example Borough Council, url: https://www.example.gov.uk}
licensing:
  default: ogl-uk-3.0
  attribution: {name: Example Borough Council, url: https://www.example.gov.uk}
  evidence: https://www.example.gov.uk/copyright
"""


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def lines(output: str) -> dict[str, str]:
    """``subject → "ok|warn|FAIL message"`` from check's output."""
    found = {}
    for line in output.splitlines():
        match = re.match(r"(ok|warn|FAIL) +([^:]+): (.*)", line)
        if match:
            found[match.group(2)] = f"{match.group(1)} {match.group(3)}"
    return found


def test_a_good_config_passes_and_says_what_the_next_run_does(council: Council) -> None:
    result = council.run("check")

    assert result.exit_code == 0, result.output
    found = lines(result.stdout)
    assert found["path sources.photos.path"].startswith("ok ")
    assert found["path sinks.partners.directory"].startswith("ok ")
    assert "collect from 2 sources (news, photos)" in result.stdout
    assert "all checks passed" in result.stdout


def test_a_missing_environment_variable_and_a_missing_folder_fail_with_their_lines(
        council: Council, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_SUCH_SYNDICATE_USER", raising=False)
    text = council.config.read_text().replace("path: content/photos", "path: content/fotos")
    text = text.replace("sinks:\n", (
        "sinks:\n  commons:\n    type: commons\n    site: http://127.0.0.1:9/api.php\n"
        "    username: {env: NO_SUCH_SYNDICATE_USER}\n"
        "    password: {env: NO_SUCH_SYNDICATE_USER}\n    kinds: [image]\n"), 1)
    council.write_config(text)
    user_line = text.splitlines().index("    username: {env: NO_SUCH_SYNDICATE_USER}") + 1
    path_line = next(n for n, line in enumerate(text.splitlines(), 1) if "content/fotos" in line)

    result = council.run("check")

    assert result.exit_code == 2
    found = lines(result.stdout)
    assert found["secret sinks.commons.username"] == (
        f"FAIL {council.config}:{user_line}: environment variable NO_SUCH_SYNDICATE_USER is "
        "not set; set it in the environment that runs syndicate (for cron: an env_file: in "
        "syndicate.yaml, or {file: PATH} secrets)")
    assert found["path sources.photos.path"] == (
        f"FAIL {council.config}:{path_line}: sources.photos.path is "
        f"{council.root / 'content' / 'fotos'}, which does not exist; paths are relative to "
        f"the folder of the config file ({council.root})")
    assert "3 problems: fix them, then run `syndicate check` again" in result.stderr


def test_a_secret_file_others_can_read_fails_at_load_for_every_command(
        council: Council) -> None:
    secret = council.root / "token"
    secret.write_text("s3cret\n")
    os.chmod(secret, 0o644)
    text = council.config.read_text().replace(
        "  partners:\n", "  archive:\n    type: jsonl\n    signing_key: {file: token}\n"
                         "  partners:\n", 1)
    council.write_config(text)
    line = text.splitlines().index("    signing_key: {file: token}") + 1
    for command in ("check", "collect"):
        result = council.run(command)
        assert result.exit_code == 2
        assert result.stderr == (f"Error: {council.config}:{line}: sinks.archive.signing_key: "
                                 f"secret file {secret} is readable by others; run chmod 600 "
                                 f"{secret}\n")
    os.chmod(secret, 0o600)
    assert council.run("check").exit_code == 0


def test_online_reads_each_source_once(council: Council, http_server: LocalHTTPServer,
                                       tmp_path: Path) -> None:
    feed = (council.root / "content" / "news.rss").read_bytes()
    http_server.add("/news.rss", feed, content_type="application/rss+xml")
    http_server.add("/gone.rss", b"not here", status=404)
    unreachable = f"http://127.0.0.1:{closed_port()}/news.rss"
    council.write_config(ORGANISATION + f"""\
sources:
  news: {{type: feed, url: "{http_server.url('/news.rss')}", allow_private: true}}
  gone: {{type: feed, url: "{http_server.url('/gone.rss')}", allow_private: true}}
  down: {{type: feed, url: "{unreachable}", allow_private: true}}
sinks:
  partners: {{type: feed, directory: public/feeds}}
""")
    offline = council.run("check")
    assert offline.exit_code == 0 and http_server.requests_for("/news.rss") == []

    result = council.run("check", "--online", "--json")

    assert result.exit_code == 2
    checks = {c["subject"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["source news"]["ok"]
    assert "Snow update" in checks["source news"]["message"]
    assert not checks["source gone"]["ok"] and "404" in checks["source gone"]["message"]
    assert not checks["source down"]["ok"]
    assert "127.0.0.1" in checks["source down"]["message"]
    assert len(http_server.requests_for("/news.rss")) == 1
    assert not (council.root / ".syndicate" / "http").exists()   # no cache written


def wiki_config(council: Council, wiki: LocalWiki, kind: str = "commons") -> None:
    council.write_config(ORGANISATION + f"""\
sources:
  photos: {{type: directory, path: content/photos}}
sinks:
  wiki:
    type: {kind}
    site: {wiki.api_url}
    username: {{env: CHECK_WIKI_USER}}
    password: {{env: CHECK_WIKI_PASSWORD}}
""")


def test_online_logs_in_with_a_good_bot_password(council: Council, wiki: LocalWiki,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHECK_WIKI_USER", wiki.username)
    monkeypatch.setenv("CHECK_WIKI_PASSWORD", wiki.password)
    wiki_config(council, wiki)

    result = council.run("check", "--online")

    assert result.exit_code == 0, result.output
    assert lines(result.stdout)["sink wiki"] == (
        f"ok logged in to 127.0.0.1:{wiki.port} as {USERNAME} (may edit, upload)")
    assert wiki.password not in result.output


def test_online_names_a_wrong_password(council: Council, wiki: LocalWiki,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHECK_WIKI_USER", wiki.username)
    monkeypatch.setenv("CHECK_WIKI_PASSWORD", "not-the-password-0000")
    wiki_config(council, wiki)

    result = council.run("check", "--online")

    assert result.exit_code == 2
    message = lines(result.stdout)["sink wiki"]
    assert message.startswith(f"FAIL 127.0.0.1:{wiki.port}: login failed for user "
                              f"{wiki.username}")
    assert "not-the-password-0000" not in result.output


@pytest.mark.parametrize(("kind", "missing", "grant"), [
    ("commons", "upload", "Upload new files (uploadfile)"),
    ("wikipedia-draft", "createpage, createtalk",
     "Create, edit, and move pages (createeditmovepage)"),
])
def test_online_names_the_grants_a_bot_password_lacks(
        council: Council, wiki: LocalWiki, monkeypatch: pytest.MonkeyPatch, kind: str,
        missing: str, grant: str) -> None:
    output = wiki._php("maintenance/createBotPassword.php", "--appid", "editonly",
                       "--grants", "basic,editpage", USERNAME)
    found = re.search(r"password:'([^']+)'", output)
    assert found is not None, output
    monkeypatch.setenv("CHECK_WIKI_USER", f"{USERNAME}@editonly")
    monkeypatch.setenv("CHECK_WIKI_PASSWORD", found.group(1))
    wiki_config(council, wiki, kind)

    result = council.run("check", "--online")

    assert result.exit_code == 2
    assert lines(result.stdout)["sink wiki"] == (
        f"FAIL logged in to 127.0.0.1:{wiki.port} as {USERNAME}, but the account may not "
        f"{missing}; on the wiki's Special:BotPasswords give this bot password the grants: "
        f"{grant}")


def test_a_queue_an_editor_broke_fails_the_check(council: Council) -> None:
    assert council.run("collect").exit_code == 0
    assert lines(council.run("check").stdout)["queue"].startswith("ok ")
    council.queue.write_text(council.queue.read_text().replace("status: pending",
                                                               "status: aproved", 1))
    result = council.run("check")
    assert result.exit_code == 2
    assert "aproved" in lines(result.stdout)["queue"]


def test_a_feed_sink_without_base_url_is_a_warning_that_does_not_fail_the_check(
        council: Council) -> None:
    text = council.config.read_text()
    assert "base_url:" in text
    council.write_config("\n".join(line for line in text.splitlines()
                                   if "base_url:" not in line) + "\n")
    sink_line = text.splitlines().index("  partners:") + 1

    result = council.run("check")

    assert result.exit_code == 0, result.output
    advice = lines(result.stdout)["sink partners"]
    assert advice.startswith(f"warn {council.config}:{sink_line}: feed.no-base-url: the "
                             "partners feed sink has no base_url"), advice
    assert "all checks passed, with 1 warning to consider" in result.stdout
    checks = json.loads(council.run("check", "--json").stdout)["checks"]
    (found,) = [c for c in checks if c["subject"] == "sink partners"]
    assert found["ok"] and found["warning"]
    council.write_config(text)
    assert "sink partners" not in lines(council.run("check").stdout)
