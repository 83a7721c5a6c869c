"""`kblint.report.jsontext.dumps` writes exactly what `json.dumps(indent=2, ensure_ascii=False)`
writes: for generated documents, for the shapes reports have, and for the cases it hands to json
(keys that are not strings, values JSON cannot encode, circular containers)."""

from __future__ import annotations

import json
import math
from enum import StrEnum
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kblint.report import jsontext


def standard(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()  # any code point: quotes, backslashes, control characters, non-ASCII
)
documents = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5)
        | st.tuples(children, children)
        | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None)
@given(documents)
def test_the_same_text_as_json(document: Any) -> None:
    assert jsontext.dumps(document) == standard(document)


class Level(StrEnum):
    ERROR = "error"


@pytest.mark.parametrize(
    "document",
    [
        {},
        [],
        "",
        0,
        {"a": {}, "b": [], "c": [[]], "d": [{}], "e": {"f": []}},  # empty containers stay inline
        {"findings": [{"path": "a.mdx", "line": 3, "endLine": None, "fixable": False}]},
        {"level": Level.ERROR, "ids": (1, 2), "score": 0.1 + 0.2, "big": 2**70},
        {"nan": math.nan, "inf": [math.inf, -math.inf]},
        [{"nested": {"deeper": {"deepest": [1, {"x": "y"}]}}}, "tail"],
    ],
)
def test_report_shapes(document: Any) -> None:
    assert jsontext.dumps(document) == standard(document)


def test_keys_that_are_not_strings_are_left_to_json() -> None:
    # json turns them into strings (`1`, `1.5`, `false`, `null`), nested or flat
    document = {"outer": {1: "a", 1.5: "b", False: "c", None: "d"}, "list": [{2: [3]}]}
    assert jsontext.dumps(document) == standard(document)


def test_what_json_cannot_encode_raises_json_s_error() -> None:
    for document in ({"a": [object()]}, {"a": {"b": {1, 2}}}, {(1, 2): "tuple key"}):
        with pytest.raises(TypeError) as ours:
            jsontext.dumps(document)
        with pytest.raises(TypeError) as theirs:
            standard(document)
        assert str(ours.value) == str(theirs.value)


def test_a_circular_document_raises_json_s_error() -> None:
    loop: list[Any] = [1]
    loop.append({"again": loop})
    with pytest.raises(ValueError, match="Circular reference detected"):
        jsontext.dumps(loop)
