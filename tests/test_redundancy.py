"""Redundancy (spec §10): similarity text, fingerprints, exact scores, and the index-based
search checked against a brute-force reference."""

from __future__ import annotations

import os
import pickle
import random
import re
import subprocess
import sys
from fractions import Fraction
from math import floor
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kblint import redundancy
from kblint.redundancy import (
    Fingerprint,
    PageKey,
    compute,
    similarity_text,
    similarity_words,
)

# --------------------------------------------------------------------------- helpers


def spans_of(text: str, *pieces: str) -> list[tuple[int, int]]:
    """(start, end) of each piece, searched in order of appearance."""
    spans, start = [], 0
    for piece in pieces:
        found = text.index(piece, start)
        spans.append((found, found + len(piece)))
        start = found + len(piece)
    return spans


def key(name: str, content_format: str = "article") -> PageKey:
    return PageKey(name, name.title(), f"/kb/{name}/", content_format)


def page(name: str, text: str, content_format: str = "article") -> tuple[PageKey, Fingerprint]:
    return key(name, content_format), Fingerprint.of(text)


def long_words(prefix: str, count: int) -> list[str]:
    """`count` distinct words of at least 5 characters, unique to `prefix`."""
    return [f"{prefix}word{i:02d}" for i in range(count)]


def entry(name: str, similarity: int) -> dict[str, Any]:
    return {"id": name, "title": name.title(), "path": f"/kb/{name}/", "similarity": similarity}


def shingle_set(fingerprint: Fingerprint) -> set[int]:
    return set(redundancy._unpack(fingerprint.shingles))


def word_set(fingerprint: Fingerprint) -> set[int]:
    return set(redundancy._unpack(fingerprint.words))


def hashed(*words: str) -> set[int]:
    return {redundancy._word_hash(word) for word in words}


def brute_force(pages: list[tuple[PageKey, Fingerprint]]) -> list[dict[str, Any]]:
    """The definition of §10 applied to every pair, with exact fractions."""
    results = []
    for i, (key_i, fp_i) in enumerate(pages):
        partners = []
        for j, (key_j, fp_j) in enumerate(pages):
            if i == j or not (fp_i.eligible and fp_j.eligible):
                continue
            if key_i.content_format != key_j.content_format:
                continue
            s_i, s_j = shingle_set(fp_i), shingle_set(fp_j)
            shingles = Fraction(len(s_i & s_j), len(s_i | s_j))
            w_i, w_j = word_set(fp_i), word_set(fp_j)
            words = Fraction(len(w_i & w_j), len(w_i | w_j))
            similarity = max(shingles, Fraction(4, 5) * words)
            if similarity >= Fraction(1, 10):
                partners.append((floor(100 * similarity + Fraction(1, 2)), j))
        partners.sort(key=lambda item: (-item[0], item[1]))
        similar = [
            {
                "id": pages[j][0].id,
                "title": pages[j][0].title,
                "path": pages[j][0].path,
                "similarity": score,
            }
            for score, j in partners[:5]
        ]
        results.append(
            {"maxSimilarity": similar[0]["similarity"] if similar else 0, "similarPages": similar}
        )
    return results


# --------------------------------------------------------------------------- similarity_text

ARTICLE = """---
title: Example
---
import {EntityLink} from '@components/wiki';

## Overview of AI-Safety

We don't know **much** about <EntityLink id="anthropic">Anthropic</EntityLink> yet; see [the paper](https://example.org/p?q=1) and ![a chart](/img/c.png).

```python
print("hidden words")
```

| Col A | Col B |
|-------|-------|
| 1     | 2     |

Final *note*: see [ref text][r1] — done_now.
"""


def test_similarity_text_realistic_snippet() -> None:
    body_start = ARTICLE.index("import")
    removed = spans_of(
        ARTICLE,
        "import {EntityLink} from '@components/wiki';",
        '```python\nprint("hidden words")\n```',
    )
    tags = spans_of(ARTICLE, '<EntityLink id="anthropic">', "</EntityLink>")
    assert similarity_text(ARTICLE, body_start, removed, tags) == (
        "overview of ai safety we don t know much about anthropic yet see the paper and a chart"
        " final note see ref text done_now"
    )


