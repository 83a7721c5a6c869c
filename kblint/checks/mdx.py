"""MDX syntax check (KB004): text that reads fine as Markdown but breaks the MDX build.

The parser's own tag errors (an unquoted attribute, a stray closing tag) reach rule
`mdx-syntax` by name as built-in problems; this check adds what the parser accepts but the MDX
compiler does not, in `.mdx` files only:

- `<` right before a digit, `=` or `-` in prose (`<5%`): micromark's JSX tokenizer takes `<` as a
  tag and crashes because no tag name starts with that character (`< 5`, with a space, is text);
- a `$` right before a digit when the site renders `$…$` as math (config `math`); with math on,
  a tag or `{…}` inside a formula is TeX, not JSX, and never reported (`mdx.MdxScanner._dollars`);
- a capitalised tag that is neither a configured component nor imported/exported in the file;
- a non-blank line directly after an import/export: MDX reads an ESM block up to the next blank
  line as JavaScript; and a paragraph that begins with `import `/`export ` but is not a statement;
- a prose `{…}` that is not a JavaScript expression (`{see below}`), see `plausible_expression`.

Everything is read from the parsed layers and the prose text (code, comments, attributes and
URLs blanked), so nothing inside code, comments or JSX attributes is flagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from kblint.article import Article
from kblint.checks import FileContext, Hit, file_check
from kblint.config import Components
from kblint.model import Edit, Intervals
from kblint.prose import prose_text

_LESS_THAN = re.compile(r"<(?=[0-9=-])")
# The literal `$` comes first so that the engine jumps from one `$` to the next in C; with the
# look-behind first it tried every position of the prose (0.17 against 0.01 ms an article).
_SINGLE_DOLLAR = re.compile(r"\$(?<!\$\$)(?!\$)")
_TEX_MARKER = re.compile(r"[\\^_{}]")
_SNIPPET = re.compile(r"\S{1,16}")
_LESS_THAN_ADVICE = {"=": " or `≤`", "-": " or `←`"}
_SHOWN_CHARS = 40

# ESM: a real statement, and the names it binds (components used as tags must be bound).
_IMPORT_STATEMENT = re.compile(r"import\s+(?:[\w$*{}\s,]+?\s*from\s*)?([\"']).+?\1\s*;?\s*", re.S)
_EXPORT_STATEMENT = re.compile(
    r"export\s+(?:default|const|let|var|function|async|class)\b|export\s*[{*]"
)
_STRING_OR_COMMENT = re.compile(
    r"\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`|/\*.*?\*/|//[^\n]*", re.S
)
_ATX_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")
_EXPORTED_NAME = re.compile(
    r"export\s+(?:default\s+)?(?:async\s+)?(?:const|let|var|function\*?|class)\s+([A-Za-z_$][\w$]*)"
)

# Expressions: JS words that may stand next to another word (`typeof x`, `a in b`).
_JS_WORD_OPERATORS = frozenset(
    {"new", "typeof", "void", "delete", "await", "in", "of", "instanceof", "yield", "async",
     "function", "class", "extends"}
)  # fmt: skip
_EXPRESSION_TOKEN = re.compile(r"[^\W\d][\w$]*|\$[\w$]*|\d[\w.]*|\S", re.UNICODE)
_JS_PUNCTUATION = frozenset("+-*/%=<>!&|^~?:.,;()[]{}#@")
_JSX_IN_EXPRESSION = re.compile(r"<[A-Za-z/>]")


@file_check
def mdx_syntax(ctx: FileContext, options: dict[str, Any]) -> Iterator[Hit]:
    article = ctx.article
    if not article.is_mdx:
        return
    prose = prose_text(article)
    math = ctx.config.math
    loose_dollars, math_spans = dollar_signs(prose) if math else ([], Intervals(()))
    yield from _less_than_hits(prose, article.body_start, math_spans)
    yield from _dollar_hits(prose, loose_dollars)
    yield from _component_hits(article, ctx.config.components)
    yield from _esm_hits(article)
    yield from _expression_hits(article)


def is_escaped(text: str, pos: int) -> bool:
    """True when an odd number of backslashes precede `pos`."""
    count = 0
    while pos - count > 0 and text[pos - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _snippet(text: str, pos: int) -> str:
    match = _SNIPPET.match(text, pos)
    snippet = match.group(0).rstrip(".,;:!?)]*_") if match else ""
    return snippet if len(snippet) > 1 else text[pos : pos + 2]


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


# -- `<` and `$` before digits ------------------------------------------------------------------


def _less_than_hits(prose: str, start: int, math_spans: Intervals) -> Iterator[Hit]:
    for match in _LESS_THAN.finditer(prose, start):
        pos = match.start()
        if is_escaped(prose, pos) or pos in math_spans:
            continue
        shown, after = _snippet(prose, pos), prose[pos + 1]
        advice = _LESS_THAN_ADVICE.get(after, f' or reword ("under {shown[1:]}")')
        message = (
            f"`{shown}`: MDX reads `<` as the start of a JSX tag and no tag name starts with "
            f"`{after}`, so the page does not build; write `&lt;{shown[1:]}`{advice}"
        )
        yield Hit(message, offset=pos, end_offset=pos + 1, edits=(Edit(pos, pos + 1, "&lt;"),))


def dollar_signs(prose: str) -> tuple[list[int], Intervals]:
    """Unescaped single `$` signs outside intended math, and the intended math spans.

    remark-math pairs `$` signs into inline math. A pair whose content has no space at either
    end and either contains TeX (`\\ ^ _ { }`) or does not start with a digit (`$x^2$`, `$n$`)
    is taken as intended math; other `$` signs are currency. Pairs are looked for per line.
    """
    by_line: dict[int, list[int]] = {}
    for match in _SINGLE_DOLLAR.finditer(prose):
        pos = match.start()
        if not is_escaped(prose, pos):
            by_line.setdefault(prose.rfind("\n", 0, pos), []).append(pos)
    loose: list[int] = []
    spans: list[tuple[int, int]] = []
    for signs in by_line.values():
        index = 0
        while index < len(signs):
            pos = signs[index]
            if index + 1 < len(signs) and _looks_like_math(prose[pos + 1 : signs[index + 1]]):
                spans.append((pos, signs[index + 1] + 1))
                index += 2
                continue
            loose.append(pos)
            index += 1
    return loose, Intervals(spans)


def _looks_like_math(content: str) -> bool:
    if not content or content != content.strip():
        return False
    return bool(_TEX_MARKER.search(content)) or not content[0].isdigit()


def _dollar_hits(prose: str, loose: list[int]) -> Iterator[Hit]:
    for pos in loose:
        if pos + 1 >= len(prose) or not prose[pos + 1].isdigit():
            continue
        shown = _snippet(prose, pos)
        message = (
            f"`{shown}`: the site renders `$…$` as math, so an unescaped `$` before a number "
            f"starts a formula that runs to the next `$`; write `\\{shown}`"
        )
        yield Hit(message, offset=pos, end_offset=pos + 1, edits=(Edit(pos, pos + 1, "\\$"),))


# -- components ---------------------------------------------------------------------------------


def _component_hits(article: Article, components: Components) -> Iterator[Hit]:
    bound: set[str] | None = None  # read from the ESM only when a tag needs it
    for element in article.mdx_layer.elements:
        if not element.capitalised:
            continue
        base = element.name.split(".", 1)[0]
        if components.is_known(element.name) or components.is_known(base):
            continue
        bound = esm_names(article) if bound is None else bound
        if base in bound:
            continue
        tag = article.text[element.start : element.open_end]
        shown = _short(tag) if "\n" not in tag else f"<{element.name} …>"
        message = (
            f"`{shown}` is not a known component: `{base}` is neither imported in this file nor "
            "listed in `components.known`, so the page fails to render (unless the site's MDX "
            "provider supplies it: then list it under `components.known`)"
        )
        if all(attribute.value is None for attribute in element.attributes):
            message += f"; if it is text, write `{_escape_tag(shown)}`"
        yield Hit(message, offset=element.start, end_offset=element.open_end)


def _escape_tag(tag: str) -> str:
    inner = tag[1:-1] if tag.endswith(">") else tag[1:]
    return f"&lt;{inner}&gt;" if tag.endswith(">") else f"&lt;{inner}"


def esm_names(article: Article) -> set[str]:
    """Names bound by the file's import and export statements."""
    names: set[str] = set()
    for span in article.mdx_layer.esm:
        statement = _STRING_OR_COMMENT.sub(" ", article.text[span.start : span.end])
        if statement.startswith("import"):
            clause = re.split(r"\bfrom\b", statement[len("import") :], maxsplit=1)[0]
            tokens = _IDENTIFIER.findall(clause)
            # `A as B` binds B; `type` marks a type-only import.
            names.update(
                token
                for index, token in enumerate(tokens)
                if token not in ("as", "type") and tokens[index + 1 : index + 2] != ["as"]
            )
        else:
            names.update(_EXPORTED_NAME.findall(statement))
    return names


