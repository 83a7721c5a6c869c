"""The fast validity check must agree with jsonschema wherever it answers "valid".

It is only a shortcut: when it says an instance is valid, jsonschema must find no error; on the
inputs kblint meets every day (our fixtures' registries, frontmatter, config, rules) it must
also say "invalid" exactly when jsonschema does, or the shortcut saves nothing.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kblint import schemas
from kblint.frontmatter import load_yaml, split
from kblint.quickschema import Unsupported, compile_schema, conforms

ROOT = Path(__file__).resolve().parent.parent
REGISTRY_SCHEMAS = {
    "entities": "entities.schema.json",
    "resources": "resources.schema.json",
}


def _jsonschema_valid(name: str, instance: Any, items: bool, formats: bool) -> bool:
    validator = schemas.validator(name, items=items, formats=formats)
    return not list(validator.iter_errors(instance))


def _registry_entries() -> list[tuple[str, Any]]:
    found = []
    for folder, name in REGISTRY_SCHEMAS.items():
        for path in sorted(ROOT.glob(f"**/data/{folder}/*.yaml")):
            if ".venv" in path.parts:
                continue
            entries = load_yaml(path.read_text(encoding="utf-8")) or []
            found += [(name, entry) for entry in entries if isinstance(entries, list)]
    return found


def _frontmatters() -> list[dict[str, Any]]:
    found = []
    for path in sorted((ROOT / "examples").glob("**/*.mdx")) + sorted(
        (ROOT / "tests" / "fixtures").glob("**/*.mdx")
    ):
        block, problems = split(path.read_text(encoding="utf-8"))
        if block is not None and not problems and isinstance(block.data, dict):
            found.append(block.data)
    return found


ENTRIES = _registry_entries()
FRONTMATTERS = _frontmatters()


def test_the_corpus_is_not_empty() -> None:
    assert len(ENTRIES) > 30
    assert len(FRONTMATTERS) > 30


@pytest.mark.parametrize(("name", "entry"), ENTRIES)
def test_registry_entries_agree(name: str, entry: Any) -> None:
    expected = _jsonschema_valid(name, entry, items=True, formats=False)
    assert schemas.is_valid(name, entry, items=True) is expected


def test_frontmatter_agrees_on_every_fixture() -> None:
    name = "frontmatter.schema.json"
    disagreements = [
        fm
        for fm in FRONTMATTERS
        if schemas.is_valid(name, fm, formats=True) != _jsonschema_valid(name, fm, False, True)
    ]
    assert disagreements == []


def test_config_and_rule_files_agree() -> None:
    configs = [ROOT / "tests/fixtures/rules/kb/kblint.yaml"]
    for path in configs:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert schemas.is_valid("config.schema.json", raw)
    for path in sorted((ROOT / "rules").glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert schemas.is_valid("rule.schema.json", raw), path.name


@pytest.mark.parametrize(
    ("instance", "valid"),
    [
        ({"title": "Deceptive alignment", "lastEdited": "2024-02-29"}, True),
        ({"title": "Deceptive alignment", "lastEdited": "2023-02-29"}, False),  # not a date
        ({"title": "Deceptive alignment", "lastEdited": "2024-W01-1"}, False),  # ISO week date
        ({"title": "Deceptive alignment", "quality": True}, False),  # true is not a number
        ({"title": "Deceptive alignment", "update_frequency": 7.0}, None),  # jsonschema decides
        ({"title": 42}, False),
        ({}, False),  # title is required
    ],
)
def test_edge_cases_of_json_semantics(instance: dict[str, Any], valid: bool | None) -> None:
    name = "frontmatter.schema.json"
    root = schemas.schema(name)
    if valid is None:
        with pytest.raises(Unsupported):
            conforms(instance, root, root, formats=True)
        assert schemas.is_valid(name, instance, formats=True) is False
        return
    assert conforms(instance, root, root, formats=True) is valid
    assert _jsonschema_valid(name, instance, False, True) is valid


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 200),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(["", "x", "2024-01-15", "2024-13-01", "risk", "paper", "https://a.org/x"]),
    st.lists(st.sampled_from(["a", "", "risk"]), max_size=3),
)


def _mutate(base: dict[str, Any], key: str | None, value: Any, drop: bool) -> dict[str, Any]:
    mutated = copy.deepcopy(base)
    if key is not None:
        if drop:
            mutated.pop(key, None)
        else:
            mutated[key] = value
    return mutated


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_mutated_inputs_never_disagree(data: st.DataObject) -> None:
    """Random edits of real entries: a "valid" answer is always right, and where the fast
    check decides at all it decides like jsonschema."""
    name, base = data.draw(st.sampled_from(ENTRIES))
    if not isinstance(base, dict):
        return
    key = data.draw(st.sampled_from([*base.keys(), "extra", None]))
    instance = _mutate(base, key, data.draw(_SCALARS), data.draw(st.booleans()))
    expected = _jsonschema_valid(name, instance, items=True, formats=False)
    root = schemas.schema(name)
    try:
        decided = conforms(instance, root["items"], root)
    except Unsupported:
        assert schemas.is_valid(name, instance, items=True) is False
        return
    assert decided is expected


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_mutated_frontmatter_never_disagrees(data: st.DataObject) -> None:
    name = "frontmatter.schema.json"
    base = data.draw(st.sampled_from(FRONTMATTERS))
    key = data.draw(st.sampled_from([*base.keys(), "quality", "lastEdited", "extra", None]))
    instance = _mutate(base, key, data.draw(_SCALARS), data.draw(st.booleans()))
    expected = _jsonschema_valid(name, instance, items=False, formats=True)
    root = schemas.schema(name)
    try:
        decided = conforms(instance, root, root, formats=True)
    except Unsupported:
        return
    assert decided is expected


# --------------------------------------------------------------------------- the compiled form

TREE = {
    "$defs": {
        "node": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                "weird": {"patternProperties": {"^x": True}},  # not decided here
            },
            "additionalProperties": False,
        }
    },
    "$ref": "#/$defs/node",
}


@pytest.mark.parametrize(
    ("instance", "valid"),
    [
        ({"name": "root"}, True),
        ({"name": "root", "children": [{"name": "a", "children": [{"name": "b"}]}]}, True),
        ({"name": "root", "children": [{"name": "a", "children": [{"name": ""}]}]}, False),
        ({"name": "root", "children": [{"children": []}]}, False),  # required, two levels down
        ({"name": "root", "other": 1}, False),  # additionalProperties
        ({"name": "root", "weird": {}}, None),  # reaches the unsupported keyword
        ({"name": "", "weird": {}}, False),  # "no" before the unsupported keyword is reached
    ],
)
def test_recursive_references_and_unsupported_keywords_where_reached(
    instance: dict[str, Any], valid: bool | None
) -> None:
    check = compile_schema(TREE, TREE)
    if valid is None:
        with pytest.raises(Unsupported, match="patternProperties"):
            check(instance)
        return
    assert check(instance) is valid
    assert conforms(instance, TREE, TREE) is valid


def test_a_compiled_check_is_reused_and_keeps_no_state_between_instances() -> None:
    check = compile_schema(TREE, TREE)
    answers = [check({"name": "a"}), check({"name": 3}), check({"name": "a"})]
    assert answers == [True, False, True]
