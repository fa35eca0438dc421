"""Caps on the amplifiers: one hostile feed entry cannot flood the queue and the ledger."""

from __future__ import annotations

import json

from tests.council import Council

FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Big</title><link>https://www.example.gov.uk/</link>
{items}
</channel></rss>
"""


def add_feed(council: Council, items: str, limits: str = "") -> None:
    (council.root / "big.xml").write_text(FEED.format(items=items))
    text = council.config.read_text().replace(
        "sources:\n", "sources:\n  big: {type: feed, path: big.xml}\n", 1)
    council.write_config(text + (f"limits: {{{limits}}}\n" if limits else ""))


def collect(council: Council) -> dict[str, object]:
    result = council.run("collect", "--json")
    assert "Traceback" not in result.output
    report: dict[str, object] = json.loads(result.stdout)
    return report


def test_a_huge_url_leaves_its_item_out_with_a_problem(council: Council) -> None:
    long_url = "https://www.example.gov.uk/a.jpg?" + "x" * 2_000_000
    add_feed(council, f"""<item><title>Long</title><link>https://www.example.gov.uk/l</link>
<enclosure url="{long_url}" type="image/jpeg" length="10"/></item>
<item><title>Fine</title><link>https://www.example.gov.uk/f</link></item>""")

    report = collect(council)

    assert report["collected"]["big"] == 2  # type: ignore[index]  # both articles
    [problem] = report["problems"]  # type: ignore[misc]
    assert "media_url is 2000033 characters, more than limits.url_length (4096)" \
        in problem["message"]
    assert council.queue.stat().st_size < 200_000
    assert (council.root / ".syndicate" / "state.sqlite").stat().st_size < 2_000_000
    long = next(i for i in council.queue_items() if i["title"] == "Long")
    assert any(f["code"] == "url.refused" and "more than limits.url_length" in f["message"]
               for f in long["findings"])  # its attachment left out, with a word why


def test_an_entry_with_thousands_of_images_gives_at_most_the_cap(council: Council) -> None:
    enclosures = "".join(f'<enclosure url="https://www.example.gov.uk/{n}.jpg" '
                         'type="image/jpeg" length="10"/>' for n in range(3000))
    add_feed(council, f"<item><title>Gallery</title><link>https://www.example.gov.uk/g</link>"
                      f"{enclosures}</item>", limits="items_per_entry: 50")

    report = collect(council)

    assert report["collected"]["big"] == 51  # type: ignore[index]  # the article and 50
    [problem] = report["problems"]  # type: ignore[misc]
    assert "more than limits.items_per_entry (50) items" in problem["message"]


def test_blocked_items_count_towards_max_pending(council: Council) -> None:
    # Logos under the OGL (which excludes them): each image is blocked.
    enclosures = "".join(
        f'<enclosure url="https://www.example.gov.uk/{n}.jpg" type="image/jpeg" length="10"/>'
        for n in range(80))
    add_feed(council, '<item><title>Council logo and crest</title>'
                      f'<link>https://www.example.gov.uk/g</link>{enclosures}</item>')
    council.write_config(council.config.read_text().replace("max_pending: 500",
                                                            "max_pending: 25"))

    report = collect(council)

    assert report["blocked"] >= 80  # type: ignore[operator]
    shown = [i for i in council.queue_items() if i["status"] in ("pending", "blocked")]
    assert len(shown) == 25
    # the feed's other new entries beyond the queue's room wait unexamined, in the backlog
    assert report["backlog"] == report["new"] + report["deferred"] \
        - report["excluded"] - 25  # type: ignore[operator]
