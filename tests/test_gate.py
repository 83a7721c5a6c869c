"""The CI gate and editor use: --fail-on, --changed-since, --diff-base, stdin, excludes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLE_KB

RISKS = "content/docs/knowledge-base/risks"
UNCLOSED = '\n<Aside type="note">\nNever closed.\n'


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True, env=env).stdout


def kblint(root: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(
        [sys.executable, "-m", "kblint", *args], cwd=root, input=stdin, capture_output=True, check=False
    )
    return subprocess.CompletedProcess(
        completed.args, completed.returncode, completed.stdout.decode(), completed.stderr.decode()
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(EXAMPLE_KB, root)
    (root / "kblint.yaml").write_text("git_dates: false\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    return root


def concise(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stdout.splitlines() if line]


def test_changed_since_lints_only_changed_articles(repo: Path) -> None:
    target = repo / RISKS / "scheming.mdx"
    target.write_text(target.read_text(encoding="utf-8") + UNCLOSED, encoding="utf-8")
    new = repo / RISKS / "new-risk.mdx"
    new.write_text("---\ntitle: New Risk\n---\n\n## Overview\n\nA new page.\n", encoding="utf-8")
    result = kblint(repo, "check", "--changed-since", "main", "--format", "json")
    report = json.loads(result.stdout)
    assert [a["path"] for a in report["articles"]] == [f"{RISKS}/new-risk.mdx", f"{RISKS}/scheming.mdx"]
    assert result.returncode == 1  # the unclosed Aside


def test_changed_since_with_nothing_changed(repo: Path) -> None:
    result = kblint(repo, "check", "--changed-since", "main")
    assert result.returncode == 0
    assert "0 articles" in result.stdout


def test_changed_since_lints_pages_linking_to_a_deleted_article(repo: Path) -> None:
    git(repo, "rm", "-q", f"{RISKS}/goal-misgeneralization.md")
    result = kblint(repo, "check", "--changed-since", "main", "--format", "json")
    paths = [a["path"] for a in json.loads(result.stdout)["articles"]]
    # interpretability and the risks index link to the deleted page
    assert "content/docs/knowledge-base/responses/interpretability.mdx" in paths
    assert f"{RISKS}/index.mdx" in paths
    assert f"{RISKS}/scheming.mdx" not in paths


def test_changed_since_unknown_ref_and_not_a_repo(repo: Path, tmp_path: Path) -> None:
    bad = kblint(repo, "check", "--changed-since", "no-such-ref")
    assert bad.returncode == 2
    assert "--changed-since: git does not know the ref 'no-such-ref'" in bad.stderr
    plain = tmp_path / "plain"
    shutil.copytree(EXAMPLE_KB, plain)
    outside = kblint(plain, "check", "--changed-since", "main")
    assert outside.returncode == 2
    assert "not a git repository" in outside.stderr


def test_diff_base_reports_regressions_only(repo: Path) -> None:
    page = repo / RISKS / "deceptive-alignment.mdx"
    text = page.read_text(encoding="utf-8")
    worse = text.replace("## Overview", "## Summary").replace(
        "](https://www.anthropic.com/research/alignment-faking/)", "](https://www.anthropic.com/research/alignment-faking/) and [again](https://openai.com/index/detecting-and-reducing-scheming-in-ai-models/)"
    )
    assert worse != text
    page.write_text(worse, encoding="utf-8")
    result = kblint(repo, "check", str(page), "--diff-base", "main", "--format", "concise", "--no-color")
    lines = [line for line in concise(result) if "coverage-regression" in line]
    assert any("coverage item overview got worse: green → red" in line for line in lines)
    assert any("coverage passing dropped from" in line for line in lines)
    assert any("new unconverted link to https://openai.com/index/detecting-and-reducing-scheming-in-ai-models/" in line for line in lines)
    assert result.returncode == 1


def test_diff_base_improvement_passes(repo: Path) -> None:
    page = repo / "content/docs/knowledge-base/people/evan-hubinger.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n## Overview\n\nMore context.\n", encoding="utf-8")
    result = kblint(repo, "check", str(page), "--diff-base", "main", "--format", "concise")
    assert "coverage-regression" not in result.stdout


def test_diff_base_bad_ref(repo: Path) -> None:
    result = kblint(repo, "check", "--diff-base", "nope")
    assert result.returncode == 2
    assert "--diff-base:" in result.stderr


def test_fail_on_warning(repo: Path) -> None:
    page = repo / RISKS / "scheming.mdx"
    page.write_text(page.read_text(encoding="utf-8") + "\n{/* kblint-disable-next-line no-such-rule */}\nText.\n", encoding="utf-8")
    assert kblint(repo, "check", str(page)).returncode == 0  # only a warning
    assert kblint(repo, "check", str(page), "--fail-on", "warning").returncode == 1


def test_stdin_uses_buffer_text_and_kb_context(repo: Path) -> None:
    path = f"{RISKS}/scheming.mdx"
    text = (repo / path).read_text(encoding="utf-8") + UNCLOSED
    result = kblint(repo, "check", "--stdin-filename", path, "-", "--format", "concise", stdin=text.encode())
    line_count = text.count("\n")
    assert f"{path}:{line_count - 1}:1: KB003 mdx-unclosed <Aside> is never closed" in result.stdout
    assert result.returncode == 1
    as_json = kblint(repo, "check", "--stdin-filename", path, "-", "--format", "json", stdin=text.encode())
    assert json.loads(as_json.stdout)["articles"][0]["path"] == path


def test_stdin_errors(repo: Path) -> None:
    no_name = kblint(repo, "check", "-", stdin=b"text")
    assert no_name.returncode == 2 and "needs --stdin-filename" in no_name.stderr
    bad = kblint(repo, "check", "--stdin-filename", f"{RISKS}/x.mdx", "-", stdin=b"caf\xe9")
    assert bad.returncode == 2 and "stdin is not valid UTF-8" in bad.stderr


def test_excludes_apply_to_paths_given(repo: Path) -> None:
    (repo / "kblint.yaml").write_text("git_dates: false\nexclude: ['knowledge-base/people/**']\n", encoding="utf-8")
    page = repo / "content/docs/knowledge-base/people/evan-hubinger.md"
    result = kblint(repo, "check", str(page))
    assert "0 articles" in result.stdout


def test_output_file(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = kblint(repo, "check", "--format", "json", "--output", str(out))
    assert result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["articles"] == 11


def test_github_format_chosen_on_actions(repo: Path) -> None:
    page = repo / RISKS / "scheming.mdx"
    page.write_text(page.read_text(encoding="utf-8") + UNCLOSED, encoding="utf-8")
    env = {**os.environ, "GITHUB_ACTIONS": "true"}
    result = subprocess.run([sys.executable, "-m", "kblint", "check", str(page)], cwd=repo, capture_output=True, text=True, env=env, check=False)
    assert "::error file=" in result.stdout
