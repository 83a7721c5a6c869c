"""Regenerate the README's rules table from the rule book: `python tests/update_readme.py`."""

from __future__ import annotations

import re
from pathlib import Path

from kblint.report.rulebook import markdown_table
from kblint.rulebook import builtin

README = Path(__file__).resolve().parent.parent / "README.md"


def main() -> None:
    text = README.read_text(encoding="utf-8")
    table = markdown_table(builtin())
    updated = re.sub(
        r"(<!-- rules:start -->\n).*?(<!-- rules:end -->)",
        lambda m: m.group(1) + table + m.group(2),
        text,
        flags=re.DOTALL,
    )
    README.write_text(updated, encoding="utf-8")


if __name__ == "__main__":
    main()
