"""Every public ``ks.*`` name is documented as pingouin documents its functions: numpy
sections ``Parameters`` (where it takes any), ``Returns`` (a function) and ``Examples`` with
a doctest (run by the test suite), which the documentation site renders. A new public name
without them fails here."""

from __future__ import annotations

import inspect

import ksresearch as ks


def _sections(doc: str) -> set[str]:
    lines = doc.splitlines()
    return {a.strip() for a, b in zip(lines, lines[1:], strict=False)
            if b.strip() and set(b.strip()) == {"-"} and len(b.strip()) >= 3}  # fmt: skip


def _missing(obj: object) -> list[str]:
    """The sections ``obj``'s docstring lacks (an exception needs only a docstring)."""
    doc = inspect.getdoc(obj) or ""
    if isinstance(obj, type) and issubclass(obj, Exception):
        return [] if doc else ["a docstring"]
    have, need = _sections(doc), []
    try:
        takes = [p for p in inspect.signature(obj).parameters.values() if p.name != "self"]
    except (TypeError, ValueError):
        takes = []
    if takes and "Parameters" not in have:
        need.append("Parameters")
    if not isinstance(obj, type) and "Returns" not in have:
        need.append("Returns")
    if "Examples" not in have or ">>>" not in doc.split("Examples", 1)[-1]:
        need.append("Examples")
    return need


def _public() -> dict[str, object]:
    return {n: getattr(ks, n) for n in ks.__all__ if n not in ("__version__", "config")}


def test_every_public_name_documents_parameters_returns_and_an_example():
    missing = {name: _missing(obj) for name, obj in _public().items()}
    undocumented = sorted(name for name, need in missing.items() if need)
    assert not undocumented, "document " + "; ".join(
        f"{n}: {', '.join(missing[n])}" for n in undocumented
    )


def test_the_check_finds_a_missing_section():
    def documented(x: int) -> int:
        """Twice x.

        Parameters
        ----------
        x : int
            A number.

        Returns
        -------
        int

        Examples
        --------
        >>> documented(2)
        4
        """
        return 2 * x

    def bare(x: int) -> int:
        """Twice x."""
        return 2 * x

    assert _missing(documented) == []
    assert _missing(bare) == ["Parameters", "Returns", "Examples"]
    assert _missing(ks.InsufficientDataError) == []
