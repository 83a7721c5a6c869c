"""MDX syntax check (KB004): exact messages, positions and fix edits, the math switch,
component resolution, ESM blocks and the expression heuristic."""

from __future__ import annotations

from itertools import pairwise
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import NOW, article_from_text
from kblint.checks import FileContext, Hit
from kblint.checks.mdx import _SINGLE_DOLLAR, mdx_syntax, plausible_expression
from kblint.config import Components, Config
from kblint.discovery import PageIdentity
from kblint.mdx import _BLANK_LINE, MdxScanner, _alone_on_lines, _is_container
from kblint.record import build
from kblint.registries import Registries
from kblint.rulebook import builtin

HEAD = "---\ntitle: Compute Thresholds\n---\nimport {EntityLink, R} from '@components/wiki';\n\n"
MDX = "knowledge-base/responses/compute-thresholds.mdx"


def run(text: str, config: Config | None = None, rel_path: str = MDX) -> list[tuple[Hit, int, int]]:
    """Hits with their 1-based line and column."""
    config = config or Config()
    article = article_from_text(text, rel_path, config.math)
    record = build(article, PageIdentity.from_rel_path(rel_path), config, NOW)
    found = []
    for hit in mdx_syntax(FileContext(article, record, config, Registries()), {}):
        assert hit.offset is not None
        position = article.position(hit.offset)
        found.append((hit, position.line, position.column))
    return found


def where(text: str, config: Config | None = None) -> list[tuple[int, int]]:
    return [(line, column) for _, line, column in run(text, config)]


def fixed(text: str) -> str:
    """The text with every edit of every hit applied (edits never overlap here)."""
    edits = sorted((e for hit, _, _ in run(text) for e in hit.edits), key=lambda e: e.start)
    for edit in reversed(edits):
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    return text


def test_rule_is_a_check_and_still_receives_parser_problems() -> None:
    rule = builtin().get("mdx-syntax")
    assert rule is not None
    assert (rule.check, rule.builtin, rule.fixable, rule.fix_safety) == (
        "mdx.mdx_syntax",
        False,
        True,
        "safe",
    )


# -- `<` ----------------------------------------------------------------------------------------


def test_less_than_before_a_digit_message_position_and_fix() -> None:
    text = HEAD + "Fewer than <5% of labs publish thresholds.\n"
    [(hit, line, column)] = run(text)
    assert (line, column) == (6, 12)
    assert hit.message == (
        "`<5%`: MDX reads `<` as the start of a JSX tag and no tag name starts with `5`, so the "
        'page does not build; write `&lt;5%` or reword ("under 5%")'
    )
    assert fixed(text) == HEAD + "Fewer than &lt;5% of labs publish thresholds.\n"
    assert run(fixed(text)) == []  # the fix is idempotent


def test_less_than_before_equals_or_dash() -> None:
    text = HEAD + "Significant at p<=0.05; the causal arrow A <- B.\n"
    messages = [hit.message for hit, _, _ in run(text)]
    assert where(text) == [(6, 17), (6, 44)]
    assert messages[0].endswith("write `&lt;=0.05` or `≤`")
    assert messages[1].endswith("write `&lt;-` or `←`")


@pytest.mark.parametrize(
    "line",
    [
        "Models at < 10^25 FLOP are exempt.",  # a space: text to MDX
        "An escaped \\<5% is fine.",
        "An entity &lt;5% is fine.",
        "Inline code `<5%` is code.",
        "A comment {/* under <5% */} is no content.",
        '<R id="a1b2c3d4e5f60718" title="<5% of labs">the survey</R> cites it.',
        "An expression {count < 5 ? 'few' : 'many'} is JavaScript.",
    ],
)
def test_less_than_is_not_flagged(line: str) -> None:
    assert where(HEAD + line + "\n") == []


def test_an_escaped_backslash_does_not_escape_the_less_than() -> None:
    assert where(HEAD + "A path C:\\\\<5 is odd.\n") == [(6, 12)]


def test_nothing_inside_code_blocks_or_component_attributes() -> None:
    text = HEAD + (
        "```python\nshare = 0.04  # <5% of $30B\n```\n\n"
        "<Mermaid chart={`flowchart TD\n  A[<5% of $30B] --> B`} />\n"
    )
    assert where(text) == []


def test_markdown_files_are_not_checked() -> None:
    text = "---\ntitle: X\n---\n\nFewer than <5% raised $30B {see below}.\n"
    article_hits = run(text, rel_path="knowledge-base/responses/x.md")
    assert article_hits == []


