"""Readers for tests of licence metadata in files, independent of syndicate's own code:
the ``exiftool`` command in its own process, Pillow (XMP packets, IPTC, pixels), pypdf
(a PDF's metadata stream) and rdflib (the XMP packet parsed as the RDF it is)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import rdflib
from PIL import Image, IptcImagePlugin
from pypdf import PdfReader

needs_exiftool = pytest.mark.skipif(shutil.which("exiftool") is None,
                                    reason="ExifTool is not installed (tests/run installs it)")

NAMESPACES = {
    "http://creativecommons.org/ns#": "cc",
    "http://ns.adobe.com/xap/1.0/rights/": "xmpRights",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://ns.useplus.org/ldf/xmp/1.0/": "plus",
}


def exiftool_json(path: Path, *tags: str) -> dict[str, Any]:
    """``exiftool -j -G1 -struct`` in its own process."""
    done = subprocess.run(["exiftool", "-j", "-G1", "-struct", *tags, str(path)],
                          capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout)[0]
    return result


def xmp_packet(path: Path) -> bytes:
    """The raw XMP packet as Pillow (images) or pypdf (PDF) finds it."""
    if path.suffix == ".pdf":
        metadata = PdfReader(path).trailer["/Root"]["/Metadata"].get_object()
        data: bytes = metadata.get_data()
        return data
    with Image.open(path) as image:
        packet = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")
        if packet is None and hasattr(image, "tag_v2"):
            packet = image.tag_v2.get(700)  # TIFF's XMP tag
    assert packet, f"{path}: no XMP packet"
    return packet if isinstance(packet, bytes) else str(packet).encode("utf-8")


def xmp_fields(path: Path) -> dict[str, list[str]]:
    """``prefix:name`` → every value under it (containers and structures flattened),
    from the XMP packet parsed by rdflib as RDF/XML."""
    packet = xmp_packet(path)
    start = packet.index(b"<rdf:RDF")
    end = packet.index(b"</rdf:RDF>") + len(b"</rdf:RDF>")
    graph = rdflib.Graph().parse(data=packet[start:end], format="xml", publicID="urn:x-file")
    fields: dict[str, list[str]] = {}
    for subject, predicate, value in graph:
        for namespace, prefix in NAMESPACES.items():
            if str(predicate).startswith(namespace) and not isinstance(subject, rdflib.BNode):
                name = f"{prefix}:{str(predicate)[len(namespace):]}"
                fields.setdefault(name, []).extend(_flatten(graph, value))
    return fields


def _flatten(graph: rdflib.Graph, node: Any) -> list[str]:
    if not isinstance(node, rdflib.BNode):
        return [str(node)]
    values: list[str] = []
    for predicate, value in sorted(graph.predicate_objects(node)):
        if predicate != rdflib.RDF.type:
            values += _flatten(graph, value)
    return values


def iptc(path: Path) -> dict[tuple[int, int], str]:
    """IPTC IIM datasets as Pillow reads them, decoded as UTF-8."""
    with Image.open(path) as image:
        info = IptcImagePlugin.getiptcinfo(image) or {}
    return {key: (value[0] if isinstance(value, list) else value).decode("utf-8")
            for key, value in info.items()}


def pixels(path: Path) -> str:
    """SHA-256 of the decoded pixels (and size and mode)."""
    with Image.open(path) as image:
        return hashlib.sha256(repr((image.size, image.mode)).encode()
                              + image.tobytes()).hexdigest()
