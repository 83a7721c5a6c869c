"""`--format rdjsonl`: reviewdog's Diagnostic Format as JSON Lines, one diagnostic per finding.

Feed it to `reviewdog -f=rdjsonl`. Two known gaps:
- reviewdog counts columns in UTF-8 bytes; kblint counts Unicode code points and reporters do
  not read files, so on a line with non-ASCII text before the finding the column is too small.
  Lines are always right (and pull-request comments are placed by line).
- No `suggestions`: a finding's edits are offsets into the normalised article text, which a
  reporter cannot map back to file positions. `kblint check --fix` applies them instead.
"""

from __future__ import annotations

import json
import os
from typing import Any, TextIO

from kblint.engine import RunReport
from kblint.model import Finding, Severity
from kblint.rulebook import RuleBook

SEVERITIES = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.INFO: "INFO"}


def render(report: RunReport, book: RuleBook, out: TextIO, *, tool_version: str) -> None:
    for finding in report.findings:
        out.write(json.dumps(diagnostic(finding, book), ensure_ascii=False) + "\n")


def diagnostic(finding: Finding, book: RuleBook) -> dict[str, Any]:
    span: dict[str, Any] = {"start": {"line": finding.line, "column": finding.column}}
    if finding.end_line is not None:
        end: dict[str, int] = {"line": finding.end_line}
        if finding.end_column is not None:
            end["column"] = finding.end_column
        span["end"] = end
    code: dict[str, str] = {"value": finding.code}
    rule = book.by_code.get(finding.code)
    if rule is not None:
        code["url"] = rule.docs_url
    return {
        "message": finding.message,
        "location": {"path": finding.path.replace(os.sep, "/"), "range": span},
        "severity": SEVERITIES[finding.severity],
        "source": {"name": "kblint", "url": "https://kblint.dev"},
        "code": code,
    }
