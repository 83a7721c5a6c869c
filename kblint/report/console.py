"""Human output for `kblint check`: per article coverage marks, risk and findings; a summary.

Colour comes from rich and only on a terminal; `--no-color` and `NO_COLOR` turn it off. Without
a terminal the output is plain, unwrapped and stable (each mark has a symbol as well as a colour).

Lines are built as (text, style) segments: plain output joins the texts directly, because
rich's per-segment rendering costs more than the linting itself on a large, cached KB. Findings,
three lines in four, go through as they are and each output formats them its own way from the
same parts (`_finding_parts`): plain text is then one join per finding instead of a list of
segments (a warm 20,000-article run's output took 0.91-0.96 s that way, 0.62 s this way;
measured in one process with the collector paused, as `kblint check` writes it).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any, TextIO

from kblint.engine import ArticleReport, RunReport
from kblint.model import Finding, Severity, counted

if TYPE_CHECKING:  # rich is imported only for a terminal: pipes, CI and pre-commit never pay
    from rich.console import Console

Segment = tuple[str, str]
Line = list[Segment]

STATUS_STYLE = {"green": ("✓", "green"), "amber": ("~", "yellow"), "red": ("✗", "red")}
SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
RISK_STYLE = {"low": "green", "medium": "yellow", "high": "bold red"}


def wants_plain(no_color: bool, stream: TextIO | None = None) -> bool:
    """Plain text: asked for (`--no-color`, NO_COLOR), or not a terminal and colour not forced
    (rich makes the same decision, but importing it costs a pre-commit run ~25 ms)."""
    if no_color or os.environ.get("NO_COLOR"):
        return True
    if os.environ.get("FORCE_COLOR") or os.environ.get("TTY_COMPATIBLE"):
        return False
    target = stream if stream is not None else sys.stdout
    return not (hasattr(target, "isatty") and target.isatty())


def write_plain(report: RunReport, stream: IO[str], show_coverage: bool = True) -> None:
    stream.write(
        "".join(
            finding_text(entry) if isinstance(entry, Finding) else plain(entry) + "\n"
            for entry in _entries(report, show_coverage)
        )
    )
    stream.flush()


def make_console(no_color: bool = False, file: Any = None) -> Console:
    from rich.console import Console  # noqa: PLC0415 - deferred: see TYPE_CHECKING above

    # `--no-color` / NO_COLOR mean plain text: no colour and no bold/dim escapes either.
    plain = no_color or bool(os.environ.get("NO_COLOR"))
    console = Console(
        color_system=None if plain else "auto",
        highlight=False,
        soft_wrap=True,
        file=file,
        emoji=False,
    )
    if not console.is_terminal:
        # Pipes and CI logs have no width; tables should not wrap at the 80-column default.
        console.width = 200
    return console


def render(report: RunReport, console: Console, show_coverage: bool = True) -> None:
    if console.color_system is None:
        write_plain(report, console.file, show_coverage)
        return
    from rich.text import Text  # noqa: PLC0415 - deferred: see TYPE_CHECKING above

    styled = [
        Text.assemble(*(finding_line(entry) if isinstance(entry, Finding) else entry))
        for entry in _entries(report, show_coverage)
    ]
    for start in range(0, len(styled), 200):
        console.print(Text("\n").join(styled[start : start + 200]))


def _entries(report: RunReport, show_coverage: bool) -> Iterator[Line | Finding]:
    """The output, line by line: a finding stands for its own line (see the module docs)."""
    for article in report.articles:
        yield from _article_entries(article, show_coverage)
    yield from report.other_findings  # registry files
    yield summary_line(report)


def plain(line: Line) -> str:
    return "".join(text for text, _ in line)


def _article_entries(article: ArticleReport, show_coverage: bool) -> Iterator[Line | Finding]:
    yield [(article.display_path, "bold")]
    record = article.record
    if record is not None and show_coverage:
        yield coverage_line(record.coverage)
        yield risk_line(record.risk)
    yield from sorted(article.findings)


def coverage_line(coverage: dict[str, Any]) -> Line:
    line: Line = [("  coverage ", ""), (f"{coverage['passing']}/{coverage['total']}", "bold")]
    for item, status in coverage["items"].items():
        symbol, style = STATUS_STYLE[str(status)]
        line += [(" ", ""), (f"{symbol}{item}", style)]
    return line


def risk_line(risk: dict[str, Any]) -> Line:
    level = str(risk["level"])
    line: Line = [("  risk ", ""), (f"{level} ({risk['score']})", RISK_STYLE.get(level, ""))]
    factors = risk.get("factors")
    if isinstance(factors, list) and factors:
        line.append((": " + ", ".join(str(f) for f in factors), ""))
    return line


def _finding_parts(finding: Finding) -> tuple[str, str, str, str]:
    """A finding's line in four parts: where, severity, rule, message."""
    where = f"  {finding.path}:{finding.line}:{finding.column} "
    return where, finding.severity.value, f" {finding.code} {finding.rule} ", finding.message


def finding_line(finding: Finding) -> Line:
    where, severity, rule, message = _finding_parts(finding)
    return [(where, ""), (severity, SEVERITY_STYLE[finding.severity]), (rule, "dim"), (message, "")]


def finding_text(finding: Finding) -> str:
    """`plain(finding_line(finding))` and a line break, without the segments."""
    return "".join(_finding_parts(finding)) + "\n"


def summary_line(report: RunReport) -> Line:
    records = [a.record for a in report.articles if a.record is not None]
    passing = sum(int(r.coverage["passing"]) for r in records)
    total = sum(int(r.coverage["total"]) for r in records)
    count = len(report.articles)
    line: Line = [(counted(count, "article"), "")]
    findings = report.findings
    for severity in Severity:
        found = sum(1 for finding in findings if finding.severity is severity)
        plural = "s" if found != 1 and severity is not Severity.INFO else ""
        line += [
            (" · ", ""),
            (f"{found} {severity.value}{plural}", SEVERITY_STYLE[severity] if found else ""),
        ]
    if total:
        line.append(
            (f" · coverage items passing {passing}/{total} ({100 * passing // total}%)", "")
        )
    return line
