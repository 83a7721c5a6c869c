"""`--format github`: GitHub Actions workflow commands, which the runner turns into annotations.

    ::error file=docs/a.mdx,line=3,col=5,endLine=3,endColumn=9,title=KB201 footnote-undefined::…

Escaping follows the runner (actions/toolkit `command.ts`): in the message `%`, CR and LF become
`%25`, `%0D`, `%0A`; property values additionally escape `:` as `%3A` and `,` as `%2C`.
Severity `info` maps to `notice`. Findings without an end position omit endLine/endColumn.
"""

from __future__ import annotations

import os
from typing import TextIO

from kblint.engine import RunReport
from kblint.model import Finding, Severity
from kblint.rulebook import RuleBook

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(report: RunReport, book: RuleBook, out: TextIO, *, tool_version: str) -> None:
    for finding in report.findings:
        out.write(annotation(finding) + "\n")


def annotation(finding: Finding) -> str:
    properties: list[tuple[str, object]] = [
        ("file", finding.path.replace(os.sep, "/")),
        ("line", finding.line),
        ("col", finding.column),
        ("endLine", finding.end_line),
        ("endColumn", finding.end_column),
        ("title", f"{finding.code} {finding.rule}"),
    ]
    joined = ",".join(
        f"{key}={escape_property(str(value))}" for key, value in properties if value is not None
    )
    return f"::{COMMANDS[finding.severity]} {joined}::{escape_data(finding.message)}"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
