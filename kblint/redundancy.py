"""Near-duplicate pages (spec §10): the `redundancy` field of every page record.

Two pages are similar when they share many 5-word runs (shingles) or many long words. Comparing
every pair is quadratic, so candidate pairs come from a prefix-filtered inverted index
(AllPairs/PPJoin: rarest tokens first, size filter, positional filter), one join for shingles at
J >= 1/10 and one for words at J >= 1/8 (0.8 x J >= 1/10). Every candidate is then scored
exactly with integer arithmetic, so the result is identical to comparing all pairs.
"""

from __future__ import annotations

import hashlib
import heapq
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

SHINGLE_SIZE = 5
LONG_WORD = 5  # a "word" of the word set has at least this many characters
MIN_LONG_WORDS = 10  # a page takes part only with MORE than this many long words
TOP_PAGES = 5
# similarity >= 1/10; for shingles J >= 1/10, for words 0.8 x J >= 1/10, i.e. J >= 1/8.
_SHINGLE_T = (1, 10)
_WORD_T = (1, 8)

# 60-bit shingle hashes: an int below 2**60 takes 32 bytes in CPython instead of 36-40, which
# matters with tens of millions of shingles in memory; collisions stay negligible
# (about n**2 / 2**61 for n shingles, under 1e-3 expected for 50 million).
_HASH_MASK = (1 << 60) - 1
_WORD_HASH_CACHE: dict[str, int] = {}
_WORD_HASH_CACHE_LIMIT = 1 << 20

_TABLE_ROW = re.compile(r"\|.*\|")
_HEADING = re.compile(r"^[ \t]*#{1,6}(?=[ \t]|$)[ \t]*", re.MULTILINE)
_INLINE_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_REFERENCE_LINK = re.compile(r"!?\[([^\]\n]*)\]\[[^\]\n]*\]")
_EMPHASIS = re.compile(r"\*+")
_NON_WORD = re.compile(r"[^a-z0-9_\s]")


# --------------------------------------------------------------------------- text


def similarity_text(
    text: str,
    body_start: int,
    removed: list[tuple[int, int]],
    tag_spans: list[tuple[int, int]],
) -> str:
    """The normalised text §10 compares: lower-case words separated by single spaces.

    The caller supplies the parser's spans (fenced code, ESM lines, JSX/HTML tags) because only a
    structural scan knows where a tag with `>` or `/` inside an attribute really ends; the
    remaining markdown syntax is simple enough for regular expressions.
    """
    body = _drop_spans(text, body_start, [*removed, *tag_spans])
    body = _TABLE_ROW.sub("", body)
    body = _HEADING.sub("", body)
    body = _INLINE_LINK.sub(r"\1", body)
    body = _REFERENCE_LINK.sub(r"\1", body)
    body = _EMPHASIS.sub("", body)
    return " ".join(_NON_WORD.sub(" ", body.lower()).split())


def _drop_spans(text: str, body_start: int, spans: Iterable[tuple[int, int]]) -> str:
    """Cut the spans out of the body, leaving a separator so that neighbours stay apart.

    A span becomes a newline when it contained one (so the table-row rule, which works on lines,
    still sees the same lines) and a space otherwise (so `a<br/>b` gives two words).
    """
    pieces: list[str] = []
    pos = body_start
    for span_start, end in sorted(spans):
        start = max(span_start, pos)
        if end <= start:
            continue
        pieces.append(text[pos:start])
        pieces.append("\n" if "\n" in text[start:end] else " ")
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


# --------------------------------------------------------------------------- fingerprints


def _word_hash(word: str) -> int:
    """A stable 64-bit hash of one word (blake2b), memoised because vocabularies repeat."""
    value = _WORD_HASH_CACHE.get(word)
    if value is None:
        if len(_WORD_HASH_CACHE) >= _WORD_HASH_CACHE_LIMIT:
            _WORD_HASH_CACHE.clear()
        digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
        value = _WORD_HASH_CACHE[word] = int.from_bytes(digest)
    return value


