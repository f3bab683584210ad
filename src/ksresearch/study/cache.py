"""Each result once: the study's slow results kept on disk beside the survey they come from.

The general report runs its sections two at a time, each in a kernel of its own, and once
per language; the key findings ask for the turnover drivers' bootstrap, the measurement checks,
shift work and the trends that their own sections show again. A function decorated with
:func:`once` computes its result once and keeps it in ``<processed>/<year>/cache/``; a later
call with the same arguments reads it back.

The key is everything the result depends on: the function, the package's code (every source,
text and template file: a new version computes afresh), and each argument, a survey by the
content of its responses (so a survey filtered or changed in a notebook is a different survey),
its codebook's checksum, its side tables and its minimum group size. An argument the key cannot
describe (an arbitrary object) means no keeping: the function simply runs. Warnings the first
run gave are given again on every read, so a report says the same whether it computed or read.
Ingest replaces the processed folder, cache and all. Set ``KS_NO_CACHE=1`` to always compute.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from ..data.survey import Survey

__all__ = ["once", "CACHE_FOLDER"]

#: The folder, inside a survey's processed folder, of the kept results.
CACHE_FOLDER = "cache"

F = TypeVar("F", bound=Callable)


@functools.lru_cache(maxsize=1)
def _code() -> str:
    """A digest of the package's code, texts and templates."""
    digest = hashlib.sha256()
    package = Path(__file__).parents[1]
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".yaml", ".j2", ".json") and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _frame(df: pd.DataFrame | None) -> str:
    if df is None:
        return "none"
    values = pd.util.hash_pandas_object(df, index=True).to_numpy()
    names = repr((list(map(str, df.columns)), [str(t) for t in df.dtypes])).encode()
    return hashlib.sha256(values.tobytes() + names).hexdigest()


def _describe(value: object) -> str | None:
    """A stable text for ``value`` in the key, or None when it cannot be described."""
    if isinstance(value, Survey):
        parts = [
            _frame(value.responses),
            value.codebook.checksum,
            repr(value.min_group_size),
            *(_frame(t) for t in (value.headcounts, value.kpis, value.comments)),
        ]
        return "survey:" + ":".join(parts)
    if value is None or isinstance(value, (bool, int, float, str, np.integer, np.floating)):
        return f"{type(value).__name__}:{value!r}"
    if isinstance(value, (list, tuple)):
        inner = [_describe(v) for v in value]
        return None if None in inner else f"{type(value).__name__}[{','.join(inner)}]"
    if isinstance(value, pd.DataFrame):
        return "frame:" + _frame(value)
    return None


def _folder(args: tuple, kwargs: dict) -> Path | None:
    """The cache folder of the first survey among the arguments (or in a list of them)."""
    for value in (*args, *kwargs.values()):
        for one in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(one, Survey) and one.path is not None:
                return Path(one.path) / CACHE_FOLDER
    return None


def _key(fn: Callable, args: tuple, kwargs: dict) -> str | None:
    described = [_describe(a) for a in args]
    named = {k: _describe(v) for k, v in kwargs.items()}
    if None in described or None in named.values():
        return None
    described += [f"{k}={v}" for k, v in sorted(named.items())]
    text = "\n".join([f"{fn.__module__}.{fn.__qualname__}", _code(), *described])
    return hashlib.sha256(text.encode()).hexdigest()


def _read(path: Path):
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None  # not kept, or kept by another version: computed again


def _write(path: Path, entry: tuple) -> None:
    """Atomically (two kernels may keep the same result at once); a folder that cannot be
    written keeps nothing."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(entry, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError:
        pass


@contextlib.contextmanager
def _computing(path: Path):
    """Hold ``path``'s lock (the operating system's ``flock`` on ``<path>.lock``) while its
    result is made: the general report's sections run two at a time, and two of them may ask
    for the same result; the second waits and reads it. The lock goes with the process that
    holds it; a folder where no lock can be made computes without one."""
    import fcntl

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(path.with_suffix(".lock"), "a+b")  # noqa: SIM115 (closed below)
    except OSError:
        yield
        return
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def once(fn: F) -> F:
    """Keep ``fn``'s result beside the survey it is called with (see the module's text)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        folder = _folder(args, kwargs)
        key = _key(fn, args, kwargs) if folder is not None else None
        if key is None or os.environ.get("KS_NO_CACHE"):
            return fn(*args, **kwargs)
        path = folder / f"{fn.__name__}-{key[:32]}.pkl"
        entry = _read(path)
        if entry is None:
            with _computing(path):  # a kernel asking meanwhile waits for this result
                entry = _read(path)
                if entry is None:
                    with warnings.catch_warnings(record=True) as caught:
                        warnings.simplefilter("always")
                        result = fn(*args, **kwargs)
                    entry = (result, [(w.category, str(w.message)) for w in caught])
                    _write(path, entry)
        result, said = entry
        for category, message in said:
            warnings.warn(message, category, stacklevel=2)
        return result

    return wrapper  # type: ignore[return-value]
