"""Runs kblint: registries, every article of the KB parsed once, the corpus, rules, suppressions.

Cross-file data always comes from the whole KB, even when only some files are linted (that is
what pre-commit passes), so backlinks, ids, ranks and similarity do not depend on the selection.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from kblint import gitdates, registry_loader, suppress, vcs
from kblint.analysis import FileResult, RunContext, analyse, record_of_text
from kblint.batch import Task, analyse_all, code_fingerprint, refresh_record, task_keys
from kblint.cache import Cache
from kblint.checks import CorpusContext, Hit
from kblint.config import EffectiveRule
from kblint.corpus import Corpus
from kblint.discovery import PageIdentity
from kblint.model import Finding, Severity
from kblint.record import PageRecord
from kblint.regression import regressions
from kblint.rulebook import RuleBook
from kblint.runner import run_corpus_rules, to_finding
from kblint.workspace import Workspace


@dataclass(slots=True)
class ArticleReport:
    """What one run found about one article."""

    display_path: str
    record: PageRecord | None
    findings: list[Finding] = field(default_factory=list)
    path: Path | None = None
    #: kblint understood the whole file (readable, no parse problems): fixes may rewrite it.
    fixable: bool = False


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


@dataclass(frozen=True, slots=True)
class RunOptions:
    now: datetime
    warn_unused_suppressions: bool = False
    #: Article text to use instead of the file on disk (an editor's buffer read from stdin).
    texts: dict[Path, str] = field(default_factory=dict)
    #: Compare each linted article with its version at this git ref (coverage-regression).
    diff_base: str | None = None
    #: Articles deleted since --changed-since: the pages that still link to them are linted.
    deleted: tuple[Path, ...] = ()
    jobs: int = 1
    #: Where per-file results are cached; None turns the cache off.
    cache_dir: Path | None = None


def display_path(path: Path) -> str:
    """The path as a user would type it from the working directory."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


def run(
    workspace: Workspace, book: RuleBook, targets: list[Path], options: RunOptions
) -> RunReport:
    config = workspace.config
    cache = Cache(options.cache_dir) if options.cache_dir is not None else None
    loaded = _registries(workspace, cache)
    git = gitdates.collect(workspace.content_root) if config.git_dates else gitdates.GitDates()
    context = RunContext(config, loaded.registries, git, options.now, book, loaded.digest)
    targets = [path.resolve() for path in targets]
    wanted = set(targets)
    texts = {path.resolve(): text for path, text in options.texts.items()}
    tasks = [
        Task(path, workspace.rel_path(path), path in wanted, texts.get(path))
        for path in dict.fromkeys(_kb_articles(workspace) + targets)
    ]
    keys = task_keys(tasks, context, cache)
    snapshot = _snapshot_key(workspace, cache, tasks, keys, options)
    if cache is not None and snapshot is not None:
        previous = cache.get(snapshot)
        if isinstance(previous, RunReport):
            return _refreshed(previous, options.now)
    results = analyse_all(tasks, context, cache, options.jobs, keys)
    corpus = Corpus((r.summary for r in results.values() if r.summary), loaded.registries)
    for path in _linking_to_deleted(workspace, corpus, options.deleted, wanted):
        results[path] = analyse(path, workspace.rel_path(path), context, True)
        targets.append(path)
    linted = {results[path].rel_path for path in targets}
    if linted:
        _redundancy(corpus, linted, cache)
    reports = [_report(path, results[path], corpus, context, options) for path in targets]
    other = [_registry_finding(issue, workspace, book) for issue in loaded.issues]
    report = RunReport(reports, [f for f in other if f is not None])
    if cache is not None and snapshot is not None:
        cache.put(snapshot, report)
    return report


def _snapshot_key(
    workspace: Workspace,
    cache: Cache | None,
    tasks: list[Task],
    keys: list[str | None],
    options: RunOptions,
) -> str | None:
    """The key of a whole run's report: the same files with the same bytes, linted the same
    way from the same place, give the same report (a warm run then reads one entry instead of
    one per file). Runs that look at anything else (an editor's buffer, git history) have none.
    """
    if cache is None or options.texts or options.diff_base or options.deleted:
        return None
    if any(key is None for key in keys):
        return None
    return cache.key(
        "run",
        str(workspace.kb_root),
        os.getcwd(),  # display paths are relative to it
        options.warn_unused_suppressions,
        [(key, task.want_record) for key, task in zip(keys, tasks, strict=True)],
    )


def _refreshed(report: RunReport, now: datetime) -> RunReport:
    for article in report.articles:
        if article.record is not None:
            refresh_record(article.record, now)
    return report


def _registries(workspace: Workspace, cache: Cache | None) -> registry_loader.LoadResult:
    """Registries parsed and validated, or as they were loaded last time their files held the
    same bytes (parsing thousands of entries costs more than a warm run spends elsewhere)."""
    paths = workspace.config.registries
    if cache is None:
        return registry_loader.load(workspace.kb_root, paths)
    digest = registry_loader.digest(workspace.kb_root, paths)
    key = cache.key("registries", code_fingerprint(), str(workspace.kb_root), digest)
    cached = cache.get(key)
    if isinstance(cached, registry_loader.LoadResult):
        return cached
    loaded = registry_loader.load(workspace.kb_root, paths, digest)
    cache.put(key, loaded)
    return loaded


