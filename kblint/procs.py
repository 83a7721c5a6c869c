"""Forked worker processes, with `multiprocessing` imported only when one is started.

Importing multiprocessing costs ~20 ms (concurrent.futures' process pool ~30 ms): more than a
warm run spends elsewhere, and a one-file pre-commit run forks only on a large KB (to share the
page's near-duplicate row, from `redundancy.PARALLEL_DIRECT` pages on).

Two kinds of pool on purpose: the article phase (`batch`) uses concurrent.futures'
ProcessPoolExecutor, which raises when a worker dies (killed for memory, say) where a
`multiprocessing` pool would wait forever, and which can spawn where fork is missing. The short
phases that only make sense with fork (copy-on-write access to an index or parsed registries:
`registry_loader`, `redundancy`) use `fork_pool`.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.pool import Pool


def can_fork() -> bool:
    """What `"fork" in multiprocessing.get_all_start_methods()` says, without the import."""
    return hasattr(os, "fork")


def fork_pool(processes: int) -> Pool:
    import multiprocessing  # noqa: PLC0415 - deferred: see the module docs

    return multiprocessing.get_context("fork").Pool(processes)
