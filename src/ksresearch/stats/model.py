"""Measurement models: lavaan's syntax for factors and residual covariances, read into a
:class:`MeasurementModel` that both estimators use (maximum likelihood, :mod:`.sem`, and
WLSMV for ordered items, :mod:`.wlsmv`), and a model with one factor per construct of a
codebook."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..data.codebook import Codebook

__all__ = [
    "MeasurementModel",
    "parse_model",
    "model_from_codebook",
    "INVARIANCE_LEVELS",
    "ORDERED_LEVELS",
]

INVARIANCE_LEVELS = ("configural", "metric", "scalar")
#: the levels for ordered items (Wu & Estabrook 2016): equal thresholds come first
ORDERED_LEVELS = ("configural", "thresholds", "metric", "scalar")


# ----------------------------------------------------------------------------- model syntax
@dataclass(frozen=True)
class MeasurementModel:
    """Factors with their indicators (the first is the marker) and residual covariances."""

    factors: dict[str, tuple[str, ...]]
    residual_covariances: tuple[tuple[str, str], ...] = ()

    @property
    def items(self) -> list[str]:
        seen: list[str] = []
        for indicators in self.factors.values():
            seen += [i for i in indicators if i not in seen]
        return seen

    def syntax(self) -> str:
        lines = [f"{f} =~ {' + '.join(ind)}" for f, ind in self.factors.items()]
        lines += [f"{a} ~~ {b}" for a, b in self.residual_covariances]
        return "\n".join(lines)


_NAME = r"[A-Za-z_][A-Za-z0-9_.]*"


def parse_model(syntax: str) -> MeasurementModel:
    """Read the measurement part of lavaan syntax: ``f =~ a + b + c`` and ``a ~~ b``.

    Examples
    --------
    >>> parse_model("visual =~ x1 + x2 + x3; x1 ~~ x2").factors
    {'visual': ('x1', 'x2', 'x3')}
    """
    if not isinstance(syntax, str) or not syntax.strip():
        raise ValueError("the model is empty: give lavaan syntax such as 'f =~ a + b + c'")
    factors: dict[str, tuple[str, ...]] = {}
    covs: list[tuple[str, str]] = []
    for raw in re.split(r"[;\n]", syntax):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if m := re.fullmatch(rf"({_NAME})\s*=~\s*(.+)", line):
            names = [t.strip() for t in m.group(2).split("+")]
            bad = [t for t in names if not re.fullmatch(_NAME, t)]
            if bad:
                raise ValueError(
                    f"cannot read indicators {bad} in {line!r} (fixed values and labels are not supported)"
                )
            if m.group(1) in factors:
                raise ValueError(f"factor {m.group(1)!r} is defined twice")
            factors[m.group(1)] = tuple(names)
        elif m := re.fullmatch(rf"({_NAME})\s*~~\s*({_NAME})", line):
            covs.append((m.group(1), m.group(2)))
        else:
            raise ValueError(
                f"cannot read model line {line!r}: use 'factor =~ item + item' or 'item ~~ item'"
            )
    if not factors:
        raise ValueError("the model defines no factor ('f =~ a + b + c')")
    clash = set(factors) & {i for ind in factors.values() for i in ind}
    if clash:
        raise ValueError(f"second-order factors are not supported: {sorted(clash)}")
    small = [f for f, ind in factors.items() if len(ind) < 2]
    if small:
        raise ValueError(f"factors need at least two indicators: {small}")
    model = MeasurementModel(factors, tuple(covs))
    items = set(model.items)
    for a, b in covs:
        if a not in items or b not in items or a == b:
            raise ValueError(
                f"residual covariance {a} ~~ {b} must join two different indicators of the model"
            )
    return model


def model_from_codebook(codebook: Codebook, constructs: list[str] | None = None) -> str:
    """lavaan syntax with one factor per construct (constructs with at least two items).

    Examples
    --------
    >>> from ksresearch import config, load_codebook
    >>> print(model_from_codebook(load_codebook(config.codebook_path(2025)), ["involvement"]))
    involvement =~ inv_1 + inv_2 + inv_3
    """
    constructs = constructs if constructs is not None else list(codebook.constructs)
    lines = []
    for c in constructs:
        items = codebook.construct_items(c)
        if len(items) >= 2:
            lines.append(f"{c} =~ {' + '.join(items)}")
    if not lines:
        raise ValueError(f"none of the constructs {constructs} has two or more items")
    return "\n".join(lines)


def as_model(model: str | MeasurementModel) -> MeasurementModel:
    return model if isinstance(model, MeasurementModel) else parse_model(model)
