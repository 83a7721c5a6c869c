"""`--format concise`: one `path:line:col: CODE name message` line per finding, nothing else.

This is the shape editors and `grep` parse (like ruff's concise output). A clean run prints
nothing. Line breaks inside a message become spaces so that each finding stays on one line.
"""

from __future__ import annotations

from typing import TextIO

from kblint.engine import RunReport
from kblint.model import Finding
from kblint.rulebook import RuleBook


def render(report: RunReport, book: RuleBook, out: TextIO, *, tool_version: str) -> None:
    for finding in report.findings:
        out.write(finding_line(finding) + "\n")


def finding_line(finding: Finding) -> str:
    message = " ".join(finding.message.splitlines())
    where = f"{finding.path}:{finding.line}:{finding.column}"
    return f"{where}: {finding.code} {finding.rule} {message}"
