"""The README's cron line works as written: run under cron's bare environment (``env -i``
plus what cron itself sets) with only what the README says to set, secrets from an
``env_file:``."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.council import Council

README = Path(__file__).resolve().parents[1] / "README.md"
#: What the README's lines assume, and where this test has them.
INSTALLED = "/srv/syndicate/.venv/bin/syndicate"
CONFIG = "/srv/council/syndicate.yaml"
SIGNING_KEY = "cron-signing-key-0123"


def readme_line(start: str) -> str:
    lines = [line for line in README.read_text().splitlines() if line.startswith(start)]
    assert len(lines) == 1, f"the README should have one line starting {start!r}"
    return lines[0]


def as_here(command: str, council: Council) -> str:
    installed = Path(sys.executable).parent / "syndicate"
    if not installed.exists():
        pytest.skip(f"no installed syndicate command beside {sys.executable}")
    assert INSTALLED in command and CONFIG in command
    return command.replace(INSTALLED, str(installed)).replace(CONFIG, str(council.config))


def like_cron(command: str, home: Path) -> subprocess.CompletedProcess[str]:
    """``command`` as cron runs it: /bin/sh -c with only HOME, LOGNAME, SHELL and PATH
    (crontab(5)), nothing inherited from this process."""
    return subprocess.run(
        ["env", "-i", f"HOME={home}", "LOGNAME=syndicate", "SHELL=/bin/sh",
         "PATH=/usr/bin:/bin", "/bin/sh", "-c", command],
        capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture
def council_for_cron(council: Council) -> Council:
    """The demo council with a plugin sink whose secret comes from an env_file, and the
    editors' approvals made, so the nightly run has something to publish."""
    env_file = council.root / "syndicate.env"
    env_file.write_text(f"# read by syndicate, not the shell\nARCHIVE_KEY={SIGNING_KEY}\n")
    env_file.chmod(0o600)
    council.write_config("env_file: syndicate.env\n" + council.config.read_text().replace(
        "  partners:\n", "  archive:\n    type: jsonl\n    path: archive.jsonl\n"
                         "    signing_key: {env: ARCHIVE_KEY}\n    kinds: [image]\n"
                         "  partners:\n", 1))
    assert council.run("collect").exit_code == 0
    assert council.run("queue", "approve", "--all").exit_code == 0
    return council


def test_the_readme_cron_line_runs_the_nightly_job(council_for_cron: Council,
                                                   tmp_path: Path) -> None:
    council = council_for_cron
    schedule = readme_line("15 2 * * *")
    command = as_here(schedule.split(None, 5)[5], council)

    done = like_cron(command, tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr
    # -q: cron mails only problems and the one line of what waits for people
    assert done.stderr == ""
    assert all(line.startswith("for people: ") for line in done.stdout.splitlines())
    record = json.loads((council.root / ".syndicate" / "runs" / "latest.json").read_text())
    assert record["command"] == "run" and record["exit_code"] == 0
    lines = [json.loads(line) for line in
             (council.root / "archive.jsonl").read_text().splitlines()]
    assert lines and record["published"]["archive"] == len(lines)
    signed = {k: v for k, v in lines[0].items() if k != "hmac"}
    assert lines[0]["hmac"] == hmac.new(SIGNING_KEY.encode(),
                                        json.dumps(signed, sort_keys=True).encode(),
                                        hashlib.sha256).hexdigest()


def test_the_readme_check_line_passes_in_the_same_environment(council_for_cron: Council,
                                                              tmp_path: Path) -> None:
    command = as_here(readme_line("env -i SYNDICATE_CONFIG="), council_for_cron)

    done = like_cron(command, tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok   secret sinks.archive.signing_key: env ARCHIVE_KEY: set" in done.stdout


def test_without_the_env_file_the_cron_run_says_what_is_missing(council_for_cron: Council,
                                                                tmp_path: Path) -> None:
    council = council_for_cron
    council.write_config(council.config.read_text().replace("env_file: syndicate.env\n", ""))
    command = as_here(readme_line("15 2 * * *").split(None, 5)[5], council)

    done = like_cron(command, tmp_path)

    assert done.returncode == 1                        # partners published; archive waits
    assert "environment variable ARCHIVE_KEY is not set" in done.stdout
    record = json.loads((council.root / ".syndicate" / "runs" / "latest.json").read_text())
    assert record["exit_code"] == 1 and record["published"].get("partners", 0) > 0
