"""One BLAS thread for the library's model fits, unless the user said otherwise.

The fits of this package (EFA, CFA by ML, FIML and WLSMV, polychoric correlations, dominance
analysis and its bootstrap) multiply and decompose small matrices many times. OpenBLAS gives
each call as many threads as there are cores; on a busy machine (a batch's kernels, the test
suite's workers, another user) those threads wait for each other: a 425 x 160 SVD took 1,493
ms with two threads and 65 ms with one on the 2-core machine of issue 25, and an EFA 1.2 s
against 0.13 s. So each fit runs with one BLAS thread (threadpoolctl), as the report kernels
already do. A user who set ``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS``
or ``KS_BLAS_THREADS`` keeps that setting (``KS_BLAS_THREADS`` wins).
"""

from __future__ import annotations

import functools
import os
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

__all__ = ["blas_threads", "few_threads"]

_USER = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
F = TypeVar("F", bound=Callable)


def blas_threads() -> int | None:
    """The BLAS threads a fit runs with: ``KS_BLAS_THREADS`` when set, None (the BLAS's own
    setting) when the user set one of its variables, else 1."""
    named = os.environ.get("KS_BLAS_THREADS")
    if named:
        return max(1, int(named))
    if any(os.environ.get(name) for name in _USER):
        return None
    return 1


_inside = threading.local()  # how deep in fits this thread is: only the outermost limits


@functools.lru_cache(maxsize=4)
def _controller(loaded: frozenset):
    """threadpoolctl's view of the BLAS libraries loaded (looking them up reads the process's
    libraries: done once for each set of the BLAS-using modules imported, not once a fit)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _limit(n: int):
    loaded = frozenset(m for m in ("numpy", "scipy.linalg", "sklearn") if m in sys.modules)
    return _controller(loaded).limit(limits=n, user_api="blas")


def few_threads(func: F) -> F:
    """Run ``func`` with :func:`blas_threads` BLAS threads (nested calls pay nothing more)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        n = blas_threads()
        if n is None or getattr(_inside, "depth", 0):
            return func(*args, **kwargs)
        _inside.depth = 1
        try:
            with _limit(n):
                return func(*args, **kwargs)
        finally:
            _inside.depth = 0

    return wrapper