def _shingle_hashes(words: list[str]) -> frozenset[int]:
    """Hash every run of five words to a 60-bit int.

    Stable across processes (fingerprints are cached on disk): each word gets a blake2b hash and
    the run is CPython's tuple hash of those ints, which involves no per-process salt (unlike
    `hash(str)`). This is about three times faster than one blake2b call per run.
    """
    ids = [_word_hash(word) for word in words]
    runs = zip(ids, ids[1:], ids[2:], ids[3:], ids[4:], strict=False)
    return frozenset([hash(run) & _HASH_MASK for run in runs])


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What the comparison needs of one page; small, picklable and cacheable per file."""

    shingles: frozenset[int]  # hashed 5-word runs
    words: frozenset[str]  # distinct words of >= 5 characters

    @classmethod
    def of(cls, normalised_text: str) -> Fingerprint:
        """Fingerprint the output of `similarity_text`."""
        words = normalised_text.split()
        long_words = frozenset(word for word in words if len(word) >= LONG_WORD)
        return cls(shingles=_shingle_hashes(words), words=long_words)

    @property
    def eligible(self) -> bool:
        """Short pages are left out: a handful of words makes any overlap look large."""
        return len(self.words) > MIN_LONG_WORDS


@dataclass(frozen=True, slots=True)
class PageKey:
    """Identity of a page as it appears in other pages' `similarPages`."""

    id: str
    title: str
    path: str
    content_format: str


# --------------------------------------------------------------------------- exact scoring


def _score(
    shingles: tuple[frozenset[int], frozenset[int]],
    words: tuple[frozenset[int], frozenset[int]],
    sizes: tuple[int, int, int, int],
) -> int | None:
    """round(100 x similarity) half up, or None below 0.10, computed in exact integers.

    `shingles`/`words` hold only tokens that occur in more than one page (the others cannot
    be shared); `sizes` are the full set sizes |S1|, |S2|, |W1|, |W2| for the unions.
    """
    common_s = len(shingles[0] & shingles[1])
    common_w = len(words[0] & words[1])
    union_s = sizes[0] + sizes[1] - common_s
    union_w = sizes[2] + sizes[3] - common_w
    # shingles: common_s / union_s; words: 0.8 x common_w / union_w = 4 common_w / (5 union_w)
    num, den = common_s, union_s
    if 4 * common_w * union_s > common_s * 5 * union_w:
        num, den = 4 * common_w, 5 * union_w
    if 10 * num < den:
        return None
    return (200 * num + den) // (2 * den)


# --------------------------------------------------------------------------- candidate joins


@dataclass(slots=True)
class _Ranked:
    """One page's tokens for a join: ranks of its shared tokens, rarest first."""

    size: int  # |set|, including tokens no other page has
    offset: int  # number of unshared tokens; they take the first positions of the order
    ranks: list[int]  # ranks of shared tokens, ascending; position = offset + index


def _rank_tokens(sets: Sequence[frozenset[Any]]) -> list[_Ranked]:
    """Order tokens by document frequency (rarest first) and rewrite each set as ranks.

    A token of a single page never produces a candidate nor counts in an intersection, so it is
    only counted: all such tokens sort before the shared ones, which keeps the order total and
    consistent without sorting the millions of unique shingles.
    """
    df: Counter[Any] = Counter()
    for tokens in sets:
        df.update(tokens)
    shared = {token: count for token, count in df.items() if count > 1}
    del df  # the biggest allocation of the whole computation
    order = sorted(shared, key=lambda token: (shared[token], token))
    rank = {token: index for index, token in enumerate(order)}
    ranked: list[_Ranked] = []
    for tokens in sets:
        mine = sorted([rank[token] for token in rank.keys() & tokens])
        ranked.append(_Ranked(len(tokens), len(tokens) - len(mine), mine))
    return ranked


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


