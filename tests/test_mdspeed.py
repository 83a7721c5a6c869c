"""The stand-ins of kblint.mdspeed compute exactly what markdown-it-py computes."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.rules_block.state_block import StateBlock

from conftest import EXAMPLE_KB, FIXTURES
from kblint import markdown, mdspeed
from kblint.article import read_article
from kblint.mdspeed import line_markers, table_rule

_TABLE_MODULE = importlib.import_module("markdown_it.rules_block.table")

# Lines of blanks, tabs, pipes and backslashes are where the two loops have their edge cases.
_TEXT = st.text(alphabet=" \t\n|\\a-:", max_size=60)


def _library_markers(src: str) -> tuple[list[int], ...]:
    state = StateBlock(src, markdown.configured(True), {}, [])
    return state.bMarks, state.eMarks, state.tShift, state.sCount


@pytest.mark.parametrize(
    "src",
    ["", " ", "\n", "a", "a\n", "a\n  ", "a\n\t", "\n\n", "  \n  x", "\t x\n \tx\n  \t\tx", " \t"],
)
def test_line_markers_match_the_library_on_edge_cases(src: str) -> None:
    assert line_markers(src) == _library_markers(src)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_line_markers_match_the_library(src: str) -> None:
    assert line_markers(src) == _library_markers(src)


def test_a_tab_in_the_indent_expands_to_the_next_stop_of_four() -> None:
    begins, ends, shifts, widths = line_markers(" \tx\n\t\t y\n")
    assert (begins, ends, shifts, widths) == ([0, 4, 9], [3, 8, 9], [2, 3, 0], [4, 9, 0])


@settings(max_examples=300, deadline=None)
@given(_TEXT.filter(lambda s: "\n" not in s))
def test_rows_split_as_the_library_splits_them(row: str) -> None:
    rebound = table_rule().__globals__["escapedSplit"]
    assert rebound(row) == _TABLE_MODULE.escapedSplit(row)


def test_the_table_rule_is_rebound_and_the_library_left_alone() -> None:
    rule = table_rule()
    assert rule is not _TABLE_MODULE.table
    assert rule.__code__ is _TABLE_MODULE.table.__code__
    assert _TABLE_MODULE.table.__globals__["escapedSplit"] is _TABLE_MODULE.escapedSplit


def _shape(tokens: list[Any] | None) -> list[tuple[Any, ...]]:
    return [
        (t.type, t.tag, t.map, t.content, t.info, t.markup, t.attrs, t.meta, _shape(t.children))
        for t in tokens or []
    ]


# every readable article of the example KB and the fixtures (one fixture is unreadable on
# purpose: it has nothing to parse)
_ARTICLES = [
    path
    for path in sorted(
        [*EXAMPLE_KB.rglob("*.mdx"), *FIXTURES.rglob("*.mdx"), *FIXTURES.rglob("*.md")], key=str
    )
    if read_article(path, path.name).readable
]


@pytest.mark.parametrize("path", _ARTICLES, ids=lambda p: p.relative_to(p.parents[2]).as_posix())
def test_whole_parses_match_token_for_token(path: Path) -> None:
    article = read_article(path, path.name)
    mdx = path.suffix == ".mdx"
    fast = markdown.parser(mdx).parse(article.masked, {})
    plain = markdown.configured(mdx).parse(article.masked, {})
    assert _shape(fast) == _shape(plain)


@pytest.mark.parametrize("mdx", [True, False])
def test_the_fast_table_rule_keeps_its_terminator_chains(mdx: bool) -> None:
    def chains(md: Any) -> dict[str, list[str]]:
        return {rule.name: rule.alt for rule in md.block.ruler.__rules__}

    assert chains(markdown.parser(mdx)) == chains(markdown.configured(mdx))


def test_the_articles_checked_have_tables_and_indented_lines() -> None:
    """The token-for-token test is only worth something if the articles exercise both loops."""
    texts = [read_article(p, p.name).masked for p in _ARTICLES]
    assert sum("|---" in t or "| ---" in t for t in texts) >= 5
    assert sum("\n   " in t for t in texts) >= 20
    assert any("\\|" in t for t in texts)


# -- block dispatch -------------------------------------------------------------------------

# How a line may start: every block opener, near misses, and plain text.
_STARTERS = [
    "# ",
    "## ",
    "#x",
    "> ",
    ">",
    "- ",
    "* ",
    "+ ",
    "-",
    "1. ",
    "12) ",
    "1x",
    "---",
    "***",
    "___",
    "- - -",
    "```",
    "~~~",
    "``",
    "[a]: /x",
    "[a]:",
    "[^1]: ",
    "[^1]:",
    "[x]",
    "| a | b |",
    "|---|---|",
    "--- | ---",
    ":-:",
    "a | b",
    "<div>",
    "===",
    "text ",
    "",
]
# Lines that open (or nearly open) every kind of block, indented or not, with some text after.
_LINE = st.builds(
    "".join,
    st.tuples(
        st.sampled_from(["", " ", "  ", "   ", "    ", "\t", "> ", "- ", "1. "]),
        st.sampled_from(_STARTERS),
        st.text(alphabet=" #>*-_+1.)[]^:|`~=ab", max_size=8),
    ),
)
_BLOCKS = st.lists(_LINE, max_size=12).map("\n".join)


def _rules_with_openers(mdx: bool) -> list[tuple[Any, Any]]:
    rules = markdown.configured(mdx).block.ruler.getRules("")
    known = mdspeed._known_openers()
    return [(rule, mdspeed._opener(rule, known)) for rule in rules]


@pytest.mark.parametrize("mdx", [True, False])
def test_the_dispatcher_knows_the_opening_characters_of_the_rules_kblint_uses(mdx: bool) -> None:
    """If a new markdown-it-py renamed or rebuilt a rule, it would silently be tried on every
    line again: correct but slow. This says which rules are dispatched."""
    openers = {getattr(rule, "__name__", "?"): opener for rule, opener in _rules_with_openers(mdx)}
    assert openers == {
        "table": ("next", "|-:"),
        **({} if mdx else {"code": None}),
        "_fence_rule": ("line", "~`"),
        "blockquote": ("line", ">"),
        "hr": ("line", "*-_"),
        "list_block": ("line", "*-+0123456789"),
        "footnote_def": ("line", "["),
        "reference": ("line", "["),
        "heading": ("line", "#"),
        "lheading": None,
        "paragraph": None,
    }


def _first_char(state: StateBlock, line: int) -> str:
    begin = state.bMarks[line] + state.tShift[line]
    return state.src[begin] if begin < len(state.src) else ""


@settings(max_examples=400, deadline=None)
@given(_BLOCKS, st.booleans(), st.sampled_from(["root", "paragraph", "list", "blockquote"]))
def test_a_rule_fails_on_every_line_without_its_opening_character(
    src: str, silent: bool, parent: str
) -> None:
    """What the dispatcher relies on, asked of the rules themselves: on a line whose first
    character (the next line's, for a table) is not an opener, the rule returns False and
    leaves the state as it was."""
    md = markdown.configured(True)
    for rule, opener in _rules_with_openers(True):
        if opener is None:
            continue
        state = StateBlock(src, md, {}, [])
        state.parentType = parent
        for line in range(state.lineMax):
            looked_at = line if opener[0] == "line" else line + 1
            char = _first_char(state, looked_at) if looked_at <= state.lineMax else ""
            if char and char in opener[1]:
                continue
            assert not rule(state, line, state.lineMax, silent), (rule, line)
            assert (state.tokens, state.line) == ([], 0)


@settings(max_examples=400, deadline=None)
@given(_BLOCKS, st.booleans())
def test_dispatched_parses_match_the_library_token_for_token(src: str, mdx: bool) -> None:
    assert _shape(markdown.parser(mdx).parse(src, {})) == _shape(
        markdown.configured(mdx).parse(src, {})
    )


def test_a_rule_with_no_known_opener_is_tried_on_every_line() -> None:
    def anywhere(state: StateBlock, line: int, end: int, silent: bool) -> bool:
        return False

    assert mdspeed._opener(anywhere, mdspeed._known_openers()) is None


# -- the reduced inline parse ---------------------------------------------------------------

# Pieces of inline Markdown around links: brackets, emphasis, code spans, entities, escapes,
# hard breaks, autolinks, footnote and reference links.
_INLINE = [
    *("[", "]", "(", ")", "[a]", "(/x)", "[a](/x)", "![i](/p.png)", "*", "_", "**", "`", "``"),
    *("&#91;", "&amp;", "\\", "\\[", "  \n", "\n", "<", ">", "<http://x.y>", "[^1]", "[^1]: n\n"),
    *("[r]: /ref\n", "[r]", "[r][]", "[t][r]", "a", " ", "b c", '"', "!", "|", "#"),
]


def _full_parser() -> Any:
    from markdown_it import MarkdownIt  # noqa: PLC0415
    from mdit_py_plugins.footnote import footnote_plugin  # noqa: PLC0415

    md = MarkdownIt("commonmark", {"html": False}).enable("table").use(footnote_plugin)
    md.core.ruler.disable("footnote_tail")
    return md


def _links_of(tokens: list[Any]) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for token in tokens:
        if token.type == "link_open" and token.markup != "autolink":
            found.append(("link", token.attrGet("href")))
        elif token.type == "image":
            found.append(("image", (token.attrGet("src"), token.content)))
        elif token.type == "footnote_ref":
            found.append(("footnote", token.meta["label"]))
        found += _links_of(token.children or [])
    return found


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_INLINE), max_size=25).map("".join), st.booleans())
def test_the_reduced_inline_parse_finds_the_links_a_full_parse_finds(src: str, mdx: bool) -> None:
    """kblint parses inline content only where there is a `[`, without the emphasis, entity and
    line-break rules: the links, images and footnote references (autolinks are not links to
    kblint) must be those of the library's full parse."""
    assert _links_of(markdown.parser(mdx).parse(src, {})) == _links_of(
        _full_parser().parse(src, {})
    )


# -- the narrowed text rule -----------------------------------------------------------------

# Characters at which the library's text rule stops although no rule kblint keeps starts there,
# beside ones where a kept rule does start (`^[` inline footnotes, escapes of each).
_STOPS = ["^", "^[n]", "-", ":", "$", "{", "}", "~", "=", "%", "+", "@", "#", "\\]", "\\*", "&"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([*_INLINE, *_STOPS]), max_size=25).map("".join), st.booleans())
def test_the_narrowed_text_rule_gives_the_library_tokens(src: str, mdx: bool) -> None:
    assert _shape(markdown.parser(mdx).parse(src, {})) == _shape(
        markdown.configured(mdx).parse(src, {})
    )


