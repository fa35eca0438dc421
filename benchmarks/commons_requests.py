"""API requests and wall time for 40 small uploads: CommonsSink, mwclient and pywikibot.

Starts a throwaway local MediaWiki (tests/mediawiki.py), uploads 40 distinct small PNG and
JPEG images once through CommonsSink (open, 40 publish, close), then, each on a fresh copy of
the wiki, with mwclient's ``Site.upload`` in a loop and with pywikibot's ``UploadRobot``
(zero throttle, a generated family file for 127.0.0.1), counting api.php requests in the
``php -S`` log. A first round of uploads, not counted, warms the wiki's caches so that no
uploader pays for them alone. The target for the sink: at most 1.05 requests per new small
file plus at most 5 per run.

    .venv/bin/python benchmarks/commons_requests.py [--files 40]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mwclient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.mediawiki

from syndicate.model import Item, make_id
from syndicate.secrets import Secret
from syndicate.sinks.base import Organisation, SinkContext, SinkState
from syndicate.sinks.commons import CommonsSink
from tests.mediawiki import BOT_NAME, USERNAME, LocalWiki, free_port, jpeg_bytes, png_bytes

UA = "syndicate-benchmark/0.1 (https://www.example.gov.uk; webteam@example.gov.uk)"
ORG = Organisation("Example Borough Council", "https://www.example.gov.uk",
                   "webteam@example.gov.uk")


def make_items(folder: Path, count: int) -> list[Item]:
    items = []
    for number in range(count):
        name = f"photo-{number}.{'png' if number % 2 else 'jpg'}"
        path = folder / name
        path.write_bytes(png_bytes(number + 1) if number % 2 else jpeg_bytes(number + 1))
        items.append(Item(id=make_id("photos", name), source="photos", kind="image",
                          title=f"Benchmark photo {number}", path=path,
                          url=f"https://www.example.gov.uk/photos/{number}",
                          creator="Jo Bloggs", date="2024-05-01", licence="cc-by-4.0",
                          evidence="https://www.example.gov.uk/copyright"))
    return items


def commons_sink(wiki: LocalWiki, folder: Path, *, dry_run: bool = False) -> CommonsSink:
    os.environ["BENCH_WIKI_USER"] = wiki.username
    os.environ["BENCH_WIKI_PASSWORD"] = wiki.password
    store: dict[str, Any] = {}
    context = SinkContext(base_dir=folder, state_dir=folder / ".syndicate", organisation=ORG,
                          user_agent=UA, state=SinkState(store.get, store.__setitem__),
                          dry_run=dry_run)
    return CommonsSink("commons", {
        "type": "commons", "site": wiki.api_url, "categories": ["Example Borough Council"],
        "username": Secret(env="BENCH_WIKI_USER"),
        "password": Secret(env="BENCH_WIKI_PASSWORD")}, context)


def page_texts(wiki: LocalWiki, folder: Path, items: list[Item]) -> list[str]:
    """The description page CommonsSink writes for each item (its dry run's preview). The
    baselines upload the same pages, so the wiki does the same work for all three and the
    difference is each client's: a complete Commons description page costs this wiki
    more to save than a one-line one."""
    sink = commons_sink(wiki, folder, dry_run=True)
    return [str(sink.publish(item).detail["preview"]).split("\n\n", 1)[1] for item in items]


def run_sink(wiki: LocalWiki, folder: Path, items: list[Item]) -> tuple[int, float]:
    sink = commons_sink(wiki, folder)
    wiki.mark_requests()
    started = time.perf_counter()
    sink.open()
    for item in items:
        sink.publish(item)
    sink.close()
    elapsed = time.perf_counter() - started
    return wiki.count_requests(), elapsed


def run_mwclient(wiki: LocalWiki, items: list[Item], texts: list[str]) -> tuple[int, float]:
    wiki.mark_requests()
    started = time.perf_counter()
    site = mwclient.Site(f"127.0.0.1:{wiki.port}", path="/", scheme="http",
                         clients_useragent=UA)
    site.login(wiki.username, wiki.password)
    for item, text in zip(items, texts, strict=True):
        assert item.path is not None
        site.upload(io.BytesIO(item.path.read_bytes()),
                    filename=f"{item.title}{item.path.suffix}", description=text,
                    comment="benchmark upload")
    elapsed = time.perf_counter() - started
    return wiki.count_requests(), elapsed


def run_pywikibot(wiki: LocalWiki, items: list[Item], texts: list[str]) -> tuple[int, float]:
    """pywikibot's UploadRobot, every throttle at zero, in its own process (see
    pywikibot_upload.py); the time is its login and uploads, not its import."""
    wiki.mark_requests()
    pages = Path(wiki.root) / "pages.json"
    pages.write_text(json.dumps(dict(zip([str(item.path) for item in items], texts,
                                         strict=True))))
    files = [str(pages)]
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("pywikibot_upload.py")), str(wiki.port),
         USERNAME, BOT_NAME, wiki.password, *files], capture_output=True, text=True)
    if done.returncode != 0 or "Upload of" not in done.stdout + done.stderr:
        raise RuntimeError(f"pywikibot failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    seconds = float(json.loads(done.stdout.strip().splitlines()[-1])["seconds"])
    return wiki.count_requests(), seconds


def measure(folder: Path, count: int, rounds: int = 3) -> dict[str, tuple[int, float]]:
    """(API requests, median wall time) of each uploader for ``count`` new files, each
    upload round on a fresh copy of the same local wiki. Uploads are bound by the wiki's
    PHP, whose speed moves with the machine's load, so the uploaders take turns for
    ``rounds`` rounds, each round starting with a different one, and keep the median."""
    wiki = LocalWiki(folder / "wiki", free_port())
    wiki.create()
    wiki.start()
    texts: list[str] = []
    uploaders: list[tuple[str, Callable[[LocalWiki, list[Item]], tuple[int, float]]]] = [
        ("CommonsSink", lambda w, i: run_sink(w, folder, i)),
        ("mwclient Site.upload", lambda w, i: run_mwclient(w, i, texts)),
        ("pywikibot UploadRobot", lambda w, i: run_pywikibot(w, i, texts))]
    runs: dict[str, list[tuple[int, float]]] = {name: [] for name, _ in uploaders}
    try:
        items = make_items(folder, count)
        # A round not counted: MediaWiki fills its caches (localisation in $wgCacheDirectory,
        # which a reset keeps) on first use, and whichever uploader ran first paid alone.
        texts += page_texts(wiki, folder, items)
        run_mwclient(wiki, items, texts)
        for turn in range(rounds):
            for name, uploader in uploaders[turn % 3:] + uploaders[:turn % 3]:
                wiki.reset()  # a fresh wiki, so each uploads the same new files
                runs[name].append(uploader(wiki, items))
    finally:
        wiki.stop()
    return {name: (done[0][0], statistics.median(seconds for _, seconds in done))
            for name, done in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=40)
    count = parser.parse_args().files
    with tempfile.TemporaryDirectory(prefix="syndicate-bench-") as tmp:
        results = measure(Path(tmp), count)
    print(f"{count} new small files (PNG/JPEG) to a local MediaWiki 1.39\n")
    print(f"{'':22}{'requests':>9}{'per file':>10}{'wall time':>11}")
    for name, (requests, seconds) in results.items():
        print(f"{name:22}{requests:>9}{requests / count:>10.2f}{seconds:>10.2f}s")
    sink_requests, sink_time = results["CommonsSink"]
    for name, (requests, seconds) in results.items():
        if name != "CommonsSink":
            print(f"ratio (CommonsSink / {name}): {sink_requests / requests:.2f}x requests, "
                  f"{sink_time / seconds:.2f}x time")
    budget = 1.05 * count + 5
    verdict = "within" if sink_requests <= budget else "OVER"
    print(f"target for CommonsSink: <= {budget:.0f} requests ({verdict})")


if __name__ == "__main__":
    main()
