"""The README's rules table is generated from the rule book; this fails when they drift."""

from __future__ import annotations

import re

from conftest import REPO
from kblint.report.rulebook import markdown_table
from kblint.rulebook import builtin

README = REPO / "README.md"


def readme_rules_table() -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- rules:start -->\n(.*?)<!-- rules:end -->", text, re.DOTALL)
    assert match, "README.md lost its <!-- rules:start --> / <!-- rules:end --> markers"
    return match.group(1)


def test_readme_rules_table_matches_rule_book() -> None:
    assert readme_rules_table() == markdown_table(builtin()), (
        "README rules table is stale: run `kblint rules --format markdown` and paste it "
        "between the markers (or `python tests/update_readme.py`)"
    )


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert ".venv/bin/python -m pytest" in README.read_text(encoding="utf-8")
    assert ".venv/bin/python -m pytest" in ci
