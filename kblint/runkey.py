"""What a cached result depends on: the run's fingerprint and each file's key.

Light on purpose: a warm run computes these keys, finds its whole report in the cache and
never imports the parser, the checks or the corpus.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import sys
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kblint import cache as cache_module
from kblint.config import Config
from kblint.gitdates import GitDates
from kblint.rulebook import RuleBook


@dataclass(frozen=True, slots=True)
class Task:
    """One file to analyse; `want_record`: it is linted (not only read for cross-file data)."""

    path: Path
    rel_path: str
    want_record: bool
    text: str | None = None  # an editor's buffer: never cached


@dataclass(frozen=True, slots=True)
class RunInputs:
    """Everything besides the file itself that a file's result depends on."""

    config: Config
    book: RuleBook
    registries_digest: str  # what the registry files held
    git: GitDates
    now: datetime


def task_keys(
    tasks: list[Task], inputs: RunInputs, cache: cache_module.Cache | None
) -> list[str | None]:
    """Each task's cache key (None: not cacheable, e.g. an editor's buffer or no cache)."""
    if cache is None:
        return [None] * len(tasks)
    run_key = run_fingerprint(inputs)
    return [_key(task, inputs.git, cache, run_key) for task in tasks]


def _key(task: Task, git: GitDates, cache: cache_module.Cache, run_key: str) -> str | None:
    if task.text is not None:
        return None
    try:
        data = task.path.read_bytes()
    except OSError:
        return None
    dates = (git.last_updated.get(task.rel_path), git.created.get(task.rel_path))
    return cache.key(run_key, task.rel_path, dates, cache_module.content_hash(data))


def registries_slot(cache: cache_module.Cache, kb_root: Path, paths: object) -> str:
    """Where the KB's loaded registries are kept (one entry per KB, see `Cache.put_current`)."""
    return cache.key("registries", code_fingerprint(), str(kb_root), str(paths))


def redundancy_slot(cache: cache_module.Cache, linted: Collection[str] | None) -> str:
    """Where the near-duplicates of the pages linted (None: all) are kept."""
    return cache.key("redundancy", code_fingerprint(), sorted(linted or []))


def run_fingerprint(inputs: RunInputs) -> str:
    return cache_module.fingerprint(
        _canonical(inputs.config),
        [(rule.source, _canonical(rule)) for rule in inputs.book.rules],
        inputs.registries_digest,
        inputs.now.year,
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


@functools.cache
def code_fingerprint() -> tuple[tuple[str, int, int], ...]:
    """kblint's own source files (name, size, mtime): a checkout edited without a version bump
    must not reuse results computed by the old code. Read once per process (three cache keys
    of a run use it)."""
    package = Path(__file__).resolve().parent
    return tuple(_stat(path) for path in sorted(package.rglob("*.py")))


def _stat(path: Path) -> tuple[str, int, int]:
    info = path.stat()
    return path.name, info.st_size, info.st_mtime_ns
