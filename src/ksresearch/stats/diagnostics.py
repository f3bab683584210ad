"""What every estimator of ``stats/`` shares: checking its input frame, warning when an
optimiser stops early or an estimate is improper, and the RMSEA confidence interval."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import optimize, stats

__all__ = [
    "EstimationWarning",
    "ConvergenceWarning",
    "HeywoodWarning",
    "ReverseKeyWarning",
    "recorded",
    "renamed_arguments",
    "check_frame",
    "warn_not_converged",
    "warn_heywood",
    "rmsea_ci",
]


class EstimationWarning(UserWarning):
    """Something about an estimate a reader of the result should know (the base class)."""


class ConvergenceWarning(EstimationWarning):
    """An optimiser stopped before it converged: the estimates may be off (as scikit-learn's)."""


class HeywoodWarning(EstimationWarning):
    """An improper solution: a communality of 1 or more, or a negative residual variance."""


class ReverseKeyWarning(EstimationWarning):
    """An item correlates negatively with the rest of its scale: a reverse key forgotten?"""


def recorded(fn, *args, **kwargs) -> tuple[object, str]:
    """Call ``fn`` and return its result with the messages of the :class:`EstimationWarning`
    it gave, joined ("" when none); other warnings pass through as usual. For callers that
    report the caveat beside the result instead of printing it."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn(*args, **kwargs)
    notes = []
    for w in caught:
        if issubclass(w.category, EstimationWarning):
            notes.append(str(w.message))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return result, "; ".join(dict.fromkeys(notes))


def check_frame(
    df: object, columns: Iterable[str], *, what: str = "columns", numeric: bool = True
) -> pd.DataFrame:
    """``df[columns]``, after checking that ``df`` is a DataFrame holding them (and, with
    ``numeric``, that they convert to float). Raises ``ValueError`` naming what is wrong.

    Examples
    --------
    >>> import pandas as pd
    >>> check_frame(pd.DataFrame({"a": [1, 2]}), ["a"]).dtypes.tolist()
    [dtype('float64')]
    >>> check_frame(pd.DataFrame({"a": [1]}), ["a", "b"], what="items")
    Traceback (most recent call last):
    ValueError: items not in the data: ['b']
    """
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"data must be a DataFrame, got {type(df).__name__}")
    columns = list(columns)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what} not in the data: {missing}")
    out = df[columns]
    if not numeric:
        return out
    try:
        return out.astype("float64")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be numeric: {exc}") from None


def warn_not_converged(what: str, detail: str = "") -> None:
    """Warn that ``what`` stopped before converging."""
    message = (
        f"{what} did not converge"
        + (f": {detail}" if detail else "")
        + "; the estimates may be off"
    )
    warnings.warn(message, ConvergenceWarning, stacklevel=3)


def warn_heywood(what: str, items: list[str]) -> None:
    """Warn of an improper solution (a Heywood case) in ``items``."""
    if items:
        warnings.warn(
            f"{what}: improper solution (Heywood case) for {items}: a communality of 1 or more "
            "or a negative residual variance; consider fewer factors or check these items",
            HeywoodWarning,
            stacklevel=3,
        )


def rmsea_ci(chi2: float, dof: float, n: float, *, level: float = 0.90) -> tuple[float, float]:
    """Confidence interval of the RMSEA from the noncentral chi-square distribution.

    The bounds are sqrt(lambda / (n df)) for the noncentrality lambda at which the model's
    chi-square sits at the (1 + level) / 2 and (1 - level) / 2 quantiles (a bound is 0 when even
    lambda = 0 leaves the chi-square below that quantile). ``n`` is N - 1 in psych's ``fa``
    and N / G (G groups) in lavaan. With df = 0 the RMSEA is undefined and so is its interval.

    R: ``lavaan::fitMeasures(fit, c("rmsea.ci.lower", "rmsea.ci.upper"))``;
    ``psych::fa(...)$RMSEA``.

    Examples
    --------
    >>> low, high = rmsea_ci(85.306, 24, 301)
    >>> round(low, 3), round(high, 3)
    (0.071, 0.114)
    >>> rmsea_ci(0.0, 0, 100)
    (nan, nan)
    """
    if dof <= 0:
        return np.nan, np.nan
    tail = (1 - level) / 2

    def bound(target: float) -> float:
        if stats.chi2.cdf(chi2, dof) < target:
            return 0.0
        f = lambda lam: stats.ncx2.cdf(chi2, dof, lam) - target  # noqa: E731
        hi = max(chi2, 1.0)
        while f(hi) > 0:
            hi *= 2
        return float(np.sqrt(optimize.brentq(f, 1e-10, hi, xtol=1e-12) / (n * dof)))

    return bound(1 - tail), bound(tail)


class Text(str):
    """A text that shows as itself in a notebook (no quotes; line breaks as breaks): what the
    models' ``summary()`` return."""

    def __repr__(self) -> str:
        return str(self)


def renamed_arguments(**renames: str):
    """Accept a keyword argument by its former name for a while (``old="new"``), with a
    FutureWarning that names the new one: a rename does not break a user's script at once.

    Examples
    --------
    >>> import warnings
    >>> @renamed_arguments(company="cluster")
    ... def f(*, cluster=None):
    ...     return cluster
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     f(company="c"), str(caught[0].message)
    ('c', 'f(): company= is now cluster=')
    """

    def wrap(fn):
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(f"{fn.__name__}() got both {old}= and {new}=")
                    warnings.warn(f"{fn.__name__}(): {old}= is now {new}=", FutureWarning,
                                  stacklevel=2)  # fmt: skip
                    kwargs[new] = kwargs.pop(old)
            return fn(*args, **kwargs)

        return inner

    return wrap
