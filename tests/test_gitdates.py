"""Git dates (spec §1): newest commit per file, first commit unless it was a bulk import."""

from __future__ import annotations

from kblint.gitdates import BULK_IMPORT_THRESHOLD, parse_log

DAY1 = 1767225600  # 2026-01-01T00:00:00Z
DAY = 86400


def log(*commits: tuple[int, list[str]]) -> str:
    return "".join(f"\x1e{stamp}\n\n" + "\n".join(files) + "\n" for stamp, files in commits)


def test_newest_and_first_commit_per_file() -> None:
    dates = parse_log(log((DAY1 + 10 * DAY, ["a.mdx"]), (DAY1 + 2 * DAY, ["a.mdx", "b.mdx"]), (DAY1, ["a.mdx"])))
    assert dates.last_updated == {"a.mdx": "2026-01-11", "b.mdx": "2026-01-03"}
    assert dates.created == {"a.mdx": "2026-01-01", "b.mdx": "2026-01-03"}


def test_bulk_import_day_is_not_a_creation_date() -> None:
    many = [f"p{i}.mdx" for i in range(BULK_IMPORT_THRESHOLD + 1)]
    dates = parse_log(log((DAY1 + DAY, ["p0.mdx"]), (DAY1, many)))
    assert "p1.mdx" not in dates.created and dates.last_updated["p1.mdx"] == "2026-01-01"
    at_limit = parse_log(log((DAY1, many[:BULK_IMPORT_THRESHOLD])))
    assert len(at_limit.created) == BULK_IMPORT_THRESHOLD


def test_utc_dates() -> None:
    late_evening = DAY1 - 60  # 2025-12-31T23:59Z
    assert parse_log(log((late_evening, ["x.md"]))).last_updated == {"x.md": "2025-12-31"}
