"""Human output for `kblint check`: per article coverage marks, risk and findings; a summary.

Colour comes from rich and only on a terminal; `--no-color` and `NO_COLOR` turn it off. Without
a terminal the output is plain, unwrapped and stable (each mark has a symbol as well as a colour).

Lines are built as (text, style) segments: plain output joins the texts directly, because
rich's per-segment rendering costs more than the linting itself on a large, cached KB.
"""

from __future__ import annotations

import os
import sys
from typing import IO, TYPE_CHECKING, Any, TextIO

from kblint.engine import ArticleReport, RunReport
from kblint.model import Finding, Severity

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
    stream.write("".join(plain(line) + "\n" for line in _lines(report, show_coverage)))
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

    styled = [Text.assemble(*line) for line in _lines(report, show_coverage)]
    for start in range(0, len(styled), 200):
        console.print(Text("\n").join(styled[start : start + 200]))


def _lines(report: RunReport, show_coverage: bool) -> list[Line]:
    lines = [line for article in report.articles for line in _article_lines(article, show_coverage)]
    lines += [finding_line(finding) for finding in report.other_findings]  # registry files
    lines.append(summary_line(report))
    return lines


def plain(line: Line) -> str:
    return "".join(text for text, _ in line)


def _article_lines(article: ArticleReport, show_coverage: bool) -> list[Line]:
    lines: list[Line] = [[(article.display_path, "bold")]]
    record = article.record
    if record is not None and show_coverage:
        lines += [coverage_line(record.coverage), risk_line(record.risk)]
    lines += [finding_line(finding) for finding in sorted(article.findings)]
    return lines


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


def finding_line(finding: Finding) -> Line:
    return [
        (f"  {finding.path}:{finding.line}:{finding.column} ", ""),
        (finding.severity.value, SEVERITY_STYLE[finding.severity]),
        (f" {finding.code} {finding.rule} ", "dim"),
        (finding.message, ""),
    ]


def summary_line(report: RunReport) -> Line:
    records = [a.record for a in report.articles if a.record is not None]
    passing = sum(int(r.coverage["passing"]) for r in records)
    total = sum(int(r.coverage["total"]) for r in records)
    count = len(report.articles)
    line: Line = [(f"{count} article{'s' if count != 1 else ''}", "")]
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
