"""A council's news feed with an emergency in it, and a syndicate.yaml with an urgent lane,
for the snow-day tests and benchmarks/urgent.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from pathlib import Path

SITE = "https://www.example.gov.uk"
FEEDS_URL = f"{SITE}/feeds"


@dataclass
class Notice:
    """One entry of the council's feed."""

    guid: str
    title: str
    description: str = "Details on the council's website."
    categories: list[str] = field(default_factory=list)
    date: datetime = field(default_factory=lambda: datetime(2026, 11, 30, 6, 0, tzinfo=UTC))
    licence: str | None = None

    def rss(self) -> str:
        cats = "".join(f"<category>{escape(c)}</category>" for c in self.categories)
        licence = f"<creativeCommons:license>{self.licence}</creativeCommons:license>" \
            if self.licence else ""
        return (f"<item><title>{escape(self.title)}</title>"
                f"<link>{SITE}/news/{self.guid}</link><guid>{SITE}/news/{self.guid}</guid>"
                f"<pubDate>{format_datetime(self.date, usegmt=True)}</pubDate>{cats}"
                f"<description>{escape(self.description)}</description>{licence}</item>\n")


def council_feed(notices: list[Notice]) -> str:
    """An RSS 2.0 news feed as a council's CMS publishes it."""
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:creativeCommons='
            '"http://backend.userland.com/creativeCommonsRssModule"><channel>'
            f"<title>Example Borough Council news</title><link>{SITE}/</link>"
            "<description>News</description>\n" + "".join(n.rss() for n in notices) +
            "</channel></rss>\n")


def ordinary(count: int) -> list[Notice]:
    return [Notice(f"story-{n}", f"Council news item {n}", "Roadworks and bin collection "
                   "news. " * 6) for n in range(count)]


def write_config(root: Path, feed_url: str, hub_url: str | None = None, *,
                 updates: bool = True, urgent: str | None = None) -> Path:
    """syndicate.yaml for a council whose news feed is served at ``feed_url``."""
    root.mkdir(parents=True, exist_ok=True)
    hub = f"\n    hub: {hub_url}" if hub_url else ""
    rules = urgent if urgent is not None else \
        "urgent:\n  - match: {source: news, category: Emergency}\n"
    path = root / "syndicate.yaml"
    path.write_text(f"""\
organisation: {{name: Example Borough Council, url: {SITE}, contact: web@example.gov.uk}}
sources:
  news:
    type: feed
    url: {feed_url}
    allow_private: true            # the test server is on 127.0.0.1{'''
    updates: auto''' if updates else ''}
licensing:
  default: ogl-uk-3.0
  attribution: {{name: Example Borough Council, url: {SITE}}}
  evidence: {SITE}/copyright
sinks:
  partners:
    type: feed
    directory: public/feeds
    formats: [atom, rss]
    base_url: {FEEDS_URL}{hub}
{rules}""", encoding="utf-8")
    return path
