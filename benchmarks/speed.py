"""Every speed target of syndicate, each as a ratio against its baseline, in one run.

    .venv/bin/python benchmarks/speed.py            # full size: 100,000 feed items, ...
    .venv/bin/python benchmarks/speed.py --smoke    # seconds: same code, tiny data
    .venv/bin/python benchmarks/speed.py --only feed,queue   # some targets only

Targets (README "Performance"):

1. quiet night: ``syndicate collect`` (a fresh process, start-up included) over N unchanged
   feed items, as a multiple of a bare ``lxml.etree.iterparse`` pass over the same file;
   whether the ledger and queue files were left byte-for-byte alone; and a remote feed
   that answers 304: requests made and feed parses.
2. first collect of N new items: multiple of the iterparse pass, speed against
   ``feedparser.parse`` of the same file, peak RSS at N/10 and N items.
3. pages: a sitemap of 2,000 pages on 127.0.0.1 with ETags; the second night's requests,
   304 answers, pages parsed and time.
4. queue: load + save of a 10,000-item queue.yaml against bare PyYAML with libyaml
   (CSafeLoader/CSafeDumper) on the same file.
5. Commons: 40 new small images to a local MediaWiki — API requests per file and wall
   time (the median of three rounds, taking turns), against a plain mwclient
   ``Site.upload`` loop and pywikibot's ``UploadRobot`` (zero throttle), all against the
   same wiki (see commons_requests.py).

Generated data comes from benchmarks/generate.py. Nothing is asserted: figures and ratios
go to stdout, the targets beside them.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import generate  # noqa: E402

SYNDICATE = Path(sys.executable).with_name("syndicate")


@dataclass(frozen=True)
class Sizes:
    entries: int        # feed items (targets 1 and 2)
    remote: int         # feed items behind the 304 server
    pages: int          # sitemap pages (target 3)
    queue: int          # queue.yaml items (target 4)
    files: int          # Commons uploads (target 5)


FULL = Sizes(entries=100_000, remote=2_000, pages=2_000, queue=10_000, files=40)
SMOKE = Sizes(entries=1_000, remote=100, pages=40, queue=300, files=3)

CONFIG = """\
organisation: {{name: Bench Borough Council, url: https://www.bench.gov.uk}}
sources:
  news: {source}
licensing:
  default: ogl-uk-3.0
  evidence: https://www.bench.gov.uk/copyright
queue: {{max_pending: {max_pending}}}
limits: {{items_per_source: 1000000}}   # a whole news archive is one source's first read
sinks:
  partners: {{type: feed, directory: public/feeds}}
"""


def workspace(folder: Path, source: dict[str, Any], max_pending: int = 500,
              extra: str = "") -> Path:
    """A syndicate.yaml in ``folder`` with one source (and ``extra`` YAML); return its
    path."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "syndicate.yaml"
    config.write_text(CONFIG.format(source=json.dumps(source), max_pending=max_pending)
                      + extra, encoding="utf-8")
    return config


# -- measuring in fresh processes -------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mib: float
    cpu: float          # user + system seconds: what a busy machine disturbs least
    output: str = ""


def run_process(command: list[str], cwd: Path) -> Run:
    """Wall time (start-up included) and peak RSS of one fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    assert process.stdout is not None
    output = process.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):   # 1: findings to look at, still a finished run
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}:\n{output}")
    return Run(seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, output)


def python_child(code: str) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter; it fills ``result``; add the time it took
    (without interpreter start-up) and its peak RSS."""
    wrapper = ("import json, resource, time\nresult = {}\nstart = time.perf_counter()\n"
               + textwrap.dedent(code)
               + "\nresult['seconds'] = time.perf_counter() - start"
               "\nusage = resource.getrusage(resource.RUSAGE_SELF)"
               "\nresult['peak_mib'] = usage.ru_maxrss / 1024"
               "\nresult['cpu'] = time.process_time()"
               "\nprint(json.dumps(result))\n")
    out = subprocess.run([sys.executable, "-c", wrapper], check=True, capture_output=True,
                         text=True, cwd=ROOT).stdout
    data: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return data


def bare_iterparse(path: Path) -> dict[str, Any]:
    """The floor: one streaming lxml pass that frees each item as it goes."""
    return python_child(f"""
        from lxml import etree
        count = 0
        for _, element in etree.iterparse({str(path)!r}, events=("end",), tag="item"):
            count += 1
            element.clear(keep_tail=True)
            while element.getprevious() is not None:
                del element.getparent()[0]
        result["items"] = count
        """)


def feedparser_parse(path: Path) -> dict[str, Any]:
    return python_child(f"""
        import feedparser
        result["items"] = len(feedparser.parse({str(path)!r}).entries)
        """)


def collect_cli(config: Path) -> Run:
    return run_process([str(SYNDICATE), "--config", str(config), "-q", "collect"],
                       config.parent)


def fingerprints(*paths: Path) -> dict[str, tuple[int, int, str]]:
    """Inode, modification time and SHA-256 of each file: a file replaced by an identical
    copy counts as rewritten. Read in blocks: a whole ledger read at once would raise this
    process's peak RSS, which the processes it starts afterwards inherit."""
    found = {}
    for path in paths:
        with contextlib.suppress(FileNotFoundError), path.open("rb") as handle:
            status = os.fstat(handle.fileno())
            found[path.name] = (status.st_ino, status.st_mtime_ns,
                                hashlib.file_digest(handle, "sha256").hexdigest())
    return found


# -- printing ---------------------------------------------------------------------------------

class Table:
    """Rows of (target, measured, baseline, ratio, goal), printed as they come."""

    def __init__(self) -> None:
        print(f"{'target':48}{'syndicate':>14}{'baseline':>14}{'ratio':>9}  goal")

    def row(self, name: str, ours: str, theirs: str, ratio: float | None, goal: str) -> None:
        shown = f"{ratio:.2f}x" if ratio is not None else ""
        print(f"{name:48}{ours:>14}{theirs:>14}{shown:>9}  {goal}", flush=True)

    def note(self, text: str) -> None:
        print(f"    {text}", flush=True)


# -- targets 1 and 2: a big feed, first and quiet night ---------------------------------------

def feed_targets(table: Table, folder: Path, sizes: Sizes) -> None:
    small = max(sizes.entries // 10, 1)
    results = {}
    for entries in (small, sizes.entries):
        feed = folder / f"news-{entries}.xml"
        size = generate.news_archive(feed, entries)
        config = workspace(folder / f"ws-{entries}", {"type": "feed", "path": str(feed)})
        first = collect_cli(config)
        files = [config.parent / "queue.yaml", config.parent / ".syndicate" / "state.sqlite"]
        before = fingerprints(*files)
        quiet = collect_cli(config)
        changed = [name for name, print_ in fingerprints(*files).items()
                   if before.get(name) != print_]
        results[entries] = (feed, size, first, quiet, changed)
    feed, size, first, quiet, changed = results[sizes.entries]
    # The next night the feed gains one entry: every other entry is passed over by its
    # raw hash (SourceContext.known) rather than the whole document's.
    generate.news_archive(feed, sizes.entries + 1)
    one_new = collect_cli(folder / f"ws-{sizes.entries}" / "syndicate.yaml")
    generate.news_archive(feed, sizes.entries)
    # Editors decided 500 items: the next 500 of the entries the first collect deferred
    # are built, tagged and checked (the document itself is unchanged).
    room = collect_cli(workspace(folder / f"ws-{sizes.entries}", {"type": "feed",
                                 "path": str(feed)}, max_pending=1000))
    # What deferring saves: the same first collect with every item examined at once, as a
    # source an urgent rule can match is (the rule itself matches nothing here).
    whole = collect_cli(workspace(folder / "ws-whole", {"type": "feed", "path": str(feed)},
                                  extra="urgent: [{match: {source: news, category: none}}]\n"))
    table.note(f"feed: {sizes.entries:,} items, {size / 1e6:.1f} MB ({feed.name})")
    floor = bare_iterparse(feed)
    theirs = feedparser_parse(feed)
    floor_s = f"{floor['seconds']:.2f}s"
    table.row("1. quiet night: collect, nothing changed", f"{quiet.seconds:.2f}s", floor_s,
              quiet.seconds / floor["seconds"], "<= 3x iterparse (start-up included)")
    table.row("1. next night: one new entry, the rest unchanged", f"{one_new.seconds:.2f}s",
              floor_s, one_new.seconds / floor["seconds"], "(no goal: entry by entry)")
    table.note("files rewritten by the quiet night: "
               + (", ".join(changed) if changed else "none (byte-for-byte untouched)"))
    table.row("2. first collect, all new", f"{first.seconds:.2f}s", floor_s,
              first.seconds / floor["seconds"], "<= 15x iterparse")
    table.row("2. first collect vs feedparser.parse", f"{first.seconds:.2f}s",
              f"{theirs['seconds']:.2f}s", theirs["seconds"] / first.seconds,
              ">= 3x faster (ratio = feedparser / ours)")
    table.row("2. first collect, every item examined at once", f"{whole.seconds:.2f}s",
              floor_s, whole.seconds / floor["seconds"],
              "(no goal: as before deferring; README)")
    table.row("2. next night, 500 deferred entries examined", f"{room.seconds:.2f}s", floor_s,
              room.seconds / floor["seconds"], "(no goal: editors made room for 500)")
    small_first = results[small][2]
    table.row(f"2. peak RSS, first collect {small:,} -> {sizes.entries:,}",
              f"{first.peak_mib:.0f} MiB", f"{small_first.peak_mib:.0f} MiB",
              first.peak_mib / small_first.peak_mib, "<= 150 MiB, flat (ratio ~1)")
    table.note(f"peak RSS of the quiet night {quiet.peak_mib:.0f} MiB; bare iterparse "
               f"{floor['peak_mib']:.0f} MiB; feedparser {theirs['peak_mib']:.0f} MiB")
    table.note(f"peak RSS of the first collect with every item examined {whole.peak_mib:.0f} "
               "MiB")
    table.note(f"CPU seconds: quiet night {quiet.cpu:.2f}, first collect {first.cpu:.2f}, "
               f"bare iterparse {floor['cpu']:.2f} (with start-up), feedparser "
               f"{theirs['cpu']:.2f} (with start-up)")


# -- a loopback web server, and counting what syndicate does in this process ------------------

def web_server() -> Any:
    """The test suite's loopback server, used as ``with web_server() as server``."""
    from tests.httpserver import LocalHTTPServer
    return LocalHTTPServer()


@contextlib.contextmanager
def counting(owner: Any, name: str) -> Iterator[list[int]]:
    """Count calls of ``owner.name`` (a parse entry point) while the block runs."""
    original = getattr(owner, name)
    calls = [0]

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(*args, **kwargs)

    setattr(owner, name, counted)
    try:
        yield calls
    finally:
        setattr(owner, name, original)


def collect_here(config: Path) -> float:
    """One ``collect`` in this process (so parses can be counted); its wall time."""
    from syndicate import config as configuration
    from syndicate import pipeline
    started = time.perf_counter()
    pipeline.collect(configuration.load(config))
    return time.perf_counter() - started


def not_modified(server: Any, since: int) -> int:
    """How many requests after the ``since``-th carried a validator that matches."""
    count = 0
    for request in server.requests[since:]:
        route = server.routes.get(request.path)
        tag = request.headers.get("if-none-match")
        if route is not None and tag is not None and route.etag in tag.split(", "):
            count += 1
    return count


def remote_feed_target(table: Table, folder: Path, sizes: Sizes) -> None:
    from syndicate.sources import feed as feed_source
    path = folder / "remote.xml"
    generate.news_archive(path, sizes.remote)
    with web_server() as server:
        server.add("/news.rss", path.read_bytes(), content_type="application/rss+xml",
                   etag='"news-v1"', last_modified="Mon, 05 Jan 2026 10:00:00 GMT")
        config = workspace(folder / "ws-remote", {"type": "feed", "url":
                                                  server.url("/news.rss"),
                                                  "allow_private": True})
        collect_here(config)
        since = len(server.requests)
        with counting(feed_source.FeedReader, "read") as parses:
            seconds = collect_here(config)
        requests = len(server.requests) - since
        unchanged = not_modified(server, since)
    table.row(f"1. remote feed answering 304 ({sizes.remote:,} items)",
              f"{requests} req {parses[0]} parse", "1 req 0 parse", None,
              f"one request, no parse ({seconds:.2f}s, {unchanged} answered 304)")


# -- target 3: pages from a sitemap ------------------------------------------------------------

def pages_target(table: Table, folder: Path, sizes: Sizes) -> None:
    from syndicate.sources import pages as pages_source
    with web_server() as server:
        urls = []
        for number, (path, body) in enumerate(generate.site_pages(sizes.pages,
                                                                   server.base_url)):
            server.add(path, body, content_type="text/html; charset=utf-8",
                       etag=f'"page-{number}"', last_modified="Mon, 05 Jan 2026 10:00:00 GMT")
            urls.append(server.url(path))
        server.add("/sitemap.xml", generate.sitemap(urls), content_type="application/xml",
                   etag='"sitemap-v1"', last_modified="Mon, 05 Jan 2026 10:00:00 GMT")
        config = workspace(folder / "ws-pages", {
            "type": "pages", "sitemap": server.url("/sitemap.xml"), "allow_private": True,
            "max_pages": sizes.pages + 1})
        first = collect_here(config)
        since = len(server.requests)
        with counting(pages_source, "read_page") as parses:
            second = collect_here(config)
        requests = len(server.requests) - since
        unchanged = not_modified(server, since)
    table.row(f"3. pages: second night, {sizes.pages:,} pages", f"{requests} req",
              f"{sizes.pages} req", requests / sizes.pages,
              f"<= 1 conditional request a page ({unchanged} answered 304)")
    table.row("3. pages: parses of pages that answered 304", f"{parses[0]} parses", "0",
              None, "nothing parsed that answered 304")
    table.row("3. pages: second night / first night time", f"{second:.2f}s", f"{first:.2f}s",
              second / first, "report")


# -- target 4: the queue -----------------------------------------------------------------------

def queue_target(table: Table, folder: Path, sizes: Sizes) -> None:
    """A round: an editor has saved the queue (one status changed), syndicate reads it and
    writes it back with one note changed, as a run does. Each round's file is new, so
    nothing read or written before can be reused; setting the round up is not timed. Times
    are this process's CPU time, best of three, which a busy machine disturbs least."""
    import yaml

    from syndicate import queue
    path = folder / "queue.yaml"
    entries = generate.queue_entries(sizes.queue)
    sinks = ["partners", "commons"]

    def round_file(number: int) -> None:
        entries[number]["status"] = "approved"
        path.write_text(queue.render(entries), encoding="utf-8")

    def ours(number: int) -> None:
        snapshot = queue.read(path, sinks)
        items = [dict(snapshot.items[0], note=f"round {number}"), *snapshot.items[1:]]
        queue.write(path, queue.render(items), snapshot.digest)

    def bare(number: int) -> None:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        data["items"][0]["note"] = f"round {number}"
        text = yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True,
                         default_flow_style=False)
        path.write_text(text, encoding="utf-8")

    best = {ours: float("inf"), bare: float("inf")}
    for number in range(3):
        for work in (ours, bare):
            round_file(number * 2 + (work is bare))
            gc.collect()    # neither pays for the other's garbage
            started = time.process_time()
            work(number)
            best[work] = min(best[work], time.process_time() - started)
    table.row(f"4. queue.yaml load + save, {sizes.queue:,} items", f"{best[ours]:.2f}s",
              f"{best[bare]:.2f}s", best[ours] / best[bare],
              "<= 1.2x CSafeLoader + CSafeDumper (CPU s)")


# -- target 5: Commons -------------------------------------------------------------------------

def commons_target(table: Table, folder: Path, sizes: Sizes) -> None:
    import commons_requests

    results = commons_requests.measure(folder, sizes.files, rounds=1 if sizes is SMOKE else 3)
    sink = results["CommonsSink"]
    budget = 1.05 * sizes.files + 5
    table.row(f"5. Commons: {sizes.files} new small images, requests", f"{sink[0]} req",
              f"{budget:.0f} budget", sink[0] / sizes.files,
              "<= 1.05 per file + 5 per run (ratio = per file)")
    for name, goal in (("mwclient Site.upload", 0.9), ("pywikibot UploadRobot", 0.6)):
        theirs = results[name]
        table.row(f"5. Commons wall time vs {name}", f"{sink[1]:.2f}s", f"{theirs[1]:.2f}s",
                  sink[1] / theirs[1], f"<= {goal}x ({theirs[0]} requests)")


TARGETS: dict[str, Callable[[Table, Path, Sizes], None]] = {
    "feed": feed_targets, "remote": remote_feed_target, "pages": pages_target,
    "queue": queue_target, "commons": commons_target,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: runs in seconds")
    parser.add_argument("--only", default=",".join(TARGETS),
                        help=f"comma-separated targets (default: all of {', '.join(TARGETS)})")
    parser.add_argument("--entries", type=int, help="feed items for targets 1 and 2")
    args = parser.parse_args()
    sizes = SMOKE if args.smoke else FULL
    if args.entries:
        sizes = Sizes(args.entries, sizes.remote, sizes.pages, sizes.queue, sizes.files)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(chosen) - set(TARGETS)
    if unknown:
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}")
    table = Table()
    with tempfile.TemporaryDirectory(prefix="syndicate-speed-") as tmp:
        for name in chosen:
            folder = Path(tmp) / name
            folder.mkdir()
            TARGETS[name](table, folder, sizes)


if __name__ == "__main__":
    main()
