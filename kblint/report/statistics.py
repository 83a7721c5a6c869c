"""`--statistics`: how many findings each rule produced, most frequent first.

    12  KB301  unconverted-link  warning
     3  KB201  footnote-undefined  error

Columns are padded so they line up; rows are sorted by count (descending), then code. A rule
whose findings have different severities (per-file overrides) lists them worst first, e.g.
`error,warning`. A clean run prints nothing.
"""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from kblint.engine import RunReport
from kblint.model import Severity
from kblint.rulebook import RuleBook


def render_statistics(report: RunReport, book: RuleBook, out: TextIO) -> None:
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    severities: dict[str, set[Severity]] = {}
    for finding in report.findings:
        counts[finding.code] += 1
        names[finding.code] = finding.rule
        severities.setdefault(finding.code, set()).add(finding.severity)
    rows = [
        (str(count), code, names[code], _severity_column(severities[code]))
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    if not rows:
        return
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    for count, code, name, severity in rows:
        out.write(
            f"{count.rjust(widths[0])}  {code.ljust(widths[1])}  {name.ljust(widths[2])}  "
            f"{severity}\n"
        )


def _severity_column(severities: set[Severity]) -> str:
    return ",".join(s.value for s in sorted(severities, key=lambda severity: severity.rank))
