"""Runs kblint: plans the run (which files, with which keys) and returns the report.

When the cache holds the report of a run on exactly the same files, options and inputs, that
report is the answer and nothing else is imported or parsed: this module stays light for that
reason. Otherwise `pipeline.execute` does the work.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kblint import gitdates, registry_loader
from kblint.cache import Cache
from kblint.memory import gc_paused
from kblint.runkey import (
    RunInputs,
    Task,
    file_digests_slot,
    redundancy_slot,
    registries_slot,
    task_keys,
)
from kblint.runmodel import (
    ArticleReport,
    RunOptions,
    RunPlan,
    RunReport,
    default_jobs,
    display_path,
)
from kblint.workspace import Workspace

if TYPE_CHECKING:
    from kblint.rulebook import RuleBook

# The run's data types live in `runmodel` (shared with `pipeline` without an import cycle);
# they are re-exported here for the reporters, the session and the tests.
__all__ = [
    "ArticleReport",
    "RunOptions",
    "RunPlan",
    "RunReport",
    "default_jobs",
    "display_path",
    "run",
]


def run(
    workspace: Workspace, book: RuleBook, targets: list[Path], options: RunOptions
) -> RunReport:
    plan = _plan(workspace, book, targets, options)
    try:
        snapshot = _snapshot_keys(plan)
        report = _reused(plan, snapshot)
        if report is None:
            report = _executed(plan, snapshot)
        if plan.cache is not None:
            plan.cache.prune_if_due(lambda: _in_use(plan, snapshot))
    finally:
        if plan.cache is not None:
            plan.cache.close()
    return report


def _in_use(plan: RunPlan, snapshot: tuple[str, str] | None) -> set[str]:
    """The cache entries this run reads or would read: every article's (all are planned,
    linted or not), its report's, and the registries' and near-duplicates' that a run on the
    same selection reads when the report cannot be reused."""
    cache, workspace = plan.cache, plan.workspace
    assert cache is not None
    in_use = {key for key in plan.keys if key is not None}
    in_use.add(registries_slot(cache, workspace.kb_root, workspace.config.registries))
    in_use.add(file_digests_slot(cache, workspace.kb_root))
    linted = [task.rel_path for task in plan.tasks if task.want_record]
    in_use.add(redundancy_slot(cache, linted))
    in_use.add(redundancy_slot(cache, None))  # all linted, as a full run's pipeline names it
    if snapshot is not None:
        in_use.add(snapshot[0])
    return in_use


def _reused(plan: RunPlan, snapshot: tuple[str, str] | None) -> RunReport | None:
    if plan.cache is None or snapshot is None:
        return None
    slot, inputs = snapshot
    with gc_paused(keep=True):  # a report is tens of thousands of acyclic objects
        previous = plan.cache.get_current(slot, inputs)
    return _refreshed(previous, plan.options.now) if isinstance(previous, RunReport) else None


def _executed(plan: RunPlan, snapshot: tuple[str, str] | None) -> RunReport:
    from kblint import pipeline  # noqa: PLC0415 - deferred: a reused report needs none of it

    report = pipeline.execute(plan)
    if plan.cache is not None and snapshot is not None:
        with gc_paused():
            plan.cache.put_current(*snapshot, report)
    return report


def _plan(
    workspace: Workspace, book: RuleBook, targets: list[Path], options: RunOptions
) -> RunPlan:
    config = workspace.config
    cache = Cache(options.cache_dir) if options.cache_dir is not None else None
    git = gitdates.collect(workspace.content_root) if config.git_dates else gitdates.GitDates()
    digest = registry_loader.digest(workspace.kb_root, config.registries)
    inputs = RunInputs(config, book, digest, git, options.now)
    articles = _kb_articles(workspace)
    known = set(articles)  # already absolute and resolved by the walk
    resolved = [path if path in known else path.resolve() for path in targets]
    wanted = set(resolved)
    texts = {path.resolve(): text for path, text in options.texts.items()}
    tasks = tuple(
        Task(path, workspace.rel_path(path), path in wanted, texts.get(path))
        for path in dict.fromkeys(articles + resolved)
    )
    keys = tuple(task_keys(list(tasks), inputs, cache, workspace.kb_root))
    return RunPlan(workspace, inputs, tasks, keys, tuple(resolved), options, cache)


def _kb_articles(workspace: Workspace) -> list[Path]:
    config = workspace.config
    articles = workspace.all_articles()
    # walk() yields absolute paths below the resolved content root: no need to resolve again
    return [p for p in articles if not config.is_excluded(workspace.rel_path(p))]


def _snapshot_keys(plan: RunPlan) -> tuple[str, str] | None:
    """Where a whole run's report is kept, and what it must have been computed from.

    The same files with the same bytes, linted the same way from the same place, give the same
    report (a warm run then reads one entry instead of one per file). The entry's place (the
    slot) depends only on which articles are linted, from where and how, so a new report
    replaces the previous one instead of piling up (a full report of 20,000 articles is
    ~90 MB); the second key names the inputs and must match. Runs that look at anything else
    (an editor's buffer, git history) keep no report.
    """
    options = plan.options
    if plan.cache is None or options.texts or options.diff_base or options.deleted:
        return None
    if any(key is None for key in plan.keys):
        return None
    linted = [task.rel_path for task in plan.tasks if task.want_record]
    selection = "all" if len(linted) == len(plan.tasks) else linted
    where = (str(plan.workspace.kb_root), str(Path.cwd()))  # display paths depend on the cwd
    slot = plan.cache.key("run", *where, options.warn_unused_suppressions, selection)
    files = [(key, task.want_record) for key, task in zip(plan.keys, plan.tasks, strict=True)]
    inputs = plan.cache.key(slot, files)
    return slot, inputs


def _refreshed(report: RunReport, now: datetime) -> RunReport:
    """recommendedScore depends on "now" to the second: recompute it, the rest holds."""
    from kblint.record import refresh_record  # noqa: PLC0415 - loaded by unpickling anyway

    for article in report.articles:
        if article.record is not None:
            refresh_record(article.record, now)
    return report
