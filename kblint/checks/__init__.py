"""The code behind rules. A check is a pure function that yields `Hit`s: no I/O, no printing,
no severity (that comes from configuration).

Two kinds:
- a *file* check sees one parsed article, its page record and the run's registries;
- a *corpus* check runs after every article is summarised and sees the corpus index.

Each public check is registered with `@file_check` / `@corpus_check` and named by exactly one
`rules/*.yaml` as `check: <module>.<function>`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from kblint.article import Article
from kblint.config import Config
from kblint.corpus import Corpus, PageSummary
from kblint.metrics import code_intervals
from kblint.model import Edit, Intervals
from kblint.record import PageRecord
from kblint.registries import Registries

CHECK_MODULES = (
    "frontmatter",
    "footnotes",
    "links",
    "coverage",
    "mdx",
    "prose",
    "registry",
    "keyorder",
)


@dataclass(frozen=True, slots=True)
class Hit:
    """One problem found by a check. File checks give offsets; corpus checks give lines."""

    message: str
    offset: int | None = None
    end_offset: int | None = None
    line: int | None = None
    column: int | None = None
    edits: tuple[Edit, ...] = ()
    internal_error: bool = False  # the check itself failed: always an error finding


@dataclass(slots=True)
class FileContext:
    """What a file check may look at."""

    article: Article
    record: PageRecord
    config: Config
    registries: Registries
    now: datetime = field(default_factory=lambda: datetime.now(tz=UTC))

    @property
    def code(self) -> Intervals:
        """Code blocks and spans (computed once per article)."""
        return code_intervals(self.article)


@dataclass(slots=True)
class CorpusContext:
    """What a corpus check may look at: one page's summary and record, and the corpus."""

    summary: PageSummary
    record: PageRecord | None
    corpus: Corpus
    config: Config
    extras: dict[str, Any] = field(default_factory=dict)


FileCheck = Callable[[FileContext, dict[str, Any]], Iterator[Hit]]
CorpusCheck = Callable[[CorpusContext, dict[str, Any]], Iterator[Hit]]


@dataclass(frozen=True, slots=True)
class CheckSpec:
    kind: Literal["file", "corpus"]
    function: Callable[..., Iterator[Hit]]


_REGISTRY: dict[str, CheckSpec] = {}


def _register(kind: Literal["file", "corpus"], function: Callable[..., Iterator[Hit]]) -> None:
    module = function.__module__.rsplit(".", 1)[-1]
    _REGISTRY[f"{module}.{function.__name__}"] = CheckSpec(kind, function)


def file_check(function: FileCheck) -> FileCheck:
    _register("file", function)
    return function


def corpus_check(function: CorpusCheck) -> CorpusCheck:
    _register("corpus", function)
    return function


def registry() -> dict[str, CheckSpec]:
    """Every registered check, importing the check modules on first use."""
    for module in CHECK_MODULES:
        try:
            importlib.import_module(f"kblint.checks.{module}")
        except ModuleNotFoundError as error:
            if error.name != f"kblint.checks.{module}":
                raise
    return _REGISTRY
