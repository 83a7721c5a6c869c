"""Fixing end to end: `kblint fix` / `check --fix` through the CLI (typer's CliRunner) and
`kblint.session.fix`, on temporary copies of fixture KBs.

- every fixable rule has `tests/fixtures/fix/<rule>/input.mdx` and the file it must become,
  `expected.mdx` (plus the `data/` registries and the `kblint.yaml` it needs); compared byte for
  byte, also with CRLF line ends and a BOM;
- a second run changes nothing; `--diff` writes nothing; `--select`/`--ignore`/`--unsafe-fixes`;
  files kblint cannot parse are never touched; imports; the exit code after fixing;
- the whole example KB survives a round trip, and random articles assembled from its pieces are
  fixed exactly where expected (hypothesis);
- the rule frontmatter-key-order on its own: what it reports, what it moves, when it refuses.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import re
import shutil
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from conftest import EXAMPLE_KB, FIXTURES, NOW, article_from_text
from kblint import config_loader, fixer, urls
from kblint import session as session_module
from kblint.checks import FileContext
from kblint.checks.keyorder import frontmatter_key_order
from kblint.cli import app
from kblint.config import Config
from kblint.discovery import PageIdentity
from kblint.model import Edit, Severity, content_hash, counted
from kblint.record import build
from kblint.registries import Registries
from kblint.rulebook import Rule, RuleBook, builtin
from kblint.session import Invocation, _fix_rules, fix
from kblint.workspace import UsageError

FIX = FIXTURES / "fix"
FIXABLE = ("unconverted-link", "mdx-syntax", "frontmatter-key-order")
#: How many findings each fixture's fix applies.
FIXED = {"unconverted-link": 10, "mdx-syntax": 10, "frontmatter-key-order": 1}
PAGE = "content/docs/knowledge-base/risks/page.mdx"
BOM = "\ufeff"
runner = CliRunner()


# -- helpers ------------------------------------------------------------------------------------


def kblint(root: Path, *args: str) -> Result:
    """Run the CLI in-process from the KB root (no cache folder is written)."""
    with contextlib.chdir(root):
        return runner.invoke(app, [*args, "--no-cache"])


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def fixture_kb(root: Path, rule: str, transform: Callable[[str], str] = str) -> Path:
    """A KB holding the rule's fixture input (through `transform`); returns the page."""
    source = FIX / rule
    if (source / "data").is_dir():
        shutil.copytree(source / "data", root / "data")
    config = source / "kblint.yaml"
    (root / "kblint.yaml").write_bytes(
        config.read_bytes() if config.exists() else b"git_dates: false\n"
    )
    page = root / PAGE
    page.parent.mkdir(parents=True)
    page.write_bytes(transform(fixture_text(rule, "input")).encode("utf-8"))
    return page


def fixture_text(rule: str, which: str) -> str:
    return (FIX / rule / f"{which}.mdx").read_bytes().decode("utf-8")


def write_kb(root: Path, files: dict[str, str], config: str = "git_dates: false\n") -> None:
    """A KB with the unconverted-link fixture's registries and these articles."""
    shutil.copytree(FIX / "unconverted-link" / "data", root / "data")
    (root / "kblint.yaml").write_text(config, encoding="utf-8")
    for rel, text in files.items():
        path = root / "content" / "docs" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def invocation(root: Path) -> Invocation:
    return Invocation(paths=[root], use_cache=False)


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def bom(text: str) -> str:
    return BOM + text


# -- every fixable rule: input → expected -------------------------------------------------------


def test_every_fixable_rule_has_a_fix_fixture() -> None:
    fixable = sorted(rule.name for rule in builtin().rules if rule.fixable)
    assert fixable == sorted(FIXABLE)
    for rule in FIXABLE:
        assert fixture_text(rule, "input") != fixture_text(rule, "expected")


@pytest.mark.parametrize("rule", FIXABLE)
def test_cli_fix_gives_the_expected_file(tmp_path: Path, rule: str) -> None:
    page = fixture_kb(tmp_path, rule)
    result = kblint(tmp_path, "fix")
    assert page.read_bytes() == fixture_text(rule, "expected").encode("utf-8")
    assert f"fixed {counted(FIXED[rule], 'finding')} in 1 file" in result.stderr
    assert rule not in result.stdout  # every finding of the rule was fixed


@pytest.mark.parametrize("rule", FIXABLE)
def test_session_fix_gives_the_expected_file(tmp_path: Path, rule: str) -> None:
    page = fixture_kb(tmp_path, rule)
    result = fix(invocation(tmp_path), [], [], unsafe=False, write=True)
    assert [plan.path for plan in result.plans] == [page.resolve()]
    assert result.plans[0].new == fixture_text(rule, "expected")
    assert len(result.plans[0].applied) == FIXED[rule]
    assert result.plans[0].skipped == [] and result.refused == []
    assert page.read_bytes() == fixture_text(rule, "expected").encode("utf-8")
    assert not [f for f in result.outcome.report.findings if f.rule == rule]


