"""A lost ledger is a stop, not a wipe: the queue and the editors' notes survive."""

from __future__ import annotations

import pytest

from tests.council import Council


@pytest.mark.parametrize("command", [("publish",), ("run",), ("collect",),
                                     ("run", "--dry-run"), ("queue", "approve", "--all")])
def test_a_removed_ledger_stops_the_run_and_keeps_the_queue(council: Council,
                                                            command: tuple[str, ...]) -> None:
    assert council.run("collect").exit_code == 0
    first = council.queue_items()[0]["id"]
    council.set_status(first, "approved")
    assert council.run("publish").exit_code == 0
    text = council.queue.read_text().replace('note: ""', 'note: "call Sam first"', 1)
    council.queue.write_text(text)
    for path in (council.root / ".syndicate").glob("state.sqlite*"):
        path.unlink()

    result = council.run(*command)

    assert result.exit_code == 2
    assert "is missing or empty; nothing was changed" in result.stderr
    assert "syndicate recover" in result.stderr
    assert council.queue.read_text() == text
