"""Indented JSON, exactly as `json.dumps(value, indent=2, ensure_ascii=False)` writes it, faster.

The standard library indents with its pure-Python encoder (its C encoder cannot indent): a
20,000-article report (~190 MB of JSON) took 3.9-5.6 s to write. But most containers of a report are
flat, holding no non-empty container (a finding, a coverage item, a list of ids), and a flat
container's indented text is its C-encoded text with `,` + line break + indent between the
items: one C call each. Only the containers that hold other containers are walked here, in
Python. Anything unusual (a key that is not a string, a value JSON cannot encode) is handed to
`json.dumps` whole, so the text, or the error, is always the standard library's.
`tests/test_jsontext.py` compares the two on generated documents.
"""

from __future__ import annotations

import json
from json import encoder as _encoder_module
from typing import Any

INDENT = "  "
_CONTAINERS = (dict, list, tuple)
#: The standard library's C encoder factory; None on interpreters without it.
_make_c_encoder: Any = getattr(_encoder_module, "c_make_encoder", None)
_encode_string: Any = _encoder_module.encode_basestring  # the C version where there is one


class _Unusual(Exception):
    """Raised inside the walk: leave the whole document to `json.dumps`."""


def dumps(value: Any) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`, byte for byte."""
    if _make_c_encoder is None:
        return json.dumps(value, indent=2, ensure_ascii=False)
    parts: list[str] = []
    try:
        _write(value, parts, "\n")
    except (_Unusual, TypeError, ValueError, RecursionError):  # json's own error, if any
        return json.dumps(value, indent=2, ensure_ascii=False)
    return "".join(parts)


def _write(value: Any, parts: list[str], newline: str) -> None:
    """Append the text of `value`, which starts a line indented by `newline`'s blanks."""
    if isinstance(value, dict):
        _write_container(value, value.values(), "{", "}", parts, newline)
    elif isinstance(value, list | tuple):
        _write_container(value, value, "[", "]", parts, newline)
    else:
        parts.append(_encoded(value, newline))


def _write_container(
    value: Any, items: Any, opening: str, closing: str, parts: list[str], newline: str
) -> None:
    inner = newline + INDENT
    if not value:
        parts.append(opening + closing)
        return
    if _flat_items(items):  # the C encoder lays out the items; the brackets get lines here
        parts += (opening, inner, _encoded(value, inner)[1:-1], newline, closing)
        return
    parts.append(opening)
    separator = inner
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise _Unusual  # json turns some keys into strings; it knows how
            parts += (separator, _encode_string(key), ": ")
            _write(item, parts, inner)
            separator = "," + inner
    else:
        for item in value:
            parts.append(separator)
            _write(item, parts, inner)
            separator = "," + inner
    parts += (newline, closing)


def _flat_items(items: Any) -> bool:
    """No item is a non-empty container. (The items' types first: a set of them is made in C,
    and most containers of a report hold only strings, numbers and None.)"""
    if not any(issubclass(kind, _CONTAINERS) for kind in set(map(type, items))):
        return True
    return not any(isinstance(item, _CONTAINERS) and item for item in items)


def _encoded(value: Any, inner: str) -> str:
    """The C encoder's text of `value`, with `,` + `inner` between the items of a flat
    container (a scalar has none)."""
    return "".join(_c_encoder(inner)(value, 0))


_ENCODERS: dict[str, Any] = {}


def _c_encoder(inner: str) -> Any:
    """The C encoder writing `,` + `inner` between items (one per indentation depth)."""
    found = _ENCODERS.get(inner)
    if found is None:
        found = _ENCODERS[inner] = _make_c_encoder(
            None, _refuse, _encode_string, None, ": ", "," + inner, False, False, True
        )
    return found


def _refuse(value: Any) -> Any:
    raise _Unusual  # not JSON-serialisable: json.dumps raises its own TypeError
