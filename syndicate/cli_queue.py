"""``syndicate queue …``: the editors' commands, doing what editing queue.yaml does."""

from __future__ import annotations

import json

import click

from syndicate import pipeline, yamlfile
from syndicate.cli_common import json_option, load_config
from syndicate.errors import SyndicateError
from syndicate.queue import STATUSES
from syndicate.status import Status


@click.group()
def queue() -> None:
    """Read and decide on the editors' queue."""


@queue.command("list")
@click.option("--status", type=click.Choice([s.value for s in STATUSES], case_sensitive=False),
              help="Only items with this status.")
@click.option("--source", help="Only items from this source.")
@json_option
@click.pass_context
def list_items(ctx: click.Context, status: str | None, source: str | None,
               as_json: bool) -> None:
    """One line per queued item: id, status, kind, licence, title."""
    items = [i for i in pipeline.queue_items(load_config(ctx))
             if (status is None or i.get("status") == status)
             and (source is None or i.get("source") == source)]
    if as_json:
        click.echo(json.dumps(items, indent=2, default=str))
        return
    for item in items:
        errors = sum(1 for f in item.get("findings") or [] if f.get("severity") == "error")
        flag = f"  ({errors} error{'s' if errors != 1 else ''})" if errors else ""
        click.echo(f"{item['id']:<20} {item.get('status', 'pending'):<9} "
                   f"{item.get('kind', ''):<8} {item.get('licence', ''):<14} "
                   f"{item.get('title', '')}{flag}")


@queue.command()
@click.argument("item_id")
@click.pass_context
def show(ctx: click.Context, item_id: str) -> None:
    """Everything the queue says about one item."""
    for item in pipeline.queue_items(load_config(ctx)):
        if item["id"] == item_id:
            click.echo(yamlfile.dump(item), nl=False)
            return
    raise SyndicateError(f"no item {item_id} in the queue; see `syndicate queue list`")


@queue.command()
@click.argument("ids", nargs=-1)
@click.option("--all", "every", is_flag=True,
              help="Every pending item that has no error finding.")
@click.option("--source", help="With --all: only items from this source.")
@click.pass_context
def approve(ctx: click.Context, ids: tuple[str, ...], every: bool, source: str | None) -> None:
    """Approve items by id (or --all) for the next publish."""
    if not ids and not every:
        raise click.UsageError("name item ids, or use --all")
    if source and not every:
        raise click.UsageError("--source goes with --all")
    _report(pipeline.decide(load_config(ctx), ids, Status.APPROVED, every_pending=every,
                            source=source), ctx)


@queue.command()
@click.argument("ids", nargs=-1, required=True)
@click.option("--reason", default="", help="Why, for the record (kept in the queue).")
@click.pass_context
def reject(ctx: click.Context, ids: tuple[str, ...], reason: str) -> None:
    """Reject items by id: they will not be published."""
    _report(pipeline.decide(load_config(ctx), ids, Status.REJECTED, reason=reason), ctx)


def _report(decisions: list[pipeline.Decision], ctx: click.Context) -> None:
    for decision in decisions:
        mark = decision.message if decision.done else f"not changed: {decision.message}"
        click.echo(f"{decision.item_id}: {mark}")
    if not decisions:
        click.echo("nothing to decide")
    if any(not d.done for d in decisions):
        ctx.exit(1)


@queue.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Lint queue.yaml: statuses, keys, sink names. Exit 2 when something is wrong."""
    config = load_config(ctx)
    problems = pipeline.check_queue(config)
    for problem in problems:
        click.echo(problem)
    if problems:
        ctx.exit(2)
    click.echo(f"{config.queue.path}: OK")


@queue.command()
@click.option("--open", "open_page", is_flag=True, help="Open the page in a web browser.")
@click.pass_context
def preview(ctx: click.Context, open_page: bool) -> None:
    """Write queue.html, the review page with pictures and text, beside queue.yaml."""
    path = pipeline.preview(load_config(ctx))
    click.echo(f"wrote {path}")
    if open_page:
        import webbrowser

        if not webbrowser.open(path.resolve().as_uri()):
            click.echo("no web browser found here; open the file yourself", err=True)
