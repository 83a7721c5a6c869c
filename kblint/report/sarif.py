"""`--format sarif`: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

Decisions worth knowing:
- `tool.driver.rules` lists only the rules that have a finding in this run (sorted by code, as
  ruff does); `ruleIndex` points into that list. A clean run has an empty `rules` list.
- Columns count Unicode code points (`run.columnKind` says so); `endColumn` is exclusive, as
  SARIF defines it. `endLine`/`endColumn` are written only when the finding has an end.
- Paths relative to the working directory are relative URIs with `uriBaseId: %SRCROOT%`;
  absolute paths (files outside the working directory) become `file://` URIs.
- `partialFingerprints["kblintFinding/v1"]` hashes rule code, path, message and the finding's
  occurrence index among findings with the same (code, path, message). It does not depend on the
  line, so inserting text above a finding keeps its fingerprint; it does change when a rule
  rewords its message.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from pathlib import PurePath
from typing import Any, TextIO
from urllib.parse import quote

from kblint.engine import RunReport
from kblint.model import Finding, Severity
from kblint.report import jsontext
from kblint.rulebook import Rule, RuleBook

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://kblint.dev"
FINGERPRINT_KEY = "kblintFinding/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render(report: RunReport, book: RuleBook, out: TextIO, *, tool_version: str) -> None:
    out.write(jsontext.dumps(sarif_log(report, book, tool_version)))
    out.write("\n")


def sarif_log(report: RunReport, book: RuleBook, tool_version: str) -> dict[str, Any]:
    findings = report.findings
    codes = sorted({finding.code for finding in findings})
    index = {code: position for position, code in enumerate(codes)}
    driver = {
        "name": "kblint",
        "version": tool_version,
        "informationUri": INFORMATION_URI,
        "rules": [_descriptor(code, book, findings) for code in codes],
    }
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "columnKind": "unicodeCodePoints",
                "results": _results(findings, index),
            }
        ],
    }


def _descriptor(code: str, book: RuleBook, findings: list[Finding]) -> dict[str, Any]:
    rule = book.by_code.get(code)
    if rule is None:  # not in this book (should not happen): describe it from its findings
        name = next(finding.rule for finding in findings if finding.code == code)
        return {"id": code, "name": name}
    return _rule_descriptor(rule)


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _one_paragraph(rule.docs.get("what") or rule.summary)},
        "helpUri": rule.docs_url,
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
    }
    if rule.docs.get("why"):
        descriptor["help"] = {"text": _one_paragraph(rule.docs["why"])}
    if rule.family:
        descriptor["properties"] = {"tags": [rule.family]}
    return descriptor


def _one_paragraph(text: str) -> str:
    return " ".join(text.split())


def _results(findings: list[Finding], index: dict[str, int]) -> list[dict[str, Any]]:
    seen: Counter[tuple[str, str, str]] = Counter()
    results = []
    for finding in findings:
        triple = (finding.code, finding.path, finding.message)
        occurrence = seen[triple]
        seen[triple] += 1
        results.append(
            {
                "ruleId": finding.code,
                "ruleIndex": index[finding.code],
                "level": LEVELS[finding.severity],
                "message": {"text": finding.message},
                "locations": [{"physicalLocation": _physical_location(finding)}],
                "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding, occurrence)},
            }
        )
    return results


def _physical_location(finding: Finding) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": finding.line, "startColumn": finding.column}
    if finding.end_line is not None:
        region["endLine"] = finding.end_line
    if finding.end_column is not None:
        region["endColumn"] = finding.end_column
    return {"artifactLocation": artifact_location(finding.path), "region": region}


def artifact_location(path: str) -> dict[str, str]:
    posix = path.replace(os.sep, "/")
    if PurePath(path).is_absolute():
        return {"uri": PurePath(path).as_uri()}
    # Percent-encode everything but `/` so spaces, `:`, `#` and non-ASCII stay a valid URI.
    return {"uri": quote(posix, safe="/"), "uriBaseId": "%SRCROOT%"}


def fingerprint(finding: Finding, occurrence: int) -> str:
    """Stable across runs: rule, path (with `/`), message and occurrence number, hashed."""
    path = finding.path.replace(os.sep, "/")
    key = "\0".join((finding.code, path, finding.message, str(occurrence)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()
