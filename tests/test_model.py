"""Items survive the ledger's JSON round trip with every field, nested ones included."""

from __future__ import annotations

import json
from pathlib import Path

from syndicate.model import Attachment, Attribution, Finding, Item


def test_an_item_with_attachments_round_trips_through_json() -> None:
    item = Item(id="news-1", source="news", kind="article", title="Snow",
                path=Path("content/a.jpg"), categories=["Roads"],
                attachments=[Attachment("https://council.example/a.jpg", "image/jpeg", 12,
                                        alt="A gritter")],
                attribution=Attribution("text", "<p>html</p>", "wikitext"),
                findings=[Finding("x.y", "warning", "look", "partners")],
                extra={"nested": {"k": [1, 2]}})
    data = json.loads(json.dumps(item.to_dict()))
    assert Item.from_dict(data) == item


def test_to_dict_shares_nothing_the_item_can_change() -> None:
    item = Item(id="news-1", source="news", kind="article", title="Snow",
                categories=["Roads"], extra={"nested": {"k": [1]}})
    data = item.to_dict()
    data["categories"].append("Schools")
    data["extra"]["nested"]["k"].append(2)
    assert item.categories == ["Roads"] and item.extra == {"nested": {"k": [1]}}