@pytest.mark.parametrize("rule", FIXABLE)
def test_check_fix_gives_the_expected_file(tmp_path: Path, rule: str) -> None:
    page = fixture_kb(tmp_path, rule)
    result = kblint(tmp_path, "check", "--fix", "--format", "concise")
    assert page.read_bytes() == fixture_text(rule, "expected").encode("utf-8")
    assert f"fixed {counted(FIXED[rule], 'finding')} in 1 file" in result.stderr
    assert rule not in result.stdout


@pytest.mark.parametrize("rule", FIXABLE)
def test_fixing_twice_changes_nothing_the_second_time(tmp_path: Path, rule: str) -> None:
    fixture_kb(tmp_path, rule)
    kblint(tmp_path, "fix")
    after_first = snapshot(tmp_path)
    second = kblint(tmp_path, "fix")
    assert snapshot(tmp_path) == after_first
    assert "fixed 0 findings in 0 files" in second.stderr
    assert fix(invocation(tmp_path), [], [], unsafe=True, write=False).plans == []


@pytest.mark.parametrize("rule", FIXABLE)
def test_diff_prints_the_fix_and_writes_nothing(tmp_path: Path, rule: str) -> None:
    fixture_kb(tmp_path, rule)
    before = snapshot(tmp_path)
    result = kblint(tmp_path, "fix", "--diff")
    assert result.exit_code == 1
    assert snapshot(tmp_path) == before
    expected = "".join(
        difflib.unified_diff(
            fixture_text(rule, "input").splitlines(keepends=True),
            fixture_text(rule, "expected").splitlines(keepends=True),
            fromfile=f"a/{PAGE}",
            tofile=f"b/{PAGE}",
        )
    )
    assert result.stdout == expected
    kblint(tmp_path, "fix")
    clean = kblint(tmp_path, "fix", "--diff")
    assert (clean.exit_code, clean.stdout) == (0, "")


@pytest.mark.parametrize("rule", FIXABLE)
@pytest.mark.parametrize(
    "transform", [crlf, bom, lambda text: bom(crlf(text))], ids=["crlf", "bom", "bom+crlf"]
)
def test_line_ends_and_bom_survive_a_fix(
    tmp_path: Path, rule: str, transform: Callable[[str], str]
) -> None:
    page = fixture_kb(tmp_path, rule, transform)
    result = kblint(tmp_path, "fix")
    assert f"fixed {counted(FIXED[rule], 'finding')} in 1 file" in result.stderr
    assert page.read_bytes() == transform(fixture_text(rule, "expected")).encode("utf-8")


# -- choosing rules -----------------------------------------------------------------------------

MIXED = """---
quality: 40
title: Backdoor Persistence
---
import {EntityLink} from '@components/wiki';

Fewer than <5% of labs publish backdoor audits; see [Sleeper Agents](https://arxiv.org/abs/2401.05566).
"""
#: What each rule's fix does to MIXED.
MIXED_FIXES = {
    "mdx-syntax": [("<5%", "&lt;5%")],
    "unconverted-link": [
        (
            "[Sleeper Agents](https://arxiv.org/abs/2401.05566)",
            '<R id="9f04b2d6e8a1c357">Sleeper Agents</R>',
        ),
        ("import {EntityLink}", "import {EntityLink, R}"),
    ],
    "frontmatter-key-order": [
        ("quality: 40\ntitle: Backdoor Persistence\n", "title: Backdoor Persistence\nquality: 40\n")
    ],
}
ORDER_CONFIG = "git_dates: false\nrules:\n  frontmatter-key-order:\n    options:\n      order: [title, quality]\n"


def mixed_after(*rules: str) -> str:
    text = MIXED
    for rule in rules:
        for old, new in MIXED_FIXES[rule]:
            assert old in text
            text = text.replace(old, new)
    return text


@pytest.mark.parametrize(
    ("options", "fixed"),
    [
        ([], FIXABLE),
        (["--select", "mdx-syntax"], ["mdx-syntax"]),
        (["--select", "KB3"], ["unconverted-link"]),
        (["--select", "KB102"], ["frontmatter-key-order"]),
        (
            ["--select", "KB0", "--select", "frontmatter-key-order"],
            ["mdx-syntax", "frontmatter-key-order"],
        ),
        (["--ignore", "mdx-syntax", "--ignore", "KB301"], ["frontmatter-key-order"]),
        (["--select", "ALL", "--ignore", "KB1"], ["mdx-syntax", "unconverted-link"]),
        (["--select", "frontmatter-schema"], []),  # not fixable: nothing to do
    ],
)
def test_select_and_ignore_choose_the_rules_that_fix(
    tmp_path: Path, options: list[str], fixed: list[str]
) -> None:
    write_kb(tmp_path, {"kb/mixed.mdx": MIXED}, ORDER_CONFIG)
    kblint(tmp_path, "fix", *options)
    assert (tmp_path / "content/docs/kb/mixed.mdx").read_text(encoding="utf-8") == mixed_after(
        *fixed
    )


