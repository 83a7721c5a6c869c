"""The MDX layer: find ESM, JSX elements, `{…}` expressions, comments and code before Markdown.

CommonMark would read a line starting with ``<Aside>`` as an HTML block running to the next blank
line, and a Mermaid chart with blank lines inside its template literal would leak into the
Markdown. So this scanner walks the text first, records every MDX construct with its extent, and
`mask()` produces a copy of the same length and line breaks in which JSX syntax is blanked while
container children stay in place: markdown-it parses that copy and every offset maps 1:1 back.

The scanner is a single left-to-right pass that jumps between interesting characters with a
regex, so its cost is linear in the file size. It understands quotes, braces and template
literals (``${…}`` nesting included) inside tags and expressions.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from kblint.model import Problem

#: Masks inline syntax. Not white space and not Markdown punctuation, so a masked tag at the start
#: of a line cannot turn the line into an indented code block, a list item or a table delimiter.
PLACEHOLDER = "\ue000"

# MDX has no indented code, so a fence may be indented any amount (container children often
# are); in Markdown four spaces make an indented code block, so a fence has at most three.
_FENCE_MDX = re.compile(r"[ \t]*(`{3,}|~{3,})([^\n]*)")
_FENCE_MD = re.compile(r" {0,3}(`{3,}|~{3,})([^\n]*)")
_TAG_NAME = re.compile(r"[A-Za-z][\w.:-]*")
_ATTR_NAME = re.compile(r"[A-Za-z_$][\w:.$-]*")
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[^\s@<>\\]+@[^\s@<>\\]+)>")
_CLOSING_TAG = re.compile(r"</\s*([A-Za-z][\w.:-]*)?\s*>")
_ESM_START = re.compile(r"(?:import|export) ")
_ATX_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_SPECIAL_MDX = re.compile(r"[\\`<{\n]")
_SPECIAL_MD = re.compile(r"[\\`<\n]")
_SPECIAL_MDX_MATH = re.compile(r"[\\`<{$\n]")
_SPECIAL_MD_MATH = re.compile(r"[\\`<$\n]")
_DOLLARS = re.compile(r"\$+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_BLANK_TO_LINE_END = re.compile(r"[^\S\n]*(?:\n|\Z)")  # white space up to a line end
_BLANK_TO_BREAK = re.compile(r"[^\S\n]*\n")  # ... up to a line break
# What `_FENCE_MDX` / `_FENCE_MD` and `_ESM_START` can start with (kept next to them).
_LINE_OPENERS_MDX = frozenset(" \t`~ie")
_LINE_OPENERS_MD = frozenset(" `~")


@dataclass(frozen=True, slots=True)
class JsxAttribute:
    """`name="value"`, `name={expr}` (value is the source between the braces) or bare `name`."""

    name: str
    value: str | None
    is_expression: bool
    start: int
    end: int


@dataclass(slots=True)
class JsxElement:
    """A JSX element. Offsets are into the article text; `end` is exclusive.

    For a self-closing element `open_end == close_start == end`.
    """

    name: str
    attributes: tuple[JsxAttribute, ...]
    start: int
    open_end: int
    close_start: int = -1
    end: int = -1
    self_closing: bool = False
    block: bool = False
    container: bool = False

    @property
    def capitalised(self) -> bool:
        return self.name[:1].isupper()

    def attribute(self, name: str) -> str | None:
        for attr in self.attributes:
            if attr.name == name:
                return attr.value
        return None


@dataclass(frozen=True, slots=True)
class CodeBlock:
    """A fenced code block (fence lines included) or an indented one; lines are 0-based."""

    start: int
    end: int
    first_line: int
    last_line: int
    info: str
    fenced: bool


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


@dataclass(slots=True)
class MdxLayer:
    """Everything the scanner found in one article."""

    elements: list[JsxElement] = field(default_factory=list)
    expressions: list[Span] = field(default_factory=list)
    comments: list[Span] = field(default_factory=list)
    esm: list[Span] = field(default_factory=list)
    fences: list[CodeBlock] = field(default_factory=list)
    inline_code: list[Span] = field(default_factory=list)
    #: formulas (`$…$`, `$$…$$`, `$$` blocks) where the site renders math (config `math`)
    math: list[Span] = field(default_factory=list)
    #: JSX tags inside prose expressions (`{cond && <p className="x">Text</p>}`): not elements
    #: of the page's structure, but tags that the word count removes (spec §3.1 step 4)
    expression_tags: list[Span] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _Unterminated(Exception):
    """A tag, string or expression ran to the end of the text."""


class MdxScanner:
    """Scans one article body. Use :func:`scan`."""

    def __init__(self, text: str, start: int, mdx: bool, math: bool = True) -> None:
        self.text = text
        self.start = start
        self.mdx = mdx
        self.math = math
        #: where the formula the scan is in ends (-1: in none). Inside one, remark-math has the
        #: text, not MDX: a tag or `{` there is not a syntax error (see `_dollars`)
        self.math_end = -1
        self.layer = MdxLayer()
        self.open_stack: list[int] = []
        # After a construct runs to the end of the file, trying again at every later `{` or `<`
        # would make a broken file quadratic; the file cannot build anyway, so stop trying.
        self.expressions_enabled = mdx
        self.tags_enabled = True
        #: (searched from, found at) of the last search for a blank line: a paragraph with many
        #: unmatched backticks would otherwise search to its end once per backtick (quadratic)
        self.blank_line_after = (len(text) + 1, len(text))
        #: (offset, its 0-based line) last worked out: lines are counted from there, not from
        #: the start of the text (a fence's line, thousands of fences: quadratic otherwise)
        self.line_cursor = (0, 0)
        self.fence_pattern = _FENCE_MDX if mdx else _FENCE_MD
        #: The first characters of the lines `_line_start` may act on (a fence, ESM); at any
        #: other line start it returns where it began, so the call is skipped.
        self.line_openers = _LINE_OPENERS_MDX if mdx else _LINE_OPENERS_MD

    # -- driver -----------------------------------------------------------------------------

    def run(self) -> MdxLayer:
        text, pos, n = self.text, self.start, len(self.text)
        if self.math:
            special = _SPECIAL_MDX_MATH if self.mdx else _SPECIAL_MD_MATH
        else:
            special = _SPECIAL_MDX if self.mdx else _SPECIAL_MD
        pos = self._line_start(pos)
        while pos < n:
            match = special.search(text, pos)
            if match is None:
                break
            pos = match.start()
            char = text[pos]
            if char == "\n":
                pos += 1
                if text[pos : pos + 1] in self.line_openers:
                    pos = self._line_start(pos)
            elif char == "\\":
                pos += 2
            elif char == "`":
                pos = self._inline_code(pos)
            elif char == "<":
                pos = self._angle(pos)
            elif char == "$":
                pos = self._dollars(pos)
            else:
                pos = self._prose_expression(pos)
        self._close_unclosed()
        self._classify()
        return self.layer

    def _line_start(self, pos: int) -> int:
        """Handle constructs that only begin a line; return where inline scanning resumes."""
        text = self.text
        while pos < len(text):
            fence = self.fence_pattern.match(text, pos)
            if fence and not (fence.group(1)[0] == "`" and "`" in fence.group(2)):
                pos = self._fenced_block(pos, fence)
                continue
            if self.mdx and not self.open_stack and self._esm_allowed(pos):
                pos = self._esm_block(pos)
                continue
            return pos
        return pos

    def _esm_allowed(self, pos: int) -> bool:
        """MDX reads `import `/`export ` as ESM only at column 1 and not inside a paragraph
        (the line before is blank, a heading, or ESM itself, or the body starts here)."""
        if not _ESM_START.match(self.text, pos):
            return False
        if pos <= self.start or (self.layer.esm and self.layer.esm[-1].end == pos - 1):
            return True
        previous_start = self.text.rfind("\n", 0, pos - 1) + 1
        previous = self.text[previous_start : pos - 1]
        # A heading is a one-line block, so the line after it starts a new flow construct.
        return not previous.strip() or _ATX_HEADING.match(previous) is not None

    # -- block constructs -------------------------------------------------------------------

    def _fenced_block(self, pos: int, fence: re.Match[str]) -> int:
        text, marker = self.text, fence.group(1)
        closing = re.compile(rf"[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*(?:\n|$)")
        line_end = text.find("\n", pos)
        first_line = self._line_at(pos)
        cursor = len(text) if line_end == -1 else line_end + 1
        while cursor < len(text):
            if closing.match(text, cursor):
                end = text.find("\n", cursor)
                end = len(text) if end == -1 else end
                last_line = first_line + text.count("\n", pos, end)
                self._add_fence(pos, end, first_line, last_line, fence.group(2).strip())
                return end
            next_nl = text.find("\n", cursor)
            cursor = len(text) if next_nl == -1 else next_nl + 1
        self.layer.problems.append(
            Problem("mdx-unclosed", pos, f"code fence {marker} is never closed")
        )
        last_line = first_line + text.count("\n", pos)
        self._add_fence(pos, len(text), first_line, last_line, fence.group(2).strip())
        return len(text)

    def _line_at(self, pos: int) -> int:
        offset, line = self.line_cursor
        if pos < offset:
            offset, line = 0, 0
        line += self.text.count("\n", offset, pos)
        self.line_cursor = (pos, line)
        return line

    def _add_fence(self, start: int, end: int, first: int, last: int, info: str) -> None:
        self.layer.fences.append(CodeBlock(start, end, first, last, info, fenced=True))

    def _esm_block(self, pos: int) -> int:
        """An import/export statement: runs to the end of the line where its brackets balance."""
        text, depth, cursor = self.text, 0, pos
        while cursor < len(text):
            char = text[cursor]
            if char in "\"'`":
                try:
                    cursor = self._skip_string(cursor)
                except _Unterminated:
                    break
                continue
            if char in "([{":
                depth += 1
            elif char in ")]}":
                depth -= 1
            elif char == "\n" and depth <= 0:
                break
            cursor += 1
        self.layer.esm.append(Span(pos, cursor))
        return cursor

    # -- inline constructs ------------------------------------------------------------------

    def _inline_code(self, pos: int) -> int:
        text = self.text
        run_end = pos
        while run_end < len(text) and text[run_end] == "`":
            run_end += 1
        run = text[pos:run_end]
        limit = self._next_blank_line(run_end)
        search = run_end
        while True:
            found = text.find(run, search, limit)
            if found == -1:
                return run_end
            after = found + len(run)
            if after < len(text) and text[after] == "`":
                search = after
                while search < len(text) and text[search] == "`":
                    search += 1
                continue
            self.layer.inline_code.append(Span(pos, after))
            return after

    def _next_blank_line(self, pos: int) -> int:
        """Where the first blank line at or after `pos` starts (the end of the text if none)."""
        searched_from, found = self.blank_line_after
        if not searched_from <= pos <= found:  # no blank line starts in [searched_from, found)
            match = _BLANK_LINE.search(self.text, pos)
            found = len(self.text) if match is None else match.start()
            self.blank_line_after = (pos, found)
        return found

    def _prose_expression(self, pos: int) -> int:
        if not self.expressions_enabled:
            return pos + 1
        if pos < self.math_end:
            return self._expression_in_math(pos)
        try:
            end = self._skip_braces(pos)
        except _Unterminated:
            self.layer.problems.append(
                Problem("mdx-unclosed", pos, "expression `{` is never closed with `}`")
            )
            self.expressions_enabled = False
            return pos + 1
        inner = self.text[pos + 1 : end - 1].strip()
        if inner.startswith("/*") and inner.endswith("*/"):
            self.layer.comments.append(Span(pos, end))
        else:
            self.layer.expressions.append(Span(pos, end))
            if "<" in inner:
                self._tags_in_expression(pos + 1, end - 1)
        return end

    def _tags_in_expression(self, start: int, end: int) -> None:
        """Note the whole JSX tags between `start` and `end` (inside an expression): opening
        and self-closing ones as the scanner parses tags (attribute strings and `{…}` values may
        hold `>`), closing ones and fragments. A `<` that starts no whole tag (`a < b`) stays."""
        text, found = self.text, self.layer.expression_tags
        pos = text.find("<", start, end)
        while pos != -1:
            tag_end = -1
            if text.startswith("</", pos):
                closing = _CLOSING_TAG.match(text, pos, end)
                tag_end = closing.end() if closing else -1
            elif pos + 1 < end and (text[pos + 1].isalpha() or text[pos + 1] == ">"):
                try:
                    tag_end = self._parse_opening_tag(pos)[1]
                except (_Unterminated, ValueError):
                    tag_end = -1
            if 0 < tag_end <= end:
                found.append(Span(pos, tag_end))
                pos = text.find("<", tag_end, end)
            else:
                pos = text.find("<", pos + 1, end)

    # -- math (config `math`) ---------------------------------------------------------------

    def _dollars(self, pos: int) -> int:
        """A run of `$`. Where it opens a formula as remark-math reads one, note the formula's
        extent. The scan goes on inside: the tags and expressions there are recorded as
        elsewhere (the page record counts them as the reference system did, which knew no
        math); only their syntax errors are not MDX's (remark-math takes the text first), so
        none is reported inside a formula."""
        run = _DOLLARS.match(self.text, pos)
        assert run is not None  # called at a `$`
        run_end = run.end()
        if run_end <= self.math_end:
            return run_end  # the formula's own closing run
        end = self._display_math_end(pos, run_end) or self._inline_math_end(pos, run_end)
        if end is not None:
            self.layer.math.append(Span(pos, end))
            self.math_end = end
        return run_end

    def _display_math_end(self, pos: int, run_end: int) -> int | None:
        """A `$$` line opens a block up to a line of as many `$` or more (none: no block)."""
        text = self.text
        line_start = text.rfind("\n", 0, pos) + 1
        if run_end - pos < 2 or text[line_start:pos].strip(" \t"):
            return None
        line_end = text.find("\n", run_end)
        line_end = len(text) if line_end == -1 else line_end
        if "$" in text[run_end:line_end]:
            return None  # `$$x$$` on one line is inline math
        closing = _closing_math_fence(run_end - pos).search(text, line_end)
        return None if closing is None else closing.end(1)

    def _inline_math_end(self, pos: int, run_end: int) -> int | None:
        """Inline math ends at the next run of exactly as many `$`, within the paragraph."""
        size = run_end - pos
        for run in _DOLLARS.finditer(self.text, run_end, self._next_blank_line(run_end)):
            if run.end() - run.start() == size:
                return run.end()
        return None

    def _expression_in_math(self, pos: int) -> int:
        """A `{` inside a formula: an expression only if it closes inside the formula (so the
        record sees what it saw before math was known); never a problem."""
        try:
            end = self._skip_braces(pos)
        except _Unterminated:
            return pos + 1
        if end > self.math_end:
            return pos + 1
        self.layer.expressions.append(Span(pos, end))
        return end

    def _angle(self, pos: int) -> int:
        text = self.text
        if text.startswith("<!--", pos):
            end = text.find("-->", pos + 4)
            if end == -1:
                self.layer.problems.append(
                    Problem("mdx-unclosed", pos, "HTML comment `<!--` is never closed")
                )
                return pos + 4
            self.layer.comments.append(Span(pos, end + 3))
            return end + 3
        if not self.tags_enabled:
            return pos + 1
        autolink = _AUTOLINK.match(text, pos)
        if autolink:
            return autolink.end()
        if text.startswith("</", pos):
            return self._closing_tag(pos)
        if pos + 1 < len(text) and (text[pos + 1].isalpha() or text[pos + 1] == ">"):
            return self._opening_tag(pos)
        return pos + 1

    def _opening_tag(self, pos: int) -> int:
        if pos < self.math_end:
            return self._tag_in_math(pos)
        try:
            element, end = self._parse_opening_tag(pos)
        except _Unterminated:
            self.layer.problems.append(
                Problem("mdx-unclosed", pos, "tag `<` is never closed with `>`")
            )
            self.tags_enabled = False
            return pos + 1
        except ValueError as error:
            if self._strict_about(self.text[pos + 1 : pos + 2]):
                self.layer.problems.append(Problem("mdx-syntax", pos, str(error)))
            return pos + 1
        self.layer.elements.append(element)
        if not element.self_closing:
            self.open_stack.append(len(self.layer.elements) - 1)
        return end

    def _tag_in_math(self, pos: int) -> int:
        """`<` inside a formula (`$a<b$`): a tag only if a whole one fits in the formula."""
        try:
            element, end = self._parse_opening_tag(pos)
        except (_Unterminated, ValueError):
            return pos + 1
        if end > self.math_end:
            return pos + 1
        self.layer.elements.append(element)
        if not element.self_closing:
            self.open_stack.append(len(self.layer.elements) - 1)
        return end

    def _closing_tag(self, pos: int) -> int:
        match = _CLOSING_TAG.match(self.text, pos)
        if match is None:
            return pos + 2
        name = match.group(1) or ""
        names = [self.layer.elements[i].name for i in self.open_stack]
        if name not in names:
            if self._strict_about(name) and pos >= self.math_end:
                self.layer.problems.append(
                    Problem("mdx-syntax", pos, f"closing tag </{name}> has no matching opening tag")
                )
            return match.end()
        while self.open_stack:
            index = self.open_stack.pop()
            element = self.layer.elements[index]
            if element.name == name:
                element.close_start, element.end = pos, match.end()
                break
            self._report_unclosed(element)
            element.close_start = element.end = pos
        return match.end()

    def _strict_about(self, name: str) -> bool:
        """MDX is JSX: every tag must be well formed. Plain Markdown allows lenient HTML
        (`<br>`, `<p>` without a closing tag, unquoted attributes), so there only components
        (capitalised names) are held to JSX rules."""
        return self.mdx or name[:1].isupper()

    def _report_unclosed(self, element: JsxElement) -> None:
        if not self._strict_about(element.name) or self._in_formula(element.start):
            return
        label = element.name or "fragment"
        self.layer.problems.append(
            Problem("mdx-unclosed", element.start, f"<{label}> is never closed", element.open_end)
        )

    def _close_unclosed(self) -> None:
        for index in reversed(self.open_stack):
            element = self.layer.elements[index]
            self._report_unclosed(element)
            element.close_start = element.end = len(self.text)
        self.open_stack.clear()

    def _in_formula(self, pos: int) -> bool:
        """Whether `pos` lies in a formula found so far (they are found in order, apart)."""
        formulas = self.layer.math
        index = bisect_right(formulas, pos, key=lambda span: span.start) - 1
        return index >= 0 and pos < formulas[index].end

    # -- tag internals ----------------------------------------------------------------------

    def _parse_opening_tag(self, pos: int) -> tuple[JsxElement, int]:
        text = self.text
        name_match = _TAG_NAME.match(text, pos + 1)
        name = name_match.group(0) if name_match else ""
        cursor = name_match.end() if name_match else pos + 1
        attributes: list[JsxAttribute] = []
        while True:
            cursor = self._skip_space(cursor)
            if cursor >= len(text):
                raise _Unterminated
            char = text[cursor]
            if text.startswith("/>", cursor):
                end = cursor + 2
                return JsxElement(name, tuple(attributes), pos, end, end, end, True), end
            if char == ">":
                return JsxElement(name, tuple(attributes), pos, cursor + 1), cursor + 1
            if char == "{":
                end = self._skip_braces(cursor)
                attributes.append(
                    JsxAttribute("...", text[cursor + 1 : end - 1], True, cursor, end)
                )
                cursor = end
                continue
            attribute, cursor = self._parse_attribute(cursor, name)
            attributes.append(attribute)

    def _parse_attribute(self, pos: int, tag: str) -> tuple[JsxAttribute, int]:
        text = self.text
        match = _ATTR_NAME.match(text, pos)
        if match is None:
            raise ValueError(f"unexpected {text[pos]!r} in tag <{tag}>")
        cursor = self._skip_space(match.end())
        if cursor >= len(text) or text[cursor] != "=":
            return JsxAttribute(match.group(0), None, False, pos, match.end()), match.end()
        cursor = self._skip_space(cursor + 1)
        if cursor >= len(text):
            raise _Unterminated
        if text[cursor] in "\"'":
            end = text.find(text[cursor], cursor + 1)
            if end == -1:
                raise _Unterminated
            value = text[cursor + 1 : end]
            return JsxAttribute(match.group(0), value, False, pos, end + 1), end + 1
        if text[cursor] == "{":
            end = self._skip_braces(cursor)
            value = text[cursor + 1 : end - 1]
            return JsxAttribute(match.group(0), value, True, pos, end), end
        raise ValueError(f"attribute {match.group(0)} of <{tag}> needs a quoted or {{…}} value")

    def _skip_space(self, pos: int) -> int:
        text = self.text
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        return pos

    def _skip_braces(self, pos: int) -> int:
        """From a `{`, return the offset after its matching `}` (JS strings and comments aware)."""
        text, depth, cursor = self.text, 0, pos
        n = len(text)
        while cursor < n:
            char = text[cursor]
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    return cursor + 1
            elif char in "\"'`":
                cursor = self._skip_string(cursor)
                continue
            elif char == "/" and text.startswith("/*", cursor):
                end = text.find("*/", cursor + 2)
                if end == -1:
                    raise _Unterminated
                cursor = end + 2
                continue
            elif char == "/" and text.startswith("//", cursor):
                end = text.find("\n", cursor)
                cursor = n if end == -1 else end
                continue
            cursor += 1
        raise _Unterminated

    def _skip_string(self, pos: int) -> int:
        """From an opening quote or backtick, return the offset after the closing one."""
        text, quote, cursor = self.text, self.text[pos], pos + 1
        n = len(text)
        while cursor < n:
            char = text[cursor]
            if char == "\\":
                cursor += 2
                continue
            if char == quote:
                return cursor + 1
            if quote == "`" and text.startswith("${", cursor):
                cursor = self._skip_braces(cursor + 1)
                continue
            if char == "\n" and quote != "`":
                # JS string literals cannot span lines; JSX attribute strings are parsed apart.
                raise _Unterminated
            cursor += 1
        raise _Unterminated

    # -- classification ---------------------------------------------------------------------

    def _classify(self) -> None:
        for element in self.layer.elements:
            element.block = _alone_on_lines(self.text, element.start, element.end)
            element.container = not element.self_closing and _is_container(self.text, element)


# Both tests look only as far as the nearest character that is not white space, never at the
# whole line: a long line holding thousands of elements made slicing it per element quadratic.


def _alone_on_lines(text: str, start: int, end: int) -> bool:
    """True when only white space precedes `start` on its line and follows `end` on its line."""
    return _blank_before(text, start) and _BLANK_TO_LINE_END.match(text, end) is not None


def _is_container(text: str, element: JsxElement) -> bool:
    """Spec §3.1: the opening tag ends its line and the closing tag starts a later line."""
    rest_of_line = _BLANK_TO_BREAK.match(text, element.open_end)
    if rest_of_line is None:
        return False
    # the closing tag is on a later line when it comes after the opening tag's line break
    return element.close_start >= rest_of_line.end() and _blank_before(text, element.close_start)


def _blank_before(text: str, pos: int) -> bool:
    """Only white space between the start of `pos`'s line and `pos`."""
    while pos > 0:
        char = text[pos - 1]
        if char == "\n":
            return True
        if not char.isspace():
            return False
        pos -= 1
    return True


