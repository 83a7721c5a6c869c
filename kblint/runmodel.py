"""The data of a run: its options, its plan (which files, with which cache keys) and the report
it returns. Plain data shared by `engine` (which plans) and `pipeline` (which does the work)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kblint.cache import Cache
from kblint.model import Finding, Severity, pickled_by_fields
from kblint.runkey import RunInputs, Task
from kblint.workspace import Workspace

if TYPE_CHECKING:
    from kblint.record import PageRecord


@pickled_by_fields
@dataclass(slots=True)
class ArticleReport:
    """What one run found about one article."""

    display_path: str
    record: PageRecord | None
    findings: list[Finding] = field(default_factory=list)
    path: Path | None = None
    #: kblint understood the whole file (readable, no parse problems): fixes may rewrite it.
    fixable: bool = False
    #: What the file held when it was checked: a fix is applied only while it still does.
    digest: str | None = None


@pickled_by_fields
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


@dataclass(frozen=True, slots=True)
class RunPlan:
    """What a run will look at: every article of the KB (the linted ones are `targets`)."""

    workspace: Workspace
    inputs: RunInputs
    tasks: tuple[Task, ...]
    keys: tuple[str | None, ...]  # each task's cache key
    targets: tuple[Path, ...]
    options: RunOptions
    cache: Cache | None


def default_jobs() -> int:
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )


def display_path(path: Path) -> str:
    """The path as a user would type it from the working directory."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative
