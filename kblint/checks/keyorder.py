"""Frontmatter key order (KB102): the top-level keys a KB lists in option `order` must appear in
that relative order. Off until configured (`order: []` reports nothing).

What "in order" means: take the top-level keys in the order they are written, keep only the ones
listed in `order`, and compare that sequence with the same keys sorted by their place in `order`
(a stable sort, so repeated keys keep their relative order). Keys that are not listed are never
judged and never move. The fix sorts the listed keys *among the slots listed keys occupy*:
`quality, sidebar, title` with `order: [title, quality]` becomes `title, sidebar, quality`.

The fix moves whole lines. A key's block is its key line and every line of its value (nested
mappings, lists, block scalars), the blank and comment lines after its value, and the comment
lines directly above it (indented no deeper than the key; the first key too). Lines above the
first key's block stay at the top, and blank and comment lines after the last key's value stay
at the bottom. Every line keeps its text; only the order of blocks changes. The fix is one edit
covering the lines that change, offered only when the block reads back as the same mapping with
the keys in the expected order. It is never offered for a top level written as a `{…}` flow
mapping, anchors or aliases, explicit document markers or directives, complex (`? …`) or
non-scalar keys, or keys that do not each start their own line at one indentation: those
frontmatters are reported without a fix. One that does not parse is left to `frontmatter-parse`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from kblint.checks import FileContext, Hit, file_check
from kblint.frontmatter import Yaml12Loader, load_yaml
from kblint.model import Edit


@file_check
def frontmatter_key_order(ctx: FileContext, options: dict[str, Any]) -> Iterator[Hit]:
    order = configured_order(options.get("order"))
    article = ctx.article
    if not order or article.frontmatter_lines is None:
        return
    if any(problem.rule == "frontmatter-parse" for problem in article.problems):
        return  # an error of its own; the keys cannot be known
    open_line, close_line = article.frontmatter_lines
    base = article.index.line_start(open_line + 1)
    source = article.text[base : article.index.line_start(close_line)]
    root = compose(source)
    if root is None:
        return
    rank = {key: index for index, key in reversed(list(enumerate(order)))}
    keys = [_key_name(key) for key, _ in root.value]
    slots = [i for i, key in enumerate(keys) if key is not None and key in rank]
    wanted_slots = sorted(slots, key=lambda i: rank[str(keys[i])])
    if slots == wanted_slots:
        return
    first = next(slot for slot, wanted in zip(slots, wanted_slots, strict=True) if slot != wanted)
    wanted_first = wanted_slots[slots.index(first)]
    layout = read_layout(source, root)
    entry = layout.entries[first]
    present = [key for key in order if key in keys]
    message = (
        f"frontmatter key `{entry.key}` is out of order: `{keys[wanted_first]}` should come "
        f"before it (configured order: {', '.join(present)})"
    )
    permutation = list(range(len(keys)))
    for slot, moved in zip(slots, wanted_slots, strict=True):
        permutation[slot] = moved
    edit = _fix(layout, source, permutation, [keys[i] for i in permutation])
    edits = () if edit is None else (Edit(base + edit.start, base + edit.end, edit.replacement),)
    yield Hit(message, offset=base + entry.key_start, end_offset=base + entry.key_end, edits=edits)


def configured_order(value: Any) -> list[str]:
    """The `order` option as key names. Anything but a list (or None) is a configuration
    mistake, raised so the run reports it instead of silently checking nothing."""
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise TypeError(f"option `order` must be a list of frontmatter keys, not {value!r}")
    return [str(key) for key in value]


# -- layout -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """One top-level key. Lines are 0-based lines of the frontmatter source."""

    key: str | None  # None: not a plain scalar key (never listed, never moved)
    key_start: int  # offsets in the source
    key_end: int
    key_line: int
    column: int  # of the key on its line
    content_end_line: int  # the last line holding any of the value's text


@dataclass(frozen=True, slots=True)
class Layout:
    entries: list[Entry]
    lines: list[str]  # the source split after each "\n"
    movable: bool  # whether blocks may be moved (see the module docs)


def compose(source: str) -> yaml.MappingNode | None:
    """The frontmatter's node graph, or None when it is not one mapping."""
    try:
        root = yaml.compose(source, Loader=Yaml12Loader)
    except yaml.YAMLError:
        return None
    return root if isinstance(root, yaml.MappingNode) else None


def _key_name(node: yaml.Node) -> str | None:
    value = node.value if isinstance(node, yaml.ScalarNode) else None
    return value if isinstance(value, str) else None


