"""Time `kblint check` on single very large articles, to catch work that grows faster than the
article (a script, not a test).

Real knowledge bases have a few huge pages: a 6,000-row comparison table, a paragraph of
thousands of linked words, hundreds of footnotes, many code blocks. Each shape below is written
at three sizes (about 0.4, 0.8 and 1.6 MB), as the only article of a KB of its own, checked with
`--no-cache --jobs 1`. From the fastest of `--repeat` runs at each size, `growth` is the second
step's extra time over the first's: (t(4x) - t(2x)) / (t(2x) - t(1x)), which cancels start-up.
Work linear in the article gives 2, quadratic work 4; above 3 the shape is reported.

    .venv/bin/python bench/big_articles.py [--scale 1.0] [--repeat 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

#: growth (see above) past which a shape is reported: linear work gives 2, quadratic work 4
SUSPECT_GROWTH = 3.0
FRONTMATTER = "---\ntitle: {title}\ndescription: A very large page.\n---\n"
IMPORTS = "import {Aside, EntityLink, R, KBF} from '@components/wiki';\n\n## Overview\n\n"


def linked_paragraph(n: int) -> str:
    """One paragraph (one inline token) of thousands of lines, a link on each."""
    return "\n".join(
        f"Claim {i} per [source {i}](/knowledge-base/x/{i}/) and `v{i}`." for i in range(n)
    )


def unmatched_backticks(n: int) -> str:
    """One paragraph with a lone backtick every few words: each searches for its match."""
    return " ".join("`" if i % 7 == 0 else f"word{i}" for i in range(n * 7))


def big_table(n: int) -> str:
    rows = ["| Name | Value | Source |", "|---|---|---|"]
    rows += [
        f'| [Item {i}](https://example.org/{i}) | `v{i}` | <R id="r{i}">src</R> \\| x{i} |'
        for i in range(n)
    ]
    return "\n".join(rows)


def footnotes(n: int) -> str:
    body = "\n\n".join(
        f'Claim {i} is sourced.[^{i}] <EntityLink id="e{i}">E{i}</EntityLink> agrees.'
        for i in range(n)
    )
    notes = "\n".join(
        f"[^{i}]: Source {i}, https://example.org/{i}\n    continued {i}." for i in range(n)
    )
    return f"{body}\n\n{notes}"


def sections(n: int) -> str:
    return "\n\n".join(
        f"## Section {i}\n\nText of section {i}, with TODO left in.\n\n### Part {i}\n\n- a {i}\n- b"
        for i in range(n)
    )


def containers(n: int) -> str:
    return "\n\n".join(
        f'<Aside type="note">\nText {i} <R id="r{i}">t</R> and '
        f'<KBF entity="a" property="b">\\$14B</KBF>\n</Aside>'
        for i in range(n)
    )


def fences(n: int) -> str:
    return "\n\n".join(f"```python\nx = {i}\n```" for i in range(n))


def one_line_components(n: int) -> str:
    """Thousands of inline components on a single line."""
    return " ".join(f'<EntityLink id="e{i}">E{i}</EntityLink>' for i in range(n))


def suppressed(n: int) -> str:
    """A suppression comment before every sentence, each silencing a finding."""
    return "\n\n".join(
        f"{{/* kblint-disable-next-line weasel-attribution */}}\nSome experts say {i}."
        for i in range(n)
    )


SHAPES: dict[str, tuple[Callable[[int], str], int]] = {
    # shape: (body of n units, n for ~400 KB)
    "linked paragraph": (linked_paragraph, 7_000),
    "unmatched backticks": (unmatched_backticks, 7_000),
    "table": (big_table, 5_000),
    "footnotes": (footnotes, 3_200),
    "sections": (sections, 4_000),
    "containers": (containers, 4_000),
    "fences": (fences, 16_000),
    "one-line components": (one_line_components, 10_000),
    "suppressed findings": (suppressed, 5_000),
}


def write_kb(root: Path, body: str) -> None:
    page = root / "content" / "docs" / "big" / "page.mdx"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(FRONTMATTER.format(title="Big page") + IMPORTS + body + "\n", encoding="utf-8")
    (root / "kblint.yaml").write_text("git_dates: false\n", encoding="utf-8")


def timed_check(root: Path, repeat: int) -> float:
    """Fastest wall time of `kblint check` on the KB at `root`."""
    command = [
        sys.executable,
        "-m",
        "kblint",
        "check",
        "--no-cache",
        "--jobs",
        "1",
        "--no-color",
        ".",
    ]
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        done = subprocess.run(
            command,
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        best = min(best, time.perf_counter() - started)
        if done.returncode not in (0, 1):
            sys.exit(f"kblint exited {done.returncode}:\n{done.stderr}")
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the article sizes")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the fastest counts")
    args = parser.parse_args(argv)
    print("| shape | KB at 1x, 2x, 4x | check s at 1x, 2x, 4x | growth |")
    print("|---|---:|---:|---:|")
    suspects = []
    with tempfile.TemporaryDirectory() as folder:
        for name, (make, units) in SHAPES.items():
            sizes, times = [], []
            for factor in (1, 2, 4):
                root = Path(folder) / f"{name.replace(' ', '-')}-{factor}"
                body = make(max(1, int(units * factor * args.scale)))
                write_kb(root, body)
                sizes.append(f"{len(body) // 1024:,}")
                times.append(timed_check(root, args.repeat))
            growth = (times[2] - times[1]) / max(times[1] - times[0], 1e-3)
            walls = ", ".join(f"{t:.2f}" for t in times)
            print(f"| {name} | {', '.join(sizes)} | {walls} | {growth:.1f} |")
            if growth > SUSPECT_GROWTH:
                suspects.append(name)
    print()
    if suspects:
        print(f"worse than linear (growth > {SUSPECT_GROWTH}): {', '.join(suspects)}")
        return 1
    print(f"every shape grows linearly (growth <= {SUSPECT_GROWTH}; linear 2, quadratic 4)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
