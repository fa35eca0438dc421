"""Deadlines: a wiki that never answers costs one login deadline, and a run that has used
up its deadline stops taking new work (the rest waits for the next run)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from syndicate.boundary import Boundary
from syndicate.errors import SinkError
from syndicate.limits import Limits
from syndicate.mediawiki import RetryPolicy
from syndicate.secrets import Secret
from syndicate.sinks.base import SinkContext
from syndicate.sinks.commons.sink import CommonsSink
from tests.council import Council
from tests.faults.proxy import Proxy, proxy
from tests.mediawiki import LocalWiki
from tests.wikisinks import ORG, UA, login_env

__all__ = ["proxy"]


def test_a_wiki_that_never_answers_costs_one_login_deadline(
        wiki: LocalWiki, proxy: Proxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    login_env(wiki, monkeypatch)
    proxy.rule = lambda request: "delay:60"  # answers nothing within the deadline
    context = SinkContext(base_dir=tmp_path, state_dir=tmp_path, organisation=ORG,
                          user_agent=UA, limits=Limits(login_deadline=3))
    sink = CommonsSink("commons", {"site": proxy.url,
                                   "username": Secret(env="TEST_WIKI_USER"),
                                   "password": Secret(env="TEST_WIKI_PASSWORD")}, context)
    sink.retry_policy = RetryPolicy(attempts=5, base_delay=2)  # the real backoff

    started = time.monotonic()
    with pytest.raises(SinkError):
        sink.open()
    # Without the deadline: five attempts of a 120 s timeout plus backoff (over 10 minutes).
    assert time.monotonic() - started < 3 + 2


def test_a_run_past_its_deadline_publishes_nothing_more(
        council: Council, monkeypatch: pytest.MonkeyPatch) -> None:
    assert council.run("collect").exit_code == 0
    assert council.run("queue", "approve", "--all").exit_code == 0
    # The clock is the one thing a test cannot wait for: the deadline is declared passed.
    monkeypatch.setattr(Boundary, "run_overdue", lambda self: True)

    result = council.run("run", "--json")

    report = json.loads(result.stdout)
    assert result.exit_code == 1
    assert report["published"] == {}
    messages = [p["message"] for p in report["problems"]]
    assert any("limits.run_deadline" in m and "go out next run" in m for m in messages)
    assert any("not read: the run reached limits.run_deadline" in m for m in messages)
    assert {i["status"] for i in council.queue_items()} >= {"approved"}
