"""Runs kblint over a set of articles: parse once, build records, turn problems into findings."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from kblint import gitdates, rulebook
from kblint.article import Article, read_article
from kblint.discovery import PageIdentity
from kblint.facts import PageFacts
from kblint.model import Finding, Problem, Severity
from kblint.record import PageRecord, build
from kblint.workspace import Workspace


@dataclass(slots=True)
class ArticleReport:
    """What one run found about one article."""

    display_path: str
    record: PageRecord | None
    findings: list[Finding] = field(default_factory=list)


@dataclass(slots=True)
class RunReport:
    articles: list[ArticleReport]

    @property
    def findings(self) -> list[Finding]:
        return sorted(f for report in self.articles for f in report.findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity is severity)


def display_path(path: Path) -> str:
    """The path as a user would type it from the working directory."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


def run(workspace: Workspace, targets: list[Path], now: datetime) -> RunReport:
    git = gitdates.collect(workspace.content_root)
    reports = []
    for path in targets:
        rel = workspace.rel_path(path)
        article = read_article(path, rel)
        facts = PageFacts(
            git_last_updated=git.last_updated.get(rel),
            git_created=git.created.get(rel),
        )
        record = build(article, PageIdentity.from_rel_path(rel), workspace.config, now, facts) if article.readable else None
        shown = display_path(path)
        reports.append(ArticleReport(shown, record, problem_findings(article, shown)))
    assign_ranks([r.record for r in reports if r.record is not None])
    return RunReport(reports)


def problem_findings(article: Article, shown: str) -> list[Finding]:
    return sorted(problem_finding(article, problem, shown) for problem in article.problems)


def problem_finding(article: Article, problem: Problem, shown: str) -> Finding:
    rule = rulebook.builtin().get(problem.rule)
    start = article.position(problem.offset)
    end = article.position(problem.end_offset) if problem.end_offset is not None else None
    return Finding(
        path=shown,
        line=start.line,
        column=start.column,
        rule=problem.rule,
        code=rule.code if rule else "",
        severity=rule.severity if rule else Severity.ERROR,
        message=problem.message,
        end_line=end.line if end else None,
        end_column=end.column if end else None,
    )


def assign_ranks(records: list[PageRecord]) -> None:
    """Spec §11: 1-based rank by importance, descending, ties in walk order (sort is stable)."""
    for key, rank_key in (("readerImportance", "readerRank"), ("researchImportance", "researchRank")):
        ranked = sorted(
            (r for r in records if r.data.get(key) is not None), key=lambda r: -float(r.data[key])
        )
        for position, record in enumerate(ranked, start=1):
            record.data[rank_key] = position
