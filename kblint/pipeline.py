"""The full run behind `engine.run` when nothing can be reused: registries, every article of
the KB parsed once (from the per-file cache where its bytes did not change), the corpus,
corpus rules, suppressions.

Cross-file data always comes from the whole KB, even when only some files are linted (that is
what pre-commit passes), so backlinks, ids, ranks and similarity do not depend on the selection.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from kblint import registry_loader, suppress, vcs
from kblint.analysis import FileResult, RunContext, analyse, record_of_text
from kblint.batch import analyse_all
from kblint.cache import Cache
from kblint.checks import CorpusContext, Hit
from kblint.config import EffectiveRule
from kblint.corpus import Corpus
from kblint.discovery import PageIdentity
from kblint.memory import LARGE_RUN, gc_paused, release_freed_memory
from kblint.model import Finding
from kblint.record import PageRecord
from kblint.redundancy import Fingerprint, Ranking
from kblint.registry_loader import LoadResult, RegistryIssue
from kblint.regression import regressions
from kblint.rulebook import RuleBook
from kblint.runkey import redundancy_slot, registries_slot
from kblint.runmodel import ArticleReport, RunOptions, RunPlan, RunReport, display_path
from kblint.runner import run_corpus_rules, to_finding
from kblint.workspace import Workspace


def execute(plan: RunPlan) -> RunReport:
    workspace, inputs, cache, options = plan.workspace, plan.inputs, plan.cache, plan.options
    loaded = _registries(workspace, cache, inputs.registries_digest, options.jobs)
    context = RunContext(
        inputs.config, loaded.registries, inputs.git, inputs.now, inputs.book, loaded.digest
    )
    results = analyse_all(list(plan.tasks), context, cache, options.jobs, list(plan.keys))
    fingerprints = _take_fingerprints(results)
    with gc_paused(keep=True):  # tens of thousands of acyclic objects: see kblint.memory
        corpus = Corpus((r.summary for r in results.values() if r.summary), loaded.registries)
    if len(results) >= LARGE_RUN:
        release_freed_memory()  # what receiving the results left behind, before the index
    targets = list(plan.targets)
    for path in _linking_to_deleted(workspace, corpus, options.deleted, set(targets)):
        results[path] = analyse(path, workspace.rel_path(path), context, True)
        targets.append(path)
    linted = {results[path].rel_path for path in targets}
    if linted:
        _redundancy(corpus, fingerprints, linted, cache, options.jobs)
    fingerprints.clear()  # those the computation did not take (or all, from the cache)
    with gc_paused(keep=True):
        reports = [_report(path, results[path], corpus, context, options) for path in targets]
    other = [_registry_finding(issue, workspace, inputs.book) for issue in loaded.issues]
    return RunReport(reports, [f for f in other if f is not None])


def _registries(workspace: Workspace, cache: Cache | None, digest: str, jobs: int) -> LoadResult:
    """Registries parsed and validated, or as they were loaded last time their files held the
    same bytes (parsing thousands of entries costs more than a warm run spends elsewhere)."""
    paths = workspace.config.registries
    if cache is None:
        return registry_loader.load(workspace.kb_root, paths, digest, jobs)
    # one entry per KB, replaced when the files change (see `_redundancy`)
    slot = registries_slot(cache, workspace.kb_root, paths)
    with gc_paused(keep=True):
        cached = cache.get_current(slot, digest)
    if isinstance(cached, LoadResult):
        return cached
    loaded = registry_loader.load(workspace.kb_root, paths, digest, jobs)
    cache.put_current(slot, digest, loaded)
    return loaded


def _take_fingerprints(results: dict[Path, FileResult]) -> dict[str, Fingerprint]:
    """The pages' fingerprints (by rel path), taken out of their summaries: only the
    near-duplicate search needs them, and it frees them as soon as they are indexed, before the
    scoring (~370 MB of ~1.3 GB at 20,000 pages)."""
    taken: dict[str, Fingerprint] = {}
    for result in results.values():
        summary = result.summary
        if summary is not None and summary.fingerprint is not None:
            taken[summary.rel_path] = summary.fingerprint
            result.summary = dataclasses.replace(summary, fingerprint=None)
    return taken


def _redundancy(
    corpus: Corpus,
    fingerprints: dict[str, Fingerprint],
    linted: set[str],
    cache: Cache | None,
    jobs: int,
) -> None:
    """Near-duplicates of the linted pages (a one-file pre-commit run scores that page only).

    From the cache when no page's text changed since the last run on the same pages (one entry
    per selection, replaced when the texts change, so entries do not pile up). When some did,
    a run on all pages updates the ranking the last one kept beside its results, which costs a
    few direct rows instead of the whole computation (see `redundancy.rank`).
    """
    subset = linted if len(linted) < len(corpus.pages) else None
    pages = corpus.redundancy_pages(fingerprints)
    if cache is None:
        corpus.compute_redundancy(pages, subset, jobs)
        return
    slot = redundancy_slot(cache, subset)
    inputs = pages.inputs_digest()
    cached = cache.get_current(slot, inputs)
    if isinstance(cached, dict):
        corpus.set_redundancy(cached)
        return
    previous = cache.get_stale(slot, _RANKING_PART) if subset is None else None
    ranking = corpus.compute_redundancy(
        pages, subset, jobs, previous if isinstance(previous, Ranking) else None
    )
    # the ranking goes last: a warm run reads the results only (see `Cache.get_current`)
    cache.put_current(slot, inputs, corpus.redundancy_results(), *([ranking] if ranking else []))


_RANKING_PART = 2  # [inputs, results, ranking]: see `_redundancy`


def _report(
    path: Path, result: FileResult, corpus: Corpus, context: RunContext, options: RunOptions
) -> ArticleReport:
    record = result.record
    findings = list(result.findings)
    rules = context.rules_for(result.rel_path)
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
    return ArticleReport(shown, record, relabelled, path, result.parsed_cleanly, result.digest)


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
    covering = suppress.Covering(suppressions)
    kept = [f for f in findings if not _is_suppressed(f, covering)]
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


def _is_suppressed(finding: Finding, covering: suppress.Covering) -> bool:
    """Whether a suppression covers the finding; every one that does is marked used."""
    hit = False
    for suppression in covering.at(finding.line):
        if suppression.covers(finding.line, finding.rule, finding.code):
            suppression.used.add(finding.rule)
            hit = True
    return hit


def _registry_finding(issue: RegistryIssue, workspace: Workspace, book: RuleBook) -> Finding | None:
    rel = os.path.relpath(issue.path, workspace.kb_root)
    effective = workspace.config.effective_rules(book, rel).get(issue.rule)
    if effective is None:
        return None
    hit = Hit(issue.message, line=issue.line, column=1)
    return dataclasses.replace(to_finding(rel, effective, hit, None), path=display_path(issue.path))