# -- `$` ----------------------------------------------------------------------------------------


def test_dollar_before_a_digit_message_position_and_fix() -> None:
    text = HEAD + "Anthropic raised $13B, and a run costs \\$1B.\n"
    [(hit, line, column)] = run(text)
    assert (line, column) == (6, 18)
    assert hit.message == (
        "`$13B`: the site renders `$…$` as math, so an unescaped `$` before a number starts a "
        "formula that runs to the next `$`; write `\\$13B`"
    )
    assert fixed(text) == HEAD + "Anthropic raised \\$13B, and a run costs \\$1B.\n"


def test_a_currency_range_gives_two_findings() -> None:
    assert where(HEAD + "Rounds of $5M-$10M were common.\n") == [(6, 11), (6, 15)]


@pytest.mark.parametrize(
    "line",
    [
        "Compute grows as $C \\approx 6ND$ for $N$ parameters.",
        "The loss bound $L<2$ holds and $x^2$ too.",
        "Display math: $$10^{26}$$ FLOP.",
        "Dollars without a number: $ and $.",
    ],
)
def test_intended_math_is_left_alone(line: str) -> None:
    assert where(HEAD + line + "\n") == []


@given(st.text(alphabet="$ab\\\n 5", max_size=40))
def test_single_dollars_are_those_with_no_dollar_beside_them(prose: str) -> None:
    expected = [
        pos
        for pos, char in enumerate(prose)
        if char == "$"
        and (pos == 0 or prose[pos - 1] != "$")
        and (pos + 1 == len(prose) or prose[pos + 1] != "$")
    ]
    assert [m.start() for m in _SINGLE_DOLLAR.finditer(prose)] == expected


def test_with_math_off_dollars_are_text_and_less_than_in_them_counts() -> None:
    text = HEAD + "Anthropic raised $13B; the bound $L<2$ holds.\n"
    assert where(text, Config(math=False)) == [(6, 36)]


# -- components ---------------------------------------------------------------------------------


def test_unknown_component_message_with_text_suggestion() -> None:
    text = HEAD + "As <Paul Christiano> argued, oversight must scale.\n"
    [(hit, line, column)] = run(text)
    assert (line, column) == (6, 4)
    assert hit.message == (
        "`<Paul Christiano>` is not a known component: `Paul` is neither imported in this file "
        "nor listed in `components.known`, so the page fails to render (unless the site's MDX "
        "provider supplies it: then list it under `components.known`); if it is text, write "
        "`&lt;Paul Christiano&gt;`"
    )


def test_unknown_component_with_props_and_over_several_lines() -> None:
    text = HEAD + '<PolicyTimeline\n  year={2025}\n  region="EU"\n/>\n'
    [(hit, line, column)] = run(text)
    assert (line, column) == (6, 1)
    assert hit.message.startswith("`<PolicyTimeline …>` is not a known component")
    assert "if it is text" not in hit.message


def test_components_bound_by_imports_and_exports_are_known() -> None:
    text = (
        "---\ntitle: X\n---\n"
        "import Chart from '../../components/Chart.astro';\n"
        "import {Timeline as History, type Props} from './timeline';\n"
        "import * as UI from '@components/ui';\n"
        "export const Note = (props) => props.children;\n"
        "\n"
        "<Chart /> <History /> <UI.Card /> <Note>x</Note> <Aside>y</Aside> <div>z</div>\n"
        "<Timeline />\n"
    )
    assert where(text) == [(10, 1)]  # imported under another name only


def test_configured_components_are_known() -> None:
    text = HEAD + '<OrgChart org="anthropic" />\n'
    assert where(text) == [(6, 1)]
    config = Config(components=Components(known=frozenset({"OrgChart"})))
    assert where(text, config) == []


# -- ESM ----------------------------------------------------------------------------------------


def test_a_line_right_after_an_import_is_swallowed() -> None:
    text = "---\ntitle: X\n---\nimport {EntityLink} from '@components/wiki';\n## Overview\n"
    [(hit, line, column)] = run(text)
    assert (line, column) == (5, 1)
    assert hit.message == (
        "`## Overview` directly follows the import/export on line 4: MDX reads everything up to "
        "the next blank line as JavaScript, so the page does not build; add a blank line after "
        "line 4"
    )