def test_fingerprint_of_the_words_is_that_of_the_text() -> None:
    """Analysis fingerprints `similarity_words` without joining them into the spec's text."""
    body_start = ARTICLE.index("import")
    tags = spans_of(ARTICLE, '<EntityLink id="anthropic">', "</EntityLink>")
    words = similarity_words(ARTICLE, body_start, [], tags)
    assert " ".join(words) == similarity_text(ARTICLE, body_start, [], tags)
    assert Fingerprint.of_words(words) == Fingerprint.of(" ".join(words))
    assert Fingerprint.of_words(words).shingle_count == len(words) - 4


def test_frontmatter_is_skipped_by_body_start() -> None:
    text = "---\ntitle: Secret Words\n---\nVisible text."
    assert similarity_text(text, text.index("Visible"), [], []) == "visible text"


def test_table_segment_is_removed_but_text_outside_the_pipes_kept() -> None:
    assert (
        similarity_text("before | a | b | after\nnext line", 0, [], []) == "before after next line"
    )
    # a single pipe is not a table row
    assert similarity_text("either | or", 0, [], []) == "either or"


def test_multiline_tag_span_is_dropped_whole() -> None:
    text = 'Intro text.\n<Mermaid chart={`graph TD\n  A-->B["x > y"]`} />\nOutro text.'
    tag = spans_of(text, '<Mermaid chart={`graph TD\n  A-->B["x > y"]`} />')
    assert similarity_text(text, 0, [], tag) == "intro text outro text"


def test_adjacent_tags_keep_words_apart() -> None:
    text = "alpha<br/>beta"
    assert similarity_text(text, 0, [], spans_of(text, "<br/>")) == "alpha beta"


def test_heading_markers_emphasis_and_links() -> None:
    text = "### Third *level*\n#### **Bold** [x](y) [r][1] ![](img.png)\nplain # not heading"
    assert similarity_text(text, 0, [], []) == "third level bold x r plain not heading"
    # emphasis markers are removed, not replaced, so they do not split a word
    assert similarity_text("un**bold**ed", 0, [], []) == "unbolded"


def test_non_ascii_and_case() -> None:
    assert similarity_text("Café NAÏVE  résumé\t\n42 x_y", 0, [], []) == "caf na ve r sum 42 x_y"


@settings(max_examples=400)
@given(st.text(alphabet=st.sampled_from(list("aZ09_ *-.,'\t\n\u00a0\u2003\u3000éİKß"))))
def test_words_are_what_the_spec_says(text: str) -> None:
    # the spec's wording, step by step (no table rows, headings, links or tags in this text):
    # emphasis markers removed; lower-cased; not an ASCII letter, digit, `_` or white space →
    # a space; white space collapsed
    lowered = text.replace("*", "").lower()
    kept = (
        c if (c.isascii() and (c.isalnum() or c == "_")) or c.isspace() else " " for c in lowered
    )
    assert similarity_text(text, 0, [], []) == " ".join("".join(kept).split())


@given(st.text(alphabet=st.sampled_from(list("#a \t\n*[]()|!"))))
def test_heading_markers_are_removed(text: str) -> None:
    # the spec removes heading markers: at the start of a line, up to six `#` followed by a
    # blank or the line's end, with the blanks around them (kblint gets the same words without)
    markers = re.compile(r"^[ \t]*#{1,6}(?=[ \t]|$)[ \t]*", re.MULTILINE)
    assert similarity_text(text, 0, [], []) == similarity_text(markers.sub("", text), 0, [], [])


def test_spans_before_body_and_overlapping_spans() -> None:
    text = "---\na: b\n---\nkeep <T>this</T> and drop"
    body = text.index("keep")
    removed = [(0, 3), (text.index(" and"), len(text))]
    tags = [(text.index("<T>"), text.index("<T>") + 3), (text.index("</T>"), len(text))]
    assert similarity_text(text, body, removed, tags) == "keep this"


# --------------------------------------------------------------------------- fingerprints


def test_shingles_are_distinct_five_word_runs() -> None:
    assert Fingerprint.of("one two three four five six seven").shingle_count == 3
    assert Fingerprint.of("a b c d e a b c d e").shingle_count == 5  # one run repeats
    assert Fingerprint.of("too few words").shingles == b""


