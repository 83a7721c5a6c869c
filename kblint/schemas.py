"""The JSON Schemas in `schemas/`, loaded and compiled once, and only when something needs
validating (importing jsonschema costs more than a warm kblint run spends on anything else)."""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any

from kblint.quickschema import Check, Unsupported, compile_schema
from kblint.resources import data_dir

if TYPE_CHECKING:
    from jsonschema.protocols import Validator


@cache
def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((data_dir("schemas") / name).read_text(encoding="utf-8"))
    return loaded


@cache
def validator(name: str, *, items: bool = False, formats: bool = False) -> Validator:
    """A validator for `schemas/<name>`; with `items`, for ONE entry of a list schema."""
    import jsonschema  # noqa: PLC0415 - deferred: see module docs

    document = schema(name)
    if items:
        document = {key: value for key, value in document.items() if key not in ("type", "items")}
        document["$ref"] = schema(name)["items"]["$ref"]
    cls = jsonschema.validators.validator_for(schema(name))
    checker = cls.FORMAT_CHECKER if formats else None
    built: Validator = cls(document, format_checker=checker)
    return built


def is_valid(name: str, instance: Any, *, items: bool = False, formats: bool = False) -> bool:
    """True when `instance` certainly conforms to `schemas/<name>` (one entry of it, with
    `items`), decided without jsonschema. False means "ask `validator()` for the errors"."""
    try:
        return _fast_check(name, items, formats)(instance)
    except Unsupported:
        return False


@cache
def _fast_check(name: str, items: bool, formats: bool) -> Check:
    root = schema(name)
    return compile_schema(root["items"] if items else root, root, formats)
