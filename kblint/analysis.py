"""The per-file unit of work: read, parse once, build the page record and the corpus summary.

Everything a file's result depends on is in `RunContext` (config, registries, git dates, now),
so the unit can run in another process and its result can be cached by content hash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from kblint.article import Article, read_article
from kblint.config import Config
from kblint.corpus import PageSummary
from kblint.discovery import PageIdentity
from kblint.facts import PageFacts
from kblint.gitdates import GitDates
from kblint.model import Problem
from kblint.record import PageRecord, build
from kblint.registries import Registries

_NUMERIC_ID_KEY = re.compile(r"^numericId\s*:", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class RunContext:
    config: Config
    registries: Registries
    git: GitDates
    now: datetime


@dataclass(slots=True)
class PositionedProblem:
    """A parser problem with its file position already resolved."""

    rule: str
    line: int
    column: int
    message: str
    end_line: int | None = None
    end_column: int | None = None


@dataclass(slots=True)
class FileResult:
    rel_path: str
    summary: PageSummary | None
    record: PageRecord | None
    problems: list[PositionedProblem] = field(default_factory=list)


def analyse(path: Path, rel_path: str, context: RunContext, want_record: bool) -> FileResult:
    article = read_article(path, rel_path)
    problems = [_position(article, problem) for problem in article.problems]
    if not article.readable:
        return FileResult(rel_path, None, None, problems)
    identity = PageIdentity.from_rel_path(rel_path)
    facts = page_facts(identity.id, rel_path, article.frontmatter, context)
    record = None
    if want_record:
        resources = context.registries.resources
        record = build(article, identity, context.config, context.now, facts, resources)
    summary = summarize(article, identity, context.config.components.entity_links)
    return FileResult(rel_path, summary, record, problems)


def page_facts(page_id: str, rel_path: str, fm: dict[str, Any], context: RunContext) -> PageFacts:
    registries = context.registries
    entity = registries.entities.get(page_id)
    frontmatter_type = fm.get("entityType") if isinstance(fm.get("entityType"), str) else None
    return PageFacts(
        is_entity=entity is not None or bool(frontmatter_type),
        entity_type=entity.type if entity is not None else frontmatter_type,
        edit_dates=registries.edit_dates(page_id),
        git_last_updated=context.git.last_updated.get(rel_path),
        git_created=context.git.created.get(rel_path),
        citations=registries.citation_stats.get(page_id),
        reviewed=None if registries.reviews is None else page_id in registries.reviews,
        external_links=registries.external_links.get(page_id),
    )


def summarize(
    article: Article, identity: PageIdentity, entity_link_names: frozenset[str]
) -> PageSummary:
    fm = article.frontmatter
    title = fm.get("title")
    numeric_id = fm.get("numericId")
    entity_links = tuple(
        element.attribute("id") or ""
        for element in article.mdx_layer.elements
        if element.name in entity_link_names and element.attribute("id")
    )
    return PageSummary(
        rel_path=article.rel_path,
        id=identity.id,
        path=identity.path,
        title=str(title) if title else identity.id.replace("-", " "),
        content_format=str(fm.get("contentFormat") or "article"),
        numeric_id=str(numeric_id) if numeric_id else None,
        entity_type=str(fm["entityType"]) if fm.get("entityType") else None,
        description=str(fm["description"]) if fm.get("description") else None,
        entity_links=entity_links,
        reader_importance=_number(fm.get("readerImportance")),
        research_importance=_number(fm.get("researchImportance")),
        numeric_id_line=_key_line(article.text, article.body_start),
    )


def _key_line(text: str, body_start: int) -> int:
    match = _NUMERIC_ID_KEY.search(text, 0, body_start)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _position(article: Article, problem: Problem) -> PositionedProblem:
    start = article.position(problem.offset)
    end = article.position(problem.end_offset) if problem.end_offset is not None else None
    return PositionedProblem(
        problem.rule,
        start.line,
        start.column,
        problem.message,
        end.line if end else None,
        end.column if end else None,
    )
