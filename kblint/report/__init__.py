"""Reporters: one module per output format. Each only formats; none reads files or the clock.

Every machine format has the same entry point,
`render(report, book, out, *, tool_version) -> None`, which writes the whole output to `out`;
`REPORTERS` maps the `--format` names to them. The console reporter (`console.py`) takes a rich
Console instead and is wired separately.
"""

from __future__ import annotations

from typing import Protocol, TextIO

from kblint.engine import RunReport
from kblint.report import concise, github, json_report, junit, rdjsonl, sarif
from kblint.rulebook import RuleBook


class Renderer(Protocol):
    def __call__(
        self, report: RunReport, book: RuleBook, out: TextIO, *, tool_version: str
    ) -> None: ...


REPORTERS: dict[str, Renderer] = {
    "concise": concise.render,
    "json": json_report.render,
    "sarif": sarif.render,
    "github": github.render,
    "rdjsonl": rdjsonl.render,
    "junit": junit.render,
}
