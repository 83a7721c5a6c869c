"""Benchmark of kblint.redundancy on synthetic knowledge bases (a script, not a test).

    .venv/bin/python bench/redundancy_bench.py [--sizes 1000,5000,20000] [--seed 7] [--no-trace]

Pages are 1,500-3,000 words drawn from a Zipf-like vocabulary of 30,000 words (frequent words
mostly short, as in English, so they rarely reach the 5 characters of the word set), mixed one
in four with the vocabulary of a topic shared by a cluster of about 50 pages; about 1 % of the
pages are edited copies of a page of their cluster.

Columns: generation and fingerprinting time (separate from `compute`), the fingerprints' size,
`compute` wall and CPU time (CPU time is the fair measure on a shared machine), candidate pairs
scored exactly, pages with at least one similar page, tracemalloc's peak of Python allocations
during a second, traced `compute` (tracing slows allocation down, so it is not timed), the
process's maximum resident set size, and the growth of CPU time against N and N^2.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import sys
import time
import tracemalloc
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kblint import redundancy
from kblint.redundancy import Fingerprint, PageKey, compute

VOCABULARY = 30_000
CLUSTER = 50
TOPIC_WORDS = 250
TOPIC_EVERY = 4  # every 4th word comes from the page's topic
DUPLICATE_SHARE = 0.01
POOL = 1 << 21
LETTERS = "etaoinshrdlcumwfgypbvkjxqz"
LETTER_WEIGHTS = [12, 9, 8, 8, 7, 7, 6, 6, 6, 4, 4, 3, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1]


class Corpus:
    """Draws synthetic page texts; all weights are precomputed cumulative lists."""

    def __init__(self, pages: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.vocabulary = self._vocabulary()
        cumulative = list(accumulate(1 / (rank + 2.7) for rank in range(VOCABULARY)))
        # Weighted draws cost a bisection each; drawing uniformly from a large pre-drawn pool
        # is several times faster and follows the same distribution closely.
        self.pool = self.rng.choices(self.vocabulary, cum_weights=cumulative, k=POOL)
        self.topic_cumulative = list(accumulate(1 / (i + 1) ** 0.8 for i in range(TOPIC_WORDS)))
        clusters = max(1, round(pages / CLUSTER))
        self.topics = [self.rng.sample(self.vocabulary[300:], TOPIC_WORDS) for _ in range(clusters)]
        self.pages = pages
        self.tokens_of: dict[int, list[str]] = {}  # pages that near-duplicates may copy

    def _vocabulary(self) -> list[str]:
        rng = self.rng
        words: list[str] = []
        seen: set[str] = set()
        while len(words) < VOCABULARY:
            if len(words) < 120:
                length = rng.choices([2, 3, 4, 5, 6, 7], [20, 30, 28, 12, 6, 4])[0]
            else:
                length = rng.choices(range(3, 14), [3, 6, 9, 11, 12, 11, 9, 7, 5, 3, 2])[0]
            word = "".join(rng.choices(LETTERS, LETTER_WEIGHTS, k=length))
            if word not in seen:
                seen.add(word)
                words.append(word)
        return words

    def text(self, index: int) -> str:
        """Page `index` as normalised text; its cluster is index // 50 (pages are contiguous)."""
        rng = self.rng
        cluster = min(index // CLUSTER, len(self.topics) - 1)
        mates = [i for i in self.tokens_of if i // CLUSTER == cluster]
        if mates and rng.random() < DUPLICATE_SHARE * 2:
            tokens = self._edited_copy(self.tokens_of[rng.choice(mates)])
        else:
            n = rng.randint(1500, 3000)
            tokens = rng.choices(self.pool, k=n)
            start = rng.randrange(TOPIC_EVERY)
            slots = len(range(start, n, TOPIC_EVERY))
            topic = self.topics[cluster]
            tokens[start::TOPIC_EVERY] = rng.choices(
                topic, cum_weights=self.topic_cumulative, k=slots
            )
            if rng.random() < DUPLICATE_SHARE * 2:
                self.tokens_of[index] = tokens
        return " ".join(tokens)

    def _edited_copy(self, tokens: list[str]) -> list[str]:
        """Replace every k-th word (k in 4..20) and drop a random tail: a near-duplicate."""
        rng = self.rng
        copy = tokens[: rng.randint(len(tokens) * 2 // 3, len(tokens))]
        step = rng.randint(4, 20)
        slots = len(range(0, len(copy), step))
        copy[::step] = rng.choices(self.pool, k=slots)
        return copy


def fingerprints(pages: int, seed: int) -> tuple[list[tuple[PageKey, Fingerprint]], float, float]:
    """Generate and fingerprint a KB; returns pages, generation seconds, fingerprint seconds."""
    corpus = Corpus(pages, seed)
    result: list[tuple[PageKey, Fingerprint]] = []
    generate = fingerprint = 0.0
    for index in range(pages):
        started = time.perf_counter()
        text = corpus.text(index)
        middle = time.perf_counter()
        fp = Fingerprint.of(text)
        fingerprint += time.perf_counter() - middle
        generate += middle - started
        key = PageKey(f"page-{index}", f"Page {index}", f"/kb/page-{index}/", "article")
        result.append((key, fp))
    return result, generate, fingerprint


class Counting:
    """Counts the candidate pairs that `compute` verifies (wraps the private scorer)."""

    def __init__(self) -> None:
        self.calls = 0
        self.original = redundancy._score

    def __enter__(self) -> Counting:
        def counted(common_s: int, common_w: int, sizes: tuple[int, int, int, int]) -> int | None:
            self.calls += 1
            return self.original(common_s, common_w, sizes)

        redundancy._score = counted
        return self

    def __exit__(self, *_: object) -> None:
        redundancy._score = self.original


def run(pages: int, seed: int, trace: bool) -> dict[str, float]:
    """Generate, fingerprint and compare one KB; the traced run (peak memory) is separate
    because tracemalloc slows every allocation down several times."""
    kb, generate, fingerprint = fingerprints(pages, seed)
    gc.collect()
    with Counting() as counting:
        started = time.perf_counter()
        cpu = time.process_time()
        records = compute(kb)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = float("nan")
    if trace:
        tracemalloc.start()
        compute(kb)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return {
        "pages": pages,
        "generate": generate,
        "fingerprint": fingerprint,
        "fp_mib": sum(len(fp.shingles) + len(fp.words) for _, fp in kb) / 2**20,
        "compute": elapsed,
        "cpu": cpu,
        "verified": counting.calls,
        "with_similar": sum(1 for record in records if record["similarPages"]),
        "peak": peak,
        "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,20000")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--no-trace", action="store_true", help="skip tracemalloc (it slows compute down)"
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    header = (
        f"{'N':>6} {'gen s':>6} {'fprint s':>8} {'fp MiB':>7} {'compute s':>9} {'cpu s':>6} "
        f"{'verified':>9} {'w/ similar':>10} {'peak MiB':>8} {'maxrss MiB':>10} "
        f"{'cpu x':>6} {'N x':>4} {'N^2 x':>5}"
    )
    print(header)
    first: dict[str, float] | None = None
    for size in sizes:
        row = run(size, args.seed, not args.no_trace)
        first = first or row
        growth = size / first["pages"]
        print(
            f"{size:>6} {row['generate']:>6.1f} {row['fingerprint']:>8.1f} {row['fp_mib']:>7.1f} "
            f"{row['compute']:>9.2f} {row['cpu']:>6.1f} {row['verified']:>9,} "
            f"{row['with_similar']:>10,} {row['peak']:>8.0f} {row['maxrss']:>10.0f} "
            f"{row['cpu'] / first['cpu']:>6.1f} {growth:>4.0f} {growth**2:>5.0f}",
            flush=True,
        )
        gc.collect()


if __name__ == "__main__":
    main()
