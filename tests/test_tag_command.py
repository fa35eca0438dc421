"""``syndicate tag`` on the demo council: files tagged, snippets written and parsed back as
RDF, reruns idle, and a plain message (exit 2) where ExifTool is not installed."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from pyRdfa import pyRdfa

from syndicate import embedded
from syndicate.cli import main
from syndicate.licences import registry
from tests.council import Council
from tests.filetags_readers import exiftool_json, needs_exiftool, xmp_fields

SCHEMA = rdflib.Namespace("https://schema.org/")
CC = rdflib.Namespace("http://creativecommons.org/ns#")
# The terms of schema.org's JSON-LD context the snippets use, with its type coercion of
# URL-valued properties (https://schema.org/docs/jsonldcontext.jsonld): tests talk to no
# network, so the context is given here instead of fetched.
SCHEMA_CONTEXT = {"@vocab": "https://schema.org/",
                  **{term: {"@type": "@id"} for term in (
                      "license", "acquireLicensePage", "url", "contentUrl")}}


@pytest.fixture
def approved(council: Council) -> Council:
    for args in (("collect",), ("queue", "approve", "--all")):
        result = council.run(*args)
        assert result.exit_code == 0, result.output
    return council


def approved_photos(council: Council) -> list[dict[str, object]]:
    return [item for item in council.queue_items()
            if item["kind"] == "image" and item["status"] == "approved"]


@needs_exiftool
def test_tag_writes_each_approved_photos_licence_into_a_copy(approved: Council,
                                                           tmp_path: Path) -> None:
    originals = {p: p.read_bytes() for p in (approved.root / "content").rglob("*")
                 if p.is_file()}
    result = approved.run("tag", "--snippets", str(tmp_path / "snippets"))
    assert result.exit_code == 0, result.output

    photos = approved_photos(approved)
    assert photos
    tagged = approved.root / ".syndicate" / "tagged"
    for item in photos:
        (copy,) = tagged.glob(f"{item['id']}-*")
        licence = registry().get(str(item["licence"]))
        found = exiftool_json(copy)
        assert found["XMP-cc:License"] == licence.url
        assert found["XMP-xmpRights:UsageTerms"] == item["attribution"]
        assert xmp_fields(copy)["cc:license"] == [licence.url]
    assert {p: p.read_bytes() for p in originals} == originals  # originals untouched
    assert f"{len(photos)} written" in result.output


@needs_exiftool
def test_a_second_tag_run_changes_nothing(approved: Council, tmp_path: Path) -> None:
    snippets = tmp_path / "snippets"
    assert approved.run("tag", "--snippets", str(snippets)).exit_code == 0
    state = approved.root / ".syndicate" / "tagged"
    before = {p: (p.stat().st_mtime_ns, p.read_bytes())
              for p in [*state.iterdir(), *snippets.iterdir()]}
    again = approved.run("tag", "--snippets", str(snippets))
    assert again.exit_code == 0
    assert "written" not in again.output
    assert {p: (p.stat().st_mtime_ns, p.read_bytes())
            for p in [*state.iterdir(), *snippets.iterdir()]} == before


def test_snippets_parse_as_schema_org_and_ccrel(approved: Council, tmp_path: Path) -> None:
    snippets = tmp_path / "snippets"
    result = approved.run("tag", "--no-files", "--snippets", str(snippets))
    assert result.exit_code == 0, result.output
    photo = approved_photos(approved)[0]
    licence_url = rdflib.URIRef(registry().get(str(photo["licence"])).url)

    data = json.loads((snippets / f"{photo['id']}.json").read_text(encoding="utf-8"))
    assert data["@context"] == "https://schema.org" and data["@type"] == "ImageObject"
    data["@context"] = SCHEMA_CONTEXT
    graph = rdflib.Graph().parse(data=json.dumps(data), format="json-ld")
    (subject,) = graph.subjects(rdflib.RDF.type, SCHEMA.ImageObject)
    assert graph.value(subject, SCHEMA.license) == licence_url
    assert str(graph.value(subject, SCHEMA.creditText)) == photo["attribution"]
    assert graph.value(subject, SCHEMA.acquireLicensePage) == rdflib.URIRef(
        "https://www.example.gov.uk/copyright")
    creator = graph.value(subject, SCHEMA.creator)
    assert graph.value(creator, SCHEMA.name) is not None
    assert graph.value(subject, SCHEMA.copyrightNotice) is not None

    html = (snippets / f"{photo['id']}.html").read_text(encoding="utf-8")
    page = f"<!DOCTYPE html><html><head><title>t</title></head><body>{html}</body></html>"
    base = "https://www.example.gov.uk/gallery/page"
    rdfa = pyRdfa(base=base).graph_from_source(io.StringIO(page))
    assert (rdflib.URIRef(base), CC.license, licence_url) in rdfa
    assert (None, CC.attributionName, None) in rdfa


def test_news_articles_get_article_snippets(approved: Council, tmp_path: Path) -> None:
    approved.run("tag", "--no-files", "--snippets", str(tmp_path))
    article = next(i for i in approved.queue_items()
                   if i["kind"] == "article" and i["status"] == "approved")
    data = json.loads((tmp_path / f"{article['id']}.json").read_text(encoding="utf-8"))
    assert data["@type"] == "Article" and data["license"] == registry().get(
        str(article["licence"])).url


def test_without_exiftool_tag_says_what_to_install_and_exits_2(
        approved: Council, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a real machine without exiftool on PATH
    result = approved.run("tag")
    assert result.exit_code == 2
    assert "ExifTool is not installed" in result.output
    assert "libimage-exiftool-perl" in result.output and "brew install exiftool" in result.output
    assert "Traceback" not in result.output
    assert not (approved.root / ".syndicate" / "tagged").exists()


def test_inspect_json_carries_the_snippets(approved: Council) -> None:
    photo = next(approved.root.glob("content/photos/town-hall*.jpg"))
    result = approved.run("inspect", "--json", str(photo))
    data = json.loads(result.output.splitlines()[0])
    assert data["json_ld"]["license"] == data["licence_url"]
    assert 'rel="license cc:license"' in data["rdfa"]


def test_the_demo_runs_without_exiftool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a user's machine without exiftool
    monkeypatch.setattr(embedded, "_shared", None)
    result = CliRunner().invoke(main, ["demo", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    # Reading embedded licences stays quiet; the photos the partner feed serves go out
    # untagged, which is said once (with what to install), never once per file.
    told = [line for line in result.output.splitlines() if "ExifTool" in line]
    assert len(told) == 1 and "files are sent without licence metadata" in told[0] \
        and "libimage-exiftool-perl" in told[0], result.output
    assert (tmp_path / "demo" / "public" / "feeds" / "partners.atom").exists()


@needs_exiftool
def test_pending_items_are_tagged_only_with_all(council: Council) -> None:
    assert council.run("collect").exit_code == 0
    first = council.run("tag")
    assert first.exit_code == 0 and "no items to tag" in first.output
    assert not (council.root / ".syndicate" / "tagged").exists()
    every = council.run("tag", "--all")
    assert every.exit_code == 0, every.output
    photos = [i for i in council.queue_items()  # the folder's files, not feed images
              if i["source"] == "photos" and i["licence"]]
    assert len(list((council.root / ".syndicate" / "tagged").iterdir())) == len(photos)
