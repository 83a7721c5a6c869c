"""The command line. Thin: parse options, call the session, print with a reporter, exit.

Exit codes: 0 clean; 1 findings at or above --fail-on (default: error), or a stale baseline
with --strict-baseline; 2 usage, configuration or internal error.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TextIO, TypeVar

import typer
import yaml

from kblint import __version__
from kblint.engine import display_path
from kblint.memory import gc_paused
from kblint.model import Severity, counted
from kblint.report import console as console_report
from kblint.report import jsontext, reporter
from kblint.report.statistics import render_statistics
from kblint.session import (
    FixResult,
    Invocation,
    Outcome,
    configure,
    empty_run_hint,
    lint,
    write_baseline,
)
from kblint.session import fix as session_fix
from kblint.workspace import UsageError

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
T = TypeVar("T")

app = typer.Typer(
    name="kblint",
    help=(
        "Content-quality linter for MDX/Markdown knowledge bases.\n\n"
        "Exit codes: 0 no findings at or above --fail-on (default: error); 1 findings at or "
        "above --fail-on, or a stale baseline with --strict-baseline; "
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
        help="Articles or folders; `-` reads one article from stdin (with --stdin-filename). "
        "Default: the content root (content/docs below the working directory when it exists, "
        "else the working directory).",
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
JobsOpt = Annotated[
    int | None,
    typer.Option("--jobs", "-j", min=1, help="Processes for a cold run (default: one per CPU)."),
]
NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", help="Neither read nor write the cache (results, reports).")
]
CacheDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir",
        help="Cache folder (default: .kblint_cache at the KB root); pruned of week-old unused"
        " entries once a day.",
    ),
]
UnsafeOpt = Annotated[
    bool, typer.Option("--unsafe-fixes", help="Also apply fixes that may change meaning.")
]
BaselineOpt = Annotated[
    Path | None,
    typer.Option(
        "--baseline", help="Baseline file (default: .kblint-baseline.json at the KB root)."
    ),
]


class OutputFormat(StrEnum):
    console = "console"
    concise = "concise"
    json = "json"
    sarif = "sarif"
    github = "github"
    rdjsonl = "rdjsonl"
    junit = "junit"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


class RecordFormat(StrEnum):
    json = "json"
    yaml = "yaml"
    table = "table"


class RulesFormat(StrEnum):
    table = "table"
    markdown = "markdown"


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


def _invocation(
    paths: list[Path] | None,
    now: str | None,
    config: Path | None,
    isolated: bool,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
    **extra: Any,
) -> Invocation:
    """The options every linting command shares, plus the command's own."""
    return Invocation(
        paths=list(paths or []),
        now=now,
        config_path=config,
        isolated=isolated,
        jobs=jobs,
        use_cache=not no_cache,
        cache_dir=cache_dir,
        **extra,
    )


def _guarded(action: Callable[[], T]) -> T:
    """Turn a user-facing error into a message and exit code 2 (never a traceback)."""
    try:
        return action()
    except UsageError as error:
        typer.echo(f"kblint: {error}", err=True)
        raise typer.Exit(EXIT_ERROR) from error


