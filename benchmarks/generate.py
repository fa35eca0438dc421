"""Generated data for the benchmarks, shaped like a big council's published content.

- :func:`news_archive`: an RSS 2.0 feed of N news items (about 470 bytes of markup each,
  100,000 items ≈ 47 MB): title, link, guid, pubDate, dc:creator and a one-paragraph HTML
  description, the shape of a council news archive or sitemap import.
- :func:`site_pages`: N small council web pages and the sitemap.xml that lists them.
- :func:`queue_entries`: N queue.yaml entries as syndicate writes them.

Everything is deterministic (seeded), so two runs measure the same bytes.
"""

from __future__ import annotations

import html
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SITE = "https://www.bench.gov.uk"
_TOPICS = ("Bin collections", "Roadworks", "Library opening hours", "Planning application",
           "Council tax", "Park improvements", "School admissions", "Leisure centre",
           "Parking permits", "Flood warning", "Housing support", "Local elections")
_PLACES = ("High Street", "Market Square", "Riverside", "Northfield", "Old Town",
           "Station Road", "Mill Lane", "Church Green", "Westgate", "Elm Park")
_TEAMS = ("Communications Team", "Waste and Recycling", "Highways Team", "Libraries Service",
          "Planning Department", "Parks and Open Spaces")
_SENTENCES = (
    "Residents are reminded that the changes come into effect from next Monday.",
    "The council has worked closely with local groups to plan the work.",
    "More information, including maps and timetables, is available on our website.",
    "We apologise for any disruption and thank residents for their patience.",
    "Anyone with questions can contact the customer services team by phone or email.",
    "The project is funded by the council's capital programme and a government grant.",
)
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _news(rng: random.Random, number: int) -> dict[str, str]:
    topic, place = rng.choice(_TOPICS), rng.choice(_PLACES)
    year, month, day = 2010 + number % 16, 1 + number % 12, 1 + number % 28
    sentence = rng.choice(_SENTENCES)
    return {
        "title": f"{topic}: update for {place} ({number})",
        "link": f"{SITE}/news/{year}/{topic.lower().replace(' ', '-')}-{number}",
        "date": f"{_DAYS[number % 7]}, {day:02d} {_MONTHS[month - 1]} {year} "
                f"{9 + number % 8:02d}:{number % 60:02d}:00 GMT",
        "creator": rng.choice(_TEAMS),
        "description": f"<p>{topic} in <strong>{place}</strong>. {sentence}</p>",
    }


def news_archive(path: Path, entries: int, *, seed: int = 14) -> int:
    """Write an RSS feed of ``entries`` news items to ``path``; return its size in bytes."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n'
                  '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
                  f"<channel><title>Bench Borough Council news</title><link>{SITE}/news</link>"
                  "<description>News from Bench Borough Council</description>"
                  "<language>en-gb</language>\n")
        for number in range(entries):
            news = _news(rng, number)
            out.write(
                f"<item><title>{html.escape(news['title'])}</title>"
                f"<link>{news['link']}</link><guid>{news['link']}</guid>"
                f"<pubDate>{news['date']}</pubDate>"
                f"<dc:creator>{news['creator']}</dc:creator>"
                f"<description><![CDATA[{news['description']}]]></description></item>\n")
        out.write("</channel></rss>\n")
    return path.stat().st_size


def site_pages(count: int, base_url: str, *, seed: int = 14) -> Iterator[tuple[str, bytes]]:
    """``(path, HTML)`` of ``count`` small council pages, under ``/pages/``."""
    rng = random.Random(seed)
    for number in range(count):
        news = _news(rng, number)
        title = html.escape(news["title"])
        yield f"/pages/{number}.html", (
            f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title>"
            f'<meta name="description" content="{title}">'
            f'<link rel="canonical" href="{base_url}/pages/{number}.html"></head><body>'
            f"<header><nav><a href=/>Home</a></nav></header><main><h1>{title}</h1>"
            f"{news['description']}<p>{' '.join(_SENTENCES[:3])}</p></main>"
            "<footer>All content is available under the Open Government Licence v3.0, "
            "except where otherwise stated.</footer></body></html>").encode()


def sitemap(urls: list[str]) -> bytes:
    """A sitemap.xml listing ``urls``."""
    body = "".join(f"<url><loc>{html.escape(url)}</loc></url>" for url in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns='
            f'"http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>\n').encode()


def queue_entries(count: int, *, seed: int = 14) -> list[dict[str, Any]]:
    """``count`` entries as :func:`syndicate.reconcile.entries` makes them."""
    rng = random.Random(seed)
    entries = []
    for number in range(count):
        news = _news(rng, number)
        entries.append({
            "id": f"news-{number:08x}", "status": "pending" if number % 5 else "published",
            "version": f"{rng.getrandbits(64):016x}", "date": f"{2010 + number % 16}-05-01",
            "title": news["title"], "kind": "article", "source": "news", "url": news["link"],
            "excerpt": " ".join(_SENTENCES[:2])[:159] + "…", "licence": "ogl-uk-3.0",
            "attribution": f"“{news['title']}” by {news['creator']} ({news['link']}). "
                           "Contains public sector information licensed under the Open "
                           "Government Licence v3.0.",
            "sinks": ["partners", "commons"],
            "findings": [{"code": "image.none", "severity": "warning", "sink": "commons",
                          "message": "no image to upload"}] if number % 3 == 0 else [],
            "note": "", **({"reason": "duplicate of an older item"} if number % 7 == 0
                           else {}),
        })
    return entries
