"""The ``syndicate`` command: a thin layer over :mod:`syndicate.pipeline`.

Exit codes (the README's table): 0 all done; 1 some items failed (retried next run); 2 usage, config
or queue error (nothing changed); 75 another run holds the lock.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from syndicate import __version__, notify, pipeline, plugins, progress
from syndicate.cli_common import (
    ErrorHandlingGroup,
    add_verbosity_options,
    config_path,
    dry_run_option,
    is_quiet,
    json_option,
    load_config,
)
from syndicate.cli_queue import queue
from syndicate.cli_recover import recover
from syndicate.cli_tag import tag
from syndicate.cli_takedown import add_urgent_options, withdraw
from syndicate.config import Config
from syndicate.errors import SyndicateError
from syndicate.progress import Progress
from syndicate.report import RunReport
from syndicate.status import Status


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
    if is_quiet(ctx) and not as_json and (waiting := notify.waiting_line(report)):
        click.echo(waiting)   # cron mails -q output: it must say that people have work
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
    from syndicate.sinks import feedindex
    from syndicate.starter import create_starter

    if not (directory / "syndicate.yaml").exists():
        create_starter(directory, demo=True)
    config = config_module.load(directory / "syndicate.yaml")
    click.echo(f"== collect (sources → tag → check → {config.queue.path})")
    click.echo(pipeline.collect(config).summary())
    decisions = pipeline.decide(config, [], Status.APPROVED, every_pending=True)
    click.echo(f"== an editor approves the {len(decisions)} pending items without errors")
    click.echo("== publish")
    report = pipeline.publish(config)
    click.echo(report.summary())
    feeds = sorted(p for p in (directory / "public" / "feeds").glob("*") if p.is_file()
                   and not p.name.startswith("."))
    click.echo("\nWhere to look:")
    click.echo(f"  {config.queue.path}   the editors' queue (blocked items say why)")
    what = {feedindex.INDEX: "the page for subscribers, every feed listed",
            feedindex.OPML: "every feed, for feed readers (OPML)"}
    for feed in feeds:
        click.echo(f"  {feed}   {what.get(feed.name, 'a partner feed, licence on every entry')}")
    click.echo(f"  {config.state_dir / 'runs'}/   run reports (JSON)")
    click.echo(f"  syndicate --config {config.path} status")
    ctx.exit(report.exit_code)


def _stage_command(name: str, stage: Callable[..., RunReport], help_text: str) -> None:
    """collect, publish and run: one shape, one definition."""

    @main.command(name, help=help_text)
    @dry_run_option
    @json_option
    @click.option("--metrics", "metrics_path", type=click.Path(dir_okay=False, path_type=Path),
                  help="Also write Prometheus metrics to this file (node_exporter textfile "
                       "collector); default: state.metrics in syndicate.yaml.")
    @click.pass_context
    def command(ctx: click.Context, dry_run: bool, as_json: bool,
                metrics_path: Path | None) -> None:
        config = _config_for_run(ctx, name, dry_run, metrics_path)
        report = stage(config, dry_run=dry_run, progress=_progress(ctx, as_json),
                       metrics_path=metrics_path)
        _finish(ctx, report, as_json)


def _config_for_run(ctx: click.Context, command: str, dry_run: bool,
                    metrics_path: Path | None) -> Config:
    """The config for collect/publish/run; a config that does not load is recorded as a
    run that exited 2, so monitoring sees the failure."""
    try:
        return load_config(ctx)
    except SyndicateError as exc:
        path = config_path(ctx)
        if not dry_run and path.exists():
            try:
                pipeline.record_failed_start(path, command, exc, metrics_path)
            except OSError as error:  # the message about the config matters more
                click.echo(f"warning: the failed run could not be recorded: {error}",
                           err=True)
        raise


_stage_command("collect", pipeline.collect,
               "Read sources, tag licences, check, and queue new or changed items.")
_stage_command("publish", pipeline.publish, "Publish approved items to their sinks.")
_stage_command("run", pipeline.run, "The nightly job: collect, then publish.")
add_urgent_options(main.commands["run"])


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
        data = item_json(item, config)
        if as_json:
            click.echo(json.dumps(data, ensure_ascii=False))
            continue
        click.echo(f"{item.id}  {item.kind}  {item.title}")
        click.echo(f"  url: {item.url or '-'}")
        click.echo(f"  licence: {item.licence or 'none'}  {item.licence_url or ''}".rstrip())
        if data["attribution"]:
            click.echo(f"  attribution: {data['attribution']}")
        if data.get("json_ld"):
            click.echo(f"  json-ld: {json.dumps(data['json_ld'], ensure_ascii=False)}")
            click.echo(f"  rdfa: {data['rdfa']}")
        for finding in item.findings:
            sink = f" [{finding.sink}]" if finding.sink else ""
            click.echo(f"  {finding.severity}: {finding.code}{sink}: {finding.message}")
        if verbose and "text" in data:  # -v: what syndicate takes from the page
            for label in ("text", "wikitext"):
                click.echo(f"  {label}:")
                click.echo("\n".join(f"    {line}" for line in data[label].splitlines()))


@main.command("check")
@click.option("--online", is_flag=True,
              help="Also read each source once and log in to each wiki.")
@json_option
@click.pass_context
def check_command(ctx: click.Context, online: bool, as_json: bool) -> None:
    """Pre-flight: the config, every option, secret and path (and with --online every
    source and wiki login), then what the next run would do. Exit 0 all good, 2 not.

    Run it after every config change, in the same environment as cron.

    Example: env -i HOME=$HOME SYNDICATE_CONFIG=/srv/council/syndicate.yaml
    /srv/syndicate/.venv/bin/syndicate check --online
    """
    from syndicate import preflight

    config = load_config(ctx)
    checks = preflight.check(config, online=online)
    night = preflight.first_night(config)
    failed = [c for c in checks if not c.ok]
    if as_json:
        click.echo(json.dumps({"ok": not failed, "checks": [c.as_dict() for c in checks],
                               "next_run": night}, indent=2))
        ctx.exit(2 if failed else 0)
    quiet = is_quiet(ctx)
    if not quiet:
        click.echo(f"config {config.path}: valid ({len(config.sources)} sources, "
                   f"{len(config.sinks)} sinks)")
    for found in checks:
        if not (quiet and found.ok):
            label = "FAIL" if not found.ok else "warn" if found.warning else "ok"
            click.echo(f"{label:<4} {found.subject}: {found.message}")
    if not quiet:
        click.echo("next run:")
        for line in night:
            click.echo(f"  {line}")
    if failed:
        click.echo(f"{len(failed)} problem{'s' if len(failed) > 1 else ''}: fix "
                   f"{'them' if len(failed) > 1 else 'it'}, then run `syndicate check` again",
                   err=True)
    elif not quiet:
        warnings = sum(c.warning for c in checks)
        click.echo("all checks passed"
                   + (f", with {warnings} warning{'s' if warnings > 1 else ''} to consider"
                      if warnings else "")
                   + ("" if online else " (add --online to reach sources and wikis)"))
    ctx.exit(2 if failed else 0)


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
        data["ports"] = [port.id for port in reg.ports(licence)]
        if as_json:
            click.echo(json.dumps(data, indent=2))
        else:
            for key, value in data.items():
                if key != "ports" or value:
                    click.echo(f"{key}: {', '.join(value) if key == 'ports' else value}")
        return
    rows = [{"id": lic.id, "name": lic.name, "jurisdiction": lic.jurisdiction,
             "jurisdiction_name": lic.jurisdiction_name, "retired": lic.retired,
             "commons": lic.commons, "wikipedia_text": lic.wikipedia_text} for lic in reg]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    groups: dict[tuple[str, str], list[dict[str, bool | str | None]]] = {}
    for row in rows:
        place = (str(row["jurisdiction_name"] or ""), str(row["jurisdiction"] or ""))
        groups.setdefault(place, []).append(row)
    for (place_name, code), members in sorted(groups.items()):
        click.echo(f"{place_name} ({code})" if code else "Generic, international, universal")
        for row in members:
            gates = ", ".join(g for g in ("commons", "wikipedia_text") if row[g]) or "-"
            retired = " (retired)" if row["retired"] else ""
            click.echo(f"  {row['id']:<28} {row['name']}{retired}  [{gates}]")


@main.command()
@click.option("--options", "options_of", metavar="TYPE",
              help="Show the options a sink type takes, with their docs.")
@json_option
def sinks(options_of: str | None, as_json: bool) -> None:
    """Installed sink plugins: name, package, version.

    Example: syndicate sinks --options feed
    """
    _plugins(plugins.SINK_GROUP, options_of, as_json)


@main.command()
@click.option("--options", "options_of", metavar="TYPE",
              help="Show the options a source type takes, with their docs.")
@json_option
def sources(options_of: str | None, as_json: bool) -> None:
    """Installed source plugins: name, package, version.

    Example: syndicate sources --options pages
    """
    _plugins(plugins.SOURCE_GROUP, options_of, as_json)


def _plugins(group: str, options_of: str | None, as_json: bool) -> None:
    if options_of is not None:
        options = plugins.documented_options(group, options_of)
        if as_json:
            click.echo(json.dumps(options, indent=2))
            return
        for option in options:
            default = "" if option["required"] or option["default"] is None else \
                f" (default: {json.dumps(option['default'])})"
            need = "required, " if option["required"] else ""
            click.echo(f"{option['name']}: {need}{option['type']}{default}")
            if option["description"]:
                click.echo(f"    {option['description']}")
        return
    found = plugins.installed(group)
    if as_json:
        click.echo(json.dumps([p.__dict__ for p in found], indent=2))
        return
    for plugin in found:
        click.echo(f"{plugin.name:<18} {plugin.package} {plugin.version}  ({plugin.target})")


@main.command()
@json_option
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Last runs, queue counts, backlog, failures and withdrawals needing attention."""
    data = pipeline.status(load_config(ctx))
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    for run_row in data["runs"]:
        click.echo(f"{run_row['started']} {run_row['command']}: exit {run_row['exit_code']}"
                   f" — {_run_counts(run_row)}")
    counts = ", ".join(f"{n} {s}" for s, n in sorted(data["counts"].items())) or "no items"
    unexamined = f" ({data['deferred']} new, examined as the queue has room)" \
        if data["deferred"] else ""
    click.echo(f"items: {counts}; backlog: {data['backlog']}{unexamined}")
    for row in data["attention"]:
        click.echo(f"needs attention: {row['item']} → {row['sink']} ({row['status']}): "
                   f"{row['message']}")
    for row in data["withdrawals"]:
        click.echo(f"withdrawal needs a person: {row['item']} → {row['sink']}: "
                   f"{row['message']} {row['url'] or ''}".rstrip())
    for row in data["changed"]:
        click.echo(f"changed since publication, waiting ({row['status']}): {row['item']} "
                   f"{row['title']} — the published version stays in "
                   f"{', '.join(row['sinks'])}")


def _run_counts(run_row: dict[str, Any]) -> str:
    """One run's outcome in a few words, for ``status``."""
    if run_row["stopped"]:
        return f"stopped: {run_row['stopped']}"
    parts = []
    if run_row["collected"]:
        parts.append(f"collected {sum(run_row['collected'].values())}")
    for sink, n in run_row["sinks"].items():
        parts.append(f"{sink} {n['published']} published, {n['failed']} failed, "
                     f"{n['needs_person']} need a person")
    if run_row["problems"]:
        parts.append(f"{run_row['problems']} problems")
    return "; ".join(parts) or "nothing to do"


main.add_command(queue)
main.add_command(recover)
main.add_command(tag)
main.add_command(withdraw)
add_verbosity_options(main)