class _PrefixJoin:
    """Candidate pairs whose Jaccard index may reach num/den (PPJoin without suffix filter).

    Pages are probed in order of size against an index of the pages already seen, so each pair
    is met once and the size filter can drop the front of a posting list for good. A pair with
    Jaccard >= t has overlap >= alpha = ceil(t / (1 + t) x (|x| + |y|)) and must then share a
    token within the first |x| - alpha + 1 of each side; the positional filter drops a pair as
    soon as the tokens left on either side cannot make up alpha.
    """

    def __init__(self, pages: list[_Ranked], t: tuple[int, int]) -> None:
        self.pages = pages
        self.num, self.den = t
        self.index: dict[int, list[tuple[int, int]]] = {}
        self.start: dict[int, int] = {}  # per token: postings before this are too small
        self.candidates: set[tuple[int, int]] = set()

    def run(self) -> set[tuple[int, int]]:
        order = sorted(range(len(self.pages)), key=lambda i: self.pages[i].size)
        for x in order:
            self._probe(x)
            self._insert(x)
        return self.candidates

    def _probe(self, x: int) -> None:
        """Count prefix matches of x with indexed pages; keep those the filters let through."""
        page, pages, num, den = self.pages[x], self.pages, self.num, self.den
        n, offset = page.size, page.offset
        limit = n - _ceil_div(num * n, den) + 1 - offset
        counts: dict[int, int] = {}
        for k, token in enumerate(page.ranks[: max(limit, 0)]):
            postings = self.index.get(token)
            if postings is None:
                continue
            first = self._skip_small(token, postings, n)
            rest_x = n - offset - k - 1
            for y, py in postings[first:] if first else postings:
                count = counts.get(y, 0)
                if count < 0:
                    continue
                ny = pages[y].size
                alpha = (num * (n + ny) + num + den - 1) // (num + den)
                rest = min(rest_x, ny - py - 1)
                counts[y] = count + 1 if count + 1 + rest >= alpha else -1
        self.candidates.update((min(x, y), max(x, y)) for y, c in counts.items() if c > 0)

    def _skip_small(self, token: int, postings: list[tuple[int, int]], n: int) -> int:
        """Advance past postings of pages smaller than t x n (sizes only grow from here on)."""
        first = self.start.get(token, 0)
        pages, num, den = self.pages, self.num, self.den
        while first < len(postings) and den * pages[postings[first][0]].size < num * n:
            first += 1
        if first:
            self.start[token] = first
        return first

    def _insert(self, x: int) -> None:
        """Index x's prefix for later, larger pages: alpha >= 2t / (1 + t) x |x| for those."""
        page, num, den = self.pages[x], self.num, self.den
        n = page.size
        length = n - _ceil_div(2 * num * n, num + den) + 1 - page.offset
        for k, token in enumerate(page.ranks[: max(length, 0)]):
            self.index.setdefault(token, []).append((x, page.offset + k))


# --------------------------------------------------------------------------- compute


def _similar_pairs(
    fingerprints: Sequence[Fingerprint],
) -> Iterable[tuple[int, int, int]]:
    """Every pair (i, j, round(100 x s)) with similarity >= 0.10, i < j, found via the joins."""
    shingles = _rank_tokens([fp.shingles for fp in fingerprints])
    words = _rank_tokens([fp.words for fp in fingerprints])
    candidates = _PrefixJoin(shingles, _SHINGLE_T).run()
    candidates |= _PrefixJoin(words, _WORD_T).run()
    shingle_sets = [frozenset(page.ranks) for page in shingles]
    word_sets = [frozenset(page.ranks) for page in words]
    for i, j in candidates:
        sizes = (shingles[i].size, shingles[j].size, words[i].size, words[j].size)
        score = _score((shingle_sets[i], shingle_sets[j]), (word_sets[i], word_sets[j]), sizes)
        if score is not None:
            yield i, j, score


def compute(pages: Sequence[tuple[PageKey, Fingerprint]]) -> list[dict[str, Any]]:
    """The `redundancy` field of every page, in input (walk) order."""
    best: list[list[tuple[int, int]]] = [[] for _ in pages]  # heaps of (score, -walk index)
    groups: dict[str, list[int]] = {}
    for index, (key, fingerprint) in enumerate(pages):
        if fingerprint.eligible:
            groups.setdefault(key.content_format, []).append(index)
    for members in groups.values():
        for i, j, score in _similar_pairs([pages[m][1] for m in members]):
            a, b = members[i], members[j]
            _offer(best[a], score, b)
            _offer(best[b], score, a)
    return [_record(heap, pages) for heap in best]


def _offer(heap: list[tuple[int, int]], score: int, partner: int) -> None:
    """Keep the five best partners: higher score first, then earlier in walk order."""
    entry = (score, -partner)
    if len(heap) < TOP_PAGES:
        heapq.heappush(heap, entry)
    elif entry > heap[0]:
        heapq.heapreplace(heap, entry)


def _record(
    heap: list[tuple[int, int]], pages: Sequence[tuple[PageKey, Fingerprint]]
) -> dict[str, Any]:
    """One page's `redundancy` value from its heap of best partners."""
    similar = [
        {"id": key.id, "title": key.title, "path": key.path, "similarity": score}
        for score, key in ((s, pages[-neg][0]) for s, neg in sorted(heap, reverse=True))
    ]
    return {"maxSimilarity": similar[0]["similarity"] if similar else 0, "similarPages": similar}
