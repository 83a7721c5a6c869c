"""A registry id that YAML reads as a number gets a message saying how to fix it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kblint import registry_loader
from kblint.config import RegistryPaths
from kblint.registry_loader import load


def test_numeric_looking_id_suggests_quoting(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "resources"
    folder.mkdir(parents=True)
    (folder / "web.yaml").write_text("- id: 1234567890123456\n  url: https://example.org/a\n", encoding="utf-8")
    [issue] = load(tmp_path, RegistryPaths()).issues
    assert issue.line == 1 and issue.rule == "registry-schema"
    assert issue.message == "entry 0: id: 1234567890123456 is not of type 'string'; quote it in the YAML file to keep it a string"


def test_parallel_parsing_gives_the_same_registries_and_problems(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Registry files parsed in forked processes: same entries, same problems, same order."""
    kb = Path(__file__).parent / "fixtures" / "rules" / "kb"
    paths = RegistryPaths()
    serial = load(kb, paths, jobs=1)
    monkeypatch.setattr(registry_loader, "PARALLEL_BYTES", 0)
    parallel = load(kb, paths, jobs=2)
    assert serial.issues and serial.issues == parallel.issues  # the fixture has broken entries
    one, two = serial.registries, parallel.registries
    assert one.resources.resources and one.resources.resources == two.resources.resources
    assert one.entities and one.entities == two.entities
    assert (one.citation_stats, one.edit_log, one.external_links) == (
        two.citation_stats,
        two.edit_log,
        two.external_links,
    )
    assert serial.digest == parallel.digest