def _redundancy(corpus: Corpus, linted: set[str], cache: Cache | None) -> None:
    """Near-duplicates of the linted pages (a one-file pre-commit run scores that page only),
    from the cache when no page's text changed since the last identical run."""
    subset = linted if len(linted) < len(corpus.pages) else None
    key = None
    if cache is not None:
        inputs = corpus.redundancy_inputs_digest()
        key = cache.key("redundancy", code_fingerprint(), sorted(subset or []), inputs)
        cached = cache.get(key)
        if isinstance(cached, dict):
            corpus.set_redundancy(cached)
            return
    corpus.compute_redundancy(subset)
    if cache is not None and key is not None:
        cache.put(key, corpus.redundancy_results())


def _kb_articles(workspace: Workspace) -> list[Path]:
    config = workspace.config
    articles = workspace.all_articles()
    # walk() yields absolute paths below the resolved content root: no need to resolve again
    return [p for p in articles if not config.is_excluded(workspace.rel_path(p))]


def _report(
    path: Path, result: FileResult, corpus: Corpus, context: RunContext, options: RunOptions
) -> ArticleReport:
    record = result.record
    findings = list(result.findings)
    rules = context.config.effective_rules(context.book, result.rel_path)
    if record is not None and result.summary is not None:
        record.backlinks = corpus.backlinks(record.identity.id)
        record.data.update(corpus.ranks.get(result.rel_path, {}))
        record.data["redundancy"] = corpus.redundancy(result.rel_path)
        ctx = CorpusContext(result.summary, record, corpus, context.config)
        findings += run_corpus_rules(ctx, rules)
        regression_rule = rules.get("coverage-regression")
        if options.diff_base and regression_rule is not None:
            hits = _regressions(path, result.rel_path, record, context, options.diff_base)
            findings += [to_finding(result.rel_path, regression_rule, h, None) for h in hits]
    findings = _suppressed(findings, result, context.book, rules, options)
    shown = display_path(path)
    relabelled = sorted(dataclasses.replace(f, path=shown) for f in findings)
    return ArticleReport(shown, record, relabelled, path, result.parsed_cleanly)


def _regressions(
    path: Path, rel_path: str, record: PageRecord, context: RunContext, ref: str
) -> list[Hit]:
    old_bytes = vcs.show(path, ref)
    if old_bytes is None:
        return []  # a new article cannot regress
    try:
        old_text = old_bytes.decode("utf-8")
    except UnicodeDecodeError:
        return []
    old = record_of_text(path, rel_path, old_text, context)
    return [] if old is None else list(regressions(old, record))


def _linking_to_deleted(
    workspace: Workspace, corpus: Corpus, deleted: tuple[Path, ...], already: set[Path]
) -> list[Path]:
    """Pages that link (Markdown link or EntityLink) to an article deleted since the ref."""
    if not deleted:
        return []
    gone = [PageIdentity.from_rel_path(workspace.rel_path(path)) for path in deleted]
    paths = {page.path for page in gone}
    ids = {page.id for page in gone}
    found = []
    for page in corpus.pages:
        links_gone = any(_page_path(link.target) in paths for link in page.internal_links)
        entity_gone = any(corpus.resolve(link.target) in ids for link in page.entity_links)
        target = (workspace.content_root / page.rel_path).resolve()
        if (links_gone or entity_gone) and target not in already:
            found.append(target)
    return found


def _page_path(target: str) -> str:
    path = target.split("#", 1)[0].split("?", 1)[0]
    return path if path.endswith("/") else path + "/"


def _suppressed(
    findings: list[Finding],
    result: FileResult,
    book: RuleBook,
    rules: dict[str, EffectiveRule],
    options: RunOptions,
) -> list[Finding]:
    """Drop suppressed findings; report unknown rules in directives and, if asked, unused ones."""
    suppressions = suppress.build(result.directives)
    kept = [f for f in findings if not _is_suppressed(f, suppressions)]
    extra: list[tuple[str, Hit]] = []
    for directive in result.directives:
        for name in directive.rules:
            if book.get(name) is None:
                message = f"suppression names unknown rule {name!r}"
                extra.append(
                    (
                        "invalid-suppression",
                        Hit(message, line=directive.line, column=directive.column),
                    )
                )
    if options.warn_unused_suppressions:
        for item in suppressions:
            if not item.used:
                what = ", ".join(sorted(item.rules)) if item.rules else "all rules"
                message = f"unused suppression (kblint-{item.kind} {what})"
                extra.append(
                    ("unused-suppression", Hit(message, line=item.line, column=item.column))
                )
    for name, hit in extra:
        effective = rules.get(name)
        if effective is not None:
            kept.append(to_finding(result.rel_path, effective, hit, None))
    return kept


def _is_suppressed(finding: Finding, suppressions: list[suppress.Suppression]) -> bool:
    hit = False
    for suppression in suppressions:
        if suppression.covers(finding.line, finding.rule, finding.code):
            suppression.used.add(finding.rule)
            hit = True
    return hit


def _registry_finding(
    issue: registry_loader.RegistryIssue, workspace: Workspace, book: RuleBook
) -> Finding | None:
    rel = os.path.relpath(issue.path, workspace.kb_root)
    effective = workspace.config.effective_rules(book, rel).get(issue.rule)
    if effective is None:
        return None
    hit = Hit(issue.message, line=issue.line, column=1)
    return dataclasses.replace(to_finding(rel, effective, hit, None), path=display_path(issue.path))
