"""Runs kblint: registries, every article of the KB parsed once, the corpus, then findings.

Cross-file data always comes from the whole KB, even when only some files are linted (that is
what pre-commit passes), so backlinks, ids, ranks and similarity do not depend on the selection.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from kblint import gitdates, registry_loader, rulebook
from kblint.analysis import FileResult, PositionedProblem, RunContext, analyse
from kblint.corpus import Corpus
from kblint.model import Finding, Severity
from kblint.record import PageRecord
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
    other_findings: list[Finding] = field(default_factory=list)  # registries and the like

    @property
    def findings(self) -> list[Finding]:
        found = [f for report in self.articles for f in report.findings]
        return sorted(found + self.other_findings)

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
    loaded = registry_loader.load(workspace.kb_root, workspace.config.registries)
    context = RunContext(
        workspace.config, loaded.registries, gitdates.collect(workspace.content_root), now
    )
    wanted = {path.resolve() for path in targets}
    kb_paths = [path.resolve() for path in workspace.all_articles()]
    order = list(dict.fromkeys(kb_paths + [path.resolve() for path in targets]))
    results = {
        path: analyse(path, workspace.rel_path(path), context, want_record=path in wanted)
        for path in order
    }
    corpus = Corpus((r.summary for r in results.values() if r.summary), loaded.registries)
    reports = [_report(path, results[path], corpus) for path in targets]
    other = [_registry_finding(issue) for issue in loaded.issues]
    return RunReport(reports, other)


def _report(path: Path, result: FileResult, corpus: Corpus) -> ArticleReport:
    shown = display_path(path)
    findings = [problem_finding(problem, shown) for problem in result.problems]
    record = result.record
    if record is not None:
        record.backlinks = corpus.backlinks(record.identity.id)
        record.data.update(corpus.ranks.get(result.rel_path, {}))
    for issue in corpus.numeric_id_issues():
        if issue.rel_path == result.rel_path:
            findings.append(_finding(shown, issue.line, 1, issue.rule, issue.message))
    return ArticleReport(shown, record, sorted(findings))


def problem_finding(problem: PositionedProblem, shown: str) -> Finding:
    finding = _finding(shown, problem.line, problem.column, problem.rule, problem.message)
    if problem.end_line is None:
        return finding
    return Finding(
        finding.path,
        finding.line,
        finding.column,
        finding.rule,
        finding.code,
        finding.severity,
        finding.message,
        problem.end_line,
        problem.end_column,
    )


def _registry_finding(issue: registry_loader.RegistryIssue) -> Finding:
    return _finding(display_path(issue.path), issue.line, 1, issue.rule, issue.message)


def _finding(path: str, line: int, column: int, rule_name: str, message: str) -> Finding:
    rule = rulebook.builtin().get(rule_name)
    return Finding(
        path=path,
        line=line,
        column=column,
        rule=rule_name,
        code=rule.code if rule else "",
        severity=rule.severity if rule else Severity.ERROR,
        message=message,
    )
