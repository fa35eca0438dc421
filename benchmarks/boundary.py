"""The plugin boundary's cost per call, side by side with a direct call.

Prints the mean time of one call of a trivial ``publish`` made directly, through the
boundary's per-plugin worker thread (what syndicate does), and through a new thread per
call (the alternative design), with the ratios. A real publication costs milliseconds to
seconds, so what matters is the absolute overhead in microseconds.

    .venv/bin/python benchmarks/boundary.py [--calls 20000]
"""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Callable

from syndicate.boundary import Worker
from syndicate.model import Item, Receipt

ITEM = Item(id="bench-1", source="bench", kind="article", title="Bench")


def publish(item: Item) -> Receipt:
    return Receipt(item.id)


def per_call_thread(item: Item) -> Receipt:
    box: list[Receipt] = []
    thread = threading.Thread(target=lambda: box.append(publish(item)), daemon=True)
    thread.start()
    thread.join(600)
    return box[0]


def mean_us(call: Callable[[], object], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - start) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=20000)
    calls = parser.parse_args().calls
    worker = Worker("bench", timeout=600)
    direct = mean_us(lambda: publish(ITEM), calls)
    bounded = mean_us(lambda: worker.call("publish", publish, ITEM), calls)
    fresh = mean_us(lambda: per_call_thread(ITEM), calls)
    worker.stop()
    print(f"calls: {calls}")
    print(f"direct call:              {direct:8.2f} µs")
    print(f"boundary (worker thread): {bounded:8.2f} µs  ({bounded - direct:.2f} µs overhead, "
          f"{bounded / direct:.0f}x a bare call)")
    print(f"new thread per call:      {fresh:8.2f} µs  ({fresh / bounded:.1f}x the boundary)")


if __name__ == "__main__":
    main()