def test_unknown_selector_is_a_usage_error(tmp_path: Path) -> None:
    write_kb(tmp_path, {"kb/mixed.mdx": MIXED}, ORDER_CONFIG)
    before = snapshot(tmp_path)
    result = kblint(tmp_path, "fix", "--select", "mdx-sintax")
    assert result.exit_code == 2
    assert "unknown rule or code prefix 'mdx-sintax'" in result.stderr
    assert snapshot(tmp_path) == before


def _rule(code: str, name: str, fixable: bool, safety: str = "safe") -> Rule:
    return Rule(
        code, name, "summary", Severity.WARNING, check="x.y", fixable=fixable, fix_safety=safety
    )


def test_fix_rules_skip_unsafe_fixes_unless_asked() -> None:
    book = RuleBook(
        [
            _rule("KB004", "mdx-syntax", True, "unsafe"),
            _rule("KB301", "unconverted-link", True),
            _rule("KB101", "frontmatter-schema", False),
        ]
    )
    assert _fix_rules(book, [], [], unsafe=False) == {"unconverted-link"}
    assert _fix_rules(book, [], [], unsafe=True) == {"mdx-syntax", "unconverted-link"}
    assert _fix_rules(book, ["KB0"], [], unsafe=False) == set()
    assert _fix_rules(book, ["KB0"], [], unsafe=True) == {"mdx-syntax"}
    assert _fix_rules(book, ["ALL"], ["unconverted-link"], unsafe=True) == {"mdx-syntax"}
    assert _fix_rules(book, ["frontmatter-schema"], [], unsafe=True) == set()
    with pytest.raises(UsageError):
        _fix_rules(book, [], ["no-such-rule"], unsafe=False)


