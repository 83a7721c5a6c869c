"""The coverage regression gate: a changed article compared with itself at a git ref."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from kblint.checks import Hit
from kblint.record import PageRecord

_STATUS_RANK = {"green": 0, "amber": 1, "red": 2}
_RISK_RANK = {"low": 0, "medium": 1, "high": 2}


def regressions(old: PageRecord, new: PageRecord) -> Iterator[Hit]:
    """What got worse from `old` to `new` (spec of rule coverage-regression)."""
    old_cov, new_cov = old.coverage, new.coverage
    for item, status in new_cov["items"].items():
        before = old_cov["items"].get(item)
        if before is not None and _STATUS_RANK[status] > _STATUS_RANK[before]:
            actual = new_cov["actuals"].get(item)
            target = new_cov["targets"].get(item)
            detail = f" ({actual} of {target})" if actual is not None and target is not None else ""
            yield Hit(
                f"coverage item {item} got worse: {before} → {status}{detail}", line=1, column=1
            )
    if new_cov["passing"] < old_cov["passing"]:
        yield Hit(
            f"coverage passing dropped from {old_cov['passing']}/{old_cov['total']} "
            f"to {new_cov['passing']}/{new_cov['total']}",
            line=1,
            column=1,
        )
    old_risk, new_risk = old.risk, new.risk
    if _RISK_RANK[new_risk["level"]] > _RISK_RANK[old_risk["level"]]:
        factors = ", ".join(new_risk["factors"]) or "no factors"
        yield Hit(
            f"hallucination risk rose from {old_risk['level']} ({old_risk['score']}) to "
            f"{new_risk['level']} ({new_risk['score']}): {factors}",
            line=1,
            column=1,
        )
    yield from _new_unconverted(old, new)


def _new_unconverted(old: PageRecord, new: PageRecord) -> Iterator[Hit]:
    before = Counter(link.url for link in old.unconverted)
    for link in new.unconverted:
        if before[link.url] > 0:
            before[link.url] -= 1
            continue
        yield Hit(
            f'new unconverted link to {link.url}: cite it as <R id="{link.resource_id}">',
            line=link.line,
            column=link.column,
        )
