"""The prose of an article: the text a reader reads, for declarative rules and prose checks.

`prose_text` returns a copy of the article text of the same length and line breaks in which
everything that is not prose is blanked: frontmatter, code, ESM, comments, `{…}` expressions,
JSX tags and their attributes, link targets, bare URLs. Children of elements (container prose,
the visible text of an inline component) and link text stay, so a regex match on it has the
same offsets, lines and columns as in the file.
"""

from __future__ import annotations

import re

from kblint.article import Article
from kblint.mdx import blank
from kblint.metrics import code_intervals
from kblint.model import Intervals
from kblint.urls import BareUrlScanner

_BARE_URLS = BareUrlScanner(r"[^\s<>()\]]", scheme_boundary=False, scheme_tail_optional=False)
_AUTOLINK = re.compile(r"<(?:https?|mailto):[^\s<>]*>")


def non_prose_spans(article: Article) -> list[tuple[int, int]]:
    """Everything that is not prose, as (start, end) offsets (overlapping, unsorted).

    Built with list comprehensions, not a generator: an article has hundreds of spans and
    this runs for every article."""
    layer = article.mdx_layer
    spans = [(0, article.body_start), *code_intervals(article).spans]
    for group in (layer.esm, layer.comments, layer.expressions):
        spans += [(span.start, span.end) for span in group]
    spans += [(element.start, element.open_end) for element in layer.elements]
    spans += [(e.close_start, e.end) for e in layer.elements if not e.self_closing]
    for link in article.md_layer.links:
        opening = 2 if link.image else 1
        spans.append((link.start, link.start + opening))
        spans.append((link.start + opening + len(link.text), link.end))
    text = article.text
    spans += _BARE_URLS.spans(text, article.body_start)
    spans += [m.span() for m in _AUTOLINK.finditer(text, article.body_start)]
    return spans


def prose_text(article: Article) -> str:
    """The article text with non-prose blanked (spaces; line breaks kept), computed once."""
    return article.memo("prose", lambda: _prose_text(article))


def _prose_text(article: Article) -> str:
    blanks = Intervals(non_prose_spans(article))
    text = article.text
    pieces: list[str] = []
    cursor = 0
    for start, end in blanks.spans:
        pieces.append(text[cursor:start])
        pieces.append(blank(text[start:end], " "))
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def heading_text(article: Article, prose: str) -> str:
    """Only the heading lines of the prose (everything else blanked)."""
    keep = {heading.line for heading in article.md_layer.headings}
    lines = prose.split("\n")
    return "\n".join(
        line if number in keep else " " * len(line) for number, line in enumerate(lines)
    )


def frontmatter_text(article: Article) -> str:
    """Only the frontmatter (the rest blanked), for rules that look at it on purpose."""
    text = article.text
    return text[: article.body_start] + blank(text[article.body_start :], " ")