@pytest.fixture
def mdx_syntax_unsafe(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped rule book, with mdx-syntax's fix marked unsafe."""
    rules = [
        dataclasses.replace(rule, fix_safety="unsafe") if rule.name == "mdx-syntax" else rule
        for rule in builtin().rules
    ]
    book = RuleBook(rules)
    monkeypatch.setattr(config_loader, "builtin_rules", lambda: book)


@pytest.mark.usefixtures("mdx_syntax_unsafe")
def test_unsafe_fix_needs_unsafe_fixes(tmp_path: Path) -> None:
    write_kb(tmp_path, {"kb/mixed.mdx": MIXED})
    page = tmp_path / "content/docs/kb/mixed.mdx"
    result = kblint(tmp_path, "fix")
    assert page.read_text(encoding="utf-8") == mixed_after("unconverted-link")
    assert "fixed 1 finding in 1 file" in result.stderr
    kblint(tmp_path, "check", "--fix")
    assert page.read_text(encoding="utf-8") == mixed_after("unconverted-link")
    kblint(tmp_path, "fix", "--unsafe-fixes")
    assert page.read_text(encoding="utf-8") == mixed_after("unconverted-link", "mdx-syntax")


# -- files kblint does not fully understand -----------------------------------------------------

BROKEN = """---
title: Red-Teaming Disclosure
quality: 30
---

## Overview

<Aside type="note" title="Open question">
Fewer than <5% of frontier labs publish their red-teaming results.

The rest of the page never closes the aside.
"""


def test_file_with_a_parse_error_is_never_touched(tmp_path: Path) -> None:
    good = "---\ntitle: Disclosure\n---\n\nFewer than <5% of labs publish results.\n"
    write_kb(tmp_path, {"kb/broken.mdx": BROKEN, "kb/good.mdx": good})
    broken = tmp_path / "content/docs/kb/broken.mdx"
    before = broken.read_bytes()
    result = kblint(tmp_path, "fix")
    assert broken.read_bytes() == before
    assert "content/docs/kb/broken.mdx: not fixed: kblint could not fully parse this file" in (
        result.stderr
    )
    assert "fixed 1 finding in 1 file" in result.stderr  # the good page only
    assert (tmp_path / "content/docs/kb/good.mdx").read_text(encoding="utf-8") == good.replace(
        "<5%", "&lt;5%"
    )
    assert "mdx-unclosed" in result.stdout and "mdx-syntax" in result.stdout  # still reported
    assert result.exit_code == 1
    diff = kblint(tmp_path, "fix", "--diff")
    assert diff.stdout == "" and broken.read_bytes() == before
    assert "broken.mdx: not fixed" in diff.stderr
    session = fix(invocation(tmp_path), [], [], unsafe=False, write=True)
    assert session.plans == [] and len(session.refused) == 1
    assert session.refused[0].endswith("content/docs/kb/broken.mdx")
    assert broken.read_bytes() == before


# -- a file saved again between the check and the write --------------------------------------


def test_a_file_saved_after_it_was_checked_is_not_fixed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The findings' offsets belong to the bytes that were checked: an editor saving the file
    meanwhile must not get edits at stale offsets, and its save must not be lost."""
    page_text = "---\ntitle: Disclosure\n---\n\nFewer than <5% of labs publish results.\n"
    write_kb(tmp_path, {"kb/page.mdx": page_text})
    page = tmp_path / "content/docs/kb/page.mdx"
    saved = "---\ntitle: Disclosure\n---\n\nA new first line.\nFewer than <5% of labs publish.\n"
    real_lint = session_module.lint
    calls: list[int] = []

    def lint_then_save(invocation: Invocation) -> Any:
        outcome = real_lint(invocation)
        if not calls:
            page.write_text(saved, encoding="utf-8")  # the writer saves right after the check
        calls.append(1)
        return outcome

    monkeypatch.setattr(session_module, "lint", lint_then_save)
    result = kblint(tmp_path, "fix")
    assert page.read_text(encoding="utf-8") == saved  # untouched: nothing lost, nothing misplaced
    assert "page.mdx: not fixed: the file changed after it was checked; run again" in result.stderr
    assert "fixed 0 findings in 0 files" in result.stderr
    monkeypatch.setattr(session_module, "lint", real_lint)
    kblint(tmp_path, "fix")  # run again: now the fix applies to what the file holds
    assert page.read_text(encoding="utf-8") == saved.replace("<5%", "&lt;5%")


def test_the_write_is_skipped_when_the_file_changed_after_planning(tmp_path: Path) -> None:
    page = tmp_path / "page.mdx"
    page.write_text("before\n", encoding="utf-8")
    assert not fixer.write_atomically(page, "fixed\n", expected="something else\n")
    assert page.read_text(encoding="utf-8") == "before\n"
    assert fixer.write_atomically(page, "fixed\n", expected="before\n")
    assert page.read_text(encoding="utf-8") == "fixed\n"
    stale = fixer.plan(page, [], checked=content_hash(b"before\n"))
    assert stale is not None and stale.stale and not stale.changed


# -- imports ------------------------------------------------------------------------------------

LINK = "The result is from [Sleeper Agents](https://arxiv.org/abs/2401.05566).\n"
CITED = 'The result is from <R id="9f04b2d6e8a1c357">Sleeper Agents</R>.\n'


def test_import_of_r_is_added_only_to_files_that_import_components(tmp_path: Path) -> None:
    head = "---\ntitle: Sleeper Agents\n---\n"
    files = {
        "kb/imports.mdx": f"{head}import {{EntityLink, Aside}} from '@components/wiki';\n\n{LINK}",
        "kb/has-r.mdx": f"{head}import {{R, EntityLink}} from '@components/wiki';\n\n{LINK}",
        "kb/auto.mdx": f"{head}\n{LINK}",
        "kb/notes.md": f"{head}import {{EntityLink}} from 'x';\n\n{LINK}",
    }
    write_kb(tmp_path, files)
    result = kblint(tmp_path, "fix")
    assert "fixed 3 findings in 3 files" in result.stderr

    def read(rel: str) -> str:
        return (tmp_path / "content/docs" / rel).read_text(encoding="utf-8")

    assert read("kb/imports.mdx") == (
        f"{head}import {{EntityLink, Aside, R}} from '@components/wiki';\n\n{CITED}"
    )
    assert (
        read("kb/has-r.mdx")
        == f"{head}import {{R, EntityLink}} from '@components/wiki';\n\n{CITED}"
    )
    assert read("kb/auto.mdx") == f"{head}\n{CITED}"  # the site injects components: no import
    assert read("kb/notes.md") == files["kb/notes.md"]  # Markdown has no components


def test_moving_frontmatter_lines_adds_no_import(tmp_path: Path) -> None:
    text = (
        "---\ndescription: How the <Calc> estimates on this page are computed.\n"
        "title: Estimates\n---\nimport {EntityLink} from '@components/wiki';\n\nText.\n"
    )
    write_kb(
        tmp_path,
        {"kb/page.mdx": text},
        ORDER_CONFIG.replace("[title, quality]", "[title, description]"),
    )
    kblint(tmp_path, "fix")
    fixed = (tmp_path / "content/docs/kb/page.mdx").read_text(encoding="utf-8")
    assert fixed.startswith("---\ntitle: Estimates\ndescription:")  # the key order was fixed
    assert "import {EntityLink} from '@components/wiki';" in fixed


def test_import_in_a_code_block_is_not_edited(tmp_path: Path) -> None:
    text = (
        "---\ntitle: Embedding Citations\n---\n\nImport the hook first:\n\n```jsx\n"
        "import {useState} from 'react';\n```\n\n" + LINK
    )
    write_kb(tmp_path, {"kb/page.mdx": text})
    kblint(tmp_path, "fix")
    fixed = (tmp_path / "content/docs/kb/page.mdx").read_text(encoding="utf-8")
    assert fixed == text.replace(LINK, CITED)


def test_r_is_added_to_the_component_import_not_a_data_import(tmp_path: Path) -> None:
    text = (
        "---\ntitle: Approaches Compared\n---\nimport {rows} from '../../data/approaches.js';\n"
        "import {EntityLink, Aside} from '@components/wiki';\n\n" + LINK
    )
    write_kb(tmp_path, {"kb/page.mdx": text})
    kblint(tmp_path, "fix")
    fixed = (tmp_path / "content/docs/kb/page.mdx").read_text(encoding="utf-8")
    assert "import {rows} from '../../data/approaches.js';" in fixed
    assert "import {EntityLink, Aside, R} from '@components/wiki';" in fixed


# -- what is left after fixing ------------------------------------------------------------------


def test_remaining_findings_are_reported_and_decide_the_exit_code(tmp_path: Path) -> None:
    page = "---\ntitle: Disclosure\nquality: 40\n---\n\nFewer than <5% of labs publish audits.\n"
    notes = f"---\ntitle: Reading Notes\n---\n\n{LINK}"  # a warning no fix can remove (.md)
    write_kb(tmp_path, {"kb/disclosure.mdx": page, "kb/notes.md": notes})
    pristine = snapshot(tmp_path)
    assert kblint(tmp_path, "check").exit_code == 1  # mdx-syntax is an error

    result = kblint(tmp_path, "fix")
    assert result.exit_code == 0  # the error is fixed; a warning is left
    assert "mdx-syntax" not in result.stdout
    assert "unconverted-link" in result.stdout and "notes.md" in result.stdout
    assert kblint(tmp_path, "fix", "--fail-on", "warning").exit_code == 1

    for rel, data in pristine.items():  # start again, failing on warnings
        (tmp_path / rel).write_bytes(data)
    result = kblint(tmp_path, "fix", "--fail-on", "warning")
    assert "fixed 1 finding in 1 file" in result.stderr
    assert result.exit_code == 1
    assert kblint(tmp_path, "fix", "--fail-on", "never").exit_code == 0

    unknown = '---\ntitle: People\n---\n\nSee <EntityLink id="nobody">Nobody</EntityLink>.\n'
    (tmp_path / "content/docs/kb/people.mdx").write_text(unknown, encoding="utf-8")
    result = kblint(tmp_path, "fix")
    assert result.exit_code == 1  # an error no fix removes
    assert "unknown-entity-link" in result.stdout


# -- the example KB -----------------------------------------------------------------------------


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(EXAMPLE_KB, root)
    (root / "kblint.yaml").write_text("git_dates: false\n", encoding="utf-8")
    return root


def test_example_kb_has_nothing_for_mdx_syntax_to_fix(example_copy: Path) -> None:
    before = snapshot(example_copy)
    result = kblint(example_copy, "fix", "--select", "mdx-syntax")
    assert "fixed 0 findings in 0 files" in result.stderr
    assert snapshot(example_copy) == before


_R_TAG = re.compile(r'<R id="[^"]*">(.*?)</R>')
_MD_LINK = re.compile(r"(?<!!)\[([^\]]*)\]\([^)\s]*\)")


def _labels_only(line: str) -> str:
    return _MD_LINK.sub(r"\1", _R_TAG.sub(r"\1", line))


def test_example_kb_round_trip(example_copy: Path) -> None:
    before = snapshot(example_copy)
    first = kblint(example_copy, "fix")
    assert re.search(r"fixed [1-9]\d* findings in [1-9]\d* files", first.stderr)
    after = snapshot(example_copy)
    changed = sorted(rel for rel in before if before[rel] != after[rel])
    assert changed and all(rel.endswith(".mdx") for rel in changed)
    for rel in changed:  # only links became <R>, and R was added to the import line
        old = before[rel].decode("utf-8").split("\n")
        new = after[rel].decode("utf-8").split("\n")
        assert len(old) == len(new)
        for old_line, new_line in zip(old, new, strict=True):
            if old_line != new_line and not old_line.startswith("import "):
                assert _labels_only(old_line) == _labels_only(new_line)
    second = kblint(example_copy, "fix")
    assert "fixed 0 findings in 0 files" in second.stderr
    assert snapshot(example_copy) == after
    remaining = fix(invocation(example_copy), [], [], unsafe=True, write=False)
    assert remaining.plans == []
    assert not [
        f
        for f in remaining.outcome.report.findings
        if f.edits and f.rule in ("unconverted-link", "mdx-syntax")
    ]


# -- property: random articles from the example KB's pieces -------------------------------------

_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
_SELF_CLOSING = re.compile(r"<(?:EntityLink|R)\b[^<>]*/>")
_OPENING = re.compile(r"<(?:EntityLink|R)\b[^<>/]*>")
_CLOSING = re.compile(r"</(?:EntityLink|R)>")
_NEEDS_FIX = re.compile(r"<[0-9=-]|(?<!\\)\$\d|\]\(")


def _self_contained(block: str) -> bool:
    """A block that means the same wherever it is put and has nothing to fix."""
    if not block.strip() or block[0].isspace() or _NEEDS_FIX.search(block):
        return False
    if any(mark in block for mark in ("{", "}", "`", "[^", "<!--")):
        return False
    if block.startswith(("import ", "export ", "---", ":::")):
        return False
    inline = _SELF_CLOSING.sub("", block)
    opened, closed = len(_OPENING.findall(inline)), len(_CLOSING.findall(inline))
    return opened == closed and "<" not in _CLOSING.sub("", _OPENING.sub("", inline))


@cache
def example_pieces() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {"paragraph": [], "table": [], "heading": []}
    for path in sorted((EXAMPLE_KB / "content").rglob("*.mdx")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        for chunk in re.split(r"\n[ \t]*\n", _FENCE.sub("", body)):
            block = chunk.strip("\n")
            if not _self_contained(block):
                continue
            lines = block.split("\n")
            if all(line.startswith("|") for line in lines):
                found["table"].append(block)
            elif len(lines) == 1 and re.match(r"#{2,4} ", block):
                found["heading"].append(block)
            elif not block.startswith(("#", "|", "<")):
                found["paragraph"].append(block)
    return {kind: tuple(blocks) for kind, blocks in found.items()}


@cache
def example_resources() -> tuple[tuple[str, str], ...]:
    entries = []
    for name in ("papers.yaml", "web.yaml"):
        data = yaml.safe_load(
            (EXAMPLE_KB / "data" / "resources" / name).read_text(encoding="utf-8")
        )
        entries += [(entry["id"], entry["url"]) for entry in data]
    # A link matches a resource when it is written as one of the registered URL's normalised
    # variants (spec §5): `https://AISafety.info/…` as written is not one, its lower-case host is.
    return tuple((rid, url) for rid, url in entries if url in urls.variants(url))


Piece = tuple[str, str, bool]  # (text, text after fixing, whether it cites a resource)
LABELS = ("the paper", "Hubinger et al. (2019)", "this report", "Apollo's write-up", "the post")
LINK_SHAPES = (
    "The argument is made in {link}, and the rest of the section builds on it.",
    "- {link}, for the background",
    "| Source | {link} |\n|---|---|\n| Year | 2024 |",
)
LESS_THAN = (
    ("Fewer than <5% of frontier labs publish their red-teaming results.", "&lt;"),
    ("| Lab | Share disclosed |\n|---|---|\n| Frontier labs | <5% |", "&lt;"),
    ("The effect was significant at p<0.05 in two of the three studies.", "&lt;"),
    ("Models at <=10^25 FLOP fall outside the rule.", "&lt;"),
)
DOLLARS = (
    "Anthropic raised $30B in 2025.",
    "Training the model cost $100M, and the next run is budgeted at $1B.",
    "| Round | Amount |\n|---|---|\n| Series F | $13B |",
)


def _link_piece(resource: tuple[str, str], label: str, shape: str) -> Piece:
    rid, url = resource
    return (
        shape.format(link=f"[{label}]({url})"),
        shape.format(link=f'<R id="{rid}">{label}</R>'),
        True,
    )


def pieces() -> st.SearchStrategy[Piece]:
    found = example_pieces()
    plain = [st.sampled_from(found[kind]) for kind in ("paragraph", "table", "heading")]
    return st.one_of(
        *(blocks.map(lambda block: (block, block, False)) for blocks in plain),
        st.builds(
            _link_piece,
            st.sampled_from(example_resources()),
            st.sampled_from(LABELS),
            st.sampled_from(LINK_SHAPES),
        ),
        st.sampled_from(LESS_THAN).map(
            lambda item: (item[0], item[0].replace("<", item[1]), False)
        ),
        st.sampled_from(DOLLARS).map(lambda text: (text, text.replace("$", "\\$"), False)),
    )


IMPORTS = (
    None,
    "import {EntityLink} from '@components/wiki';",
    "import {EntityLink, R} from '@components/wiki';",
)


@pytest.fixture(scope="module")
def property_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("property-kb")
    shutil.copytree(EXAMPLE_KB / "data", root / "data")
    (root / "kblint.yaml").write_text("git_dates: false\n", encoding="utf-8")
    (root / "content/docs/knowledge-base/risks").mkdir(parents=True)
    return root


def test_property_pieces_were_found() -> None:
    found = example_pieces()
    assert all(len(found[kind]) >= 3 for kind in found), {k: len(v) for k, v in found.items()}


@settings(max_examples=30, deadline=None)
@given(
    chosen=st.lists(pieces(), min_size=1, max_size=8),
    import_line=st.sampled_from(IMPORTS),
    crlf_ends=st.booleans(),
)
def test_fix_changes_only_the_fixed_spans(
    property_kb: Path, chosen: list[Piece], import_line: str | None, crlf_ends: bool
) -> None:
    """The fixed article is exactly the article assembled from the pieces' fixed forms: so no
    byte outside a fixed span changed. A second fix changes nothing."""
    head = "---\ntitle: Assembled Article\nquality: 50\n---\n"
    cites = any(cited for _, _, cited in chosen)
    new_import = import_line
    if import_line is not None and cites and ", R}" not in import_line:
        new_import = import_line.replace("}", ", R}")
    before = head + (f"{import_line}\n" if import_line else "") + "\n"
    after = head + (f"{new_import}\n" if new_import else "") + "\n"
    original = before + "\n\n".join(text for text, _, _ in chosen) + "\n"
    expected = after + "\n\n".join(fixed for _, fixed, _ in chosen) + "\n"
    if crlf_ends:
        original, expected = crlf(original), crlf(expected)
    page = property_kb / "content/docs/knowledge-base/risks/assembled.mdx"
    page.write_bytes(original.encode("utf-8"))
    result = fix(invocation(property_kb), [], [], unsafe=False, write=True)
    assert page.read_bytes() == expected.encode("utf-8")
    assert result.refused == []
    again = fix(invocation(property_kb), [], [], unsafe=False, write=True)
    assert again.plans == []
    assert page.read_bytes() == expected.encode("utf-8")


# -- frontmatter-key-order on its own -----------------------------------------------------------

ORDER = ["title", "description", "quality", "readerImportance", "lastEdited"]


def key_order_hits(
    text: str, order: Any = ORDER, rel: str = "knowledge-base/risks/x.mdx"
) -> list[tuple[int, int, str, tuple[Edit, ...]]]:
    article = article_from_text(text, rel)
    identity = PageIdentity.from_rel_path(rel)
    record = build(article_from_text("", rel), identity, Config(), NOW)
    ctx = FileContext(article, record, Config(), Registries())
    found = []
    for hit in frontmatter_key_order(ctx, {"order": order}):
        assert hit.offset is not None
        position = article.position(hit.offset)
        found.append((position.line, position.column, hit.message, hit.edits))
    return found


def key_order_fixed(text: str, order: Any = ORDER) -> str:
    """The article text after applying the rule's edits (the text normalised to LF)."""
    article = article_from_text(text)
    fixed = article.text
    for _, _, _, edits in key_order_hits(text, order):
        assert len(edits) == 1
        edit = edits[0]
        fixed = fixed[: edit.start] + edit.replacement + fixed[edit.end :]
    return fixed


UNORDERED = """---
quality: 61
sidebar:
  order: 2
title: Mesa-Optimization
---

Text.
"""


def test_key_order_is_off_until_configured() -> None:
    assert key_order_hits(UNORDERED, order=[]) == []
    assert key_order_hits(UNORDERED, order=None) == []
    rule = builtin().get("frontmatter-key-order")
    assert rule is not None and rule.options == {"order": []}
    assert (rule.code, rule.severity, rule.fixable, rule.fix_safety) == (
        "KB102",
        Severity.INFO,
        True,
        "safe",
    )


def test_key_order_reports_the_first_key_out_of_place() -> None:
    [(line, column, message, edits)] = key_order_hits(UNORDERED)
    assert (line, column) == (2, 1)
    assert message == (
        "frontmatter key `quality` is out of order: `title` should come before it "
        "(configured order: title, quality)"
    )
    assert len(edits) == 1
    assert key_order_fixed(UNORDERED) == UNORDERED.replace(
        "quality: 61\nsidebar:\n  order: 2\ntitle: Mesa-Optimization\n",
        "title: Mesa-Optimization\nsidebar:\n  order: 2\nquality: 61\n",
    )


@pytest.mark.parametrize(
    "frontmatter",
    [
        "title: T\nquality: 1\n",
        "title: T\nsidebar: {order: 1}\ndescription: D\nzeta: 1\nquality: 2\n",  # unlisted keys
        "sidebar:\n  order: 1\nentityType: risk\n",  # no listed keys
        "",  # empty frontmatter
        "title: T\n",
    ],
)
def test_keys_in_order_are_not_reported(frontmatter: str) -> None:
    assert key_order_hits(f"---\n{frontmatter}---\nText.\n") == []


def test_only_listed_keys_move_and_unlisted_keep_their_places() -> None:
    text = "---\nlastEdited: x\nentityType: risk\nquality: 3\nclusters: []\ntitle: T\n---\n"
    [(line, _, message, _)] = key_order_hits(text)
    assert line == 2 and "`lastEdited` is out of order: `title`" in message
    assert key_order_fixed(text) == (
        "---\ntitle: T\nentityType: risk\nquality: 3\nclusters: []\nlastEdited: x\n---\n"
    )


def test_whole_blocks_move_with_their_comments_and_nothing_else_changes() -> None:
    text = """---
# Page metadata.

quality: 61   # reviewed
ratings:
  novelty: 4.5
  # provisional
  rigor: 6.8
# Shown in search results.
# Keep it short.
description: >-
  A trained model that is itself an optimizer.

  # a line of the description, not a comment
llmSummary: |
  First.
    indented
title: "Mesa-Optimization"   # the page title
  # an indented comment stays with the key above it
tags:
- a
- b

# End.
---
Body.
"""
    assert (
        key_order_fixed(text)
        == """---
# Page metadata.

title: "Mesa-Optimization"   # the page title
  # an indented comment stays with the key above it
ratings:
  novelty: 4.5
  # provisional
  rigor: 6.8
# Shown in search results.
# Keep it short.
description: >-
  A trained model that is itself an optimizer.

  # a line of the description, not a comment
llmSummary: |
  First.
    indented
quality: 61   # reviewed
tags:
- a
- b

# End.
---
Body.
"""
    )


def test_an_indented_top_level_mapping_is_fixed() -> None:
    text = "---\n  quality: 1\n  title: T\n---\n"
    assert key_order_fixed(text) == "---\n  title: T\n  quality: 1\n---\n"


def test_repeated_keys_keep_their_relative_order() -> None:
    text = "---\nquality: 1\ntitle: A\nquality: 2\n---\n"
    assert key_order_fixed(text) == "---\ntitle: A\nquality: 1\nquality: 2\n---\n"


def test_the_fix_edit_covers_only_the_lines_that_change() -> None:
    text = "---\ntitle: T\ndescription: D\nlastEdited: x\nquality: 1\nsidebar:\n  order: 1\n---\n"
    [(_, _, _, (edit,))] = key_order_hits(text)
    article = article_from_text(text)
    assert article.text[edit.start : edit.end] == "lastEdited: x\nquality: 1\n"
    assert edit.replacement == "quality: 1\nlastEdited: x\n"


@pytest.mark.parametrize(
    "frontmatter",
    [
        "{quality: 1, title: T}\n",  # flow style at the top level
        "quality: &q 1\ntitle: T\nreaderImportance: *q\n",  # anchor and alias
        "quality: 1\ntitle: T\n...\n",  # explicit document end
        "? quality\n: 1\ntitle: T\n",  # complex key
        "quality: 1\n title: T\n",  # keys at different columns (not a valid mapping)
    ],
)
def test_unsafe_layouts_are_reported_without_a_fix(frontmatter: str) -> None:
    text = f"---\n{frontmatter}---\nText.\n"
    article = article_from_text(text)
    if any(problem.rule == "frontmatter-parse" for problem in article.problems):
        assert key_order_hits(text) == []  # does not parse: left to frontmatter-parse
        return
    [(line, _, message, edits)] = key_order_hits(text)
    assert line == 2 and "`quality` is out of order" in message
    assert edits == ()


@pytest.mark.parametrize(
    "frontmatter",
    [
        'title: "unclosed\nquality: 1\n',  # not YAML
        "- title\n- quality\n",  # not a mapping
    ],
)
def test_frontmatter_that_does_not_parse_is_not_reported(frontmatter: str) -> None:
    assert key_order_hits(f"---\n{frontmatter}---\nText.\n") == []


def test_order_must_be_a_list() -> None:
    with pytest.raises(TypeError, match="option `order` must be a list"):
        key_order_hits(UNORDERED, order="title, quality")


def test_key_order_in_markdown_files_and_crlf_files() -> None:
    assert key_order_hits(UNORDERED, rel="knowledge-base/risks/x.md")[0][:2] == (2, 1)
    assert key_order_fixed(crlf(UNORDERED)) == key_order_fixed(UNORDERED)


KEY_BLOCKS = {
    "title": "title: Mesa-Optimization\n",
    "description": "# Shown in search results.\ndescription: >-\n  A trained model that is\n  itself an optimizer.\n",
    "quality": "quality: 61  # reviewed\n",
    "ratings": "ratings:\n  novelty: 4.5\n  # provisional\n  rigor: 6.8\n",
    "clusters": "clusters:\n- ai-safety\n- alignment-theory\n",
    "llmSummary": "llmSummary: |\n  First line.\n\n  # part of the text\n  Last line.\n",
    "sidebar": "sidebar:\n  order: 2\n",
    "lastEdited": 'lastEdited: "2026-01-29"\n',
    "tags": "tags: [a, b]\n",
    "readerImportance": "readerImportance: 18.5\n\n",
    "entityType": "entityType: risk\n",
}


@settings(max_examples=60, deadline=None)
@given(
    keys=st.permutations(sorted(KEY_BLOCKS)),
    order=st.lists(st.sampled_from(sorted(KEY_BLOCKS)), unique=True, max_size=8),
    header=st.sampled_from(["", "# Metadata.\n", "# Metadata.\n\n"]),
    footer=st.sampled_from(["", "\n# End.\n"]),
)
def test_key_order_fix_keeps_every_line_and_the_mapping(
    keys: list[str], order: list[str], header: str, footer: str
) -> None:
    source = header + "".join(KEY_BLOCKS[key] for key in keys) + footer
    text = f"---\n{source}---\nBody.\n"
    fixed = key_order_fixed(text, order)
    new_source = fixed[len("---\n") : fixed.index("---\n", 4)]
    assert yaml.safe_load(new_source) == yaml.safe_load(source)
    assert sorted(new_source.splitlines()) == sorted(source.splitlines())
    assert fixed.endswith("---\nBody.\n")
    new_keys = list(yaml.safe_load(new_source) or {})
    listed = [key for key in new_keys if key in order]
    assert listed == [key for key in order if key in new_keys]
    slots = [i for i, key in enumerate(keys) if key in order]
    assert [i for i, key in enumerate(new_keys) if key in order] == slots
    assert [k for k in new_keys if k not in order] == [k for k in keys if k not in order]
    assert key_order_hits(fixed, order) == []
