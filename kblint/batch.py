"""Analyse many files: from the cache when nothing changed, across processes when cold.

Results come back keyed by path, so the order of work never shows in the output: a run with
`--jobs 4` reports exactly what `--jobs 1` reports.
"""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kblint import cache as cache_module
from kblint.analysis import FileResult, RunContext, analyse
from kblint.record import PageRecord, recommended_score

#: Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 24


@dataclass(frozen=True, slots=True)
class Task:
    path: Path
    rel_path: str
    want_record: bool
    text: str | None = None  # an editor's buffer: never cached


def task_keys(
    tasks: list[Task], context: RunContext, cache: cache_module.Cache | None
) -> list[str | None]:
    """Each task's cache key (None: not cacheable, e.g. an editor's buffer or no cache)."""
    if cache is None:
        return [None] * len(tasks)
    run_key = run_fingerprint(context)
    return [_key(task, context, cache, run_key) for task in tasks]


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
        cached = cache.get(key) if cache is not None and key is not None else None
        if _usable(cached, task):
            assert isinstance(cached, FileResult)
            results[task.path] = _refreshed(cached, context)
        else:
            pending.append((task, key))
    computed = _compute([task for task, _ in pending], context, jobs)
    for (task, key), result in zip(pending, computed, strict=True):
        if cache is not None and key is not None:
            cache.put(key, result)
        results[task.path] = result
    return results


def _key(task: Task, context: RunContext, cache: cache_module.Cache, run_key: str) -> str | None:
    if task.text is not None:
        return None
    try:
        data = task.path.read_bytes()
    except OSError:
        return None
    git = context.git
    dates = (git.last_updated.get(task.rel_path), git.created.get(task.rel_path))
    return cache.key(run_key, task.rel_path, dates, cache_module.content_hash(data))


def _usable(cached: Any, task: Task) -> bool:
    if not isinstance(cached, FileResult) or cached.rel_path != task.rel_path:
        return False
    return cached.record is not None or not task.want_record or cached.summary is None


def _refreshed(result: FileResult, context: RunContext) -> FileResult:
    """recommendedScore depends on 'now' to the second: recompute it, the rest holds."""
    if result.record is not None:
        refresh_record(result.record, context.now)
    return result


def refresh_record(record: PageRecord, now: datetime) -> None:
    data = record.data
    data["recommendedScore"] = recommended_score(data, data["wordCount"], now)


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


def default_jobs() -> int:
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )


# -- what every cache entry of a run depends on -----------------------------------------


def run_fingerprint(context: RunContext) -> str:
    return cache_module.fingerprint(
        _canonical(context.config),
        [(rule.source, _canonical(rule)) for rule in context.book.rules],
        context.registries_digest,
        context.now.year,
        code_fingerprint(),
        # shingle hashes use CPython's tuple hash: another interpreter must not reuse them
        sys.implementation.name,
        sys.version_info[:2],
    )


def _canonical(value: Any) -> str:
    """A deterministic text form (sets sorted; no hash-seed-dependent ordering)."""
    return json.dumps(_plain(value), sort_keys=True, default=str)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, frozenset | set):
        return sorted((_plain(v) for v in value), key=repr)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "pattern") and hasattr(value, "flags"):
        return {"regex": value.pattern, "flags": value.flags}
    return value


def code_fingerprint() -> list[tuple[str, int, int]]:
    """kblint's own source files (name, size, mtime): a checkout edited without a version bump
    must not reuse results computed by the old code."""
    package = Path(__file__).resolve().parent
    return [_stat(path) for path in sorted(package.rglob("*.py"))]


def _stat(path: Path) -> tuple[str, int, int]:
    info = path.stat()
    return path.name, info.st_size, info.st_mtime_ns
