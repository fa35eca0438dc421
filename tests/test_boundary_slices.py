"""The boundary hands a source's items and a sink's checks over in slices, not one thread
round trip per item — without losing what the per-item hand-over promised: what a source
gave before it failed is kept, and a check that hangs costs the item it was on."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from syndicate.boundary import BATCH, Boundary, PluginFault
from syndicate.limits import Limits
from syndicate.model import Finding, Item


def article(number: int) -> Item:
    return Item(id=f"src-{number}", source="src", kind="article", title=f"Story {number}")


def boundary(**limits: int) -> Boundary:
    return Boundary(Limits(**limits), {})


def test_a_thousand_items_cross_in_a_few_slices_in_order() -> None:
    batches = list(boundary().batches("src", lambda: (article(n) for n in range(1000)),
                                      problem=lambda message: None))
    assert [item.id for batch in batches for item in batch] == \
        [f"src-{n}" for n in range(1000)]
    assert len(batches) <= 1000 // BATCH + 1 < 1000


def test_items_before_a_source_error_are_handed_over_before_the_error() -> None:
    def failing() -> Iterator[Item]:
        yield from (article(n) for n in range(3))
        raise ValueError("the feed broke at entry 4")

    got: list[str] = []
    with pytest.raises(ValueError, match="entry 4"):
        for batch in boundary().batches("src", failing, problem=lambda message: None):
            got += [item.id for item in batch]
    assert got == ["src-0", "src-1", "src-2"]


def test_a_check_hanging_midway_costs_that_item_and_sets_the_sink_aside() -> None:
    release = threading.Event()

    def check(item: Item) -> list[Finding]:
        if item.id == "src-1":
            release.wait(5)     # hangs past the 1 s timeout
        return [Finding("look.here", "warning", f"{item.id} checked")]

    items = [article(n) for n in range(4)]
    outcomes = Boundary(Limits(), {("sink", "slow"): 1}).checks("slow", check, items)
    release.set()
    first, hung, *after = outcomes
    assert isinstance(first, list) and first[0].message == "src-0 checked"
    assert first[0].sink == "slow"
    assert isinstance(hung, PluginFault) and "did not return within 1 s" in str(hung)
    assert all(isinstance(o, PluginFault) and "set aside" in str(o) for o in after)


def test_a_check_raising_is_that_items_outcome_only() -> None:
    def check(item: Item) -> list[Finding]:
        if item.id == "src-1":
            raise KeyError("creator")
        return []

    outcomes = boundary().checks("sink", check, [article(n) for n in range(3)])
    assert outcomes[0] == [] and outcomes[2] == []
    assert isinstance(outcomes[1], KeyError)
