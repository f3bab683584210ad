"""Progress bars (tqdm) for the calls that can take a while: shown in JupyterLab and in a
terminal once a call has run for :data:`DELAY` seconds, never in a report.

A report's notebooks are run by papermill, and whatever they write on stderr is taken for an
error by the audit: :class:`ksresearch.report.section.Section` turns the bars off in its
kernel (``KS_PROGRESS=0``), as may anyone in their own environment.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

__all__ = ["progress", "shown", "ENV", "DELAY"]

#: ``KS_PROGRESS=0`` turns every bar off.
ENV = "KS_PROGRESS"
#: A bar appears only once its call has run this many seconds (a quick call shows nothing).
DELAY = 2.0


class _Quiet:
    """What a hidden bar does: nothing."""

    def __init__(self, iterable: Iterable | None = None) -> None:
        self.iterable = iterable

    def __iter__(self):
        return iter(self.iterable)

    def __enter__(self) -> _Quiet:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int = 1) -> None:
        return None

    def close(self) -> None:
        return None


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the notebooks
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def shown() -> bool:
    """Whether bars are shown here: not with ``KS_PROGRESS=0``; in a Jupyter kernel (as text
    that updates in place); in a terminal when stderr is one."""
    if os.environ.get(ENV, "1") == "0":
        return False
    return _in_kernel() or sys.stderr.isatty()


def progress(iterable: Iterable | None = None, *, total: int | None = None, desc: str = ""):
    """``iterable`` with a progress bar, or a bar to ``update()`` by hand (``iterable`` None,
    as a context manager); a do-nothing stand-in where bars are not :func:`shown`.

    Parameters
    ----------
    iterable : iterable, optional
        What the loop runs over.
    total : int, optional
        The number of steps, where ``len(iterable)`` does not give it (None: a counter).
    desc : str
        The bar's label, e.g. the function's name.

    Returns
    -------
    tqdm or a stand-in
        Iterate over it, or call ``update()``; ``close()`` or a ``with`` block ends it.

    Examples
    --------
    >>> [x for x in progress(range(3), desc="demo")]
    [0, 1, 2]
    """
    if not shown():
        return _Quiet(iterable)
    from tqdm.std import tqdm

    return tqdm(iterable, total=total, desc=desc, delay=DELAY, leave=False, file=sys.stderr,
                dynamic_ncols=True)  # fmt: skip
