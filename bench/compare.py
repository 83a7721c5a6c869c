"""Two revisions of kblint, timed against each other in interleaved runs (a script, not a test).

    .venv/bin/python bench/compare.py BASE [HEAD] [--rounds 6] [--articles 700] [--workdir DIR]

On a shared machine whose speed drifts by 10% over minutes, two benchmark runs made minutes
apart cannot tell a 5% change from the drift; runs of the two revisions taken turn about can.
Each revision is checked out into a temporary git worktree and imported from there
(`PYTHONPATH`, ahead of the installed kblint; the project's virtualenv supplies the
dependencies, so compare revisions that need the same ones). Every round runs, for BASE and
then HEAD: a cold `kblint check KB` (empty cache), a warm one (nothing changed), and a
one-file run after an edit (`kblint check THAT_FILE`, pre-commit style). It prints the fastest
and the median wall and CPU time of each.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kb_bench import APPENDED, articles_of, pick_article, prepare_kb

REPOSITORY = Path(__file__).resolve().parent.parent
STEPS = ("cold", "warm", "1-changed")


def timed(command: list[str], source: Path, cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `command` with kblint imported from `source`."""
    env = {**os.environ, "PYTHONPATH": str(source)}
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed in {source}")
    return wall, usage.ru_utime + usage.ru_stime


def worktree(revision: str, folder: Path) -> Path:
    """A checkout of `revision` in `folder`, byte-compiled as an installed wheel would be (under
    PYTHONDONTWRITEBYTECODE=1 every run would otherwise compile every module)."""
    path = folder / "kblint-checkout"
    subprocess.run(
        ["git", "-C", str(REPOSITORY), "worktree", "add", "--detach", str(path), revision],
        check=True,
        capture_output=True,
    )
    compiled = [sys.executable, "-m", "compileall", "-q", str(path / "kblint")]
    subprocess.run(compiled, check=True, capture_output=True)
    return path


def one_round(
    sources: dict[str, Path], kb: Path, work: Path, edit: int
) -> dict[tuple[str, str], tuple[float, float]]:
    """Every step of every revision once, revision by revision."""
    changed = pick_article(articles_of(kb))
    original = changed.read_bytes()
    found: dict[tuple[str, str], tuple[float, float]] = {}
    for name, source in sources.items():
        cache = work / f"cache-{name}"
        shutil.rmtree(cache, ignore_errors=True)
        base = [sys.executable, "-m", "kblint", "check", "--no-color", "--cache-dir", str(cache)]
        found[name, "cold"] = timed([*base, str(kb)], source, kb.parent)
        found[name, "warm"] = timed([*base, str(kb)], source, kb.parent)
        try:
            changed.write_bytes(original + APPENDED.format(edit).encode())
            found[name, "1-changed"] = timed([*base, str(changed)], source, kb.parent)
        finally:
            changed.write_bytes(original)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("base", help="git revision to compare against")
    parser.add_argument("head", nargs="?", default="HEAD", help="git revision (default HEAD)")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--articles", type=int, default=700, help="size of the synthetic KB")
    parser.add_argument("--workdir", type=Path, help="keep the KB here (reused next time)")
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="kb-compare-"))
    work.mkdir(parents=True, exist_ok=True)
    kb = work.resolve() / f"kb-{args.articles}"
    prepare_kb(kb, args.articles, seed=0)
    trees = Path(tempfile.mkdtemp(prefix="kb-compare-trees-"))
    sources = {
        name: worktree(rev, trees / name)
        for name, rev in (("base", args.base), ("head", args.head))
    }
    runs: dict[tuple[str, str], list[tuple[float, float]]] = {}
    try:
        for number in range(args.rounds):
            for key, value in one_round(sources, kb, work, number).items():
                runs.setdefault(key, []).append(value)
            print(f"round {number + 1} of {args.rounds} done", file=sys.stderr)
    finally:
        for source in sources.values():
            subprocess.run(
                ["git", "-C", str(REPOSITORY), "worktree", "remove", "--force", str(source)],
                check=False,
                capture_output=True,
            )
        shutil.rmtree(trees, ignore_errors=True)
    print(f"\n{args.articles} articles, {args.rounds} rounds; base {args.base}, head {args.head}")
    print("| step | revision | wall fastest | wall median | CPU fastest | CPU median |")
    print("|---|---|---:|---:|---:|---:|")
    for step in STEPS:
        for name in sources:
            walls = [wall for wall, _ in runs[name, step]]
            cpus = [cpu for _, cpu in runs[name, step]]
            print(
                f"| {step} | {name} | {min(walls):.2f} s | {statistics.median(walls):.2f} s | "
                f"{min(cpus):.2f} s | {statistics.median(cpus):.2f} s |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
