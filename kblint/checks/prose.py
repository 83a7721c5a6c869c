"""Prose: placeholders, uncited and empty sections, drafting leftovers (rules KB601–KB604).

Everything here reads `prose_text` (code, comments, attributes and URLs blanked, same offsets),
except `empty_section`, which must see components: a section holding only a diagram is not empty.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kblint.article import Article
from kblint.checks import FileContext, Hit, file_check
from kblint.markdown import Heading
from kblint.metrics import code_intervals
from kblint.model import Intervals
from kblint.prose import prose_text
from kblint.regexfilter import Requirement, may_match, requirement

# Upper-case markers are matched case-sensitively: "todo" in running text is rare and "XXX"
# also stands for masked arXiv ids (`2401.XXXXX`). "insert … here" only in brackets or in
# capitals: "researchers insert a trigger here" is prose. The rest ignore case.
# The leading lookahead lists every alternative's first character: the regex engine then skips
# other positions quickly (about 4x faster on a long article than the bare alternation).
_PLACEHOLDER = re.compile(
    r"(?=[TFXLlCcNnI\[(?])"
    r"(?:(?P<marker>\b(?:TODO|TBD|FIXME|X{3,})\b)"
    r"|(?P<lorem>(?i:\blorem\s+ipsum\b))"
    r"|(?P<citation>(?i:\[citation\s+needed\]|\bcitation\s+needed\b|\bneeds?\s+citation\b))"
    r"|(?P<insert>(?i:[\[(]\s*insert\b[^.\])]{0,60}?\bhere\s*[\])])|\bINSERT\b[^.\n]{0,60}?\bHERE\b)"
    r"|(?P<unknown>\?{3,}))"
)
_PLACEHOLDER_ADVICE = {
    "marker": "write the missing content or remove the marker",
    "lorem": "replace the filler with real text",
    "citation": "add the source as a footnote or an <R> citation, or remove the claim",
    "insert": "fill in what the template asks for",
    "unknown": "replace the question marks with the real value",
}
_SETEXT_UNDERLINE = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")


def code_of(ctx: FileContext) -> Intervals:
    """Code blocks and spans of the article (computed once per article)."""
    return code_intervals(ctx.article)


def prose_of(ctx: FileContext) -> str:
    """`prose_text` of the article (computed once per article)."""
    return prose_text(ctx.article)


# -- KB601 placeholder-text -----------------------------------------------------------------


@file_check
def placeholder_text(ctx: FileContext, options: dict[str, Any]) -> Iterator[Hit]:
    """TODO/TBD/FIXME, lorem ipsum, "[citation needed]", "insert … here", "???" in prose."""
    yield from _placeholders(prose_of(ctx))
    if options.get("flag_comments", False):
        text = ctx.article.text
        for comment in ctx.article.mdx_layer.comments:
            if comment.start not in code_of(ctx):
                # Keep the comment in place so offsets stay file offsets.
                yield from _placeholders(text, comment.start, comment.end)


_PLACEHOLDER_NEEDS = requirement(_PLACEHOLDER.pattern, _PLACEHOLDER.flags)


def _placeholders(text: str, start: int = 0, end: int | None = None) -> Iterator[Hit]:
    if not may_match(_PLACEHOLDER_NEEDS, text):
        return
    stop = len(text) if end is None else end
    for match in _PLACEHOLDER.finditer(text, start, stop):
        kind = match.lastgroup or "marker"
        found = " ".join(match.group(0).split())
        message = f'placeholder text "{found}" left in the article: {_PLACEHOLDER_ADVICE[kind]}'
        yield Hit(message, offset=match.start(), end_offset=match.end())


# -- sections -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and its extent: to the next heading of the same or a higher level."""

    heading: Heading
    start: int  # start of the heading line
    body_start: int  # after the heading (its underline, for a setext heading)
    end: int
    next_heading: Heading | None  # the heading right after this one, of any level


def sections(article: Article) -> list[Section]:
    """Every heading's section, in document order (one pass with a stack of open sections)."""
    headings = article.md_layer.headings
    index = article.index
    ends: list[int] = [len(article.text)] * len(headings)
    open_sections: list[int] = []
    for position, heading in enumerate(headings):
        while open_sections and headings[open_sections[-1]].level >= heading.level:
            ends[open_sections.pop()] = index.line_start(heading.line)
        open_sections.append(position)
    return [
        Section(
            heading,
            index.line_start(heading.line),
            _heading_end(article, heading),
            ends[position],
            headings[position + 1] if position + 1 < len(headings) else None,
        )
        for position, heading in enumerate(headings)
    ]


def _heading_end(article: Article, heading: Heading) -> int:
    index = article.index
    line = heading.line
    if not heading.atx:
        # Setext: the text may wrap over several lines; the heading ends at its underline.
        while line + 1 < index.line_count:
            line += 1
            if _SETEXT_UNDERLINE.match(article.text, index.line_start(line), index.line_end(line)):
                break
    return index.line_end(line)


def _heading_hit(article: Article, section: Section, message: str) -> Hit:
    line_text = article.text[section.start : article.index.line_end(section.heading.line)]
    offset = section.start + len(line_text) - len(line_text.lstrip())
    return Hit(message, offset=offset, end_offset=article.index.line_end(section.heading.line))


def _levels(options: dict[str, Any], default: Iterable[int]) -> frozenset[int]:
    return frozenset(int(level) for level in options.get("levels") or default)


# -- KB602 uncited-section ------------------------------------------------------------------


