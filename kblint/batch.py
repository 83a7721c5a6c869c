"""Analyse many files: from the cache when nothing changed, across processes when cold.

Results come back keyed by path, so the order of work never shows in the output: a run with
`--jobs 4` reports exactly what `--jobs 1` reports.
"""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from pathlib import Path

from kblint import cache as cache_module
from kblint import markdown
from kblint.analysis import FileResult, RunContext, analyse
from kblint.corpus import PageSummary
from kblint.memory import gc_paused
from kblint.procs import can_fork
from kblint.record import refresh_record
from kblint.runkey import Task

#: Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 24
#: Files handed to a worker at a time. Small, so that the workers finish together: with 32 (at
#: ~8 ms a file) one worker still had 0.07-0.2 s of work when the other ran out, with 8 about
#: 0.01-0.05 s (cold runs on 700 articles, measured); 4x the messages cost nothing noticeable.
MAX_CHUNK = 8


def analyse_all(
    tasks: list[Task],
    context: RunContext,
    cache: cache_module.Cache | None,
    jobs: int,
    keys: list[str | None],
) -> dict[Path, FileResult]:
    """Every task's result, keyed by path in the order of `tasks` (walk order, which the corpus
    keeps: it breaks ties in rankings), whether it came from the cache or was computed."""
    loaded: dict[Path, FileResult] = {}
    pending: list[tuple[Task, str | None]] = []
    with gc_paused(keep=True):  # thousands of cached results are read back: no cycles
        for task, key in zip(tasks, keys, strict=True):
            cached = _load(cache, key, task) if cache is not None and key is not None else None
            if cached is not None:
                loaded[task.path] = _refreshed(cached, context)
            else:
                pending.append((task, key))
    computed = _compute(pending, context, cache, jobs)
    loaded.update((task.path, result) for (task, _), result in zip(pending, computed, strict=True))
    return {task.path: loaded[task.path] for task in tasks}


# A file's result is cached as one entry of two parts: its summary (all that a file which is
# not linted contributes: a one-file pre-commit run loads only these for the rest of the KB)
# and the rest (record, findings, suppressions), loaded only for linted files.


def _load(cache: cache_module.Cache, key: str, task: Task) -> FileResult | None:
    parts = cache.get_parts(key, 1 if not task.want_record else 2)
    if parts is None:
        return None
    summary = parts[0]
    if not isinstance(summary, PageSummary | None) or (
        summary is not None and summary.rel_path != task.rel_path
    ):
        return None
    if not task.want_record:
        return FileResult(task.rel_path, summary, None)
    detail = parts[1]
    if not isinstance(detail, FileResult) or detail.rel_path != task.rel_path:
        return None
    if detail.record is None and summary is not None:
        return None  # it was only summarised last time: lint it now
    detail.summary = summary
    return detail


def _packed(result: FileResult) -> bytes:
    """The cache entry of a result (see above)."""
    return cache_module.pack([result.summary, dataclasses.replace(result, summary=None)])


def _refreshed(result: FileResult, context: RunContext) -> FileResult:
    """recommendedScore depends on 'now' to the second: recompute it, the rest holds."""
    if result.record is not None:
        refresh_record(result.record, context.now)
    return result


# -- parallel work ------------------------------------------------------------------------

_WORKER_CONTEXT: RunContext | None = None
WORKER_GC_THRESHOLD = 10_000  # allocations between collections of the youngest generation


def _init_worker(context: RunContext) -> None:
    global _WORKER_CONTEXT  # noqa: PLW0603 - one context per worker process, set once
    _WORKER_CONTEXT = context
    gc.enable()  # forked while the parent paused it; articles' parse trees can hold cycles
    # What an article's analysis allocates is nearly all freed by reference counting, yet at
    # the default threshold (700) the collector ran ~2.3 times an article (a full collection
    # of the worker's heap every ~60 articles) and took ~4% of a worker's time (best of five
    # over 250 articles: 7.20 -> 6.89 ms an article). Cycles are still collected, later.
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])


_Job = tuple[Task, bool]  # a file, and whether its result is to be cached
_Done = tuple[FileResult, bytes | None]  # its result, and the cache entry when wanted


def _work(job: _Job) -> _Done:
    """`_analysed_job` in a worker process. The result travels whole rather than as the entry:
    its summary and its record share objects (titles, paths) that separately pickled parts
    would duplicate, and the report that holds them grew by a sixth (a 5,000-article run's
    main process by 42 MB, measured)."""
    assert _WORKER_CONTEXT is not None
    return _analysed_job(job, _WORKER_CONTEXT)


def _analysed_job(job: _Job, context: RunContext) -> _Done:
    """A result, and its cache entry when it is to be cached (packed where it was computed)."""
    task, keep = job
    result = analyse(task.path, task.rel_path, context, task.want_record, task.text)
    return result, _packed(result) if keep else None


def _compute(
    jobs_todo: list[tuple[Task, str | None]],
    context: RunContext,
    cache: cache_module.Cache | None,
    jobs: int,
) -> list[FileResult]:
    """Analyse the files (across processes when there are enough) and cache each result; the
    entries are written by this process, in a few transactions (see `kblint.cache`)."""
    work = [(task, cache is not None and key is not None) for task, key in jobs_todo]
    if jobs <= 1 or len(work) < PARALLEL_THRESHOLD:
        done: Iterable[_Done] = (_analysed_job(job, context) for job in work)
    else:
        done = _in_pool(work, context, jobs)
    results: list[FileResult] = []
    with nullcontext() if cache is None else cache.batch():
        for (_, key), (result, entry) in zip(jobs_todo, done, strict=True):
            results.append(result)
            if cache is not None and key is not None and entry is not None:
                cache.put_packed(key, entry)
    return results


def _in_pool(work: list[_Job], context: RunContext, jobs: int) -> Iterator[_Done]:
    """`_analysed_job` of every job in worker processes, in order, as the results arrive."""
    # deferred: a run that analyses a handful of files never starts a pool (~30 ms to import)
    import multiprocessing  # noqa: PLC0415
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    method = "fork" if can_fork() else "spawn"
    chunk = max(1, min(MAX_CHUNK, len(work) // (jobs * 8)))
    if method == "fork":
        _prepare_fork()
    with (
        ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=multiprocessing.get_context(method),
            initializer=_init_worker,
            initargs=(context,),
        ) as pool,
        gc_paused(keep=True),
    ):  # this process only receives and stores results meanwhile: acyclic, kept to the end
        yield from pool.map(_work, work, chunksize=chunk)


def _prepare_fork() -> None:
    """Set up what every worker needs once, before forking, so workers inherit it: the
    configured parsers (importing markdown-it costs each worker ~50 ms otherwise). And move
    everything alive now (registries, configuration) out of the collector's sight for the rest
    of the run: a worker's collections would otherwise write to those objects and copy their
    memory pages."""
    markdown.parser(mdx=True)
    markdown.parser(mdx=False)
    gc.freeze()
