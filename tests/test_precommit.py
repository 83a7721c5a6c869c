"""The pre-commit hook, for real: the manifest passes pre-commit's own validator, and
`pre-commit try-repo` on this project fails on a broken article and passes on a clean one.

try-repo installs the hook's environment (a virtualenv with this project and its dependencies
from the package index), so this is the slowest test; it is skipped only when pre-commit is not
installed (it is in the dev extra).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLE_KB, REPO

PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
pytestmark = pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is not installed")
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org",
}


def run(args: list[str], cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home)}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, check=False, timeout=900)


def test_manifest_is_valid() -> None:
    assert PRE_COMMIT is not None
    result = subprocess.run([PRE_COMMIT, "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_try_repo_fails_on_broken_and_passes_on_clean(tmp_path: Path) -> None:
    assert PRE_COMMIT is not None
    kb = tmp_path / "kb"
    shutil.copytree(EXAMPLE_KB, kb)
    (kb / "kblint.yaml").write_text("git_dates: false\n", encoding="utf-8")
    home = tmp_path / "pre-commit-home"
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "kb"]):
        run(["git", *args], kb, home)
    clean = "content/docs/knowledge-base/risks/scheming.mdx"
    passed = run([PRE_COMMIT, "try-repo", str(REPO), "kblint", "--files", clean], kb, home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "kblint" in passed.stdout and "Passed" in passed.stdout

    broken = kb / "content/docs/knowledge-base/risks/broken.mdx"
    broken.write_text('---\ntitle: Broken\n---\n\n<Aside type="note">\nNever closed.\n', encoding="utf-8")
    failed = run([PRE_COMMIT, "try-repo", str(REPO), "kblint", "--files", str(broken.relative_to(kb))], kb, home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout
    assert "broken.mdx:5:1 error KB003 mdx-unclosed <Aside> is never closed" in failed.stdout
