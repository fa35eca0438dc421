"""``syndicate withdraw`` and ``syndicate run --urgent``: taking items back, and the
emergency lane. Thin layers over :mod:`syndicate.takedown` and :mod:`syndicate.urgent`."""

from __future__ import annotations

import json
from typing import Any

import click

from syndicate.cli_common import json_option, load_config

_SHOWN = {"withdrawn": "withdrawn", "needs-person": "needs a person",
          "failed": "failed (tried again next run)", "kept": "kept"}


@click.command()
@click.argument("ids", nargs=-1, required=True)
@click.option("--reason", required=True,
              help="Why (shown in tombstones, edit summaries and deletion requests).")
@json_option
@click.pass_context
def withdraw(ctx: click.Context, ids: tuple[str, ...], reason: str, as_json: bool) -> None:
    """Take published items back from every sink that published them, as far as each
    platform allows; `syndicate status` lists what still needs a person.

    Example: syndicate withdraw news-5a167c31 --reason "Road reopened"

    Exit 0 when every sink took it back, 1 when a person must finish (or a sink is retried
    by the next run), 2 for an unknown or never-published id (nothing is changed)."""
    from syndicate.takedown import withdraw as withdraw_items

    results = withdraw_items(load_config(ctx), ids, reason)
    if as_json:
        click.echo(json.dumps([{"item": r.item_id, "title": r.title,
                                "sinks": [row.as_dict() for row in r.rows]}
                               for r in results], indent=2))
    for result in results:
        if not as_json:
            click.echo(f"{result.item_id}  {result.title}")
            if result.message:
                click.echo(f"  {result.message}")
        for row in result.rows:
            if not as_json:
                where = f"  {row.url}" if row.url and row.status != "withdrawn" else ""
                click.echo(f"  {row.sink}: {_SHOWN[row.status]}: {row.message}{where}")
    # As for runs: 1 when something is left to do (by the next run, or by a person).
    unfinished = any(row.status in ("failed", "needs-person")
                     for result in results for row in result.rows)
    ctx.exit(1 if unfinished else 0)


def add_urgent_options(run: click.Command) -> None:
    """Give ``syndicate run`` the emergency lane: ``--urgent [--wait SECONDS]``."""
    plain = run.callback
    assert plain is not None

    @click.pass_context
    def callback(ctx: click.Context, /, urgent: bool, wait: float | None,
                 **options: Any) -> None:
        if wait is not None and not urgent:
            raise click.UsageError("--wait goes with --urgent (the nightly run never waits)")
        if not urgent:
            ctx.invoke(plain, **options)
            return
        from syndicate import urgent as urgent_lane
        from syndicate.cli import _config_for_run, _finish, _progress

        config = _config_for_run(ctx, "urgent", options["dry_run"], options["metrics_path"])
        report = urgent_lane.run(config, wait=120.0 if wait is None else wait,
                                 dry_run=options["dry_run"],
                                 progress=_progress(ctx, options["as_json"]),
                                 metrics_path=options["metrics_path"])
        _finish(ctx, report, options["as_json"])

    run.callback = callback
    run.params.extend([
        click.Option(["--urgent"], is_flag=True,
                     help="The emergency lane: collect only what urgent: rules can match, "
                          "approve and publish it at once."),
        click.Option(["--wait"], type=click.FloatRange(min=0), metavar="SECONDS",
                     help="With --urgent: wait up to SECONDS (default 120) for another "
                          "run's lock instead of exiting 75."),
    ])
