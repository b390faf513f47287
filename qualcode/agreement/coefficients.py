"""Inter-coder agreement coefficients computed from reliability data.

Reliability data is a list of coders, each a list of the values that coder gave to every unit
(``None`` where the coder did not code the unit); values may be any hashable category. A
two-dimensional numpy array (coders x units, ``nan`` for missing) is accepted as well and is the
fastest form for large data. Float ``nan`` counts as missing in either form.

Each coefficient returns a plain ``float`` and raises :class:`AgreementError` when its input is
degenerate or the coefficient is undefined, never a silent ``nan``. Units coded by fewer than two
coders carry no information about agreement and are dropped wherever pairs of values are needed
(as Krippendorff does); the one exception is noted on :func:`gwet_ac1`.

Everything works on integer codes, vectorised with numpy: categories are numbered once, and the
per-unit counts of each category (``n_uk``) are the only summary most coefficients need.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np

from qualcode.errors import QualcodeError

__all__ = [
    "AgreementError",
    "Level",
    "ReliabilityData",
    "brennan_prediger",
    "cohen_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "percent_agreement",
    "scott_pi",
]

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")

#: Past this many unit x category cells the per-unit counts are found by sorting, not a table.
_DENSE_CELLS = 20_000_000


class AgreementError(QualcodeError):
    """Reliability data cannot give the requested coefficient (degenerate or undefined)."""


def _undefined(name: str) -> AgreementError:
    return AgreementError(
        f"{name} is undefined: expected disagreement is 0 (all values are the same)"
    )


@dataclass(frozen=True)
class ReliabilityData:
    """Reliability data as integer codes: the form every coefficient computes from.

    Build it with :meth:`from_values`; coefficients accept it wherever they accept ``data``, so
    code that computes several coefficients (or bootstraps one) converts the values only once.
    """

    codes: np.ndarray
    """``int64`` array, coders x units: index into :attr:`categories`, ``-1`` where missing."""
    categories: tuple[Hashable, ...]
    """The distinct values, in order of first appearance (numeric arrays: ascending)."""

    @property
    def n_coders(self) -> int:
        return int(self.codes.shape[0])

    @property
    def n_units(self) -> int:
        return int(self.codes.shape[1])

    @classmethod
    def from_values(cls, data: Data) -> ReliabilityData:
        """Check ``data`` and number its categories; raise :class:`AgreementError` if unusable."""
        if isinstance(data, ReliabilityData):
            return data
        if isinstance(data, np.ndarray) and data.dtype.kind in "biuf":
            return cls._from_numeric_array(data)
        if isinstance(data, str | bytes) or not isinstance(data, Sequence | np.ndarray):
            raise AgreementError(
                "reliability data must be a list of coders, each a list of values per unit"
            )
        rows = list(data)
        _check_shape(len(rows), [_row_length(row, i) for i, row in enumerate(rows)])
        index: dict[Any, int] = {}
        try:
            flat = [
                -1 if value is None else index.setdefault(value, len(index))
                for row in rows
                for value in row
            ]
        except TypeError as error:
            raise AgreementError(f"every value must be hashable (a category): {error}") from None
        codes = np.array(flat, dtype=np.int64).reshape(len(rows), -1)
        categories = list(index)
        is_nan = [isinstance(c, float | np.floating) and math.isnan(c) for c in categories]
        if any(is_nan):
            keep = np.array([not flag for flag in is_nan])
            renumber = np.full(len(categories) + 1, -1, dtype=np.int64)
            renumber[:-1][keep] = np.arange(int(keep.sum()))
            codes = renumber[codes]  # -1 indexes the final slot, which stays -1
            categories = [c for c, flag in zip(categories, is_nan, strict=True) if not flag]
        return cls(codes=codes, categories=tuple(categories))

    @classmethod
    def _from_numeric_array(cls, array: np.ndarray) -> ReliabilityData:
        if array.ndim != 2:
            raise AgreementError(
                f"a reliability array must be 2-D (coders x units); this one has {array.ndim} "
                "dimension(s)"
            )
        _check_shape(array.shape[0], [array.shape[1]] * array.shape[0])
        if array.dtype.kind in "biu" and array.size:
            # Small non-negative integers (presence tables): number categories by counting,
            # which is much faster than sorting a million values.
            low, high = int(array.min()), int(array.max())
            if low >= 0 and high < 1024:
                seen = np.flatnonzero(np.bincount(array.ravel(), minlength=high + 1))
                renumber = np.full(high + 1, -1, dtype=np.int64)
                renumber[seen] = np.arange(seen.size)
                return cls(codes=renumber[array], categories=tuple(seen.tolist()))
        values = array.astype(np.float64, copy=False) if array.dtype.kind == "f" else array
        present = ~np.isnan(values) if values.dtype.kind == "f" else np.ones(array.shape, bool)
        categories, inverse = np.unique(values[present], return_inverse=True)
        codes = np.full(array.shape, -1, dtype=np.int64)
        codes[present] = inverse
        return cls(codes=codes, categories=tuple(categories.tolist()))

    @cached_property
    def unit_counts(self) -> _UnitCounts:
        """The per-unit category counts every coefficient starts from (computed once)."""
        return _unit_counts(self)

    def take_units(self, indices: np.ndarray) -> ReliabilityData:
        """The same coders and categories on the units at ``indices`` (repeats allowed)."""
        return ReliabilityData(codes=self.codes[:, indices], categories=self.categories)


Data = Sequence[Sequence[Hashable | None]] | np.ndarray | ReliabilityData


def _row_length(row: object, position: int) -> int:
    if isinstance(row, str | bytes) or not isinstance(row, Sequence | np.ndarray):
        raise AgreementError(
            f"coder {position + 1}: expected a list of values per unit, got {type(row).__name__}"
        )
    return len(row)


def _check_shape(n_coders: int, lengths: list[int]) -> None:
    if n_coders < 2:
        raise AgreementError(f"agreement needs at least two coders; got {n_coders}")
    if len(set(lengths)) > 1:
        detail = ", ".join(f"coder {i + 1}: {n}" for i, n in enumerate(lengths))
        raise AgreementError(
            f"every coder needs one value (or None) per unit; list lengths differ ({detail})"
        )
    if lengths[0] == 0:
        raise AgreementError("reliability data has no units")


@dataclass(frozen=True)
class _UnitCounts:
    """The non-zero ``n_uk``: how many coders gave category ``k`` to unit ``u``."""

    unit: np.ndarray
    category: np.ndarray
    count: np.ndarray
    per_unit: np.ndarray
    """``m_u``: how many values each unit has."""


def _unit_counts(ratings: ReliabilityData) -> _UnitCounts:
    codes = ratings.codes
    n_units = ratings.n_units
    n_categories = max(len(ratings.categories), 1)
    base = np.arange(n_units, dtype=np.int64) * n_categories
    if codes.size and int(codes.min()) >= 0:  # complete data: no mask to apply
        keys = (codes + base).ravel()
    else:
        present = codes >= 0
        keys = np.broadcast_to(base, codes.shape)[present] + codes[present]
    if n_units * n_categories <= _DENSE_CELLS:
        table = np.bincount(keys, minlength=n_units * n_categories)
        keys = np.flatnonzero(table)
        count = table[keys]
    else:
        keys, count = np.unique(keys, return_counts=True)
    unit_of, category = np.divmod(keys, n_categories)
    per_unit = np.bincount(unit_of, weights=count, minlength=n_units)
    return _UnitCounts(unit_of, category, count.astype(np.float64), per_unit)


def _pairable(counts: _UnitCounts, name: str) -> np.ndarray:
    """Mask of units with at least two values; raise if there are none."""
    mask = counts.per_unit >= 2
    if not mask.any():
        raise AgreementError(
            f"{name} needs units coded by at least two coders; no unit has two values"
        )
    return mask


def _percent_agreement(counts: _UnitCounts, pairable: np.ndarray) -> float:
    agreeing = np.bincount(
        counts.unit, weights=counts.count * (counts.count - 1), minlength=pairable.size
    )
    m = counts.per_unit[pairable]
    return float(np.mean(agreeing[pairable] / (m * (m - 1))))


def percent_agreement(data: Data) -> float:
    """Share of agreeing pairs of coders, averaged over units coded by two or more coders.

    For each unit, the agreeing pairs among all pairs of coders who coded it; for two coders
    this is the share of units (coded by both) on which they agree.
    """
    ratings = ReliabilityData.from_values(data)
    counts = ratings.unit_counts
    return _percent_agreement(counts, _pairable(counts, "percent agreement"))


def cohen_kappa(data: Data) -> float:
    """Cohen's (1960) kappa for exactly two coders, on the units both of them coded.

    Chance agreement ``p_e = sum_k p_Ak * p_Bk`` uses each coder's own marginal proportions.
    """
    ratings = ReliabilityData.from_values(data)
    if ratings.n_coders != 2:
        raise AgreementError(
            f"Cohen's kappa is for exactly two coders; got {ratings.n_coders} "
            "(use fleiss_kappa or krippendorff_alpha for more)"
        )
    first, second = ratings.codes
    both = (first >= 0) & (second >= 0)
    if not both.any():
        raise AgreementError("Cohen's kappa needs units coded by both coders; there are none")
    first, second = first[both], second[both]
    n_categories = len(ratings.categories)
    observed = float(np.mean(first == second))
    p_first = np.bincount(first, minlength=n_categories) / first.size
    p_second = np.bincount(second, minlength=n_categories) / second.size
    expected = float(p_first @ p_second)
    if expected >= 1.0:
        raise _undefined("Cohen's kappa")
    return (observed - expected) / (1.0 - expected)


def fleiss_kappa(data: Data) -> float:
    """Fleiss' (1971) kappa, with missing values handled as Gwet (2014, ch. 2) does.

    ``P_o`` is :func:`percent_agreement`: each unit with two or more values contributes its
    agreeing ordered pairs over all ``n_u (n_u - 1)`` ordered pairs of its values, averaged over
    those units. ``p_j`` is the mean over every unit with at least one value of the share of
    that unit's values in category ``j`` (as for :func:`gwet_ac1`, and as Gwet's irrCAC does), so
    a unit coded by a single coder informs the shares though not ``P_o``; ``P_e = sum_j p_j**2``.
    With the same number of coders on every unit this is exactly Fleiss (1971).
    """
    return _fleiss(data, "Fleiss' kappa")


def scott_pi(data: Data) -> float:
    """Scott's (1955) pi: chance agreement from the coders' pooled category shares.

    For two coders with no missing values: ``p_e = sum_k ((p_Ak + p_Bk) / 2)**2``. With more
    coders, or with missing values, this computes Fleiss' generalisation as
    :func:`fleiss_kappa` does (the two functions always agree).
    """
    return _fleiss(data, "Scott's pi")


def _fleiss(data: Data, name: str) -> float:
    ratings = ReliabilityData.from_values(data)
    counts = ratings.unit_counts
    pairable = _pairable(counts, name)
    observed = _percent_agreement(counts, pairable)
    shares = _category_shares(ratings, counts)
    expected = float(shares @ shares)
    if expected >= 1.0:
        raise _undefined(name)
    return (observed - expected) / (1.0 - expected)


def _category_shares(ratings: ReliabilityData, counts: _UnitCounts) -> np.ndarray:
    """``pi_k``: the mean, over units with at least one value, of the share of the unit's
    values in category ``k`` (Gwet 2014)."""
    share = counts.count / counts.per_unit[counts.unit]
    coded = int(np.count_nonzero(counts.per_unit > 0))
    return np.bincount(counts.category, weights=share, minlength=len(ratings.categories)) / coded


def _number_of_categories(
    ratings: ReliabilityData, counts: _UnitCounts, categories: Iterable[Hashable] | None
) -> int:
    """``q``: the number of categories given, or else the number observed."""
    if categories is None:
        return int(np.unique(counts.category).size)
    given = set(categories)
    used = {ratings.categories[k] for k in np.unique(counts.category).tolist()}
    unknown = used - given
    if unknown:
        listed = ", ".join(sorted(map(repr, unknown))[:5])
        raise AgreementError(
            f"values not among the given categories: {listed}; add them to categories="
        )
    return len(given)


def brennan_prediger(data: Data, categories: Iterable[Hashable] | None = None) -> float:
    """Brennan & Prediger's (1981) coefficient: ``(p_o - 1/q) / (1 - 1/q)``.

    ``p_o`` is :func:`percent_agreement`; ``q`` is the number of ``categories`` given (the
    codebook's codes, say), or else the number of distinct values observed.
    """
    ratings = ReliabilityData.from_values(data)
    counts = ratings.unit_counts
    pairable = _pairable(counts, "Brennan-Prediger coefficient")
    q = _number_of_categories(ratings, counts, categories)
    if q < 2:
        raise AgreementError(
            "Brennan-Prediger coefficient is undefined: expected disagreement is 0 (all values "
            "are the same); pass categories= to count the codes that were not used"
        )
    observed = _percent_agreement(counts, pairable)
    return (observed - 1.0 / q) / (1.0 - 1.0 / q)


def gwet_ac1(data: Data, categories: Iterable[Hashable] | None = None) -> float:
    """Gwet's AC1 (Gwet 2008; Handbook of Inter-Rater Reliability, 2014), multi-rater form.

    ``p_a`` is :func:`percent_agreement` (units with two or more values);
    ``p_e = sum_k pi_k (1 - pi_k) / (q - 1)`` where ``pi_k`` is the mean over units of the share
    of a unit's values in category ``k``. As in Gwet (2014) and his irrCAC package, ``pi_k`` is
    averaged over every unit with at least one value, so a unit coded by a single coder still
    informs ``pi_k`` though not ``p_a``. ``q`` is the number of ``categories`` given, or else the
    number observed.
    """
    ratings = ReliabilityData.from_values(data)
    counts = ratings.unit_counts
    pairable = _pairable(counts, "Gwet's AC1")
    q = _number_of_categories(ratings, counts, categories)
    if q < 2:
        raise AgreementError(
            "Gwet's AC1 is undefined: only one category is in use (all values are the same); "
            "pass categories= to count the codes that were not used"
        )
    pi = _category_shares(ratings, counts)
    expected = float(np.sum(pi * (1.0 - pi)) / (q - 1))
    observed = _percent_agreement(counts, pairable)
    return (observed - expected) / (1.0 - expected)


def krippendorff_alpha(
    data: Data, level: Level | str = "nominal", order: Sequence[Hashable] | None = None
) -> float:
    """Krippendorff's alpha for any number of coders, with missing values.

    Computed from the coincidence matrix (Krippendorff 2011, "Computing Krippendorff's
    Alpha-Reliability"): ``alpha = 1 - D_o / D_e`` over the pairable values (units with two or
    more values). ``level`` picks the difference function: ``nominal``; ``ordinal`` (categories
    in the given ``order``, such as the codebook's; numbers may go without one and are then
    taken in ascending order, but text labels may not: their alphabetical order is rarely their
    meaning, so they are refused without ``order``; the difference between ``c`` and ``k``
    being the squared number of pooled values from ``c`` to ``k`` less half of those at ``c``
    and at ``k``); ``interval``
    (squared difference); ``ratio`` (squared ``(c - k) / (c + k)``, non-negative values).

    The sums run over units and coders, never over a categories x categories table, except the
    expected disagreement at the ratio level; the ordinal difference equals the squared
    difference of the categories' mid-ranks, so ordinal is computed as interval on mid-ranks.
    """
    if level not in LEVELS:
        raise AgreementError(
            f"unknown level of measurement {level!r}; use one of {', '.join(LEVELS)}"
        )
    ratings = ReliabilityData.from_values(data)
    counts = ratings.unit_counts
    pairable = _pairable(counts, "Krippendorff's alpha")
    keep = pairable[counts.unit]
    unit, category, count = counts.unit[keep], counts.category[keep], counts.count[keep]
    m = counts.per_unit
    n_categories = len(ratings.categories)
    pooled = np.bincount(category, weights=count, minlength=n_categories)
    n = float(pooled.sum())
    name = f"Krippendorff's alpha ({level})"

    if level == "nominal":
        agreeing = count * (count - 1) / (m[unit] - 1)
        observed = (n - float(agreeing.sum())) / n
        expected = (n * n - float(pooled @ pooled)) / (n * (n - 1))
    elif level == "ratio":
        x = _numeric_categories(ratings, level)
        if (x[pooled > 0] < 0).any():
            raise AgreementError(
                "Krippendorff's alpha at the ratio level needs non-negative values"
            )
        observed = _ratio_observed(ratings.codes, x, m, pairable) / n
        expected = _ratio_expected(x, pooled) / (n * (n - 1))
    else:
        if level == "interval":
            x = _numeric_categories(ratings, level)
        else:
            x = _mid_ranks(ratings, pooled, order)
        observed, expected = _interval(unit, category, count, m, x, pooled, n)
    if expected <= 0.0:
        raise _undefined(name)
    return 1.0 - observed / expected


def _numeric_categories(ratings: ReliabilityData, level: str) -> np.ndarray:
    bad = [
        c
        for c in ratings.categories
        if isinstance(c, bool | np.bool_) or not isinstance(c, numbers.Real)
    ]
    if bad:
        shown = ", ".join(repr(c) for c in bad[:5])
        raise AgreementError(
            f"the {level} level needs numeric values; these are not: {shown} "
            "(use level='nominal' or 'ordinal' for categories)"
        )
    return np.asarray(ratings.categories, dtype=np.float64)


def _mid_ranks(
    ratings: ReliabilityData, pooled: np.ndarray, order: Sequence[Hashable] | None
) -> np.ndarray:
    """Each category's mid-rank among the pooled values, categories in ``order`` (or, for
    numbers, ascending)."""
    categories: list[Any] = list(ratings.categories)
    if order is None:
        text = [
            c
            for c in categories
            if isinstance(c, bool | np.bool_) or not isinstance(c, numbers.Real)
        ]
        if text:
            shown = ", ".join(repr(c) for c in text[:5])
            raise AgreementError(
                f"the ordinal level needs the order of text labels ({shown}); pass "
                "order=[...] from the codebook, lowest first"
            )
        positions = categories
    else:
        rank = {value: i for i, value in enumerate(order)}
        missing = [c for c, p in zip(categories, pooled, strict=True) if p and c not in rank]
        if missing:
            shown = ", ".join(repr(c) for c in missing[:5])
            raise AgreementError(f"values not in the given order: {shown}; add them to order=")
        positions = [rank.get(c, -1) for c in categories]
    order_index = sorted(range(len(categories)), key=positions.__getitem__)
    ordered = pooled[order_index]
    ranks = np.empty_like(pooled)
    ranks[order_index] = np.cumsum(ordered) - ordered / 2.0
    return ranks


def _interval(
    unit: np.ndarray,
    category: np.ndarray,
    count: np.ndarray,
    m: np.ndarray,
    x: np.ndarray,
    pooled: np.ndarray,
    n: float,
) -> tuple[float, float]:
    """``D_o`` and ``D_e`` for squared differences, from per-unit and pooled variances.

    Over the ordered pairs of a unit's values, ``sum (v_i - v_j)**2 = 2 m sum (v_i - mean)**2``;
    centring first keeps the sums exact enough for large values.
    """
    values = x[category]
    sums = np.bincount(unit, weights=count * values, minlength=m.size)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / m
    spread = np.bincount(unit, weights=count * (values - means[unit]) ** 2, minlength=m.size)
    used = m >= 2
    observed = float(np.sum(2.0 * m[used] * spread[used] / (m[used] - 1))) / n
    centre = float(pooled @ x) / n
    expected = 2.0 * n * float(pooled @ (x - centre) ** 2) / (n * (n - 1))
    return observed, expected


def _ratio_delta(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    total = a + b
    with np.errstate(invalid="ignore", divide="ignore"):
        delta = ((a - b) / total) ** 2
    return np.where(total == 0, 0.0, delta)


def _ratio_observed(codes: np.ndarray, x: np.ndarray, m: np.ndarray, pairable: np.ndarray) -> float:
    """Sum over pairable units of the unit's ordered-pair differences over ``m_u - 1``."""
    codes = codes[:, pairable]
    weight = 1.0 / (m[pairable] - 1)
    total = 0.0
    for a in range(codes.shape[0] - 1):
        for b in range(a + 1, codes.shape[0]):
            both = (codes[a] >= 0) & (codes[b] >= 0)
            delta = _ratio_delta(x[codes[a][both]], x[codes[b][both]])
            total += 2.0 * float(delta @ weight[both])
    return total


def _ratio_expected(x: np.ndarray, pooled: np.ndarray, block: int = 2048) -> float:
    """``sum_c sum_k n_c n_k delta(c, k)`` over the categories in use, in blocks."""
    used = pooled > 0
    x, pooled = x[used], pooled[used]
    total = 0.0
    for start in range(0, x.size, block):
        part = slice(start, start + block)
        delta = _ratio_delta(x[part, None], x[None, :])
        total += float(pooled[part] @ delta @ pooled)
    return total