def read_layout(source: str, root: yaml.MappingNode) -> Layout:
    """Where the text of each top-level key of `root` (composed from `source`) lies."""
    plain = _plain_events(source)
    starts = _line_starts(source)
    ends = [*starts[1:], len(source)]
    lines = [source[start:end] for start, end in zip(starts, ends, strict=True) if end > start]
    entries = []
    for key_node, value_node in root.value:
        start, end = key_node.start_mark.index, key_node.end_mark.index
        content_end = max(end, _content_end(value_node) if plain else end)
        while content_end > end and source[content_end - 1] in " \t\n":
            content_end -= 1
        entries.append(
            Entry(
                key=_key_name(key_node),
                key_start=start,
                key_end=end,
                key_line=_line_of(starts, start),
                column=start - starts[_line_of(starts, start)],
                content_end_line=_line_of(starts, max(start, content_end - 1)),
            )
        )
    movable = plain and not root.flow_style and _blocks_are_lines(entries, lines, source, starts)
    return Layout(entries, lines, movable)


def _plain_events(source: str) -> bool:
    """No anchors, aliases, explicit document markers or directives."""
    try:
        for event in yaml.parse(source, Loader=Yaml12Loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                return False
            if isinstance(event, yaml.DocumentStartEvent | yaml.DocumentEndEvent) and (
                event.explicit or getattr(event, "version", None) or getattr(event, "tags", None)
            ):
                return False
    except yaml.YAMLError:
        return False
    return True


def _content_end(node: yaml.Node) -> int:
    """Offset just past the last character of a value's own text (scalars and flow
    collections end exactly there; a block collection's end mark runs on to the next token,
    over any comments, so its children are asked instead)."""
    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
        index: int = node.end_mark.index
        return index
    children: Sequence[Any] = node.value
    if isinstance(node, yaml.MappingNode):
        return max(max(_content_end(k), _content_end(v)) for k, v in children)
    return max(_content_end(child) for child in children)


def _blocks_are_lines(
    entries: list[Entry], lines: list[str], source: str, starts: list[int]
) -> bool:
    """Each key starts its own line at one shared indentation, and between one value's text and
    the next key there are only blank and comment lines."""
    if not entries or any(entry.key is None for entry in entries):
        return False
    if len({entry.column for entry in entries}) != 1:
        return False
    for index, entry in enumerate(entries):
        if source[starts[entry.key_line] : entry.key_start].strip(" "):
            return False  # `? key`, a tag or something else before the key
        if index and entry.key_line <= entries[index - 1].content_end_line:
            return False
        following = entries[index + 1].key_line if index + 1 < len(entries) else len(lines)
        if not all(_is_gap(line) for line in lines[entry.content_end_line + 1 : following]):
            return False
    return True


def _is_gap(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _line_starts(source: str) -> list[int]:
    starts, position = [0], source.find("\n")
    while position != -1:
        starts.append(position + 1)
        position = source.find("\n", position + 1)
    return starts


def _line_of(starts: list[int], offset: int) -> int:
    return bisect_right(starts, offset) - 1


# -- fix ----------------------------------------------------------------------------------------


def blocks(layout: Layout) -> tuple[list[str], list[list[str]], list[str]]:
    """(header lines, one list of lines per key, footer lines); joined in order, they are the
    source again."""
    entries, lines = layout.entries, layout.lines
    firsts = []
    for index, entry in enumerate(entries):
        floor = entries[index - 1].content_end_line + 1 if index else 0
        first = entry.key_line
        while first > floor and _attached_comment(lines[first - 1], entry.column):
            first -= 1
        firsts.append(first)
    footer_start = entries[-1].content_end_line + 1
    bounds = [*firsts, footer_start]
    keyed = [lines[bounds[i] : bounds[i + 1]] for i in range(len(entries))]
    return lines[: firsts[0]], keyed, lines[footer_start:]


def _attached_comment(line: str, column: int) -> bool:
    stripped = line.lstrip(" \t")
    return stripped.startswith("#") and len(line) - len(stripped) <= column


def _fix(
    layout: Layout, source: str, permutation: list[int], expected: list[str | None]
) -> Edit | None:
    """The edit (offsets in the source) that puts the key blocks in `permutation` order, or None
    when the blocks cannot be moved or the result would not read back as the same mapping."""
    if not layout.movable:
        return None
    header, keyed, footer = blocks(layout)
    new_lines = [*header, *(line for index in permutation for line in keyed[index]), *footer]
    if not _same_mapping(source, "".join(new_lines), expected):
        return None
    old_lines = layout.lines
    head = 0
    while head < len(old_lines) and old_lines[head] == new_lines[head]:
        head += 1
    tail = 0
    while tail < len(old_lines) - head and old_lines[-1 - tail] == new_lines[-1 - tail]:
        tail += 1
    start = sum(len(line) for line in old_lines[:head])
    end = len(source) - sum(len(line) for line in old_lines[len(old_lines) - tail :])
    replacement = "".join(new_lines[head : len(new_lines) - tail])
    return Edit(start, end, replacement)


def _same_mapping(old: str, new: str, expected: list[str | None]) -> bool:
    root = compose(new)
    if root is None or [_key_name(key) for key, _ in root.value] != expected:
        return False
    try:
        return bool(load_yaml(new) == load_yaml(old))
    except yaml.YAMLError:
        return False
