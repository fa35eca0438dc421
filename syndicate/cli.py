"""The ``syndicate`` command: a thin layer over :mod:`syndicate.pipeline`.

Exit codes (DESIGN.md): 0 all done; 1 some items failed (retried next run); 2 usage, config
or queue error (nothing changed); 75 another run holds the lock.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click

from syndicate import __version__, pipeline, plugins, progress
from syndicate.cli_common import (
    ErrorHandlingGroup,
    add_verbosity_options,
    dry_run_option,
    is_quiet,
    json_option,
    load_config,
)
from syndicate.cli_queue import queue
from syndicate.errors import SyndicateError
from syndicate.progress import Progress
from syndicate.report import RunReport


@click.group(cls=ErrorHandlingGroup)
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="syndicate.yaml to use (default: $SYNDICATE_CONFIG or ./syndicate.yaml).")
@click.version_option(__version__, prog_name="syndicate")
@click.pass_context
def main(ctx: click.Context, config_path: Path | None) -> None:
    """Licence, check, queue and syndicate a council's open content."""
    ctx.ensure_object(dict)["config_path"] = config_path


def _progress(ctx: click.Context, as_json: bool) -> Progress:
    return progress.for_terminal(quiet=is_quiet(ctx) or as_json)


def _finish(ctx: click.Context, report: RunReport, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    elif not is_quiet(ctx) or report.exit_code:
        click.echo(report.summary())
    ctx.exit(report.exit_code)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--demo", is_flag=True, help="Include the demo council's sample content.")
def init(directory: Path, demo: bool) -> None:
    """Write a starter syndicate.yaml and queue.yaml into DIRECTORY."""
    from syndicate.starter import create_starter

    for path in create_starter(directory, demo=demo):
        click.echo(f"wrote {path}")
    where = "" if directory == Path(".") else f"cd {directory} && "
    click.echo(f"Next: {where}syndicate collect, then edit queue.yaml")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path),
                default="syndicate-demo")
@click.pass_context
def demo(ctx: click.Context, directory: Path) -> None:
    """The whole pipeline on the demo council, offline: init --demo, collect, approve what
    passes as an editor would, publish the partner feeds, and say where to look."""
    from syndicate import config as config_module
    from syndicate.starter import create_starter

    if not (directory / "syndicate.yaml").exists():
        create_starter(directory, demo=True)
    config = config_module.load(directory / "syndicate.yaml")
    click.echo(f"== collect (sources → tag → check → {config.queue.path})")
    click.echo(pipeline.collect(config).summary())
    decisions = pipeline.decide(config, [], "approved", every_pending=True)
    click.echo(f"== an editor approves the {len(decisions)} pending items without errors")
    click.echo("== publish")
    report = pipeline.publish(config)
    click.echo(report.summary())
    feeds = sorted(p for p in (directory / "public" / "feeds").glob("*") if p.is_file()
                   and not p.name.startswith("."))
    click.echo("\nWhere to look:")
    click.echo(f"  {config.queue.path}   the editors' queue (blocked items say why)")
    for feed in feeds:
        click.echo(f"  {feed}   a partner feed, licence on every entry")
    click.echo(f"  {config.state_dir / 'runs'}/   run reports (JSON)")
    click.echo(f"  syndicate --config {config.path} status")
    ctx.exit(report.exit_code)


def _stage_command(name: str, stage: Callable[..., RunReport], help_text: str) -> None:
    """collect, publish and run: one shape, one definition."""

    @main.command(name, help=help_text)
    @dry_run_option
    @json_option
    @click.pass_context
    def command(ctx: click.Context, dry_run: bool, as_json: bool) -> None:
        report = stage(load_config(ctx), dry_run=dry_run, progress=_progress(ctx, as_json))
        _finish(ctx, report, as_json)


_stage_command("collect", pipeline.collect,
               "Read sources, tag licences, check, and queue new or changed items.")
_stage_command("publish", pipeline.publish, "Publish approved items to their sinks.")
_stage_command("run", pipeline.run, "The nightly job: collect, then publish.")


@main.command("inspect")
@click.argument("target")
@json_option
@click.pass_context
def inspect_command(ctx: click.Context, target: str, as_json: bool) -> None:
    """What syndicate makes of one feed, page, file or folder (URL or PATH)."""
    from syndicate.inspect import as_json as item_json
    from syndicate.inspect import inspect

    config = load_config(ctx, required=False)
    verbose = ctx.find_root().ensure_object(dict).get("verbose", 0)
    for item in inspect(target, config):
        data = item_json(item, config.organisation.url)
        if as_json:
            click.echo(json.dumps(data, ensure_ascii=False))
            continue
        click.echo(f"{item.id}  {item.kind}  {item.title}")
        click.echo(f"  url: {item.url or '-'}")
        click.echo(f"  licence: {item.licence or 'none'}  {item.licence_url or ''}".rstrip())
        if data["attribution"]:
            click.echo(f"  attribution: {data['attribution']}")
        for finding in item.findings:
            sink = f" [{finding.sink}]" if finding.sink else ""
            click.echo(f"  {finding.severity}: {finding.code}{sink}: {finding.message}")
        if verbose and "text" in data:  # -v: what syndicate takes from the page
            for label in ("text", "wikitext"):
                click.echo(f"  {label}:")
                click.echo("\n".join(f"    {line}" for line in data[label].splitlines()))


@main.command()
@click.argument("licence_id", required=False)
@json_option
def licences(licence_id: str | None, as_json: bool) -> None:
    """List the licence registry, or show one licence in full."""
    from syndicate.licences import registry

    reg = registry()
    if licence_id is not None:
        licence = reg.find(licence_id) or reg.recognise(licence_id).licence
        if licence is None:
            raise SyndicateError(f"no licence '{licence_id}' in the registry; see "
                                 "`syndicate licences`")
        data = licence.as_dict()
        if as_json:
            click.echo(json.dumps(data, indent=2))
        else:
            for key, value in data.items():
                click.echo(f"{key}: {value}")
        return
    rows = [{"id": lic.id, "name": lic.name, "commons": lic.commons,
             "wikipedia_text": lic.wikipedia_text} for lic in reg]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        gates = ", ".join(g for g in ("commons", "wikipedia_text") if row[g]) or "-"
        click.echo(f"{row['id']:<22} {row['name']}  [{gates}]")


@main.command()
@json_option
def sinks(as_json: bool) -> None:
    """Installed sink plugins: name, package, version."""
    found = plugins.installed(plugins.SINK_GROUP)
    if as_json:
        click.echo(json.dumps([p.__dict__ for p in found], indent=2))
        return
    for plugin in found:
        click.echo(f"{plugin.name:<18} {plugin.package} {plugin.version}  ({plugin.target})")


@main.command()
@json_option
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Last runs, queue counts, backlog and failures needing attention."""
    data = pipeline.status(load_config(ctx))
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    for run_row in data["runs"]:
        code = run_row["exit_code"] if run_row["exit_code"] is not None else "unfinished"
        click.echo(f"run {run_row['id']}: {run_row['command']} {run_row['started']} "
                   f"exit {code}")
    counts = ", ".join(f"{n} {s}" for s, n in sorted(data["counts"].items())) or "no items"
    click.echo(f"items: {counts}; backlog: {data['backlog']}")
    for row in data["attention"]:
        click.echo(f"needs attention: {row['item']} → {row['sink']} ({row['status']}): "
                   f"{row['message']}")


main.add_command(queue)
add_verbosity_options(main)