@pytest.mark.parametrize(
    "body",
    [
        "import {A} from 'a';\nimport B from \"b\";\n\n## Overview\n",
        "import {\n  EntityLink,\n  R,\n} from '@components/wiki';\n\nText.\n",
        "export const rows = [\n  {name: 'ASL-3'},\n];\n\nText.\n",
        "export default function Layout({children}) { return children; }\n\nText.\n",
        "import {A} from 'a';",  # at the end of the file
        "Chip rules restrict the\nimport of accelerators.\n",  # a paragraph's continuation line
    ],
)
def test_well_separated_esm_and_continuation_lines_pass(body: str) -> None:
    assert where("---\ntitle: X\n---\n" + body) == []


def test_an_export_swallows_the_indented_line_after_it() -> None:
    text = "---\ntitle: X\n---\nexport const year = 2025;\n  Text right after.\n"
    assert where(text) == [(5, 3)]


def test_prose_starting_with_export_or_import_after_a_blank_line_or_heading() -> None:
    text = HEAD + (
        "export controls on chips tightened in 2023.\n\n## Trade\nimport restrictions followed.\n"
    )
    found = run(text)
    assert [(line, column) for _, line, column in found] == [(6, 1), (9, 1)]
    assert found[0][0].message == (
        "`export controls on chips tightened in 2…` starts with `export`, so MDX parses the "
        "paragraph as a JavaScript export statement and the page does not build; reword it so "
        "the line does not begin with `export `"
    )


# -- expressions --------------------------------------------------------------------------------


def test_unparsable_expression_message_and_position() -> None:
    text = HEAD + "Thresholds are revisited yearly {see below}.\n"
    [(hit, line, column)] = run(text)
    assert (line, column) == (6, 33)
    assert hit.message == (
        "`{see below}` is not a JavaScript expression: MDX evaluates `{…}` in prose as code, so "
        "the page does not build; write `\\{see below}` to show the braces, or drop them"
    )


# A formula with braces and `<` as real articles write them; `{see below}` at the end is the one
# real error: with math on only it is reported, with math off every line's `{`/`<` is.
FORMULAS = HEAD + (
    "Let $M \\in \\mathbb{R}^{n \\times n}$ be the weight matrix.\n"  # line 6
    "\n"
    "$$\n"
    "I = \\int_0^{2\\pi} \\sin(x)\\,dx\n"  # line 9
    "$$\n"
    "\n"
    "The bound holds where $a<b$ and $x_{i}$ stays small.\n"  # line 12
    "\n"
    "  $$\n"
    "  \\frac{1}{2} < x \\quad \\text{for all } x\n"  # line 15
    "  $$\n"
    "\n"
    "Thresholds are revisited yearly {see below}.\n"  # line 18
)


def parser_problems(text: str, math: bool) -> list[tuple[str, int, int, str]]:
    """The scanner's own problems (they reach rule mdx-syntax by name, not through the check)."""
    article = article_from_text(text, MDX, math)
    return [
        (p.rule, article.position(p.offset).line, article.position(p.offset).column, p.message)
        for p in article.problems
    ]


def test_braces_and_tags_inside_formulas_are_tex_not_mdx() -> None:
    assert where(FORMULAS) == [(18, 33)]
    assert parser_problems(FORMULAS, math=True) == []


def test_with_math_off_the_same_braces_and_tags_are_mdx_errors() -> None:
    assert where(FORMULAS, Config(math=False)) == [(6, 23), (9, 12), (15, 30), (18, 33)]
    assert parser_problems(FORMULAS, math=False) == [
        # `$`, `and`, `$x_` read as attribute names until TeX's backslash stops the tag
        ("mdx-syntax", 12, 25, "unexpected '\\\\' in tag <b>")
    ]


@pytest.mark.parametrize(
    ("body", "without_math"),
    [
        ("Compare $a <b> c$ here.", ("mdx-unclosed", 6, 12, "<b> is never closed")),
        ("Compare $a </b> c$ here.", ("mdx-syntax", 6, 12, "closing tag </b> has no matching opening tag")),
        ("Compare $f = {x$ here.", ("mdx-unclosed", 6, 14, "expression `{` is never closed with `}`")),
    ],
)  # fmt: skip
def test_a_broken_tag_or_brace_inside_a_formula_is_no_error_with_math_on(
    body: str, without_math: tuple[str, int, int, str]
) -> None:
    text = HEAD + body + "\n"
    assert parser_problems(text, math=True) == []
    assert parser_problems(text, math=False) == [without_math]


@given(st.lists(st.sampled_from(["$", "$$", "\\$", "{x}", "<b>", "a", " ", "\n", "\n\n", "`"]),
                max_size=30).map("".join))
