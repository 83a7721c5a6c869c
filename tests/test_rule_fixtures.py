"""Every rule has a fixture article with its expected findings marked inline; this collects
them all, lints the fixture KB once, and compares findings (rule, line, column) exactly.

Markers (comments count as nothing, so they do not change what is measured):
- `{/* expect: RULE@COL, RULE@COL */}` or `<!-- expect: … -->`: findings on the marker's line;
- `{/* expect@LINE: RULE@COL */}`: findings on LINE (for frontmatter, code, multi-line tags);
- a sidecar `<fixture>.expect` with lines `LINE:COL RULE` for files that cannot hold comments;
- in registry fixtures (`data/**/<rule>*.yaml`): `# expect: RULE@COL` YAML comments.
A fixture `<rule>.mdx` or `<rule>--<variant>.mdx` checks only findings of `<rule>`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import FIXTURES, NOW
from kblint.config_loader import load_config
from kblint.engine import RunOptions, RunReport, run
from kblint.resources import data_dir
from kblint.rulebook import builtin, load_folder
from kblint.workspace import open_workspace

KB = FIXTURES / "rules" / "kb"
FIXTURE_DIR = KB / "content" / "docs" / "fixtures"
_MARKER = re.compile(r"(?:\{/\*|<!--)\s*expect(?:@(\d+))?:\s*(.*?)\s*(?:\*/\}|-->)")
_YAML_MARKER = re.compile(r"#\s*expect(?:@(\d+))?:\s*(.*)$")
_EXPECTATION = re.compile(r"([a-z0-9-]+)@(\d+)")

Expectation = tuple[int, int, str]
#: Rules a fixture article cannot show, and where they are tested instead.
TESTED_ELSEWHERE = {"coverage-regression": "tests/test_gate.py (needs a git history to diff against)"}


def fixture_files() -> list[Path]:
    return sorted(p for p in FIXTURE_DIR.iterdir() if p.suffix in (".mdx", ".md"))


def registry_fixture_files() -> list[Path]:
    """Registry files named after a rule (`data/entities/registry-schema.yaml`)."""
    names = {rule.name for rule in builtin().rules}
    return sorted(p for p in (KB / "data").rglob("*.yaml") if rule_of(p) in names)


def rule_of(path: Path) -> str:
    return path.stem.split("--", 1)[0]


def expectations(path: Path) -> set[Expectation]:
    sidecar = path.with_name(path.name + ".expect")
    if sidecar.exists():
        found = set()
        for line in sidecar.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                where, rule = line.split()
                row, column = where.split(":")
                found.add((int(row), int(column), rule))
        return found
    return set(_markers(path.read_text(encoding="utf-8")))


def _markers(text: str, marker_pattern: re.Pattern[str] = _MARKER) -> Iterator[Expectation]:
    for number, line in enumerate(text.splitlines(), start=1):
        for marker in marker_pattern.finditer(line):
            target = int(marker.group(1)) if marker.group(1) else number
            for rule, column in _EXPECTATION.findall(marker.group(2)):
                yield target, int(column), rule


@pytest.fixture(scope="module")
def report() -> RunReport:
    config, book = load_config(KB / "kblint.yaml")
    workspace = open_workspace(KB, config, KB / "kblint.yaml")
    options = RunOptions(NOW, warn_unused_suppressions=True)
    return run(workspace, book, workspace.all_articles(), options)


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: p.name)
def test_fixture_findings(path: Path, report: RunReport) -> None:
    rule = rule_of(path)
    found = {
        (f.line, f.column, f.rule)
        for article in report.articles
        if Path(article.display_path).resolve() == path.resolve()
        for f in article.findings
        if f.rule == rule
    }
    assert found == expectations(path)


@pytest.mark.parametrize("path", registry_fixture_files(), ids=lambda p: p.name)
def test_registry_fixture_findings(path: Path, report: RunReport) -> None:
    rule = rule_of(path)
    found = {
        (f.line, f.column, f.rule)
        for f in report.other_findings
        if Path(f.path).resolve() == path.resolve() and f.rule == rule
    }
    expected = set(_markers(path.read_text(encoding="utf-8"), _YAML_MARKER))
    assert found == expected


def test_every_rule_has_a_fixture() -> None:
    covered = {rule_of(path) for path in fixture_files() + registry_fixture_files()}
    covered |= set(TESTED_ELSEWHERE)
    missing = sorted(rule.name for rule in builtin().rules if rule.name not in covered)
    assert missing == [], f"rules without a fixture in {FIXTURE_DIR}: {missing}"


def test_every_fixture_names_a_rule() -> None:
    names = {rule.name for rule in builtin().rules}
    unknown = sorted(p.name for p in fixture_files() if rule_of(p) not in names)
    assert unknown == []


def test_builtin_rule_files_match_the_rule_schema() -> None:
    """Runs skip schema validation of the shipped rules; this is where it happens."""
    rules = load_folder(data_dir("rules"), allow_checks=True, validate=True)
    assert len(rules) == len(builtin().rules)
