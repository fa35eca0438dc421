"""The review page against queue.yaml, side by side, and the cost of first thumbnails.

Prints:
- for N pending image items (default 500) whose thumbnails are already made, the wall time
  of writing queue.yaml (render the entries from the ledger, write the file under the
  digest check) and of writing queue.html (cards, inlined thumbnails, and with ``--wiki``
  the Commons page text of every card), each the median of several runs, and the ratio
  (target: the page takes at most 2x the queue file);
- the time to make the first thumbnails of P camera-sized photos (default 100 at
  4032x3024, copies of one generated JPEG, so the figure is decoding and resizing, not
  disk reads).

    .venv/bin/python benchmarks/review.py [--items 500] [--photos 100] [--wiki]

The items come from a real ``collect`` over a folder of generated photos with sidecars.
Nothing is asserted; figures go to stdout.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from syndicate import config as config_module  # noqa: E402
from syndicate import pipeline, queue, reconcile, review, thumbnails  # noqa: E402
from syndicate.status import Status  # noqa: E402
from syndicate.workspace import Workspace  # noqa: E402

CONFIG = """\
organisation: {name: Benchmark Borough Council, url: https://bench.example.gov.uk}
sources:
  photos: {type: directory, path: photos}
licensing:
  default: cc-by-4.0
  evidence: https://bench.example.gov.uk/copyright
queue: {max_pending: 1000}
sinks:
  partners: {type: feed, directory: public/feeds}
"""
WIKI = """\
  commons:
    type: commons
    site: http://127.0.0.1:9/api.php
    username: {env: BENCH_USER}
    password: {env: BENCH_PASSWORD}
    categories: [Benchmark Borough Council]
"""


def photo(size: tuple[int, int], seed: int) -> Image.Image:
    """Something that compresses like a photo: smooth gradients with fine grain (pure
    noise would be a worst case no camera produces)."""
    width, height = size
    sky = Image.linear_gradient("L").resize(size)
    sun = Image.radial_gradient("L").resize(size)
    grain = Image.effect_noise(size, 12 + seed % 20)
    image = Image.merge("RGB", (sky, sun, Image.blend(sky, grain, 0.3)))
    image.paste((40 + seed % 200, 120, 60), (0, height * 2 // 3, width, height))  # grass
    return image


def make_photos(folder: Path, count: int) -> None:
    """``count`` distinct 800x600 photos with sidecars."""
    folder.mkdir(parents=True)
    for n in range(count):
        photo((800, 600), n).save(folder / f"photo-{n:04d}.jpg", "JPEG", quality=85)
        (folder / f"photo-{n:04d}.jpg.yaml").write_text(
            f"title: Park photo {n}\ncreator: Parks team\ndate: 2026-01-{1 + n % 28:02d}\n"
            f"description: The park on a winter morning, photo {n} of the series.\n"
            f"url: https://bench.example.gov.uk/parks/{n}\nalt: A park, photo {n}\n"
            "categories: [Parks in Benchmark]\n")


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def queue_versus_page(root: Path, items: int, wiki: bool, repeat: int) -> None:
    make_photos(root / "photos", items)
    (root / "syndicate.yaml").write_text(CONFIG + (WIKI if wiki else ""))
    config = config_module.load(root / "syndicate.yaml")
    start = time.perf_counter()
    pipeline.collect(config)          # makes the thumbnails and writes both files once
    print(f"first collect of {items} photos (thumbnails included): "
          f"{time.perf_counter() - start:.1f} s")
    with Workspace(config) as ws:
        path = config.queue.path
        made = len(list(thumbnails.folder(config.state_dir).glob("*.jpg")))
        pending = sum(1 for r in ws.ledger.in_queue() if r.status == Status.PENDING)
        thumb = review.thumbnail_for(ws)

        def write_queue() -> None:
            text = queue.render(reconcile.entries(ws.ledger, {}, thumb))
            queue.write(path, text, queue.digest_of(path))

        def write_page() -> None:
            review.write_page(ws)

        yaml_ms = median_ms(write_queue, repeat)
        page_ms = median_ms(write_page, repeat)
        page = review.page_path(ws)
    print(f"{pending} pending items, {made} thumbnails already made"
          f"{', Commons page text on every card' if wiki else ''}")
    print(f"  write queue.yaml: {yaml_ms:8.1f} ms  ({path.stat().st_size / 1e6:.2f} MB)")
    print(f"  write queue.html: {page_ms:8.1f} ms  ({page.stat().st_size / 1e6:.2f} MB)")
    print(f"  page / queue file: {page_ms / yaml_ms:.2f}x  (target: at most 2x)")


def first_thumbnails(root: Path, photos: int) -> None:
    folder = root / "camera"
    folder.mkdir()
    original = folder / "original.jpg"
    size = (4032, 3024)   # a 12-megapixel phone camera; sensor noise makes its size
    camera = Image.blend(photo(size, 7), Image.effect_noise(size, 50).convert("RGB"), 0.2)
    camera.save(original, "JPEG", quality=90)
    sources = []
    for n in range(photos):
        copy = folder / f"IMG_{n:04d}.jpg"
        shutil.copyfile(original, copy)
        sources.append(copy)
    start = time.perf_counter()
    for n, source in enumerate(sources):
        thumbnails.make(source, thumbnails.path_for(root / "state", f"photos-{n}", "v1"))
    seconds = time.perf_counter() - start
    print(f"first thumbnails for {photos} photos of 4032x3024 "
          f"({original.stat().st_size / 1e6:.1f} MB each): {seconds:.2f} s "
          f"({seconds / photos * 1000:.0f} ms per photo)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--photos", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--wiki", action="store_true",
                        help="add a Commons sink, so every card carries its page text")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="syndicate-bench-") as tmp:
        queue_versus_page(Path(tmp) / "council", args.items, args.wiki, args.repeat)
    with tempfile.TemporaryDirectory(prefix="syndicate-bench-") as tmp:
        first_thumbnails(Path(tmp), args.photos)


if __name__ == "__main__":
    main()
