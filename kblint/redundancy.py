"""Near-duplicate pages (spec §10): the `redundancy` field of every page record.

Two pages are similar when they share many 5-word runs (shingles) or many long words:
similarity = max(J(shingles), 0.8 x J(words)), counted from 0.10. Scoring every pair one by one
is quadratic in Python operations. Prefix filtering (AllPairs/PPJoin) does not rescue it at
thresholds this low (J >= 1/10 and 1/8): pages of one knowledge base share hundreds of
mid-frequency words, so nearly every pair shares a token in its prefix (measured on synthetic
KBs: 94 % of all pairs became candidates, slower than brute force).

So the inverted index stores each token's posting list as a bitmap over the pages (a Python
int), and one page's shared-token counts with *all* pages are the bit-sliced sum of its tokens'
bitmaps (carry-save adders: about five big-int operations per token, 64 pages per machine word,
in C). From those counts, a count threshold per page-size bucket gives a superset of the pages
that can reach a score level; only they are scored, exactly and in integers, from the highest
level with five candidates down until the five best are certain. Results are identical to the
brute-force definition (the tests check this). The work is still proportional to N^2 but
divided by 64 and nearly all in C; building the index is linear.
"""

from __future__ import annotations

import hashlib
import operator
import re
import struct
import sys
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import chain, compress
from typing import Any, TypeAlias, cast

from kblint.memory import LARGE_RUN, gc_paused, release_freed_memory
from kblint.model import ascii_words, pickled_by_fields
from kblint.procs import can_fork, fork_pool

SHINGLE_SIZE = 5  # words per run
LONG_WORD = 5  # a "word" of the word set has at least this many characters
MIN_LONG_WORDS = 10  # a page takes part only with MORE than this many long words
TOP_PAGES = 5

_HASH_BITS = 64  # signed: CPython's hash() is a signed 64-bit value
_HASH_BYTES = _HASH_BITS // 8
_WORD_HASH_CACHE: dict[str, int] = {}
#: ~140 bytes an entry: 1 << 18 words keep a worker's cache under ~40 MB (1 << 20 cost each
#: worker ~150 MB on a 20,000-article KB), and a KB's common words are hashed once either way.
_WORD_HASH_CACHE_LIMIT = 1 << 18

_TABLE_ROW = re.compile(r"\|.*\|")
# `(?:!\[|\[)` rather than `!?\[`: the same matches, but an alternation of literals lets the
# engine skip to the next `!` or `[` (1.5-2x faster than trying `!?` at every position).
_INLINE_LINK = re.compile(r"(?:!\[|\[)([^\]\n]*)\]\([^)\n]*\)")
_REFERENCE_LINK = re.compile(r"(?:!\[|\[)([^\]\n]*)\]\[[^\]\n]*\]")


# --------------------------------------------------------------------------- text


def similarity_text(
    text: str,
    body_start: int,
    removed: list[tuple[int, int]],
    tag_spans: list[tuple[int, int]],
) -> str:
    """The normalised text §10 compares: lower-case words separated by single spaces."""
    return " ".join(similarity_words(text, body_start, removed, tag_spans))


def similarity_words(
    text: str,
    body_start: int,
    removed: list[tuple[int, int]],
    tag_spans: list[tuple[int, int]],
) -> list[str]:
    """The words of `similarity_text`, in order (what a fingerprint is made of: joining them
    only to split them again cost ~0.15 ms per article).

    The caller supplies the parser's spans (fenced code, ESM lines, JSX/HTML tags) because only a
    structural scan knows where a tag with `>` or `/` inside an attribute really ends; the
    remaining markdown syntax is simple enough for regular expressions.
    """
    body = _drop_spans(text, body_start, [*removed, *tag_spans])
    body = _TABLE_ROW.sub("", body)
    # Heading markers (`#`s at the start of a line, with the blanks around them) need no pass of
    # their own: they are separators that follow a newline, so removing them would neither join
    # two words nor change a link (links start later on the line), and the words would be the
    # same (property-tested against removing them).
    body = _INLINE_LINK.sub(r"\1", body)
    if "][" in body:  # reference links are rare in MDX: skip the pass (0.1 ms) without one
        body = _REFERENCE_LINK.sub(r"\1", body)
    body = body.replace("*", "")  # emphasis markers go without a trace: `**bold**` → `bold`
    # every character but [a-z0-9_] separates words: the words are the runs of those. Lower-case
    # first (a few non-ASCII letters lower-case to ASCII ones, e.g. the Kelvin sign).
    return ascii_words(body.lower())


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
    """A stable, signed 64-bit hash of one word (blake2b)."""
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), signed=True)


def _word_hashes(words: list[str]) -> list[int]:
    """Hashes of `words`, memoised: a vocabulary repeats from page to page."""
    cache = _WORD_HASH_CACHE
    ids = list(map(cache.get, words))
    if None not in ids:
        return cast("list[int]", ids)
    missing = set(words).difference(cache)
    if len(cache) + len(missing) > _WORD_HASH_CACHE_LIMIT:
        cache.clear()
        missing = set(words)
    cache.update((word, _word_hash(word)) for word in missing)
    return list(map(cache.__getitem__, words))


def _pack(values: Iterable[int]) -> bytes:
    """Distinct signed 64-bit values, sorted, as little-endian "<q" bytes.

    `struct.pack` rather than `array("q", ...)`: three times faster from a list of 64-bit ints
    (0.04 vs 0.13 ms for a page's ~1,800 shingles), and little-endian on every machine.
    """
    ordered = sorted(set(values))
    return struct.pack(f"<{len(ordered)}q", *ordered)


