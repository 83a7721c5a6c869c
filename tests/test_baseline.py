"""Adopting kblint with a baseline: findings survive moved lines and unrelated edits, fixed ones
go stale, new ones are reported, and a broken baseline file is a clear error."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kblint.cli import app

ARTICLE = """---
title: Reward Hacking
---

## Overview

{/* kblint-disable-next-line nope-one */}
Reward hacking is when a model exploits a flawed reward signal.

{/* kblint-disable-next-line nope-two */}
Specification gaming is the broader family.

{/* kblint-disable-next-line nope-one */}
A repeated directive on a different line.
"""


def setup(tmp_path: Path) -> Path:
    page = tmp_path / "content" / "docs" / "risks" / "reward-hacking.mdx"
    page.parent.mkdir(parents=True)
    page.write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "kblint.yaml").write_text("git_dates: false\n", encoding="utf-8")
    return page


def check(tmp_path: Path, *args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, ["check", str(tmp_path), "--format", "concise", *args])
    return result.exit_code, [line for line in result.stdout.splitlines() if line]


def test_baseline_round_trip(tmp_path: Path) -> None:
    page = setup(tmp_path)
    code, lines = check(tmp_path, "--fail-on", "warning")
    assert code == 1 and len(lines) == 3
    written = CliRunner().invoke(app, ["baseline", str(tmp_path)])
    assert written.exit_code == 0
    assert "wrote 3 findings to" in written.stdout
    baseline = tmp_path / ".kblint-baseline.json"
    data = json.loads(baseline.read_text(encoding="utf-8"))
    assert data["tool"] == "kblint" and data["version"] == 1 and len(data["findings"]) == 3
    assert check(tmp_path, "--fail-on", "warning") == (0, [])

    # Lines move and unrelated text changes: still baselined.
    moved = ARTICLE.replace("## Overview\n", "## Overview\n\nA new opening paragraph.\n\nAnother one.\n")
    moved = moved.replace("broader family", "wider family of failures")
    page.write_text(moved, encoding="utf-8")
    assert check(tmp_path, "--fail-on", "warning") == (0, [])

    # A new finding is reported; the baselined ones are not.
    page.write_text(moved + "\n{/* kblint-disable-next-line nope-three */}\nNew text.\n", encoding="utf-8")
    code, lines = check(tmp_path, "--fail-on", "warning")
    assert code == 1 and len(lines) == 1 and "nope-three" in lines[0]


def test_fixing_a_baselined_finding_makes_it_stale(tmp_path: Path) -> None:
    page = setup(tmp_path)
    CliRunner().invoke(app, ["baseline", str(tmp_path)])
    page.write_text(ARTICLE.replace("{/* kblint-disable-next-line nope-two */}\n", ""), encoding="utf-8")
    assert check(tmp_path, "--fail-on", "warning") == (0, [])
    strict = CliRunner().invoke(app, ["check", str(tmp_path), "--strict-baseline"])
    assert strict.exit_code == 1
    assert "the baseline has 1 entries that no longer occur" in strict.output
    pruned = CliRunner().invoke(app, ["check", str(tmp_path), "--baseline-prune"])
    assert pruned.exit_code == 0
    data = json.loads((tmp_path / ".kblint-baseline.json").read_text(encoding="utf-8"))
    assert len(data["findings"]) == 2
    assert CliRunner().invoke(app, ["check", str(tmp_path), "--strict-baseline"]).exit_code == 0


def test_identical_lines_are_told_apart_by_occurrence(tmp_path: Path) -> None:
    page = setup(tmp_path)
    CliRunner().invoke(app, ["baseline", str(tmp_path)])
    doubled = ARTICLE + "\n{/* kblint-disable-next-line nope-one */}\nA repeated directive on a different line.\n"
    page.write_text(doubled, encoding="utf-8")
    code, lines = check(tmp_path, "--fail-on", "warning")
    assert code == 1 and len(lines) == 1  # the third occurrence of the same line text is new


def test_no_baseline_flag_shows_everything(tmp_path: Path) -> None:
    setup(tmp_path)
    CliRunner().invoke(app, ["baseline", str(tmp_path)])
    assert len(check(tmp_path, "--no-baseline")[1]) == 3


def test_corrupt_or_foreign_baseline_is_exit_2(tmp_path: Path) -> None:
    setup(tmp_path)
    baseline = tmp_path / ".kblint-baseline.json"
    baseline.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2 and "baseline is not valid JSON (line 1)" in result.output
    baseline.write_text(json.dumps({"tool": "kblint", "version": 99, "findings": []}), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2 and "baseline format version 99 is not supported" in result.output
    baseline.write_text(json.dumps({"tool": "other"}), encoding="utf-8")
    assert "not a kblint baseline file" in CliRunner().invoke(app, ["check", str(tmp_path)]).output


def setup_single(tmp_path: Path) -> Path:
    """A second article with a single finding."""
    page = tmp_path / "content" / "docs" / "risks" / "one.mdx"
    page.write_text(
        "---\ntitle: One\n---\n\n{/* kblint-disable-next-line nope-one */}\nText.\n",
        encoding="utf-8",
    )
    return page


def test_the_console_says_how_many_findings_the_baseline_hides(tmp_path: Path) -> None:
    setup(tmp_path)
    CliRunner().invoke(app, ["baseline", str(tmp_path)])
    result = CliRunner().invoke(app, ["check", str(tmp_path), "--no-color"])
    assert result.stdout.endswith("3 findings in the baseline not shown\n")
    page = setup_single(tmp_path)
    written = CliRunner().invoke(app, ["baseline", str(page)])
    assert "wrote 1 finding to" in written.stdout
    result = CliRunner().invoke(app, ["check", str(page), "--no-color"])
    assert result.stdout.endswith("1 finding in the baseline not shown\n")
