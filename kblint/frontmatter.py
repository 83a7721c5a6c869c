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
    return yaml.load(text, Loader=Yaml12Loader)


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
