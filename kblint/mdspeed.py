"""Equivalent, faster stand-ins for two loops of markdown-it-py's block parser.

Of the ~1.8 ms markdown-it-py took over a 20 KB article, ~0.3 ms went to two Python loops that
`str` methods do at C speed (1.83 -> 1.50 ms an article on the 700-article benchmark KB):

- every block state scans each line's leading blanks a character at a time to find where the
  content starts; the masked text kblint parses has whole lines of spaces (the blanked
  frontmatter, JSX and expressions): ~6% of its characters are such leading blanks;
- the GFM table rule splits every row at `|` a character at a time, to honour `\\|`.

Both stand-ins compute exactly what the library computes: `line_markers` is compared with
`StateBlock`'s markers, and the table rule is the library's own rule with its row splitter
given a fast path for rows without a backslash (where splitting at every `|` is the same list).
`tests/test_mdspeed.py` checks both against the library, and whole parses token for token.
"""

from __future__ import annotations

import importlib
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

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
    table = next(rule for rule in md.block.ruler.__rules__ if rule.name == "table")
    md.block.ruler.at("table", table_rule(), {"alt": list(table.alt)})


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
