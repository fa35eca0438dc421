"""queue.yaml as a file: strict reading, lint messages with file:line, guarded writes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from syndicate import queue, reconcile
from tests.council import Council

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


@pytest.mark.parametrize("text", [
    "items:\n- {id: x, status: pending, note: &a hello}\n",            # an anchor alone
    "items:\n-\t&a {id: x}\n",                                         # after a tab
    "items: [{id: x, note: !important hi}]\n",                          # a local tag
    "\ufeffitems:\n- &a {id: x}\n",                                    # after a BOM
    "items: [{id: x, note: a}, {id: y, note:*a}]\n",                   # flow ':' then alias
])
def test_anchors_aliases_and_tags_are_refused_wherever_they_start(tmp_path: Path,
                                                                  text: str) -> None:
    path = tmp_path / "queue.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(queue.QueueError, match=r"queue.yaml:\d+: "):
        queue.read(path, SINKS)


def test_ampersands_and_stars_in_text_are_text(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("checked with comms", "Roads & Transport *today* a&b"))
    assert queue.read(path, SINKS).entries["news-4f2c1a9b"].note == \
        "Roads & Transport *today* a&b"


def test_the_same_text_leaves_the_file_untouched(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    os.utime(path, (1_000_000_000, 1_000_000_000))
    digest = queue.digest_of(path)
    assert queue.write(path, GOOD, digest) == digest
    assert path.stat().st_mtime == 1_000_000_000
    path.write_text(GOOD + "# an editor's save\n", encoding="utf-8")
    with pytest.raises(queue.QueueChanged):      # still caught when nothing else changes
        queue.write(path, GOOD, digest)


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


# -- what editors type: a table of texts and mistakes -------------------------------------
# Each case edits one line of a queue syndicate wrote, the way a person would in a text
# editor, and says what must come of it: the value read, or the plain-words error naming
# the line and the item. A queue with an error is never half-used: read() raises, and the
# file is left as the editor saved it.

EDITED = """\
items:
- id: news-1
  status: pending
  title: Snow
  sinks: [partners]
  note: ''
