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

from kblint.article import Article, normalise, parse_text, read_article
from kblint.checks import FileContext
from kblint.config import Config, EffectiveRule
from kblint.corpus import LinkRef, PageSummary
from kblint.discovery import PageIdentity
from kblint.facts import PageFacts
from kblint.gitdates import GitDates
from kblint.mdx import JsxElement
from kblint.metrics import import_lines
from kblint.model import Finding, Problem, pickled_by_fields
from kblint.record import PageRecord, build, finite_number
from kblint.redundancy import Fingerprint, similarity_words
from kblint.registries import Registries
from kblint.rulebook import RuleBook
from kblint.runner import builtin_findings, run_file_rules
from kblint.suppress import Directive, parse_directives

_NUMERIC_ID_KEY = re.compile(r"^numericId\s*:", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class RunContext:
    config: Config
    registries: Registries
    git: GitDates
    now: datetime
    book: RuleBook
    registries_digest: str = ""  # what the registry files held (part of every cache key)
    #: effective rules by the overrides that apply (`rules_for`)
    rules_memo: dict[tuple[int, ...], dict[str, EffectiveRule]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def rules_for(self, rel_path: str) -> dict[str, EffectiveRule]:
        """`config.effective_rules` of a file, worked out once per set of overrides that apply
        (a KB's files share a handful; 27 µs a file otherwise, twice per file in a run)."""
        applying = self.config.overrides_for(rel_path)
        rules = self.rules_memo.get(applying)
        if rules is None:
            rules = self.rules_memo[applying] = self.config.rules_with(self.book, applying)
        return dict(rules)  # a copy: callers own what they get


@pickled_by_fields
@dataclass(slots=True)
class FileResult:
    """Everything one file contributes: its summary, its record and findings (when linted)."""

    rel_path: str
    summary: PageSummary | None
    record: PageRecord | None
    findings: list[Finding] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    parsed_cleanly: bool = False  # readable and no parser problems
    digest: str | None = None  # what the file held when it was analysed (content_hash)


def load(
    path: Path,
    rel_path: str,
    text: str | None = None,
    data: bytes | None = None,
    math: bool = True,
) -> Article:
    """The article from disk (or its bytes, already read), or from `text` (an editor's unsaved
    buffer, a file at a git ref); `math` is the configuration's."""
    if text is None:
        return read_article(path, rel_path, data, math)
    return parse_text(path, rel_path, normalise(text), math)


def analyse(
    path: Path,
    rel_path: str,
    context: RunContext,
    want_record: bool,
    text: str | None = None,
    data: bytes | None = None,
) -> FileResult:
    """Parse once; always summarise; build the record and run file rules only when linted."""
    article = load(path, rel_path, text, data, context.config.math)
    rules = context.rules_for(rel_path)
    problems = builtin_findings(rel_path, (_position(article, p) for p in article.problems), rules)
    if not article.readable:
        return FileResult(rel_path, None, None, problems)
    identity = PageIdentity.from_rel_path(rel_path)
    summary = summarize(article, identity, context.config.components.entity_links)
    if not want_record:
        return FileResult(rel_path, summary, None)
    record = page_record(article, identity, context)
    check_context = FileContext(article, record, context.config, context.registries, context.now)
    findings = problems + run_file_rules(check_context, rules)
    comments = [(c.start, c.end) for c in article.mdx_layer.comments]
    directives = parse_directives(article.text, comments, article.index)
    clean = not article.problems
    return FileResult(rel_path, summary, record, findings, directives, clean, article.digest)


def page_record(article: Article, identity: PageIdentity, context: RunContext) -> PageRecord:
    facts = page_facts(identity.id, article.rel_path, article.frontmatter, context)
    return build(
        article, identity, context.config, context.now, facts, context.registries.resources
    )


def record_of_text(path: Path, rel_path: str, text: str, context: RunContext) -> PageRecord | None:
    """The page record of another version of a file (for the regression gate)."""
    article = load(path, rel_path, text, math=context.config.math)
    if not article.readable:
        return None
    return page_record(article, PageIdentity.from_rel_path(rel_path), context)


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
        _ref(article, element.start, element.attribute("id") or "", element.attribute("name"))
        for element in article.mdx_layer.elements
        if element.name in entity_link_names and _literal_id(element)
    )
    internal_links = tuple(
        _ref(article, link.start, link.target)
        for link in article.md_layer.links
        if link.target.startswith("/")
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
        reader_importance=finite_number(fm.get("readerImportance")),
        research_importance=finite_number(fm.get("researchImportance")),
        numeric_id_line=_key_line(article.text, article.body_start),
        internal_links=internal_links,
        fingerprint=Fingerprint.of_words(_similarity_words(article)),
    )


def _similarity_words(article: Article) -> list[str]:
    """The words of spec §10's text: no frontmatter, import lines or fenced code; tags out,
    their text kept."""
    text = article.text
    removed = [(fence.start, fence.end) for fence in article.all_fences()]
    removed += import_lines(article)
    removed += [(c.start, c.end) for c in article.mdx_layer.comments]
    tags = [(tag.start, tag.end) for tag in article.mdx_layer.expression_tags]
    for element in article.mdx_layer.elements:
        tags.append((element.start, element.open_end))
        if not element.self_closing:
            tags.append((element.close_start, element.end))
    return similarity_words(text, article.body_start, removed, tags)


def _literal_id(element: JsxElement) -> bool:
    """An `id="…"` string; `id={expression}` is computed at build time and cannot be checked."""
    return any(a.name == "id" and a.value and not a.is_expression for a in element.attributes)


def _ref(article: Article, offset: int, target: str, name: str | None = None) -> LinkRef:
    position = article.position(offset)
    return LinkRef(target, position.line, position.column, name)


def _key_line(text: str, body_start: int) -> int:
    match = _NUMERIC_ID_KEY.search(text, 0, body_start)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _position(
    article: Article, problem: Problem
) -> tuple[str, int, int, str, int | None, int | None]:
    start = article.position(problem.offset)
    end = article.position(problem.end_offset) if problem.end_offset is not None else None
    end_line, end_column = (end.line, end.column) if end else (None, None)
    return problem.rule, start.line, start.column, problem.message, end_line, end_column
