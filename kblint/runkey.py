"""What a cached result depends on: the run's fingerprint and each file's key.

Light on purpose: a warm run computes these keys, finds its whole report in the cache and
never imports the parser, the checks or the corpus.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import sys
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeGuard

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
    tasks: list[Task], inputs: RunInputs, cache: cache_module.Cache | None, kb_root: Path
) -> list[str | None]:
    """Each task's cache key (None: not cacheable, e.g. an editor's buffer or no cache)."""
    if cache is None:
        return [None] * len(tasks)
    run_key = run_fingerprint(inputs)
    digests = FileDigests(cache, kb_root)
    keys = [_key(task, inputs.git, cache, run_key, digests) for task in tasks]
    digests.save()
    return keys


def _key(
    task: Task, git: GitDates, cache: cache_module.Cache, run_key: str, digests: FileDigests
) -> str | None:
    if task.text is not None:
        return None
    digest = digests.digest(task.path)
    if digest is None:
        return None
    dates = (git.last_updated.get(task.rel_path), git.created.get(task.rel_path))
    return cache.key(run_key, task.rel_path, dates, digest)


#: A recorded stat stands for a file's bytes only when the file last changed at least this long
#: before they were hashed: a write within the same tick of a coarse file-system clock (2 s on
#: FAT, 1 s on HFS+) could otherwise leave its size, mtime and ctime as they were. (git treats
#: such "racy" index entries the same way.)
RACY_NS = 2_000_000_000

_Stamp = tuple[int, int, int, int, int]  # size, mtime_ns, ctime_ns, inode, device
_Entry = tuple[_Stamp, str, int]  # stamp, content hash, when hashing began (ns)


def _now_ns() -> int:
    return time.time_ns()


class FileDigests:
    """Each article's content hash, with the stat it had and when it was hashed, so that a
    run on an unchanged KB stats its files instead of reading and hashing them (20,000 articles,
    421 MB: planning a one-file pre-commit run took 0.98 s, now 0.53). A file whose size, mtime,
    ctime, inode or device differ, or that changed too shortly before it was hashed (`RACY_NS`),
    is read again.

    One cache entry per KB, rewritten when anything in it changed; files that are gone drop
    out. A damaged or foreign entry reads as empty: every file is hashed, as without it.

    The ctime is what catches a rewrite that keeps the size and puts the old mtime back (as
    `cp -p` does): on POSIX systems every change moves it and no tool can set it. On Windows
    `st_ctime` is the creation time, so such a rewrite there goes unseen until the file
    changes again (`--no-cache`, or deleting `.kblint_cache/`, starts afresh).
    """

    def __init__(self, cache: cache_module.Cache, kb_root: Path) -> None:
        self.cache = cache
        self.slot = file_digests_slot(cache, kb_root)
        known = cache.get_stale(self.slot, 0)
        self.known: dict[str, _Entry] = known if isinstance(known, dict) else {}
        self.seen: dict[str, _Entry] = {}

    def digest(self, path: Path) -> str | None:
        """`content_hash` of the file's bytes; None when it cannot be read."""
        name = str(path)
        started = _now_ns()  # before the stat: the bytes read later are at least this new
        try:
            info = path.stat()
            stamp = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)
            entry = self.known.get(name)
            if _still_holds(entry, stamp):
                self.seen[name] = entry
                return entry[1]
            data = path.read_bytes()
        except OSError:
            return None
        digest = cache_module.content_hash(data)
        self.seen[name] = (stamp, digest, started)
        return digest

    def save(self) -> None:
        if self.seen != self.known:
            self.cache.put_parts(self.slot, [self.seen])


_DIGESTS_FORMAT = 1  # of `FileDigests` entries


def file_digests_slot(cache: cache_module.Cache, kb_root: Path) -> str:
    """Where the KB's `FileDigests` are kept."""
    return cache.key("file-digests", _DIGESTS_FORMAT, str(kb_root))


def _still_holds(entry: object, stamp: _Stamp) -> TypeGuard[_Entry]:
    """Whether a recorded entry gives the bytes of a file that has `stamp` now."""
    if not (isinstance(entry, tuple) and len(entry) == 3 and entry[0] == stamp):
        return False
    hashed, changed = entry[2], max(stamp[1], stamp[2])
    return isinstance(entry[1], str) and isinstance(hashed, int) and changed + RACY_NS <= hashed


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
