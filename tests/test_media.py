"""syndicate.media: an item's remote file is downloaded once per version into the state
folder, only as far as its source's allow_private lets it reach, and a dry run leaves no
trace. The workspace's media()/local_file() hand over to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from syndicate import config as config_module
from syndicate.errors import SourceError
from syndicate.fetch import Fetcher
from syndicate.media import MediaStore
from syndicate.model import Item
from syndicate.workspace import Workspace
from tests.httpserver import LocalHTTPServer

CONFIG = """\
organisation: {{name: Example Borough Council, url: "https://www.example.gov.uk"}}
sources:
  inside: {{type: feed, url: "{base}/news.rss", allow_private: true}}
  outside: {{type: feed, url: "{base}/other.rss"}}
licensing:
  default: cc-by-4.0
  attribution: {{name: Example Borough Council, url: "https://www.example.gov.uk"}}
  evidence: https://www.example.gov.uk/copyright
sinks:
  partners: {{type: feed, kinds: [image, article]}}
"""
PHOTO = b"\xff\xd8\xff\xe0 not really a jpeg"


def load(tmp_path: Path, server: LocalHTTPServer) -> config_module.Config:
    (tmp_path / "syndicate.yaml").write_text(CONFIG.format(base=server.base_url),
                                             encoding="utf-8")
    return config_module.load(tmp_path / "syndicate.yaml")


def photo(server: LocalHTTPServer, source: str = "inside") -> Item:
    server.add("/bins.jpg", PHOTO, content_type="image/jpeg")
    return Item(id=f"{source}-1", source=source, kind="image", title="Bins",
                media_url=server.url("/bins.jpg"), media_type="image/jpeg")


def test_a_remote_file_is_downloaded_once_per_version(tmp_path: Path,
                                                      http_server: LocalHTTPServer) -> None:
    config = load(tmp_path, http_server)
    item = photo(http_server)
    store = MediaStore(config, Fetcher("syndicate-tests"))
    path = store.local_file(item)
    assert path.parent == config.state_dir / "media" and path.suffix == ".jpg"
    assert path.read_bytes() == PHOTO
    assert store.local_file(item) == path
    assert len(http_server.requests_for("/bins.jpg")) == 1   # the retry did not fetch again
    item.title = "Bins, changed"                              # a new version: a new file
    assert store.local_file(item) != path
    assert len(http_server.requests_for("/bins.jpg")) == 2
    store.close()


def test_a_source_without_allow_private_cannot_reach_a_private_address(
        tmp_path: Path, http_server: LocalHTTPServer) -> None:
    config = load(tmp_path, http_server)
    store = MediaStore(config, Fetcher("syndicate-tests"))
    with pytest.raises(SourceError):
        store.local_file(photo(http_server, source="outside"))
    assert http_server.requests_for("/bins.jpg") == []
    assert not any((config.state_dir / "media").glob("*"))


def test_a_local_file_is_its_own_path_and_no_file_is_an_error(tmp_path: Path) -> None:
    with LocalHTTPServer() as server:
        config = load(tmp_path, server)
    store = MediaStore(config, Fetcher("syndicate-tests"))
    own = tmp_path / "photo.jpg"
    assert store.local_file(Item(id="x", source="inside", kind="image", title="",
                                 path=own)) == own
    with pytest.raises(SourceError, match="article-1 has no file"):
        store.local_file(Item(id="article-1", source="inside", kind="article", title=""))


def test_a_dry_run_downloads_where_it_leaves_no_trace(tmp_path: Path,
                                                      http_server: LocalHTTPServer) -> None:
    config = load(tmp_path, http_server)
    with Workspace(config, dry_run=True) as ws:
        path = ws.local_file(photo(http_server))   # the workspace hands over to its store
        assert path.read_bytes() == PHOTO and ws.media_store.local_file(photo(http_server)) \
            == path
    assert not path.exists()
    assert not (config.state_dir / "media").exists()