def _unpack(packed: bytes) -> Sequence[int]:
    """The sorted values of a packed set, without copying on little-endian machines."""
    if sys.byteorder == "little":
        return memoryview(packed).cast("q")
    values = array("q", packed)
    values.byteswap()
    return values


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What the comparison needs of one page; small, picklable and cacheable per file.

    Both sets are stored as sorted, packed 64-bit hashes: 8 bytes per element instead of about
    80-100 for a frozenset of ints or strings, so a 20,000-page knowledge base fits in a few
    hundred MB, and integer keys make the index far faster to build than string keys scattered
    over the heap. The hashes are stable across processes: a word is hashed with blake2b, a run
    of five words with CPython's tuple hash of the words' hashes (no per-process salt, unlike
    `hash(str)`; the same on every 64-bit CPython since 3.8), about three times faster than one
    blake2b call per run. Collisions: about n**2 / 2**65 expected among n distinct runs, under
    1e-4 for the 45 million runs of a 20,000-page knowledge base.
    """

    shingles: bytes  # hashes of the distinct runs of five consecutive words
    words: bytes  # hashes of the distinct words of >= 5 characters
    #: of both, made where the fingerprint is (a worker process, once per text): the main process
    #: would otherwise hash ~350 MB of fingerprints for every run at 20,000 pages (~0.4 s)
    digest: bytes = b""

    def __post_init__(self) -> None:
        if not self.digest:
            digest = hashlib.blake2b(self.shingles, digest_size=16)
            digest.update(b"\x1f")
            digest.update(self.words)
            object.__setattr__(self, "digest", digest.digest())

    @classmethod
    def of(cls, normalised_text: str) -> Fingerprint:
        """Fingerprint the output of `similarity_text`."""
        return cls.of_words(normalised_text.split())

    @classmethod
    def of_words(cls, words: list[str]) -> Fingerprint:
        """Fingerprint the output of `similarity_words`."""
        ids = _word_hashes(words)
        runs = zip(*(ids[start:] for start in range(SHINGLE_SIZE)), strict=False)
        long_words = compress(ids, map(LONG_WORD.__le__, map(len, words)))
        return cls(shingles=_pack(map(hash, runs)), words=_pack(long_words))

    @property
    def shingle_count(self) -> int:
        return len(self.shingles) // _HASH_BYTES

    @property
    def word_count(self) -> int:
        return len(self.words) // _HASH_BYTES

    @property
    def eligible(self) -> bool:
        """Short pages are left out: a handful of words makes any overlap look large."""
        return self.word_count > MIN_LONG_WORDS


@dataclass(frozen=True, slots=True)
class PageKey:
    """Identity of a page as it appears in other pages' `similarPages`."""

    id: str
    title: str
    path: str
    content_format: str


# --------------------------------------------------------------------------- exact arithmetic

_COUNTS_FROM = 10  # round(100 x s) of the least similarity that counts (s >= 1/10)


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _level(score: int) -> tuple[int, int]:
    """Least similarity num/den whose rounded score is `score` or more: (score - 0.5) / 100.

    At the bottom the spec's own threshold applies: s >= 1/10, not 0.095.
    """
    return (1, 10) if score <= _COUNTS_FROM else (2 * score - 1, 200)


def _min_common_words(level: tuple[int, int], a: int, b: int) -> int:
    """Fewest shared long words for 0.8 x J >= n/d: 4c/(5(a+b-c)) >= n/d <=> c(4d+5n) >= 5n(a+b)."""
    num, den = level
    return _ceil_div(5 * num * (a + b), 4 * den + 5 * num)


def _min_common_shingles(level: tuple[int, int], p: int, q: int) -> int:
    """Fewest shared shingles for J >= n/d: c/(p+q-c) >= n/d <=> c(d+n) >= n(p+q)."""
    num, den = level
    return _ceil_div(num * (p + q), den + num)


def _score(common_s: int, common_w: int, sizes: tuple[int, int, int, int]) -> int | None:
    """round(100 x similarity) half up, or None below 0.10, in exact integer arithmetic.

    `sizes` are |S1|, |S2|, |W1|, |W2|; similarity = max(J(S), 0.8 x J(W)).
    """
    union_s = sizes[0] + sizes[1] - common_s
    union_w = sizes[2] + sizes[3] - common_w
    # shingles: common_s / union_s; words: 0.8 x common_w / union_w = 4 common_w / (5 union_w)
    num, den = common_s, union_s
    if 4 * common_w * union_s > common_s * 5 * union_w:
        num, den = 4 * common_w, 5 * union_w
    if 10 * num < den:
        return None
    return (200 * num + den) // (2 * den)


# --------------------------------------------------------------------------- bit-sliced counting


_BLOCK_BYTES = 1 << 27  # memory for transposing the word index in one pass
#: Shingles per hash range (the shared ones are looked for one range at a time): sets of about
#: this size were fastest (700 pages, 1.6 million shingles: 0.50 s in 4 ranges, 0.35 s in 16,
#: 0.45 s in 128), and their memory is what a forked worker needs.
_RANGE_SHINGLES = 100_000
#: At most this many ranges: each costs a slice per page. At 20,000 pages (45 million
#: shingles), a forked worker's private memory was 95 MB with 64 ranges, 60 MB with 128 and
#: 42 MB with 256, for 12.7, 13.7 and 16.4 s of index (measured).
_MAX_RANGES = 128


#: A token (shingle or long word) shared by at most this many pages is kept as the list of
#: those pages, not as a bitmap over all pages: 70% of shared shingles are shared by exactly two
#: pages, and a bitmap costs N/8 bytes (2.5 KB at 20,000 pages): the index grew as N squared.
SPARSE_MAX = 16
#: ... but only from this many pages on. In a smaller group a bitmap is at most 256 bytes and
#: adding bitmaps beats counting lists: every row of 700 pages 15% faster, of 2,000 pages 9%
#: (for 18 MB more index); at 5,000 pages the two were even (measured, one process).
LISTED_FROM_PAGES = 2048


class _Postings:
    """The pages (bit positions) of each token of an index, tokens numbered 0, 1, 2, ...

    A token of more than `SPARSE_MAX` pages is a bitmap over the pages; one of fewer pages is a
    run of bit positions in one flat array (in groups of `LISTED_FROM_PAGES` pages or more;
    below, every shared token is a bitmap). Flat arrays rather than a dict of tuples and a list
    of ints per page: at 20,000 pages those took ~430 MB for the shared shingles alone (~1
    million tokens, ~5 million page-token pairs), the arrays ~40 MB; and a forked process reading
    them writes no reference counts, so it copies none of their memory pages.
    """

    def __init__(self, size: int) -> None:
        self.size = size  # bytes of a bitmap
        # a shared token has two pages or more: 1 makes every one a bitmap
        self.sparse_max = SPARSE_MAX if 8 * size >= LISTED_FROM_PAGES else 1
        self.bitmaps: list[int] = []  # per token; 0 for a listed token (or one of a single page)
        self.starts = array("Q", [0])  # token t's pages: listed[starts[t] : starts[t + 1]]
        self.listed = array("I")

    def add_pages(self, bits: list[int]) -> int:
        """A new token held by the pages `bits` (ascending); returns its number."""
        if len(bits) > self.sparse_max:
            return self._add(_bitmap(bits, self.size), ())
        return self._add(0, bits)

    def add_bitmap(self, bitmap: int) -> int:
        """A new token given as its bitmap (0 for a token no two pages share)."""
        if bitmap and bitmap.bit_count() <= self.sparse_max:
            return self._add(0, _bits_of(bitmap, 0))
        return self._add(bitmap, ())

    def _add(self, bitmap: int, bits: Iterable[int]) -> int:
        self.bitmaps.append(bitmap)
        self.listed.extend(bits)
        self.starts.append(len(self.listed))
        return len(self.bitmaps) - 1

    def extend(self, other: _Postings) -> int:
        """Append the tokens of `other`; returns the number its first token now has."""
        base, offset = len(self.bitmaps), len(self.listed)
        self.bitmaps += other.bitmaps
        self.listed += other.listed
        self.starts.extend(map(offset.__add__, other.starts[1:]))
        return base

    def counters(self, tokens: Sequence[int]) -> list[int]:
        """For every page, how many of `tokens` it holds, as bit-sliced planes."""
        bitmaps = list(map(self.bitmaps.__getitem__, tokens))
        dense = _bit_sliced_sum(list(filter(None, bitmaps)))
        # only listed tokens have pages in `listed`: pick them in C first (at 700 pages ~55% of
        # a row's tokens are bitmaps, whose empty runs took a Python step each; all rows' counters
        # 0.34 -> 0.31 s)
        listed, starts = self.listed, self.starts
        runs = (
            listed[starts[token] : starts[token + 1]]
            for token in compress(tokens, map(operator.not_, bitmaps))
        )
        return _add_counters(dense, _planes_of(Counter(chain.from_iterable(runs)), self.size))


