"""Equivalent, faster stand-ins for parts of markdown-it-py's block parser.

Of the ~1.8 ms markdown-it-py took over a 20 KB article, ~0.3 ms went to two Python loops that
`str` methods do at C speed (1.83 -> 1.50 ms an article on the 700-article benchmark KB):

- every block state scans each line's leading blanks a character at a time to find where the
  content starts; the masked text kblint parses has whole lines of spaces (the blanked
  frontmatter, JSX and expressions): ~6% of its characters are such leading blanks;
- the GFM table rule splits every row at `|` a character at a time, to honour `\\|`.

A third, `dispatch_block_rules`, stops trying block rules on lines that cannot open them;
`narrow_text_rule` lets the inline `text` rule run on past characters no enabled rule starts at;
and `plain_link_destinations` reads a link's destination with a regex where it has no escape, no
parenthesis and no `<`.

All compute exactly what the library computes: `line_markers` is compared with `StateBlock`'s
markers, the table rule is the library's own rule with its row splitter given a fast path for
rows without a backslash (where splitting at every `|` is the same list), and every opening
character the dispatcher relies on is checked against the rule itself.
`tests/test_mdspeed.py` checks them against the library, and whole parses token for token.
"""

from __future__ import annotations

import importlib
import re
import types
from collections.abc import Callable
from types import CodeType
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_block.state_block import StateBlock
    from markdown_it.token import Token

BlockRule: TypeAlias = "Callable[[StateBlock, int, int, bool], bool]"
#: whose first non-blank character a rule tests first: its own line's or the next line's
LookAt = Literal["line", "next"]
Opener: TypeAlias = "tuple[LookAt, str] | None"  # None: the rule may match on any line

#: (begin, end, first non-blank, indent width with tabs expanded) of every line, as lists.
Markers = tuple[list[int], list[int], list[int], list[int]]


def line_markers(src: str) -> Markers:
    """`StateBlock`'s bMarks, eMarks, tShift and sCount of `src`, with the trailing sentinel
    entry. A last line without a line break that holds only blanks gets no entry (nor does the
    empty remainder after a final line break), as in the library."""
    lines = src.split("\n")
    if not lines[-1].strip(" \t"):
        lines.pop()
    begins, ends, shifts, widths = [], [], [], []
    start = 0
    for line in lines:
        blanks = len(line) - len(line.lstrip(" \t"))
        begins.append(start)
        start += len(line)
        ends.append(start)
        start += 1
        shifts.append(blanks)
        widths.append(_width(line[:blanks]) if "\t" in line[:blanks] else blanks)
    length = len(src)
    begins.append(length)
    ends.append(length)
    shifts.append(0)
    widths.append(0)
    return begins, ends, shifts, widths


def _width(blanks: str) -> int:
    """Columns of a run of spaces and tabs, tab stops every 4 (CommonMark)."""
    width = 0
    for char in blanks:
        width += 4 - width % 4 if char == "\t" else 1
    return width


def speed_up(md: MarkdownIt) -> None:
    """Install both stand-ins in a configured parser (rules and options stay as they are)."""
    from markdown_it.parser_block import ParserBlock  # noqa: PLC0415 - loaded with the parser
    from markdown_it.rules_block.state_block import StateBlock  # noqa: PLC0415

    class MarkedState(StateBlock):
        """A block state whose line markers come from `line_markers`."""

        def __init__(self, src: str, md: MarkdownIt, env: Any, tokens: list[Token]) -> None:
            super().__init__("", md, env, tokens)  # every other field, without the scan
            self.src = src
            self.bMarks, self.eMarks, self.tShift, self.sCount = line_markers(src)
            self.bsCount = [0] * len(self.bMarks)
            self.lineMax = len(self.bMarks) - 1

    class MarkedParser(ParserBlock):
        def parse(
            self, src: str, md: MarkdownIt, env: Any, outTokens: list[Token]
        ) -> list[Token] | None:
            if not src:
                return None
            state = MarkedState(src, md, env, outTokens)
            self.tokenize(state, state.line, state.lineMax)
            return state.tokens

    parser = MarkedParser()
    parser.ruler = md.block.ruler
    md.block = parser
    # `at` replaces a rule's terminator chains too: keep the table's (a table may interrupt a
    # paragraph), or a table right after a line of text would be read as more paragraph
    rules = getattr(md.block.ruler, "__rules__", [])
    table = next((rule for rule in rules if rule.name == "table"), None)
    alt = list(table.alt) if table is not None else ["paragraph", "reference"]
    md.block.ruler.at("table", table_rule(), {"alt": alt})
    dispatch_block_rules(md)
    narrow_text_rule(md)
    plain_link_destinations(md)


