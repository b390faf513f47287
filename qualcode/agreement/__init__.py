"""Inter-coder agreement: chance-corrected coefficients and their bootstrap intervals.

The intervals are expanded percentile bootstrap intervals (Hesterberg 2015) that resample
documents where units sit inside documents, and are withheld, with the reason, where they
cannot be trusted; see :mod:`qualcode.agreement.bootstrap` and ``docs/agreement.md``.

``data`` is a list of coders, each a list of values per unit (``None`` = not coded); see
:mod:`qualcode.agreement.coefficients` for the definitions each coefficient follows.
:mod:`qualcode.agreement.units` turns a project's codings into such tables (character,
sentence, turn, document or segment units) and :mod:`qualcode.agreement.report` reports them.
"""

from qualcode.agreement.bootstrap import alpha_interval, bootstrap, bootstrap_ci
from qualcode.agreement.coefficients import (
    AgreementError,
    ReliabilityData,
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)

__all__ = [
    "AgreementError",
    "ReliabilityData",
    "alpha_interval",
    "bootstrap",
    "bootstrap_ci",
    "brennan_prediger",
    "cohen_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "percent_agreement",
    "scott_pi",
]