"""


@dataclass(frozen=True)
class Reads:
    status: str = "pending"
    note: str = ""


@dataclass(frozen=True)
class Refused:
    line: int
    says: str


EDITS: list[tuple[str, str, str, Reads | Refused]] = [
    # statuses, however they are typed
    ("capitalised status", "status: pending", "status: Approved", Reads("approved")),
    ("status in capitals", "status: pending", "status: REJECTED", Reads("rejected")),
    ("status with spaces after", "status: pending", "status: approved   ", Reads("approved")),
    ("status with a comment", "status: pending", "status: approved  # ok by Sam",
     Reads("approved")),
    ("status in quotes", "status: pending", 'status: "approved"', Reads("approved")),
    # notes that YAML reads as they were typed
    ("apostrophe", "note: ''", "note: it's fine", Reads(note="it's fine")),
    ("colon, quoted", "note: ''", 'note: "Checked: fine"', Reads(note="Checked: fine")),
    ("apostrophe doubled in single quotes", "note: ''", "note: 'it''s fine'",
     Reads(note="it's fine")),
    ("# inside the text", "note: ''", "note: call ext #3", Reads(note="call ext #3")),
    ("emoji", "note: ''", "note: 👍 looks good 🎉", Reads(note="👍 looks good 🎉")),
    ("Welsh letters and a dash", "note: ''", "note: Gwybodaeth \u2013 ŵ ŷ",
     Reads(note="Gwybodaeth \u2013 ŵ ŷ")),
    ("curly quotes", "note: ''", "note: “ask comms” first", Reads(note="“ask comms” first")),
    ("several lines with |", "note: ''", "note: |\n    line one\n    line two",
     Reads(note="line one\nline two\n")),
    ("a tab inside the text", "note: ''", "note: a\tb", Reads(note="a\tb")),
    # notes YAML would change or drop, kept exactly as typed
    ("# at the start", "note: ''", "note: #3 first", Reads(note="#3 first")),
    ("a time", "note: ''", "note: 12:30", Reads(note="12:30")),
    ("a date", "note: ''", "note: 2026-01-05", Reads(note="2026-01-05")),
    ("a number", "note: ''", "note: 1e3", Reads(note="1e3")),
    ("yes", "note: ''", "note: yes", Reads(note="yes")),
    ("true", "note: ''", "note: true", Reads(note="true")),
    ("null", "note: ''", "note: null", Reads(note="null")),
    ("note line deleted", "  note: ''\n", "", Reads(note="")),
    # mistakes: plain words, the line, the item and the fix
    ("colon in plain text", "note: ''", "note: Checked: fine",
     Refused(6, 'a colon followed by a space, which YAML reads as a new key. Put the text '
                'in quotes: note: "Checked: fine"')),
    ("apostrophe inside single quotes", "note: ''", "note: 'it's fine'",
     Refused(6, 'Put the whole text in quotes: note: "it\'s fine"')),
    ("text after the closing quote", "note: ''", 'note: "Fine" said Bob',
     Refused(6, "Put the whole text in quotes: note: '\"Fine\" said Bob'")),
    ("quote never closed", "note: ''", 'note: "fine',
     Refused(6, "a quote opened on this line is never closed")),
    ("tab used to indent", "  note:", "\tnote:", Refused(6, "a tab is used to indent")),
    ("indented too far", "  note:", "   note:",
     Refused(6, "'note:' is indented differently from the keys around it")),
    ("indented too little", "  note:", " note:",
     Refused(6, "'note:' is indented differently from the keys around it")),
    ("text starting with a dash", "note: ''", "note: - check this",
     Refused(6, 'reads as a list. Put the text in quotes: note: "- check this"')),
    ("text starting with @", "note: ''", "note: @comms please",
     Refused(6, "text cannot start with '@' unless it is in quotes")),
    ("text starting with *", "note: ''", "note: *urgent*",
     Refused(6, 'must be in quotes. Put the text in quotes: note: "*urgent*"')),
    ("text starting with [", "note: ''", "note: [see below]",
     Refused(6, 'which YAML reads as a list; put the text in quotes: note: "[see below]"')),
    ("text starting with {", "note: ''", "note: {x",
     Refused(6, 'reads as a mapping. Put the text in quotes: note: "{x"')),
    ("text starting with !", "note: ''", "note: !important",
     Refused(6, 'text that starts with ! must be in quotes')),
    ("text starting with |", "note: ''", "note: | x",
     Refused(6, "To start the text with | or >, put it in quotes")),
    ("text run on to a new line", "note: ''", "note: one\nsecond line",
     Refused(7, "this line is not 'key: value'")),
    ("no space after the colon", "status: pending", "status:approved",
     Refused(3, "put a space after the colon (status: approved)")),
    ("unknown status", "status: pending", "status: maybe",
     Refused(3, "unknown status 'maybe'; use one of pending, approved, rejected")),
    ("misspelt status", "status: pending", "status: Aproved",
     Refused(3, "unknown status 'aproved'; did you mean 'approved'?")),
    ("misspelt key", "  note:", "  nite:", Refused(6, "unknown key 'nite'; did you mean 'note'?")),
    ("unknown sink", "[partners]", "[partner]",
     Refused(5, "unknown sink 'partner'; did you mean 'partners'?")),
]


@pytest.mark.parametrize(("old", "new", "expected"), [case[1:] for case in EDITS],
                         ids=[case[0] for case in EDITS])
def test_what_editors_type(tmp_path: Path, old: str, new: str,
                           expected: Reads | Refused) -> None:
    assert old in EDITED
    path = write(tmp_path, EDITED.replace(old, new, 1))
    saved = path.read_bytes()
    if isinstance(expected, Reads):
        entry = queue.read(path, SINKS).entries["news-1"]
        assert (entry.status, entry.note) == (expected.status, expected.note)
        return
    with pytest.raises(queue.QueueError) as caught:
        queue.read(path, SINKS)
    first = str(caught.value).splitlines()[0]
    assert first.startswith(f"{path}:{expected.line}: item news-1: "), first
    assert expected.says in first
    assert "not allowed in this context" not in first and "expected key" not in first
    assert path.read_bytes() == saved                 # nothing lost, nothing rewritten


@pytest.mark.parametrize("mangle", ["crlf", "bom", "crlf+bom"])
def test_windows_line_endings_and_a_bom_are_read(tmp_path: Path, mangle: str) -> None:
    text = EDITED.replace("status: pending", "status: approved").replace(
        "note: ''", "note: it's fine")
    if "crlf" in mangle:
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8")
    if "bom" in mangle:
        data = b"\xef\xbb\xbf" + data
    path = tmp_path / "queue.yaml"
    path.write_bytes(data)
    entry = queue.read(path, SINKS).entries["news-1"]
    assert (entry.status, entry.note, entry.line) == ("approved", "it's fine", 2)


def test_an_item_without_its_dash_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, EDITED + "  id: news-2\n")
    _, problems = queue.inspect(path, SINKS)
    assert problems == [f"{path}:7: item news-1: duplicate key 'id' (first at line 2); keep "
                        "one of them"]


ROUND_TRIPS = [
    "Checked: fine", "it's fine", "'quoted'", '"double"', "#3 first", "call #3",
    "- starts with a dash", "? a question", "@comms", "*urgent*", "&amp;", "!important",
    "%50", "[see below]", "{x}", "| pipe", "> quote", "12:30", "2026-01-05", "yes", "no",
    "null", "~", "1e3", "0x1F", "line one\nline two", "line one\nline two\n",
    "  leading spaces", "trailing spaces  ", "a\tb", "back\\slash", "👍 🎉", "ŵ ŷ \u2013 “x”",
    "windows\r\nline", "---", "...", "key: value\n  indented: too", "",
    "x" * 300,
]


@pytest.mark.parametrize("text", ROUND_TRIPS, ids=[repr(t)[:30] for t in ROUND_TRIPS])
def test_any_text_round_trips_through_the_file(tmp_path: Path, text: str) -> None:
    entry = {"id": "news-1", "status": "pending", "version": "v1", "title": text,
             "note": text, "reason": text}
    path = tmp_path / "queue.yaml"
    queue.write(path, queue.render([entry]), "")
    read = queue.read(path, SINKS)
    got = read.entries["news-1"]
    assert (got.note, got.reason, read.items[0]["title"]) == (text, text, text)


# -- a run and an editor's file: notices, order, nothing lost -------------------------------

def notice_of(council: Council, item_id: str) -> str:
    return str(council.item(item_id).get("notice", ""))


def delete_entry(council: Council, item_id: str) -> None:
    text = council.queue.read_text()
    start = text.index(f"- id: {item_id}\n")
    end = text.find("\n- id: ", start + 1) + 1 or len(text)
    council.queue.write_text(text[:start] + text[end:])


def test_queue_is_newest_first_within_status_with_date_and_excerpt(council: Council) -> None:
    council.run("collect")
    items = council.queue_items()
    ranks = [reconcile.QUEUE_STATUSES.index(i["status"]) for i in items]
    assert ranks == sorted(ranks) and items[0]["status"] == "pending"
    for status in {i["status"] for i in items}:
        dates = [i["date"].replace("about ", "") for i in items if i["status"] == status]
        assert dates == sorted(dates, reverse=True)
    snow = next(i for i in items if i["title"].startswith("Snow update"))
    assert snow["date"].startswith("2026-11-25")
    assert snow["excerpt"].startswith("Following heavy overnight snow") and "\n" not in \
        snow["excerpt"] and len(snow["excerpt"]) <= 160


def test_capitalised_status_in_the_file_is_applied(council: Council) -> None:
    council.run("collect")
    item_id = next(i["id"] for i in council.queue_items() if i["status"] == "pending")
    council.set_status(item_id, "Approved")
    assert council.run("run").exit_code == 0
    assert council.item(item_id)["status"] == "published"


def test_a_deleted_item_comes_back_with_a_notice_kept_until_the_editor_deletes_it(
        council: Council) -> None:
    council.run("collect")
    item_id = council.queue_items()[0]["id"]
    delete_entry(council, item_id)
    council.run("collect")
    assert council.item(item_id)["status"] == "pending"
    assert "missing from queue.yaml" in notice_of(council, item_id)
    assert "set status: rejected" in notice_of(council, item_id)
    council.run("collect")                                # kept across runs…
    assert "missing from queue.yaml" in notice_of(council, item_id)
    text = council.queue.read_text()
    line = next(li for li in text.splitlines(keepends=True) if li.startswith("  notice: "))
    council.queue.write_text(text.replace(line, "", 1))   # …until the editor deletes it
    council.run("collect")
    assert "notice" not in council.item(item_id)
    council.run("collect")
    assert "notice" not in council.item(item_id)


def test_a_stale_decision_is_not_applied_and_the_file_says_why(council: Council) -> None:
    council.run("collect")
    item_id = next(i["id"] for i in council.queue_items()
                   if i["title"] == "Example Town Hall in spring")
    council.set_status(item_id, "approved")
    stale = council.queue.read_text()
    council.run("collect")
    sidecar = council.root / "content" / "photos" / "town-hall-spring.jpg.yaml"
    sidecar.write_text(sidecar.read_text().replace("in spring", "in autumn"))
    council.run("queue", "reject", item_id)      # approved → rejected, then changed
    council.run("collect")
    council.queue.write_text(stale.replace("status: approved", "status: rejected"))
    council.set_status(item_id, "approved")
    council.run("collect")
    assert council.item(item_id)["status"] == "pending"
    assert "was not applied" in notice_of(council, item_id)
    assert "older version" in notice_of(council, item_id)


def test_approving_a_blocked_item_in_the_file_says_why_not(council: Council) -> None:
    council.run("collect")
    blocked = next(i["id"] for i in council.queue_items() if i["status"] == "blocked")
    council.set_status(blocked, "approved")
    assert council.run("collect").exit_code == 0
    assert council.item(blocked)["status"] == "blocked"
    notice = notice_of(council, blocked)
    assert "your change to status: approved was not applied" in notice
    assert "an error finding" in notice


def test_a_colon_in_a_note_stops_the_run_in_plain_words_and_changes_nothing(
        council: Council) -> None:
    council.run("collect")
    item_id = council.queue_items()[0]["id"]
    text = council.queue.read_text().replace("note: ''", "note: Checked: fine", 1)
    council.queue.write_text(text)
    line = text.splitlines().index("  note: Checked: fine") + 1
    ledger = (council.root / ".syndicate" / "state.sqlite").read_bytes()
    result = council.run("run")
    assert result.exit_code == 2
    assert (f"queue.yaml:{line}: item {item_id}: the text has a colon followed by a space"
            in result.output)
    assert 'Put the text in quotes: note: "Checked: fine"' in result.output
    assert council.queue.read_text() == text
    assert (council.root / ".syndicate" / "state.sqlite").read_bytes() == ledger


def test_what_an_editor_types_survives_runs(council: Council) -> None:
    council.run("collect")
    item_id = council.queue_items()[0]["id"]
    text = council.queue.read_text().replace("note: ''", 'note: "Ask Sam re: it\'s #3"', 1)
    council.queue.write_text(text)
    council.run("collect")
    council.run("collect")
    assert council.item(item_id)["note"] == "Ask Sam re: it's #3"


def test_syndicate_yaml_mistakes_are_in_plain_words_too(council: Council) -> None:
    text = council.config.read_text()
    council.write_config(text.replace("  name: Example Borough Council",
                                      "  name: Example Borough Council: Comms", 1))
    line = text.splitlines().index("  name: Example Borough Council") + 1
    result = council.run("collect")
    assert result.exit_code == 2
    assert (f"syndicate.yaml:{line}: the text has a colon followed by a space, which YAML "
            'reads as a new key. Put the text in quotes: name: "Example Borough Council: '
            'Comms"') in result.output
