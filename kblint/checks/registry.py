"""Checks that compare a page with the registries and the rest of the corpus."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kblint.checks import CorpusContext, Hit, corpus_check


@corpus_check
def numeric_id_conflict(ctx: CorpusContext, options: dict[str, Any]) -> Iterator[Hit]:
    for issue in ctx.corpus.numeric_id_issues(ctx.summary.rel_path):
        yield Hit(issue.message, line=issue.line, column=1)
