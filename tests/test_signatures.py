"""The one table of file signatures (syndicate.signatures) and both its users: the
directory source's media types and the Commons sink's file extensions."""

from __future__ import annotations

from pathlib import Path

import pytest

from syndicate import signatures
from syndicate.sinks.commons.filetypes import sniff
from syndicate.sources.directory import sniff_media_type as directory_sniff

HEADS = {
    b"\xff\xd8\xff\xe0\x00\x10JFIF": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n\x00\x00": ("image/png", "png"),
    b"GIF89a\x01\x00": ("image/gif", "gif"),
    b"II*\x00\x08\x00": ("image/tiff", "tif"),
    b"RIFF\x24\x00\x00\x00WEBPVP8 ": ("image/webp", "webp"),
    b"AT&TFORM\x00\x00\x01\x00DJVU": ("image/vnd.djvu", "djvu"),
    b"%PDF-1.7\n": ("application/pdf", "pdf"),
    b'<?xml version="1.0"?>\n<!-- drawn -->\n<svg xmlns="http://www.w3.org/2000/svg">':
        ("image/svg+xml", "svg"),
    b"OggS\x00\x02": ("audio/ogg", "ogg"),
    b"RIFF\x24\x00\x00\x00WAVEfmt ": ("audio/wav", "wav"),
}


@pytest.mark.parametrize(("head", "expected"), HEADS.items())
def test_signatures_give_media_type_and_extension(head: bytes, expected: tuple[str, str],
                                                  tmp_path: Path) -> None:
    found = signatures.identify(head)
    assert found is not None and (found.media_type, found.extension) == expected
    path = tmp_path / "misnamed.bin"   # the name says nothing; the bytes decide
    path.write_bytes(head)
    assert sniff(path) == expected[1]


def test_the_directory_source_takes_local_types_by_content_and_others_by_extension(
        tmp_path: Path) -> None:
    png = tmp_path / "photo.jpg"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(16))
    assert directory_sniff(png) == "image/png"
    # A WEBP needs its RIFF header: "WEBP" at offset 8 alone is not one.
    fake = tmp_path / "fake.webp"
    fake.write_bytes(b"XXXX\x00\x00\x00\x00WEBP")
    assert directory_sniff(fake) is None
    # Audio is not a local image or document, whatever its signature.
    audio = tmp_path / "anthem.ogg"
    audio.write_bytes(b"OggS\x00\x02" + bytes(16))
    assert directory_sniff(audio) is None
    word = tmp_path / "minutes.docx"
    word.write_bytes(b"PK\x03\x04" + bytes(16))
    assert directory_sniff(word) == \
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_unknown_content_is_none() -> None:
    assert signatures.identify(b"just some text") is None