def table_rule() -> Callable[..., bool]:
    """markdown-it-py's table rule, its row splitter given the fast path; the rule itself when
    this version of the library splits rows some other way."""
    module = importlib.import_module("markdown_it.rules_block.table")
    rule: types.FunctionType = module.table
    split = getattr(module, "escapedSplit", None)
    if split is None or "escapedSplit" not in rule.__code__.co_names:
        return rule

    def split_row(row: str) -> list[str]:
        return row.split("|") if "\\" not in row else list(split(row))

    # The same code object with one global rebound: the library's module is left untouched.
    rebound = {**rule.__globals__, "escapedSplit": split_row}
    return types.FunctionType(
        rule.__code__, rebound, rule.__name__, rule.__defaults__, rule.__closure__
    )


# --------------------------------------------------------------------------- inline text

#: The characters each inline rule of markdown-it and its footnote plugin can start at, by rule
#: name ("" for the text rule itself).
_INLINE_OPENERS = {
    "text": "",
    "linkify": ":",
    "newline": "\n",
    "escape": "\\",
    "backticks": "`",
    "strikethrough": "~",
    "emphasis": "*_",
    "link": "[",
    "image": "!",
    "autolink": "<",
    "html_inline": "<",
    "entity": "&",
    "footnote_inline": "^",
    "footnote_ref": "[",
}


def narrow_text_rule(md: MarkdownIt) -> None:
    """Let the inline `text` rule stop only where an enabled rule can start.

    The rule consumes text up to the next of some twenty characters (`*`, `-`, `:`, `$`, `{`,
    ...) that a rule of the full set may start at; at each one every enabled rule is tried, and
    with the reduced set kblint uses (no emphasis, entities, line breaks) all of them fail and
    the character joins the pending text, as it would have without the stop. The tokens are the
    same; a parse is 5-8% faster on the benchmark KB. `]` stays: link labels are found by
    skipping tokens up to it. Left as it is when the library's text rule works another way
    (markdown-it-py before 4) or a rule not listed above is enabled.
    """
    inline = md.inline
    names = [rule.name for rule in getattr(inline.ruler, "__rules__", []) if rule.enabled]
    if not hasattr(inline, "terminator_re") or not names:
        return
    if any(name not in _INLINE_OPENERS for name in names):
        return
    stops = sorted(set("]" + "".join(_INLINE_OPENERS[name] for name in names)))
    inline.terminator_re = re.compile("[" + re.escape("".join(stops)) + "]")


# --------------------------------------------------------------------------- link destinations

#: A destination without `<`, `\\`, `(` or `)`: characters up to a blank, a control character or
#: the end. markdown-it-py reads it a character at a time (~10 µs for a typical URL).
_PLAIN_DESTINATION = re.compile(r"[^\x00-\x20\x7f\\()]+")


class _Destination:
    """What the link rules read of a parsed destination (the library's result has the same
    three fields)."""

    __slots__ = ("ok", "pos", "str")

    def __init__(self, end: int, destination: str) -> None:
        self.ok = True
        self.pos = end
        self.str = destination


def plain_link_destinations(md: MarkdownIt) -> None:
    """Give the parser its own helpers, whose `parseLinkDestination` reads a plain destination
    with one regex match and hands every other one (`<…>`, escapes, parentheses, none at all)
    to the library's function; the library's module is left untouched."""
    library = md.helpers
    parse_destination = getattr(library, "parseLinkDestination", None)
    unescape = getattr(importlib.import_module("markdown_it.common.utils"), "unescapeAll", None)
    names = getattr(library, "__dict__", None)
    if parse_destination is None or unescape is None or names is None:
        return

    def parse(string: str, pos: int, maximum: int) -> Any:
        match = _PLAIN_DESTINATION.match(string, pos, maximum)
        if match is None or string.startswith("<", pos):
            return parse_destination(string, pos, maximum)
        end = match.end()
        if end < maximum and string.startswith(("\\", "("), end):
            return parse_destination(string, pos, maximum)
        # stopped at the end, a blank, a control character or a `)` that closes the link: the
        # library stops there too, with entities decoded (there is no escape to undo)
        return _Destination(end, unescape(string[pos:end]))

    helpers = {name: value for name, value in names.items() if not name.startswith("_")}
    helpers["parseLinkDestination"] = parse
    setattr(md, "helpers", types.SimpleNamespace(**helpers))  # noqa: B010 - mypy: a module


# --------------------------------------------------------------------------- block dispatch

