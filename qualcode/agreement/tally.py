"""The few counts that every figure of a complete presence table depends on.

A presence table (coders x units, 1 where a coder has the code on a unit, no missing values)
holds two values per unit, so every figure the report gives is a function of small counts:

* how many units have exactly ``k`` of the ``m`` coders present (``k = 0..m``): percent
  agreement, Fleiss' kappa, nominal alpha, AC1 and the disagreements of all the coders;
* how many units have both coder ``i`` and coder ``j`` present (and each coder alone): Cohen's
  kappa and every figure of a pair of coders;
* the first counts per document: the cluster bootstrap of alpha.

:class:`Tally` gathers them in one pass over a table, and tallies add up, so the overall row
(every used code's units side by side) is the sum of the codes' tallies instead of a second
table as wide as all of them. With character units (tens of thousands of units per code,
millions pooled) this is what keeps a report under a second. The figures equal those of
:mod:`qualcode.agreement.coefficients` on the same table (up to the last bits of floating-point
rounding: sums over counts instead of over units), with the same errors when one is undefined.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qualcode.agreement.coefficients import AgreementError, _undefined

__all__ = ["Tally", "ac1", "alpha", "disagreements", "kappa", "percent_agreement"]


@dataclass(frozen=True, eq=False)
class Tally:
    """Counts of a complete presence table of ``m`` coders (see the module docstring)."""

    present: np.ndarray
    """``int64`` (m + 1): units on which exactly ``k`` coders have the code."""
    joint: np.ndarray
    """``int64`` (m x m): units on which both coder ``i`` and coder ``j`` have the code (the
    diagonal: coder ``i``'s units)."""
    clusters: np.ndarray | None = None
    """``float64`` (documents x (m + 1)): :attr:`present` per document (index as given), or
    None."""

    @property
    def coders(self) -> int:
        return int(self.present.size - 1)

    @property
    def units(self) -> int:
        return int(self.present.sum())

    @classmethod
    def of(
        cls, presence: np.ndarray, clusters: np.ndarray | None = None, n_clusters: int = 0
    ) -> Tally:
        """The tally of ``presence`` (coders x units of 0 and 1); with ``clusters`` (the
        document index of each unit, below ``n_clusters``) the counts per document too."""
        m = int(presence.shape[0])
        if presence.size and (int(presence.min()) < 0 or int(presence.max()) > 1):
            raise AgreementError("a presence table holds only 0 and 1")
        present = presence.sum(axis=0, dtype=np.int64)
        wide = presence.astype(np.float64)
        joint = np.rint(wide @ wide.T).astype(np.int64)
        per_cluster = None
        if clusters is not None:
            keys = np.asarray(clusters, dtype=np.int64) * (m + 1) + present
            size = max(n_clusters, int(clusters.max()) + 1 if clusters.size else 0)
            per_cluster = (
                np.bincount(keys, minlength=size * (m + 1)).reshape(size, m + 1).astype(np.float64)
            )
        return cls(np.bincount(present, minlength=m + 1).astype(np.int64), joint, per_cluster)

    def __add__(self, other: Tally) -> Tally:
        """The tally of the two tables side by side (same coders, same document index)."""
        if self.clusters is None or other.clusters is None:
            clusters = None
        else:
            size = max(len(self.clusters), len(other.clusters))
            clusters = np.zeros((size, self.present.size), dtype=np.float64)
            clusters[: len(self.clusters)] += self.clusters
            clusters[: len(other.clusters)] += other.clusters
        return Tally(self.present + other.present, self.joint + other.joint, clusters)

    @classmethod
    def empty(cls, coders: int, n_clusters: int = 0) -> Tally:
        return cls(
            np.zeros(coders + 1, dtype=np.int64),
            np.zeros((coders, coders), dtype=np.int64),
            np.zeros((n_clusters, coders + 1), dtype=np.float64),
        )

    def pair(self, i: int, j: int) -> Tally:
        """The tally of coders ``i`` and ``j`` alone."""
        n = self.units
        a, b, both = int(self.joint[i, i]), int(self.joint[j, j]), int(self.joint[i, j])
        present = np.array([n - a - b + both, a + b - 2 * both, both], dtype=np.int64)
        joint = np.array([[a, both], [both, b]], dtype=np.int64)
        return Tally(present, joint)

    def cluster_counts(self) -> np.ndarray:
        """:attr:`clusters` without the documents that have no units, in document order."""
        if self.clusters is None:
            raise AgreementError("this tally has no counts per document")
        return self.clusters[self.clusters.sum(axis=1) > 0]


def _agreeing(m: int) -> np.ndarray:
    """Per ``k``: agreeing ordered pairs of values on a unit with ``k`` of ``m`` present."""
    k = np.arange(m + 1, dtype=np.float64)
    return k * (k - 1) + (m - k) * (m - k - 1)


def _check(tally: Tally, name: str) -> None:
    if tally.units == 0 or tally.coders < 2:
        raise AgreementError(
            f"{name} needs units coded by at least two coders; no unit has two values"
        )


def percent_agreement(tally: Tally) -> float:
    """Share of agreeing pairs of coders, averaged over units."""
    _check(tally, "percent agreement")
    m = tally.coders
    share = _agreeing(m) / (m * (m - 1))
    return float(tally.present @ share) / tally.units


def _shares(tally: Tally) -> tuple[float, float]:
    """Mean share of the values on a unit that are absent, and present."""
    m = tally.coders
    k = np.arange(m + 1, dtype=np.float64)
    n = tally.units
    return float(tally.present @ ((m - k) / m)) / n, float(tally.present @ (k / m)) / n


def kappa(tally: Tally) -> float:
    """Cohen's kappa for two coders, Fleiss' for more."""
    if tally.coders == 2:
        _check(tally, "Cohen's kappa")
        n = tally.units
        a, b, both = int(tally.joint[0, 0]), int(tally.joint[1, 1]), int(tally.joint[0, 1])
        observed = (n - a - b + 2 * both) / n
        expected = ((n - a) / n) * ((n - b) / n) + (a / n) * (b / n)
        if expected >= 1.0:
            raise _undefined("Cohen's kappa")
        return (observed - expected) / (1.0 - expected)
    _check(tally, "Fleiss' kappa")
    observed = percent_agreement(tally)
    absent, present = _shares(tally)
    expected = absent * absent + present * present
    if expected >= 1.0:
        raise _undefined("Fleiss' kappa")
    return (observed - expected) / (1.0 - expected)


def alpha(tally: Tally) -> float:
    """Krippendorff's alpha, nominal."""
    name = "Krippendorff's alpha (nominal)"
    _check(tally, "Krippendorff's alpha")
    m = tally.coders
    n = float(tally.units * m)
    ones = float(tally.present @ np.arange(m + 1, dtype=np.float64))
    observed = (n - float(tally.present @ _agreeing(m)) / (m - 1)) / n
    expected = (n * n - ((n - ones) ** 2 + ones**2)) / (n * (n - 1))
    if expected <= 0.0:
        raise _undefined(name)
    return 1.0 - observed / expected


def ac1(tally: Tally) -> float:
    """Gwet's AC1 with the two categories present and absent."""
    _check(tally, "Gwet's AC1")
    absent, present = _shares(tally)
    expected = absent * (1.0 - absent) + present * (1.0 - present)
    observed = percent_agreement(tally)
    return (observed - expected) / (1.0 - expected)


def disagreements(tally: Tally) -> int:
    """Units on which the coders do not all give the same value."""
    return int(tally.units - tally.present[0] - tally.present[-1])
