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
#: A parameter as lavaan writes it: (lhs, op, rhs), op one of "=~", "~", "~~".
Key = tuple[str, str, str]


@dataclass(frozen=True)
class MeasurementModel:
    """A model in lavaan's terms: factors with their indicators (the first is the marker
    unless freed), residual covariances of the items, regressions between factors, explicit
    (co)variances of factors, and the modifiers of any parameter: a fixed value (``0.5*x1``),
    a freed marker (``NA*x1``) or a label (``a*x2``; parameters with one label are one
    parameter, and ``a == b`` makes two labels one)."""

    factors: dict[str, tuple[str, ...]]
    residual_covariances: tuple[tuple[str, str], ...] = ()
    regressions: tuple[tuple[str, str], ...] = ()  # (outcome, predictor), both factors
    factor_covariances: tuple[tuple[str, str], ...] = ()  # written f ~~ g (f ~~ f: a variance)
    fixed: tuple[tuple[Key, float], ...] = ()
    freed: tuple[Key, ...] = ()
    labels: tuple[tuple[Key, str], ...] = ()
    equalities: tuple[tuple[str, str], ...] = ()  # label == label

    @property
    def items(self) -> list[str]:
        seen: list[str] = []
        for indicators in self.factors.values():
            seen += [i for i in indicators if i not in seen]
        return seen

    @property
    def measurement_only(self) -> bool:
        """Only factors, their markers and residual covariances: what every estimator fits."""
        return not (self.regressions or self.factor_covariances or self.fixed or self.freed
                    or self.labels or self.equalities)  # fmt: skip

    def fixed_value(self, key: Key) -> float | None:
        """The value ``key`` is fixed at in the syntax (either way round for ``~~``)."""
        return dict(self.fixed).get(key, dict(self.fixed).get(_turned(key)))

    def label(self, key: Key) -> str:
        """The label of ``key`` as written ("" without one)."""
        return dict(self.labels).get(key, dict(self.labels).get(_turned(key), ""))

    def shared(self, key: Key) -> str:
        """The label ``key`` shares with every parameter equal to it ("" without one): labels
        joined by ``==`` become the first of them."""
        label = self.label(key)
        merged = {b: a for a, b in self.equalities}
        while label in merged:
            label = merged[label]
        return label

    def syntax(self) -> str:
        def term(lhs: str, op: str, rhs: str) -> str:
            key = (lhs, op, rhs)
            mod = self.fixed_value(key)
            mod = (
                _number(mod)
                if mod is not None
                else ("NA" if key in self.freed else self.label(key))
            )
            return f"{mod}*{rhs}" if mod else rhs

        lines = [f"{f} =~ {' + '.join(term(f, '=~', i) for i in ind)}"
                 for f, ind in self.factors.items()]  # fmt: skip
        lines += [f"{a} ~ {term(a, '~', b)}" for a, b in self.regressions]
        pairs = [*self.factor_covariances, *self.residual_covariances]
        pairs += [(k[0], k[2]) for k, _ in (*self.fixed, *self.labels)  # an item's own variance
                  if k[1] == "~~" and k[0] == k[2] and (k[0], k[2]) not in pairs]  # fmt: skip
        lines += [f"{a} ~~ {term(a, '~~', b)}" for a, b in pairs]
        lines += [f"{a} == {b}" for a, b in self.equalities]
        return "\n".join(lines)


def _turned(key: Key) -> Key:
    return (key[2], key[1], key[0]) if key[1] == "~~" else key


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


_NAME = r"[A-Za-z_][A-Za-z0-9_.]*"
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_TERM = re.compile(rf"(?:({_NUMBER}|NA|{_NAME})\s*\*\s*)?({_NAME})")


def _terms(line: str, right: str) -> list[tuple[str | None, str]]:
    """``[(modifier or None, name), ...]`` of ``a + 0.5*b + lab*c``."""
    out = []
    for raw in right.split("+"):
        m = _TERM.fullmatch(raw.strip())
        if m is None:
            raise ValueError(
                f"cannot read {raw.strip()!r} in {line!r}: write a name, optionally after a "
                "fixed value (0.5*x), NA* (a freed marker) or a label (a*x)"
            )
        out.append((m.group(1), m.group(2)))
    return out


