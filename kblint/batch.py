"""Analyse many files: from the cache when nothing changed, across processes when cold.

Results come back keyed by path, so the order of work never shows in the output: a run with
`--jobs 4` reports exactly what `--jobs 1` reports.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from kblint import cache as cache_module
from kblint.analysis import FileResult, RunContext, analyse
from kblint.corpus import PageSummary
from kblint.record import refresh_record
from kblint.runkey import Task

#: Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 24


def analyse_all(
    tasks: list[Task],
    context: RunContext,
    cache: cache_module.Cache | None,
    jobs: int,
    keys: list[str | None],
) -> dict[Path, FileResult]:
    results: dict[Path, FileResult] = {}
    pending: list[tuple[Task, str | None]] = []
    for task, key in zip(tasks, keys, strict=True):
        cached = _load(cache, key, task) if cache is not None and key is not None else None
        if cached is not None:
            results[task.path] = _refreshed(cached, context)
        else:
            pending.append((task, key))
    computed = _compute([task for task, _ in pending], context, jobs)
    for (task, key), result in zip(pending, computed, strict=True):
        if cache is not None and key is not None:
            _store(cache, key, result)
        results[task.path] = result
    return results


# A file's result is cached as two entries: its summary (all that a file which is not linted
# contributes: a one-file pre-commit run reads only these for the rest of the KB) and the rest
# (record, findings, suppressions), read only for linted files.


def _summary_key(key: str) -> str:
    return cache_module.fingerprint(key, "summary")


def _load(cache: cache_module.Cache, key: str, task: Task) -> FileResult | None:
    part = cache.get(_summary_key(key))
    if not (isinstance(part, tuple) and len(part) == 2 and part[0] == task.rel_path):
        return None
    summary = part[1]
    if not isinstance(summary, PageSummary | None):
        return None
    if not task.want_record:
        return FileResult(task.rel_path, summary, None)
    detail = cache.get(key)
    if not isinstance(detail, FileResult) or detail.rel_path != task.rel_path:
        return None
    if detail.record is None and summary is not None:
        return None  # it was only summarised last time: lint it now
    detail.summary = summary
    return detail


def _store(cache: cache_module.Cache, key: str, result: FileResult) -> None:
    cache.put(_summary_key(key), (result.rel_path, result.summary))
    if result.record is not None or result.summary is None:
        cache.put(key, dataclasses.replace(result, summary=None))


def _refreshed(result: FileResult, context: RunContext) -> FileResult:
    """recommendedScore depends on 'now' to the second: recompute it, the rest holds."""
    if result.record is not None:
        refresh_record(result.record, context.now)
    return result


# -- parallel work ------------------------------------------------------------------------

_WORKER_CONTEXT: RunContext | None = None


def _init_worker(context: RunContext) -> None:
    global _WORKER_CONTEXT  # noqa: PLW0603 - one context per worker process, set once
    _WORKER_CONTEXT = context


def _work(task: Task) -> FileResult:
    assert _WORKER_CONTEXT is not None
    return analyse(task.path, task.rel_path, _WORKER_CONTEXT, task.want_record, task.text)


def _compute(tasks: list[Task], context: RunContext, jobs: int) -> list[FileResult]:
    if jobs <= 1 or len(tasks) < PARALLEL_THRESHOLD:
        return [analyse(t.path, t.rel_path, context, t.want_record, t.text) for t in tasks]
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    chunk = max(1, min(32, len(tasks) // (jobs * 8)))
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context(method),
        initializer=_init_worker,
        initargs=(context,),
    ) as pool:
        return list(pool.map(_work, tasks, chunksize=chunk))