_Index: TypeAlias = "tuple[_Postings, list[array[int]]]"  # postings, each page's tokens


def _word_index(sets: Sequence[Sequence[int]]) -> _Index:
    """Inverted index of words, and each page's words as token numbers in it.

    Token r + 1 is the r-th word of the sorted vocabulary (token 0 is held by no page). The
    transposition goes through one byte array laid out byte-of-pages-major, so that the updates
    for one page hit one contiguous stretch (cache friendly); each word's bitmap is then a
    strided slice. Very large vocabularies are done in slices of the vocabulary to bound that
    array's size.
    """
    vocabulary = sorted(set(chain.from_iterable(sets)))
    rank = {word: index + 1 for index, word in enumerate(vocabulary)}
    size = (len(sets) + 7) // 8
    chunk = max(1, _BLOCK_BYTES // max(size, 1))
    postings = _Postings(size)
    postings.add_bitmap(0)
    ranks = [array("I") for _ in sets]
    for start in range(0, len(vocabulary), chunk):
        words = vocabulary[start : start + chunk]
        for column in _transpose(sets, words, rank, size, ranks):
            postings.add_bitmap(column)
    return postings, ranks


def _transpose(
    sets: Sequence[Sequence[int]],
    words: list[int],
    rank: dict[int, int],
    size: int,
    ranks: list[array[int]],
) -> list[int]:
    """Columns of `words`, a run of the sorted vocabulary; adds the pages' word indexes."""
    width, offset, first, last = len(words), rank[words[0]], words[0], words[-1] + 1
    blocks = bytearray(size * width)
    for bit, tokens in enumerate(sets):
        mine = tokens[bisect_left(tokens, first) : bisect_left(tokens, last)]
        found = list(map(rank.__getitem__, mine))
        base, mask = (bit >> 3) * width - offset, 1 << (bit & 7)
        for index in found:
            blocks[base + index] |= mask
        ranks[bit].extend(found)
    columns = []
    for index in range(width):
        column = int.from_bytes(blocks[index::width], "little")
        columns.append(column if column & (column - 1) else 0)
    return columns


#: From this many pages on, the hash ranges of the shingle index are worked on by forked
#: processes: at 20,000 pages the index took 17 s in one process, 10 s with two; at 700 pages,
#: 0.39 s and 0.30 s (measured). Below this, starting processes costs about what it saves.
PARALLEL_INDEX = 500
_FORKED_RANGES: tuple[Sequence[Sequence[int]], list[array[int]], int] | None = None


def _indexes(
    shingles: Sequence[Sequence[int]], words: Sequence[Sequence[int]], jobs: int
) -> tuple[_Index, _Index]:
    """Inverted index of the shingles shared by two or more pages, with each page's shared
    shingles as token numbers in it; and the word index (`_word_index`).

    Nearly every shingle is unique to its page. Finding the shared ones takes a set lookup and
    insertion per shingle; doing it per hash range (the packed shingles are sorted, so a range is
    a slice) keeps the sets small and cache-friendly: 2.5 times faster than one big set (measured
    on 11 million shingles). The ranges are independent, so forked processes can share them;
    the numbers their tokens get depend on the order they come back in, which changes nothing
    else.
    """
    global _FORKED_RANGES  # noqa: PLW0603 - handed to the forked workers, cleared after
    total = sum(map(len, shingles))
    ranges = max(1, min(_MAX_RANGES, total // _RANGE_SHINGLES))
    step, low = (1 << _HASH_BITS) // ranges, -(1 << (_HASH_BITS - 1))
    # arrays, not lists of ints: a forked process reading an int writes its reference count,
    # which copies the memory page it is on (lists cost each worker ~45 MB at 20,000 pages)
    cuts = [
        array("I", [0, *(bisect_left(page, low + k * step) for k in range(1, ranges)), len(page)])
        for page in shingles
    ]
    size = (len(shingles) + 7) // 8
    postings = _Postings(size)
    tokens_of = [array("I") for _ in shingles]
    _FORKED_RANGES = (shingles, cuts, size)
    try:
        if jobs > 1 and len(shingles) >= PARALLEL_INDEX and can_fork():
            with fork_pool(jobs) as pool:
                arriving = pool.imap_unordered(_range_of, range(ranges))
                # the word index is built here while the workers find the shared shingles (it
                # was a serial quarter of the index: 0.16 of 0.38 s at 700 pages); then the
                # ranges are merged as they come, so that they do not pile up
                word_index = _word_index(words)
                for shared in arriving:
                    shared.add_to(postings, tokens_of)
        else:
            word_index = _word_index(words)
            for part in range(ranges):
                _range_of(part).add_to(postings, tokens_of)
    finally:
        _FORKED_RANGES = None
    return (postings, tokens_of), word_index


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class _SharedRange:
    """The shingles of one hash range shared by two or more pages, numbered from 0."""

    postings: _Postings
    tokens: array[int]  # every page's shared shingles, page after page
    counts: array[int]  # how many each page has

    def add_to(self, postings: _Postings, tokens_of: list[array[int]]) -> None:
        """Append these tokens to the index (renumbered after those already there)."""
        base = postings.extend(self.postings)
        tokens = array("I", map(base.__add__, self.tokens)) if base else self.tokens
        position = 0
        for page_tokens, count in zip(tokens_of, self.counts, strict=True):
            if count:
                page_tokens.extend(tokens[position : position + count])
                position += count


def _range_of(part: int) -> _SharedRange:
    """The shared shingles of hash range `part` (in a forked process, or in this one)."""
    assert _FORKED_RANGES is not None
    pages, cuts, size = _FORKED_RANGES
    slices = [list(page[cut[part] : cut[part + 1]]) for page, cut in zip(pages, cuts, strict=True)]
    seen: set[int] = set()
    shared: set[int] = set()
    for values in slices:
        shared.update(seen.intersection(values))
        seen.update(values)
    del seen
    hits_of = [shared.intersection(values) for values in slices]
    pages_of: dict[int, list[int]] = {value: [] for value in shared}
    for bit, hits in enumerate(hits_of):
        for value in hits:
            pages_of[value].append(bit)
    postings = _Postings(size)
    token = {value: postings.add_pages(bits) for value, bits in pages_of.items()}
    tokens, counts = array("I"), array("I")
    for hits in hits_of:
        tokens.extend(map(token.__getitem__, hits))
        counts.append(len(hits))
    return _SharedRange(postings, tokens, counts)


def _bitmap(bits: list[int], size: int) -> int:
    row = bytearray(size)
    for bit in bits:
        row[bit >> 3] |= 1 << (bit & 7)
    return int.from_bytes(row, "little")


def _bit_sliced_sum(columns: list[int]) -> list[int]:
    """Add bitmaps as many counters at once: bit y of plane i is bit i of page y's count.

    Carry-save adders (Harley-Seal) fold eight bitmaps into one of weight 8 with seven full
    adders, about four big-int operations per bitmap, each covering 64 pages per machine word.
    """
    ones = twos = fours = 0
    levels: list[list[int]] = [[], [], []]
    whole = len(columns) - len(columns) % 8
    for start in range(0, whole, 8):
        a, b, c, d, e, f, g, h = columns[start : start + 8]
        u = ones ^ a
        twos_a, ones = (ones & a) | (u & b), u ^ b
        u = ones ^ c
        twos_b, ones = (ones & c) | (u & d), u ^ d
        u = twos ^ twos_a
        fours_a, twos = (twos & twos_a) | (u & twos_b), u ^ twos_b
        u = ones ^ e
        twos_a, ones = (ones & e) | (u & f), u ^ f
        u = ones ^ g
        twos_b, ones = (ones & g) | (u & h), u ^ h
        u = twos ^ twos_a
        fours_b, twos = (twos & twos_a) | (u & twos_b), u ^ twos_b
        u = fours ^ fours_a
        eights, fours = (fours & fours_a) | (u & fours_b), u ^ fours_b
        _push(levels, 3, eights)
    for level, value in ((0, ones), (1, twos), (2, fours)):
        _push(levels, level, value)
    for value in columns[whole:]:
        _push(levels, 0, value)
    return _resolve(levels)


def _push(levels: list[list[int]], level: int, value: int) -> None:
    """Add a bitmap of weight 2**level, keeping at most two pending bitmaps per weight."""
    while True:
        if level == len(levels):
            levels.append([])
        pending = levels[level]
        if len(pending) < 2:
            pending.append(value)
            return
        first, second = pending.pop(), pending.pop()
        partial = first ^ second
        pending.append(partial ^ value)
        value = (first & second) | (partial & value)
        level += 1


def _resolve(levels: list[list[int]]) -> list[int]:
    """Collapse the at most two pending bitmaps per weight into one plane per bit."""
    planes: list[int] = []
    carry, level = 0, 0
    while level < len(levels) or carry:
        values = [*(levels[level] if level < len(levels) else []), *([carry] if carry else [])]
        carry = 0
        if len(values) == 3:
            first, second, third = values
            partial = first ^ second
            values = [partial ^ third]
            carry = (first & second) | (partial & third)
        elif len(values) == 2:
            values, carry = [values[0] ^ values[1]], values[0] & values[1]
        planes.append(values[0] if values else 0)
        level += 1
    return planes


def _planes_of(counts: dict[int, int], size: int) -> list[int]:
    """Counters given page by page (bit -> count) as planes, like `_bit_sliced_sum` gives."""
    planes: list[bytearray] = []
    for bit, count in counts.items():
        level, rest = 0, count
        while rest:
            if level == len(planes):
                planes.append(bytearray(size))
            if rest & 1:
                planes[level][bit >> 3] |= 1 << (bit & 7)
            rest >>= 1
            level += 1
    return [int.from_bytes(plane, "little") for plane in planes]


def _add_counters(first: list[int], second: list[int]) -> list[int]:
    """The sum of two bit-sliced counters (a ripple-carry adder over whole planes)."""
    if not second:
        return first
    if not first:
        return second
    total, carry = [], 0
    for level in range(max(len(first), len(second))):
        a = first[level] if level < len(first) else 0
        b = second[level] if level < len(second) else 0
        partial = a ^ b
        total.append(partial ^ carry)
        carry = (a & b) | (partial & carry)
    if carry:
        total.append(carry)
    return total


def _at_least(planes: list[int], k: int, full: int) -> int:
    """Bits of the counters (given as planes) whose value is k or more."""
    if k <= 0:
        return full
    if k >> len(planes):
        return 0
    greater, equal = 0, full
    for i in range(len(planes) - 1, -1, -1):
        if k >> i & 1:
            equal &= planes[i]
        else:
            greater |= equal & planes[i]
            equal &= ~planes[i]
        if not equal:
            break
    return greater | equal


#: The set bits of every byte value, for reading bitmaps back a byte at a time.
_BYTE_BITS = [tuple(i for i in range(8) if value >> i & 1) for value in range(256)]
_NONZERO_BYTE = re.compile(rb"[^\x00]")


def _bits_of(bitmap: int, base: int) -> list[int]:
    """`base +` the positions of the set bits, ascending."""
    found: list[int] = []
    data = bitmap.to_bytes((bitmap.bit_length() + 7) // 8, "little")
    # the regex skips runs of zero bytes in C: a word's bitmap of a few pages is mostly zeros
    for match in _NONZERO_BYTE.finditer(data):
        index = match.start()
        at = base + 8 * index
        found.extend(at + i for i in _BYTE_BITS[data[index]])
    return found


def _count_at(planes: list[bytes], bit: int) -> int:
    """One counter read back from planes given as little-endian bytes."""
    byte, shift = bit >> 3, bit & 7
    count = 0
    for i, plane in enumerate(planes):
        count |= ((plane[byte] >> shift) & 1) << i
    return count


#: Every byte value with its eight bits spread to eight 16-bit little-endian lanes (bit k of
#: the byte is lane k, 0 or 1).
_SPREAD = [
    b"".join((value >> k & 1).to_bytes(2, "little") for k in range(8)) for value in range(256)
]
_LANE_PLANES = 16  # counters of up to this many planes fit a 16-bit lane


def _all_counts(planes: list[bytes], size: int) -> Sequence[int] | None:
    """Every counter at once, indexed by bit: what `_count_at` reads one at a time (None when
    the counters may not fit 16 bits).

    `size`: bytes of a plane. Each plane's bits are spread to 16-bit lanes of one big integer
    and the planes are added with their weights (2**i): a lane holds one counter and never
    carries into the next. A few big-integer operations per plane instead of a Python step per
    plane and counter: at 5,000 pages a row scored ~880 candidates, reading ~1,760 counters one
    at a time; all rows took 24.3 s that way and 16.0 s with this (one process, one run).
    """
    if len(planes) > _LANE_PLANES:
        return None
    total = 0
    for weight, plane in enumerate(planes):
        total += int.from_bytes(b"".join(map(_SPREAD.__getitem__, plane)), "little") << weight
    counts = array("H", total.to_bytes(16 * size, "little"))
    if sys.byteorder != "little":
        counts.byteswap()
    return counts


# --------------------------------------------------------------------------- one group, one row

#: Page ranges (by word-set size) that share one necessary count threshold: at least this many,
#: and none wider than `_BUCKET_PAGES`. Narrower ranges give tighter thresholds, so fewer pages
#: to score, but cost more per score level: rows at 20,000 pages are 28% cheaper in ranges of
#: 625 pages than of 2,500; at 700 and 5,000 pages, 8 ranges are best (measured).
_BUCKETS = 8
_BUCKET_PAGES = 640
_SCORE_ALL = 64  # a row with at most this many possible partners starts at the bottom level
#: Every counter of a row is read at once when at least (bytes of a bitmap) / this many pages
#: are to be scored, i.e. one page in 64: then spreading the planes costs less than reading
#: the counters one at a time (all rows, one process: 700 pages 1.03 s one at a time, 1.01 s
#: with 8, 1.11 s always spreading; 5,000 pages 24.3, 16.0 and 16.3 s — measured when a row
#: scored all candidates of a level at once; now counted over the row's levels together).
ALL_COUNTS_FROM = 8


@dataclass(frozen=True, slots=True)
class _Bucket:
    """A run of bit positions, i.e. pages with similar word-set sizes."""

    lo: int  # first bit, a multiple of 8
    width: int
    min_words: int  # |W| of its smallest page (bits are in order of |W|)
    min_shingles: int


class _Group:
    """The eligible pages of one contentFormat as bitmap inverted indexes.

    Bit positions follow word-set size, so that a run of bits holds pages of about one size and
    one count threshold (taken at the run's smallest page) filters the whole run.
    """

    def __init__(self, fingerprints: Sequence[Fingerprint], jobs: int = 1) -> None:
        order = sorted(range(len(fingerprints)), key=lambda i: (fingerprints[i].word_count, i))
        self.member = order  # bit -> index in `fingerprints` (walk order within the group)
        pages = [fingerprints[i] for i in order]
        self.word_size = [fp.word_count for fp in pages]
        self.shingle_size = [fp.shingle_count for fp in pages]
        shingles, words = (
            [_unpack(fp.shingles) for fp in pages],
            [_unpack(fp.words) for fp in pages],
        )
        (self.shingles, self.page_shingles), (self.words, self.page_words) = _indexes(
            shingles, words, jobs
        )
        self.size = (len(order) + 7) // 8
        self.buckets = self._buckets()
        #: where the last row scored in this process started its search (`_Row._start`)
        self.last_start = _COUNTS_FROM

    def _buckets(self) -> list[_Bucket]:
        count = len(self.member)
        buckets = max(_BUCKETS, _ceil_div(count, _BUCKET_PAGES))
        width = max(8, _ceil_div(_ceil_div(count, buckets), 8) * 8)
        return [
            _Bucket(
                lo,
                min(width, count - lo),
                self.word_size[lo],
                min(self.shingle_size[lo : lo + width]),
            )
            for lo in range(0, count, width)
        ]

    def top(self, bit: int) -> list[tuple[int, int]]:
        """(score, member) of the page's best partners, best first, ties in walk order."""
        return _Row(self, bit).top()


class _Row:
    """One page's shared-token counts with every page of its group, and its top-5 search.

    The counts come from adding the bitmaps of the page's tokens (bit-sliced), so no pair is
    looked at one by one; only pages that a count threshold cannot rule out are scored.
    """

    def __init__(self, group: _Group, bit: int) -> None:
        self.group, self.bit = group, bit
        self.words = group.words.counters(group.page_words[bit])
        self.shingles = group.shingles.counters(group.page_shingles[bit])
        self.word_bytes = [plane.to_bytes(group.size, "little") for plane in self.words]
        self.shingle_bytes = [plane.to_bytes(group.size, "little") for plane in self.shingles]
        self.slices: dict[int, tuple[list[int], list[int]]] = {}
        self.masks: dict[int, list[int]] = {}  # score -> candidate bitmap per bucket
        self.looked_at: set[int] = set()  # pages scored (whatever the score)
        self.scores: dict[int, int] = {}  # page -> score, for those that count (10 or more)
        self.counts: tuple[Callable[[int], int], Callable[[int], int]] | None = None
        self.planned = 0  # pages to score so far (at most)

    def candidates(self, score: int) -> list[int]:
        """Bits of the pages that may reach `score`: a superset, from counts alone."""
        return self._bits(self._masks(score))

    def _bits(self, masks: list[int]) -> list[int]:
        """The bits set in per-bucket masks."""
        return [
            bit
            for bucket, hit in zip(self.group.buckets, masks, strict=True)
            for bit in _bits_of(hit, bucket.lo)
        ]

    def count(self, score: int) -> int:
        """How many pages may reach `score` (the search needs only this, not which)."""
        return sum(hit.bit_count() for hit in self._masks(score))

    def _masks(self, score: int) -> list[int]:
        if score not in self.masks:
            self.masks[score] = self._candidates(_level(score))
        return self.masks[score]

    def _candidates(self, level: tuple[int, int]) -> list[int]:
        """Per size bucket, the pages whose counts reach the bucket's smallest page's threshold
        (a bitmap of the bucket)."""
        group, bit = self.group, self.bit
        words, shingles = group.word_size[bit], group.shingle_size[bit]
        found: list[int] = []
        for index, bucket in enumerate(group.buckets):
            word_planes, shingle_planes = self._slice(index, bucket)
            full = (1 << bucket.width) - 1
            need = _min_common_words(level, words, bucket.min_words)
            hit = _at_least(word_planes, need, full)
            if shingle_planes:
                need = _min_common_shingles(level, shingles, bucket.min_shingles)
                hit |= _at_least(shingle_planes, need, full)
            if 0 <= bit - bucket.lo < bucket.width:
                hit &= ~(1 << (bit - bucket.lo))
            found.append(hit)
        return found

    def _slice(self, index: int, bucket: _Bucket) -> tuple[list[int], list[int]]:
        """The planes restricted to one bucket (cached; buckets start on a byte)."""
        if index not in self.slices:
            start = bucket.lo >> 3
            stop = start + _ceil_div(bucket.width, 8)
            self.slices[index] = (
                [int.from_bytes(plane[start:stop], "little") for plane in self.word_bytes],
                [int.from_bytes(plane[start:stop], "little") for plane in self.shingle_bytes],
            )
        return self.slices[index]

    def top(self) -> list[tuple[int, int]]:
        """The best five partners, (score, member) best first, ties in walk order.

        From the highest level that still has five candidates down, one level at a time. On
        reaching a level every page scoring above it is known (the level above had all its
        candidates scored); the places those leave go to the pages scoring exactly this level,
        earliest in walk order first, so its candidates are scored in walk order only until
        the places are taken: a page later in walk order could only tie, and lose the tie.
        Scores cluster and the counts bound them loosely: at 5,000 pages, scoring every
        candidate of the level where five were found scored ~880 pages a row, this ~170.
        """
        level = self._start()
        self._score_all(self.candidates(level + 1))  # the few pages that may score above it
        member = self.group.member
        while True:
            above = sorted(
                ((s, -member[bit]) for bit, s in self.scores.items() if s > level), reverse=True
            )
            if len(above) >= TOP_PAGES:  # only when the search starts at the bottom
                return [(s, -negative) for s, negative in above[:TOP_PAGES]]
            ties = self._first_at(level, TOP_PAGES - len(above))
            if len(ties) == TOP_PAGES - len(above) or level <= _COUNTS_FROM:
                return [(s, -negative) for s, negative in above] + [(level, m) for m in ties]
            level -= 1  # every page scoring `level` or more is known now

    def _start(self) -> int:
        """The highest score level that still leaves five candidates.

        Counts only fall as the level rises, so every search finds the same level. This one
        first brackets it by galloping from the level the previous row of this process started
        at (rows come in order of word-set size, and neighbours start at close levels), then
        bisects the bracket: fewer levels counted than bisecting 10-100 (each level counts every
        bucket's candidates).
        """
        if self.count(_COUNTS_FROM) <= _SCORE_ALL:
            return _COUNTS_FROM
        guess = min(max(self.group.last_start, _COUNTS_FROM), 100)
        if self.count(guess) >= TOP_PAGES:
            low, high = self._gallop_up(guess)
        else:
            low, high = self._gallop_down(guess)
        while low < high:  # count(low) >= TOP_PAGES, and no level above `high` has as many
            middle = (low + high + 1) // 2
            if self.count(middle) >= TOP_PAGES:
                low = middle
            else:
                high = middle - 1
        self.group.last_start = low
        return low

    def _gallop_up(self, low: int) -> tuple[int, int]:
        """A bracket of the start level above `low`, which has five candidates."""
        step = 1
        while low < 100:
            probe = min(low + step, 100)
            if self.count(probe) < TOP_PAGES:
                return low, probe - 1
            low, step = probe, 2 * step
        return low, low

    def _gallop_down(self, high: int) -> tuple[int, int]:
        """A bracket of the start level below `high`, which has fewer than five candidates
        (the bottom level has more: see `_start`)."""
        step = 1
        while True:
            probe = max(high - step, _COUNTS_FROM)
            if probe == _COUNTS_FROM or self.count(probe) >= TOP_PAGES:
                return probe, high - 1
            high, step = probe, 2 * step

    def _first_at(self, level: int, places: int) -> list[int]:
        """The members (walk order) of the first `places` pages scoring exactly `level`, in
        walk order, scoring the level's candidates not scored yet in that order until found."""
        member = self.group.member
        known = sorted(member[bit] for bit, s in self.scores.items() if s == level)
        # the level above had every candidate scored, and candidates only grow downwards: so
        # the pages to score are those of this level's masks that are not in the level above's
        masks = zip(self._masks(level), self._masks(level + 1), strict=True)
        fresh = self._bits([mask & ~above for mask, above in masks])
        unscored = sorted((member[bit], bit) for bit in fresh if bit not in self.looked_at)
        shingles, words = self._readers(len(unscored))
        found: list[int] = []
        next_known = 0
        for position, bit in unscored:
            while next_known < len(known) and known[next_known] < position:
                found.append(known[next_known])
                next_known += 1
            if len(found) >= places:
                return found[:places]
            if self._score_one(bit, shingles, words) == level:
                found.append(position)
        found += known[next_known:]
        return found[:places]

    def _score_all(self, bits: list[int]) -> None:
        shingles, words = self._readers(len(bits))
        for other in bits:
            if other not in self.looked_at:
                self._score_one(other, shingles, words)

    def _score_one(
        self, other: int, shingles: Callable[[int], int], words: Callable[[int], int]
    ) -> int | None:
        group = self.group
        pair = (
            group.shingle_size[self.bit],
            group.shingle_size[other],
            group.word_size[self.bit],
            group.word_size[other],
        )
        score = _score(shingles(other), words(other), pair)
        self.looked_at.add(other)
        if score is not None:
            self.scores[other] = score
        return score

    def _readers(self, wanted: int) -> tuple[Callable[[int], int], Callable[[int], int]]:
        """How to read a page's shingle and word counts: from every counter read at once
        (`_all_counts`) once the row has had enough pages to score (`wanted` now, at most, and
        those of earlier calls), else one at a time; the same numbers either way."""
        self.planned += wanted
        if self.counts is None and self.planned * ALL_COUNTS_FROM >= self.group.size:
            size = self.group.size
            shingles = _all_counts(self.shingle_bytes, size)
            words = _all_counts(self.word_bytes, size)
            if shingles is not None and words is not None:
                self.counts = (shingles.__getitem__, words.__getitem__)
        if self.counts is not None:
            return self.counts
        return partial(_count_at, self.shingle_bytes), partial(_count_at, self.word_bytes)


# --------------------------------------------------------------------------- compute


def compute(
    pages: Sequence[tuple[PageKey, Fingerprint]],
    wanted: Collection[int] | None = None,
    jobs: int = 1,
) -> list[dict[str, Any]]:
    """The `redundancy` field of every page, in input (walk) order (see `score`)."""
    return score([key for key, _ in pages], [fp for _, fp in pages], wanted, jobs)


def score(
    keys: Sequence[PageKey],
    fingerprints: list[Fingerprint | None],
    wanted: Collection[int] | None = None,
    jobs: int = 1,
) -> list[dict[str, Any]]:
    """The `redundancy` field of every page, in input (walk) order; a page without a
    fingerprint takes no part.

    With `wanted` (indices into `pages`), only those pages are scored against all the others
    (the rest get an empty result): what a pre-commit run on one file needs, at the cost of
    building the index plus one row per wanted page instead of a row per page. With `jobs`
    above one, the index and the rows (four fifths of the work) are shared among forked
    processes. Once a group is indexed its entries of `fingerprints` are set to None: the caller
    hands them over, and they are the bulk of the memory (~370 MB at 20,000 pages), which the
    scoring does not need.
    """
    return [_record(partners, keys) for partners in _best(keys, fingerprints, wanted, jobs)]


def _groups(keys: Sequence[PageKey], fingerprints: Sequence[Fingerprint | None]) -> list[list[int]]:
    """The pages that take part, by contentFormat (only pages of one format are compared)."""
    groups: dict[str, list[int]] = {}
    for index, (key, fingerprint) in enumerate(zip(keys, fingerprints, strict=True)):
        if fingerprint is not None and fingerprint.eligible:
            groups.setdefault(key.content_format, []).append(index)
    return list(groups.values())


def _best(
    keys: Sequence[PageKey],
    fingerprints: list[Fingerprint | None],
    wanted: Collection[int] | None,
    jobs: int,
) -> list[list[tuple[int, int]]]:
    """Every page's best partners, (score, index) best first (see `score`)."""
    best: list[list[tuple[int, int]]] = [[] for _ in keys]
    groups = _groups(keys, fingerprints)
    if wanted is not None and len(wanted) <= DIRECT_LIMIT:
        for members in groups:
            for index in set(members).intersection(wanted):
                best[index] = _top(_direct_row(index, members, fingerprints, jobs))
        return best
    with gc_paused():
        for members in groups:
            group = _Group([cast("Fingerprint", fingerprints[m]) for m in members], jobs)
            for member in members:
                fingerprints[member] = None
            if len(members) >= LARGE_RUN:
                release_freed_memory()  # before the rows fork: see kblint.memory
            bits = [
                bit
                for bit, member in enumerate(group.member)
                if wanted is None or members[member] in wanted
            ]
            for bit, partners in zip(bits, _tops(group, bits, jobs), strict=True):
                best[members[group.member[bit]]] = [(s, members[m]) for s, m in partners]
    return best


#: Fewer rows than this are scored in this process: forking costs more than it saves.
PARALLEL_ROWS = 256
_FORKED_GROUP: _Group | None = None  # the group forked workers read (copy-on-write)


def _tops(group: _Group, bits: list[int], jobs: int) -> list[list[tuple[int, int]]]:
    """`group.top(bit)` for every bit, in order; with `jobs` > 1 this process takes one share
    and `jobs - 1` forked processes the others (a forked process copies the index pages it
    touches: one fewer saves that much memory, ~0.5 GB at 20,000 pages)."""
    if jobs <= 1 or len(bits) < PARALLEL_ROWS or not can_fork():
        return [group.top(bit) for bit in bits]
    global _FORKED_GROUP  # noqa: PLW0603 - handed to the forked workers, cleared after
    _FORKED_GROUP = group
    try:
        shares = [bits[start::jobs] for start in range(jobs)]  # interleaved: balanced by size
        with fork_pool(jobs - 1) as pool:
            others = pool.map_async(_rows, shares[1:], chunksize=1)
            done = [_rows(shares[0]), *others.get()]
    finally:
        _FORKED_GROUP = None
    by_bit = {
        bit: top
        for share, tops in zip(shares, done, strict=True)
        for bit, top in zip(share, tops, strict=True)
    }
    return [by_bit[bit] for bit in bits]


def _rows(bits: list[int]) -> list[list[tuple[int, int]]]:
    group = _FORKED_GROUP
    assert group is not None
    return [group.top(bit) for bit in bits]


#: Up to this many wanted pages, each is compared with every page directly instead of through
#: the index: building the index costs as much as ~8 direct rows (measured at 700 and 20,000).
DIRECT_LIMIT = 4


def _direct_scores(
    index: int, members: list[int], fingerprints: Sequence[Fingerprint | None]
) -> list[tuple[int, int]]:
    """(score, member) of every partner of one page, from exact set intersections with every
    other member: the same scores as the index gives."""
    mine = cast("Fingerprint", fingerprints[index])
    shingles, words = set(_unpack(mine.shingles)), set(_unpack(mine.words))
    sizes = (len(shingles), len(words))
    scored: list[tuple[int, int]] = []
    for other in members:
        if other == index:
            continue
        theirs = cast("Fingerprint", fingerprints[other])
        common_w = len(words.intersection(_unpack(theirs.words)))
        common_s = len(shingles.intersection(_unpack(theirs.shingles)))
        pair = (sizes[0], theirs.shingle_count, sizes[1], theirs.word_count)
        score = _score(common_s, common_w, pair)
        if score is not None:
            scored.append((score, other))
    return scored


#: From this many pages on, a direct row is shared among forked processes: at 20,000 pages a row
#: took 0.76 s in two processes and ~1.35 s in one (measured); 2,500 pages take ~0.17 s in one
#: (0.35 s at 5,000), where halving starts to outweigh starting a process.
PARALLEL_DIRECT = 2500
_FORKED_ROW: tuple[int, list[int], Sequence[Fingerprint | None]] | None = None


def _direct_row(
    index: int, members: list[int], fingerprints: Sequence[Fingerprint | None], jobs: int
) -> list[tuple[int, int]]:
    """`_direct_scores`, with the other members shared among `jobs` processes (this one and
    forked ones) when there are enough of them."""
    if jobs <= 1 or len(members) < PARALLEL_DIRECT or not can_fork():
        return _direct_scores(index, members, fingerprints)
    global _FORKED_ROW  # noqa: PLW0603 - handed to the forked workers, cleared after
    _FORKED_ROW = (index, members, fingerprints)
    try:
        with fork_pool(jobs - 1) as pool:
            others = pool.map_async(_row_share, [(share, jobs) for share in range(1, jobs)])
            scored = _row_share((0, jobs))
            for share in others.get():
                scored += share
    finally:
        _FORKED_ROW = None
    return scored


def _row_share(share: tuple[int, int]) -> list[tuple[int, int]]:
    """Share `k` of `n` of the forked direct row: every n-th member from the k-th."""
    assert _FORKED_ROW is not None
    index, members, fingerprints = _FORKED_ROW
    part, parts = share
    return _direct_scores(index, members[part::parts], fingerprints)


def _top(scored: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The best `TOP_PAGES` of (score, index): highest score first, ties in walk order."""
    return sorted(scored, key=lambda pair: (-pair[0], pair[1]))[:TOP_PAGES]


def _record(partners: list[tuple[int, int]], keys: Sequence[PageKey]) -> dict[str, Any]:
    """One page's `redundancy` value from its best partners (best first)."""
    similar = [
        {"id": key.id, "title": key.title, "path": key.path, "similarity": score}
        for score, key in ((s, keys[i]) for s, i in partners)
    ]
    return {"maxSimilarity": partners[0][0] if partners else 0, "similarPages": similar}


# --------------------------------------------------------------------------- from the last run


def page_digest(content_format: str, fingerprint: Fingerprint) -> bytes:
    """What a page's scores with any other page depend on: its contentFormat and fingerprint."""
    digest = hashlib.blake2b(content_format.encode("utf-8", "surrogatepass"), digest_size=16)
    digest.update(b"\x1f")
    digest.update(fingerprint.digest)
    return digest.digest()


@dataclass(slots=True)
class Pages:
    """The pages of a run that have a fingerprint, in walk order."""

    names: list[str]  # what identifies a page from one run to the next (its path in the KB)
    keys: list[PageKey]
    fingerprints: list[Fingerprint | None]  # handed over: the scoring frees them (see `score`)
    digests: list[bytes]  # `page_digest` of each page

    @classmethod
    def of(cls, pages: Iterable[tuple[str, PageKey, Fingerprint]]) -> Pages:
        names, keys, fingerprints, digests = [], [], [], []
        for name, key, fingerprint in pages:
            names.append(name)
            keys.append(key)
            fingerprints.append(fingerprint)
            digests.append(page_digest(key.content_format, fingerprint))
        return cls(names, keys, cast("list[Fingerprint | None]", fingerprints), digests)

    def inputs_digest(self) -> str:
        """What the `redundancy` fields depend on: every page's name, identity and digest, in
        walk order (the order breaks ties)."""
        digest = hashlib.blake2b(digest_size=20)
        for name, key, page in zip(self.names, self.keys, self.digests, strict=True):
            for part in (name, key.id, key.title, key.path):
                digest.update(part.encode("utf-8", "surrogatepass") + b"\x1f")
            digest.update(page)
        return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Ranking:
    """Every page's best partners as one run found them, for the next run to update (`rank`)."""

    names: tuple[str, ...]
    digests: tuple[bytes, ...]
    #: per page: (score, index into `names`) of its best partners, best first
    partners: tuple[tuple[tuple[int, int], ...], ...]


def rank(
    pages: Pages, jobs: int = 1, previous: Ranking | None = None
) -> tuple[list[dict[str, Any]], Ranking]:
    """The `redundancy` field of every page, and the ranking behind it.

    With the ranking of an earlier run, only the pages whose fingerprint changed (and the few
    that lost a partner they cannot do without) are compared with all the others, which gives
    exactly the result of starting over (see `_update`); after more changes than that pays
    for, everything is computed again.
    """
    best = _update(previous, pages, jobs) if previous is not None else None
    if best is None:
        best = _best(pages.keys, pages.fingerprints, None, jobs)
    ranking = Ranking(
        tuple(pages.names), tuple(pages.digests), tuple(tuple(partners) for partners in best)
    )
    return [_record(partners, pages.keys) for partners in best], ranking


#: An update needing more direct rows than this (one per changed page, one per dirty page)
#: starts over instead: a direct row (one core) cost 1/13 of the whole computation (two cores)
#: at 700 pages and 1/17 at 5,000 (49 ms of 0.63 s, 0.35 of 6.0 s; measured).
INCREMENTAL_ROWS = 8


def _update(previous: Ranking, pages: Pages, jobs: int = 1) -> list[list[tuple[int, int]]] | None:
    """Every page's best partners, from the last run's and direct rows of the changed pages;
    None when starting over is cheaper, or when the pages come in another order than last time
    (ties are broken by walk order)."""
    update = _Update(previous, pages, jobs)
    return update.best() if update.same_order() else None


class _Update:
    """Why the update is exact: a pair of unchanged pages has the score it had. A page's old
    list holds its best partners, so a page it did not list cannot beat the last one listed;
    its new list is the best of its unchanged old partners and of its scores with the changed
    pages (read from their rows, scores being symmetric). When a full list loses a partner (it
    changed or is gone) and too few of the new scores beat its last score, an unlisted page may
    now be among the best five: such a page is "dirty" and gets a direct row of its own.
    """

    def __init__(self, previous: Ranking, pages: Pages, jobs: int) -> None:
        self.previous, self.pages, self.jobs = previous, pages, jobs
        self.position = {name: index for index, name in enumerate(pages.names)}
        self.old_position = {name: index for index, name in enumerate(previous.names)}
        self.changed = {
            index for index, name in enumerate(pages.names) if not self._unchanged(index, name)
        }
        self.group_of = {
            index: members
            for members in _groups(pages.keys, pages.fingerprints)
            for index in members
        }
        # the old pages whose scores no longer hold: changed or gone (indices of the old run)
        self.stale = {
            old
            for old, name in enumerate(previous.names)
            if name not in self.position or self.position[name] in self.changed
        }
        self.rows: dict[int, dict[int, int]] = {}  # changed page -> {partner: score}

    def _unchanged(self, index: int, name: str) -> bool:
        old = self.old_position.get(name)
        return old is not None and self.previous.digests[old] == self.pages.digests[index]

    def same_order(self) -> bool:
        survivors = [name for name in self.previous.names if name in self.position]
        return survivors == [name for name in self.pages.names if name in self.old_position]

    def best(self) -> list[list[tuple[int, int]]] | None:
        rowed = sorted(self.changed.intersection(self.group_of))
        if len(rowed) > INCREMENTAL_ROWS:
            return None
        for index in rowed:
            self.rows[index] = {other: score for score, other in self._direct(index)}
        best = [self._carried_over(index) for index in range(len(self.pages.names))]
        dirty = [index for index, partners in enumerate(best) if partners is None]
        if len(rowed) + len(dirty) > INCREMENTAL_ROWS:
            return None
        for index in dirty:
            best[index] = _top(self._direct(index))
        return cast("list[list[tuple[int, int]]]", best)

    def _direct(self, index: int) -> list[tuple[int, int]]:
        return _direct_row(index, self.group_of[index], self.pages.fingerprints, self.jobs)

    def _carried_over(self, index: int) -> list[tuple[int, int]] | None:
        """A page's best partners; None when it is dirty."""
        if index in self.rows:
            return _top((score, other) for other, score in self.rows[index].items())
        if index not in self.group_of:
            return []  # not eligible (a changed page that is has its row)
        old = self.previous.partners[self.old_position[self.pages.names[index]]]
        names = self.previous.names
        kept = [
            (score, self.position[names[other]]) for score, other in old if other not in self.stale
        ]
        fresh = [(row[index], other) for other, row in self.rows.items() if index in row]
        # a shorter list held every partner; a full one proves the top only down to its last
        # score: no unlisted pair (unchanged) scores more, so five known partners above it, or
        # kept from the list, are the top five
        if len(old) == TOP_PAGES:
            last = old[-1][0]
            if len(kept) + sum(1 for score, _ in fresh if score > last) < TOP_PAGES:
                return None
        return _top(kept + fresh)