# -- ESM ----------------------------------------------------------------------------------------


def _esm_hits(article: Article) -> Iterator[Hit]:
    text = article.text
    spans = article.mdx_layer.esm
    statements = {span.start: _is_statement(text[span.start : span.end]) for span in spans}
    for span in spans:
        if not statements[span.start]:
            if _starts_flow(text, span.start, article.body_start):
                yield _misread_prose_hit(text[span.start : span.end], span.start)
            continue
        following = span.end + 1
        if following >= len(text) or statements.get(following, False):
            continue
        line_end = text.find("\n", following)
        line = text[following : len(text) if line_end == -1 else line_end]
        if line.strip():
            yield _swallowed_line_hit(article, line, following, span.end)


def _is_statement(statement: str) -> bool:
    stripped = statement.strip()
    if stripped.startswith("import"):
        return _IMPORT_STATEMENT.fullmatch(stripped) is not None
    return _EXPORT_STATEMENT.match(stripped) is not None


def _starts_flow(text: str, pos: int, body_start: int) -> bool:
    """Whether MDX would try ESM here: at the start of the body, or after a blank line or a
    heading. ESM cannot interrupt a paragraph, so a continuation line stays prose."""
    if pos <= body_start:
        return True
    previous = text[text.rfind("\n", 0, pos - 1) + 1 : pos - 1]
    return not previous.strip() or _ATX_HEADING.match(previous) is not None


