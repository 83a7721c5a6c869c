"""Human output for `kblint check`: per article coverage marks, risk and findings; a summary.

Colour comes from rich and only on a terminal; `--no-color` and `NO_COLOR` turn it off. Without
a terminal the output is plain, unwrapped and stable (each mark has a symbol as well as a colour).
"""

from __future__ import annotations

import os

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from kblint.engine import ArticleReport, RunReport
from kblint.model import Finding, Severity

STATUS_STYLE = {"green": ("✓", "green"), "amber": ("~", "yellow"), "red": ("✗", "red")}
SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
RISK_STYLE = {"low": "green", "medium": "yellow", "high": "bold red"}


def make_console(no_color: bool = False, file: object | None = None) -> Console:
    # `--no-color` / NO_COLOR mean plain text: no colour and no bold/dim escapes either.
    plain = no_color or bool(os.environ.get("NO_COLOR"))
    console = Console(
        color_system=None if plain else "auto",
        highlight=False,
        soft_wrap=True,
        file=file,  # type: ignore[arg-type]
        emoji=False,
    )
    if not console.is_terminal:
        # Pipes and CI logs have no width; tables should not wrap at the 80-column default.
        console.width = 200
    return console


def render(report: RunReport, console: Console, show_coverage: bool = True) -> None:
    lines = [line for article in report.articles for line in _article_lines(article, show_coverage)]
    lines += [finding_line(finding) for finding in report.other_findings]  # registry files
    lines.append(summary_line(report))
    if console.color_system is None:
        # Plain output (pipes, CI, --no-color): skip rich's per-segment rendering, which costs
        # more than the linting itself on a large KB.
        console.file.write("".join(line.plain + "\n" for line in lines))
        console.file.flush()
        return
    for start in range(0, len(lines), 200):
        console.print(Text("\n").join(lines[start : start + 200]))


def _article_lines(article: ArticleReport, show_coverage: bool) -> list[Text]:
    lines = [Text(article.display_path, style="bold")]
    record = article.record
    if record is not None and show_coverage:
        lines += [coverage_line(record.coverage), risk_line(record.risk)]
    lines += [finding_line(finding) for finding in sorted(article.findings)]
    return lines


def coverage_line(coverage: dict[str, object]) -> Text:
    line = Text("  coverage ")
    line.append(f"{coverage['passing']}/{coverage['total']}", style="bold")
    items = coverage["items"]
    assert isinstance(items, dict)
    for item, status in items.items():
        symbol, style = STATUS_STYLE[str(status)]
        line.append(" ")
        line.append(f"{symbol}{item}", style=style)
    return line


def risk_line(risk: dict[str, object]) -> Text:
    level = str(risk["level"])
    line = Text("  risk ")
    line.append(f"{level} ({risk['score']})", style=RISK_STYLE.get(level, ""))
    factors = risk.get("factors")
    if isinstance(factors, list) and factors:
        line.append(": " + ", ".join(str(f) for f in factors))
    return line


def finding_line(finding: Finding) -> Text:
    line = Text("  ")
    line.append(f"{finding.path}:{finding.line}:{finding.column}")
    line.append(" ")
    line.append(finding.severity.value, style=SEVERITY_STYLE[finding.severity])
    line.append(f" {finding.code} {finding.rule} ", style="dim")
    line.append(finding.message)
    return line


def summary_line(report: RunReport) -> Text:
    records = [a.record for a in report.articles if a.record is not None]
    passing = sum(int(r.coverage["passing"]) for r in records)
    total = sum(int(r.coverage["total"]) for r in records)
    line = Text(f"{len(report.articles)} article{'s' if len(report.articles) != 1 else ''}")
    for severity in Severity:
        count = report.count(severity)
        line.append(" · ")
        plural = "s" if count != 1 and severity is not Severity.INFO else ""
        style = SEVERITY_STYLE[severity] if count else ""
        line.append(f"{count} {severity.value}{plural}", style=style)
    if total:
        line.append(f" · coverage items passing {passing}/{total} ({100 * passing // total}%)")
    return line


def plain_message(message: str) -> str:
    return escape(message)
