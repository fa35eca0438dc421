"""Licence registry: how long loading ~640 registry files and recognising names take.

Prints, each measured in a fresh process (best of --runs), side by side:
- the strict loader on every file (what reading the whole registry cost before: every file
  through syndicate.yamlfile, eagerly, at the first use of the registry);
- the registry as it loads now: one licence by id (files are read on first use), every
  licence (libyaml for plain files), and the URL/name indexes recognition builds;
- the time to recognise a mixed set of real licence strings, per string.

    .venv/bin/python benchmarks/licences.py [--runs 5]

Nothing is asserted; figures go to stdout.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import textwrap

SNIPPETS = {
    "strict loader, every file (before)": """
        from importlib import resources
        from syndicate import yamlfile
        from pathlib import Path
        start = time.perf_counter()
        for f in resources.files("syndicate.registry").iterdir():
            if f.name.endswith(".yaml"):
                yamlfile.load(Path(str(f)), text=f.read_text(encoding="utf-8"))
        """,
    "registry: one licence by id": """
        start = time.perf_counter()
        registry().get("cc-by-4.0")
        """,
    "registry: every licence": """
        start = time.perf_counter()
        list(registry())
        """,
    "registry: every licence + indexes": """
        start = time.perf_counter()
        registry().check()
        """,
    "recognise 12 strings (after indexes), per string": """
        registry().check()
        texts = ["cc-by-sa-3.0-2.5-2.0-1.0", "http://creativecommons.org/licenses/by/3.0/de/rdf",
                 "Creative Commons Attribution Share Alike 2.0 England and Wales", "OGL3",
                 "Open Government Licence 3.0 (United Kingdom)", "CC BY 3.0 UK", "{{OGL}}",
                 "https://creativecommons.org/licenses/by-nc-nd/4.0/deed.fr", "CC0",
                 "GFDL or CC-BY-SA-3.0 (www.creativecommons.org/licenses/by-sa/3.0)",
                 "MIT", "Attribution-ShareAlike 2.0 UK: England & Wales"]
        start = time.perf_counter()
        for _ in range(100):
            for text in texts:
                registry().recognise(text)
        elapsed = (time.perf_counter() - start) / 1200
        print(elapsed)
        raise SystemExit
        """,
}


def measure(snippet: str) -> float:
    code = "import time\nfrom syndicate.licences import registry\n" + \
        textwrap.dedent(snippet) + "\nprint(time.perf_counter() - start)\n"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout
    return float(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from syndicate.licences import registry

    print(f"{len(registry())} registry files; best of {args.runs} runs, fresh process each")
    results = {}
    for label, snippet in SNIPPETS.items():
        results[label] = min(measure(snippet) for _ in range(args.runs))
        print(f"  {label:<50} {results[label] * 1000:8.2f} ms")
    before = results["strict loader, every file (before)"]
    for label in ("registry: every licence", "registry: one licence by id"):
        print(f"  {label}: {before / results[label]:.1f}x faster than the strict loader")


if __name__ == "__main__":
    main()