def _misread_prose_hit(statement: str, pos: int) -> Hit:
    word = statement.split(maxsplit=1)[0]
    first_line = statement.split("\n", 1)[0]
    message = (
        f"`{_short(first_line)}` starts with `{word}`, so MDX parses the paragraph as a "
        f"JavaScript {word} statement and the page does not build; reword it so the line does "
        f"not begin with `{word} `"
    )
    return Hit(message, offset=pos, end_offset=pos + len(first_line))


def _swallowed_line_hit(article: Article, line: str, line_start: int, esm_end: int) -> Hit:
    indent = len(line) - len(line.lstrip())
    esm_line = article.position(esm_end).line
    message = (
        f"`{_short(line)}` directly follows the import/export on line {esm_line}: MDX reads "
        "everything up to the next blank line as JavaScript, so the page does not build; add a "
        f"blank line after line {esm_line}"
    )
    return Hit(message, offset=line_start + indent, end_offset=line_start + len(line))


# -- expressions --------------------------------------------------------------------------------


def _expression_hits(article: Article) -> Iterator[Hit]:
    text = article.text
    layer = article.mdx_layer
    # braces in a formula are TeX (`\mathbb{R}^{n \times n}`): remark-math has the text first
    formulas = Intervals((span.start, span.end) for span in layer.math)
    for span in layer.expressions:
        inner = text[span.start + 1 : span.end - 1]
        if span.start in formulas or plausible_expression(inner):
            continue
        shown = _short(text[span.start : span.end])
        message = (
            f"`{shown}` is not a JavaScript expression: MDX evaluates `{{…}}` in prose as code, "
            f"so the page does not build; write `\\{shown}` to show the braces, or drop them"
        )
        yield Hit(message, offset=span.start, end_offset=span.end)


def plausible_expression(source: str) -> bool:
    """Could `source` be a JavaScript expression? A cheap test, tuned for few false alarms.

    Strings become `0` and comments vanish; then the source is implausible when it has a
    character JavaScript has no use for outside strings (`→`, `–`, `…`, curly quotes) or two
    words or numbers side by side with no operator between them (`see below`, `5 years`),
    unless one of them is a word operator (`typeof x`, `a in b`, `new Date`). Expressions
    holding JSX (`{flag && <Aside>…</Aside>}`) are left alone.
    """
    if _JSX_IN_EXPRESSION.search(source):
        return True
    code = _STRING_OR_COMMENT.sub(lambda m: " " if m.group(0)[0] == "/" else "0", source)
    previous_word: str | None = None
    for token in _EXPRESSION_TOKEN.findall(code):
        if not _is_word(token):
            if token not in _JS_PUNCTUATION:
                return False
            previous_word = None
            continue
        if previous_word is not None and not {previous_word, token} & _JS_WORD_OPERATORS:
            return False
        previous_word = token
    return True


def _is_word(token: str) -> bool:
    return token[0].isalnum() or token[0] in "_$"