@app.command()
def check(
    paths: PathsArg = None,
    output_format: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format. Default: console on a terminal; github when GITHUB_ACTIONS=true.",
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to this file.")
    ] = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Lowest severity that makes the exit code 1.")
    ] = FailOn.error,
    statistics: Annotated[
        bool, typer.Option("--statistics", help="Print finding counts per rule instead.")
    ] = False,
    changed_since: Annotated[
        str | None,
        typer.Option("--changed-since", help="Lint only articles changed since this git ref."),
    ] = None,
    diff_base: Annotated[
        str | None,
        typer.Option("--diff-base", help="Report coverage regressions against this git ref."),
    ] = None,
    stdin_filename: Annotated[
        Path | None,
        typer.Option("--stdin-filename", help="Path of the article read from stdin (`-`)."),
    ] = None,
    baseline: BaselineOpt = None,
    no_baseline: Annotated[
        bool, typer.Option("--no-baseline", help="Report every finding, ignoring the baseline.")
    ] = False,
    baseline_prune: Annotated[
        bool, typer.Option("--baseline-prune", help="Drop baseline entries that no longer occur.")
    ] = False,
    strict_baseline: Annotated[
        bool,
        typer.Option("--strict-baseline", help="Fail when the baseline has entries that are gone."),
    ] = False,
    warn_unused_suppressions: Annotated[
        bool,
        typer.Option(
            "--warn-unused-suppressions",
            help="Report kblint-disable comments that silence nothing.",
        ),
    ] = False,
    fix: Annotated[
        bool, typer.Option("--fix", help="Apply safe fixes, then report the rest.")
    ] = False,
    unsafe_fixes: UnsafeOpt = False,
    no_color: NoColorOpt = False,
    now: NowOpt = None,
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
    jobs: JobsOpt = None,
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
) -> None:
    """Lint articles: coverage per article, hallucination risk, findings, and a summary."""
    invocation = _invocation(
        paths,
        now,
        config,
        isolated,
        jobs,
        no_cache,
        cache_dir,
        warn_unused_suppressions=warn_unused_suppressions,
        changed_since=changed_since,
        diff_base=diff_base,
        stdin_filename=stdin_filename,
        baseline_path=baseline,
        use_baseline=not no_baseline,
        prune_baseline=baseline_prune,
    )
    if fix:
        result = _guarded(lambda: session_fix(invocation, [], [], unsafe_fixes, write=True))
        _fix_summary(result)
        outcome = result.outcome
    else:
        outcome = _guarded(lambda: lint(invocation))
    chosen = output_format or _default_format()
    # Output is built from short-lived, acyclic lines, tuples and dicts (hundreds of thousands on
    # a large KB): with the collector on, its full collections walked them again and again (a
    # warm 20,000-article run took 4.45-4.65 s with it on, 3.96-4.06 s paused; measured).
    with gc_paused():
        if chosen is OutputFormat.console and output is None and not statistics:
            _console(outcome, no_color)
        else:
            _emit(_render(outcome, chosen, statistics), output)
    if not outcome.report.articles and not changed_since and stdin_filename is None:
        typer.echo(f"kblint: {empty_run_hint(outcome.workspace)}", err=True)
    if strict_baseline and outcome.stale:
        typer.echo(
            f"kblint: the baseline has {len(outcome.stale)} entries that no longer occur "
            "(run with --baseline-prune)",
            err=True,
        )
        raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(_exit_code(outcome, fail_on))


def _default_format() -> OutputFormat:
    if os.environ.get("GITHUB_ACTIONS") == "true":
        return OutputFormat.github
    return OutputFormat.console


def _console(outcome: Outcome, no_color: bool, file: TextIO | None = None) -> None:
    baselined = counted(outcome.baselined, "finding")
    note = f"{baselined} in the baseline not shown" if outcome.baselined else ""
    if console_report.wants_plain(no_color, file):
        stream = file if file is not None else sys.stdout
        console_report.write_plain(outcome.report, stream)
        stream.write(note + "\n" if note else "")
        return
    console = console_report.make_console(no_color, file=file)  # keeps terminal detection
    console_report.render(outcome.report, console)
    if note:
        console.print(note)


def _render(outcome: Outcome, chosen: OutputFormat, statistics: bool) -> str:
    buffer = io.StringIO()
    if statistics:
        render_statistics(outcome.report, outcome.book, buffer)
    elif chosen is OutputFormat.console:
        _console(outcome, True, file=buffer)
    else:
        reporter(chosen.value)(outcome.report, outcome.book, buffer, tool_version=__version__)
    return buffer.getvalue()


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        typer.echo(f"kblint: --output: cannot write {output}: {error.strerror}", err=True)
        raise typer.Exit(EXIT_ERROR) from error


def _exit_code(outcome: Outcome, fail_on: FailOn) -> int:
    if fail_on is FailOn.never:
        return EXIT_CLEAN
    threshold = Severity(fail_on.value).rank
    failing = any(f.severity.rank <= threshold for f in outcome.report.findings)
    return EXIT_FINDINGS if failing else EXIT_CLEAN


@app.command("fix")
def fix_command(
    paths: PathsArg = None,
    diff: Annotated[
        bool, typer.Option("--diff", help="Print a unified diff of the fixes; write nothing.")
    ] = False,
    select: Annotated[
        list[str] | None,
        typer.Option("--select", help="Fix only these rules (names, codes, prefixes)."),
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option("--ignore", help="Do not fix these rules.")
    ] = None,
    unsafe_fixes: UnsafeOpt = False,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Lowest severity left after fixing that fails.")
    ] = FailOn.error,
    no_color: NoColorOpt = False,
    now: NowOpt = None,
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
    jobs: JobsOpt = None,
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
) -> None:
    """Apply fixes of fixable rules (atomically; a file kblint cannot parse is never touched).

    With --diff, exit 1 when there is something to fix and 0 when there is not."""
    invocation = _invocation(
        paths,
        now,
        config,
        isolated,
        jobs,
        no_cache,
        cache_dir,
        use_baseline=False,
    )
    result = _guarded(
        lambda: session_fix(invocation, select or [], ignore or [], unsafe_fixes, write=not diff)
    )
    if diff:
        for planned in result.plans:
            sys.stdout.write(planned.diff(display_path(planned.path)))
        _refused(result)
        raise typer.Exit(EXIT_FINDINGS if result.plans else EXIT_CLEAN)
    _fix_summary(result)
    _console(result.outcome, no_color)
    raise typer.Exit(_exit_code(result.outcome, fail_on))


