"""Frontmatter: split the leading `---` block and load it with YAML 1.2 scalar semantics.

Spec §1: unquoted dates stay strings (`lastEdited: 2026-01-29` → "2026-01-29") and
`yes`/`no`/`on`/`off` stay strings. PyYAML's SafeLoader follows YAML 1.1, so we build a loader
without its timestamp resolver and with a boolean resolver for `true`/`false` only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from kblint.model import Problem

_BOOL_12 = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_REMOVED_TAGS = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool"}
_DELIMITER = re.compile(r"---[ \t]*(?:\n|$)")


# libyaml's parser is ~8x faster than PyYAML's pure-Python one; the resolvers (which decide
# what a plain scalar means) are Python either way, so the YAML 1.2 adjustments apply to both.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Yaml12Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """SafeLoader with YAML 1.2 booleans and no implicit timestamps."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _REMOVED_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL_12, list("tTfF"))


def load_yaml(text: str) -> Any:
    """Load one YAML document with the KB's scalar semantics (used for registries too)."""
    return load_yaml_node(text)[1]


def load_yaml_node(text: str) -> tuple[yaml.Node | None, Any]:
    """`load_yaml`'s value and the node it was built from (where each entry starts)."""
    loader = Yaml12Loader(text)
    try:
        node = loader.get_single_node()
        return node, (None if node is None else construct(loader, node))
    finally:
        loader.dispose()


_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
#: Tags whose constructor is a plain function of one scalar node (no nested nodes, no state).
_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "binary", "timestamp")
)


class _NotPlain(Exception):
    """The document needs PyYAML's own construction (see `construct`)."""


def construct(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """What `loader.construct_document(node)` returns.

    PyYAML builds every node through a generic dispatch (constructor lookup, recursion
    bookkeeping, a generator per mapping): ~45% of loading the benchmark KB's registries once
    libyaml has parsed them (construction 92 -> 21 ms of 205). Nearly every document is plain:
    strings, numbers, lists, mappings with scalar keys, no list or mapping used twice. Those are
    built here, calling PyYAML's scalar constructors but none of its bookkeeping; anything else
    (merge keys, tags such as `!!set`, an alias of a list or mapping, whose identity PyYAML
    preserves, or any error) is left to PyYAML from the start, so the result, or the error, is
    always PyYAML's.
    """
    try:
        return _PlainBuilder(loader).build(node)
    except Exception:  # noqa: BLE001 - PyYAML decides, and raises its own error if any
        return loader.construct_document(node)


class _PlainBuilder:
    """Builds a plain document; raises (anything) where it is not plain. It never touches the
    loader's own construction state, so PyYAML can start over after it."""

    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.constructors = loader.yaml_constructors
        self.loader = loader
        self.seen: set[int] = set()  # lists and mappings built: a second visit is an alias

    def build(self, node: yaml.Node) -> Any:
        tag = node.tag
        if isinstance(node, yaml.ScalarNode):
            if tag == _STR_TAG:
                return node.value
            if tag in _SCALAR_TAGS:
                return self.constructors[tag](self.loader, node)
            raise _NotPlain
        if id(node) in self.seen:
            raise _NotPlain
        self.seen.add(id(node))
        if tag == _SEQ_TAG and isinstance(node, yaml.SequenceNode):
            return [self.build(item) for item in node.value]
        if tag == _MAP_TAG and isinstance(node, yaml.MappingNode):
            return {self._key(key): self.build(value) for key, value in node.value}
        raise _NotPlain

    def _key(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise _NotPlain  # a list or mapping as a key: PyYAML's error
        return self.build(node)  # a merge (`<<`) or value (`=`) key is not plain either


@dataclass(frozen=True, slots=True)
class FrontmatterBlock:
    """Where the frontmatter sits (0-based line numbers of the two `---` lines) and what it says."""

    data: dict[str, Any]
    open_line: int
    close_line: int
    body_start: int  # offset of the first character after the closing `---` line
    yaml_start: int  # offset of the first YAML character


def split(text: str) -> tuple[FrontmatterBlock | None, list[Problem]]:
    """Find and parse the frontmatter of normalised text (LF line ends, no BOM)."""
    if not _DELIMITER.match(text):
        return None, []
    yaml_start = text.find("\n") + 1
    if yaml_start == 0:
        return None, [
            Problem("frontmatter-parse", 0, "frontmatter opened on line 1 is never closed")
        ]
    closing = re.compile(r"^---[ \t]*$", re.MULTILINE).search(text, yaml_start)
    if closing is None:
        return None, [
            Problem("frontmatter-parse", 0, "frontmatter opened on line 1 is never closed")
        ]
    close_line = text.count("\n", 0, closing.start())
    body_start = min(len(text), closing.end() + 1)
    data, problems = _parse(text[yaml_start : closing.start()], yaml_start, text)
    return FrontmatterBlock(data, 0, close_line, body_start, yaml_start), problems


def _parse(source: str, offset: int, text: str) -> tuple[dict[str, Any], list[Problem]]:
    try:
        data = load_yaml(source)
    except yaml.MarkedYAMLError as error:
        mark = _useful_mark(error, source)
        where = offset
        if mark is not None:
            where = _offset_of(text, offset, mark.line, mark.column)
        reason = error.problem or error.context or "invalid YAML"
        return {}, [Problem("frontmatter-parse", where, f"frontmatter is not valid YAML: {reason}")]
    except yaml.YAMLError as error:
        return {}, [Problem("frontmatter-parse", offset, f"frontmatter is not valid YAML: {error}")]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        kind = type(data).__name__
        return {}, [
            Problem("frontmatter-parse", offset, f"frontmatter must be a mapping, got {kind}")
        ]
    return {str(key): value for key, value in data.items()}, []


def _useful_mark(error: yaml.MarkedYAMLError, source: str) -> yaml.Mark | None:
    """Where to point: the problem, unless the parser only noticed it at the end of the block
    (an unclosed quote or bracket): then where the unclosed construct started."""
    mark = error.problem_mark
    at_end = mark is not None and mark.index >= len(source.rstrip())
    if (mark is None or at_end) and error.context_mark is not None:
        return error.context_mark
    return mark


def _offset_of(text: str, base: int, line: int, column: int) -> int:
    cursor = base
    for _ in range(line):
        next_nl = text.find("\n", cursor)
        if next_nl == -1:
            return len(text)
        cursor = next_nl + 1
    return cursor + column
