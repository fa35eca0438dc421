"""`syndicate init`: starter files, the demo council, and never overwriting."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from syndicate import config as config_loader
from syndicate.errors import InputError
from syndicate.fetch import Fetcher
from syndicate.sources.base import SourceContext
from syndicate.sources.directory import DirectorySource
from syndicate.starter import create_starter
from syndicate.yamlfile import load

REPO_DEMO = Path(__file__).resolve().parent.parent / "config"
DEMO_PHOTOS = sorted(p.relative_to(REPO_DEMO).as_posix()
                     for p in (REPO_DEMO / "content" / "photos").rglob("*") if p.is_file())


def test_starter_writes_a_config_and_an_empty_queue(tmp_path: Path) -> None:
    target = tmp_path / "council"
    written = create_starter(target, demo=False)
    assert sorted(written) == [target / "queue.yaml", target / "syndicate.yaml"]
    queue = (target / "queue.yaml").read_text(encoding="utf-8")
    assert queue.startswith("# Set status to approved or rejected, then save. The nightly "
                            "run publishes approved items.\n")
    assert load(target / "queue.yaml").data == {"items": []}


def test_starter_config_parses_strictly_and_keeps_secrets_out(tmp_path: Path) -> None:
    create_starter(tmp_path, demo=False)
    config = load(tmp_path / "syndicate.yaml").data
    assert set(config) == {"organisation", "sources", "licensing", "queue", "sinks"}
    assert config["licensing"]["default"] == "ogl-uk-3.0"
    assert config["queue"] == {"path": "queue.yaml", "max_pending": 500, "keep_days": 14}
    # Only the local feed sink is live; the wiki sinks need accounts and stay commented.
    assert config["sinks"] == {"partners": {"type": "feed", "directory": "public/feeds",
                                            "formats": ["atom", "rss"],
                                            "base_url": "https://www.example.gov.uk/feeds"}}
    text = (tmp_path / "syndicate.yaml").read_text(encoding="utf-8")
    assert "password: {env: SYNDICATE_COMMONS_PASSWORD}" in text
    for line in text.splitlines():
        if "password:" in line:
            assert "{env:" in line


def test_demo_copies_the_demo_council_with_every_photo(tmp_path: Path) -> None:
    written = create_starter(tmp_path, demo=True)
    relative = sorted(p.relative_to(tmp_path).as_posix() for p in written)
    assert relative == sorted(["queue.yaml", "syndicate.yaml", "content/news.rss",
                               *DEMO_PHOTOS])
    assert "__init__.py" not in relative
    for name in DEMO_PHOTOS:
        assert (tmp_path / name).read_bytes() == (REPO_DEMO / name).read_bytes()


def test_demo_config_names_its_local_sources_and_one_feed_sink(tmp_path: Path) -> None:
    create_starter(tmp_path, demo=True)
    config = load(tmp_path / "syndicate.yaml").data
    assert config["organisation"]["name"] == "Example Borough Council"
    assert config["sources"] == {"news": {"type": "feed", "path": "content/news.rss"},
                                 "photos": {"type": "directory", "path": "content/photos"}}
    assert list(config["sinks"]) == ["partners"]
    for source in config["sources"].values():
        assert (tmp_path / source["path"]).exists()


def test_demo_photos_read_cleanly_as_items(tmp_path: Path) -> None:
    create_starter(tmp_path, demo=True)
    source = DirectorySource("photos", {"path": "content/photos"},
                             SourceContext(tmp_path, Fetcher("syndicate-tests")))
    items = {item.path.name: item for item in source.items() if item.path}
    assert len(items) == 10
    assert items["council-logo.png"].title == "Example Borough Council logo"
    assert items["community-fun-day.jpg"].people_identifiable is True
    mill = items["old-corn-mill.jpg"]
    assert (mill.third_party, mill.declared_licences) == (True, ["cc-by-nc-4.0"])
    assert items["library-reading-room.jpg"].creator is None
    assert items["IMG_0412.jpg"].title == "Gritter on Station Road"
    assert {item.media_type for item in items.values()} == {"image/jpeg", "image/png"}


def test_demo_news_feed_is_well_formed_rss() -> None:
    feedparser = pytest.importorskip("feedparser")
    feed = feedparser.parse((REPO_DEMO / "content" / "news.rss").read_bytes())
    assert not feed.bozo
    assert len(feed.entries) == 20
    licences = [entry.get("license") for entry in feed.entries if entry.get("license")]
    assert licences == ["https://creativecommons.org/licenses/by/4.0/",
                        "http://creativecommons.org/licenses/by/4/"]


@pytest.mark.parametrize("demo", [False, True])
def test_written_config_passes_the_config_loader(tmp_path: Path, demo: bool) -> None:
    create_starter(tmp_path, demo=demo)
    loaded = config_loader.load(tmp_path / "syndicate.yaml")
    assert loaded.organisation.name == "Example Borough Council"
    assert list(loaded.sinks) == ["partners"]
    assert loaded.queue.path == tmp_path / "queue.yaml"


@pytest.mark.parametrize("demo", [False, True])
def test_commented_out_examples_are_valid_once_uncommented(tmp_path: Path,
                                                           demo: bool) -> None:
    create_starter(tmp_path, demo=demo)
    text = (tmp_path / "syndicate.yaml").read_text(encoding="utf-8")
    uncommented = re.sub(r"(?m)^( +)# ", r"\1", text)
    sinks = load(tmp_path / "syndicate.yaml", uncommented).data["sinks"]
    expected = ["partners", "commons", "wikipedia"]
    if not demo:   # the starter shows two topic feeds
        expected[1:1] = ["schools", "roads"]
    assert list(sinks) == expected
    assert sinks["commons"]["password"] == {"env": "SYNDICATE_COMMONS_PASSWORD"}
    assert sinks["wikipedia"]["username"] == {"env": "SYNDICATE_WP_USER"}


@pytest.mark.parametrize("demo", [False, True])
def test_existing_files_are_never_overwritten(tmp_path: Path, demo: bool) -> None:
    (tmp_path / "syndicate.yaml").write_text("mine\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"syndicate\.yaml already exists; .*choose "
                                         r"another DIR"):
        create_starter(tmp_path, demo=demo)
    assert (tmp_path / "syndicate.yaml").read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["syndicate.yaml"]


def test_an_existing_queue_stops_init_before_anything_is_written(tmp_path: Path) -> None:
    (tmp_path / "queue.yaml").write_text("items: []\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"queue\.yaml already exists"):
        create_starter(tmp_path, demo=False)
    assert not (tmp_path / "syndicate.yaml").exists()


def test_a_file_in_place_of_the_folder_is_an_input_error(tmp_path: Path) -> None:
    blocker = tmp_path / "council"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match=r"council: cannot create this folder"):
        create_starter(blocker, demo=False)
