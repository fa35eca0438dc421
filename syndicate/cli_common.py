"""What every ``syndicate`` command shares: error handling, config loading, options."""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from syndicate import config as config_module
from syndicate import ledger
from syndicate.config import Config
from syndicate.errors import SyndicateError
from syndicate.scrub import Scrubbing, scrub

F = TypeVar("F", bound=Callable[..., Any])


class ErrorHandlingGroup(click.Group):
    """Turns our own errors into ``Error: …`` and their exit code; never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SyndicateError as exc:
            click.echo(f"Error: {scrub(str(exc))}", err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:  # `syndicate inspect … | head`: the reader has gone
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(141)
        except OSError as exc:  # a full disk, a folder without write permission
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"Error: {where}{exc.strerror or exc}; check the disk and the "
                       "permissions, then run again", err=True)
            ctx.exit(2)
        except sqlite3.DatabaseError as exc:
            click.echo(f"Error: {ledger.explain(exc, _ledger_path(ctx))}", err=True)
            ctx.exit(2)
        except KeyboardInterrupt:
            click.echo("Interrupted; what was published is recorded, the rest runs next time.",
                       err=True)
            ctx.exit(130)


def _ledger_path(ctx: click.Context) -> Path:
    try:
        return load_config(ctx).state_dir / "state.sqlite"
    except SyndicateError:
        return Path(".syndicate") / "state.sqlite"


def config_path(ctx: click.Context) -> Path:
    """The path given by --config, else $SYNDICATE_CONFIG, else ./syndicate.yaml."""
    root = ctx.find_root().obj or {}
    path: Path = root.get("config_path") or config_module.default_path()
    return path


def load_config(ctx: click.Context, required: bool = True) -> Config:
    """The configuration named by --config / $SYNDICATE_CONFIG / ./syndicate.yaml."""
    path = config_path(ctx)
    if not path.exists():
        if not required:
            return config_module.empty()
        raise SyndicateError(f"{path}: no such file; create one with `syndicate init`, or "
                             "pass --config PATH")
    return config_module.load(path)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True,
                        help="Machine-readable output.")(func)


def dry_run_option(func: F) -> F:
    return click.option("--dry-run", is_flag=True,
                        help="Show what would happen; change nothing anywhere.")(func)


def _verbosity(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """-v/-q work before or after the command name (``syndicate run -q`` in a crontab)."""
    state = ctx.find_root().ensure_object(dict)
    if param.name == "quiet" and value:
        state["quiet"] = True
    elif param.name == "verbose" and value:
        state["verbose"] = max(state.get("verbose", 0), value)
    levels = (logging.WARNING, logging.INFO, logging.DEBUG)
    level = logging.ERROR if state.get("quiet") else levels[min(state.get("verbose", 0), 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr, force=True)
    for handler in logging.getLogger().handlers:
        handler.addFilter(Scrubbing())


def add_verbosity_options(command: click.Command) -> None:
    """Give ``command`` and every command under it -v/--verbose and -q/--quiet."""
    command.params.extend([
        click.Option(["-v", "--verbose"], count=True, expose_value=False,
                     callback=_verbosity, help="More detail (-vv for debugging)."),
        click.Option(["-q", "--quiet"], is_flag=True, expose_value=False,
                     callback=_verbosity, help="Only errors and problems."),
    ])
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            add_verbosity_options(sub)


def is_quiet(ctx: click.Context) -> bool:
    return bool(ctx.find_root().ensure_object(dict).get("quiet"))
