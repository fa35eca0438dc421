"""Tagging: time to write licence metadata into N photos (default 100), side by side with a
baseline.

Prints, for N generated camera-sized JPEGs (each with EXIF and GPS, a sidecar, approved):
- ``syndicate tag``, first run (every file written: one ExifTool process for the run,
  ``-stay_open``) and the rerun (every copy already right: nothing written);
- the baseline: the same tags written by one ``exiftool`` process per file, the way a shell
  loop or ``subprocess.run`` per photo would do it;
- what reading embedded licences costs ``collect`` (the same folder collected with ExifTool
  on PATH and without it).

    .venv/bin/python benchmarks/tagging.py [--photos 100]

Needs ExifTool and Pillow (the test extra). Nothing is asserted; figures go to stdout.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from syndicate import config as config_module
from syndicate import pipeline
from syndicate.filetags import metadata_tags
from syndicate.marking import mark
from syndicate.rights import rights_of
from syndicate.status import Status
from syndicate.workspace import Workspace

CONFIG = """\
organisation: {name: Benchmark Borough Council, url: "https://bench.example.gov.uk"}
sources:
  photos: {type: directory, path: photos}
licensing:
  default: cc-by-4.0
  attribution: {name: Benchmark Borough Council, url: "https://bench.example.gov.uk"}
  evidence: https://bench.example.gov.uk/copyright
sinks:
  partners: {type: feed, kinds: [image]}
"""


def make_photos(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    # Sensor-like noise compresses as poorly as a real photo (several MB at quality 90).
    noise = [Image.effect_noise((3000, 2000), 40 + 10 * band) for band in range(3)]
    encoded = io.BytesIO()
    Image.merge("RGB", noise).save(encoded, "JPEG", quality=90)
    jpeg = encoded.getvalue()
    for n in range(count):
        # A comment segment after SOI makes every file distinct (no duplicate findings).
        comment = f"frame {n}".encode()
        (folder / f"market-{n:03d}.jpg").write_bytes(
            jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:])
        (folder / f"market-{n:03d}.jpg.yaml").write_text(
            f"title: Market day {n}\ncreator: Jo Bloggs\ndate: 2025-06-{n % 28 + 1:02d}\n"
            f"url: https://bench.example.gov.uk/gallery/market-{n}\n",
            encoding="utf-8")
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-Make=Canon",
                    "-Model=Canon EOS R6", "-GPSLatitude=52.2", "-GPSLatitudeRef=N",
                    str(folder)], check=True)


def timed(action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - start


def baseline(root: Path, config: config_module.Config) -> float:
    """One exiftool process per photo, same tags, same GPS removal."""
    out = root / "baseline"
    out.mkdir()
    with Workspace(config) as ws:
        items = [r.item for r in ws.ledger.with_status(Status.APPROVED)]
    jobs = []
    for item in items:
        rights = rights_of(item, config.licensing, config.organisation)
        assert rights is not None and item.path is not None
        tags = metadata_tags(rights, "image/jpeg")
        spec = out / f"{item.id}.json"
        spec.write_text(json.dumps([{"SourceFile": "*", **tags}]), encoding="utf-8")
        jobs.append((item.path, spec, out / item.path.name))

    def run() -> None:
        for source, spec, dest in jobs:
            shutil.copyfile(source, dest)
            subprocess.run(["exiftool", "-q", "-m", f"-j={spec}", "-GPS:all=",
                            "-overwrite_original", str(dest)], check=True)
    return timed(run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=100)
    count = parser.parse_args().photos
    if shutil.which("exiftool") is None:
        sys.exit("ExifTool is not installed: apt install libimage-exiftool-perl")
    with tempfile.TemporaryDirectory(prefix="syndicate-bench-") as folder:
        root = Path(folder)
        make_photos(root / "photos", count)
        size = sum(p.stat().st_size for p in (root / "photos").glob("*.jpg")) / count
        (root / "syndicate.yaml").write_text(CONFIG, encoding="utf-8")
        config = config_module.load(root / "syndicate.yaml")

        path = os.environ["PATH"]
        os.environ["PATH"] = str(root)  # collect once without ExifTool on PATH
        without = timed(lambda: pipeline.collect(config))
        os.environ["PATH"] = path
        shutil.rmtree(root / ".syndicate")
        (root / "queue.yaml").unlink()
        with_reading = timed(lambda: pipeline.collect(config))
        pipeline.decide(config, [], "approved", every_pending=True)

        first = timed(lambda: list(mark(config)))
        written = len(list((root / ".syndicate" / "tagged").iterdir()))
        rerun = timed(lambda: list(mark(config)))
        per_file = baseline(root, config)

    print(f"{count} photos, {size / 1e6:.1f} MB each (3000x2000 JPEG, EXIF + GPS)")
    print(f"syndicate tag, first run:   {first:6.2f} s  ({first / count * 1000:.0f} ms a "
          f"photo, {written} copies written)")
    print(f"syndicate tag, rerun:       {rerun:6.2f} s  (nothing written)")
    print(f"baseline, exiftool a photo: {per_file:6.2f} s  "
          f"({per_file / first:.1f}x syndicate's first run)")
    print(f"collect without ExifTool:   {without:6.2f} s")
    print(f"collect reading embedded:   {with_reading:6.2f} s  "
          f"(+{(with_reading - without) / count * 1000:.0f} ms a photo)")


if __name__ == "__main__":
    main()
