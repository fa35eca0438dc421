"""Collect: speed and memory on a large feed, side by side with a baseline.

Prints, for a generated RSS feed of N entries (default 20,000):
- peak memory (max RSS of a fresh process) of syndicate's streaming feed source against
  feedparser, which reads the whole document into memory (the baseline partners use);
- wall time of a first ``collect`` (every item new: tag, check, ledger) and of a rerun on the
  same feed (every item unchanged: must cost little more than parsing), with the ratio.

    .venv/bin/python benchmarks/collect.py [--entries 20000]

Each measurement runs in its own process so peak memory is its own. Nothing is asserted;
figures go to stdout.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CONFIG = """\
organisation: {name: Benchmark Borough Council, url: https://bench.example.gov.uk}
sources:
  news: {type: feed, path: feed.xml}
licensing:
  default: ogl-uk-3.0
  evidence: https://bench.example.gov.uk/copyright
queue: {max_pending: 500}
sinks:
  partners: {type: feed, directory: public/feeds}
"""


def write_feed(path: Path, entries: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
                  'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
                  "<title>Bench news</title><link>https://bench.example.gov.uk/</link>\n")
        for n in range(entries):
            out.write(
                f"<item><title>Council news item {n}</title>"
                f"<link>https://bench.example.gov.uk/news/{n}</link>"
                f"<guid>https://bench.example.gov.uk/news/{n}</guid>"
                f"<dc:creator>Communications Team</dc:creator>"
                f"<pubDate>Mon, 05 Jan 2026 10:00:00 GMT</pubDate>"
                f"<description>{'Roadworks and bin collection news. ' * 12}</description>"
                "</item>\n")
        out.write("</channel></rss>\n")


def child(code: str) -> dict[str, float]:
    """Run ``code`` in a fresh interpreter; it prints JSON; add its peak RSS in MiB."""
    wrapper = ("import json, resource, time\nstart = time.perf_counter()\nresult = {}\n"
               + textwrap.dedent(code) +
               "\nresult['seconds'] = time.perf_counter() - start"
               "\nresult['peak_mib'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024"
               "\nprint(json.dumps(result))\n")
    out = subprocess.run([sys.executable, "-c", wrapper], check=True, capture_output=True,
                         text=True, cwd=ROOT).stdout
    data: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        feed = root / "feed.xml"
        write_feed(feed, args.entries)
        (root / "syndicate.yaml").write_text(CONFIG)
        size_mib = feed.stat().st_size / 2**20
        print(f"feed: {args.entries} entries, {size_mib:.1f} MiB")

        idle = child("pass")
        ours = child(f"""
from pathlib import Path
from syndicate.fetch import Fetcher
from syndicate.sources.feed import FeedSource
from syndicate.sources.base import SourceContext
source = FeedSource("news", {{"path": {str(feed)!r}}},
                    SourceContext(Path({tmp!r}), Fetcher("bench")))
result["items"] = sum(1 for _ in source.items())
""")
        theirs = child(f"""
import feedparser
result["items"] = len(feedparser.parse({str(feed)!r}).entries)
""")
        print("\nparse only (fresh process each; peak RSS includes the interpreter, "
              f"{idle['peak_mib']:.0f} MiB idle)")
        print(f"{'':24}{'items':>8}{'seconds':>10}{'peak MiB':>10}")
        for name, row in (("syndicate FeedSource", ours), ("feedparser (baseline)", theirs)):
            print(f"{name:24}{row['items']:>8.0f}{row['seconds']:>10.2f}"
                  f"{row['peak_mib']:>10.0f}")
        above = (ours["peak_mib"] - idle["peak_mib"], theirs["peak_mib"] - idle["peak_mib"])
        print(f"memory above idle: {above[0]:.0f} MiB vs {above[1]:.0f} MiB "
              f"(ratio {above[0] / max(above[1], 0.1):.2f})")

        collect = f"""
from pathlib import Path
from syndicate import config, pipeline
report = pipeline.collect(config.load(Path({str(root / 'syndicate.yaml')!r})))
result["new"] = report.new
result["unchanged"] = report.unchanged
"""
        first = child(collect)
        rerun = child(collect)
        print("\ncollect through the pipeline (tag, check, ledger, queue)")
        print(f"first run: {first['new']:.0f} new in {first['seconds']:.2f} s, "
              f"peak {first['peak_mib']:.0f} MiB")
        print(f"rerun:     {rerun['unchanged']:.0f} unchanged in {rerun['seconds']:.2f} s, "
              f"peak {rerun['peak_mib']:.0f} MiB")
        print(f"rerun / first run: {rerun['seconds'] / first['seconds']:.2f}; "
              f"rerun / parse only: {rerun['seconds'] / ours['seconds']:.2f}")


if __name__ == "__main__":
    main()