def _fix_summary(result: FixResult) -> None:
    fixed = sum(len(p.applied) for p in result.plans)
    files = counted(len(result.plans), "file")
    typer.echo(f"fixed {counted(fixed, 'finding')} in {files}", err=True)
    for planned in result.plans:
        for finding in planned.skipped:
            typer.echo(
                f"{finding.path}:{finding.line}:{finding.column} not fixed: its edit overlaps "
                "another fix (run fix again)",
                err=True,
            )
    _refused(result)


def _refused(result: FixResult) -> None:
    for shown in result.refused:
        typer.echo(f"{shown}: not fixed: kblint could not fully parse this file", err=True)
    for shown in result.changed:
        typer.echo(
            f"{shown}: not fixed: the file changed after it was checked; run again", err=True
        )


@app.command("baseline")
def make_baseline(
    paths: PathsArg = None,
    baseline: BaselineOpt = None,
    now: NowOpt = None,
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
    jobs: JobsOpt = None,
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
) -> None:
    """Record every current finding in a baseline file; `check` then reports only new ones."""
    invocation = _invocation(
        paths,
        now,
        config,
        isolated,
        jobs,
        no_cache,
        cache_dir,
        baseline_path=baseline,
    )
    path, count = _guarded(lambda: write_baseline(invocation))
    typer.echo(f"wrote {counted(count, 'finding')} to {path}")


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
    jobs: JobsOpt = None,
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
) -> None:
    """Print page records (one per article, in walk order) with the seed's keys and nesting."""
    invocation = _invocation(
        paths,
        now,
        config,
        isolated,
        jobs,
        no_cache,
        cache_dir,
        use_baseline=False,
    )
    outcome = _guarded(lambda: lint(invocation))
    report = outcome.report
    records = [a.record.to_json() for a in report.articles if a.record is not None]
    if output_format is RecordFormat.json:
        sys.stdout.write(jsontext.dumps(records) + "\n")
    elif output_format is RecordFormat.yaml:
        sys.stdout.write(yaml.safe_dump(records, sort_keys=False, allow_unicode=True))
    else:
        from kblint.report import records as records_report  # noqa: PLC0415 - rich: lazily

        records_report.render_table(report, console_report.make_console(no_color))
    for finding in report.findings:
        if finding.severity is Severity.ERROR:
            where = f"{finding.path}:{finding.line}:{finding.column}"
            typer.echo(f"{where} {finding.rule} {finding.message}", err=True)


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
    _, book, _ = _guarded(lambda: configure(Invocation([], None, config, isolated), Path.cwd()))
    from kblint.report import rulebook as rulebook_report  # noqa: PLC0415 - rich: lazily

    if output_format is RulesFormat.markdown:
        sys.stdout.write(rulebook_report.markdown_table(book))
        return

    rulebook_report.render_rules(book, console_report.make_console(no_color))


@app.command()
def explain(
    rule: Annotated[str, typer.Argument(help="A rule name or code, e.g. mdx-unclosed or KB003.")],
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """Show a rule's full documentation and its options with defaults."""
    _, book, _ = _guarded(lambda: configure(Invocation([], None, config, isolated), Path.cwd()))
    found = book.get(rule)
    if found is None:
        typer.echo(f"kblint: unknown rule {rule!r} (see `kblint rules`)", err=True)
        raise typer.Exit(EXIT_ERROR)
    from kblint.report import rulebook as rulebook_report  # noqa: PLC0415 - rich: lazily

    rulebook_report.render_explain(found, console_report.make_console(no_color))


def main() -> None:
    """Console-script entry point: never let a traceback reach the user."""
    try:
        app()
    except (KeyboardInterrupt, BrokenPipeError):
        sys.exit(EXIT_ERROR)
    except SystemExit:
        raise
    except Exception as error:  # noqa: BLE001 - last line of defence, reported plainly
        typer.echo(f"kblint: internal error: {type(error).__name__}: {error}", err=True)
        sys.exit(EXIT_ERROR)
