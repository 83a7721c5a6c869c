"""The installed wheel carries the rule book and schemas: build it, install it into a fresh venv,
and run kblint on the example KB from another working directory."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import EXAMPLE_KB, REPO


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False, timeout=300)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with only the kblint wheel installed (its dependencies are borrowed from the
    test environment through a path entry, so no network is needed)."""
    root = tmp_path_factory.mktemp("wheel")
    built = run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(root / "dist"),
            str(REPO),
        ],
        root,
    )
    assert built.returncode == 0, built.stderr
    wheel = next((root / "dist").glob("kblint-*.whl"))
    venv = root / "venv"
    assert run([sys.executable, "-m", "venv", str(venv)], root).returncode == 0
    python = venv / "bin" / "python"
    installed = run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)], root
    )
    assert installed.returncode == 0, installed.stderr
    site = run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], root
    )
    deps = sysconfig.get_paths()["purelib"]  # typer, rich, … of the test environment
    (Path(site.stdout.strip()) / "kblint-test-deps.pth").write_text(deps + "\n", encoding="utf-8")
    return venv


def test_wheel_ships_rules_and_schemas(installed: Path, tmp_path: Path) -> None:
    probe = run(
        [
            str(installed / "bin" / "python"),
            "-c",
            "import kblint, kblint.resources as r; print(kblint.__file__); print(r.data_dir('rules')); print(r.data_dir('schemas'))",
        ],
        tmp_path,
    )
    module, rules, schemas = probe.stdout.split()
    assert str(installed) in module  # the wheel's copy, not the checkout
    assert rules.endswith("kblint/_data/rules") and (Path(rules) / "mdx-unclosed.yaml").is_file()
    assert (Path(rules) / "presets" / "default.yaml").is_file()
    assert (Path(schemas) / "config.schema.json").is_file()


def test_installed_kblint_checks_the_example_kb(installed: Path, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(EXAMPLE_KB, kb)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run([str(installed / "bin" / "kblint"), "check", str(kb)], elsewhere)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "11 articles · 0 errors" in result.stdout
    explain = run([str(installed / "bin" / "kblint"), "explain", "mdx-unclosed"], elsewhere)
    assert explain.returncode == 0 and "KB003 mdx-unclosed" in explain.stdout
