"""The command line. Thin: parse options, open the workspace, run the engine, report, exit.

Exit codes: 0 clean, 1 error findings, 2 usage, configuration or internal error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
import yaml

from kblint import __version__
from kblint.config import Config
from kblint.config_loader import ConfigError, find_config, load_config
from kblint.engine import RunOptions, RunReport, run
from kblint.model import Severity
from kblint.report import console as console_report
from kblint.report import records as records_report
from kblint.report import rulebook as rulebook_report
from kblint.rulebook import RuleBook
from kblint.workspace import UsageError, open_workspace, select_targets

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

app = typer.Typer(
    name="kblint",
    help=(
        "Content-quality linter for MDX/Markdown knowledge bases.\n\n"
        "Exit codes: 0 no error findings; 1 error findings; "
        "2 usage, configuration or internal error."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Articles or folders. Default: the content root (content/docs below the working "
        "directory when it exists, else the working directory).",
        show_default=False,
    ),
]
NoColorOpt = Annotated[bool, typer.Option("--no-color", help="Plain output (also: NO_COLOR=1).")]
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", help="Use this config file instead of searching for one."),
]
IsolatedOpt = Annotated[
    bool, typer.Option("--isolated", help="Ignore every config file; use the default preset.")
]
NowOpt = Annotated[
    str | None,
    typer.Option("--now", help="Date-time used as 'now' (ISO 8601), for reproducible scores."),
]


class RecordFormat(StrEnum):
    json = "json"
    yaml = "yaml"
    table = "table"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kblint {__version__}")
        raise typer.Exit(EXIT_CLEAN)


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Content-quality linter for MDX/Markdown knowledge bases."""


def parse_now(value: str | None) -> datetime:
    if value is None:
        return datetime.now(tz=UTC)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise UsageError(f"--now: {value!r} is not an ISO 8601 date or date-time") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Invocation:
    """Options shared by the commands that run the engine."""

    paths: list[Path]
    now: str | None = None
    config_path: Path | None = None
    isolated: bool = False
    warn_unused_suppressions: bool = False


def _run(invocation: Invocation) -> RunReport:
    given = invocation.paths
    start = given[0] if given else Path.cwd()
    config_file = _config_file(start, invocation)
    config, book = _load_config(config_file, invocation)
    workspace = open_workspace(start, config, config_file)
    targets = select_targets(workspace, given)
    options = RunOptions(parse_now(invocation.now), invocation.warn_unused_suppressions)
    return run(workspace, book, targets, options)


def _config_file(start: Path, invocation: Invocation) -> Path | None:
    if invocation.config_path is not None:
        if not invocation.config_path.is_file():
            raise UsageError(f"--config: {invocation.config_path}: no such file")
        return invocation.config_path
    return None if invocation.isolated else find_config(start)


def _load_config(config_file: Path | None, invocation: Invocation) -> tuple[Config, RuleBook]:
    try:
        return load_config(config_file, isolated=invocation.isolated)
    except ConfigError as error:
        raise UsageError(str(error)) from error


@app.command()
def check(
    paths: PathsArg = None,
    no_color: NoColorOpt = False,
    now: NowOpt = None,
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
    warn_unused_suppressions: Annotated[
        bool,
        typer.Option(
            "--warn-unused-suppressions",
            help="Report kblint-disable comments that silence nothing.",
        ),
    ] = False,
) -> None:
    """Lint articles: coverage per article, hallucination risk, findings, and a summary."""
    console = console_report.make_console(no_color)
    invocation = Invocation(list(paths or []), now, config, isolated, warn_unused_suppressions)
    report = _guarded(lambda: _run(invocation))
    console_report.render(report, console)
    raise typer.Exit(EXIT_FINDINGS if report.count(Severity.ERROR) else EXIT_CLEAN)


class RulesFormat(StrEnum):
    table = "table"
    markdown = "markdown"


@app.command("rules")
def list_rules(
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
    no_color: NoColorOpt = False,
    output_format: Annotated[
        RulesFormat, typer.Option("--format", "-f", help="table, or markdown (the README's table).")
    ] = RulesFormat.table,
) -> None:
    """List every rule: code, name, default severity, fixable, summary."""
    _, book = _guarded_config(Path.cwd(), Invocation([], None, config, isolated))
    if output_format is RulesFormat.markdown:
        sys.stdout.write(rulebook_report.markdown_table(book))
        return
    rulebook_report.render_rules(book, console_report.make_console(no_color))


@app.command()
def explain(
    rule: Annotated[
        str, typer.Argument(help="A rule name or code, e.g. footnote-undefined or KB101.")
    ],
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Show a rule's full documentation and its options with defaults."""
    _, book = _guarded_config(Path.cwd(), Invocation([], None, config, isolated))
    found = book.get(rule)
    if found is None:
        typer.echo(f"kblint: unknown rule {rule!r} (see `kblint rules`)", err=True)
        raise typer.Exit(EXIT_ERROR)
    rulebook_report.render_explain(found, console_report.make_console(no_color))


def _guarded_config(start: Path, invocation: Invocation) -> tuple[Config, RuleBook]:
    try:
        return _load_config(_config_file(start, invocation), invocation)
    except UsageError as error:
        typer.echo(f"kblint: {error}", err=True)
        raise typer.Exit(EXIT_ERROR) from error


@app.command()
def record(
    paths: PathsArg = None,
    output_format: Annotated[
        RecordFormat, typer.Option("--format", "-f", help="Output format.")
    ] = RecordFormat.json,
    now: NowOpt = None,
    no_color: NoColorOpt = False,
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
) -> None:
    """Print page records (one per article, in walk order) with the seed's keys and nesting."""
    report = _guarded(lambda: _run(Invocation(list(paths or []), now, config, isolated)))
    records = [a.record.to_json() for a in report.articles if a.record is not None]
    if output_format is RecordFormat.json:
        sys.stdout.write(json.dumps(records, indent=2, ensure_ascii=False) + "\n")
    elif output_format is RecordFormat.yaml:
        sys.stdout.write(yaml.safe_dump(records, sort_keys=False, allow_unicode=True))
    else:
        records_report.render_table(report, console_report.make_console(no_color))
    for article in report.articles:
        for finding in article.findings:
            if finding.severity is Severity.ERROR:
                where = f"{finding.path}:{finding.line}:{finding.column}"
                typer.echo(f"{where} {finding.rule} {finding.message}", err=True)
    raise typer.Exit(EXIT_CLEAN)


def _guarded(action: Callable[[], RunReport]) -> RunReport:
    try:
        result: RunReport = action()
    except UsageError as error:
        typer.echo(f"kblint: {error}", err=True)
        raise typer.Exit(EXIT_ERROR) from error
    return result


def main() -> None:
    """Console-script entry point: never let a traceback reach the user."""
    try:
        app()
    except (KeyboardInterrupt, BrokenPipeError):
        sys.exit(EXIT_ERROR)
    except SystemExit:
        raise
    except Exception as error:
        typer.echo(f"kblint: internal error: {type(error).__name__}: {error}", err=True)
        sys.exit(EXIT_ERROR)
