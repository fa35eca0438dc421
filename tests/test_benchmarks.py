"""The speed benchmarks still run: benchmarks/speed.py at smoke size (a few seconds).

Only that they run and print every target is checked; the figures are for people (README
"Performance"), never asserted. The Commons target needs a wiki of its own and is left to
``benchmarks/speed.py --only commons``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_speed_benchmark_runs_at_smoke_size() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "speed.py"), "--smoke",
         "--only", "feed,remote,pages,queue"],
        capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line[:2] in ("1.", "2.", "3.", "4.")]
    for target in ("1. quiet night", "1. remote feed answering 304", "2. first collect",
                   "2. peak RSS", "3. pages: second night", "4. queue.yaml load + save"):
        assert any(row.startswith(target) for row in rows), done.stdout