def scan(text: str, body_start: int, mdx: bool, math: bool = True) -> MdxLayer:
    """Scan `text` from `body_start` (the first offset after the frontmatter); `math`: the site
    renders `$…$` as math (config `math`)."""
    return MdxScanner(text, body_start, mdx, math).run()


@functools.cache
def _closing_math_fence(size: int) -> re.Pattern[str]:
    """A line of at least `size` `$` (and white space): what closes a `$$` block (group 1)."""
    return re.compile(rf"^[ \t]*(\${{{size},}})[ \t]*$", re.MULTILINE)


def mask(text: str, layer: MdxLayer) -> str:
    """Blank ESM, comments, expressions and JSX tags; keep length, line breaks and children.

    A span that has its lines to itself is blanked with spaces, so it becomes blank lines and
    separates Markdown blocks the way MDX flow elements do; a span inside prose is blanked with
    PLACEHOLDER characters so the surrounding paragraph, table row or heading stays intact.
    """
    spans: list[tuple[int, int]] = [(s.start, s.end) for s in layer.esm]
    spans += [(s.start, s.end) for s in layer.comments]
    spans += [(s.start, s.end) for s in layer.expressions]
    for element in layer.elements:
        spans.append((element.start, element.open_end))
        if not element.self_closing and element.close_start < element.end:
            spans.append((element.close_start, element.end))
    if not spans:
        return text
    pieces: list[str] = []
    cursor = 0
    for span_start, end in sorted(spans):
        start = max(span_start, cursor)
        if start >= end:
            continue
        pieces.append(text[cursor:start])
        filler = " " if _alone_on_lines(text, start, end) else PLACEHOLDER
        pieces.append(blank(text[start:end], filler))
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def blank(segment: str, filler: str) -> str:
    """Replace every character but line breaks with `filler`."""
    return "\n".join(filler * len(part) for part in segment.split("\n"))
