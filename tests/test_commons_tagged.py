"""A Commons upload carries its licence inside the file: the local MediaWiki reads the XMP
of the stored file (``prop=imageinfo&iiprop=metadata``), as Commons shows it under
"Metadata" on the file page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image

from tests.filetags_readers import needs_exiftool
from tests.mediawiki import LocalWiki
from tests.test_commons_pipeline import approve_all, syndicate
from tests.test_commons_pipeline import council as council  # the fixture, used by name

BY = "https://creativecommons.org/licenses/by/4.0/"


def metadata(wiki: LocalWiki, title: str) -> dict[str, Any]:
    result = wiki.site().api("query", prop="imageinfo", titles=title, iiprop="metadata")
    (page,) = result["query"]["pages"].values()
    return {entry["name"]: entry["value"] for entry in page["imageinfo"][0]["metadata"]}


def lang_default(value: Any) -> str:
    """MediaWiki gives a language alternative as [{name: x-default, value: …}, …]."""
    if isinstance(value, list):
        return str(next(v["value"] for v in value if v.get("name") in ("x-default", "en")))
    return str(value)


@needs_exiftool
def test_the_file_on_the_wiki_carries_the_xmp_licence(council: Path, wiki: LocalWiki) -> None:
    photo = council / "photos" / "bandstand.png"
    photo.unlink()
    Image.new("RGB", (40, 30), (30, 90, 160)).save(photo.with_suffix(".jpg"), "JPEG")
    photo.with_name("bandstand.png.yaml").rename(photo.with_name("bandstand.jpg.yaml"))
    approve_all(council, wiki)

    run = syndicate(council, wiki, "run")

    assert run.returncode == 0, run.stderr + run.stdout
    stored = metadata(wiki, "File:Bandstand in Victoria Park (2024-05-01).jpg")
    assert stored["LicenseUrl"] == BY
    assert stored["WebStatement"] == "https://www.example.gov.uk/copyright"
    assert stored["PreferredAttributionName"] == "Jo Bloggs"       # cc:attributionName
    assert (stored["Artist"], stored["Credit"]) == ("Jo Bloggs", "Jo Bloggs")
    assert stored["Copyrighted"] == "True"                           # xmpRights:Marked
    assert lang_default(stored["UsageTerms"]).strip() == \
        f"“Bandstand in Victoria Park” by Jo Bloggs is licensed under CC BY 4.0 ({BY})"
    assert lang_default(stored["Copyright"]).startswith("© 2024 Jo Bloggs")
    assert (council / "photos" / "bandstand.jpg").read_bytes()[:2] == b"\xff\xd8"
