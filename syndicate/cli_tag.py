"""``syndicate tag``: licence metadata into the council's files, snippets for its pages."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import click

from syndicate import progress
from syndicate.cli_common import is_quiet, json_option, load_config

log = logging.getLogger(__name__)


@click.command()
@click.option("--all", "every_licensed", is_flag=True,
              help="Every item with a licence, not only approved and published ones.")
@click.option("--in-place", is_flag=True,
              help="Write into the original files instead of copies under .syndicate/tagged/.")
@click.option("--snippets", "snippet_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write ID.json (schema.org JSON-LD) and ID.html (with the ccREL "
                   "credit line) per item into this folder, for the CMS to include.")
@click.option("--files/--no-files", default=True, show_default=True,
              help="Write metadata into files (needs ExifTool); --no-files writes only "
                   "the snippets.")
@json_option
@click.pass_context
def tag(ctx: click.Context, every_licensed: bool, in_place: bool, snippet_dir: Path | None,
        files: bool, as_json: bool) -> None:
    """Write each approved or published file's licence into the file itself (XMP, and
    IPTC for JPEG): the licence URL, credit line, creator, copyright notice and licensor.
    Originals stay as they are; tagged copies go to .syndicate/tagged/ (sinks send those).
    GPS positions are removed unless a sidecar says keep_location: true. A rerun changes
    nothing.

    \b
    Example:
      syndicate tag --snippets public/snippets
    """
    from syndicate.marking import mark

    config = load_config(ctx)
    counts: dict[str, int] = {}
    bar = progress.for_terminal(quiet=is_quiet(ctx) or as_json)
    for marked in mark(config, every_licensed=every_licensed, in_place=in_place,
                       files=files, snippet_dir=snippet_dir, progress=bar):
        counts[marked.status] = counts.get(marked.status, 0) + 1
        if as_json:
            click.echo(json.dumps({"id": marked.item_id, "status": marked.status,
                                   "path": str(marked.path) if marked.path else None,
                                   "message": marked.message}))
        elif marked.status == "failed":
            click.echo(f"{marked.item_id}: failed: {marked.message}", err=True)
        else:  # -v lists every item
            log.info("%s: %s %s", marked.item_id, marked.status, marked.path or "")
    if not as_json and not is_quiet(ctx):
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        click.echo(f"tag: {summary or 'no items to tag (approve some first, or use --all)'}"
                   + (f"; snippets in {snippet_dir}" if snippet_dir else ""))
    ctx.exit(1 if counts.get("failed") else 0)
