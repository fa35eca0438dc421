"""Pages: how well syndicate takes the article from real public-sector pages.

Runs every page of the pages corpus (saved GOV.UK, data.gov.uk, Charity Commission, GLA and
council pages with a hand-checked gold text of each article) through syndicate's own
extraction exactly as ``syndicate inspect PAGE`` sees it (the ``pages`` source, its ``text``
field), and through trafilatura (``favor_recall``, tables) and readability-lxml, the two
libraries people reach for. Prints word-level precision/recall/F1 per page and per CMS
family, using the corpus's own scorer (``measure.py``), and how many numeric character
references the draft wikitext carries per 2,000 characters.

    .venv/bin/python benchmarks/pages.py [--corpus PATH] [--ids 02,28]

The corpus is looked for beside the repository (``shared/corpus/pages``) or at
``$SYNDICATE_PAGES_CORPUS``; without it the benchmark says so and exits 0. Nothing is
asserted; figures go to stdout.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
_ENTITY = re.compile(r"&#(?:\d+|[xX][0-9a-fA-F]+);")


def corpus_dir(given: str | None) -> Path | None:
    for candidate in (given, os.environ.get("SYNDICATE_PAGES_CORPUS"),
                      ROOT.parent / "shared" / "corpus" / "pages"):
        if candidate and (Path(candidate) / "measure.py").is_file():
            return Path(candidate)
    return None


def load_scorer(corpus: Path) -> tuple[ModuleType, ModuleType]:
    """The corpus's scorer and baseline adapters, imported from where they are."""
    sys.path.insert(0, str(corpus))
    import extractors
    import measure
    return measure, extractors


def syndicate_views(path: Path) -> tuple[str, str]:
    """(text, wikitext) of the page's article, as ``syndicate inspect --json`` gives them."""
    from syndicate import config
    from syndicate.inspect import as_json, inspect

    for item in inspect(str(path), config.empty()):
        if item.kind == "article":
            data = as_json(item)
            return data["text"], data["wikitext"]
    return "", ""


def baseline(function: Any, html: bytes, url: str | None) -> str:
    try:
        return str(function(html, url) or "")
    except Exception as error:  # a library's crash scores zero, as in measure.py
        print(f"    ({function.__name__} failed: {type(error).__name__}: {error})")
        return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", help="the pages corpus folder (with measure.py)")
    parser.add_argument("--ids", help="only these page ids, e.g. 02,28")
    args = parser.parse_args()
    corpus = corpus_dir(args.corpus)
    if corpus is None:
        print("pages corpus not found (shared/corpus/pages beside the repository, or "
              "$SYNDICATE_PAGES_CORPUS); nothing to measure")
        return 0
    measure, extractors = load_scorer(corpus)
    pages = measure.load_corpus(str(corpus))
    if args.ids:
        pages = [p for p in pages if p["id"] in set(args.ids.split(","))]
    tools = {"syndicate": None, "trafilatura": extractors.trafilatura_recall,
             "readability": extractors.readability_lxml}
    scores: dict[str, list[dict[str, Any]]] = {name: [] for name in tools}
    entities = characters = 0
    print(f"{'id':<4}{'page':<44}{'syndicate':>10}{'trafilat.':>10}{'readab.':>10}"
          f"{'ent/2k':>8}")
    for page in pages:
        html = Path(page["html_path"]).read_bytes()
        gold = Path(page["gold_path"]).read_text(encoding="utf-8")
        text, wikitext = syndicate_views(Path(page["html_path"]))
        found = len(_ENTITY.findall(wikitext))
        entities, characters = entities + found, characters + len(wikitext)
        extracted = {"syndicate": text}
        for name, function in tools.items():
            if function is not None:
                extracted[name] = baseline(function, html, page["url"])
        for name in tools:
            scores[name].append({**measure.score(gold, extracted[name]), "cms": page["cms"]})
        f1 = "".join(f"{scores[name][-1]['F1']:10.2f}" for name in tools)
        print(f"{page['id']:<4}{page['name'][3:][:43]:<44}{f1}"
              f"{found * 2000 / max(1, len(wikitext)):8.2f}")
    print_summary(scores, entities, characters)
    return 0


def print_summary(scores: dict[str, list[dict[str, Any]]], entities: int,
                  characters: int) -> None:
    print(f"\n{'':<48}" + "".join(f"{name:>12}" for name in scores))
    for label, pick in (("mean F1", statistics.mean), ("median F1", statistics.median),
                        ("worst F1", min)):
        print(f"{label:<48}" + "".join(f"{pick(r['F1'] for r in rows):12.3f}"
                                       for rows in scores.values()))
    families = sorted({row["cms"] for row in next(iter(scores.values()))})
    print("\nmean F1 by CMS family")
    for family in families:
        cells = [statistics.mean(r["F1"] for r in rows if r["cms"] == family)
                 for rows in scores.values()]
        ahead = "ahead" if cells[0] > max(cells[1:]) else "NOT ahead"
        print(f"  {family:<46}" + "".join(f"{c:12.3f}" for c in cells) + f"   {ahead}")
    print(f"\nnumeric character references in the draft wikitext: {entities} in "
          f"{characters} characters = {entities * 2000 / max(1, characters):.2f} per 2,000")


if __name__ == "__main__":
    sys.exit(main())
