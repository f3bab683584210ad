"""Model fits run with one BLAS thread (small matrices, busy cores), unless the user set a
number of threads; the report kernels start with one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_info

import ksresearch as ks
from ksresearch.stats.threads import blas_threads, few_threads

BLAS_VARIABLES = ("KS_BLAS_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _threads() -> int:
    return max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")


@pytest.fixture
def clean_env(monkeypatch):
    for name in BLAS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_a_fit_runs_with_one_blas_thread_and_gives_the_rest_back(clean_env):
    from threadpoolctl import threadpool_limits

    seen = []
    probe = few_threads(lambda: seen.append(_threads()))
    with threadpool_limits(limits=2, user_api="blas"):
        probe()
        after = _threads()
    assert seen == [1] and after == 2


def test_the_users_setting_wins(clean_env):
    assert blas_threads() == 1
    clean_env.setenv("OPENBLAS_NUM_THREADS", "2")
    assert blas_threads() is None  # the BLAS keeps what the user gave it
    clean_env.setenv("KS_BLAS_THREADS", "3")
    assert blas_threads() == 3


def test_the_library_fits_are_held_to_one_thread(clean_env, monkeypatch):
    """EFA and CFA do their linear algebra under the limit (numpy's routines record the
    threads they were called with), and every model fit of the library carries it."""
    from threadpoolctl import threadpool_limits

    from ksresearch.stats import drivers, ordinal, psychometrics, sem

    rng = np.random.default_rng(1)
    f = rng.standard_normal((300, 1))
    data = f @ np.ones((1, 6)) + rng.standard_normal((300, 6))
    items = pd.DataFrame(data, columns=["a1", "a2", "a3", "a4", "a5", "a6"])
    seen = []
    for name in ("svd", "eigh", "inv", "solve", "cholesky", "slogdet"):
        real = getattr(np.linalg, name)
        monkeypatch.setattr(
            np.linalg,
            name,
            lambda *a, _real=real, **k: (seen.append(_threads()), _real(*a, **k))[1],
        )
    with threadpool_limits(limits=2, user_api="blas"):
        ks.efa(items, n_factors=1)
        ks.cfa(items, "f =~ a1 + a2 + a3 + a4 + a5 + a6")
    assert seen and set(seen) == {1}
    for fit in (
        psychometrics.EFA.fit,
        psychometrics.ParallelAnalysis.fit,
        sem.CFA.fit,
        sem.MeasurementInvariance.fit,
        ordinal.Polychoric.fit,
        drivers.DominanceAnalysis.fit,
        drivers.key_drivers,
    ):
        assert getattr(fit, "__wrapped__", None) is not None, fit.__qualname__
