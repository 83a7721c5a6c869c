"""`kblint.memory`: freed heap memory goes back to the system after the large phases."""

from __future__ import annotations

import ctypes
import gc
import os
from pathlib import Path

import pytest

from kblint.memory import gc_paused, release_freed_memory


def resident_bytes() -> int:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def has_malloc_trim() -> bool:
    try:
        return hasattr(ctypes.CDLL(None), "malloc_trim")
    except (OSError, TypeError):
        return False


@pytest.mark.skipif(not has_malloc_trim(), reason="needs glibc's malloc_trim and /proc")
def test_freed_heap_memory_goes_back_to_the_system() -> None:
    # 100 KB blocks come from the heap (below glibc's mmap threshold); a small block kept after
    # each one stops the heap from shrinking by itself, as live data does in a real run
    big, pins = [], []
    for _ in range(2000):
        big.append(bytes(100_000))
        pins.append(bytes(600))
    del big
    before = resident_bytes()
    release_freed_memory()
    after = resident_bytes()
    # of the 200 MB freed, glibc gave back only what lay at the top of the heap by itself
    assert before - after > 80 * 2**20, (before, after)
    assert len(pins) == 2000


def test_gc_paused_restores_the_collector_state() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
