"""Bootstrap confidence intervals for agreement coefficients, resampling units."""

from __future__ import annotations

import functools
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from qualcode.agreement.coefficients import AgreementError, Data, ReliabilityData


def bootstrap_ci(
    function: Callable[..., float],
    data: Data,
    *,
    n: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    **kwargs: Any,
) -> tuple[float, float]:
    """Percentile bootstrap interval for ``function(data, **kwargs)``, resampling units.

    Each of the ``n`` resamples draws as many units as ``data`` has, with replacement (a unit
    keeps all its coders' values), using ``numpy.random.default_rng(seed)``, so the same seed
    gives the same interval. A resample on which the coefficient is undefined (it raises
    :class:`AgreementError`, e.g. every value in it the same) is skipped, so the interval
    describes the resamples where the coefficient exists; if none of them does,
    :class:`AgreementError` is raised. The coefficient functions of this package receive the
    resample as :class:`ReliabilityData`; any other ``function`` gets lists of values.

    ``level`` here is the confidence level, so Krippendorff's level of measurement goes in with
    :func:`functools.partial`: ``bootstrap_ci(partial(krippendorff_alpha, level="ordinal"),
    data)``.
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
    rng = np.random.default_rng(seed)
    estimates: list[float] = []
    for _ in range(n):
        sample = ratings.take_units(rng.integers(0, ratings.n_units, ratings.n_units))
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
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(np.asarray(estimates), [tail, 1.0 - tail])
    return float(low), float(high)
