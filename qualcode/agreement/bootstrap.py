"""Bootstrap confidence intervals for agreement coefficients, and when to withhold them.

The method is Hesterberg's (2015) **expanded percentile bootstrap**: the interval runs between
percentiles of the coefficient over resamples drawn with replacement, the percentiles moved
out from 2.5 and 97.5 to make up for the plain percentile interval's narrowness in small
samples: with ``n`` resampled units (or documents) the tail is
``Phi(-sqrt(n / (n - 1)) * t(0.975, n - 1))`` (0.85% at 10, 1.9% at 30, 2.4% at 300). It is not
Hayes & Krippendorff's (2007) bootstrap, which draws pairs of values from the coincidence
matrix.
When units sit inside documents (sentences, turns, characters, segments), the resamples draw
whole **documents** (a cluster bootstrap), since units of one document are not independent;
otherwise (document units, or plain reliability data) they draw units.

A percentile bootstrap is only trustworthy with enough independent material. :func:`alpha_interval`
therefore withholds the interval, with the reason, when the code appears (any coder) in fewer
than :data:`MIN_CARRYING` of the resampled units or documents, when fewer than
:data:`MIN_CLUSTERS` documents are resampled, or when the coefficient is undefined on more than
:data:`MAX_DROPPED` of the resamples. The thresholds come from the coverage simulation in
``benchmarks/bench_agreement_coverage.py`` (see ``docs/agreement.md``).
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from qualcode.agreement.coefficients import AgreementError, Data, ReliabilityData

__all__ = [
    "MAX_DROPPED",
    "METHOD",
    "MIN_CARRYING",
    "MIN_CLUSTERS",
    "Bootstrap",
    "Interval",
    "alpha_interval",
    "bootstrap",
    "bootstrap_ci",
    "expanded_tail",
    "interval_of_counts",
]

METHOD = "expanded percentile bootstrap (Hesterberg 2015)"
MIN_CARRYING = 10
"""An interval needs the code in at least this many resampled units (or documents)."""
MIN_CLUSTERS = 10
"""A cluster bootstrap needs at least this many documents."""
MAX_DROPPED = 0.05
"""An interval is withheld when the coefficient is undefined on more than this share of the
resamples (the rest would describe only the lucky ones)."""


def expanded_tail(n: int, level: float = 0.95) -> float:
    """The lower tail probability of the expanded percentile interval for ``n`` resampled
    units (Hesterberg 2015, "What teachers should know about the bootstrap", section 6.4)."""
    from scipy.stats import norm, t

    if n < 2:
        return (1.0 - level) / 2.0
    z = (n / (n - 1)) ** 0.5 * float(t.ppf(1.0 - (1.0 - level) / 2.0, n - 1))
    return float(norm.cdf(-z))


def _clean(value: float) -> float:
    """No negative zero (``-0.0`` prints as ``-0.00``)."""
    return value + 0.0 if value != 0.0 else 0.0


@dataclass(frozen=True)
class Bootstrap:
    """A bootstrap interval and how it was obtained."""

    low: float
    high: float
    resamples: int
    dropped: float
    """Share of the resamples on which the coefficient was undefined (left out)."""


def bootstrap(
    function: Callable[..., float],
    data: Data,
    *,
    n: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    clusters: Any = None,
    **kwargs: Any,
) -> Bootstrap:
    """Expanded percentile bootstrap interval for ``function(data, **kwargs)`` (see the module
    docstring).

    Each of the ``n`` resamples draws units with replacement (a unit keeps all its coders'
    values), using ``numpy.random.default_rng(seed)``, so the same seed gives the same
    interval. With ``clusters`` (one label per unit, e.g. its document) it draws whole clusters
    instead, as many as there are, and takes every unit of each drawn cluster. A resample on
    which the coefficient is undefined (it raises :class:`AgreementError`) is left out and
    counted in :attr:`Bootstrap.dropped`; if none is defined, :class:`AgreementError` is raised.
    The coefficient functions of this package receive the resample as
    :class:`ReliabilityData`; any other ``function`` gets lists of values.

    ``level`` here is the confidence level, so Krippendorff's level of measurement goes in with
    :func:`functools.partial`: ``bootstrap(partial(krippendorff_alpha, level="ordinal"), data)``.
    """
    if n < 1:
        raise AgreementError(f"the bootstrap needs at least one resample; n={n}")
    if isinstance(level, str):
        raise AgreementError(
            f"level={level!r} is the confidence level here; pass the level of measurement "
            "with functools.partial(krippendorff_alpha, level=...)"
        )
    if not isinstance(level, numbers.Real) or not 0.0 < level < 1.0:
        raise AgreementError(f"the confidence level must be between 0 and 1; got {level}")
    ratings = ReliabilityData.from_values(data)
    inner = function.func if isinstance(function, functools.partial) else function
    native = getattr(inner, "__module__", "") == "qualcode.agreement.coefficients"
    categories = np.array(ratings.categories + (None,), dtype=object)
    members = _members(clusters, ratings.n_units)
    rng = np.random.default_rng(seed)
    estimates: list[float] = []
    for _ in range(n):
        if members is None:
            picked = rng.integers(0, ratings.n_units, ratings.n_units)
        else:
            drawn = rng.integers(0, len(members), len(members))
            picked = np.concatenate([members[i] for i in drawn])
        sample = ratings.take_units(picked)
        argument: Data = sample if native else categories[sample.codes].tolist()
        try:
            estimates.append(float(function(argument, **kwargs)))
        except AgreementError:
            continue
    if not estimates:
        raise AgreementError(
            f"{getattr(function, '__name__', 'the coefficient')} is undefined on every "
            "bootstrap resample"
        )
    tail = expanded_tail(ratings.n_units if members is None else len(members), level)
    low, high = np.quantile(np.asarray(estimates), [tail, 1.0 - tail])
    return Bootstrap(_clean(float(low)), _clean(float(high)), n, 1.0 - len(estimates) / n)


def _members(clusters: Any, n_units: int) -> list[np.ndarray] | None:
    if clusters is None:
        return None
    labels = np.asarray(clusters)
    if labels.shape != (n_units,):
        raise AgreementError(f"clusters needs one label per unit ({n_units}); got {labels.size}")
    _values, inverse = np.unique(labels, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(inverse[order])) + 1)


def bootstrap_ci(
    function: Callable[..., float],
    data: Data,
    *,
    n: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    clusters: Any = None,
    **kwargs: Any,
) -> tuple[float, float]:
    """``(low, high)`` of :func:`bootstrap` (same arguments)."""
    found = bootstrap(function, data, n=n, seed=seed, level=level, clusters=clusters, **kwargs)
    return found.low, found.high


# -- nominal alpha of presence tables, fast --------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """A bootstrap interval of nominal alpha for a presence table, or why there is none."""

    low: float | None
    high: float | None
    withheld: str | None
    """Why no interval is given (``low`` and ``high`` are then None)."""
    resampled: str
    """``"units"`` or ``"documents"``: what each resample draws."""
    sampled: int
    """How many units (or documents) each resample draws."""
    carrying: int
    """How many of them hold the code for at least one coder."""
    resamples: int
    dropped: float | None
    """Share of resamples on which alpha was undefined (None when none were drawn)."""

    @property
    def bounds(self) -> list[float | None]:
        return [self.low, self.high]


def _alpha_from_counts(counts: np.ndarray, m: int) -> np.ndarray:
    """Nominal alpha of complete binary data from ``counts[..., k]``: units with ``k`` of the
    ``m`` coders present. ``nan`` where undefined (every value the same)."""
    k = np.arange(m + 1, dtype=np.float64)
    agreeing = (k * (k - 1) + (m - k) * (m - k - 1)) / (m - 1)
    n = counts.sum(axis=-1) * float(m)
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = (n - counts @ agreeing) / n
        ones = counts @ k
        expected = 2.0 * ones * (n - ones) / (n * (n - 1))
        return np.where(expected > 0, 1.0 - observed / np.where(expected > 0, expected, 1), np.nan)


def _compact(labels: np.ndarray) -> np.ndarray:
    """Labels renumbered 0..k-1 (small non-negative integers by counting, not sorting)."""
    if labels.dtype.kind in "iu" and labels.size and labels.min() >= 0 and labels.max() < 1 << 20:
        seen = np.bincount(labels) > 0
        renumber = np.cumsum(seen) - 1
        return renumber[labels]
    return np.unique(labels, return_inverse=True)[1].reshape(-1)


def alpha_interval(
    presence: np.ndarray,
    clusters: np.ndarray | None = None,
    *,
    n_boot: int = 500,
    seed: int = 0,
    level: float = 0.95,
) -> Interval:
    """Expanded percentile bootstrap interval of nominal alpha for a complete presence table
    (coders x units), resampling units, or whole clusters (``clusters``: one label per unit,
    such as its document), withheld when it cannot be trusted (see the module docstring).

    With no missing values, alpha depends only on how many units have ``k`` coders present
    (``k = 0..m``), so a resample is a weighted sum of per-cluster counts: a few operations,
    not a pass over the units (this is what makes character units affordable).
    """
    m, n_units = presence.shape
    if n_units == 0:
        raise AgreementError("alpha has no units to resample")
    present = presence.sum(axis=0, dtype=np.int64)
    if clusters is None:
        counts = np.bincount(present, minlength=m + 1)[None, :].astype(np.float64)
    else:
        inverse = _compact(np.asarray(clusters))
        counts = np.zeros((int(inverse.max()) + 1, m + 1), dtype=np.float64)
        np.add.at(counts, (inverse, present), 1.0)
    return interval_of_counts(
        counts, m, clustered=clusters is not None, n_boot=n_boot, seed=seed, level=level
    )


def interval_of_counts(
    counts: np.ndarray,
    m: int,
    *,
    clustered: bool,
    n_boot: int = 500,
    seed: int = 0,
    level: float = 0.95,
) -> Interval:
    """:func:`alpha_interval` from counts: ``counts[d, k]`` units of document ``d`` with ``k``
    of the ``m`` coders present (every row a document with units, in document order), or with
    ``clustered=False`` one row, ``counts[0, k]``, of units to resample one by one."""
    if clustered:
        sampled, resampled = int(counts.shape[0]), "documents"
        carrying = int(np.count_nonzero(counts[:, 1:].sum(axis=1)))
    else:
        n_units = int(counts[0].sum())
        sampled, resampled = n_units, "units"
        carrying = n_units - int(counts[0, 0])
    if sampled == 0:
        raise AgreementError("alpha has no units to resample")
    withheld = None
    noun = "document" if resampled == "documents" else "unit"
    if resampled == "documents" and sampled < MIN_CLUSTERS:
        withheld = (
            f"too few documents to judge: {sampled} (an interval needs at least {MIN_CLUSTERS})"
        )
    elif carrying < MIN_CARRYING:
        withheld = (
            f"too rare to judge: coded in {carrying} {noun}{'s' if carrying != 1 else ''}"
            f" (an interval needs at least {MIN_CARRYING})"
        )
    dropped: float | None = None
    low = high = None
    if withheld is None:
        rng = np.random.default_rng(seed)
        if resampled == "units":
            draws = rng.multinomial(sampled, counts[0] / sampled, size=n_boot).astype(np.float64)
        else:
            weights = rng.multinomial(sampled, np.full(sampled, 1.0 / sampled), size=n_boot)
            draws = weights.astype(np.float64) @ counts
        estimates = _alpha_from_counts(draws, m)
        defined = estimates[~np.isnan(estimates)]
        dropped = 1.0 - defined.size / n_boot
        if dropped > MAX_DROPPED:
            withheld = (
                f"alpha is undefined on {dropped:.0%} of the resamples (an interval allows "
                f"at most {MAX_DROPPED:.0%})"
            )
        else:
            tail = expanded_tail(sampled, level)
            quantiles = np.quantile(defined, [tail, 1.0 - tail])
            low, high = _clean(float(quantiles[0])), _clean(float(quantiles[1]))
    return Interval(low, high, withheld, resampled, sampled, carrying, n_boot, dropped)