def test_shingles_are_packed_sorted_distinct_hashes() -> None:
    fingerprint = Fingerprint.of("a b c d e f g h i j k l")
    values = list(redundancy._unpack(fingerprint.shingles))
    assert len(values) == 8
    assert values == sorted(set(values))
    assert all(-(2**63) <= value < 2**63 for value in values)
    # the same run gives the same hash wherever it occurs
    assert set(values) & shingle_set(Fingerprint.of("x y c d e f g z")) == set(
        redundancy._unpack(Fingerprint.of("c d e f g").shingles)
    )


def test_words_are_distinct_and_at_least_five_characters() -> None:
    fingerprint = Fingerprint.of("alpha beta gamma delta epsilon alpha tiny")
    assert word_set(fingerprint) == hashed("alpha", "gamma", "delta", "epsilon")
    assert fingerprint.word_count == 4


def test_eligibility_needs_more_than_ten_long_words() -> None:
    ten = " ".join(long_words("a", 10) * 3 + ["tiny"] * 20)
    eleven = " ".join(long_words("a", 11))
    assert not Fingerprint.of(ten).eligible
    assert Fingerprint.of(eleven).eligible


def test_fingerprint_pickles() -> None:
    fingerprint = Fingerprint.of(" ".join(long_words("p", 20)))
    assert pickle.loads(pickle.dumps(fingerprint)) == fingerprint


def test_fingerprint_digest_covers_both_sets() -> None:
    fingerprint = Fingerprint.of(" ".join(long_words("p", 20)))
    assert len(fingerprint.digest) == 16
    assert Fingerprint(fingerprint.shingles, fingerprint.words).digest == fingerprint.digest
    assert pickle.loads(pickle.dumps(fingerprint)).digest == fingerprint.digest
    others = [
        Fingerprint(fingerprint.shingles, fingerprint.words[:-8]),
        Fingerprint(fingerprint.shingles[:-8], fingerprint.words),
        Fingerprint(fingerprint.words, fingerprint.shingles),
    ]
    assert len({fingerprint.digest, *(other.digest for other in others)}) == 4


def test_shingle_hashes_are_stable_across_processes() -> None:
    text = "the quick brown fox jumps over the lazy dog again and again"
    code = (
        f"from kblint.redundancy import Fingerprint;print(Fingerprint.of({text!r}).shingles.hex())"
    )
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
        )
        outputs.add(run.stdout)
    assert len(outputs) == 1
    assert outputs == {f"{Fingerprint.of(text).shingles.hex()}\n"}


# --------------------------------------------------------------------------- scores


def pair(a_words: list[str], b_words: list[str]) -> list[dict[str, Any]]:
    return compute([page("a", " ".join(a_words)), page("b", " ".join(b_words))])


def test_word_jaccard_times_point_eight() -> None:
    # 12 and 12 long words sharing 4: J = 4/20, similarity 0.8 x 0.2 = 0.16; no shared run of 5
    a = long_words("a", 12)
    b = a[:4] + long_words("b", 8)
    result = pair(a, b)
    assert result[0] == {"maxSimilarity": 16, "similarPages": [entry("b", 16)]}
    assert result[1] == {"maxSimilarity": 16, "similarPages": [entry("a", 16)]}


def test_word_similarity_exactly_one_tenth_counts() -> None:
    # 14 and 13 words sharing 3: J = 3/24 = 1/8, 0.8 x J = 0.10 exactly
    a = long_words("a", 11) + long_words("s", 3)
    b = long_words("b", 10) + long_words("s", 3)
    assert pair(a, b)[0]["similarPages"] == [entry("b", 10)]


def test_similarity_just_below_one_tenth_does_not_count_although_it_rounds_to_ten() -> None:
    # 14 and 14 sharing 3: J = 3/25, 0.8 x J = 0.096 (round(9.6) = 10, but 0.096 < 0.10)
    a = long_words("a", 11) + long_words("s", 3)
    b = long_words("b", 11) + long_words("s", 3)
    assert pair(a, b)[0] == {"maxSimilarity": 0, "similarPages": []}


def test_shingle_jaccard_exactly_one_tenth_counts() -> None:
    # 7 shared short words (3 shared runs) + 11 / 16 own long words: 14 and 19 runs, J = 3/30
    shared = ["aa", "bb", "cc", "dd", "ee", "ff", "gg"]
    a = shared + long_words("a", 11)
    b = shared + long_words("b", 16)
    assert pair(a, b)[1]["similarPages"] == [entry("a", 10)]


