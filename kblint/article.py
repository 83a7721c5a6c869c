"""An article, read and parsed exactly once: text, frontmatter, MDX layer and Markdown layer.

Positions: the text is decoded from UTF-8, a leading BOM is dropped and CRLF/CR line ends become
LF. Neither changes line numbers or the column of any character (a CR only ever sits at the end
of a line), so offsets into `Article.text` convert to file line/column with `Article.position`.
The original BOM and line-end style are remembered so fixes can write them back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from kblint import frontmatter, markdown, mdx
from kblint.model import Intervals, LineIndex, Position, Problem, content_hash

BOM = "\ufeff"
T = TypeVar("T")


@dataclass(slots=True)
class Article:
    """One parsed article. `rel_path` is relative to the content root, with `/` separators."""

    path: Path
    rel_path: str
    text: str
    frontmatter: dict[str, Any]
    body_start: int
    frontmatter_lines: tuple[int, int] | None  # 0-based lines of the two `---` delimiters
    mdx_layer: mdx.MdxLayer
    md_layer: markdown.MarkdownLayer
    masked: str
    index: LineIndex
    is_mdx: bool
    had_bom: bool = False
    crlf: bool = False
    digest: str | None = None  # content_hash of the bytes read (None: not read from disk)
    problems: list[Problem] = field(default_factory=list)
    readable: bool = True
    #: Values derived from the parse (code intervals, prose text…), computed once on first use.
    derived: dict[str, Any] = field(default_factory=dict, repr=False)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """`compute()` once per article; later calls return the same value."""
        if key not in self.derived:
            self.derived[key] = compute()
        value: T = self.derived[key]
        return value

    def position(self, offset: int) -> Position:
        return self.index.position(offset)

    @property
    def body(self) -> str:
        """The file minus its frontmatter (what spec §9 calls the body)."""
        return self.text[self.body_start :]

    def code_line_ranges(self) -> list[tuple[int, int]]:
        """0-based inclusive line ranges of fenced and indented code blocks."""
        ranges = [(f.first_line, f.last_line) for f in self.all_fences()]
        return sorted(ranges + self.md_layer.indented_code)

    def all_fences(self) -> list[mdx.CodeBlock]:
        """Fenced code blocks: the scanner's, plus any only markdown-it found (Markdown fences
        nested deep in list items), as CodeBlocks with offsets (worked out once)."""
        return self.memo("fences", self._all_fences)

    def _all_fences(self) -> list[mdx.CodeBlock]:
        fences = list(self.mdx_layer.fences)
        scanned = _scanned_lines(self.mdx_layer)
        for first, last, info in self.md_layer.fences:
            if first not in scanned:
                start, end = self.index.line_start(first), self.index.line_end(last)
                fences.append(mdx.CodeBlock(start, end, first, last, info, fenced=True))
        return sorted(fences, key=lambda fence: fence.start)


def decode(data: bytes) -> tuple[str, bool, bool]:
    """Bytes → normalised text, had-BOM, was-CRLF. Raises UnicodeDecodeError / ValueError."""
    if b"\x00" in data[:8192]:
        raise ValueError("looks like a binary file (contains NUL bytes)")
    text = data.decode("utf-8")
    return normalise(text), text.startswith(BOM), "\r\n" in text


def normalise(text: str) -> str:
    """Drop a leading BOM and turn CRLF/CR line ends into LF (columns do not move)."""
    text = text.removeprefix(BOM)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def parse_text(path: Path, rel_path: str, text: str, math: bool = True) -> Article:
    """Parse normalised text (see :func:`decode`); `math`: the site renders `$…$` as math."""
    block, problems = frontmatter.split(text)
    body_start = block.body_start if block else 0
    # Markdown must not see the frontmatter; blank it so line numbers stay file line numbers.
    work = text if block is None else _blank_lines(text, body_start)
    is_mdx = path.suffix.lower() == ".mdx"
    layer = mdx.scan(work, body_start, is_mdx, math)
    masked = mdx.mask(work, layer)
    index = LineIndex(text)
    md_layer = markdown.parse(masked, index, is_mdx, work)
    _drop_jsx_in_indented_code(layer, md_layer, index)
    return Article(
        path=path,
        rel_path=rel_path,
        text=text,
        frontmatter=block.data if block else {},
        body_start=body_start,
        frontmatter_lines=(block.open_line, block.close_line) if block else None,
        mdx_layer=layer,
        md_layer=md_layer,
        masked=masked,
        index=index,
        is_mdx=is_mdx,
        problems=problems + layer.problems,
    )


def read_article(
    path: Path, rel_path: str, data: bytes | None = None, math: bool = True
) -> Article:
    """Read (unless the bytes are given) and parse a file; an unreadable file becomes an
    Article with one problem."""
    raw = b""
    try:
        raw = path.read_bytes() if data is None else data
        text, had_bom, crlf = decode(raw)
    except UnicodeDecodeError as error:
        return _not_utf8(path, rel_path, raw, error)
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        return unreadable(path, rel_path, f"cannot read file: {reason}")
    article = parse_text(path, rel_path, text, math)
    article.had_bom, article.crlf = had_bom, crlf
    article.digest = content_hash(raw)
    return article


def unreadable(path: Path, rel_path: str, reason: str, text: str = "", offset: int = 0) -> Article:
    """An article kblint cannot read: one problem, nothing measured, never rewritten."""
    article = Article(
        path=path,
        rel_path=rel_path,
        text=text,
        frontmatter={},
        body_start=0,
        frontmatter_lines=None,
        mdx_layer=mdx.MdxLayer(),
        md_layer=markdown.MarkdownLayer([], [], [], [], []),
        masked=text,
        index=LineIndex(text),
        is_mdx=path.suffix.lower() == ".mdx",
        problems=[Problem("file-unreadable", offset, reason)],
        readable=False,
    )
    return article


def _not_utf8(path: Path, rel_path: str, data: bytes, error: UnicodeDecodeError) -> Article:
    """Point at the first invalid byte: decode with replacement so lines and columns line up."""
    text = normalise(data.decode("utf-8", errors="replace"))
    # The text before the bad byte is valid UTF-8 (that is where decoding stopped).
    offset = len(normalise(data[: error.start].decode("utf-8")))
    bad = data[error.start : error.start + 1].hex().upper()
    reason = (
        f"file is not valid UTF-8: byte 0x{bad} cannot be decoded (byte offset {error.start}); "
        "save the file as UTF-8"
    )
    return unreadable(path, rel_path, reason, text, offset)


def _blank_lines(text: str, end: int) -> str:
    return mdx.blank(text[:end], " ") + text[end:]


def _scanned_lines(layer: mdx.MdxLayer) -> Intervals:
    """The lines of the scanner's fences (a set of line numbers with a bisection test: an
    article can have thousands of fences, and comparing every pair was quadratic)."""
    return Intervals((fence.first_line, fence.last_line + 1) for fence in layer.fences)


def _drop_jsx_in_indented_code(
    layer: mdx.MdxLayer, md_layer: markdown.MarkdownLayer, index: LineIndex
) -> None:
    """In plain Markdown, tags inside an indented code block (or a fence only markdown-it saw)
    are code, not elements."""
    scanned = _scanned_lines(layer)
    ranges = [(first, last + 1) for first, last in md_layer.indented_code]
    ranges += [(first, last + 1) for first, last, _ in md_layer.fences if first not in scanned]
    if not ranges:
        return
    code_lines = Intervals(ranges)

    def in_code(offset: int) -> bool:
        return index.line_of(offset) in code_lines

    layer.elements = [e for e in layer.elements if not in_code(e.start)]
    layer.comments = [c for c in layer.comments if not in_code(c.start)]
    layer.problems = [p for p in layer.problems if not in_code(p.offset)]
