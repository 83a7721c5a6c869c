"""The Markdown layer: markdown-it-py (tables, footnotes) over the MDX-masked text.

markdown-it-py gives block tokens line maps but no columns for inline tokens, so the link and
image rules are wrapped to record where each link starts and ends inside its inline token's
source; `_InlineMapper` then turns those into offsets of the article text.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from kblint.mdspeed import speed_up
from kblint.mdx import PLACEHOLDER
from kblint.model import LineIndex

if TYPE_CHECKING:  # markdown-it is imported when the first article is parsed, not at start-up
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

InlineRule = Callable[["StateInline", bool], bool]


@dataclass(frozen=True, slots=True)
class Link:
    """A Markdown link or image (autolinks and bare URLs are not links here).

    `text` is the label as the file has it between the brackets (components, `\\|` escapes and
    the continuation lines' `> ` or indentation included), so `start + 1 + len(text)` is where
    its `]` is (`+ 2` for an image); offsets are into the article text."""

    text: str
    target: str
    start: int
    end: int
    image: bool
    in_footnote: bool


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    line: int  # 0-based
    atx: bool


@dataclass(frozen=True, slots=True)
class Table:
    header_line: int  # 0-based
    last_line: int  # 0-based, inclusive
    piped: bool  # the delimiter row starts and ends with `|`


@dataclass(frozen=True, slots=True)
class FootnoteDefinition:
    label: str
    first_line: int  # 0-based
    last_line: int  # 0-based, inclusive


@dataclass(slots=True)
class MarkdownLayer:
    links: list[Link]
    headings: list[Heading]
    tables: list[Table]
    indented_code: list[tuple[int, int]]  # 0-based inclusive line ranges
    footnote_definitions: list[FootnoteDefinition]
    #: Fences as markdown-it sees them: (first line, last line, info). The MDX scanner finds
    #: fences first; this catches the ones it leaves to Markdown (nested deep in list items).
    fences: list[tuple[int, int, str]] = field(default_factory=list)


def _tracked(rule: InlineRule) -> InlineRule:
    """Wrap an inline rule so the token it opens remembers its source span."""

    def wrapped(state: StateInline, silent: bool) -> bool:
        start, first_token = state.pos, len(state.tokens)
        matched = rule(state, silent)
        if not matched or silent:
            return matched
        # Pending text is flushed into a text token first, so look for the token we opened.
        for token in state.tokens[first_token:]:
            if token.type not in ("link_open", "image"):
                continue
            image = token.type == "image"
            # as the rule itself reads the label: an image's alt text may hold other brackets
            # (`![LED[^1]](led.jpg)`), a link's label no nested link or footnote
            bracket = start + 1 if image else start
            label_end = state.md.helpers.parseLinkLabel(state, bracket, not image)
            token.meta = {**(token.meta or {}), "span": (start, state.pos, label_end)}
            break
        return matched

    return wrapped


#: Link destinations whose normalised form a parser remembers (~200 bytes each).
_NORMALIZED_LINKS = 8192


@cache
def parser(mdx: bool) -> MarkdownIt:
    """One configured parser per dialect, with the faster equivalent loops of `mdspeed`."""
    md = configured(mdx)
    speed_up(md)
    return md


def configured(mdx: bool) -> MarkdownIt:
    """The parser kblint needs: MDX has no indented code blocks, Markdown does."""
    from markdown_it import MarkdownIt  # noqa: PLC0415 - deferred: a warm run parses nothing
    from markdown_it.rules_inline import image, link  # noqa: PLC0415
    from mdit_py_plugins.footnote import footnote_plugin  # noqa: PLC0415

    md = MarkdownIt("commonmark", {"html": False}).enable("table").use(footnote_plugin)
    md.inline.ruler.at("link", _tracked(link))
    md.inline.ruler.at("image", _tracked(image))
    # Keep footnote definitions where they stand, with their line maps (the tail rule moves them
    # to the end of the stream for rendering, which we never do).
    md.core.ruler.disable("footnote_tail")
    # Inline tokens are read for links and images only. Emphasis, entities and line breaks never
    # change where a link is (links bind tighter than emphasis; neither entities nor breaks can
    # open or close brackets), so those rules only cost time; and inline content without a `[`
    # cannot hold a link or an image, so it is not parsed at all (about 40% of a parse).
    md.disable(["emphasis", "entity", "newline"])
    # With `html` off these two rules only ever answer "no" (after a check each, on every line
    # and at every `<`): leaving them out changes nothing.
    md.disable(["html_block", "html_inline"])
    md.core.ruler.disable("text_join")
    md.core.ruler.at("inline", _inline_with_brackets)
    # The article text is already LF-only (`article.normalise`); `parse` replaces NUL itself,
    # and only when there is one (the core rule runs two regex passes over every article).
    md.core.ruler.disable("normalize")
    if mdx:
        md.disable("code")
    # Every link destination is percent-encoded by `normalizeLink` (~10 µs: a URL parse and
    # encode), a pure function of the destination; a KB links the same pages and sources again
    # and again (on the 700-article benchmark KB 58% of 8,106 calls repeat an earlier one).
    # `setattr`: mypy does not let a method be assigned to.
    remembering = lru_cache(maxsize=_NORMALIZED_LINKS)(md.normalizeLink)
    setattr(md, "normalizeLink", remembering)  # noqa: B010
    return md


def _inline_with_brackets(state: StateCore) -> None:
    md = state.md
    for token in state.tokens:
        if token.type == "inline" and "[" in token.content:
            if token.children is None:
                token.children = []
            md.inline.parse(token.content, md, state.env, token.children)


def parse(masked: str, index: LineIndex, mdx: bool, source: str) -> MarkdownLayer:
    """Parse the masked article text and extract what the page record needs.

    `source` is the text that was masked (same offsets), for the link labels: the masked one
    has JSX tags blanked (with placeholder characters inside a line)."""
    if "\0" in masked:  # what markdown-it's `normalize` does (same length: offsets hold)
        masked = masked.replace("\0", "\ufffd")
    tokens = parser(mdx).parse(masked, {})
    layer = MarkdownLayer([], [], [], [], [])
    mapper = _InlineMapper(masked, index, source)
    footnote_depth = 0
    for position, token in enumerate(tokens):
        kind = token.type
        if kind == "footnote_reference_open":
            footnote_depth += 1
            _add_footnote(layer, token)
        elif kind == "footnote_reference_close":
            footnote_depth -= 1
        elif kind == "inline" and token.map and token.children:
            # only content with a `[` was parsed: the rest holds no link, and nothing a later
            # table cell on the same line could be taken for
            layer.links.extend(mapper.links(token, footnote_depth > 0))
        elif kind == "heading_open" and token.map:
            _add_heading(layer, token, tokens[position + 1])
        elif kind == "table_open" and token.map:
            _add_table(layer, token, masked, index)
        elif kind == "code_block" and token.map:
            layer.indented_code.append((token.map[0], token.map[1] - 1))
        elif kind == "fence" and token.map:
            layer.fences.append((token.map[0], token.map[1] - 1, token.info))
    return layer


def _add_footnote(layer: MarkdownLayer, token: Token) -> None:
    first, end = token.map or (0, 1)
    label = str((token.meta or {}).get("label", ""))
    layer.footnote_definitions.append(FootnoteDefinition(label, first, max(first, end - 1)))


def _add_heading(layer: MarkdownLayer, token: Token, inline: Token) -> None:
    text = inline.content.replace(PLACEHOLDER, "").strip()
    atx = token.markup.startswith("#")
    layer.headings.append(Heading(int(token.tag[1]), text, (token.map or (0, 0))[0], atx))


def _add_table(layer: MarkdownLayer, token: Token, masked: str, index: LineIndex) -> None:
    first, end = token.map or (0, 0)
    delimiter = masked[index.line_start(first + 1) : index.line_end(first + 1)].strip()
    piped = delimiter.startswith("|") and delimiter.endswith("|")
    layer.tables.append(Table(first, end - 1, piped))


@dataclass(frozen=True, slots=True)
class _SourceLine:
    """Where a content line starts in the text, and the content columns of `|` that were `\\|`."""

    start: int
    escapes: list[int]


@dataclass(frozen=True, slots=True)
class _ContentLines:
    """An inline token's content lines: where each starts in the content and in the text."""

    starts: list[int]  # content offsets, ascending
    lines: list[_SourceLine]

    def to_file(self, offset: int) -> int:
        """The text offset of a content offset (its line found by bisection: a paragraph can be
        one token of thousands of lines and links, and counting line breaks up to each link
        was quadratic — 31.6 s for a 1.9 MB paragraph of linked lines, `bench/big_articles.py`)."""
        number = bisect_right(self.starts, offset) - 1
        column = offset - self.starts[number]
        line = self.lines[number]
        return line.start + column + bisect_right(line.escapes, column - 1)


class _InlineMapper:
    """Maps offsets inside an inline token's content to offsets of the article text.

    markdown-it builds inline content from source lines minus a prefix (indentation, `> `, list
    markers, table cell borders), so each content line is found in its source line, searching
    left to right from where the previous token on that line ended (table cells share a line).
    """

    def __init__(self, masked: str, index: LineIndex, source: str) -> None:
        self.masked = masked
        self.index = index
        self.source = source
        self.cursor: dict[int, int] = {}

    def links(self, token: Token, in_footnote: bool) -> Iterator[Link]:
        """The links and images of an inline token whose content was parsed (it has a `[`)."""
        lines = self._line_offsets(token)
        for child in _walk(token.children or []):
            span = (child.meta or {}).get("span")
            if span is None or child.type not in ("link_open", "image"):
                continue
            start, end, label_end = span
            target = str(child.attrGet("href") or child.attrGet("src") or "")
            image = child.type == "image"
            opening = 2 if image else 1
            # The label from the file, not from the inline content: markdown-it's content has a
            # table cell's `\|` unescaped and the line prefixes of a quote or list item dropped
            # (a fix that wrote it back would break the row or the quote).
            file_start = lines.to_file(start)
            label_stop = lines.to_file(max(label_end, start + opening))
            yield Link(
                text=self.source[file_start + opening : label_stop],
                target=target,
                start=file_start,
                end=lines.to_file(end),
                image=image,
                in_footnote=in_footnote,
            )

    def _line_offsets(self, token: Token) -> _ContentLines:
        first = (token.map or (0, 0))[0]
        lines, starts, content_start = [], [], 0
        for number, line in enumerate(token.content.split("\n")):
            starts.append(content_start)
            content_start += len(line) + 1
            line0 = first + number
            line_start = self.index.line_start(line0)
            source = self.masked[line_start : self.index.line_end(line0)]
            cursor = self.cursor.get(line0, 0)
            found, escapes = (source.find(line, cursor) if line else -1), []
            if found == -1 and "|" in line:
                # A table cell's content has `\|` unescaped to `|`: find the escaped form and
                # remember where each dropped backslash was.
                found = source.find(line.replace("|", "\\|"), cursor)
                escapes = [i for i, char in enumerate(line) if char == "|"] if found != -1 else []
            if found == -1:
                found = len(source) - len(source.lstrip())
            self.cursor[line0] = found + len(line) + len(escapes)
            lines.append(_SourceLine(line_start + found, escapes))
        return _ContentLines(starts, lines)


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        # Image alt text is parsed from a separate source string: its spans are not ours.
        if token.children and token.type != "image":
            yield from _walk(token.children)
