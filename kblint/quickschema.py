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
from typing import Any, TypeAlias

#: Keywords that never affect validity (and any `x-…` extension of ours).
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$defs", "$comment", "title", "description", "default", "deprecated"}
)


_FULL_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class Unsupported(Exception):
    """The schema uses something this checker does not decide; ask jsonschema."""


def conforms(instance: Any, schema: Any, root: dict[str, Any], formats: bool = False) -> bool:
    """True when `instance` is valid against `schema` (`root` resolves `#/…` references)."""
    return compile_schema(schema, root, formats)(instance)


Check: TypeAlias = Callable[[Any], bool]


def compile_schema(schema: Any, root: dict[str, Any], formats: bool = False) -> Check:
    """`conforms` for one schema as one function, built once: a registry of 20,000 pages is
    ~90,000 entries, and interpreting the schema for each (a dictionary walk per keyword and
    nested value) took ~30% of reading it. Same answers, and `Unsupported` is raised at the same
    points, when an instance reaches it (only a `pattern` is compiled, so a bad one fails here)."""
    return _Compiler(root, formats).compile(schema)


class _Compiler:
    def __init__(self, root: dict[str, Any], formats: bool) -> None:
        self.root, self.formats = root, formats
        self.references: dict[str, Check] = {}

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return _always
        if schema is False:
            return _never
        if not isinstance(schema, dict):
            return _unsupported("schema is not an object")
        checks = [
            self._keyword(keyword, argument, schema)
            for keyword, argument in schema.items()
            if keyword not in _ANNOTATIONS and not keyword.startswith("x-")
        ]
        if len(checks) == 1:
            return checks[0]

        def all_of(instance: Any) -> bool:
            # in the schema's order, the first "no" ends it; a loop, not all() over a generator:
            # this runs for every entry and nested object
            for check in checks:  # noqa: SIM110
                if not check(instance):
                    return False
            return True

        return all_of

    def reference(self, reference: str) -> Check:
        """A `$ref`, compiled once however often it is used (and recursive ones at all)."""
        if reference not in self.references:
            target: list[Check] = []

            def resolved(instance: Any) -> bool:  # target is filled in below, before any call
                return target[0](instance)

            self.references[reference] = resolved
            try:
                target.append(self.compile(_resolve(reference, self.root)))
            except Unsupported as error:
                target.append(_unsupported(str(error)))
            self.references[reference] = target[0]  # later uses skip the indirection
        return self.references[reference]

    def _keyword(self, keyword: str, argument: Any, schema: dict[str, Any]) -> Check:
        if keyword == "additionalProperties":
            return _additional(set(schema.get("properties", {})), self.compile(argument))
        build = _KEYWORDS.get(keyword)
        if build is None:
            return _unsupported(keyword)
        return build(self, argument)


def _always(instance: Any) -> bool:
    return True


def _never(instance: Any) -> bool:
    return False


def _unsupported(reason: str) -> Check:
    def check(instance: Any) -> bool:
        raise Unsupported(reason)

    return check


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


def _properties(compiler: _Compiler, argument: Any) -> Check:
    subschemas = [(key, compiler.compile(subschema)) for key, subschema in argument.items()]

    def check(instance: Any) -> bool:
        if not isinstance(instance, dict):
            return True
        for key, subschema in subschemas:
            if key in instance and not subschema(instance[key]):
                return False
        return True

    return check


def _additional(known: set[str], subschema: Check) -> Check:
    """Keys not named in the sibling `properties` (`patternProperties` is unsupported, so a
    schema using it never gets here)."""

    def check(instance: Any) -> bool:
        if not isinstance(instance, dict):
            return True
        return all(subschema(value) for key, value in instance.items() if key not in known)

    return check


def _items(compiler: _Compiler, argument: Any) -> Check:
    subschema = compiler.compile(argument)
    return lambda instance: not isinstance(instance, list) or all(map(subschema, instance))


def _one_of(compiler: _Compiler, argument: Any) -> Check:
    branches = [compiler.compile(branch) for branch in argument]
    return lambda instance: sum(1 for branch in branches if branch(instance)) == 1


def _any_of(compiler: _Compiler, argument: Any) -> Check:
    branches = [compiler.compile(branch) for branch in argument]
    return lambda instance: any(branch(instance) for branch in branches)


def _not(compiler: _Compiler, argument: Any) -> Check:
    subschema = compiler.compile(argument)
    return lambda instance: not subschema(instance)


def _type(compiler: _Compiler, argument: Any) -> Check:
    names = argument if isinstance(argument, list) else [argument]
    if names == ["string"]:  # nearly every property: one `isinstance` instead of the general path
        return lambda instance: isinstance(instance, str)
    return lambda instance: any(_type_matches(instance, name) for name in names)


def _enum(compiler: _Compiler, argument: Any) -> Check:
    return lambda instance: any(_same(instance, option) for option in argument)


def _format(compiler: _Compiler, argument: Any) -> Check:
    if not compiler.formats:
        return _always
    return lambda instance: _format_ok(instance, argument)


def _pattern(compiler: _Compiler, argument: Any) -> Check:
    search = re.compile(argument).search  # once per compiled schema
    return lambda instance: not isinstance(instance, str) or search(instance) is not None


def _minimum(compiler: _Compiler, argument: Any) -> Check:
    return lambda instance: not _is_number(instance) or instance >= argument


def _maximum(compiler: _Compiler, argument: Any) -> Check:
    return lambda instance: not _is_number(instance) or instance <= argument


_Build = Callable[[_Compiler, Any], Check]

_KEYWORDS: dict[str, _Build] = {
    "$ref": lambda c, a: c.reference(a),
    "type": _type,
    "enum": _enum,
    "const": lambda c, a: lambda i: _same(i, a),
    "properties": _properties,
    "required": lambda c, a: lambda i: not isinstance(i, dict) or all(key in i for key in a),
    "items": _items,
    "minItems": lambda c, a: lambda i: not isinstance(i, list) or len(i) >= a,
    "minLength": lambda c, a: lambda i: not isinstance(i, str) or len(i) >= a,
    "pattern": _pattern,
    "minimum": _minimum,
    "maximum": _maximum,
    "oneOf": _one_of,
    "anyOf": _any_of,
    "not": _not,
    "format": _format,
}
