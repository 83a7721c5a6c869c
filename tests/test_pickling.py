"""`model.pickled_by_fields`: a dataclass pickles as a call of its constructor with its fields."""

from __future__ import annotations

import pickle
from dataclasses import dataclass

from kblint.model import Finding, Position, Severity, pickled_by_fields


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class NoField:
    pass


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class OneField:
    name: str


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ThreeFields:
    name: str
    count: int
    parts: tuple[str, ...] = ()


def test_reduce_is_the_constructor_and_a_tuple_of_the_fields() -> None:
    assert NoField().__reduce__() == (NoField, ())
    assert OneField("a").__reduce__() == (OneField, ("a",))  # a tuple, not the bare value
    assert ThreeFields("a", 2, ("x",)).__reduce__() == (ThreeFields, ("a", 2, ("x",)))


def test_round_trips() -> None:
    finding = Finding("a.mdx", 3, 5, "rule", "KB001", Severity.ERROR, "message", 3, 9)
    for value in (NoField(), OneField("a"), ThreeFields("a", 2, ("x",)), Position(1, 2), finding):
        for protocol in (2, pickle.HIGHEST_PROTOCOL):
            assert pickle.loads(pickle.dumps(value, protocol=protocol)) == value