@pytest.mark.skipif(
    not hasattr(markdown.configured(True).inline, "terminator_re"),
    reason="this markdown-it-py's text rule has no terminator pattern to narrow",
)
def test_the_text_rule_stops_only_where_a_kept_rule_starts() -> None:
    assert markdown.parser(True).inline.terminator_re.pattern == r"[!<\[\\\]\^`]"
    assert markdown.parser(False).inline.terminator_re.pattern == r"[!<\[\\\]\^`]"
    # a rule that is enabled adds its characters
    md = markdown.configured(True)
    md.enable("emphasis")
    mdspeed.narrow_text_rule(md)
    assert md.inline.terminator_re.pattern == r"[!\*<\[\\\]\^_`]"


def test_an_unknown_inline_rule_keeps_the_library_stops() -> None:
    md = markdown.configured(True)
    library = getattr(md.inline, "terminator_re", None)
    md.inline.ruler.push("mention", lambda state, silent: False)
    mdspeed.narrow_text_rule(md)
    assert getattr(md.inline, "terminator_re", None) is library


# -- plain link destinations ----------------------------------------------------------------

_DESTINATION_PIECES = [
    *("https://example.org/a", "/x", "a", ".", "#h", "?q=1", "%20", " ", "\t", "\n", "\x7f"),
    *("\x01", "(", ")", "<", ">", "\\", "\\)", "\\ ", "&amp;", "&#40;", "&bogus;", '"t"', "é"),
]


def _fields(result: Any) -> tuple[Any, ...]:
    return (result.ok, result.pos, result.str) if result.ok else (False,)


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(st.sampled_from(_DESTINATION_PIECES), max_size=12).map("".join),
    st.integers(0, 40),
    st.integers(0, 50),
)
def test_plain_destinations_read_as_the_library_reads_them(src: str, pos: int, end: int) -> None:
    library = importlib.import_module("markdown_it.helpers").parseLinkDestination
    fast = markdown.parser(True).helpers.parseLinkDestination
    assert _fields(fast(src, pos, end)) == _fields(library(src, pos, end))


def test_the_library_helpers_are_left_alone() -> None:
    helpers = importlib.import_module("markdown_it.helpers")
    assert markdown.parser(True).helpers is not helpers
    assert markdown.configured(True).helpers is helpers
    assert helpers.parseLinkDestination.__module__ == "markdown_it.helpers.parse_link_destination"
    # the parser's other helpers are the library's own
    assert markdown.parser(True).helpers.parseLinkLabel is helpers.parseLinkLabel
