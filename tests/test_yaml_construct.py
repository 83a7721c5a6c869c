"""`frontmatter.construct` builds plain YAML documents itself; it must return exactly what
PyYAML's own construction returns, and hand everything else back to PyYAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import kblint.frontmatter as frontmatter_module
from kblint.frontmatter import Yaml12Loader, construct, load_yaml

ROOT = Path(__file__).resolve().parent.parent


def pyyaml(text: str) -> Any:
    """The reference: PyYAML's construction with the same loader."""
    return yaml.load(text, Loader=Yaml12Loader)


def built_here(text: str) -> tuple[Any, bool]:
    """`construct`'s result, and whether it had to fall back to PyYAML."""
    loader = Yaml12Loader(text)
    fell_back = False
    original = loader.construct_document

    def spy(node: yaml.Node) -> Any:
        nonlocal fell_back
        fell_back = True
        return original(node)

    loader.construct_document = spy  # type: ignore[method-assign]
    try:
        node = loader.get_single_node()
        return (None if node is None else construct(loader, node)), fell_back
    finally:
        loader.dispose()


PLAIN = [
    "",
    "# only a comment\n",
    "title: Alignment research\nreaderImportance: 7\nquality: 3.5\nevergreen: true\n",
    "lastEdited: 2026-01-29\nanswer: yes\nmode: off\nempty:\nnothing: null\n",  # YAML 1.2
    "- id: openai\n  aliases: [OpenAI, Open AI]\n  founded: 2015\n- id: anthropic\n",
    "tags:\n  - a\n  - 'quoted: colon'\n  - \"escaped \\u00e9\"\nnested: {a: {b: [1, 2, {c: d}]}}\n",
    "1: one\n2.5: two and a half\ntrue: yes-key\n~: null key\n",
    "dup: first\ndup: second\nother: x\n",  # the later value wins, at the first place
    "text: |\n  line one\n  line two\nfolded: >\n  a\n  b\n",
    "scalar: &name shared\nagain: *name\n",  # an aliased scalar is just a value
    "bin: !!binary aGVsbG8=\nstr: !!str 123\nint: !!int '7'\n",
    "--- just a string\n",
    "- [nested, [deeper, [deepest]]]\n- {}\n- []\n",
]


@pytest.mark.parametrize("text", PLAIN)
def test_plain_documents_are_built_here_and_equal_pyyaml(text: str) -> None:
    value, fell_back = built_here(text)
    assert not fell_back
    # repr, not ==: it also tells True from 1 and 1.0, and sees the order of a mapping's keys
    assert repr(value) == repr(pyyaml(text))


NOT_PLAIN = [
    "base: &base {a: 1, b: 2}\nderived:\n  <<: *base\n  b: 3\n",  # merge key
    "shared: &list [1, 2]\nagain: *list\n",  # an aliased list keeps its identity
    "set: !!set {a, b}\n",
    "omap: !!omap [{a: 1}, {b: 2}]\n",
    "pairs: !!pairs [{a: 1}, {a: 2}]\n",
    "? [complex, key]\n: value\n",  # a sequence as a key is an error in PyYAML
    "value: !custom thing\n",  # no constructor: PyYAML's error
    "self: &me [*me]\n",  # a recursive structure
]


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_anything_else_goes_to_pyyaml_with_the_same_result_or_error(text: str) -> None:
    try:
        expected: Any = pyyaml(text)
    except yaml.YAMLError as error:
        with pytest.raises(type(error)) as raised:
            built_here(text)
        assert str(raised.value) == str(error)
        return
    value, fell_back = built_here(text)
    assert fell_back
    assert repr(value) == repr(expected)  # repr: the recursive list is not ==-comparable


def test_an_aliased_mapping_is_one_object_as_pyyaml_makes_it() -> None:
    value = load_yaml("a: &m {x: 1}\nb: *m\n")
    assert value == {"a": {"x": 1}, "b": {"x": 1}}
    assert value["a"] is value["b"]


def test_load_yaml_uses_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[yaml.Node] = []
    real = frontmatter_module.construct

    def counting(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        calls.append(node)
        return real(loader, node)

    monkeypatch.setattr(frontmatter_module, "construct", counting)
    assert load_yaml("a: [1, two]\n") == {"a": [1, "two"]}
    assert len(calls) == 1


def test_every_yaml_file_of_the_project_loads_the_same() -> None:
    paths = [
        *ROOT.glob("examples/**/*.yaml"),
        *ROOT.glob("rules/**/*.yaml"),
        *ROOT.glob("tests/fixtures/**/*.yaml"),
    ]
    assert len(paths) > 10
    for path in paths:
        text = path.read_text(encoding="utf-8")
        try:
            expected = pyyaml(text)
        except yaml.YAMLError:
            continue  # deliberately broken fixtures: covered by the error cases above
        assert repr(load_yaml(text)) == repr(expected), path


_SCALARS = st.one_of(
    st.text(alphabet="ab:-#&*!?{}[], '\"\n01.~yesno", max_size=12),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(alphabet="abc:- ", max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_VALUES, st.sampled_from([False, True]))
def test_any_dumped_value_loads_the_same(value: Any, flow: bool) -> None:
    text = yaml.safe_dump(value, default_flow_style=flow, allow_unicode=True)
    assert repr(built_here(text)[0]) == repr(pyyaml(text))