def test_rounding_is_half_up() -> None:
    # 20 and 17 long words sharing 5: J = 5/32, 0.8 x J = 0.125 -> 12.5 -> 13 (round() gives 12)
    a = long_words("a", 15) + long_words("s", 5)
    b = long_words("b", 12) + long_words("s", 5)
    assert pair(a, b)[0]["maxSimilarity"] == 13


def test_larger_of_shingle_and_word_similarity_wins() -> None:
    text = " ".join(long_words("a", 30))
    assert pair(text.split(), text.split())[0]["maxSimilarity"] == 100
    # same words in another order: no shared run, word J = 1, similarity 0.8
    assert pair(text.split(), text.split()[::-1])[0]["maxSimilarity"] == 80


def test_at_most_five_partners_ties_in_walk_order() -> None:
    hub = long_words("h", 12)
    pages = [page(f"p{i}", " ".join(hub[:4] + long_words(f"p{i}x", 8))) for i in range(3)]
    pages.append(page("hub", " ".join(hub)))
    pages += [page(f"q{i}", " ".join(hub[:4] + long_words(f"q{i}x", 8))) for i in range(3)]
    pages.append(page("best", " ".join(hub[:6] + long_words("bestx", 6))))
    result = compute(pages)[3]
    # best: J = 6/18 -> 27; the others: J = 4/20 -> 16, first five in walk order
    assert result["maxSimilarity"] == 27
    assert [p["id"] for p in result["similarPages"]] == ["best", "p0", "p1", "p2", "q0"]
    assert [p["similarity"] for p in result["similarPages"]] == [27, 16, 16, 16, 16]


