"""queue.yaml as a file: strict reading, lint messages with file:line, guarded writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from syndicate import queue

SINKS = ["partners", "commons"]

GOOD = """\
items:
- id: news-4f2c1a9b
  status: approved
  title: Snow update
  sinks: [partners]
  note: checked with comms
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "queue.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_editor_fields(tmp_path: Path) -> None:
    snapshot = queue.read(write(tmp_path, GOOD), SINKS)
    entry = snapshot.entries["news-4f2c1a9b"]
    assert (entry.status, entry.sinks, entry.note, entry.line) == (
        "approved", ["partners"], "checked with comms", 2)
    assert snapshot.digest == queue.digest_of(tmp_path / "queue.yaml")


def test_missing_queue_is_empty(tmp_path: Path) -> None:
    assert queue.read(tmp_path / "queue.yaml", SINKS).entries == {}


def test_duplicate_key_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "  status: rejected\n")
    with pytest.raises(queue.QueueError) as caught:
        queue.read(path, SINKS)
    assert f"{path}:7: item news-4f2c1a9b: duplicate key 'status' (first at line 3)" in \
        str(caught.value)


def test_anchors_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "items:\n- &a {id: x, status: pending}\n- *a\n")
    with pytest.raises(queue.QueueError, match=r"queue.yaml:2: anchors and aliases"):
        queue.read(path, SINKS)


def test_unknown_status_suggests_the_close_one(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("status: approved", "status: aproved"))
    with pytest.raises(queue.QueueError) as caught:
        queue.read(path, SINKS)
    assert (f"{path}:3: item news-4f2c1a9b: unknown status 'aproved'; did you mean "
            "'approved'?") in str(caught.value)


def test_typo_in_a_key_is_an_error_not_silently_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("  status: approved", "  staus: approved"))
    _, problems = queue.inspect(path, SINKS)
    assert problems == [f"{path}:3: item news-4f2c1a9b: unknown key 'staus'; did you mean "
                        "'status'?"]


def test_unknown_sink_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("[partners]", "[partner]"))
    _, problems = queue.inspect(path, SINKS)
    assert problems == [f"{path}:5: item news-4f2c1a9b: unknown sink 'partner'; did you "
                        "mean 'partners'?"]


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    text = GOOD.replace("aproved", "x") + "- id: news-2\n  status: maybe\n  colour: red\n"
    _, problems = queue.inspect(write(tmp_path, text), SINKS)
    assert len(problems) == 2 and all(":" in p for p in problems)


def test_an_item_listed_twice_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + GOOD.removeprefix("items:\n"))
    _, problems = queue.inspect(path, SINKS)
    assert problems == [f"{path}:7: item news-4f2c1a9b appears twice (first at line 2); "
                        "delete one of them"]


def test_yes_and_no_stay_text(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("checked with comms", "no"))
    assert queue.read(path, SINKS).entries["news-4f2c1a9b"].note == "no"


def test_write_refuses_when_the_file_changed_since_it_was_read(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    snapshot = queue.read(path, SINKS)
    path.write_text(GOOD.replace("checked with comms", "an editor's newer note"))
    with pytest.raises(queue.QueueChanged):
        queue.write(path, queue.render([]), snapshot.digest)
    assert "an editor's newer note" in path.read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["queue.yaml"]   # no temp file left


def test_rendered_queue_reads_back(tmp_path: Path) -> None:
    entry = {"id": "news-1", "status": "pending", "version": "abc", "title": "Bins: “new” days",
             "sinks": ["partners"], "findings": [], "note": "line one\nline two"}
    path = tmp_path / "queue.yaml"
    queue.write(path, queue.render([entry]), "")
    text = path.read_text()
    assert text.startswith("# Set status to approved or rejected, then save.")
    read = queue.read(path, SINKS)
    assert read.entries["news-1"].note == "line one\nline two"
    assert read.items[0]["title"] == "Bins: “new” days"
