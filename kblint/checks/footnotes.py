"""Footnote checks (KB201–KB204): references without a definition, definitions nobody
references, labels defined twice, and definitions that cite no source.

Labels are matched the way the MDX build resolves them (micromark upper-cases identifiers), so
`[^Smith2024]` finds `[^smith2024]:`. The page record counts labels as written (spec §3.6, §9);
the rules follow the build because an error here claims the rendered page is broken.

References come from the page record (`record.footnote_refs`: outside code, comments and
definitions) plus references made *inside* another definition (`[^3]: See also [^1].`), which
the site renders as links too.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kblint.article import Article
from kblint.checks import FileContext, Hit, file_check
from kblint.markdown import FootnoteDefinition
from kblint.metrics import FootnoteRef, code_intervals
from kblint.model import Intervals

_REFERENCE = re.compile(r"\[\^([^\]\s]+)\]")
_URL = re.compile(r"https?://")


@dataclass(frozen=True, slots=True)
class Definition:
    """A footnote definition with its marker `[^label]:` located in the text."""

    label: str
    start: int  # offset of the `[` of `[^label]:`
    marker_end: int  # offset just after the `:`
    block_start: int  # start of its first line
    end: int  # end of its last line (continuation lines included)
    line: int  # 1-based line of the marker

    @property
    def key(self) -> str:
        return label_key(self.label)


def label_key(label: str) -> str:
    """micromark's identifier normalisation (labels cannot contain white space here)."""
    return label.lower().upper()


def definitions(article: Article) -> list[Definition]:
    return [_locate(article, d) for d in article.md_layer.footnote_definitions]


def _locate(article: Article, definition: FootnoteDefinition) -> Definition:
    index = article.index
    line_start = index.line_start(definition.first_line)
    line_end = index.line_end(definition.first_line)
    marker = f"[^{definition.label}]:"
    start = article.masked.find(marker, line_start, line_end)
    marker_end = start + len(marker)
    if start == -1:  # not expected: fall back to the first non-blank character of the line
        line = article.text[line_start:line_end]
        start = marker_end = line_start + len(line) - len(line.lstrip())
    end = index.line_end(definition.last_line)
    return Definition(
        definition.label, start, marker_end, line_start, end, definition.first_line + 1
    )


def references(ctx: FileContext, found: list[Definition]) -> list[FootnoteRef]:
    """Body references plus references made inside another definition, in text order."""
    inner = []
    code = code_of(ctx) if found else Intervals(())
    for definition in found:
        for match in _REFERENCE.finditer(ctx.article.masked, definition.marker_end, definition.end):
            if match.start() in code or label_key(match.group(1)) == definition.key:
                continue
            inner.append(FootnoteRef(match.group(1), match.start()))
    return sorted([*ctx.record.footnote_refs, *inner], key=lambda ref: ref.offset)


def code_of(ctx: FileContext) -> Intervals:
    """Code blocks and spans of the article (computed once per article)."""
    return code_intervals(ctx.article)


@lru_cache(maxsize=8)
def _external(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(pattern) if pattern else None


@file_check
def footnote_undefined(ctx: FileContext, options: dict[str, Any]) -> Iterator[Hit]:
    found = definitions(ctx.article)
    defined = {definition.key for definition in found}
    external = _external(ctx.config.external_footnote_pattern)
    for ref in references(ctx, found):
        label = ref.label
        if label_key(label) in defined or (external is not None and external.search(label)):
            continue
        yield Hit(
            f"footnote [^{label}] is referenced but never defined; add a `[^{label}]: …` "
            "definition citing its source, or remove the reference",
            offset=ref.offset,
            end_offset=ref.offset + len(label) + 3,
        )


@file_check
def footnote_unused(ctx: FileContext, options: dict[str, Any]) -> Iterator[Hit]:
    found = definitions(ctx.article)
    referenced = {label_key(ref.label) for ref in references(ctx, found)}
    reported: set[str] = set()
    for definition in found:
        # Later definitions of the same label are footnote-duplicate-definition's to report.
        if definition.key in referenced or definition.key in reported:
            continue
        reported.add(definition.key)
        label = definition.label
        yield Hit(
            f"footnote [^{label}] is defined but never referenced; cite it with [^{label}] "
            "where the claim it supports is made, or delete the definition",
            offset=definition.start,
            end_offset=definition.marker_end,
        )


@file_check
def footnote_duplicate_definition(ctx: FileContext, options: dict[str, Any]) -> Iterator[Hit]:
    first: dict[str, Definition] = {}
    for definition in definitions(ctx.article):
        original = first.setdefault(definition.key, definition)
        if original is definition:
            continue
        spelled = "" if original.label == definition.label else f" (as [^{original.label}])"
        yield Hit(
            f"footnote [^{definition.label}] is already defined on line {original.line}"
            f"{spelled}; the site renders only the first definition, so merge the sources "
            "into it and delete this one (or give this footnote its own label)",
            offset=definition.start,
            end_offset=definition.marker_end,
        )


@file_check
def footnote_unsourced(ctx: FileContext, options: dict[str, Any]) -> Iterator[Hit]:
    article = ctx.article
    comments = Intervals((c.start, c.end) for c in article.mdx_layer.comments)
    r_counts = bool(options.get("r_counts_as_source", True))
    citations = _resource_citations(ctx) if r_counts else []
    source = "http(s) link or <R id> citation" if r_counts else "http(s) link"
    for definition in definitions(article):
        if _has_url(article.text, definition, comments):
            continue
        if _cites_resource(citations, definition):
            continue
        yield Hit(
            f"footnote [^{definition.label}] cites no source: its definition has no {source}; "
            "add the URL of the work it cites",
            offset=definition.start,
            end_offset=definition.marker_end,
        )


def _has_url(text: str, definition: Definition, comments: Intervals) -> bool:
    """A URL a reader can see: one inside a `{/* … */}` comment is no source."""
    matches = _URL.finditer(text, definition.block_start, definition.end)
    return any(match.start() not in comments for match in matches)


def _cites_resource(citations: list[int], definition: Definition) -> bool:
    position = bisect_left(citations, definition.block_start)
    return position < len(citations) and citations[position] < definition.end


def _resource_citations(ctx: FileContext) -> list[int]:
    """Sorted offsets of `<R id="…">` elements (resolved or not: that is another rule's job)."""
    names = ctx.config.components.resource_refs
    return sorted(
        element.start
        for element in ctx.article.mdx_layer.elements
        if element.name in names and element.attribute("id")
    )