@settings(max_examples=300, deadline=None)
def test_formulas_are_ordered_apart_and_bounded_by_dollars(body: str) -> None:
    text = HEAD + body
    formulas = MdxScanner(text, len(HEAD), mdx=True).run().math
    for span in formulas:
        assert text[span.start] == "$" and text[span.end - 1] == "$"
    assert all(a.end <= b.start for a, b in pairwise(formulas))


@pytest.mark.parametrize(
    ("body", "formulas"),
    [
        ("a $x$ b", ["$x$"]),
        ("a $$x {y}$$ b", ["$$x {y}$$"]),
        ("$$\nx\n\ny\n$$\nafter $", ["$$\nx\n\ny\n$$"]),  # a block may hold a blank line
        ("$$ not closed\n\ntext", []),  # neither a block nor, past the blank line, inline
        ("a $x\n\ny$ b", []),  # inline math stops at the paragraph's end
        ("a \\$5 and $6$", ["$6$"]),  # an escaped `$` opens nothing
        ("a $$x$ b$$", ["$$x$ b$$"]),  # closed by a run of the same length only
        ("`$x$` and $y$", ["$y$"]),  # code comes first
        ("$$x$$ y\n\n$$\nz\n$$", ["$$x$$", "$$\nz\n$$"]),  # `$$x$$` opens no block
        ("a $$\n\nx\n$$", []),  # a block's `$$` starts its line
        ("a $f {x$ y} b", ["$f {x$"]),
    ],
)
def test_formulas_are_found_as_remark_math_reads_them(body: str, formulas: list[str]) -> None:
    text = HEAD + body + "\n"
    layer = MdxScanner(text, len(HEAD), mdx=True).run()
    assert [text[span.start : span.end] for span in layer.math] == formulas
    assert MdxScanner(text, len(HEAD), mdx=True, math=False).run().math == []


def test_an_expression_or_tag_running_past_its_formula_is_text() -> None:
    text = HEAD + "a $f {x$ y} and $g <b c$ d> e\n"
    layer = MdxScanner(text, len(HEAD), mdx=True).run()
    assert (layer.expressions, layer.elements, layer.problems) == ([], [], [])


def test_tags_and_expressions_closed_inside_a_formula_are_recorded_as_without_math() -> None:
    # the page record counts them as the reference system did, which knew no math
    text = HEAD + 'Raised $5B from <EntityLink id="E1">Google</EntityLink> and {x} $2B.\n'
    with_math = MdxScanner(text, len(HEAD), mdx=True).run()
    without = MdxScanner(text, len(HEAD), mdx=True, math=False).run()
    formula = '$5B from <EntityLink id="E1">Google</EntityLink> and {x} $'
    assert [text[span.start : span.end] for span in with_math.math] == [formula]
    assert with_math.elements == without.elements
    assert with_math.expressions == without.expressions


@pytest.mark.parametrize(
    ("expression", "tags"),
    [
        ('{<p className="a > b">Hi</p>}', ['<p className="a > b">', "</p>"]),
        ("{ok && <><Note /></>}", ["<>", "<Note />", "</>"]),
        ("{a < b ? 1 : 2}", []),
        ("{items.map(x => <li key={x}>{x}</li>)}", ["<li key={x}>", "</li>"]),
        ('{"a <b c"}', []),  # a tag that never closes inside the expression is text
        ("{/* <b>note</b> */}", []),  # a comment, not an expression
    ],
)
def test_whole_tags_inside_an_expression_are_noted(expression: str, tags: list[str]) -> None:
    text = HEAD + "Before " + expression + " after.\n"
    layer = MdxScanner(text, len(HEAD), mdx=True).run()
    assert [text[span.start : span.end] for span in layer.expression_tags] == tags
    assert layer.elements == []  # they are not elements of the page


@pytest.mark.parametrize(
    "source",
    [
        "",
        " /* NEEDS CITATION */ ",
        "1 + 2",
        "props.value ?? 'n/a'",
        "cond ? 'a' : 'b'",
        "new Date().getFullYear()",
        "typeof window",
        "'a' in obj",
        "x => x * 2",
        "{a: 1, b: [2, 3]}",
        "`template ${with spaces} inside`",
        'flag && <Aside type="tip">Note</Aside>',
        "' '",
        "résumé.length",
    ],
)
def test_plausible_expressions(source: str) -> None:
    assert plausible_expression(source)


@pytest.mark.parametrize(
    "source",
    [
        "see below",
        "citation needed",
        "TODO: add source",
        "5 years",
        "A → B",
        "2020–2024",
        "“quoted”",
    ],
)
def test_implausible_expressions(source: str) -> None:
    assert not plausible_expression(source)


