"""``syndicate recover``: rebuild a lost ledger, confirmed by the user."""

from __future__ import annotations

import click

from syndicate import recover as recovery
from syndicate.cli_common import load_config


@click.command()
@click.option("--yes", is_flag=True, help="Write the rebuilt ledger without asking (scripts).")
@click.pass_context
def recover(ctx: click.Context, yes: bool) -> None:
    """Rebuild a lost ledger from queue.yaml and the wikis' own history.

    Reads the queue and, for each wiki sink, the bot account's uploads and edits; shows
    what it found; writes a new ledger only when you confirm.

    Example: syndicate recover, then syndicate run (it reads every source again).
    """
    config = load_config(ctx)
    plan = recovery.plan(config)
    for line in plan.summary():
        click.echo(line)
    if not yes and not click.confirm("Write this into a new ledger?", default=False):
        click.echo("Nothing was changed.")
        ctx.exit(1)
    recovery.apply(config, plan)
    click.echo("Ledger rebuilt. Next: syndicate run — it reads every source again before "
               "anything approved is published.")
