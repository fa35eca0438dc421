"""Feed writing: syndicate's Atom + RSS, sanitising every entry, against feedgen without.

For N entries (default 10,000) of realistic council HTML (paragraphs, relative links, an
image, a script and an iframe to strip), times:

- syndicate: each item → feed entry (nh3 sanitising, links made absolute and valid URIs,
  dates read) and both documents rendered (:mod:`syndicate.sinks.feedformats`);
- feedgen (the usual Python feed writer) given the same entries as they are, unsanitised,
  rendering Atom and RSS.

Prints both times and the ratio (syndicate / feedgen; at most 1.0 is the target). Best of
``--repeat`` runs each, alternated. Nothing is asserted.

    .venv/bin/python benchmarks/feeds.py [--entries 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from feedgen.feed import FeedGenerator

from syndicate.attribution import build_attribution
from syndicate.licences import registry
from syndicate.model import Item
from syndicate.sinks.base import Organisation, SinkContext
from syndicate.sinks.feed import FeedSink
from syndicate.sinks.feedformats import FeedEntry, atom_document, rss_document

SITE = "https://bench.example.gov.uk"
CONTENT = (
    '<p>Station Road will be closed from <b>Monday</b>; see <a href="/roads/closures">the '
    'closures</a> and the <a href="../maps/diversion.pdf">diversion map</a>.</p>'
    '<img src="images/roadworks.jpg" alt="Roadworks on Station Road" onerror="x()">'
    "<script>track()</script><iframe src=\"https://ads.example/\"></iframe>"
    + "<p>Gritters have treated all priority routes. Please travel only if you must.</p>" * 6)


def items(count: int) -> list[Item]:
    licence = registry().get("ogl-uk-3.0")
    made = []
    for n in range(count):
        item = Item(id=f"news-{n:08d}", source="news", kind="article",
                    title=f"Council news item {n}", url=f"{SITE}/news/{n}",
                    description="Roadworks and bin collection news. " * 6,
                    content_html=CONTENT, creator="Communications Team",
                    date="Mon, 05 Jan 2026 10:00:00 GMT", categories=["Roads", "News"],
                    licence=licence.id, licence_url=licence.url)
        item.attribution = build_attribution(item, licence)
        made.append(item)
    return made


def with_syndicate(batch: list[Item], folder: Path) -> int:
    context = SinkContext(base_dir=folder, state_dir=folder / ".state",
                          organisation=Organisation("Bench Borough Council", SITE),
                          user_agent="bench")
    sink = FeedSink("partners", {"base_url": f"{SITE}/feeds", "max_entries": len(batch)},
                    context)
    entries: list[FeedEntry] = [sink.entry_for(item) for item in batch]
    info = sink._feed_info()
    return len(atom_document(info, entries)) + len(rss_document(info, entries))


def with_feedgen(batch: list[Item], _folder: Path) -> int:
    generator = FeedGenerator()
    generator.id(f"{SITE}/feeds/partners.atom")
    generator.title("Bench Borough Council open content")
    generator.link(href=SITE, rel="alternate")
    generator.description("Openly licensed content from Bench Borough Council")
    generator.language("en-GB")
    for item in batch:
        entry = generator.add_entry(order="append")
        entry.id(item.url)
        entry.title(item.title)
        entry.link(href=item.url)
        entry.author(name=item.creator)
        entry.published(item.date)
        entry.updated(item.date)
        entry.summary(item.description)
        entry.content(item.content_html, type="html")
        for category in item.categories:
            entry.category(term=category)
        entry.rights(item.attribution.text if item.attribution else "")
    return len(generator.atom_str()) + len(generator.rss_str())


def timed(run: Callable[[list[Item], Path], int], batch: list[Item]) -> float:
    # CPU time of this process: on a shared machine wall time measures the neighbours.
    with tempfile.TemporaryDirectory() as folder:
        start = time.process_time()
        run(batch, Path(folder))
        return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    batch = items(args.entries)
    # Alternated, so a machine busy with something else slows both alike.
    runs = [(timed(with_syndicate, batch), timed(with_feedgen, batch))
            for _ in range(args.repeat)]
    ours, theirs = min(r[0] for r in runs), min(r[1] for r in runs)
    print(f"entries: {args.entries}, Atom + RSS, best of {args.repeat}")
    print(f"syndicate (sanitising): {ours:.2f} s CPU")
    print(f"feedgen (no sanitising): {theirs:.2f} s CPU")
    print(f"ratio, syndicate to feedgen: {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
