"""Frontmatter check (KB101): the frontmatter against `schemas/frontmatter.schema.json`.

One finding per problem, at the offending key (a list entry at the entry itself): a value of the
wrong type, out of range, not in its list or of the wrong form; a missing title; a deprecated key
(named with its replacement); and two contradictions the schema cannot express — an update
schedule on a page marked `evergreen: false`, and a stub whose quality exceeds the stub cap.

Validation runs on the mapping the article already loaded. Positions need YAML node marks, which
the loaded mapping does not keep, so the frontmatter text is composed (not constructed) again —
only when there is something to report, which keeps clean files at zero extra cost.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from kblint import schemas
from kblint.article import Article
from kblint.checks import FileContext, Hit, file_check
from kblint.frontmatter import Yaml12Loader

if TYPE_CHECKING:
    from jsonschema import ValidationError
    from jsonschema.protocols import Validator

KeyPath = tuple[str | int, ...]

#: Which of several errors on one value to report: a wrong type makes the others moot.
_PRIORITY = {"type": 0, "required": 0, "format": 2}
_LIST_IN_FULL = 10  # longer enums are summarised in messages
_SHOWN_CHARS = 60
#: Booleans in YAML 1.1 only: the loader keeps them as strings (spec §1).
_YAML11_BOOLEANS = ("yes", "no", "on", "off")


@dataclass(frozen=True, slots=True)
class Issue:
    """A frontmatter problem: where (a key path; empty = the whole block) and what."""

    path: KeyPath
    message: str


def schema() -> dict[str, Any]:
    return schemas.schema("frontmatter.schema.json")


def _validator() -> Validator:
    return schemas.validator("frontmatter.schema.json", formats=True)


@file_check
def frontmatter_schema(ctx: FileContext, options: dict[str, Any]) -> Iterator[Hit]:
    article = ctx.article
    if any(problem.rule == "frontmatter-parse" for problem in article.problems):
        return  # already an error of its own; the mapping is empty, not wrong
    has_block = article.frontmatter_lines is not None
    issues = frontmatter_issues(article.frontmatter, options, has_block)
    if not issues:
        return
    locator = KeyLocator(article)
    for issue in issues:
        start, end = locator.span(issue.path)
        yield Hit(issue.message, offset=start, end_offset=end)


def frontmatter_issues(
    data: Any, options: Mapping[str, Any], has_block: bool = True
) -> list[Issue]:
    """Every problem of one frontmatter mapping: schema, deprecated keys, contradictions."""
    if not isinstance(data, Mapping):
        return []
    if not has_block:
        return [Issue((), "page has no frontmatter; add a `---` block with at least `title: …`")]
    extra = _extra_values(options)
    issues = list(_schema_issues(data, extra))
    flagged = {issue.path for issue in issues}
    issues += _deprecated_issues(data)
    cap = options.get("stub_quality_cap", 35)
    issues += [i for i in _contradictions(data, cap) if i.path not in flagged]
    return issues


def _extra_values(options: Mapping[str, Any]) -> dict[str, tuple[Any, ...]]:
    """The `extra_values` option: more allowed values per enum key (a KB's own types).
    Tuples, not sets: a wrong value may be a list, and membership must not need hashing."""
    raw = options.get("extra_values") or {}
    if not isinstance(raw, Mapping):
        return {}
    return {str(k): tuple(v) for k, v in raw.items() if isinstance(v, list)}


# -- schema -------------------------------------------------------------------------------------


def _schema_issues(data: Mapping[str, Any], extra: dict[str, tuple[Any, ...]]) -> Iterator[Issue]:
    if schemas.is_valid("frontmatter.schema.json", data, formats=True):
        return
    best: dict[KeyPath, ValidationError] = {}
    for error in _validator().iter_errors(data):
        if error.validator == "required":
            yield from _missing(error)
            continue
        path = tuple(error.absolute_path)
        if error.validator == "enum" and error.instance in extra.get(_top(path), ()):
            continue
        current = best.get(path)
        if current is None or _rank(error) < _rank(current):
            best[path] = error
    for path, error in best.items():
        yield Issue(path, _message(path, error, extra.get(_top(path), ())))


def _top(path: KeyPath) -> str:
    return str(path[0]) if path else ""


def _rank(error: ValidationError) -> int:
    return _PRIORITY.get(str(error.validator), 1)


def _missing(error: ValidationError) -> Iterator[Issue]:
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    required: Any = error.validator_value
    for key in required:
        if key not in instance:
            hint = " (without it the site shows the file name)" if key == "title" else ""
            yield Issue((), f"frontmatter has no {key}; add `{key}: …`{hint}")


def _message(path: KeyPath, error: ValidationError, extra: Collection[Any]) -> str:
    label, shown = _label(path), _show(error.instance)
    allowed = _allowed(error.schema, extra)
    if error.validator == "format":
        return f"{label} is {shown}, which is not a real date; allowed: {allowed}"
    if allowed == "true or false" and isinstance(error.instance, str):
        word = error.instance.lower()
        if word in ("true", "false"):
            return f"{label} is {shown}, a quoted string; write {word} without quotes"
        if word in _YAML11_BOOLEANS:
            word = "true" if word in ("yes", "on") else "false"
            return f"{label} is {shown}, which YAML 1.2 reads as text; write {word}"
    if error.validator == "enum" and isinstance(error.instance, str):
        listed: Any = error.validator_value
        choices = [str(v) for v in [*listed, *extra]]
        close = difflib.get_close_matches(error.instance, choices, n=1, cutoff=0.6)
        if close:
            return f'{label} is {shown}; did you mean "{close[0]}"? allowed: {allowed}'
    return f"{label} is {shown}; allowed: {allowed}"


def _label(path: KeyPath) -> str:
    label = ""
    for part in path:
        if isinstance(part, int):
            label += f" entry {part + 1}"
        else:
            label += f".{part}" if label else part
    return label


def _show(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= _SHOWN_CHARS else value[: _SHOWN_CHARS - 1] + "…"
        return json.dumps(text, ensure_ascii=False)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    if isinstance(value, Mapping):
        return "a mapping" if value else "an empty mapping"
    return f"a {type(value).__name__} value"


def _allowed(subschema: Any, extra: Collection[Any] = ()) -> str:
    """What a (sub)schema accepts, in words."""
    subschema = _resolve(subschema)
    if not isinstance(subschema, Mapping):
        return "a different value"
    if "x-allowed" in subschema:
        return str(subschema["x-allowed"])
    if "enum" in subschema:
        values = [str(v) for v in [*subschema["enum"], *extra]]
        if len(values) > _LIST_IN_FULL:
            where = "schemas/frontmatter.schema.json" + (" and extra_values" if extra else "")
            return f"one of the {len(values)} values listed in {where}"
        return "one of " + ", ".join(values)
    kinds = subschema.get("type") or []
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    return " or ".join(_describe_type(kind, subschema) for kind in kinds) or "a different value"


def _resolve(subschema: Any) -> Any:
    """Follow a local `$ref` (`#/$defs/name`), keeping the referring schema's own keys."""
    if not isinstance(subschema, Mapping) or "$ref" not in subschema:
        return subschema
    target = schema().get("$defs", {}).get(str(subschema["$ref"]).rsplit("/", 1)[-1], {})
    return {**target, **{k: v for k, v in subschema.items() if k != "$ref"}}


def _describe_type(kind: str, subschema: Mapping[str, Any]) -> str:
    if kind in ("number", "integer"):
        noun = "a whole number" if kind == "integer" else "a number"
        low, high = subschema.get("minimum"), subschema.get("maximum")
        if low is not None and high is not None:
            return f"{noun} from {low} to {high}"
        return f"{noun} of at least {low}" if low is not None else noun
    if kind == "array":
        items = subschema.get("items")
        noun = "a non-empty list" if subschema.get("minItems") else "a list"
        return f"{noun} of {_allowed(items)}" if items else noun
    words = {"string": "text", "boolean": "true or false", "object": "a mapping of keys"}
    return words.get(kind, kind)


# -- deprecated keys and contradictions ---------------------------------------------------------


def _deprecated_issues(data: Mapping[str, Any]) -> Iterator[Issue]:
    properties = schema()["properties"]
    for key in data:
        spec = properties.get(key)
        if not isinstance(spec, Mapping) or not spec.get("deprecated"):
            continue
        new = spec.get("x-replacedBy")
        if new in data:
            yield Issue((key,), f"{key} is deprecated and {new} is also set; remove {key}")
        else:
            yield Issue((key,), f"{key} is deprecated; rename it to {new} (only {new} is read)")


def _contradictions(data: Mapping[str, Any], cap: Any) -> Iterator[Issue]:
    frequency = _number(data.get("update_frequency"))
    if data.get("evergreen") is False and frequency is not None and frequency > 0:
        yield Issue(
            ("update_frequency",),
            f"update_frequency is {frequency} but evergreen is false: a page that is not kept "
            "up to date has no review schedule; remove update_frequency or `evergreen: false`",
        )
    quality, limit = _number(data.get("quality")), _number(cap)
    is_stub = data.get("pageType") == "stub"
    if is_stub and quality is not None and limit is not None and quality > limit:
        yield Issue(
            ("quality",),
            f"quality is {quality} but pageType is stub, and stubs are capped at {cap}; "
            f"lower quality to at most {cap} or remove `pageType: stub`",
        )


def _number(value: Any) -> int | float | None:
    """A YAML number (booleans are not numbers here), else None."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return None


# -- positions ----------------------------------------------------------------------------------


class KeyLocator:
    """Offsets of frontmatter keys (and list entries) in the article text."""

    def __init__(self, article: Article) -> None:
        self._whole = (0, min(3, len(article.text)))  # the opening `---`
        self._base = 0
        self._root: yaml.Node | None = None
        if article.frontmatter_lines is None:
            self._whole = (0, 0)
            return
        open_line, close_line = article.frontmatter_lines
        self._base = article.index.line_start(open_line + 1)
        source = article.text[self._base : article.index.line_start(close_line)]
        try:
            self._root = yaml.compose(source, Loader=Yaml12Loader)
        except yaml.YAMLError:
            self._root = None

    def span(self, path: KeyPath) -> tuple[int, int]:
        """The key naming the deepest part of `path` that exists; the block's `---` if none."""
        found, node = self._whole, self._root
        for part in path:
            child = _child(node, part)
            if child is None:
                break
            marker, node = child
            found = (self._base + marker.start_mark.index, self._base + marker.end_mark.index)
        return found


def _child(node: yaml.Node | None, part: str | int) -> tuple[yaml.Node, yaml.Node] | None:
    """(the node to point at, the value node) for one path step."""
    if isinstance(node, yaml.MappingNode):
        matches = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]
        matches = [(k, v) for k, v in matches if k.value == str(part)]
        return matches[-1] if matches else None  # YAML keeps the last of duplicate keys
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        item: yaml.Node = node.value[part]
        return item, item
    return None