# -- robustness ---------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    ["<", "<5", "$", "$5", "\\", "{", "}", "{a b}", "`", "\n", "\n\n", "import ", "export ",
     "<Aside>", "</Aside>", "<Foo bar>", "/>", "'", '"', "x", " ", "## ", "|", "---"]
)  # fmt: skip


@given(st.lists(_PIECES, max_size=40).map("".join))
@settings(max_examples=300, deadline=None)
def test_any_text_never_crashes_and_edits_replace_the_flagged_character(body: str) -> None:
    text = HEAD + body
    for hit, _, _ in run(text):
        assert hit.offset is not None and hit.end_offset is not None
        assert 0 <= hit.offset < hit.end_offset <= len(text)
        for edit in hit.edits:
            assert (text[edit.start : edit.end], edit.replacement) in {("<", "&lt;"), ("$", "\\$")}


class _Everything:
    """A set that holds every character: the scanner then tries every line start."""

    def __contains__(self, _: object) -> bool:
        return True


_LINES = st.sampled_from(
    [
        "```",
        "~~~ts",
        "  ```mermaid",
        "\t~~~",
        "import {A} from 'a';",
        "export const x = 1;",
        "imports are <b>bold</b>",
        "plain text {1 + 1}",
        "<Callout>",
        "</Callout>",
        "",
        "   ",
        "# Heading",
        "- item `code`",
    ]
)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(_LINES, max_size=10), mdx=st.booleans())
def test_skipping_line_starts_that_open_nothing_changes_no_scan(
    lines: list[str], mdx: bool
) -> None:
    text = "\n".join(lines)
    fast = MdxScanner(text, 0, mdx).run()
    every = MdxScanner(text, 0, mdx)
    every.line_openers = _Everything()  # type: ignore[assignment]
    assert every.run() == fast


class _SearchingEveryTime(MdxScanner):
    """The scanner without its memo of the next blank line."""

    def _next_blank_line(self, pos: int) -> int:
        match = _BLANK_LINE.search(self.text, pos)
        return len(self.text) if match is None else match.start()


@settings(max_examples=500, deadline=None)
@given(
    text=st.lists(st.sampled_from(["`", "``", "a", " ", "\n", "\n\n", "\n \t\n", "<b>", "{"])).map(
        "".join
    ),
    mdx=st.booleans(),
)
def test_remembering_the_next_blank_line_changes_no_code_span(text: str, mdx: bool) -> None:
    """Backtick runs are matched up to the next blank line; the scanner remembers where that
    is (a paragraph with many unmatched backticks searched to its end once per backtick)."""
    assert MdxScanner(text, 0, mdx).run() == _SearchingEveryTime(text, 0, mdx).run()


def _alone_by_slicing(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    return not text[line_start:start].strip() and not text[end:line_end].strip()


def _container_by_slicing(text: str, open_end: int, close_start: int) -> bool:
    open_line_end = text.find("\n", open_end)
    if open_line_end == -1 or text[open_end:open_line_end].strip():
        return False
    close_line_start = text.rfind("\n", 0, close_start) + 1
    return close_line_start > open_line_end and not text[close_line_start:close_start].strip()


@settings(max_examples=500, deadline=None)
@given(
    text=st.text(alphabet=" \t\n\u00a0\u2028ab", max_size=30),
    cuts=st.tuples(st.integers(0, 30), st.integers(0, 30)),
)
def test_line_tests_look_no_further_than_the_nearest_text_and_agree_with_slicing(
    text: str, cuts: tuple[int, int]
) -> None:
    """`_alone_on_lines` and `_is_container` stop at the nearest non-blank character (a line of
    thousands of elements made slicing the line per element quadratic); the answers are those
    of slicing the line and stripping it, Unicode white space included."""
    first, second = sorted(min(cut, len(text)) for cut in cuts)
    assert _alone_on_lines(text, first, second) == _alone_by_slicing(text, first, second)
    element = SimpleNamespace(open_end=first, close_start=second)
    assert _is_container(text, element) == _container_by_slicing(text, first, second)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(_LINES, max_size=12), mdx=st.booleans())
def test_fence_lines_are_counted_from_the_last_one(lines: list[str], mdx: bool) -> None:
    """The scanner counts line breaks from the previous fence on, not from the start of the
    text (thousands of fences were quadratic); the lines are the same."""
    text = "\n".join(lines)
    for fence in MdxScanner(text, 0, mdx).run().fences:
        assert fence.first_line == text.count("\n", 0, fence.start)
        assert fence.last_line == text.count("\n", 0, fence.end)
