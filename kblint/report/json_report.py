"""`--format json`: the whole run as one JSON document (schema: `schemas/report.schema.json`).

The shape is versioned (`"version": 1`); keys appear in a fixed order and findings are sorted,
so two runs over the same files give byte-identical output.
"""

from __future__ import annotations

from typing import Any, TextIO

from kblint.engine import ArticleReport, RunReport
from kblint.model import Finding, Severity
from kblint.report import jsontext
from kblint.rulebook import RuleBook

REPORT_VERSION = 1


def render(report: RunReport, book: RuleBook, out: TextIO, *, tool_version: str) -> None:
    document = {
        "version": REPORT_VERSION,
        "tool": {"name": "kblint", "version": tool_version},
        "summary": _summary(report),
        "articles": [_article(article, book) for article in report.articles],
        "findings": [finding_object(finding, book) for finding in report.findings],
    }
    out.write(jsontext.dumps(document))
    out.write("\n")


def finding_object(finding: Finding, book: RuleBook) -> dict[str, Any]:
    """One finding as the JSON report writes it (also used by other machine formats)."""
    rule = book.by_code.get(finding.code)
    return {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "endLine": finding.end_line,
        "endColumn": finding.end_column,
        "code": finding.code,
        "rule": finding.rule,
        "severity": finding.severity.value,
        "message": finding.message,
        "docs": rule.docs_url if rule is not None else None,
        "fixable": rule.fixable if rule is not None else False,
    }


def _summary(report: RunReport) -> dict[str, Any]:
    records = [article.record for article in report.articles if article.record is not None]
    return {
        "articles": len(report.articles),
        "findings": {severity.value: report.count(severity) for severity in Severity},
        "coveragePassing": sum(int(record.coverage["passing"]) for record in records),
        "coverageTotal": sum(int(record.coverage["total"]) for record in records),
    }


def _article(article: ArticleReport, book: RuleBook) -> dict[str, Any]:
    record = article.record
    coverage = risk = None
    if record is not None:
        coverage = {
            "passing": record.coverage["passing"],
            "total": record.coverage["total"],
            "items": dict(record.coverage["items"]),
        }
        risk = {
            "level": record.risk["level"],
            "score": record.risk["score"],
            "factors": list(record.risk.get("factors") or []),
        }
    return {
        "path": article.display_path,
        "id": record.data.get("id") if record is not None else None,
        "coverage": coverage,
        "hallucinationRisk": risk,
        "findings": [finding_object(finding, book) for finding in sorted(article.findings)],
    }
