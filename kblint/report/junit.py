"""`--format junit`: JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure).

One `<testsuite name="kblint">` (inside a `<testsuites>` root, the form most consumers expect)
with one `<testcase classname="kblint" name="{path}">` per linted article, plus one per registry
file that has findings. A testcase fails (one `<failure>` listing all its findings) when it has
a finding at or above `threshold` (default: info, i.e. any finding); milder findings are listed
in `<system-out>` so nothing is lost. kblint writes no `<error>` elements, so `errors` is 0.
Characters XML 1.0 cannot carry (control characters) are replaced with U+FFFD.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import TextIO

from kblint.engine import RunReport
from kblint.model import Finding, Severity
from kblint.rulebook import RuleBook

SUITE = "kblint"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(
    report: RunReport,
    book: RuleBook,
    out: TextIO,
    *,
    tool_version: str,
    threshold: Severity = Severity.INFO,
) -> None:
    cases = _cases(report)
    suite = ET.Element("testsuite", name=SUITE)
    failures = 0
    for path, findings in cases:
        failures += _add_case(suite, path, findings, threshold)
    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": "0"}
    suite.attrib.update({**counts, "skipped": "0"})
    root = ET.Element("testsuites", {"name": SUITE, **counts})
    root.append(suite)
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")


def _cases(report: RunReport) -> list[tuple[str, list[Finding]]]:
    """(path, findings) per article in run order, then per registry file in path order."""
    cases = [(article.display_path, sorted(article.findings)) for article in report.articles]
    others: dict[str, list[Finding]] = {}
    for finding in sorted(report.other_findings):
        others.setdefault(finding.path, []).append(finding)
    return cases + sorted(others.items())


def _add_case(suite: ET.Element, path: str, findings: list[Finding], threshold: Severity) -> int:
    """Append one testcase; return 1 when it failed."""
    case = ET.SubElement(suite, "testcase", classname=SUITE, name=_xml_text(path))
    failing = [f for f in findings if f.severity.rank <= threshold.rank]
    milder = [f for f in findings if f.severity.rank > threshold.rank]
    if failing:
        worst = min((f.severity for f in failing), key=lambda severity: severity.rank)
        count = len(failing)
        message = f"{count} finding{'s' if count != 1 else ''}"
        failure = ET.SubElement(case, "failure", message=message, type=worst.value)
        failure.text = _listing(failing)
    if milder:
        ET.SubElement(case, "system-out").text = _listing(milder)
    return 1 if failing else 0


def _listing(findings: Iterable[Finding]) -> str:
    lines = (
        f"{f.path}:{f.line}:{f.column}: {f.severity.value} {f.code} {f.rule} {f.message}"
        for f in findings
    )
    return _xml_text("\n".join(lines))


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