#: Block rules whose first test that can fail is a character: the first non-blank character of
#: the line (or, for a table, of the line after it) must be one of these. Any other rule
#: (paragraph, setext heading, indented code, a plugin's rule) is tried on every line.
_OPENERS: dict[str, tuple[LookAt, str]] = {
    "markdown_it.rules_block.blockquote:blockquote": ("line", ">"),
    "markdown_it.rules_block.hr:hr": ("line", "*-_"),
    "markdown_it.rules_block.list:list_block": ("line", "*-+0123456789"),
    "markdown_it.rules_block.reference:reference": ("line", "["),
    "markdown_it.rules_block.heading:heading": ("line", "#"),
    "markdown_it.rules_block.html_block:html_block": ("line", "<"),
    "mdit_py_plugins.footnote.index:footnote_def": ("line", "["),
    "markdown_it.rules_block.table:table": ("next", "|-:"),
}


def dispatch_block_rules(md: MarkdownIt) -> None:
    """Replace each chain of block rules by one rule that tries, in the chain's order, only the
    rules whose opening character the line has.

    The block parser tries every rule on every line that starts a block, and a paragraph tries
    the rules that may interrupt it on each of its lines; most of those calls fail at their
    first test (a `#` for a heading, a `>` for a quote). A skipped rule is one that would have
    returned False without touching the state, so tokens are the same (`tests/test_mdspeed.py`
    compares whole parses with the library's). 1.36 -> 1.22 ms an article on the 700-article
    benchmark KB.
    """
    ruler = md.block.ruler
    ruler.getRules("")  # compiles the chains
    chains = getattr(ruler, "__cache__", None)
    if not isinstance(chains, dict):
        return  # a library that keeps its chains elsewhere: every rule is tried, as there
    openers = _known_openers()
    for name, rules in chains.items():
        if rules:
            chains[name] = [_dispatcher([(rule, _opener(rule, openers)) for rule in rules])]


def _known_openers() -> dict[CodeType, tuple[LookAt, str]]:
    """`_OPENERS` by code object: a rebound copy (`table_rule`) shares its original's code."""
    openers: dict[CodeType, tuple[LookAt, str]] = {}
    for name, opener in _OPENERS.items():
        module, function = name.split(":")
        try:
            rule = getattr(importlib.import_module(module), function)
        except (ImportError, AttributeError):
            continue  # not in this version: a rule of that name is tried on every line
        openers[rule.__code__] = opener
    return openers


def _opener(rule: Callable[..., bool], known: dict[CodeType, tuple[LookAt, str]]) -> Opener:
    code = getattr(rule, "__code__", None)
    if code is None:
        return None
    fence = getattr(importlib.import_module("markdown_it.rules_block.fence"), "fence", None)
    if fence is not None and code is fence.__code__ and rule.__closure__:
        # every fence rule `make_fence_rule` makes shares this code; its markers are its own
        cells = dict(zip(code.co_freevars, rule.__closure__, strict=True))
        markers = cells.get("markers")
        return ("line", "".join(markers.cell_contents)) if markers else None
    return known.get(code)


def _dispatcher(rules: list[tuple[BlockRule, Opener]]) -> BlockRule:
    # Characters that open no rule all choose the same rules: they share the key "", which keeps
    # the memo small whatever the script of the text (two arbitrary characters would not).
    line_chars = "".join(opener[1] for _, opener in rules if opener and opener[0] == "line")
    next_chars = "".join(opener[1] for _, opener in rules if opener and opener[0] == "next")
    chosen_for: dict[tuple[str, str], tuple[BlockRule, ...]] = {}

    def choose(first: str, next_first: str) -> tuple[BlockRule, ...]:
        def may_open(opener: Opener) -> bool:
            if opener is None:
                return True
            char = first if opener[0] == "line" else next_first
            return bool(char) and char in opener[1]

        return tuple(rule for rule, opener in rules if may_open(opener))

    def dispatch(state: StateBlock, line: int, end: int, silent: bool) -> bool:
        src = state.src
        begin = state.bMarks[line] + state.tShift[line]
        # the character the rules test first; "" past the text or when it opens no rule
        first = src[begin] if begin < len(src) else ""
        if first not in line_chars:
            first = ""
        next_first = ""
        if next_chars and line + 2 <= end:  # a table needs its delimiter row
            after = state.bMarks[line + 1] + state.tShift[line + 1]
            if after < state.eMarks[line + 1] and src[after] in next_chars:
                next_first = src[after]
        key = (first, next_first)
        chosen = chosen_for.get(key)
        if chosen is None:
            chosen = chosen_for[key] = choose(first, next_first)
        for rule in chosen:  # noqa: SIM110 - a loop: `any()` over a generator is slower here
            if rule(state, line, end, silent):
                return True
        return False

    return dispatch
