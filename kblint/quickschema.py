"""A fast yes/no check of an instance against one of our JSON Schemas.

jsonschema explains *why* something is invalid, and that is the message users see; but nearly
everything kblint validates is valid (thousands of registry entries, every article's
frontmatter, the config on every run), and jsonschema's general machinery costs ~0.2 ms per
entry plus ~80 ms to import. This module decides validity for the keywords our schemas use and
says "don't know" (`Unsupported`) for anything else; callers ask jsonschema only when the answer
is not a plain yes. jsonschema stays the authority: a "no" here only means "go and ask it".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any

#: Keywords that never affect validity (and any `x-…` extension of ours).
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$defs", "$comment", "title", "description", "default", "deprecated"}
)


_FULL_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class Unsupported(Exception):
    """The schema uses something this checker does not decide; ask jsonschema."""


def conforms(instance: Any, schema: Any, root: dict[str, Any], formats: bool = False) -> bool:
    """True when `instance` is valid against `schema` (`root` resolves `#/…` references)."""
    if schema is True:
        return True
    if schema is False:
        return False
    if not isinstance(schema, dict):
        raise Unsupported("schema is not an object")
    for keyword, argument in schema.items():
        if keyword in _ANNOTATIONS or keyword.startswith("x-"):
            continue
        if keyword == "additionalProperties":
            if not _additional(instance, argument, schema.get("properties", {}), root, formats):
                return False
            continue
        check = _KEYWORDS.get(keyword)
        if check is None:
            raise Unsupported(keyword)
        if not check(instance, argument, root, formats):
            return False
    return True


def _resolve(reference: str, root: dict[str, Any]) -> Any:
    if not reference.startswith("#"):
        raise Unsupported(f"remote $ref {reference}")
    node: Any = root
    for escaped in reference[1:].split("/")[1:]:
        part = escaped.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise Unsupported(f"unresolvable $ref {reference}")
        node = node[part]
    return node


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _type_matches(instance: Any, name: str) -> bool:
    if name == "integer":
        if isinstance(instance, float):
            raise Unsupported("float for integer")  # 1.0 is an integer to JSON Schema
        return isinstance(instance, int) and not isinstance(instance, bool)
    checker = _TYPES.get(name)
    if checker is None:
        raise Unsupported(f"type {name}")
    return checker(instance)


_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    "number": _is_number,
    "array": lambda value: isinstance(value, list),
    "object": lambda value: isinstance(value, dict),
}


def _same(left: Any, right: Any) -> bool:
    """JSON equality: unlike Python, `true` is not `1`."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    structured = isinstance(left, list | dict), isinstance(right, list | dict)
    if all(structured):
        raise Unsupported("structured enum or const")
    return not any(structured) and bool(left == right)


@cache
def _regex(source: str) -> re.Pattern[str]:
    return re.compile(source)


def _format_ok(value: Any, name: str) -> bool:
    if not isinstance(value, str):
        return True
    if name == "date":  # RFC 3339 full-date: YYYY-MM-DD, a real day (not an ISO week date)
        if not _FULL_DATE.fullmatch(value):
            return False
        try:
            date.fromisoformat(value)
        except ValueError:
            return False
        return True
    raise Unsupported(f"format {name}")


def _properties(instance: Any, argument: Any, root: dict[str, Any], formats: bool) -> bool:
    if not isinstance(instance, dict):
        return True
    return all(
        conforms(instance[key], subschema, root, formats)
        for key, subschema in argument.items()
        if key in instance
    )


def _additional(
    instance: Any, argument: Any, known: dict[str, Any], root: dict[str, Any], formats: bool
) -> bool:
    """Keys not named in the sibling `properties` (`patternProperties` is unsupported, so a
    schema using it never gets here)."""
    if not isinstance(instance, dict):
        return True
    return all(
        conforms(value, argument, root, formats)
        for key, value in instance.items()
        if key not in known
    )


def _items(instance: Any, argument: Any, root: dict[str, Any], formats: bool) -> bool:
    if not isinstance(instance, list):
        return True
    return all(conforms(item, argument, root, formats) for item in instance)


def _one_of(instance: Any, argument: Any, root: dict[str, Any], formats: bool) -> bool:
    return sum(1 for branch in argument if conforms(instance, branch, root, formats)) == 1


def _minimum(instance: Any, argument: Any, root: dict[str, Any], formats: bool) -> bool:
    return not _is_number(instance) or instance >= argument


def _maximum(instance: Any, argument: Any, root: dict[str, Any], formats: bool) -> bool:
    return not _is_number(instance) or instance <= argument


def _type(instance: Any, argument: Any, root: dict[str, Any], formats: bool) -> bool:
    names = argument if isinstance(argument, list) else [argument]
    return any(_type_matches(instance, name) for name in names)


_Check = Callable[[Any, Any, dict[str, Any], bool], bool]

_KEYWORDS: dict[str, _Check] = {
    "$ref": lambda i, a, r, f: conforms(i, _resolve(a, r), r, f),
    "type": _type,
    "enum": lambda i, a, r, f: any(_same(i, option) for option in a),
    "const": lambda i, a, r, f: _same(i, a),
    "properties": _properties,
    "required": lambda i, a, r, f: not isinstance(i, dict) or all(key in i for key in a),
    "items": _items,
    "minItems": lambda i, a, r, f: not isinstance(i, list) or len(i) >= a,
    "minLength": lambda i, a, r, f: not isinstance(i, str) or len(i) >= a,
    "pattern": lambda i, a, r, f: not isinstance(i, str) or _regex(a).search(i) is not None,
    "minimum": _minimum,
    "maximum": _maximum,
    "oneOf": _one_of,
    "anyOf": lambda i, a, r, f: any(conforms(i, branch, r, f) for branch in a),
    "not": lambda i, a, r, f: not conforms(i, a, r, f),
    "format": lambda i, a, r, f: not f or _format_ok(i, a),
}
