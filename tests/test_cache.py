"""The per-file cache and parallel runs change speed, never results."""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLE_KB
from kblint import analysis, batch, redundancy, runkey
from kblint import cache as cache_module
from kblint.cli import app

NOW = "2026-03-14T00:00:00+00:00"


def synthetic_kb(root: Path, copies: int = 4) -> Path:
    """The example KB with every article copied under new names: enough files for a pool."""
    shutil.copytree(EXAMPLE_KB, root)
    (root / "kblint.yaml").write_text("git_dates: false\n", encoding="utf-8")
    docs = root / "content" / "docs" / "knowledge-base"
    originals = [p for p in docs.rglob("*.md*") if p.name != "index.mdx"]
    for copy in range(copies):
        for path in originals:
            target = path.with_name(f"{path.stem}-copy{copy}{path.suffix}")
            target.write_text(
                path.read_text(encoding="utf-8").replace("title: ", f"title: Copy {copy} of ", 1),
                encoding="utf-8",
            )
    return root


def invoke(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.stdout


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    return synthetic_kb(tmp_path / "kb")


def test_records_identical_with_and_without_cache(kb: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plain = invoke("record", str(kb), "--now", NOW, "--no-cache", "--jobs", "1")
    cold = invoke("record", str(kb), "--now", NOW, "--cache-dir", str(cache))
    warm = invoke("record", str(kb), "--now", NOW, "--cache-dir", str(cache))
    assert json.loads(plain) == json.loads(cold) == json.loads(warm)
    assert len(json.loads(plain)) == 51


def test_check_output_identical_with_and_without_cache(kb: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    args = ["check", str(kb), "--now", NOW, "--format", "json"]
    plain = invoke(*args, "--no-cache")
    assert invoke(*args, "--cache-dir", str(cache)) == plain
    assert invoke(*args, "--cache-dir", str(cache)) == plain


def _recorded_once(kb: Path, tmp_path: Path) -> tuple[Path, list[str]]:
    """A cache filled by one `record` run, and that run's arguments (without the cache)."""
    cache = tmp_path / "cache"
    args = ["record", str(kb), "--now", NOW]
    invoke(*args, "--cache-dir", str(cache))
    return cache, args


def _edit_a_copy(kb: Path, paragraph: str) -> None:
    """Append to the first (in walk order) of the five articles that share anthropic's text."""
    edited = kb / "content/docs/knowledge-base/organizations/anthropic-copy0.mdx"
    edited.write_text(edited.read_text(encoding="utf-8") + paragraph, encoding="utf-8")


def test_a_run_after_an_edit_equals_a_fresh_run(
    kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Partly cached: the edited page is analysed again, the others read back. Ties (the copies
    # share their original's readerImportance and score ~100 with it) still go to walk order,
    # and the near-duplicates are updated from the last run's ranking, not recomputed.
    cache, args = _recorded_once(kb, tmp_path)
    _edit_a_copy(kb, "\nA closing paragraph, added in review, on the lab's policies.\n")
    updated: list[object] = []
    update = redundancy._update
    monkeypatch.setattr(
        redundancy, "_update", lambda *args: updated.append(update(*args)) or updated[-1]
    )
    after = json.loads(invoke(*args, "--cache-dir", str(cache)))
    assert len(updated) == 1
    assert updated[0] is not None
    assert after == json.loads(invoke(*args, "--no-cache"))
    ranks = {r["pageRecord"]["id"]: r["pageRecord"]["readerRank"] for r in after}
    assert ranks["anthropic-copy0"] < ranks["anthropic-copy1"] < ranks["anthropic"]


def test_a_damaged_ranking_is_not_trusted(
    kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the ranking is the last part of the near-duplicates entry, read only when pages changed
    cache, args = _recorded_once(kb, tmp_path)
    [(key, blob)] = [
        (key, blob)
        for key, blob in entries(cache).items()
        if isinstance(cache_module.unpack_part(blob, 2), redundancy.Ranking)
    ]
    at = _bit_only_a_checksum_catches(blob, cache_module.unpack_part(blob, 2))
    with database(cache) as db:
        damaged = blob[:at] + bytes([blob[at] ^ 0x01]) + blob[at + 1 :]
        db.execute("UPDATE entries SET blob = ? WHERE key = ?", (damaged, key))
    _edit_a_copy(kb, "\nOne more paragraph.\n")
    monkeypatch.setattr(redundancy, "_update", lambda *args: pytest.fail("used a damaged ranking"))
    after = json.loads(invoke(*args, "--cache-dir", str(cache)))
    assert after == json.loads(invoke(*args, "--no-cache"))


def _bit_only_a_checksum_catches(blob: bytes, last: object) -> int:
    """Where in `blob` (whose last part is `last`, pickled) flipping the lowest bit still
    unpickles, to a different value."""
    payload = pickle.dumps(last, protocol=pickle.HIGHEST_PROTOCOL)
    assert blob.endswith(payload)
    for offset in range(len(payload)):
        flipped = bytearray(payload)
        flipped[offset] ^= 0x01
        with contextlib.suppress(Exception):
            if pickle.loads(bytes(flipped)) != last:
                return len(blob) - len(payload) + offset
    raise AssertionError("no such bit")


def test_jobs_do_not_change_results_or_order(kb: Path) -> None:
    args = ["check", str(kb), "--now", NOW, "--format", "concise", "--no-cache"]
    one = invoke(*args, "--jobs", "1")
    two = invoke(*args, "--jobs", "2")
    assert one == two and one.count("\n") > 50


def test_a_pool_that_cannot_fork_spawns_and_gives_the_same_results(
    kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where fork is missing (Windows) the workers are spawned: they receive the run's context
    pickled, and hand back results and cache entries the same way."""
    args = ["check", str(kb), "--now", NOW, "--format", "concise"]
    expected = invoke(*args, "--no-cache", "--jobs", "1")
    monkeypatch.setattr(batch, "can_fork", lambda: False)
    cache = tmp_path / "cache"
    assert invoke(*args, "--cache-dir", str(cache), "--jobs", "2") == expected
    assert len(entries(cache)) == 51 + 4  # articles; registries, near-duplicates, report, digests
    assert invoke(*args, "--cache-dir", str(cache), "--jobs", "2") == expected  # warm


def test_warm_run_parses_nothing(kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    invoke("check", str(kb), "--cache-dir", str(cache), "--jobs", "1")
    calls: list[str] = []
    real = analysis.analyse

    def counting(*args: object, **kwargs: object) -> analysis.FileResult:
        calls.append(str(args[1]))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "analyse", counting)
    invoke("check", str(kb), "--cache-dir", str(cache), "--jobs", "1")
    assert calls == []
    changed = kb / "content/docs/knowledge-base/risks/scheming.mdx"
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8"
    )
    invoke("check", str(changed), "--cache-dir", str(cache), "--jobs", "1")
    assert calls == ["knowledge-base/risks/scheming.mdx"]  # the rest of the KB came from the cache


def test_corrupt_and_foreign_entries_are_rebuilt(kb: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    args = ["record", str(kb), "--now", NOW, "--cache-dir", str(cache)]
    expected = json.loads(invoke(*args))
    blobs = entries(cache)
    # one per article, the registries, the redundancy results, the whole run's report, the
    # files' digests
    assert len(blobs) == 51 + 4
    with database(cache) as db:
        for number, (key, blob) in enumerate(sorted(blobs.items())):
            if number % 3 == 0:
                damaged = blob[: len(blob) // 2]  # truncated
            elif number % 3 == 1:
                damaged = b"NOTKBLNT" + blob[8:]  # foreign
            else:  # one flipped bit, mid-entry: in the part every run reads
                middle = len(blob) // 2
                damaged = blob[:middle] + bytes([blob[middle] ^ 0x10]) + blob[middle + 1 :]
            db.execute("UPDATE entries SET blob = ? WHERE key = ?", (damaged, key))
    assert json.loads(invoke(*args)) == expected
    # every damaged entry was rebuilt as it was; the digests too, but with the time each file
    # was hashed again
    rebuilt = entries(cache)
    digests = runkey.file_digests_slot(cache_module.Cache(cache), kb.resolve())
    assert cache_module.unpack_part(rebuilt.pop(digests), 0).keys() == (
        cache_module.unpack_part(blobs.pop(digests), 0).keys()
    )
    assert rebuilt == blobs
    assert json.loads(invoke(*args)) == expected


def test_a_database_that_is_not_one_is_replaced(kb: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    args = ["record", str(kb), "--now", NOW, "--cache-dir", str(cache)]
    expected = json.loads(invoke(*args))
    database_file = cache / "v2" / "cache.sqlite3"
    database_file.write_bytes(b"not a database at all\n" * 100)
    assert json.loads(invoke(*args)) == expected
    assert len(entries(cache)) == 51 + 4  # started afresh and filled again


def test_a_cache_that_cannot_be_written_only_costs_speed(kb: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "v2").write_text("a file where the database folder should be", encoding="utf-8")
    args = ["record", str(kb), "--now", NOW, "--cache-dir", str(cache)]
    assert json.loads(invoke(*args)) == json.loads(invoke(*args[:-2], "--no-cache"))


def test_cache_folder_ignores_itself(kb: Path) -> None:
    invoke("check", str(kb))
    assert (kb / ".kblint_cache" / ".gitignore").read_text(encoding="utf-8").strip().endswith("*")


def test_two_processes_share_a_cache(kb: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    command = [
        sys.executable,
        "-m",
        "kblint",
        "record",
        str(kb),
        "--now",
        NOW,
        "--cache-dir",
        str(cache),
        "--jobs",
        "1",
    ]
    first = subprocess.Popen(command, stdout=subprocess.PIPE)
    second = subprocess.Popen(command, stdout=subprocess.PIPE)
    out_first, _ = first.communicate(timeout=300)
    out_second, _ = second.communicate(timeout=300)
    assert first.returncode == second.returncode == 0
    assert json.loads(out_first) == json.loads(out_second)
    assert json.loads(
        invoke("record", str(kb), "--now", NOW, "--cache-dir", str(cache))
    ) == json.loads(out_first)


def test_unchanged_rerun_reads_one_report_not_every_file(
    kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    args = ["check", str(kb), "--now", NOW, "--format", "json", "--cache-dir", str(cache)]
    first = invoke(*args)
    reads: list[str] = []
    real_get = cache_module.Cache.get_parts

    def counting_get(
        self: cache_module.Cache, key: str, count: int, first: object = None
    ) -> object:
        reads.append(key)
        return real_get(self, key, count, first)

    monkeypatch.setattr(cache_module.Cache, "get_parts", counting_get)
    assert invoke(*args) == first
    assert len(reads) == 1  # the run's report


def test_a_new_report_replaces_the_previous_one(kb: Path, tmp_path: Path) -> None:
    """Reports of the same selection share one entry: a large KB's cache does not grow by a
    whole report on every edit."""
    cache = tmp_path / "cache"
    args = ["check", str(kb), "--now", NOW, "--cache-dir", str(cache)]

    invoke(*args)
    before = len(entries(cache))
    changed = kb / "content/docs/knowledge-base/risks/scheming.mdx"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    invoke(*args)
    assert len(entries(cache)) == before + 1  # the changed article's new entry; still one report
    assert invoke(*args, "--format", "concise") == invoke(
        *args[:-2], "--no-cache", "--format", "concise"
    )


def test_a_reused_report_still_ages_its_scores(kb: Path, tmp_path: Path) -> None:
    """recommendedScore depends on the moment of the run, not only on the files."""
    cache = tmp_path / "cache"
    later = "2026-09-14T00:00:00+00:00"
    before = json.loads(invoke("record", str(kb), "--now", NOW, "--cache-dir", str(cache)))
    reused = json.loads(invoke("record", str(kb), "--now", later, "--cache-dir", str(cache)))
    fresh = json.loads(invoke("record", str(kb), "--now", later, "--no-cache"))
    assert reused == fresh
    assert reused != before  # the scores did age: the test can tell


def test_a_report_is_not_reused_from_another_working_directory(
    kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    args = ["check", str(kb), "--now", NOW, "--format", "concise", "--cache-dir", str(cache)]
    monkeypatch.chdir(kb)
    from_root = invoke(*args)
    monkeypatch.chdir(kb / "content")
    from_content = invoke(*args)
    assert "content/docs/" in from_root and "\ndocs/" in "\n" + from_content
    assert from_content == invoke(*args[:-2], "--no-cache")


def test_an_entry_of_parts_is_read_part_by_part(tmp_path: Path) -> None:
    store = cache_module.Cache(tmp_path)
    store.put_parts("ab" * 20, [{"summary": 1}, ["detail"] * 3])
    assert store.get_parts("ab" * 20, 1) == [{"summary": 1}]
    assert store.get_parts("ab" * 20, 2) == [{"summary": 1}, ["detail"] * 3]
    assert store.get_parts("ab" * 20, 3) is None  # asks for more than it holds
    store.close()
    blob = entries(tmp_path)["ab" * 20]

    def replace(new_blob: bytes) -> None:
        with database(tmp_path) as db:
            db.execute("UPDATE entries SET blob = ?", (new_blob,))

    replace(blob[:-1] + bytes([blob[-1] ^ 1]))  # damage the second part only
    assert store.get_parts("ab" * 20, 1) == [{"summary": 1}]  # its own checksum still holds
    assert store.get_parts("ab" * 20, 2) is None
    replace(blob + b"x")  # trailing bytes: not an entry we wrote
    assert store.get_parts("ab" * 20, 1) is None
    store.close()


def test_entries_written_in_a_batch_are_read_back_before_and_after_writing(tmp_path: Path) -> None:
    store = cache_module.Cache(tmp_path)
    keys = [f"{n:040x}" for n in range(300)]  # more than one transaction's worth
    with store.batch():
        for number, key in enumerate(keys):
            store.put_parts(key, [number])
        assert store.get_parts(keys[-1], 1) == [299]  # still pending: read from memory
    assert [store.get_parts(key, 1) for key in keys] == [[n] for n in range(300)]
    store.close()
    assert len(entries(tmp_path)) == 300


def test_large_entries_are_streamed_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries above the threshold (a whole report) go through blob handles; same content."""
    monkeypatch.setattr(cache_module, "_STREAMED_BYTES", 200)
    streamed: list[str] = []
    for name in ("_read_streamed", "_write_streamed"):
        original = getattr(cache_module, name)

        def spy(*args: Any, _name: str = name, _original: Any = original) -> Any:
            streamed.append(_name)
            return _original(*args)

        monkeypatch.setattr(cache_module, name, spy)
    store = cache_module.Cache(tmp_path)
    large, small = list(range(500)), [1, 2]
    store.put_parts("cd" * 20, [large, "second part"])
    store.put_parts("ef" * 20, [small])
    with store.batch():  # a large and a small entry in one transaction
        store.put_parts("ab" * 20, ["x" * 1000])
        store.put_parts("ba" * 20, ["y"])
    store.close()
    assert len(entries(tmp_path)["cd" * 20]) > 200  # it is one of the streamed ones
    assert store.get_parts("cd" * 20, 2) == [large, "second part"]
    assert store.get_parts("ef" * 20, 1) == [small]
    assert store.get_parts("ab" * 20, 1) == ["x" * 1000]
    assert store.get_parts("ba" * 20, 1) == ["y"]
    # two large entries written and read through blob handles, the small ones not
    assert sorted(streamed) == ["_read_streamed"] * 2 + ["_write_streamed"] * 2
    store.put_parts("cd" * 20, [small])  # replaced by a small one: read the plain way again
    assert store.get_parts("cd" * 20, 1) == [small]
    store.close()


DAY = 24 * 3600


@contextmanager
def database(cache: Path) -> Iterator[sqlite3.Connection]:
    """The cache's database, opened the way a test reads and edits it (committed on exit)."""
    db = sqlite3.connect(cache / "v2" / "cache.sqlite3")
    try:
        with db:
            yield db
    finally:
        db.close()


def entries(cache: Path) -> dict[str, bytes]:
    with database(cache) as db:
        return dict(db.execute("SELECT key, blob FROM entries").fetchall())


def age(cache: Path, keys: Iterable[str], days: float) -> None:
    """Make entries look written (or last reused) `days` ago."""
    with database(cache) as db:
        when = time.time() - days * DAY
        db.executemany("UPDATE entries SET used = ? WHERE key = ?", [(when, k) for k in keys])


def test_prune_deletes_only_old_entries_not_in_use(tmp_path: Path) -> None:
    store = cache_module.Cache(tmp_path)
    for key in ("aa" + "1" * 38, "aa" + "2" * 38, "bb" + "3" * 38, "bb" + "4" * 38):
        store.put_parts(key, [key])
    age(tmp_path, ("aa" + "1" * 38, "aa" + "2" * 38, "bb" + "3" * 38), 8)
    in_use = {"aa" + "1" * 38}
    removed = store.prune(in_use, time.time() - cache_module.PRUNE_AFTER_DAYS * DAY)
    # old and in use: kept; old and unused: gone; recent and unused: kept (another config's)
    assert removed == 2
    assert sorted(entries(tmp_path)) == ["aa" + "1" * 38, "bb" + "4" * 38]
    assert store.get_parts("aa" + "1" * 38, 1) == ["aa" + "1" * 38]
    store.close()


def test_prune_runs_at_most_once_a_day_and_removes_old_cache_formats(tmp_path: Path) -> None:
    store = cache_module.Cache(tmp_path)
    old_format = tmp_path / "v1" / "ab"
    old_format.mkdir(parents=True)
    (old_format / ("ab" * 20)).write_bytes(b"an entry of the file-per-entry cache")
    store.put_parts("cc" + "5" * 38, ["old"])
    age(tmp_path, ["cc" + "5" * 38], 8)
    now = time.time()
    assert store.prune_if_due(set, now - DAY / 2) == 1  # never pruned before: prunes now
    assert not (tmp_path / "v1").exists()
    store.put_parts("cc" + "6" * 38, ["old too"])
    age(tmp_path, ["cc" + "6" * 38], 8)
    assert store.prune_if_due(set, now) == 0  # pruned half a day ago: not yet
    assert store.prune_if_due(set, now + DAY) == 1
    store.close()


def test_a_run_prunes_old_versions_of_a_file_and_keeps_working(kb: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    args = ["check", str(kb), "--now", NOW, "--format", "concise", "--cache-dir", str(cache)]
    invoke(*args)
    changed = kb / "content/docs/knowledge-base/risks/scheming.mdx"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    invoke(*args)
    before = entries(cache)
    age(cache, before, 8)  # a week and a day without a run
    with database(cache) as db:
        db.execute("UPDATE meta SET value = ? WHERE name = 'last_prune'", (time.time() - 2 * DAY,))
    output = invoke(*args)  # reuses the report: touches it, prunes the rest not in use
    after = entries(cache)
    assert len(after) == len(before) - 1  # only the changed article's previous version went
    assert output == invoke(*args[:-2], "--no-cache")
    reads: list[str] = []
    original = cache_module.Cache.get_parts

    def counting(self: cache_module.Cache, key: str, count: int, first: Any = None) -> Any:
        reads.append(key)
        return original(self, key, count, first)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cache_module.Cache, "get_parts", counting)
        assert invoke(*args) == output
    assert len(reads) == 1  # still warm: the report was kept


# -- file digests: a file's stat stands for its bytes -----------------------------------------


def _digests(store: cache_module.Cache, root: Path) -> runkey.FileDigests:
    return runkey.FileDigests(store, root)


def _hashed(store: cache_module.Cache, root: Path, *pages: Path) -> list[str | None]:
    """The pages' digests as one run takes them: read the table, hash, save the table."""
    digests = _digests(store, root)
    found = [digests.digest(page) for page in pages]
    digests.save()
    return found


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files read with `Path.read_bytes` from now on."""
    names: list[str] = []
    real = Path.read_bytes

    def counting(self: Path) -> bytes:
        names.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    return names


def _later(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Hash as if `seconds` had passed since the files were written."""
    offset = int(seconds * 1e9)
    monkeypatch.setattr(runkey, "_now_ns", lambda: time.time_ns() + offset)


def test_an_unchanged_file_is_hashed_once(
    tmp_path: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "page.mdx"
    page.write_bytes(b"# Title\n\nSome text.\n")
    store = cache_module.Cache(tmp_path / "cache")
    _later(monkeypatch, 10)
    [digest] = _hashed(store, tmp_path, page)
    assert digest == cache_module.content_hash(b"# Title\n\nSome text.\n")
    assert _digests(store, tmp_path).digest(page) == digest
    assert reads == ["page.mdx"]


def test_a_file_changed_just_before_it_was_hashed_is_read_again(
    tmp_path: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # written within RACY_NS of being hashed: another write in the same clock tick could keep
    # size, mtime and ctime, so the recorded digest is not trusted until it was taken later
    page = tmp_path / "page.mdx"
    page.write_bytes(b"text\n")
    store = cache_module.Cache(tmp_path / "cache")
    for _ in range(2):
        _hashed(store, tmp_path, page)
    assert reads == ["page.mdx", "page.mdx"]
    _later(monkeypatch, 10)
    for _ in range(2):  # hashed once more, now long after the write; then trusted
        _hashed(store, tmp_path, page)
    assert reads == ["page.mdx"] * 3


def test_a_file_rewritten_with_its_old_size_and_mtime_is_hashed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "page.mdx"
    page.write_bytes(b"The lab had 300 staff.\n")
    before = page.stat()
    store = cache_module.Cache(tmp_path / "cache")
    _later(monkeypatch, 10)
    _hashed(store, tmp_path, page)
    page.write_bytes(b"The lab had 900 staff.\n")  # same size
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `cp -p` or a tool might
    assert page.stat().st_mtime_ns == before.st_mtime_ns
    again = _digests(store, tmp_path).digest(page)
    assert again == cache_module.content_hash(b"The lab had 900 staff.\n")  # the ctime moved


@pytest.mark.parametrize("stored", [["not", "a", "dict"], {"page": "no stamp"}, {"page": (1, 2)}])
def test_a_damaged_digest_table_is_not_trusted(tmp_path: Path, stored: object) -> None:
    page = tmp_path / "page.mdx"
    page.write_bytes(b"text\n")
    store = cache_module.Cache(tmp_path / "cache")
    store.put_parts(runkey.file_digests_slot(store, tmp_path), [stored])
    assert _digests(store, tmp_path).digest(page) == cache_module.content_hash(b"text\n")


def test_files_that_are_gone_leave_the_digest_table(tmp_path: Path) -> None:
    kept, gone = tmp_path / "kept.mdx", tmp_path / "gone.mdx"
    kept.write_bytes(b"a\n")
    gone.write_bytes(b"b\n")
    store = cache_module.Cache(tmp_path / "cache")
    _hashed(store, tmp_path, kept, gone)
    gone.unlink()
    assert _hashed(store, tmp_path, gone, kept) == [None, cache_module.content_hash(b"a\n")]
    table = store.get_stale(runkey.file_digests_slot(store, tmp_path), 0)
    assert list(table) == [str(kept)]


def test_a_warm_run_sees_an_edit_that_kept_size_and_mtime(
    kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    args = ["check", str(kb), "--now", NOW, "--format", "concise", "--cache-dir", str(cache)]
    _later(monkeypatch, 10)  # every file's digest is trusted from the next run on
    before = invoke(*args)
    page = kb / "content/docs/knowledge-base/risks/scheming.mdx"
    text = page.read_text(encoding="utf-8")
    stat = page.stat()
    edited = text.replace("## ", "## TODO ", 1)
    edited = edited.replace("\n\n", "\n", 5)  # the same length again
    assert len(edited.encode("utf-8")) == len(text.encode("utf-8"))
    page.write_text(edited, encoding="utf-8")
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = invoke(*args)
    assert after != before
    assert after == invoke(*args[:-2], "--no-cache")
    assert "placeholder-text" in after and "scheming.mdx" in after
