"""Reporters: one module per output format. Each only formats; none reads files or the clock.

Every machine format has the same entry point,
`render(report, book, out, *, tool_version) -> None`, which writes the whole output to `out`;
`reporter(name)` returns the one a `--format` name means. The console reporter (`console.py`)
takes a rich Console instead and is wired separately.
"""

from __future__ import annotations

import importlib
from typing import Protocol, TextIO

from kblint.engine import RunReport
from kblint.rulebook import RuleBook


class Renderer(Protocol):
    def __call__(
        self, report: RunReport, book: RuleBook, out: TextIO, *, tool_version: str
    ) -> None: ...


#: `--format` name → module in this package (imported on use: a run needs one of them).
FORMATS = {
    "concise": "concise",
    "json": "json_report",
    "sarif": "sarif",
    "github": "github",
    "rdjsonl": "rdjsonl",
    "junit": "junit",
}


def reporter(name: str) -> Renderer:
    module = importlib.import_module(f"kblint.report.{FORMATS[name]}")
    render: Renderer = module.render
    return render