@file_check
def uncited_section(ctx: FileContext, options: dict[str, Any]) -> Iterator[Hit]:
    """A long h2/h3 section with no footnote, external link or `<R>` citation."""
    article = ctx.article
    min_words = int(options.get("min_words", 200))
    levels = _levels(options, (2, 3))
    definitions = _footnote_definitions(article)
    citations = [o for o in _citation_offsets(ctx) if o not in definitions]
    prose = prose_of(ctx)
    for section in sections(article):
        if section.heading.level not in levels or _any_between(
            citations, section.body_start, section.end
        ):
            continue
        # Footnote definitions (usually at the end, inside the last section) are the sources
        # of the references that point at them, not text or citations of that section.
        gaps = definitions.gaps(section.body_start, section.end)
        words = sum(len(prose[start:end].split()) for start, end in gaps)
        if words >= min_words:
            title = section.heading.text
            message = (
                f'section "{title}" has {words} words and no citation: add a footnote, '
                "an <R> reference or a link to the source"
            )
            yield _heading_hit(article, section, message)


def _citation_offsets(ctx: FileContext) -> list[int]:
    """Offsets of footnote references, external links and resource citations, sorted."""
    article = ctx.article
    offsets = [ref.offset for ref in ctx.record.footnote_refs]
    offsets += [
        link.start
        for link in article.md_layer.links
        if not link.image and link.target.startswith(("http://", "https://"))
    ]
    names = ctx.config.components.resource_refs
    offsets += [e.start for e in article.mdx_layer.elements if e.name in names]
    return sorted(offsets)


def _footnote_definitions(article: Article) -> Intervals:
    index = article.index
    return Intervals(
        (index.line_start(d.first_line), index.line_end(d.last_line))
        for d in article.md_layer.footnote_definitions
    )


def _any_between(sorted_offsets: list[int], start: int, end: int) -> bool:
    position = bisect_left(sorted_offsets, start)
    return position < len(sorted_offsets) and sorted_offsets[position] < end


# -- KB603 empty-section --------------------------------------------------------------------


@file_check
def empty_section(ctx: FileContext, options: dict[str, Any]) -> Iterator[Hit]:
    """A heading followed directly by a heading of the same or a higher level, or the end."""
    article = ctx.article
    levels = _levels(options, (2, 3, 4))
    comments = Intervals((c.start, c.end) for c in article.mdx_layer.comments)
    for section in sections(article):
        following = section.next_heading
        if section.heading.level not in levels:
            continue
        if following is not None and following.level > section.heading.level:
            continue  # a subsection is content
        if _has_content(article.text, comments, section.body_start, section.end):
            continue
        title = section.heading.text
        if following is None:
            message = f'section "{title}" is empty: the article ends after its heading'
        else:
            message = f'section "{title}" is empty: "{following.text}" follows directly'
        yield _heading_hit(article, section, message + "; write the section or remove it")


def _has_content(text: str, comments: Intervals, start: int, end: int) -> bool:
    """Anything but white space and comments (editorial markers are not content)."""
    return any(text[a:b].strip() for a, b in comments.gaps(start, end))


# -- KB604 editorial-artifacts --------------------------------------------------------------


@file_check
def editorial_artifacts(ctx: FileContext, options: dict[str, Any]) -> Iterator[Hit]:
    """Phrases that leaked from drafting or an AI assistant into the published prose."""
    article = ctx.article
    prose = prose_of(ctx)
    phrases = _phrase_regex(tuple(str(p) for p in options.get("phrases") or ()))
    if phrases is not None and may_match(phrases[1], prose):
        yield from _artifact_hits(phrases[0].finditer(prose, article.body_start))
    in_headings = _phrase_regex(tuple(str(p) for p in options.get("heading_phrases") or ()))
    if in_headings is None or not may_match(in_headings[1], prose):
        return
    for heading in article.md_layer.headings:
        index = article.index
        line_start, line_end = index.line_start(heading.line), index.line_end(heading.line)
        yield from _artifact_hits(in_headings[0].finditer(prose, line_start, line_end))


def _artifact_hits(matches: Iterable[re.Match[str]]) -> Iterator[Hit]:
    for match in matches:
        found = " ".join(match.group(0).split())
        message = (
            f'editorial artifact "{found}": text left over from drafting or an AI assistant; '
            "rewrite the passage for the reader or remove it"
        )
        yield Hit(message, offset=match.start(), end_offset=match.end())


@lru_cache(maxsize=16)
def _phrase_regex(phrases: tuple[str, ...]) -> tuple[re.Pattern[str], Requirement | None] | None:
    """One case-insensitive alternation; words may wrap lines, quotes may be curly. With it,
    the words a match needs (text without them is not searched).

    A lookahead on the phrases' first characters lets the engine skip other positions fast."""
    if not phrases:
        return None
    first = "".join(sorted({re.escape(phrase[0].lower()) for phrase in phrases}))
    parts = []
    for phrase in sorted(phrases, key=len, reverse=True):
        words = [re.escape(word).replace("'", "['’]") for word in phrase.split()]
        body = r"\s+".join(words)
        head = r"\b" if phrase[:1].isalnum() else ""
        tail = r"\b" if phrase[-1:].isalnum() else ""
        parts.append(head + body + tail)
    source = "|".join(parts)
    compiled = re.compile(f"(?=[{first}])(?:{source})", re.IGNORECASE)
    return compiled, requirement(source, re.IGNORECASE)
