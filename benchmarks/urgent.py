"""The emergency lane: how long from an urgent item appearing in the council's feed to the
partner feed file on disk and the WebSub hub notified.

A 500-item council feed is served on 127.0.0.1 (tests/httpserver.py) with a WebSub hub
beside it (tests/websubhub.py). The ledger already knows the 500 items (a nightly run has
read them), as it would on a snow day. Then, repeatedly, an Emergency item is added to the
served feed and the urgent lane runs; for each round it prints:

- fetch: a plain GET of the served feed (the floor: what any poller pays);
- feed file: from the item appearing to partners.atom holding its entry (file mtime);
- hub ping: from the item appearing to the hub receiving the publish notification;
- beyond fetch: hub ping minus fetch, the lane's own cost;

with the median over the rounds, in process (``syndicate.urgent.run``) and once as cron
would run it (``syndicate run --urgent`` in a fresh process, interpreter start included).

    .venv/bin/python benchmarks/urgent.py [--items 500] [--rounds 5]

Nothing is asserted; figures go to stdout.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from syndicate import config as config_module  # noqa: E402
from syndicate import pipeline, urgent  # noqa: E402
from tests.httpserver import LocalHTTPServer  # noqa: E402
from tests.snowday import Notice, council_feed, ordinary, write_config  # noqa: E402
from tests.websubhub import Hub  # noqa: E402


def emergency(n: int) -> Notice:
    return Notice(f"emergency-{n}", f"URGENT: school closures, update {n}",
                  "Schools closed because of snow.", categories=["Emergency"])


def one_round(server: LocalHTTPServer, hub: Hub, path: Path, background: list[Notice],
              n: int, *, cli: bool) -> dict[str, float]:
    notices = [emergency(n), *background]
    body = council_feed(notices)
    feed = path.parent / "public" / "feeds" / "partners.atom"
    hub.received.clear()
    seen = len(hub.notifications)
    started_wall, started = time.time(), time.monotonic()
    server.add("/news.rss", body, content_type="application/rss+xml")   # the item appears
    if cli:
        subprocess.run([str(ROOT / ".venv" / "bin" / "syndicate"), "--config", str(path),
                        "run", "--urgent", "-q"], check=True)
    else:
        report = urgent.run(config_module.load(path))
        assert report.exit_code == 0, report.summary()
    hub.received.wait(10)
    assert f"emergency-{n}" in feed.read_text(), "the entry reached the partner feed"
    pinged = hub.notifications[seen].at - started
    fetch_started = time.monotonic()
    requests.get(server.url("/news.rss"), timeout=10).raise_for_status()
    fetch = time.monotonic() - fetch_started
    return {"fetch": fetch, "feed file": feed.stat().st_mtime - started_wall,
            "hub ping": pinged, "beyond fetch": pinged - fetch}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    server, hub = LocalHTTPServer(), Hub()
    server.start()
    hub._thread.start()
    try:
        with tempfile.TemporaryDirectory() as scratch:
            background = ordinary(args.items - 1)
            server.add("/news.rss", council_feed(background), content_type="application/rss+xml")
            path = write_config(Path(scratch) / "council", server.url("/news.rss"), hub.url)
            started = time.monotonic()
            pipeline.run(config_module.load(path))   # the nightly run reads the 499 items
            nightly = time.monotonic() - started
            print(f"source feed: {args.items} items, "
                  f"{len(council_feed([emergency(0), *background])) // 1024} KiB; "
                  f"nightly run that first read them: {nightly:.2f} s")
            rounds = [one_round(server, hub, path, background, n, cli=False)
                      for n in range(args.rounds)]
            print(f"\nin process, {args.rounds} urgent items (seconds):")
            print(f"{'round':>5} " + " ".join(f"{k:>13}" for k in rounds[0]))
            for n, figures in enumerate(rounds):
                print(f"{n:>5} " + " ".join(f"{v:>13.3f}" for v in figures.values()))
            print("  med " + " ".join(f"{statistics.median(r[k] for r in rounds):>13.3f}"
                                      for k in rounds[0]))
            cron = one_round(server, hub, path, background, args.rounds, cli=True)
            print("\nas cron runs it (a fresh `syndicate run --urgent` process):")
            print("      " + " ".join(f"{k:>13}" for k in cron))
            print("      " + " ".join(f"{v:>13.3f}" for v in cron.values()))
    finally:
        server.stop()
        hub._server.shutdown()
        hub._server.server_close()


if __name__ == "__main__":
    main()
