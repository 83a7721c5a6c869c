"""A registry id that YAML reads as a number gets a message saying how to fix it."""

from __future__ import annotations

from pathlib import Path

from kblint.config import RegistryPaths
from kblint.registry_loader import load


def test_numeric_looking_id_suggests_quoting(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "resources"
    folder.mkdir(parents=True)
    (folder / "web.yaml").write_text("- id: 1234567890123456\n  url: https://example.org/a\n", encoding="utf-8")
    [issue] = load(tmp_path, RegistryPaths()).issues
    assert issue.line == 1 and issue.rule == "registry-schema"
    assert issue.message == "entry 0: id: 1234567890123456 is not of type 'string'; quote it in the YAML file to keep it a string"