class _Reading:
    """What the lines of a model say, gathered before the model is checked."""

    def __init__(self) -> None:
        self.factors: dict[str, tuple[str, ...]] = {}
        self.regressions: list[tuple[str, str]] = []
        self.covariances: list[tuple[str, str]] = []
        self.fixed: dict[Key, float] = {}
        self.freed: list[Key] = []
        self.labels: dict[Key, str] = {}
        self.equalities: list[tuple[str, str]] = []

    def modify(self, key: Key, modifier: str | None) -> None:
        if modifier is None:
            return
        if modifier == "NA":
            self.freed.append(key)
        elif re.fullmatch(_NUMBER, modifier):
            self.fixed[key] = float(modifier)
        else:
            self.labels[key] = modifier

    def line(self, line: str) -> None:
        if m := re.fullmatch(rf"({_NAME})\s*=~\s*(.+)", line):
            factor, terms = m.group(1), _terms(line, m.group(2))
            if factor in self.factors:
                raise ValueError(f"factor {factor!r} is defined twice")
            self.factors[factor] = tuple(name for _, name in terms)
            for modifier, name in terms:
                self.modify((factor, "=~", name), modifier)
        elif m := re.fullmatch(rf"({_NAME})\s*~~\s*(.+)", line):
            for modifier, name in _terms(line, m.group(2)):
                self.covariances.append((m.group(1), name))
                self.modify((m.group(1), "~~", name), modifier)
        elif m := re.fullmatch(rf"({_NAME})\s*~(?![~1])\s*(.+)", line):
            for modifier, name in _terms(line, m.group(2)):
                self.regressions.append((m.group(1), name))
                self.modify((m.group(1), "~", name), modifier)
        elif m := re.fullmatch(rf"({_NAME})\s*==\s*({_NAME})", line):
            self.equalities.append((m.group(1), m.group(2)))
        else:
            raise ValueError(
                f"cannot read model line {line!r}: use 'factor =~ item + item', "
                "'factor ~ factor', 'a ~~ b' or 'label == label'"
            )


def parse_model(syntax: str) -> MeasurementModel:
    """Read lavaan syntax: factors (``f =~ a + b + c``), regressions between factors
    (``f ~ g + h``), (co)variances (``a ~~ b``, ``f ~~ g``), and before any name a fixed value
    (``0*x``, ``1*f``), ``NA`` (a freed marker) or a label (``a*x``: parameters with one
    label are equal); ``a == b`` makes two labels one. Lines split at newlines or ``;``,
    ``#`` starts a comment.

    Parameters
    ----------
    syntax : str
        The model in lavaan's syntax.

    Returns
    -------
    MeasurementModel
        Its factors, residual covariances, regressions, factor covariances and modifiers.

    Examples
    --------
    >>> parse_model("visual =~ x1 + x2 + x3; x1 ~~ x2").factors
    {'visual': ('x1', 'x2', 'x3')}
    >>> parse_model("f =~ NA*a + l*b + l*c; f ~~ 1*f").labels
    ((('f', '=~', 'b'), 'l'), (('f', '=~', 'c'), 'l'))
    """
    if not isinstance(syntax, str) or not syntax.strip():
        raise ValueError("the model is empty: give lavaan syntax such as 'f =~ a + b + c'")
    reading = _Reading()
    for raw in re.split(r"[;\n]", syntax):
        line = raw.split("#", 1)[0].strip()
        if line:
            reading.line(line)
    return _checked(reading)


def _checked(r: _Reading) -> MeasurementModel:
    factors = r.factors
    if not factors:
        raise ValueError("the model defines no factor ('f =~ a + b + c')")
    clash = set(factors) & {i for ind in factors.values() for i in ind}
    if clash:
        raise ValueError(f"second-order factors are not supported: {sorted(clash)}")
    small = [f for f, ind in factors.items() if len(ind) < 2]
    if small:
        raise ValueError(f"factors need at least two indicators: {small}")
    items = {i for ind in factors.values() for i in ind}
    for y, x in r.regressions:
        if y not in factors or x not in factors or y == x:
            raise ValueError(
                f"regression {y} ~ {x}: regressions are between two different factors of the "
                "model (observed outcomes and predictors are not supported)"
            )
    residual, latent = [], []
    for a, b in r.covariances:
        if a in items and b in items:
            residual.append((a, b))
        elif a in factors and b in factors:
            latent.append((a, b))
        else:
            raise ValueError(
                f"covariance {a} ~~ {b} must join two indicators or two factors of the model"
            )
    labels = set(r.labels.values())
    unknown = [x for pair in r.equalities for x in pair if x not in labels]
    if unknown:
        raise ValueError(f"equality constraint on unknown label(s) {unknown}")
    model = MeasurementModel(
        factors,
        tuple((a, b) for a, b in residual if a != b),
        tuple(r.regressions),
        tuple(latent),
        tuple(r.fixed.items()),
        tuple(r.freed),
        tuple(r.labels.items()),
        tuple(r.equalities),
    )
    for f, indicators in factors.items():
        marker_fixed = any(
            (model.fixed_value((f, "=~", i)) or 0) != 0
            or (pos == 0 and (f, "=~", i) not in model.freed
                and model.fixed_value((f, "=~", i)) is None)
            for pos, i in enumerate(indicators)
        )  # fmt: skip
        if not marker_fixed and model.fixed_value((f, "~~", f)) is None:
            raise ValueError(
                f"factor {f!r} has no scale: keep a marker (no NA* on its first indicator) or "
                f"fix its variance ({f} ~~ 1*{f})"
            )
    return model


def model_from_codebook(codebook: Codebook, constructs: list[str] | None = None) -> str:
    """lavaan syntax with one factor per construct (constructs with at least two items).

    Parameters
    ----------
    codebook : Codebook
        The survey's codebook.
    constructs : list of str, optional
        The constructs to model (default: every construct).

    Returns
    -------
    str
        lavaan syntax, one line per construct.

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