@pytest.mark.parametrize("score_all", [0, 64])
def test_ties_for_the_last_places_go_to_the_earliest_pages_whatever_their_size(
    score_all: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Bits follow word-set size, so the walk-order scan of a level meets the small "b" pages
    # (lower bits) after the "a" pages before them in walk order; both kinds score 27 with the
    # hub: a = 30 of its 60 words + 30 own (30/90), b = 20 of them alone (20/60), J = 1/3.
    # Short words unique to a page keep the hub's words apart (no shared five-word run).
    monkeypatch.setattr(redundancy, "_SCORE_ALL", score_all)  # 0: the top-down search

    def text(name: str, words: list[str]) -> str:
        return " ".join(f"{word} {name[:2]}{i}" for i, word in enumerate(words))

    hub = long_words("h", 60)
    pages = []
    for i in range(6):
        pages.append(page(f"a{i}", text(f"a{i}", hub[:30] + long_words(f"a{i}x", 30))))
        pages.append(page(f"b{i}", text(f"b{i}", hub[30:50])))
    pages.append(page("hub", text("hu", hub)))
    pages.append(page("close", text("cl", hub[:40] + long_words("clx", 10))))  # 40/70 -> 46
    pages.append(page("closer", text("cr", hub[:45] + long_words("crx", 5))))  # 45/65 -> 55
    results = compute(pages)
    assert results == brute_force(pages)
    hub_row = results[12]["similarPages"]
    assert [(p["id"], p["similarity"]) for p in hub_row] == [
        ("closer", 55),
        ("close", 46),
        ("a0", 27),
        ("b0", 27),
        ("a1", 27),
    ]


def test_only_pages_of_the_same_content_format_are_compared() -> None:
    text = " ".join(long_words("same", 20))
    results = compute([page("a", text), page("b", text, "table"), page("c", text)])
    assert results[0]["similarPages"] == [entry("c", 100)]
    assert results[1] == {"maxSimilarity": 0, "similarPages": []}


def test_ineligible_pages_are_neither_compared_nor_listed() -> None:
    short = " ".join(long_words("s", 10))
    longer = " ".join(long_words("s", 11))
    results = compute([page("a", short), page("b", short), page("c", longer)])
    assert results == [{"maxSimilarity": 0, "similarPages": []}] * 3


def test_no_pages() -> None:
    assert compute([]) == []


# --------------------------------------------------------------------------- internals


def test_bit_sliced_sum_and_threshold_match_plain_counting() -> None:
    rng = random.Random(3)
    for count in (0, 1, 7, 8, 9, 30, 100):
        columns = [rng.getrandbits(50) for _ in range(count)]
        planes = redundancy._bit_sliced_sum(columns)
        totals = [sum(column >> bit & 1 for column in columns) for bit in range(50)]
        read = [sum((plane >> bit & 1) << i for i, plane in enumerate(planes)) for bit in range(50)]
        assert read == totals
        for k in (0, 1, count // 2, count, count + 1):
            mask = redundancy._at_least(planes, k, (1 << 50) - 1)
            assert [mask >> bit & 1 for bit in range(50)] == [int(t >= k) for t in totals]


@pytest.mark.parametrize("pages", [1, 7, 8, 9, 50, 700])
@pytest.mark.parametrize("columns", [0, 1, 30, 300])
def test_all_counters_at_once_are_those_read_one_at_a_time(pages: int, columns: int) -> None:
    rng = random.Random(pages * 1000 + columns)
    # dense columns, so that counters reach 300 (nine planes) and carry across lanes if wrong
    bitmaps = [rng.getrandbits(pages) | rng.getrandbits(pages) for _ in range(columns)]
    size = (pages + 7) // 8
    planes = [plane.to_bytes(size, "little") for plane in redundancy._bit_sliced_sum(bitmaps)]
    counts = redundancy._all_counts(planes, size)
    assert counts is not None
    totals = [sum(bitmap >> bit & 1 for bitmap in bitmaps) for bit in range(pages)]
    assert [counts[bit] for bit in range(pages)] == totals
    assert [redundancy._count_at(planes, bit) for bit in range(pages)] == totals
    assert len(counts) >= pages


def test_counters_too_wide_for_a_lane_are_read_one_at_a_time() -> None:
    planes = [b"\xff"] * 17  # every counter is 2**17 - 1
    assert redundancy._all_counts(planes, 1) is None
    assert redundancy._count_at(planes, 3) == 2**17 - 1


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("all_counts_from", [0, 10**9])
def test_counters_read_either_way_give_the_brute_force_result(
    seed: int, all_counts_from: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 0: every counter read one at a time; 10**9: every row reads all its counters at once
    monkeypatch.setattr(redundancy, "ALL_COUNTS_FROM", all_counts_from)
    kb = synthetic_kb(seed, pages=90)
    assert compute(kb) == brute_force(kb)


# --------------------------------------------------------------------------- equivalence


def synthetic_kb(seed: int, pages: int = 60) -> list[tuple[PageKey, Fingerprint]]:
    """Small KB: Zipf-like vocabulary, topic clusters, near-duplicates, pages sharing a template
    of short words (shingles high, long words low), short and other-format pages."""
    return [page(name, " ".join(words), fmt) for name, words, fmt in synthetic_texts(seed, pages)]


def synthetic_texts(seed: int, pages: int = 60) -> list[tuple[str, list[str], str]]:
    """(name, words, contentFormat) of the pages of `synthetic_kb`."""
    rng = random.Random(seed)
    vocabulary = [
        "".join(rng.choices("abcdefgh", k=rng.choice([2, 3, 4, 5, 5, 6, 7]))) for _ in range(400)
    ]
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    topics = [rng.sample(vocabulary[50:], 25) for _ in range(4)]
    short = [word for word in vocabulary if len(word) < 5]
    template = rng.choices(short, k=rng.randint(25, 45))
    texts: list[list[str]] = []
    kb = []
    for index in range(pages):
        draw = rng.random()
        if texts and draw < 0.15:  # an edited copy
            words = list(rng.choice(texts))
            for _ in range(rng.randint(0, 12)):
                words[rng.randrange(len(words))] = rng.choice(vocabulary)
        elif draw < 0.3:  # the template with a few edits, then the page's own long words
            words = list(template)
            for _ in range(rng.randint(0, 3)):
                words[rng.randrange(len(words))] = rng.choice(short)
            words += [f"{rng.choice(vocabulary)}{index}x{i}" for i in range(rng.randint(9, 30))]
        else:
            size = rng.choice([8, 40, 80, 120])
            words = rng.choices(vocabulary, weights, k=size)
            topic = topics[rng.randrange(len(topics))]
            for slot in range(rng.randrange(3), size, 3):
                words[slot] = rng.choice(topic)
        texts.append(words)
        content_format = "article" if rng.random() < 0.8 else "table"
        kb.append((f"page-{index:02d}", words, content_format))
    return kb


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize(("score_all", "buckets"), [(64, 32), (0, 1), (2, 3), (0, 32)])
@pytest.mark.parametrize(
    ("sparse_max", "range_shingles"), [(0, 100), (2, 10**6), (16, 7), (10_000, 500)]
)
def test_same_result_as_brute_force(
    seed: int,
    score_all: int,
    buckets: int,
    sparse_max: int,
    range_shingles: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # small limits force the top-down search and coarse buckets, and shingles go to bitmaps
    # (0), page lists (10,000) or both, looked for in one hash range or many; the result must
    # not change
    monkeypatch.setattr(redundancy, "_SCORE_ALL", score_all)
    monkeypatch.setattr(redundancy, "_BUCKETS", buckets)
    monkeypatch.setattr(redundancy, "SPARSE_MAX", sparse_max)
    monkeypatch.setattr(redundancy, "LISTED_FROM_PAGES", 0)  # lists at any size
    monkeypatch.setattr(redundancy, "_RANGE_SHINGLES", range_shingles)
    kb = synthetic_kb(seed)
    expected = brute_force(kb)
    assert sum(1 for record in expected if record["similarPages"]) > 10  # a meaningful test
    assert compute(kb) == expected


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_few_wanted_pages_are_scored_directly_with_the_same_result(seed: int) -> None:
    kb = synthetic_kb(seed)
    expected = brute_force(kb)
    for wanted in ([0], [3, 17], list(range(0, 60, 15))):
        assert len(wanted) <= redundancy.DIRECT_LIMIT
        got = compute(kb, wanted)
        assert [got[i] for i in wanted] == [expected[i] for i in wanted]
        assert all(not got[i]["similarPages"] for i in range(len(kb)) if i not in wanted)
    assert any(expected[i]["similarPages"] for i in range(0, 60, 15))  # a meaningful test


def test_direct_rows_shared_among_processes_give_the_same_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(redundancy, "PARALLEL_DIRECT", 1)
    kb = synthetic_kb(2)
    expected = brute_force(kb)
    wanted = [0, 7, 30]
    got = compute(kb, wanted, jobs=2)
    assert [got[i] for i in wanted] == [expected[i] for i in wanted]
    texts = synthetic_texts(2)
    _, ranking = redundancy.rank(ranked_pages(texts))
    texts[5] = (texts[5][0], texts[6][1], texts[5][2])  # page 5 now copies page 6
    best = redundancy._update(ranking, ranked_pages(texts), 2)
    assert best is not None
    kb = [page(name, " ".join(words), fmt) for name, words, fmt in texts]
    assert [redundancy._record(partners, [k for k, _ in kb]) for partners in best] == brute_force(
        kb
    )


def test_many_wanted_pages_go_through_the_index_with_the_same_result() -> None:
    kb = synthetic_kb(5)
    wanted = list(range(0, 60, 6))
    assert len(wanted) > redundancy.DIRECT_LIMIT
    expected = brute_force(kb)
    got = compute(kb, wanted)
    assert [got[i] for i in wanted] == [expected[i] for i in wanted]


def test_rows_shared_among_processes_give_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(redundancy, "PARALLEL_ROWS", 1)
    kb = synthetic_kb(6)
    assert compute(kb, jobs=2) == compute(kb, jobs=1) == brute_force(kb)


def shared_shingles(group: redundancy._Group) -> list[list[tuple[int, ...]]]:
    """Per page, the pages of each of its shared shingles (independent of token numbers)."""
    postings = group.shingles

    def pages_of(token: int) -> tuple[int, ...]:
        bitmap = postings.bitmaps[token]
        if bitmap:
            return tuple(bit for bit in range(bitmap.bit_length()) if bitmap >> bit & 1)
        return tuple(postings.listed[postings.starts[token] : postings.starts[token + 1]])

    return [sorted(map(pages_of, tokens)) for tokens in group.page_shingles]


@pytest.mark.parametrize("jobs", [2, 3])
@pytest.mark.parametrize("sparse_max", [2, 16])
def test_index_built_by_forked_processes_gives_the_same_result(
    jobs: int, sparse_max: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the hash ranges go to forked processes and come back numbered in another order
    monkeypatch.setattr(redundancy, "PARALLEL_INDEX", 1)
    monkeypatch.setattr(redundancy, "PARALLEL_ROWS", 10**9)
    monkeypatch.setattr(redundancy, "SPARSE_MAX", sparse_max)
    monkeypatch.setattr(redundancy, "LISTED_FROM_PAGES", 0)  # lists at any size
    monkeypatch.setattr(redundancy, "_RANGE_SHINGLES", 100)  # dozens of ranges, renumbered
    kb = synthetic_kb(7)
    serial = redundancy._Group([fp for _, fp in kb if fp.eligible], jobs=1)
    forked = redundancy._Group([fp for _, fp in kb if fp.eligible], jobs=jobs)
    expected = shared_shingles(serial)
    assert sum(map(len, expected)) > 100  # a meaningful test
    assert shared_shingles(forked) == expected
    assert compute(kb, jobs=jobs) == brute_force(kb)


def test_scoring_drops_the_fingerprints_it_has_indexed() -> None:
    # the caller hands them over: they are most of the memory at 20,000 pages
    kb = synthetic_kb(3)
    fingerprints: list[Fingerprint | None] = [fp for _, fp in kb]
    expected = brute_force(kb)
    assert redundancy.score([key for key, _ in kb], fingerprints) == expected
    assert all(fp is None or not fp.eligible for fp in fingerprints)
    assert fingerprints.count(None) > len(kb) // 2


# --------------------------------------------------------------------------- updating a ranking


def ranked_pages(texts: list[tuple[str, list[str], str]]) -> redundancy.Pages:
    return redundancy.Pages.of(
        (name, key(name, fmt), Fingerprint.of(" ".join(words))) for name, words, fmt in texts
    )


def edit(texts: list[tuple[str, list[str], str]], rng: random.Random) -> list[Any]:
    """One to three edits of the kinds a commit makes: a page rewritten in part, copied from
    another, cut short (no longer eligible), moved to another contentFormat, deleted, added."""
    texts = list(texts)
    for _ in range(rng.randint(1, 3)):
        index = rng.randrange(len(texts))
        name, words, fmt = texts[index]
        kind = rng.choice(["words", "words", "copy", "short", "format", "delete", "add"])
        if kind == "words":
            words = list(words)
            for _ in range(rng.randint(1, 15)):
                words[rng.randrange(len(words))] = rng.choice(words) + "q"
            texts[index] = (name, words, fmt)
        elif kind == "copy":
            texts[index] = (name, list(rng.choice(texts)[1]), fmt)
        elif kind == "short":
            texts[index] = (name, words[:6], fmt)
        elif kind == "format":
            texts[index] = (name, words, "article" if fmt == "table" else "table")
        elif kind == "delete" and len(texts) > 2:
            del texts[index]
        else:  # a new page next to this one in walk order, copied from a random page
            texts.insert(
                index + 1, (f"{name}-{rng.randrange(1000)}", list(rng.choice(texts)[1]), fmt)
            )
    return texts


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("limit", [redundancy.INCREMENTAL_ROWS, 10_000])
def test_an_updated_ranking_equals_one_computed_from_scratch(
    seed: int, limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # with no limit on rows, every run is an update, however many pages are dirty
    monkeypatch.setattr(redundancy, "INCREMENTAL_ROWS", limit)
    outcomes: list[bool] = []
    update = redundancy._update

    def recorded(previous: redundancy.Ranking, pages: redundancy.Pages, jobs: int) -> Any:
        best = update(previous, pages, jobs)
        outcomes.append(best is not None)
        return best

    monkeypatch.setattr(redundancy, "_update", recorded)
    rng = random.Random(seed)
    texts = synthetic_texts(seed)
    _, ranking = redundancy.rank(ranked_pages(texts))
    for _ in range(6):  # each run starts from the ranking the one before left
        texts = edit(texts, rng)
        kb = [page(name, " ".join(words), fmt) for name, words, fmt in texts]
        results, ranking = redundancy.rank(ranked_pages(texts), previous=ranking)
        assert results == brute_force(kb)
        assert ranking.names == tuple(name for name, _, _ in texts)
    assert outcomes.count(True) >= (2 if limit < 100 else 6)  # updates, not only the fallback


def test_a_title_change_alone_needs_no_row(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = synthetic_texts(7)
    before, ranking = redundancy.rank(ranked_pages(texts))
    listed = before[0]["similarPages"][0]["id"]  # a page shown as someone's partner
    pages = ranked_pages(texts)
    at = pages.names.index(listed)
    pages.keys[at] = PageKey(listed, "A New Title", f"/kb/{listed}/", pages.keys[at].content_format)

    def no_rows(*args: Any) -> Any:
        raise AssertionError("nothing changed that a score depends on")

    monkeypatch.setattr(redundancy, "_direct_scores", no_rows)
    results, _ = redundancy.rank(pages, previous=ranking)
    shown = [p for r in results for p in r["similarPages"] if p["id"] == listed]
    assert shown
    assert all(p["title"] == "A New Title" for p in shown)
    assert [[p["similarity"] for p in r["similarPages"]] for r in results] == [
        [p["similarity"] for p in r["similarPages"]] for r in before
    ]


def test_many_changes_start_over(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = synthetic_texts(8)
    _, ranking = redundancy.rank(ranked_pages(texts))
    edited = [(name, [w + "z" for w in words], fmt) for name, words, fmt in texts]
    assert redundancy._update(ranking, ranked_pages(edited)) is None
    kb = [page(name, " ".join(words), fmt) for name, words, fmt in edited]
    assert redundancy.rank(ranked_pages(edited), previous=ranking)[0] == brute_force(kb)


def test_pages_in_another_order_start_over() -> None:
    texts = synthetic_texts(9)
    _, ranking = redundancy.rank(ranked_pages(texts))
    swapped = [texts[1], texts[0], *texts[2:]]
    assert redundancy._update(ranking, ranked_pages(swapped)) is None


def test_a_tie_at_the_last_listed_score_can_hide_an_unlisted_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # "a" and seven copies of it all score 100 with each other; "a" lists b1..b5 (walk order)
    # and b6, b7 stay unlisted. b1 is then renamed to b9 (deleted, added last): b9's 100 ties
    # the last listed score, and b6 comes before it in walk order, so "a" must be rescored.
    monkeypatch.setattr(redundancy, "INCREMENTAL_ROWS", 100)  # a, b2..b7 all lost b1
    words = long_words("shared", 40)
    texts = [(name, words, "article") for name in ["a", *(f"b{i}" for i in range(1, 8))]]
    _, ranking = redundancy.rank(ranked_pages(texts))
    renamed = [*texts[:1], *texts[2:], ("b9", words, "article")]
    best = redundancy._update(ranking, ranked_pages(renamed))
    assert best is not None  # an update, not a fresh start
    assert [partner for _, partner in best[0]] == [1, 2, 3, 4, 5]  # b2 .. b6
    kb = [page(name, " ".join(w), fmt) for name, w, fmt in renamed]
    assert redundancy.rank(ranked_pages(renamed), previous=ranking)[0] == brute_force(kb)


def test_tokens_are_listed_only_in_large_groups() -> None:
    # a list of pages saves memory only when a bitmap is large (N / 8 bytes); in smaller groups
    # every shared token is a bitmap, which is faster to add
    small = redundancy._Postings(size=redundancy.LISTED_FROM_PAGES // 8 - 1)
    large = redundancy._Postings(size=redundancy.LISTED_FROM_PAGES // 8)
    pages = list(range(0, 40, 10))  # 4 pages
    small.add_pages(pages)
    large.add_pages(pages)
    assert small.bitmaps == [sum(1 << page for page in pages)]
    assert not small.listed
    assert large.bitmaps == [0]
    assert list(large.listed) == pages


def _bisected_start(row: redundancy._Row) -> int:
    """The start level as plain bisection of 10-100 finds it."""
    if row.count(redundancy._COUNTS_FROM) <= redundancy._SCORE_ALL:
        return redundancy._COUNTS_FROM
    low, high = redundancy._COUNTS_FROM, 100
    while low < high:
        middle = (low + high + 1) // 2
        if row.count(middle) >= redundancy.TOP_PAGES:
            low = middle
        else:
            high = middle - 1
    return low


@pytest.mark.parametrize("seed", [1, 2])
def test_the_galloping_start_finds_the_bisected_level_from_any_previous_row(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(redundancy, "_SCORE_ALL", 0)  # every row searches (small test KBs)
    kb = synthetic_kb(seed)
    group = redundancy._Group([fp for _, fp in kb if fp.eligible])
    starts = set()
    for bit in range(len(group.member)):
        expected = _bisected_start(redundancy._Row(group, bit))
        starts.add(expected)
        for hint in (10, 11, expected - 1, expected, expected + 1, 37, 99, 100):
            group.last_start = hint
            assert redundancy._Row(group, bit)._start() == expected, (bit, hint)
    assert len(starts) > 3  # rows start at many levels: a meaningful test
