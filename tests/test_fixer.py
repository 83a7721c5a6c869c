"""The fix machinery on its own: offsets mapped onto raw text (BOM, CRLF), overlaps, imports,
atomic writes that keep the mode and leave the original when the write fails."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kblint import fixer
from kblint.model import Edit, Finding, Severity


def finding(line: int, *edits: Edit, rule: str = "unconverted-link") -> Finding:
    return Finding("x.mdx", line, 1, rule, "KB301", Severity.WARNING, "m", edits=tuple(edits))


def write(tmp_path: Path, raw: bytes, name: str = "page.mdx") -> Path:
    path = tmp_path / name
    path.write_bytes(raw)
    return path


def test_edit_offsets_map_onto_crlf_and_bom(tmp_path: Path) -> None:
    raw = "\ufeff---\r\ntitle: T\r\n---\r\nSee [paper](https://a.org/p).\r\nEnd.\r\n"
    path = write(tmp_path, raw.encode("utf-8"))
    normalised = raw.lstrip("\ufeff").replace("\r\n", "\n")
    start = normalised.index("[paper]")
    end = normalised.index(").") + 1
    planned = fixer.plan(
        path, [finding(4, Edit(start, end, '<R id="abc">paper</R>'))], add_imports=False
    )
    assert planned is not None
    assert planned.new == raw.replace("[paper](https://a.org/p)", '<R id="abc">paper</R>')
    assert planned.new.startswith("\ufeff") and planned.new.count("\r\n") == 5


def test_inserted_line_breaks_follow_the_file_style(tmp_path: Path) -> None:
    raw = "a\r\nb\r\n"
    path = write(tmp_path, raw.encode())
    planned = fixer.plan(path, [finding(1, Edit(1, 1, "\nx"))], add_imports=False)
    assert planned is not None and planned.new == "a\r\nx\r\nb\r\n"


def test_overlapping_edits_first_wins_second_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, b"0123456789\n")
    first, second = finding(1, Edit(2, 6, "A")), finding(1, Edit(4, 8, "B"))
    planned = fixer.plan(path, [second, first], add_imports=False)
    assert planned is not None
    assert planned.new == "01A6789\n"
    assert planned.applied == [first] and planned.skipped == [second]


def test_import_added_to_the_component_import_line(tmp_path: Path) -> None:
    raw = "---\ntitle: T\n---\nimport {EntityLink, Mermaid} from '@components/wiki';\n\nSee [p](https://a.org).\n"
    path = write(tmp_path, raw.encode())
    start = raw.index("[p]")
    planned = fixer.plan(
        path, [finding(6, Edit(start, start + len("[p](https://a.org)"), '<R id="abc">p</R>'))]
    )
    assert planned is not None
    assert "import {EntityLink, Mermaid, R} from '@components/wiki';" in planned.new
    assert planned.new.endswith('See <R id="abc">p</R>.\n')


def test_no_import_added_when_the_kb_auto_imports(tmp_path: Path) -> None:
    raw = "---\ntitle: T\n---\n\nSee [p](https://a.org).\n"
    path = write(tmp_path, raw.encode())
    start = raw.index("[p]")
    planned = fixer.plan(
        path, [finding(5, Edit(start, start + len("[p](https://a.org)"), '<R id="abc">p</R>'))]
    )
    assert planned is not None and "import" not in planned.new


def test_no_import_for_markdown_files(tmp_path: Path) -> None:
    raw = "import {EntityLink} from 'x';\n\nSee [p](https://a.org).\n"
    path = write(tmp_path, raw.encode(), "page.md")
    start = raw.index("[p]")
    planned = fixer.plan(
        path, [finding(3, Edit(start, start + len("[p](https://a.org)"), '<R id="abc">p</R>'))]
    )
    assert planned is not None and planned.new.startswith("import {EntityLink} from 'x';")


def test_atomic_write_keeps_mode(tmp_path: Path) -> None:
    path = write(tmp_path, b"old\n")
    path.chmod(0o640)
    fixer.write_atomically(path, "new\n")
    assert path.read_bytes() == b"new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["page.mdx"]  # no temp file left behind


def test_failed_write_leaves_the_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, b"old\n")

    def explode(self: Path, target: Path) -> Path:
        raise KeyboardInterrupt  # Ctrl-C between writing the temp file and replacing

    monkeypatch.setattr(Path, "replace", explode)
    with pytest.raises(KeyboardInterrupt):
        fixer.write_atomically(path, "new\n")
    assert path.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["page.mdx"]


def test_unreadable_file_is_not_planned(tmp_path: Path) -> None:
    path = write(tmp_path, b"caf\xe9\n")
    assert fixer.plan(path, [finding(1, Edit(0, 1, "C"))]) is None


def _kept_by_comparing_with_all(
    candidates: list[tuple[Edit, Finding]],
) -> tuple[list[tuple[Edit, Finding]], list[Finding]]:
    chosen: list[tuple[Edit, Finding]] = []
    skipped: list[Finding] = []
    for edit, finding in sorted(candidates, key=lambda pair: (pair[0].start, pair[0].end)):
        if any(fixer._overlaps(edit, kept.start, kept.end) for kept, _ in chosen):
            if finding not in skipped:
                skipped.append(finding)
            continue
        chosen.append((edit, finding))
    return chosen, skipped


_SPANS = st.tuples(st.integers(0, 12), st.integers(0, 4)).map(lambda s: (s[0], s[0] + s[1]))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(_SPANS, st.integers(0, 5)), max_size=12))
def test_comparing_with_the_last_kept_edit_is_comparing_with_all(
    spans: list[tuple[tuple[int, int], int]],
) -> None:
    """Overlapping edits (zero-width ones at one point too) are skipped exactly as when every
    kept edit is compared; findings may own several edits."""
    candidates = []
    for (start, end), owner in spans:
        finding = Finding("a.mdx", owner + 1, 1, "unconverted-link", "KB301", Severity.WARNING, "m")
        candidates.append((Edit(start, end, "x"), finding))
    assert fixer.non_overlapping(candidates) == _kept_by_comparing_with_all(candidates)
